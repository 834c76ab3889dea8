/**
 * Test and bench helper: the parameters of one model section of a scenario file, resolved the way the engine does
 * (`extends` chain, objects merged key by key, arrays and scalars replaced) and validated by the model's schema.
 * Models never import engine/, so this is a small local copy of the merge rule for tests that run `run()` directly.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import path from 'node:path';
import { REPO_ROOT } from '../lib/paths.mjs';

const SCENARIOS = path.join(REPO_ROOT, 'scenarios');

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (
    base &&
    over &&
    typeof base === 'object' &&
    typeof over === 'object' &&
    !Array.isArray(base) &&
    !Array.isArray(over)
  ) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = merge(out[k], v);
    return out;
  }
  return over;
}

/**
 * Raw (merged, unvalidated) section `section` of scenario `name` from scenarios/<name>.yaml.
 * @example rawSection('half-crews', 'rollout').crews // → { city: 3, perCounty: 1, villagePerCounty: 2 }
 */
export function rawSection(name: string, section: string, depth = 0): any {
  if (depth > 8) throw new Error(`scenarios/${name}.yaml: extends chain too deep`);
  const doc = parse(readFileSync(`${SCENARIOS}${name}.yaml`, 'utf8')) as Record<string, any>;
  const parent = doc.extends ? rawSection(String(doc.extends), section, depth + 1) : {};
  return merge(parent, doc[section] ?? {});
}

/**
 * Validated parameters of a model section.
 * @example scenarioParams('baseline', 'rollout', rolloutParamsSchema).crews.city // → 6
 */
export function scenarioParams<S extends z.ZodType>(name: string, section: string, schema: S): z.infer<S> {
  return schema.parse(rawSection(name, section));
}
