/**
 * The `traffic-dynamic` model family (grain `year`): the dynamic loading of the very peak the static `traffic` model
 * assigns. Per year and replication it
 *   1. builds the static model's Zibo peak-hour case (`ziboPeakHourCase`: network after the smart-signal rollout and the
 *      gravity OD of the hour) with the same draws (demand level, capacity gain) as the static model — from the
 *      common-random-numbers stream when `traffic.replications.commonRandomNumbers` is on;
 *   2. solves the static user equilibrium with per-origin link flows (`assign(..., { trackOrigins: true })`);
 *   3. spreads the hour's OD over the peak period (`periodTrips`, README "Demand"), integerises it per OD pair, and
 *      gives every vehicle a route drawn from the UE solution (`sampleRoute`: the origin-based proportional split, so
 *      route flows reproduce the UE link flows in expectation);
 *   4. loads them with the link transmission model (signals, spill-back), capacities = the static case's (smart-signal
 *      links carry the drawn capacity gain) and, by default, adaptive (Webster) signals at the junctions the rollout upgraded (≥ half of the approaches).
 * The static parameters live in the sub-section `traffic` (the static schema, defaults = the static defaults); scenario
 * files point it at their `traffic` section with a YAML alias so both models read one set of values (README).
 */
import { z } from 'zod';
import type { JobSpec, ModelDefinition, ModelOutput, Rng, SeriesOut } from '../../types.ts';
import { createRng, mixSeed } from '../../lib/rng.ts';
import { assign } from '../assign.ts';
import type { GmnsLink, GmnsNode } from '../gmns.ts';
import {
  drawYear,
  loadTrafficInputs,
  trafficInputProblems,
  ziboPeakHourCase,
  type PeakHourCase,
  type TrafficInputs,
} from '../model.ts';
import { trafficParamsSchema } from '../params.ts';
import type { Network } from '../network.ts';
import { buildInStar, type InStar } from '../routes.ts';
import { peakWindowShare } from './demand.ts';
import { runDynamicPeak } from './index.ts';
import { buildDynNetwork, type DynNetwork } from './network.ts';
import { dynamicParamsSchema, signalTimingShape, type DynamicParams } from './params.ts';
import { DynShortestPaths, type PathTable } from './routing.ts';
import { trafficDynamicSensitivityRanges } from '../sensitivity-ranges.ts';

const dyn = dynamicParamsSchema.shape;

export const trafficDynamicParamsSchema = z.strictObject({
  traffic: trafficParamsSchema
    .prefault({})
    .describe(
      "the static traffic model's parameters (same schema and defaults as the `traffic` section): demand, smart-signal rollout, BPR, assignment. Scenario files set it to their `traffic` section with a YAML alias (`traffic: &traffic` … `traffic-dynamic: { traffic: *traffic }`) so the dynamic replay loads the demand and network the static model assigns",
    ),
  periodTrips: z
    .enum(['peak-hour-is-busiest-hour', 'peak-hour-over-period'])
    .default('peak-hour-over-period')
    .describe(
      "how the static peak-hour OD (veh/h) becomes trips of the loading period. peak-hour-over-period (default): the hour's trips are the period's trips, spread by the departure profile (period total = static OD total; the profile's busiest hour then departs its peak-hour share, 0.45, of them). peak-hour-is-busiest-hour: period total = OD total / peak-hour share, so the profile's busiest hour departs exactly the static OD (2.2× the trips; on the 2019 Zibo skeleton this leaves most vehicles unfinished, README \"Demand\")",
    ),
  dtS: dyn.dtS,
  profile: dyn.profile,
  clearanceS: dyn.clearanceS,
  signals: z
    .strictObject({
      ...signalTimingShape,
      mode: z
        .enum(['rollout', 'fixed', 'adaptive'])
        .default('rollout')
        .describe(
          'rollout (default) = the static smart-signal rollout acts here: a signalised junction with at least half of its signalised approaches upgraded that year runs the adaptive Webster re-split, the others fixed equal splits; fixed = no adaptive signals (upgraded links keep only their capacity gain); adaptive = every signal adapts (upper bound)',
        ),
    })
    .prefault({})
    .describe('signal timing at nodes with a signalised in-link (link.csv `signalized`)'),
  sampleShare: dyn.sampleShare,
  seriesIntervalS: dyn.seriesIntervalS,
  gridlockTimeoutS: dyn.gridlockTimeoutS,
  onGridlock: dyn.onGridlock,
  maxReplications: z
    .number()
    .int()
    .min(1)
    .max(10000)
    .default(5)
    .describe(
      'count; at most this many replications of the dynamic peak per year (each costs seconds; the replay needs one); the scenario count applies when lower',
    ),
});
export type TrafficDynamicParams = z.infer<typeof trafficDynamicParamsSchema>;

/** What `run` needs: the static model's inputs and the GMNS records the dynamic network is built from. */
export interface TrafficDynamicInputs {
  static: TrafficInputs;
  nodes: GmnsNode[];
  links: GmnsLink[];
  /** Local metres (equirectangular about the mean latitude) per node. */
  nodeXM: Float64Array;
  nodeYM: Float64Array;
  nodeSignalized: Uint8Array;
  inStar: InStar;
}

/**
 * Read the static model's inputs (same data files, same link order) plus node coordinates for the dynamic network.
 * @example const inp = loadTrafficDynamicInputs(trafficDynamicParamsSchema.parse({})); inp.links.length // => 724
 */
export function loadTrafficDynamicInputs(p: TrafficDynamicParams): TrafficDynamicInputs {
  // The static inputs carry the network the scenario names (traffic.network) in its link order; the dynamic network
  // indexes the static arrays (capacities, UE flows) by that same position.
  const st = loadTrafficInputs(p.traffic);
  const gm = { nodes: st.nodes, links: st.links };
  const planar = st.network.crs === 'planar';
  // Planar networks are in metres already; lon/lat ones go to local metres (equirectangular about the mean latitude).
  const lat0 = planar ? 0 : gm.nodes.reduce((a, n) => a + n.lat, 0) / gm.nodes.length;
  const kx = planar ? 1 : 111320 * Math.cos((lat0 * Math.PI) / 180);
  const ky = planar ? 1 : 110540;
  const idx = new Map<number, number>();
  gm.nodes.forEach((n, i) => idx.set(n.nodeId, i));
  const nodeSignalized = new Uint8Array(gm.nodes.length);
  for (const l of gm.links) if (l.signalized) nodeSignalized[idx.get(l.toNodeId)!] = 1;
  return {
    static: st,
    nodes: gm.nodes,
    links: gm.links,
    nodeXM: Float64Array.from(gm.nodes, (n) => n.lon * kx),
    nodeYM: Float64Array.from(gm.nodes, (n) => n.lat * ky),
    nodeSignalized,
    inStar: buildInStar(st.net),
  };
}

/**
 * The dynamic network of a year's case, in the static link order: lanes, speeds and lengths from link.csv, capacity =
 * the case's (so links with smart signals discharge at the drawn higher saturation flow, as the static model assumes).
 * @example
 * import { ziboPeakHourCase } from '../model.ts';
 * const params = trafficDynamicParamsSchema.parse({}); const inputs = loadTrafficDynamicInputs(params);
 * const c = ziboPeakHourCase(params.traffic, inputs.static, 2019, { demandFactor: 1, capacityGain: 0.1 });
 * const net = dynNetworkForCase(inputs, c);
 * [net.numNodes, net.numLinks] // => [325, 724]
 * // The case's capacity (veh/h, upgraded links raised by the gain) in veh/s:
 * net.capacityVehPerS.every((q, a) => Math.abs(q * 3600 - c.net.capacity[a]) < 1e-9) // => true
 */
export function dynNetworkForCase(inp: TrafficDynamicInputs, c: PeakHourCase): DynNetwork {
  const idx = new Map<number, number>();
  inp.nodes.forEach((n, i) => idx.set(n.nodeId, i));
  return buildDynNetwork({
    nodeXM: inp.nodeXM,
    nodeYM: inp.nodeYM,
    nodeSignalized: inp.nodeSignalized,
    links: inp.links.map((l, a) => ({
      id: String(l.linkId),
      from: idx.get(l.fromNodeId)!,
      to: idx.get(l.toNodeId)!,
      lengthM: l.lengthM,
      lanes: l.lanes,
      freeSpeedKmPerH: l.freeSpeedKmPerH,
      capacityVehPerHPerLane: c.net.capacity[a]! / l.lanes,
      linkType: fdClassOf(l.linkType),
    })),
  });
}

/**
 * Fundamental-diagram class of a link type: the sketch's classes as they are, OSM highway values of imported networks
 * mapped to them (motorway → expressway, trunk → national, primary/secondary → arterial, others → collector).
 * @example
 * [fdClassOf('primary_link'), fdClassOf('motorway'), fdClassOf('trunk')] // => ['arterial', 'expressway', 'national']
 * fdClassOf('residential') // => 'residential'
 */
export function fdClassOf(linkType: string | undefined): string {
  const t = (linkType ?? '').toLowerCase().replace(/_link$/, '');
  if (t === 'motorway') return 'expressway';
  if (t === 'trunk') return 'national';
  if (t === 'primary' || t === 'secondary') return 'arterial';
  return t;
}

/** Routed vehicles of the period: paths (integer vehicle counts) and bookkeeping. */
export interface PeriodRoutes {
  paths: PathTable;
  /** Vehicles loaded in the period (= Σ paths.veh, an integer). */
  trips: number;
  /** Static peak-hour OD total, veh/h (the case's demand). */
  peakHourVehPerH: number;
  /** Vehicles whose UE route draw failed (cycle in FW round-off) and took the UE-cost shortest path instead. */
  fallbackRoutes: number;
}

/**
 * Period trips from the hour's OD and one UE route per vehicle. Each OD cell's expected trips are integerised by
 * cumulative rounding over the cells (Σ is the rounded total exactly, each cell off by < 1); each vehicle then draws its
 * route from the per-origin UE flows (`sampleRoute`), so route shares follow the UE solution.
 * @example
 * import { ziboPeakHourCase } from '../model.ts';
 * import { assign } from '../assign.ts';
 * import { createRng } from '../../lib/rng.ts';
 * const params = trafficDynamicParamsSchema.parse({}); const inputs = loadTrafficDynamicInputs(params);
 * const c = ziboPeakHourCase(params.traffic, inputs.static, 2019, { demandFactor: 1, capacityGain: 0.1 });
 * const ue = assign(c.net, c.demand, { algorithm: 'bfw', targetGap: 1e-5, trackOrigins: true }, inputs.static.graph);
 * const r = periodRoutes(inputs, c, dynNetworkForCase(inputs, c), ue.originFlow, ue.cost, 1, createRng(3));
 * // One vehicle per trip: the hour's 76,085.1 veh/h rounded once in total, every route drawn from the UE flows.
 * [r.trips, Math.round(c.demand.total), r.fallbackRoutes] // => [76085, 76085, 0]
 */
export function periodRoutes(
  inp: TrafficDynamicInputs,
  c: PeakHourCase,
  dynNet: DynNetwork,
  originFlow: Float64Array,
  ueCostMin: Float64Array,
  factor: number,
  rng: Rng,
): PeriodRoutes {
  const net = c.net;
  const nz = net.numZones;
  const od = c.demand.od;
  // Distinct routes by content: hash of the link sequence → path ids with that hash (compared link by link). Same
  // paths in the same order as keying a Map by route.join(','), without building a string per vehicle (that was most
  // of this function's time).
  const index = new Map<number, number[]>();
  const starts: number[] = [0];
  const links: number[] = [];
  const veh: number[] = [];
  let cum = 0;
  let given = 0;
  let fallbackRoutes = 0;
  let sp: DynShortestPaths | null = null;
  let spOrigin = -1;
  const sampler = new OriginRouteSampler(net, inp.inStar, originFlow);
  // The drawn route, origin → destination, in route[0 .. len).
  const route = new Int32Array(net.numNodes + 1);
  for (let o = 0; o < nz; o++) {
    let originReady = false;
    for (let d = 0; d < nz; d++) {
      if (o === d) continue;
      const q = od[o * nz + d]!;
      if (!(q > 0)) continue;
      cum += q * factor;
      const n = Math.round(cum) - given;
      given += n;
      if (n > 0 && !originReady) {
        sampler.setOrigin(o);
        originReady = true;
      }
      for (let k = 0; k < n; k++) {
        let len = -1;
        for (let tries = 0; tries < 5 && len < 0; tries++) len = sampler.draw(d, rng, route);
        if (len < 0) {
          // FW round-off can leave a cycle in x_o; fall back to the shortest path on UE costs (rare).
          if (!sp) sp = new DynShortestPaths(dynNet, net.noThrough);
          if (spOrigin !== o) {
            sp.run(net.zoneNode[o]!, ueCostMin);
            spOrigin = o;
          }
          const path = sp.pathTo(net.zoneNode[d]!);
          if (!path)
            throw new Error(`traffic-dynamic: zone index ${d} cannot be reached from zone index ${o} on the network`);
          for (let j = 0; j < path.length; j++) route[j] = path[j]!;
          len = path.length;
          fallbackRoutes++;
        }
        const key = routeHash(route, len);
        let id = findRoute(index.get(key), route, len, starts, links);
        if (id < 0) {
          id = veh.length;
          const same = index.get(key);
          if (same) same.push(id);
          else index.set(key, [id]);
          for (let j = 0; j < len; j++) links.push(route[j]!);
          starts.push(links.length);
          veh.push(0);
        }
        veh[id]!++;
      }
    }
  }
  return {
    paths: { start: Int32Array.from(starts), links: Int32Array.from(links), veh: Float64Array.from(veh) },
    trips: given,
    peakHourVehPerH: c.demand.total,
    fallbackRoutes,
  };
}

/** 32-bit FNV-1a hash of a route's link indices route[0 .. len) (and its length). */
function routeHash(route: Int32Array, len: number): number {
  let h = 0x811c9dc5 ^ len;
  for (let k = 0; k < len; k++) h = Math.imul(h ^ route[k]!, 0x01000193);
  return h >>> 0;
}

/** The id among `ids` whose links (links[starts[id] .. starts[id+1])) equal route[0 .. len), or −1. */
function findRoute(
  ids: number[] | undefined,
  route: Int32Array,
  len: number,
  starts: number[],
  links: number[],
): number {
  if (!ids) return -1;
  for (const id of ids) {
    const s0 = starts[id]!;
    if (starts[id + 1]! - s0 !== len) continue;
    let k = 0;
    while (k < len && links[s0 + k] === route[k]) k++;
    if (k === len) return id;
  }
  return -1;
}

/**
 * `sampleRoute` (routes.ts) for many draws from one origin: the same backward proportional walk, the same random
 * numbers and the same arithmetic (so the same routes, bit for bit), but each node's in-link total and its list of
 * eligible in-links (origin flow > 0 and ≥ minShare × total, in in-star order) are computed once per origin, on first
 * use, instead of twice per visit, and the route is built in one scratch array instead of a new array per vehicle.
 * Measured on the 28k-link city (152,171 vehicles): routing CPU 0.74–1.15 s before, 0.78–0.88 s after, at load
 * average 16–31: no gain beyond the machine's noise; kept because it allocates less and draws the same routes.
 */
class OriginRouteSampler {
  private readonly m: number;
  /** Per node: the origin whose lists are built (−1 = none), the in-flow total, and its eligible in-links. */
  private readonly builtFor: Int32Array;
  private readonly total: Float64Array;
  private readonly candStart: Int32Array;
  private readonly candEnd: Int32Array;
  /** Eligible in-links and their origin flows, appended per node as built (reset per origin). */
  private candLink: Int32Array;
  private candFlow: Float64Array;
  private nCand = 0;
  private origin = -1;
  private off = 0;
  private originNode = -1;

  constructor(
    private readonly net: Network,
    private readonly ins: InStar,
    private readonly originFlow: Float64Array,
    private readonly minShare = 1e-6,
  ) {
    const n = net.numNodes;
    this.m = net.numLinks;
    this.builtFor = new Int32Array(n).fill(-1);
    this.total = new Float64Array(n);
    this.candStart = new Int32Array(n);
    this.candEnd = new Int32Array(n);
    this.candLink = new Int32Array(this.m);
    this.candFlow = new Float64Array(this.m);
  }

  /** Draws from origin o from now on. */
  setOrigin(o: number): void {
    this.origin = o;
    this.off = o * this.m;
    this.originNode = this.net.zoneNode[o]!;
    this.nCand = 0;
  }

  /** The total and eligible in-links of node v for the current origin (as sampleRoute's two scans compute them). */
  private build(v: number): void {
    const { ins, originFlow, off } = this;
    let total = 0;
    for (let k = ins.firstIn[v]!; k < ins.firstIn[v + 1]!; k++) {
      const f = originFlow[off + ins.inLink[k]!]!;
      if (f > 0) total += f;
    }
    this.total[v] = total;
    this.candStart[v] = this.nCand;
    if (total > 0)
      for (let k = ins.firstIn[v]!; k < ins.firstIn[v + 1]!; k++) {
        const a = ins.inLink[k]!;
        const f = originFlow[off + a]!;
        if (!(f > 0) || f < this.minShare * total) continue;
        this.candLink[this.nCand] = a;
        this.candFlow[this.nCand++] = f;
      }
    this.candEnd[v] = this.nCand;
    this.builtFor[v] = this.origin;
  }

  /**
   * One route from the current origin to zone d into route[0 .. len) (origin → destination); returns len, or −1
   * where sampleRoute returns null (no flow reaches d, or the walk runs into a cycle).
   */
  draw(d: number, rng: Rng, route: Int32Array): number {
    const net = this.net;
    const { total, candStart, candEnd, candLink, candFlow, builtFor } = this;
    let v = net.zoneNode[d]!;
    let len = 0;
    for (let steps = 0; v !== this.originNode; steps++) {
      if (steps > net.numNodes) return -1;
      if (builtFor[v] !== this.origin) this.build(v);
      const tot = total[v]!;
      if (!(tot > 0)) return -1;
      let r = rng.next() * tot;
      let chosen = -1;
      for (let k = candStart[v]!; k < candEnd[v]!; k++) {
        chosen = candLink[k]!;
        r -= candFlow[k]!;
        if (r <= 0) break;
      }
      if (chosen < 0) return -1;
      // Backward walk: links are written from the end and reversed below (route has room for numNodes + 1 links).
      if (len >= route.length) return -1;
      route[len++] = chosen;
      v = net.from[chosen]!;
    }
    route.subarray(0, len).reverse();
    return len;
  }
}

/**
 * Period trips per peak-hour trip for a departure profile: 1 for `peak-hour-over-period`, 1 / (busiest-hour share)
 * for `peak-hour-is-busiest-hour`.
 * @example
 * const params = trafficDynamicParamsSchema.parse({});
 * periodFactor(params) // => 1
 * // When the period's trips are the busiest hour's (its share of the profile: peakWindowShare):
 * periodFactor({ ...params, periodTrips: 'peak-hour-is-busiest-hour' }).toFixed(4) // => '2.2222'
 */
export function periodFactor(p: Pick<TrafficDynamicParams, 'periodTrips' | 'profile'>): number {
  return p.periodTrips === 'peak-hour-is-busiest-hour' ? 1 / peakWindowShare(p.profile, 3600) : 1;
}

const METRICS = [
  {
    id: 'traffic.peakDelayVehH',
    unit: 'veh·h',
    title: 'AM peak delay (time lost against free flow, incl. waiting to enter)',
  },
  {
    id: 'traffic.queueMinutesTop10',
    unit: 'veh·min',
    title: 'Queued vehicle-minutes at the 10 worst bottleneck links (AM peak)',
  },
  { id: 'traffic.peakMeanTravelTimeMin', unit: 'min', title: 'Mean AM peak trip time (dynamic loading)' },
  { id: 'traffic.peakMeanSpeedKmPerH', unit: 'km/h', title: 'Mean AM peak speed (VKT/VHT, dynamic loading)' },
  { id: 'traffic.peakVhtVehH', unit: 'veh·h', title: 'AM peak vehicle-hours travelled (dynamic)' },
  { id: 'traffic.peakVktVehKm', unit: 'veh·km', title: 'AM peak vehicle-km travelled (dynamic)' },
  {
    id: 'traffic.peakTrips',
    unit: 'veh',
    title: 'Vehicles loaded in the AM peak period (the static peak-hour OD spread over the period)',
  },
  {
    id: 'traffic.peakHourOdVehPerH',
    unit: 'veh/h',
    title: 'Static peak-hour OD total the period was built from (same as traffic.demandVehPerH for the same draws)',
  },
  {
    id: 'traffic.peakUnfinished',
    unit: 'veh',
    title: 'Vehicles still travelling when the loading ended (0 = the network emptied before the cap)',
  },
  { id: 'traffic.peakGridlock', unit: '0/1', title: 'Gridlock detected in the AM peak loading' },
  {
    id: 'traffic.linkQueueVehMin',
    unit: 'veh·min',
    title: 'Queued vehicle-minutes on a bottleneck link (top 10 only)',
  },
];

/**
 * One year × replication: static case → UE with origin flows → routed vehicles → dynamic loading.
 * @example
 * import { createRng } from '../../lib/rng.ts';
 * // A light case to keep it quick: a tenth of the default peak demand, 5 s steps.
 * const params = trafficDynamicParamsSchema.parse({ dtS: 5, traffic: { demand: { peakTripsPerCar: 0.005 } } });
 * const inputs = loadTrafficDynamicInputs(params);
 * const job = { model: 'traffic-dynamic', years: [2019], replication: 0, attempt: 1, seed: 7, crnSeed: 11 };
 * const out = runTrafficDynamic(params, inputs, job, createRng(7));
 * const city = (id) => out.series.find((s) => s.metric === id && s.entity === 'city').values[0];
 * [city('traffic.peakTrips'), city('traffic.peakUnfinished'), city('traffic.peakGridlock')] // => [7605, 0, 0]
 * city('traffic.peakMeanSpeedKmPerH').toFixed(2) // => '59.93'
 */
export function runTrafficDynamic(
  p: TrafficDynamicParams,
  inp: TrafficDynamicInputs,
  job: JobSpec,
  rng: Rng,
): ModelOutput {
  const year = job.years[0]!;
  const tp = p.traffic;
  // Same expression as the static model (models/traffic/model.ts runTraffic): same crnSeed → same demand and gain.
  const draws = drawYear(
    tp,
    tp.replications.commonRandomNumbers ? createRng(job.crnSeed ?? mixSeed('traffic-world', job.replication)) : rng,
  );
  const c = ziboPeakHourCase(tp, inp.static, year, draws);
  const ue = assign(
    c.net,
    c.demand,
    {
      algorithm: tp.assignment.algorithm,
      targetGap: tp.assignment.targetGap,
      maxIterations: tp.assignment.maxIterations,
      keepLog: false,
      trackOrigins: true,
    },
    inp.static.graph,
  );
  const net = dynNetworkForCase(inp, c);
  // Route, departure and replay-sample draws: with common random numbers from a stream keyed by (replication, year)
  // only, so a what-if's replication r starts its loading from the same random numbers as the baseline's.
  const loadRng = tp.replications.commonRandomNumbers
    ? createRng(mixSeed(job.crnSeed ?? mixSeed('traffic-world', job.replication), 'traffic-dynamic-load', year))
    : rng;
  const routes = periodRoutes(inp, c, net, ue.originFlow!, ue.cost, periodFactor(p), loadRng);
  const dp: DynamicParams = {
    dtS: p.dtS,
    demandScale: 1,
    profile: p.profile,
    clearanceS: p.clearanceS,
    signals: { ...p.signals, mode: p.signals.mode === 'adaptive' ? 'adaptive' : 'fixed' },
    routeChoice: { draws: 1, sigma: 0 }, // unused: routes come from the UE solution
    sampleShare: p.sampleShare,
    seriesIntervalS: p.seriesIntervalS,
    gridlockTimeoutS: p.gridlockTimeoutS,
    onGridlock: p.onGridlock,
  };
  let adaptiveNode: Uint8Array | undefined;
  if (p.signals.mode === 'rollout') {
    // The static rollout upgrades approaches (links); a junction's controller counts as smart when at least half of its
    // signalised approaches are upgraded, so the share of adaptive junctions follows the rollout share.
    const sig = new Int32Array(net.numNodes);
    const up = new Int32Array(net.numNodes);
    for (let a = 0; a < net.numLinks; a++) {
      if (!inp.static.signalized[a]) continue;
      sig[net.to[a]!]!++;
      if (c.upgraded[a]) up[net.to[a]!]!++;
    }
    adaptiveNode = new Uint8Array(net.numNodes);
    for (let v = 0; v < net.numNodes; v++) adaptiveNode[v] = sig[v]! > 0 && 2 * up[v]! >= sig[v]! ? 1 : 0;
  }
  const res = runDynamicPeak(
    net,
    { kind: 'paths', paths: routes.paths },
    dp,
    loadRng,
    adaptiveNode ? { adaptiveNode } : {},
  );
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
    city('traffic.peakHourOdVehPerH', routes.peakHourVehPerH),
    city('traffic.peakUnfinished', ind.unfinished),
    city('traffic.peakGridlock', ind.gridlock ? 1 : 0),
    ...ind.top10.map((t) => ({
      metric: 'traffic.linkQueueVehMin',
      entity: `link:${t.id}`,
      periods: period,
      values: [t.queueVehMin],
    })),
  ];
  const artifacts: Record<string, unknown> = { linkSeries: res.linkSeries };
  if (res.replay) artifacts.replay = res.replay;
  if (res.loading.gridlock)
    artifacts.gridlock = { message: res.loading.gridlock.message, timeS: res.loading.gridlock.timeS };
  // The loading runs until the network empties or the cap (clearanceS after the last departure); say why it did not.
  if (ind.unfinishedReason) {
    artifacts.unfinished = {
      vehicles: ind.unfinished,
      worstLink: ind.unfinishedWorstLink,
      reason: ind.unfinishedReason,
    };
    return {
      series,
      artifacts,
      warnings: [`traffic-dynamic ${year}: the peak did not empty: ${ind.unfinishedReason}`],
    };
  }
  return { series, artifacts };
}

export const trafficDynamicModel: ModelDefinition<TrafficDynamicParams, TrafficDynamicInputs> = {
  id: 'traffic-dynamic',
  title: 'Traffic II: AM peak dynamic loading (static UE routes → link transmission model with signals, replay)',
  grain: 'year',
  paramsSchema: trafficDynamicParamsSchema,
  sensitivityRanges: trafficDynamicSensitivityRanges,
  replications: (p, n) => Math.min(n, p.maxReplications),
  // Same common random numbers as the static model, so replication r loads the demand the static model assigned.
  crnKey: 'traffic',
  metrics: METRICS,
  loadInputs: loadTrafficDynamicInputs,
  checkInputs: (p) => trafficInputProblems(p.traffic).map((i) => ({ ...i, path: ['traffic', ...i.path] })),
  run: runTrafficDynamic,
};
