/**
 * Zibo's yearly morning peak hour (grain `year`): demand from zone population × car ownership spread by a doubly
 * constrained gravity model, smart-signal rollout raising the capacity of upgraded signalised links, static user
 * equilibrium (BFW), and network indicators per city and district. Uncertainty: each replication draws the demand
 * level (log-normal) and the smart-signal capacity gain (uniform in its literature range).
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadCarOwnership, loadPopulation, loadRoadNetwork, loadZones, type LoadOptions } from '../../data/index.ts';
import {
  networkInfo,
  networkNameProblem,
  readNetworkFiles,
  SKETCH_NETWORK,
  type NetworkInfo,
} from '../../data/networks.ts';
import type { JobSpec, ModelOutput, Rng, SeriesOut } from '../types.ts';
import { createRng, mixSeed } from '../lib/rng.ts';
import type { AssignResult } from './assign-result.ts';
import { assign } from './assign.ts';
import { freeFlowSkim, gravityFurness } from './demand.ts';
import { gmnsFromNetworkFiles, networkFromGmns, type GmnsLink, type GmnsNode } from './gmns.ts';
import { calibratedOdFile, readCalibratedOd } from './odme.ts';
import { buildCsr, ShortestPaths, type CsrGraph } from './graph.ts';
import { makeDemand, refreshFixedCost, type Demand, type Network } from './network.ts';
import { shareForYear, type TrafficParams } from './params.ts';

/** Everything `run` needs, read once per worker. Plain data. */
export interface TrafficInputs {
  net: Network;
  graph: CsrGraph;
  /** Per link: county code, GMNS link id, signalised, connector. */
  linkDistrict: string[];
  linkId: Int32Array;
  signalized: Uint8Array;
  connector: Uint8Array;
  /** Upgrade order among the signalised links of each district (0 = first upgraded), −1 for others. */
  upgradeRank: Int32Array;
  signalizedCount: Record<string, number>;
  /** Per zone index: county code and population of the zone file's year (2020). */
  zoneCounty: string[];
  zonePopulation: Float64Array;
  zonePopulationYear: number;
  /** District population by code then year. */
  districtPopulation: Record<string, Record<number, number>>;
  carsPer1000ByYear: Record<number, number>;
  /** Free-flow zone-to-zone car time, min. */
  skimMin: Float64Array;
  districts: string[];
  /** The network's name, content hash and coordinate system (the run's provenance records name and hash). */
  network: NetworkInfo;
  /** The GMNS records, in the network's node and link order (the dynamic model builds on them). */
  nodes: GmnsNode[];
  links: GmnsLink[];
  /** The source's base-year peak-hour OD (TNTP _trips, GMNS demand.csv), veh/h, zone-index order; null: gravity. */
  baseOd: Float64Array | null;
  /** 1 where the link brought its own BPR α/β, which win over the scenario's `bpr` (TNTP, GMNS vdf columns). */
  ownVdf: Uint8Array;
  /** Cell factors of the calibrated OD named by `demand.calibratedOd` (fitted / prior), or null for gravity alone. */
  odFactors: Float64Array | null;
}

/**
 * District key of links and zones that lie in no district (planar networks, or outside Zibo's outline): they take the
 * scenario-wide signal share, and no per-district series is emitted for them (the city series covers them).
 */
export const NO_DISTRICT = '';

/** Year the base OD of an imported network stands for: the plan's first year; later years grow with car ownership. */
export const BASE_OD_YEAR = 2017;

/** Deterministic 32-bit hash of a link id, used to order signal upgrades (no RNG: the same links every year). */
function hashId(x: number): number {
  let h = Math.imul(x ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Read the road network the scenario names (`network`: the shipped sketch via data/index.ts, or an imported network
 * via data/networks.ts with its zones and base-year OD), population and car ownership.
 * @example
 * // Of the traffic section only `network` and `demand.calibratedOd` are read; {} loads the shipped sketch network.
 * const inputs = loadTrafficInputs({}); inputs.net.numZones // => 88
 * [inputs.net.numNodes, inputs.net.numLinks] // => [325, 724]
 */
export function loadTrafficInputs(params: TrafficParams, opts: LoadOptions = {}): TrafficInputs {
  const netName = params.network ?? SKETCH_NETWORK;
  const pop = loadPopulation(opts);
  const cars = loadCarOwnership(opts);
  let gm: ReturnType<typeof networkFromGmns>;
  let zoneCounty: string[];
  let zonePopulation: Float64Array;
  let baseOd: Float64Array | null = null;
  let ownVdf: Uint8Array;
  let network: NetworkInfo;
  if (netName === SKETCH_NETWORK) {
    const road = loadRoadNetwork(opts);
    const zones = loadZones(opts);
    gm = networkFromGmns(road.nodes, road.links, 'zibo');
    const zoneById = new Map(zones.map((z) => [z.zoneId, z]));
    zoneCounty = [];
    zonePopulation = new Float64Array(gm.net.numZones);
    gm.zoneIds.forEach((id, i) => {
      const z = zoneById.get(id);
      if (!z) throw new Error(`data/zibo/network/node.csv: centroid of zone ${id} has no row in data/zibo/zones.csv`);
      zoneCounty.push(z.countyCode);
      zonePopulation[i] = z.population;
    });
    ownVdf = new Uint8Array(gm.net.numLinks);
    network = opts.dir
      ? { name: netName, contentHash: '', crs: 'wgs84', licence: '', attribution: '' }
      : networkInfo(netName);
  } else {
    const files = readNetworkFiles(netName);
    const imp = gmnsFromNetworkFiles(files);
    gm = imp.gmns;
    ownVdf = imp.ownVdf;
    network = networkInfo(netName);
    const zoneById = new Map(files.zones.map((z) => [z.zoneId, z]));
    zoneCounty = [];
    zonePopulation = new Float64Array(gm.net.numZones);
    let missingPop = 0;
    gm.zoneIds.forEach((id, i) => {
      const z = zoneById.get(id);
      zoneCounty.push(z?.districtCode || NO_DISTRICT);
      if (z?.population === null || z?.population === undefined) missingPop++;
      else zonePopulation[i] = z.population;
    });
    if (imp.demand) baseOd = imp.demand.od;
    else if (missingPop > 0)
      throw new Error(
        `${files.dir}/zone.csv: ${missingPop} zone(s) have no population and the network has no demand.csv, so the gravity model has nothing to spread; give zone.csv a population column or import the network with its OD`,
      );
  }
  const net = gm.net;
  const districtPopulation: Record<string, Record<number, number>> = {};
  for (const r of pop) (districtPopulation[r.code] ??= {})[r.year] = r.population;
  const carsPer1000ByYear: Record<number, number> = {};
  for (const r of cars) carsPer1000ByYear[r.year] = r.carsPer1000;
  const m = net.numLinks;
  const linkDistrict = gm.links.map((l) => l.districtCode || NO_DISTRICT);
  const signalized = Uint8Array.from(gm.links, (l) => (l.signalized ? 1 : 0));
  const connector = Uint8Array.from(gm.links, (l) => (l.linkType === 'connector' ? 1 : 0));
  const upgradeRank = new Int32Array(m).fill(-1);
  const signalizedCount: Record<string, number> = {};
  const byDistrict = new Map<string, number[]>();
  for (let a = 0; a < m; a++) {
    if (!signalized[a]) continue;
    const d = linkDistrict[a]!;
    if (!byDistrict.has(d)) byDistrict.set(d, []);
    byDistrict.get(d)!.push(a);
  }
  for (const [d, list] of byDistrict) {
    list.sort((x, y) => hashId(gm.links[x]!.linkId) - hashId(gm.links[y]!.linkId) || x - y);
    list.forEach((a, k) => (upgradeRank[a] = k));
    signalizedCount[d] = list.length;
  }
  const graph = buildCsr(net);
  return {
    net,
    graph,
    linkDistrict,
    linkId: Int32Array.from(gm.links, (l) => l.linkId),
    signalized,
    connector,
    upgradeRank,
    signalizedCount,
    zoneCounty,
    zonePopulation,
    zonePopulationYear: 2020,
    districtPopulation,
    carsPer1000ByYear,
    // The skim feeds only the gravity model: a network with its own OD does not need it.
    skimMin: baseOd ? new Float64Array(0) : freeFlowSkim(net, graph),
    districts: [...new Set(zoneCounty)].filter((d) => d !== NO_DISTRICT).sort(),
    network,
    nodes: gm.nodes,
    links: gm.links,
    baseOd,
    ownVdf,
    odFactors: loadOdFactors(params.demand?.calibratedOd, gm.zoneIds),
  };
}

/**
 * Files a traffic section names that must exist before a run: the road network and a calibrated OD (checked at
 * `validate` time, so a scenario that validates runs).
 */
export function trafficInputProblems(params: TrafficParams): { path: string[]; message: string }[] {
  const out: { path: string[]; message: string }[] = [];
  const why = networkNameProblem(params.network);
  if (why) out.push({ path: ['network'], message: why });
  const od = params.demand.calibratedOd;
  if (od && !existsSync(calibratedOdFile(od)))
    out.push({
      path: ['demand', 'calibratedOd'],
      message: `no calibrated OD "${od}" in data/calibrated/; make it with \`twin traffic calibrate --counts FILE --name ${od}\``,
    });
  return out;
}

/** The factors of a calibrated OD (read once per worker and parameters, with the inputs), or null when none is named. */
function loadOdFactors(name: string | undefined, zoneIds: Int32Array): Float64Array | null {
  if (!name) return null;
  const file = calibratedOdFile(name);
  if (!existsSync(file))
    throw new Error(
      `traffic.demand.calibratedOd: no calibrated OD "${name}" (${file}); make it with \`twin traffic calibrate --counts FILE --name ${name}\``,
    );
  return Float64Array.from(readCalibratedOd(readFileSync(file, 'utf8'), file, zoneIds).factors);
}

/** Values nearest in year from a by-year record (clamped to its range). */
function nearestYear(rec: Record<number, number>, year: number): number {
  const ys = Object.keys(rec)
    .map(Number)
    .sort((a, b) => a - b);
  if (ys.length === 0) throw new Error('empty year series');
  const y = Math.min(Math.max(year, ys[0]!), ys.at(-1)!);
  let best = ys[0]!;
  for (const k of ys) if (Math.abs(k - y) < Math.abs(best - y)) best = k;
  return rec[best]!;
}

/** The draws of one replication. */
export interface YearDraws {
  demandFactor: number;
  capacityGain: number;
}

/**
 * Draw the replication's uncertain parameters: demand level ~ log-normal with mean 1, capacity gain ~ U(min, max).
 * @example
 * // Only these parameters are read. A run passes createRng(seed); with a normal draw of 0 and u = 0.5 the demand
 * // factor is the log-normal's median exp(−σ²/2) and the gain the middle of its range.
 * const p = { demand: { uncertaintySd: 0.1 }, signals: { capacityGainMin: 0.05, capacityGainMax: 0.15 } };
 * drawYear(p, { normal: () => 0, next: () => 0.5 }) // => { demandFactor: Math.exp(-0.005), capacityGain: 0.1 }
 */
export function drawYear(p: TrafficParams, rng: Rng): YearDraws {
  const sd = p.demand.uncertaintySd;
  const demandFactor = Math.exp(sd * rng.normal() - (sd * sd) / 2);
  const lo = Math.min(p.signals.capacityGainMin, p.signals.capacityGainMax);
  const hi = Math.max(p.signals.capacityGainMin, p.signals.capacityGainMax);
  return { demandFactor, capacityGain: lo + (hi - lo) * rng.next() };
}

/**
 * Per-worker memo of arrays derived from the inputs (keyed by inputs object and a string), bounded; the values are
 * pure functions of their key, so a hit or a miss gives the same numbers.
 */
function memoized(
  cache: WeakMap<TrafficInputs, Map<string, Float64Array>>,
  inp: TrafficInputs,
  key: string,
  compute: () => Float64Array,
): Float64Array {
  let byKey = cache.get(inp);
  if (!byKey) cache.set(inp, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit) return hit;
  const v = compute();
  if (byKey.size > 64) byKey.delete(byKey.keys().next().value!);
  byKey.set(key, v);
  return v;
}

const unitGravityCache = new WeakMap<TrafficInputs, Map<string, Float64Array>>();

/** Peak-hour OD matrix of a year at demand factor 1 (memoised per inputs, year and demand parameters; read-only). */
function unitGravity(p: TrafficParams, inp: TrafficInputs, year: number): Float64Array {
  return memoized(unitGravityCache, inp, `${year}|${JSON.stringify(p.demand)}`, () => {
    const nz = inp.net.numZones;
    const carsPerPerson = nearestYear(inp.carsPer1000ByYear, year) / 1000;
    if (inp.baseOd) {
      // The network's own OD is the base year's (BASE_OD_YEAR) peak hour; it grows with car ownership per person.
      const g = carsPerPerson / (nearestYear(inp.carsPer1000ByYear, BASE_OD_YEAR) / 1000);
      const od = new Float64Array(inp.baseOd.length);
      for (let i = 0; i < od.length; i++) od[i] = inp.baseOd[i]! * g;
      if (inp.odFactors) for (let k = 0; k < od.length; k++) od[k] = od[k]! * inp.odFactors[k]!;
      return od;
    }
    const origins = new Float64Array(nz);
    const attractors = new Float64Array(nz);
    for (let i = 0; i < nz; i++) {
      const county = inp.zoneCounty[i]!;
      const series = inp.districtPopulation[county];
      const growth = series ? nearestYear(series, year) / nearestYear(series, inp.zonePopulationYear) : 1;
      const pop = inp.zonePopulation[i]! * growth;
      origins[i] = pop * carsPerPerson * p.demand.peakTripsPerCar;
      attractors[i] = pop * (p.demand.attractionWeight[county] ?? 1);
    }
    const od = gravityFurness(origins, attractors, inp.skimMin, p.demand.deterrencePerMin).od;
    // A calibrated OD corrects the gravity structure cell by cell; growth with population and car ownership stays.
    if (inp.odFactors) for (let k = 0; k < od.length; k++) od[k] = od[k]! * inp.odFactors[k]!;
    return od;
  });
}

const referenceCache = new WeakMap<TrafficInputs, Map<string, Float64Array>>();

/**
 * Link flows of the year's reference equilibrium: demand factor 1 and the middle of the capacity-gain range, solved
 * from zero flow to the scenario's gap. Memoised per inputs, year and parameters; the same numbers on every worker, so
 * warm-started results do not depend on which worker or in which order jobs ran.
 */
function referenceFlow(p: TrafficParams, inp: TrafficInputs, year: number): Float64Array {
  return memoized(referenceCache, inp, `${year}|${JSON.stringify(p)}`, () => {
    const mid = 0.5 * (p.signals.capacityGainMin + p.signals.capacityGainMax);
    const c = ziboPeakHourCase(p, inp, year, { demandFactor: 1, capacityGain: mid });
    return assign(
      c.net,
      c.demand,
      {
        algorithm: p.assignment.algorithm,
        targetGap: p.assignment.targetGap,
        maxIterations: p.assignment.maxIterations,
        keepLog: false,
      },
      inp.graph,
    ).flow;
  });
}

/** The network and demand of one year: what the static (and the dynamic) model loads. */
export interface PeakHourCase {
  year: number;
  net: Network;
  demand: Demand;
  /** 1 where the link has smart signals this year. */
  upgraded: Uint8Array;
  /** Realised upgraded share of signalised links per district. */
  upgradedShare: Record<string, number>;
}

/**
 * Build the peak-hour network (capacities after the signal rollout, BPR α/β) and OD demand of a year.
 * @example
 * import { trafficParamsSchema } from './params.ts';
 * const params = trafficParamsSchema.parse({}); const inputs = loadTrafficInputs(params);
 * const c = ziboPeakHourCase(params, inputs, 2019, { demandFactor: 1, capacityGain: 0.1 });
 * // Peak-hour trips, veh/h, and Zhangdian's share of signalised links upgraded by 2019:
 * [c.demand.total.toFixed(1), c.upgradedShare['370303'].toFixed(3)] // => ['76085.1', '0.552']
 */
export function ziboPeakHourCase(p: TrafficParams, inp: TrafficInputs, year: number, draws: YearDraws): PeakHourCase {
  const base = inp.net;
  const m = base.numLinks;
  const capacity = Float64Array.from(base.capacity);
  const upgraded = new Uint8Array(m);
  const upgradedShare: Record<string, number> = {};
  const limit: Record<string, number> = {};
  for (const [d, n] of Object.entries(inp.signalizedCount)) {
    const s = shareForYear(p.signals.upgradedShareByDistrict[d] ?? p.signals.upgradedShare, year);
    limit[d] = Math.round(s * n);
    upgradedShare[d] = n > 0 ? limit[d]! / n : 0;
  }
  for (let a = 0; a < m; a++) {
    if (inp.upgradeRank[a]! >= 0 && inp.upgradeRank[a]! < (limit[inp.linkDistrict[a]!] ?? 0)) {
      upgraded[a] = 1;
      capacity[a] = capacity[a]! * (1 + draws.capacityGain);
    }
  }
  // Signal delay: part of the free-flow time of signalised links (the BPR term scales it with v/c).
  const fft = Float64Array.from(base.fft);
  const delayMin = p.signals.delayPerSignalS / 60;
  for (let a = 0; a < m; a++) {
    if (inp.signalized[a]) fft[a] = fft[a]! + delayMin * (upgraded[a] ? 1 - p.signals.delayReduction : 1);
  }
  const net: Network = {
    ...base,
    fft,
    capacity,
    b: Float64Array.from(base.b, (x, a) => (inp.ownVdf[a] ? x : p.bpr.alpha)),
    power: Float64Array.from(base.power, (x, a) => (inp.ownVdf[a] ? x : p.bpr.beta)),
    fixedCost: new Float64Array(m),
  };
  refreshFixedCost(net);
  const nz = base.numZones;
  // The gravity model is linear in the origin totals (doubly constrained, destinations normalised to the origins'
  // sum, stopping rule relative), so the matrix is built for the year at demand level 1 — once per worker and year —
  // and scaled by the replication's demand factor. Always computed the same way, so a cache hit changes nothing.
  const od1 = unitGravity(p, inp, year);
  const od = new Float64Array(od1.length);
  const k = draws.demandFactor;
  for (let i = 0; i < od.length; i++) od[i] = od1[i]! * k;
  return { year, net, demand: makeDemand(nz, od), upgraded, upgradedShare };
}

/** Network indicators of an assignment, per district code and 'city'. Connectors are excluded (artificial links). */
export interface Indicators {
  vktVehKm: number;
  vhtVehH: number;
  freeFlowVhtVehH: number;
  meanSpeedKmPerH: number;
  congestionIndex: number;
  /** Share of link length (non-connector) with v/c > 0.85. */
  congestedLengthShare: number;
}

/**
 * Sum VKT, VHT and free-flow VHT per district and city.
 * @example
 * import { trafficParamsSchema } from './params.ts';
 * import { assign } from './assign.ts';
 * const params = trafficParamsSchema.parse({}); const inputs = loadTrafficInputs(params);
 * const c = ziboPeakHourCase(params, inputs, 2019, { demandFactor: 1, capacityGain: 0.1 });
 * const result = assign(c.net, c.demand, { algorithm: 'bfw', targetGap: 1e-5 }, inputs.graph);
 * const city = indicators(inputs, c.net, result).get('city');
 * [city.meanSpeedKmPerH.toFixed(2), city.congestionIndex.toFixed(3)] // => ['70.89', '1.104']
 */
export function indicators(inp: TrafficInputs, net: Network, r: AssignResult): Map<string, Indicators> {
  const acc = new Map<string, { vkt: number; vht: number; vht0: number; len: number; congLen: number }>();
  const add = (k: string, vkt: number, vht: number, vht0: number, len: number, cong: number): void => {
    const e = acc.get(k) ?? { vkt: 0, vht: 0, vht0: 0, len: 0, congLen: 0 };
    e.vkt += vkt;
    e.vht += vht;
    e.vht0 += vht0;
    e.len += len;
    e.congLen += cong;
    acc.set(k, e);
  };
  for (let a = 0; a < net.numLinks; a++) {
    if (inp.connector[a]) continue;
    const v = r.flow[a]!;
    const len = net.length[a]!;
    const vkt = v * len;
    const vht = (v * r.cost[a]!) / 60;
    const vht0 = (v * net.fft[a]!) / 60;
    const cong = v / net.capacity[a]! > 0.85 ? len : 0;
    add('city', vkt, vht, vht0, len, cong);
    add(inp.linkDistrict[a]!, vkt, vht, vht0, len, cong);
  }
  const out = new Map<string, Indicators>();
  for (const [k, e] of acc) {
    out.set(k, {
      vktVehKm: e.vkt,
      vhtVehH: e.vht,
      freeFlowVhtVehH: e.vht0,
      meanSpeedKmPerH: e.vht > 0 ? e.vkt / e.vht : NaN,
      congestionIndex: e.vht0 > 0 ? e.vht / e.vht0 : NaN,
      congestedLengthShare: e.len > 0 ? e.congLen / e.len : 0,
    });
  }
  return out;
}

/** The longest zone-to-zone trip of a peak: its time at the equilibrium link costs and its end zones. */
export interface LongestPath {
  /** Shortest-path time at the equilibrium costs, min (the network's cost unit); 0 when no pair has demand. */
  timeMin: number;
  /** The same pair's shortest path at free flow (fft including signal delay), min. */
  freeFlowMin: number;
  /** Zone indices (0-based) of that pair; −1 when none. */
  origin: number;
  destination: number;
}

/**
 * The longest shortest path over the OD pairs that carry demand, at the given link costs: what the slowest trip of
 * the peak takes at equilibrium (all used paths of a pair cost the same at UE, so this is every such trip's time).
 * One Dijkstra per origin zone (88 on the Zibo network, < 1 ms).
 * @example
 * // On the sketch network at free-flow costs, with one trip from every zone to every other:
 * const inputs = loadTrafficInputs({}); const net = inputs.net;
 * const od = new Float64Array(net.numZones * net.numZones).fill(1);
 * const lp = longestPath(inputs.graph, net, od, net.fft);
 * [lp.origin, lp.destination, lp.timeMin.toFixed(1), lp.timeMin === lp.freeFlowMin] // => [74, 81, '187.6', true]
 */
export function longestPath(
  graph: CsrGraph,
  net: Network,
  od: ArrayLike<number>,
  linkCost: ArrayLike<number>,
): LongestPath {
  const nz = net.numZones;
  const sp = new ShortestPaths(graph);
  sp.setCosts(linkCost);
  let best: LongestPath = { timeMin: 0, freeFlowMin: 0, origin: -1, destination: -1 };
  for (let o = 0; o < nz; o++) {
    sp.run(net.zoneNode[o]!);
    for (let d = 0; d < nz; d++) {
      if (d === o || !(od[o * nz + d]! > 0)) continue;
      const t = sp.dist[net.zoneNode[d]!]!;
      if (t > best.timeMin) best = { timeMin: t, freeFlowMin: 0, origin: o, destination: d };
    }
  }
  if (best.origin >= 0) {
    const ff = new Float64Array(net.numLinks);
    for (let a = 0; a < net.numLinks; a++) ff[a] = net.fft[a]! + net.fixedCost[a]!;
    sp.setCosts(ff);
    sp.run(net.zoneNode[best.origin]!);
    best.freeFlowMin = sp.dist[net.zoneNode[best.destination]!]!;
  }
  return best;
}

/**
 * The engine entry point: one year × one replication.
 * @example
 * import { trafficParamsSchema } from './params.ts';
 * import { createRng } from '../lib/rng.ts';
 * const params = trafficParamsSchema.parse({}); const inputs = loadTrafficInputs(params);
 * const out = runTraffic(params, inputs, { model: 'traffic', years: [2019], replication: 0, attempt: 1, seed: 7 }, createRng(7));
 * const city = (id) => out.series.find((s) => s.metric === id && s.entity === 'city').values[0];
 * // The replication's drawn demand level and capacity gain make it differ from the case above.
 * [city('traffic.meanSpeedKmPerH').toFixed(2), city('traffic.congestionIndex').toFixed(3)] // => ['68.34', '1.146']
 */
export function runTraffic(p: TrafficParams, inp: TrafficInputs, job: JobSpec, rng: Rng): ModelOutput {
  const year = job.years[0]!;
  const period = [String(year)];
  const draws = drawYear(
    p,
    p.replications.commonRandomNumbers ? createRng(job.crnSeed ?? mixSeed('traffic-world', job.replication)) : rng,
  );
  const c = ziboPeakHourCase(p, inp, year, draws);
  let initialFlow: Float64Array | undefined;
  if (p.assignment.warmStart && p.assignment.algorithm !== 'b') {
    // The job's OD matrix is the year's unit matrix × demandFactor (ziboPeakHourCase), so the reference equilibrium's
    // link flows × demandFactor are a feasible start close to this replication's equilibrium.
    const ref = referenceFlow(p, inp, year);
    initialFlow = new Float64Array(ref.length);
    for (let a = 0; a < ref.length; a++) initialFlow[a] = ref[a]! * draws.demandFactor;
  }
  const r = assign(
    c.net,
    c.demand,
    {
      algorithm: p.assignment.algorithm,
      targetGap: p.assignment.targetGap,
      maxIterations: p.assignment.maxIterations,
      keepLog: false,
      initialFlow,
    },
    inp.graph,
  );
  const series: SeriesOut[] = [];
  const put = (metric: string, entity: string, value: number): void => {
    series.push({ metric, entity, periods: period, values: [value] });
  };
  const ind = indicators(inp, c.net, r);
  for (const [entity, v] of ind) {
    if (entity === NO_DISTRICT) continue;
    put('traffic.vktVehKm', entity, v.vktVehKm);
    put('traffic.vhtVehH', entity, v.vhtVehH);
    put('traffic.meanSpeedKmPerH', entity, v.meanSpeedKmPerH);
    put('traffic.congestionIndex', entity, v.congestionIndex);
    put('traffic.congestedLengthShare', entity, v.congestedLengthShare);
  }
  let signals = 0;
  let upgradedAll = 0;
  for (const [d, n] of Object.entries(inp.signalizedCount)) {
    if (d !== NO_DISTRICT) put('traffic.smartSignalShare', d, c.upgradedShare[d]!);
    signals += n;
    upgradedAll += c.upgradedShare[d]! * n;
  }
  put('traffic.smartSignalShare', 'city', signals > 0 ? upgradedAll / signals : 0);
  put('traffic.capacityGainShare', 'city', draws.capacityGain);
  put('traffic.demandVehPerH', 'city', c.demand.total);
  put('traffic.relativeGap', 'city', r.relativeGap);
  const lp = longestPath(inp.graph, c.net, c.demand.od, r.cost);
  put('traffic.longestPathMin', 'city', lp.timeMin);
  const warnings: string[] = [];
  if (lp.timeMin > p.plausibility.maxPathMin) {
    const zone = (z: number): string => `zone ${c.net.nodeIds[c.net.zoneNode[z]!]} (county ${inp.zoneCounty[z]})`;
    warnings.push(
      `the longest peak-hour trip of ${year} takes ${lp.timeMin.toFixed(0)} min at equilibrium ` +
        `(${zone(lp.origin)} → ${zone(lp.destination)}; ${lp.freeFlowMin.toFixed(0)} min at free flow), above ` +
        `plausibility.maxPathMin = ${p.plausibility.maxPathMin} min: demand factor ${draws.demandFactor.toFixed(3)} × ` +
        `peakTripsPerCar ${p.demand.peakTripsPerCar} loads more than the skeleton network carries; read this ` +
        `year's speeds as an upper-demand stress case (models/traffic/README.md, "Plausibility")`,
    );
  }
  const m = c.net.numLinks;
  const speed = new Float64Array(m);
  const vc = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    speed[a] = r.cost[a]! > 0 ? c.net.length[a]! / (r.cost[a]! / 60) : NaN;
    vc[a] = r.flow[a]! / c.net.capacity[a]!;
  }
  if (p.outputs.linkSeries) {
    for (let a = 0; a < m; a++) {
      if (inp.connector[a]) continue;
      const e = `link:${inp.linkId[a]}`;
      put('traffic.linkVc', e, vc[a]!);
      put('traffic.linkSpeedKmPerH', e, speed[a]!);
      put('traffic.linkFlowVehPerH', e, r.flow[a]!);
    }
  }
  return {
    series,
    artifacts: {
      peakHour: {
        year,
        linkIds: inp.linkId,
        flowVehPerH: r.flow,
        speedKmPerH: speed,
        vc,
        upgraded: c.upgraded,
        relativeGap: r.relativeGap,
        iterations: r.iterations,
      },
    },
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
