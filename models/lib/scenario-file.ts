/**
 * Bench helper: the parameters of one model section of a root scenario file (one without `extends`, such as
 * scenarios/baseline.yaml), validated by the model's schema. Models never import engine/, and the scenario merge rule
 * lives once, in engine/contract/; so a file that extends another is refused here with a pointer to the engine's
 * loader (tests use engine/test/scenario-params.ts, scripts under engine/ call loadScenario).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { z } from 'zod';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/**
 * Validated parameters of section `section` of scenarios/<name>.yaml, which must not extend another file.
 * @example
 * // Any object with `parse` is a schema; the identity shows the section as written in scenarios/baseline.yaml.
 * const s = scenarioParams('baseline', 'rollout', { parse: (x) => x }); s.crews.city // => 6
 */
export function scenarioParams<S extends z.ZodType>(name: string, section: string, schema: S): z.infer<S> {
  const file = `${SCENARIOS}${name}.yaml`;
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (doc.extends !== undefined)
    throw new Error(
      `${file}: extends "${String(doc.extends)}"; models/lib/scenario-file.ts reads root scenarios only ` +
        `(fix: load it with the engine's loadScenario, or engine/test/scenario-params.ts in a test)`,
    );
  return schema.parse(doc[section] ?? {});
}
