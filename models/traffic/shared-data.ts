/**
 * Where the team's validation data lives (../shared beside the repository; never copied into it) and the CI rule:
 * tests that need it FAIL when CI=true and it is missing, and are skipped otherwise.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../lib/paths.mjs';

/** Repository root (two levels above this folder). */
export { REPO_ROOT };

/** ../shared/validation/tntp/SiouxFalls */
export const SIOUX_FALLS_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'validation', 'tntp', 'SiouxFalls');

/**
 * Whether a validation folder is present; throws under CI when it is not (so CI cannot pass by skipping).
 * @example
 * requireSharedData(REPO_ROOT) // => true
 * // In a test file: const have = requireSharedData(SIOUX_FALLS_DIR); it.skipIf(!have)('…', () => { … });
 */
export function requireSharedData(dir: string): boolean {
  const have = existsSync(dir);
  if (!have && process.env.CI === 'true')
    throw new Error(`${dir} is missing; CI must have ../shared (validation data)`);
  return have;
}
