/**
 * Model family `rollout`: e-government extranet, five-level service platform, online services, collaborative office
 * and the sharing platform of Zibo's New Smart City plan 2017–2021. See README.md for equations and figures.
 */
import type { MetricInfo, ModelDefinition } from '../types.ts';
import { loadHierarchy, type Hierarchy } from '../lib/divisions.ts';
import { prepareRollout, runRollout, type RolloutInputs } from './model.ts';
import { rolloutParamsSchema, type RolloutParams } from './params.ts';
import { rolloutSensitivityRanges } from './sensitivity-ranges.ts';

export { rolloutParamsSchema, type RolloutParams } from './params.ts';
export { prepareRollout, runRollout, type RolloutInputs } from './model.ts';

export const rolloutMetrics: MetricInfo[] = [
  {
    id: 'extranet.liveShare',
    unit: 'share',
    title: 'Extranet nodes live (both domains): city = all 3 levels; level:*, domain:*, per county (county + towns)',
  },
  {
    id: 'extranet.departmentsMergedShare',
    unit: 'share',
    title: 'City departments whose own networks are merged into the extranet',
  },
  {
    id: 'extranet.finishYear',
    unit: 'decimal year',
    title: 'Date the last node of a level/domain/county goes live (2019.0 = end of 2018)',
  },
  {
    id: 'extranet.waitDays',
    unit: 'd',
    title: 'Mean wait of a 3-level extranet task by cause (funding, crews, sharing rule)',
  },
  {
    id: 'platform.liveShare',
    unit: 'share',
    title: 'Service-platform nodes linked, per level (province … village), all levels (city) and per county',
  },
  {
    id: 'platform.finishYear',
    unit: 'decimal year',
    title: 'Date the last town / village (per county) is linked to the service platform',
  },
  {
    id: 'services.onlineShare',
    unit: 'share',
    title:
      'Service items handled online at zero (A) or one (B) trip: city-level items, per district, mean of districts',
  },
  {
    id: 'services.reach90Year',
    unit: 'decimal year',
    title: 'Date a district (level:county = all districts) reaches 90 % A/B items; 2031 = not by 2030',
  },
  {
    id: 'services.reach100Year',
    unit: 'decimal year',
    title: 'Date a district reaches 99.5 % A/B items; 2031 = not by 2030',
  },
  {
    id: 'collab.liveShare',
    unit: 'share',
    title: 'Units (city departments, districts, towns) working on the collaborative office system',
  },
  {
    id: 'collab.finishYear',
    unit: 'decimal year',
    title: 'Date the last unit switches to the collaborative office system',
  },
  {
    id: 'sharing.connectedShare',
    unit: 'share',
    title: 'Departments (city and district) whose systems are connected to the sharing platform',
  },
  {
    id: 'sharing.finishYear',
    unit: 'decimal year',
    title: 'Date the last department connects to the sharing platform',
  },
];

/**
 * Inputs for the worker: the division tree from data/zibo/divisions.json reduced to counts, and the task network.
 * @example
 * const inputs = loadRolloutInputs(rolloutParamsSchema.parse({}));
 * [inputs.nCounty, inputs.nTown, inputs.nVillage, inputs.graph.n] // => [8, 88, 2931, 3185]
 */
export function loadRolloutInputs(params: RolloutParams, hierarchy: Hierarchy = loadHierarchy()): RolloutInputs {
  return prepareRollout(params, hierarchy);
}

export const rolloutModel: ModelDefinition<RolloutParams, RolloutInputs> = {
  id: 'rollout',
  title: 'Extranet, service platform and online services rollout',
  grain: 'run',
  paramsSchema: rolloutParamsSchema,
  sensitivityRanges: rolloutSensitivityRanges,
  metrics: rolloutMetrics,
  loadInputs: (params) => loadRolloutInputs(params),
  run: runRollout,
};
