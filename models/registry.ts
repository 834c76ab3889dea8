/**
 * Every model family the engine can run. The order here is the order of sections in a scenario.
 * To add a model: import its definition and append it. The engine knows models only through this list.
 */
import type { ModelDefinition } from './types.ts';
import { rolloutModel } from './rollout/index.ts';
import { cloudsModel } from './clouds/index.ts';
import { greenhouseModel } from './greenhouse/index.ts';
import { trafficModel } from './traffic/index.ts';
import { trafficDynamicModel } from './traffic/dynamic/model.ts';

export const models: ModelDefinition[] = [
  rolloutModel,
  cloudsModel,
  greenhouseModel,
  trafficModel,
  trafficDynamicModel,
];

/** Look a model up by id; throws with the known ids when missing. */
export function getModel(id: string): ModelDefinition {
  const m = models.find((x) => x.id === id);
  if (!m) throw new Error(`unknown model "${id}"; known: ${models.map((x) => x.id).join(', ') || '(none)'}`);
  return m;
}
