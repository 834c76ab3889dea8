/**
 * Model family `clouds`: the city government cloud in two parts (public service cloud, administrative service cloud),
 * migration of city and district systems, hosts, utilisation, energy, cost and front-end sizing. See README.md.
 */
import type { MetricInfo, ModelDefinition } from '../types.ts';
import { loadHierarchy, type Hierarchy } from '../lib/divisions.ts';
import { prepareClouds, runClouds, type CloudsInputs } from './model.ts';
import { cloudsParamsSchema, type CloudsParams } from './params.ts';
import { cloudsSensitivityRanges } from './sensitivity-ranges.ts';

export { cloudsParamsSchema, type CloudsParams } from './params.ts';
export { prepareClouds, runClouds, type CloudsInputs } from './model.ts';

export const cloudsMetrics: MetricInfo[] = [
  {
    id: 'clouds.migratedShare',
    unit: 'share',
    title: 'Systems to migrate that run on the cloud (cloud:public, cloud:admin, city = both)',
  },
  { id: 'clouds.systemsMigrated', unit: 'systems', title: 'Systems migrated so far' },
  { id: 'clouds.hosts', unit: 'hosts', title: 'Physical hosts the provider runs for each cloud' },
  {
    id: 'clouds.utilisation',
    unit: 'share',
    title: 'CPU utilisation: cloud hosts (per cloud, city) vs stand-alone servers (standalone)',
  },
  {
    id: 'clouds.energyKwh',
    unit: 'kWh/month',
    title: 'Electricity incl. PUE: each cloud, the remaining stand-alone rooms, city total',
  },
  {
    id: 'clouds.standaloneEnergyKwh',
    unit: 'kWh/month',
    title: 'Counterfactual: all systems still in stand-alone rooms',
  },
  {
    id: 'clouds.costCny',
    unit: 'CNY/month',
    title: 'Government spend: cloud service fees (service), remaining rooms (standalone), total (city)',
  },
  { id: 'clouds.standaloneCostCny', unit: 'CNY/month', title: 'Counterfactual spend with no cloud' },
  { id: 'clouds.savingShare', unit: 'share', title: '1 − spend / counterfactual spend' },
  { id: 'clouds.legacyServers', unit: 'servers', title: 'Stand-alone servers still running' },
  {
    id: 'clouds.cutoverDowntimeH',
    unit: 'h/month',
    title: "Memory-copy time of the month's cut-overs (CloudSim rule RAM/(BW/2))",
  },
  {
    id: 'clouds.frontendServers',
    unit: 'workers',
    title: 'Front-end workers provisioned (Erlang C sizing each January)',
  },
  {
    id: 'clouds.frontendPWait',
    unit: 'probability',
    title: 'P(wait) of a request at the design hour with the provisioned workers',
  },
  { id: 'clouds.finishYear', unit: 'decimal year', title: 'Date of the last cut-over per cloud and overall' },
  {
    id: 'clouds.systems',
    unit: 'systems',
    title: 'Inventory drawn in this replication (total, retired, per cloud to migrate)',
  },
  {
    id: 'clouds.frontendGrowthPerYear',
    unit: '1/yr',
    title: 'Actual yearly growth of front-end requests drawn in this replication',
  },
];

/**
 * Inputs for the worker: district codes from the division tree plus samplers and scratch buffers.
 * @example
 * const inputs = loadCloudsInputs(cloudsParamsSchema.parse({}));
 * inputs.countyCodes.length // => 8
 * inputs.countyCodes[0] // => '370302'
 */
export function loadCloudsInputs(params: CloudsParams, hierarchy: Hierarchy = loadHierarchy()): CloudsInputs {
  return prepareClouds(
    params,
    hierarchy.counties.map((c) => c.code),
  );
}

export const cloudsModel: ModelDefinition<CloudsParams, CloudsInputs> = {
  id: 'clouds',
  title: 'Two government clouds: migration, capacity, energy and cost',
  grain: 'run',
  paramsSchema: cloudsParamsSchema,
  sensitivityRanges: cloudsSensitivityRanges,
  metrics: cloudsMetrics,
  loadInputs: (params) => loadCloudsInputs(params),
  run: runClouds,
};
