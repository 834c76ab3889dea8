/**
 * Model family `traffic` (static part): Zibo's yearly morning peak hour by static user-equilibrium assignment, and
 * the reusable pieces the dynamic model (models/traffic/dynamic/) builds on: readers, CSR graph, shortest paths,
 * assignment with per-origin flows, OD routes. See README.md.
 */
import type { MetricInfo, ModelDefinition } from '../types.ts';
import { loadTrafficInputs, runTraffic, trafficInputProblems, type TrafficInputs } from './model.ts';
import { trafficParamsSchema, type TrafficParams } from './params.ts';
import { trafficSensitivityRanges } from './sensitivity-ranges.ts';

export { trafficParamsSchema, shareForYear, type TrafficParams } from './params.ts';
export {
  loadTrafficInputs,
  runTraffic,
  ziboPeakHourCase,
  NO_DISTRICT,
  BASE_OD_YEAR,
  drawYear,
  indicators,
  longestPath,
  type LongestPath,
  type TrafficInputs,
  type PeakHourCase,
  type YearDraws,
  type Indicators,
} from './model.ts';
export {
  type Network,
  type Demand,
  makeDemand,
  linkCosts,
  linkCostDerivatives,
  beckmann,
  refreshFixedCost,
} from './network.ts';
export {
  parseTntpNet,
  parseTntpTrips,
  parseTntpFlow,
  parseTntpNodes,
  readTntpFolder,
  InputFileError,
  type TntpCase,
  type TntpFlow,
} from './tntp.ts';
export {
  readGmnsFolder,
  networkFromGmns,
  gmnsFromNetworkFiles,
  type ImportedGmns,
  type GmnsNetwork,
  type GmnsNode,
  type GmnsLink,
} from './gmns.ts';
export { buildCsr, ShortestPaths, allOrNothing, shortestPathLinks, type CsrGraph } from './graph.ts';
export { assign, EquilibriumState, type AssignOptions } from './assign.ts';
export { originBlocks, type Algorithm, type AssignResult, type IterationLog } from './assign-result.ts';
export { freeFlowSkim, gravityFurness } from './demand.ts';
export { buildInStar, odRoutes, sampleRoute, type InStar, type Route } from './routes.ts';

export const trafficMetrics: MetricInfo[] = [
  {
    id: 'traffic.meanSpeedKmPerH',
    unit: 'km/h',
    title: 'Morning peak-hour mean speed on the main-road network, VKT/VHT (city and county codes)',
  },
  {
    id: 'traffic.congestionIndex',
    unit: '–',
    title: 'Peak-hour congestion index, VHT / free-flow VHT (city and county codes)',
  },
  {
    id: 'traffic.vhtVehH',
    unit: 'veh·h',
    title: 'Peak-hour vehicle hours travelled on the main-road network (city and county codes)',
  },
  {
    id: 'traffic.vktVehKm',
    unit: 'veh·km',
    title: 'Peak-hour vehicle kilometres travelled on the main-road network (city and county codes)',
  },
  {
    id: 'traffic.congestedLengthShare',
    unit: 'share',
    title: 'Share of main-road length with peak-hour v/c above 0.85 (city and county codes)',
  },
  {
    id: 'traffic.smartSignalShare',
    unit: 'share',
    title: 'Share of signalised links with smart (adaptive) signals (scenario input, realised; city and county codes)',
  },
  {
    id: 'traffic.capacityGainShare',
    unit: 'share',
    title: 'Capacity gain of an upgraded signalised link drawn for the replication',
  },
  { id: 'traffic.demandVehPerH', unit: 'veh/h', title: 'Peak-hour car trips between zones loaded on the network' },
  { id: 'traffic.relativeGap', unit: '–', title: 'Relative gap of the equilibrium reached (diagnostic)' },
  {
    id: 'traffic.longestPathMin',
    unit: 'min',
    title:
      'Longest zone-to-zone peak-hour trip, shortest path at the equilibrium costs (plausibility check; warning above traffic.plausibility.maxPathMin)',
  },
  { id: 'traffic.linkVc', unit: '–', title: 'Peak-hour volume/capacity ratio per link (link:<id>)' },
  { id: 'traffic.linkSpeedKmPerH', unit: 'km/h', title: 'Peak-hour speed per link (link:<id>)' },
  { id: 'traffic.linkFlowVehPerH', unit: 'veh/h', title: 'Peak-hour flow per link (link:<id>)' },
];

export const trafficModel: ModelDefinition<TrafficParams, TrafficInputs> = {
  id: 'traffic',
  title: 'Road traffic: yearly morning peak hour (static user equilibrium)',
  grain: 'year',
  paramsSchema: trafficParamsSchema,
  sensitivityRanges: trafficSensitivityRanges,
  metrics: trafficMetrics,
  loadInputs: (params) => loadTrafficInputs(params),
  checkInputs: (params) => trafficInputProblems(params),
  run: runTraffic,
};
