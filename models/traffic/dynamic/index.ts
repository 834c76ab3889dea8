/**
 * Dynamic peak loading of the traffic model: public entry points.
 *
 * `runDynamicPeak(network, demand, params, rng)` takes routes (path flows) or OD demand with UE link costs (then it
 * does stochastic route choice), turns them into discrete vehicles with departure times, runs the link transmission
 * model and returns peak indicators, per-link 1-minute series and sampled trajectories for the replay.
 */
import type { Rng } from '../../lib/rng.ts';
import { vehiclesFromPaths, type DepartureProfile } from './demand.ts';
import { simulate, type LinkSeries, type LoadingResult } from './ltm.ts';
import type { DynNetwork } from './network.ts';
import type { DynamicParams } from './params.ts';
import { stochasticRoutes, type OdCell, type PathTable } from './routing.ts';
import { buildSignalPlan } from './signals.ts';

export { simulate, GridlockError } from './ltm.ts';
export type { LoadingOptions, LoadingResult, LinkSeries, Trajectories, VehicleSet, GridlockInfo } from './ltm.ts';
export { buildDynNetwork, gridNetworkSpec } from './network.ts';
export type { DynNetwork, DynNetworkSpec, DynLinkSpec } from './network.ts';
export { buildSignalPlan, DEFAULT_SIGNALS } from './signals.ts';
export { stochasticRoutes, randomTrips, DynShortestPaths } from './routing.ts';
export type { PathTable, OdCell } from './routing.ts';
export { vehiclesFromPaths, DEFAULT_AM_PROFILE, peakWindowShare } from './demand.ts';
export { dynamicParamsSchema, defaultDynamicParams } from './params.ts';
export type { DynamicParams } from './params.ts';
export { triangularFd, DEFAULT_LINK_CLASSES } from './fd.ts';

/** Routes for the loading: explicit path flows, or OD cells plus link costs for stochastic route choice. */
export type DynDemand =
  | { kind: 'paths'; paths: PathTable }
  | { kind: 'od'; od: OdCell[]; linkCostS: ArrayLike<number>; noThrough?: Uint8Array | null };

/** Peak indicators of one run. Units in the names. */
export interface PeakIndicators {
  trips: number;
  arrived: number;
  unfinished: number;
  meanTravelTimeMin: number;
  /** Σ over complete trips of (time on network − free-flow time), + time waiting to enter, vehicle·h. */
  delayVehH: number;
  vhtVehH: number;
  vktVehKm: number;
  meanSpeedKmPerH: number;
  /** Σ over the 10 links with most queued vehicle·minutes. */
  queueVehMinTop10: number;
  top10: Array<{ link: number; id: string; queueVehMin: number; maxQueueVeh: number }>;
  gridlock: boolean;
  /**
   * Why vehicles were still travelling when the loading ended (null when the network emptied): the gridlock
   * diagnosis, or the cap with the link holding the most vehicles (the head of the longest spill-back).
   */
  unfinishedReason: string | null;
  /** External id of the link with the most vehicles at the end (null when the network emptied). */
  unfinishedWorstLink: string | null;
}

/** Everything a dynamic peak run returns. */
export interface DynamicPeakResult {
  loading: LoadingResult;
  indicators: PeakIndicators;
  /** Viewer replay artifact (columnar; link ids are the network's external ids). */
  replay: ReplayArtifact | null;
  linkSeries: LinkSeriesArtifact;
}

/** The `replay` artifact: one row per link traversal of a sampled vehicle (see {@link Trajectories}). */
export interface ReplayArtifact {
  format: 'zibo-replay-v1';
  startSec: number;
  endSec: number;
  sampleShare: number;
  vehicle: Int32Array;
  link: Int32Array | string[];
  enterSec: Float32Array;
  exitSec: Float32Array;
  queueSec: Float32Array;
  queuePosM: Float32Array;
}

/** The `linkSeries` artifact: sparse per-link series (see {@link LinkSeries}); link ids external. */
export interface LinkSeriesArtifact extends Omit<LinkSeries, 'link'> {
  format: 'zibo-linkseries-v1';
  link: Int32Array | string[];
}

/**
 * Run the dynamic loading of one peak period.
 *
 * @example
 * const net = buildDynNetwork(gridNetworkSpec({ size: 5, blockM: 200, lanes: 2, freeSpeedKmPerH: 50,
 *   capacityVehPerHPerLane: 1800 }));
 * const demand = { kind: 'od', od: [{ originNode: 0, destNode: 24, veh: 300 }], linkCostS: net.freeTimeS };
 * // A run passes createRng(seed); this stand-in draws u = 0.5 and z = 0 every time.
 * const res = runDynamicPeak(net, demand, defaultDynamicParams(), { next: () => 0.5, normal: () => 0 });
 * res.indicators.arrived // => 300
 */
export function runDynamicPeak(
  network: DynNetwork,
  demand: DynDemand,
  params: DynamicParams,
  rng: Rng,
  /** `adaptiveNode`: per node, 1 = adaptive signal even in `fixed` mode (partial smart-signal rollout). */
  extra: { adaptiveNode?: ArrayLike<number> } = {},
): DynamicPeakResult {
  const paths =
    demand.kind === 'paths'
      ? demand.paths
      : stochasticRoutes(
          network,
          demand.od.map((c) => ({ ...c, veh: c.veh * params.demandScale })),
          demand.linkCostS,
          { draws: params.routeChoice.draws, sigma: params.routeChoice.sigma, noThrough: demand.noThrough ?? null },
          rng,
        );
  const scaled: PathTable =
    demand.kind === 'paths' && params.demandScale !== 1
      ? { ...paths, veh: paths.veh.map((x) => x * params.demandScale) }
      : paths;
  const profile: DepartureProfile = params.profile;
  const veh = vehiclesFromPaths(scaled, profile, rng);
  let sampleMask: Uint8Array | null = null;
  if (params.sampleShare > 0) {
    sampleMask = new Uint8Array(veh.count);
    for (let v = 0; v < veh.count; v++) sampleMask[v] = rng.next() < params.sampleShare ? 1 : 0;
  }
  const startS = profile.startS;
  const endS = startS + profile.shares.length * profile.sliceS + params.clearanceS;
  const loading = simulate(network, veh, {
    dtS: params.dtS,
    startS,
    endS,
    gridlockTimeoutS: params.gridlockTimeoutS,
    onGridlock: params.onGridlock,
    seriesIntervalS: params.seriesIntervalS,
    sampleMask,
    signals: buildSignalPlan(network, {
      ...params.signals,
      ...(extra.adaptiveNode ? { adaptiveNode: extra.adaptiveNode } : {}),
    }),
  });
  const indicators = peakIndicators(network, loading);
  const ids = externalIds(network);
  const replay: ReplayArtifact | null = loading.trajectories
    ? {
        format: 'zibo-replay-v1',
        startSec: loading.startS,
        endSec: loading.endS,
        sampleShare: params.sampleShare,
        vehicle: loading.trajectories.vehicle,
        link: mapIds(loading.trajectories.link, ids),
        enterSec: loading.trajectories.enterSec,
        exitSec: loading.trajectories.exitSec,
        queueSec: loading.trajectories.queueSec,
        queuePosM: loading.trajectories.queuePosM,
      }
    : null;
  const { link, ...rest } = loading.series;
  return {
    loading,
    indicators,
    replay,
    linkSeries: { format: 'zibo-linkseries-v1', ...rest, link: mapIds(link, ids) },
  };
}

function externalIds(net: DynNetwork): Int32Array | string[] {
  const nums = net.linkIds.map((x) => Number(x));
  return nums.every((x) => Number.isInteger(x) && Math.abs(x) < 2 ** 31) ? Int32Array.from(nums) : net.linkIds;
}
function mapIds(idx: Int32Array, ids: Int32Array | string[]): Int32Array | string[] {
  if (ids instanceof Int32Array) return idx.map((a) => ids[a]!);
  return Array.from(idx, (a) => ids[a]!);
}

/**
 * Peak indicators from a loading result: delay, VHT, VKT, mean speed, and queued vehicle·minutes at the 10 worst links.
 * @example
 * const net = buildDynNetwork(gridNetworkSpec({ size: 3, blockM: 200, lanes: 2, freeSpeedKmPerH: 50,
 *   capacityVehPerHPerLane: 1800 }));
 * // 60 vehicles from corner node 0 to corner node 8, all on the first path the router finds:
 * const paths = stochasticRoutes(net, [{ originNode: 0, destNode: 8, veh: 60 }], net.freeTimeS, { draws: 1, sigma: 0 },
 *   null);
 * const veh = vehiclesFromPaths(paths, DEFAULT_AM_PROFILE, { next: () => 0.5 });
 * const startS = DEFAULT_AM_PROFILE.startS;
 * const opts = { dtS: 1, startS, endS: startS + 4 * 3600, gridlockTimeoutS: 600, onGridlock: 'error',
 *   seriesIntervalS: 60, sampleMask: null, signals: null };
 * const ind = peakIndicators(net, simulate(net, veh, opts));
 * // All 60 leave at the same instant (u = 0.5), so most of the delay is waiting to enter the first link:
 * [ind.trips, ind.arrived, ind.meanTravelTimeMin.toFixed(2), ind.delayVehH.toFixed(3)] // => [60, 60, '0.96', '0.492']
 */
export function peakIndicators(net: DynNetwork, r: LoadingResult): PeakIndicators {
  const n = r.enterS.length;
  let ttSum = 0;
  let delayS = r.originWaitVehS;
  for (let v = 0; v < n; v++) {
    const e = r.enterS[v]!;
    if (e !== e) continue;
    const a = r.arriveS[v]!;
    // Complete trips only: a trip cut by the cap has no travel time to compare with its free-flow time.
    if (a === a) {
      ttSum += a - e;
      delayS += Math.max(0, a - e - r.freeFlowS[v]!);
    }
  }
  const s = r.series;
  const qMin = new Float64Array(net.numLinks);
  const qMax = new Float64Array(net.numLinks);
  let vktM = 0;
  for (let j = 0; j < s.link.length; j++) {
    const a = s.link[j]!;
    qMin[a]! += (s.queueVeh[j]! * s.intervalS) / 60;
    if (s.queueVeh[j]! > qMax[a]!) qMax[a] = s.queueVeh[j]!;
    vktM += s.exitsVeh[j]! * net.lengthM[a]!;
  }
  const order = Array.from({ length: net.numLinks }, (_, a) => a)
    .filter((a) => qMin[a]! > 0)
    .sort((x, y) => qMin[y]! - qMin[x]! || x - y)
    .slice(0, 10);
  const vhtVehH = r.vehicleSeconds / 3600;
  const vktVehKm = vktM / 1000;
  return {
    trips: n,
    arrived: r.arrived,
    unfinished: n - r.arrived,
    meanTravelTimeMin: r.arrived > 0 ? ttSum / r.arrived / 60 : NaN,
    delayVehH: delayS / 3600,
    vhtVehH,
    vktVehKm,
    meanSpeedKmPerH: vhtVehH > 0 ? vktVehKm / vhtVehH : NaN,
    queueVehMinTop10: order.reduce((acc, a) => acc + qMin[a]!, 0),
    top10: order.map((a) => ({ link: a, id: net.linkIds[a]!, queueVehMin: qMin[a]!, maxQueueVeh: qMax[a]! })),
    gridlock: r.gridlock !== null,
    ...unfinishedDiagnosis(net, r),
  };
}

/**
 * Why a loading ended with vehicles still travelling: the gridlock message, or the cap (`endS`) with what is left —
 * vehicles still driving toward their link's end (long trips the cap cut, named by the link holding most of them) and
 * vehicles held in queues (named by the link with the longest one: the head of a spill-back or a stuck queue).
 * `unfinishedWorstLink` is the queue's link when there is a queue, else the driving one. Null fields when the network
 * emptied.
 * @example unfinishedDiagnosis({ numLinks: 0, linkIds: [] }, { onNetwork: 0, waitingAtOrigin: 0, notReleased: 0 }) // => { unfinishedReason: null, unfinishedWorstLink: null }
 */
export function unfinishedDiagnosis(
  net: Pick<DynNetwork, 'numLinks' | 'linkIds'> & Partial<Pick<DynNetwork, 'lengthM'>>,
  r: Pick<LoadingResult, 'onNetwork' | 'waitingAtOrigin' | 'notReleased'> &
    Partial<Pick<LoadingResult, 'linkCountAtEnd' | 'linkDrivingAtEnd' | 'gridlock' | 'endS'>>,
): { unfinishedReason: string | null; unfinishedWorstLink: string | null } {
  const left = r.onNetwork + r.waitingAtOrigin + r.notReleased;
  if (left === 0) return { unfinishedReason: null, unfinishedWorstLink: null };
  const count = r.linkCountAtEnd!;
  const driving = r.linkDrivingAtEnd ?? new Int32Array(net.numLinks);
  let worstQueue = -1;
  let worstDriving = -1;
  let nQueued = 0;
  let nDriving = 0;
  for (let a = 0; a < net.numLinks; a++) {
    const d = driving[a]!;
    const q = count[a]! - d;
    nDriving += d;
    nQueued += q;
    if (q > 0 && (worstQueue < 0 || q > count[worstQueue]! - driving[worstQueue]!)) worstQueue = a;
    if (d > 0 && (worstDriving < 0 || d > driving[worstDriving]!)) worstDriving = a;
  }
  const worst = worstQueue >= 0 ? worstQueue : worstDriving;
  const worstLink = worst >= 0 ? net.linkIds[worst]! : null;
  if (r.gridlock) return { unfinishedReason: r.gridlock.message, unfinishedWorstLink: worstLink };
  const parts: string[] = [];
  if (nQueued > 0)
    parts.push(
      `${nQueued} held in queues, most on link ${net.linkIds[worstQueue]} (${count[worstQueue]! - driving[worstQueue]!}: the head of a spill-back or a stuck queue there)`,
    );
  if (nDriving > 0) {
    const km = net.lengthM ? ` of ${(net.lengthM[worstDriving]! / 1000).toFixed(1)} km` : '';
    parts.push(
      `${nDriving} still driving toward their link's end at the cap (long trips, not queues), most on link ${net.linkIds[worstDriving]}${km} (${driving[worstDriving]})`,
    );
  }
  if (parts.length === 0) parts.push('none on a link (all waiting to enter)');
  return {
    unfinishedReason:
      `${left} vehicles still travelling or waiting at the cap t=${r.endS!.toFixed(0)} s ` +
      `(${r.onNetwork} on the network, ${r.waitingAtOrigin + r.notReleased} not yet entered): ${parts.join('; ')}`,
    unfinishedWorstLink: worstLink,
  };
}

/**
 * Bytes held by the typed arrays (and strings, 2 bytes per char) of an artifact — the replay memory budget check.
 * @example artifactBytes({ a: new Float32Array(10) }) // => 40
 */
export function artifactBytes(x: unknown): number {
  if (x === null || x === undefined) return 0;
  if (ArrayBuffer.isView(x)) return x.byteLength;
  if (typeof x === 'string') return 2 * x.length;
  if (typeof x === 'number' || typeof x === 'boolean') return 8;
  if (Array.isArray(x)) return x.reduce((acc: number, y) => acc + artifactBytes(y), 0);
  if (typeof x === 'object')
    return Object.values(x as Record<string, unknown>).reduce((acc: number, y) => acc + artifactBytes(y), 0);
  return 0;
}
