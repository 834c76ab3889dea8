/**
 * Test helper for model tests that need a what-if's parameters: one model section of scenarios/<name>.yaml, loaded by
 * the engine exactly as a run loads it (`extends` chain merged by the contract's rule, defaults, validation), then
 * parsed by the model's schema. Model tests may import the engine; model code may not.
 */
import path from 'node:path';
import type { z } from 'zod';
import { loadScenario, SCENARIOS_DIR } from '../scenario.ts';

/**
 * Validated parameters of section `section` of scenarios/<name>.yaml.
 * @example
 * // a model test passes its zod schema (rolloutParamsSchema); any object with parse() will do, here the identity
 * scenarioParams('half-crews', 'rollout', { parse: (section) => section }).crews.perCounty // => 1
 */
export function scenarioParams<S extends z.ZodType>(name: string, section: string, schema: S): z.infer<S> {
  const loaded = loadScenario(path.join(SCENARIOS_DIR, `${name}.yaml`));
  return schema.parse((loaded.scenario as unknown as Record<string, unknown>)[section]);
}
