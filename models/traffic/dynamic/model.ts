/**
 * The `traffic-dynamic` model family (grain `year`): for each year, the Zibo AM peak is assigned statically (UE, the
 * static model's `assign`, bi-conjugate Frank–Wolfe) and then loaded dynamically here: stochastic route choice on the
 * UE link costs, discrete vehicles departing by the peak profile, link transmission model with signals.
 *
 * Demand: until the static `traffic` model exports its own Zibo OD builder, this family builds the peak-hour OD with
 * a doubly-unconstrained gravity model (below); its two constants are scenario parameters marked as assumptions.
 *   T_ij = k · P_i · P_j · exp(−β · t_ij),  Σ_ij T_ij = cars(year) · peakHourTripShare
 * P = zone population (data/zibo/zones.csv), cars = civil cars (data/zibo/vehicles.csv), t_ij = free-flow minutes.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { ModelDefinition, SeriesOut } from '../../types.ts';
import { ZIBO_DATA_DIR, loadCarOwnership, loadZones } from '../../../data/index.ts';
import { assign } from '../assign.ts';
import { readGmnsFolder, type GmnsNetwork } from '../gmns.ts';
import { makeDemand } from '../network.ts';
import { peakWindowShare } from './demand.ts';
import { runDynamicPeak, type OdCell } from './index.ts';
import { buildDynNetwork, type DynNetwork } from './network.ts';
import { dynamicParamsSchema } from './params.ts';
import { DynShortestPaths } from './routing.ts';

export const trafficDynamicParamsSchema = z.strictObject({
  ...dynamicParamsSchema.shape,
  peakHourTripShare: z
    .number()
    .min(0)
    .max(0.5)
    .default(0.015)
    .describe('trips per civil car in the AM peak hour on the modelled arterial skeleton (inter-zone only); assumption, to be calibrated on Zibo counts'),
  gravityBetaPerMin: z.number().min(0).max(1).default(0.08).describe('1/min; gravity deterrence exp(−β·t); assumption (typical urban car β 0.05–0.15/min)'),
  ueGap: z.number().min(1e-8).max(0.1).default(1e-4).describe('relative gap of the static UE that feeds the route choice (research/traffic.md §2.3)'),
  maxReplications: z
    .number()
    .int()
    .min(1)
    .max(10000)
    .default(5)
    .describe('count; at most this many replications of the dynamic peak per year (each costs seconds; the replay needs one); the scenario count applies when lower'),
});
export type TrafficDynamicParams = z.infer<typeof trafficDynamicParamsSchema>;

export interface TrafficDynamicInputs {
  gmns: GmnsNetwork;
  dyn: DynNetwork;
  zonePop: Float64Array;
  carsByYear: Record<number, number>;
}

/**
 * Build the dynamic network in the static network's node and link order (so UE link costs index it directly).
 * Coordinates are projected to local metres (equirectangular about the mean latitude); a node is signalised when any
 * link ending there is flagged `signalized`.
 * @example const dyn = dynFromGmns(readGmnsFolder(dir).gmns);
 */
export function dynFromGmns(g: GmnsNetwork): DynNetwork {
  const idx = new Map<number, number>();
  g.nodes.forEach((n, i) => idx.set(n.nodeId, i));
  const lat0 = g.nodes.reduce((a, n) => a + n.lat, 0) / g.nodes.length;
  const kx = 111320 * Math.cos((lat0 * Math.PI) / 180);
  const signal = new Uint8Array(g.nodes.length);
  for (const l of g.links) if (l.signalized) signal[idx.get(l.toNodeId)!] = 1;
  return buildDynNetwork({
    nodeXM: g.nodes.map((n) => n.lon * kx),
    nodeYM: g.nodes.map((n) => n.lat * 110540),
    nodeSignalized: signal,
    links: g.links.map((l) => ({
      id: String(l.linkId),
      from: idx.get(l.fromNodeId)!,
      to: idx.get(l.toNodeId)!,
      lengthM: l.lengthM,
      lanes: l.lanes,
      freeSpeedKmPerH: l.freeSpeedKmPerH,
      capacityVehPerHPerLane: l.capacityVehPerHPerLane,
      linkType: l.linkType,
    })),
  });
}

/**
 * Gravity OD of the peak hour (veh/h) on zone indices; see the file comment.
 * @example const od = gravityPeakOd(dyn, zoneNode, pop, 50000, 0.08);
 */
export function gravityPeakOd(dyn: DynNetwork, zoneNode: Int32Array, pop: Float64Array, totalVehPerH: number, betaPerMin: number, noThrough: Uint8Array): Float64Array {
  const nz = zoneNode.length;
  const w = new Float64Array(nz * nz);
  const sp = new DynShortestPaths(dyn, noThrough);
  let sum = 0;
  for (let i = 0; i < nz; i++) {
    sp.run(zoneNode[i]!, dyn.freeTimeS);
    for (let j = 0; j < nz; j++) {
      if (i === j) continue;
      const t = sp.dist[zoneNode[j]!]!;
      if (!Number.isFinite(t)) continue;
      const x = pop[i]! * pop[j]! * Math.exp((-betaPerMin * t) / 60);
      w[i * nz + j] = x;
      sum += x;
    }
  }
  if (!(sum > 0)) throw new Error('gravity demand: no zone pair is connected');
  for (let k = 0; k < w.length; k++) w[k] = (w[k]! * totalVehPerH) / sum;
  return w;
}

const METRICS = [
  { id: 'traffic.peakDelayVehH', unit: 'veh·h', title: 'AM peak delay (time lost against free flow, incl. waiting to enter)' },
  { id: 'traffic.queueMinutesTop10', unit: 'veh·min', title: 'Queued vehicle-minutes at the 10 worst bottleneck links (AM peak)' },
  { id: 'traffic.peakMeanTravelTimeMin', unit: 'min', title: 'Mean AM peak trip time (dynamic loading)' },
  { id: 'traffic.peakMeanSpeedKmPerH', unit: 'km/h', title: 'Mean AM peak speed (VKT/VHT, dynamic loading)' },
  { id: 'traffic.peakVhtVehH', unit: 'veh·h', title: 'AM peak vehicle-hours travelled (dynamic)' },
  { id: 'traffic.peakVktVehKm', unit: 'veh·km', title: 'AM peak vehicle-km travelled (dynamic)' },
  { id: 'traffic.peakTrips', unit: 'veh', title: 'Vehicles loaded in the AM peak period' },
  { id: 'traffic.peakUnfinished', unit: 'veh', title: 'Vehicles still travelling at the end of the peak loading' },
  { id: 'traffic.peakGridlock', unit: '0/1', title: 'Gridlock detected in the AM peak loading' },
  { id: 'traffic.linkQueueVehMin', unit: 'veh·min', title: 'Queued vehicle-minutes on a bottleneck link (top 10 only)' },
];

export const trafficDynamicModel: ModelDefinition<TrafficDynamicParams, TrafficDynamicInputs> = {
  id: 'traffic-dynamic',
  title: 'Traffic II: AM peak dynamic loading (UE routes → link transmission model with signals, replay)',
  grain: 'year',
  paramsSchema: trafficDynamicParamsSchema,
  replications: (p, n) => Math.min(n, p.maxReplications),
  metrics: METRICS,
  loadInputs(): TrafficDynamicInputs {
    const { gmns } = readGmnsFolder(join(ZIBO_DATA_DIR, 'network'));
    const zones = loadZones();
    const popById = new Map(zones.map((z) => [z.zoneId, z.population]));
    const zonePop = Float64Array.from(gmns.zoneIds, (id) => {
      const p = popById.get(id);
      if (p === undefined) throw new Error(`data/zibo/network/node.csv: zone_id ${id} has no row in data/zibo/zones.csv; add it there`);
      return p;
    });
    const carsByYear: Record<number, number> = {};
    for (const r of loadCarOwnership()) carsByYear[r.year] = r.cars;
    return { gmns, dyn: dynFromGmns(gmns), zonePop, carsByYear };
  },
  run(p, inputs, job, rng) {
    const year = job.years[0]!;
    const cars = inputs.carsByYear[year];
    if (cars === undefined) throw new Error(`traffic-dynamic: data/zibo/vehicles.csv has no car count for ${year}`);
    const { net } = inputs.gmns;
    const peakVehPerH = cars * p.peakHourTripShare;
    const od = gravityPeakOd(inputs.dyn, net.zoneNode, inputs.zonePop, peakVehPerH, p.gravityBetaPerMin, net.noThrough);
    const ue = assign(net, makeDemand(net.numZones, od), { algorithm: 'bfw', targetGap: p.ueGap, maxIterations: 500, keepLog: false });
    // UE costs are minutes per link (GMNS reader); route choice wants seconds.
    const costS = Float64Array.from(ue.cost, (c) => Math.max(0, c * 60));
    // Peak-hour OD → whole loading period by the profile's peak-hour share.
    const periodFactor = 1 / peakWindowShare(p.profile, 3600);
    const cells: OdCell[] = [];
    const nz = net.numZones;
    for (let i = 0; i < nz; i++) {
      for (let j = 0; j < nz; j++) {
        const q = od[i * nz + j]!;
        if (i !== j && q > 0) cells.push({ originNode: net.zoneNode[i]!, destNode: net.zoneNode[j]!, veh: q * periodFactor });
      }
    }
    const res = runDynamicPeak(inputs.dyn, { kind: 'od', od: cells, linkCostS: costS, noThrough: net.noThrough }, p, rng);
    const ind = res.indicators;
    const period = [String(year)];
    const city = (metric: string, v: number): SeriesOut => ({ metric, entity: 'city', periods: period, values: [v] });
    const series: SeriesOut[] = [
      city('traffic.peakDelayVehH', ind.delayVehH),
      city('traffic.queueMinutesTop10', ind.queueVehMinTop10),
      city('traffic.peakMeanTravelTimeMin', ind.meanTravelTimeMin),
      city('traffic.peakMeanSpeedKmPerH', ind.meanSpeedKmPerH),
      city('traffic.peakVhtVehH', ind.vhtVehH),
      city('traffic.peakVktVehKm', ind.vktVehKm),
      city('traffic.peakTrips', ind.trips),
      city('traffic.peakUnfinished', ind.unfinished),
      city('traffic.peakGridlock', ind.gridlock ? 1 : 0),
      ...ind.top10.map((t) => ({ metric: 'traffic.linkQueueVehMin', entity: `link:${t.id}`, periods: period, values: [t.queueVehMin] })),
    ];
    const artifacts: Record<string, unknown> = { linkSeries: res.linkSeries };
    if (res.replay) artifacts.replay = res.replay;
    if (res.loading.gridlock) artifacts.gridlock = { message: res.loading.gridlock.message, timeS: res.loading.gridlock.timeS };
    return { series, artifacts };
  },
};
