/**
 * Link transmission model (Yperman 2007, KU Leuven PhD; Newell 1993) with discrete vehicles.
 *
 * Each link a holds a FIFO queue of vehicles. With cumulative counts N_up (entries) and N_down (exits), a triangular
 * fundamental diagram and step Δt, the LTM's sending and receiving flows are
 *   S_a(t) = min( N_up(t + Δt − L/v_f) − N_down(t),  Q·Δt )        (who could have reached the end at free speed)
 *   R_a(t) = min( N_down(t + Δt − L/w) + k_j·L − N_up(t),  Q·Δt )  (space freed by the backward wave)
 * With discrete FIFO vehicles the first term of S is "the head vehicle entered at least L/v_f ago", checked per
 * vehicle, so free-flow times are exact (a vehicle that becomes ready inside a step moves at its ready time). The Q·Δt
 * terms are fractional credits that accrue at Q per second and are capped at max(1, Q·Δt) so they never bank bursts.
 * N_down(t − L/w) comes from a per-link ring buffer that is written lazily (only when a link's exit count changes).
 *
 * Node model: at every node the in-links whose head vehicle is ready, whose signal shows effective green and whose
 * sending credit is ≥ 1 move one vehicle each in round-robin order (rotating start per step), repeatedly, while the
 * head's next link can receive. A head whose next link is full blocks its link (FIFO): this is spill-back. The
 * round-robin makes competing in-links share a full out-link about equally per step (the discrete analogue of the
 * capacity-proportional rule of Tampère et al. 2011 for equal capacities).
 *
 * Vehicles enter at their departure time from an origin queue on their first link (after the node transfers, so
 * through traffic has priority, as SUMO's insertion does) and leave when they reach the end of their last link
 * (sinks are free and ignore the signal). Conservation: released = waiting + on network + arrived, exactly.
 *
 * Nothing is allocated inside the time loop except amortised growth of the output buffers.
 *
 * Data layout of a run ({@link LtmRun}; every array is typed and sized once, indexed by link a, node nd or vehicle):
 * - Vehicles are numbered internally by rank in departure order (order[i] = input index), so the vehicles on the
 *   network at one time sit close together in the per-vehicle arrays; outputs are mapped back to input order.
 * - Routes: routeLinks holds every path's links followed by −1; a vehicle's route position is an index into it, so the
 *   next link is routeLinks[pos + 1] (−1 = the trip ends on this link).
 * - Vehicles on links: one FIFO ring per link in a shared slot array. Link a owns slots qOff[a] … qOff[a] + qCap[a] − 1,
 *   its head is slot qOff[a] + qHead[a] and count[a] entries follow (wrapping). A slot is 16 bytes seen through two
 *   views of one buffer: qF[2·slot] (Float64) = entry time, s (slotEnterS); qI[4·slot + 2] (Int32) =
 *   vehicle (slotVehicle), qI[4·slot + 3] = its route position on this link (slotRoutePos); Int32 words 0–1 are the
 *   Float64's bytes.
 * - Head cache per link: hReady (head's entry time + free-flow time; +∞ when empty), hNext (its next link) and hWake
 *   (first step it is a node-model candidate), rewritten whenever the head changes (setHead, popLink).
 * - N_down history per link: ring[ringOff[a] … + lag[a]] holds exit counts of the last lag + 1 step starts, written
 *   lazily up to ringLast[a] (syncRing before an exit changes the count).
 * - Origin queues: linked lists through vNext, from oHead[a] to oTail[a], for links listed in oPending.
 * Invariants: count[a] ≤ storage of a (< qCap[a]); released = waiting + onNet + arrived and entered = onNet + arrived
 * after every step (audit); nodeWake[nd] ≤ the step in which any head on an in-link of nd can move (so skipping a
 * node before it changes nothing); sendCredit and recvCredit never exceed capStep = max(1, Q·Δt).
 * The per-link series, the sampled trajectories and the gridlock diagnosis live in series.ts, trajectories.ts and
 * gridlock.ts.
 */
import type { DynNetwork } from './network.ts';
import { cycleTime, greenFractionAt, isAdaptiveNode, resplitWebster, type SignalPlan } from './signals.ts';
import { diagnoseGridlock, GridlockError, type GridlockInfo } from './gridlock.ts';
import { LinkSeriesRecorder, type LinkSeries } from './series.ts';
import { TrajectoryLog, type Trajectories } from './trajectories.ts';

export { GridlockError, type GridlockInfo } from './gridlock.ts';
export type { LinkSeries } from './series.ts';
export type { Trajectories } from './trajectories.ts';

/** nodeWake value of a node with no vehicle on its in-links. */
const NO_WAKE = 0x7fffffff;

/*
 * Ring slot accessors (layout in the header: 16 bytes per slot; Float64 word 0 = entry time, Int32 words 2 and 3 =
 * vehicle and route position). The offsets are literals on purpose: module-level constants in their place made the
 * loading 14–25 % slower (V8 reloads a module binding on every use; kernel-ab-bench.ts), these calls are inlined.
 */
/** Entry time of the vehicle in ring slot `slot`, s. */
function slotEnterS(qF: Float64Array, slot: number): number {
  return qF[slot * 2]!;
}
/** Vehicle (internal index) in ring slot `slot`. */
function slotVehicle(qI: Int32Array, slot: number): number {
  return qI[slot * 4 + 2]!;
}
/** Route position (routeLinks index of the link) of the vehicle in ring slot `slot`. */
function slotRoutePos(qI: Int32Array, slot: number): number {
  return qI[slot * 4 + 3]!;
}

/** Discrete vehicles and their routes (paths shared between vehicles). */
export interface VehicleSet {
  count: number;
  /** Desired departure time, s (any order). */
  departS: Float64Array;
  /** Path index of each vehicle. */
  path: Int32Array;
  /** Links of path p: pathLinks[pathStart[p] .. pathStart[p+1]). */
  pathStart: Int32Array;
  pathLinks: Int32Array;
}

/** Options of {@link simulate}. */
export interface LoadingOptions {
  /** Time step, s (1–5). */
  dtS: number;
  /** Simulation start, s. */
  startS: number;
  /** Hard end of the simulation, s: vehicles still travelling then are reported as unfinished. */
  endS: number;
  /** No vehicle moved for this long although every loaded link's head vehicle was ready → gridlock. */
  gridlockTimeoutS: number;
  /** `error`: throw a GridlockError; `stop`: end the run and report it in the result. */
  onGridlock: 'error' | 'stop';
  /** Interval of the per-link time series, s (60 = 1-minute series). */
  seriesIntervalS: number;
  /** Vehicles whose trajectories are recorded (1 = record); null = none. */
  sampleMask: Uint8Array | null;
  /** Signal plans (null = all nodes uncontrolled). Mutated at adaptive nodes (mode `adaptive` or `adaptiveNode`). */
  signals: SignalPlan | null;
  /** Check released = waiting + on network + arrived after every step (tests); always checked at the end. */
  auditEveryStep?: boolean;
}

/** What {@link simulate} returns. */
export interface LoadingResult {
  startS: number;
  endS: number;
  steps: number;
  released: number;
  entered: number;
  arrived: number;
  onNetwork: number;
  waitingAtOrigin: number;
  /** Vehicles whose departure time lies after the end of the simulation. */
  notReleased: number;
  /** Actual network entry time, s (NaN if never entered). */
  enterS: Float64Array;
  /** Arrival time, s (NaN if unfinished). */
  arriveS: Float64Array;
  /** Free-flow time of each vehicle's route, s. */
  freeFlowS: Float64Array;
  /** Σ over vehicles of time spent on the network (entry → arrival or end), vehicle·s. */
  vehicleSeconds: number;
  /** Σ over vehicles of time waiting at the origin before entering, vehicle·s. */
  originWaitVehS: number;
  gridlock: GridlockInfo | null;
  /** Vehicles on each link at the end of the run (all 0 when the network emptied). */
  linkCountAtEnd: Int32Array;
  /**
   * Of those, the vehicles still driving toward the link's end (entered less than the free-flow time before the end):
   * long trips cut by the cap, not queues. linkCountAtEnd − this = vehicles held at the stop line or in a queue.
   */
  linkDrivingAtEnd: Int32Array;
  series: LinkSeries;
  trajectories: Trajectories | null;
}

/**
 * Run the dynamic network loading.
 *
 * @example
 * // One 500 m, 2-lane link from node 0 to node 1 (36 s at 50 km/h, 1 veh/s, room for 143): the fields read
 * // (buildDynNetwork makes whole DynNetworks).
 * const net = { numNodes: 2, numLinks: 1, linkIds: ['a'], from: Int32Array.of(0), to: Int32Array.of(1),
 *   lengthM: Float64Array.of(500), freeTimeS: Float64Array.of(36), capacityVehPerS: Float64Array.of(1),
 *   storageVeh: Float64Array.of(143), waveSpeedMPerS: Float64Array.of(4.67), inStart: Int32Array.of(0, 0, 1),
 *   inLinks: Int32Array.of(0), maxInDegree: 1 };
 * // Ten vehicles all leaving at t = 0 (vehiclesFromPaths draws them in a run):
 * const vehicles = { count: 10, departS: new Float64Array(10), path: new Int32Array(10),
 *   pathStart: Int32Array.of(0, 1), pathLinks: Int32Array.of(0) };
 * const r = simulate(net, vehicles, { dtS: 1, startS: 0, endS: 7200, gridlockTimeoutS: 600, onGridlock: 'error',
 *   seriesIntervalS: 60, sampleMask: null, signals: null });
 * r.arrived + r.onNetwork + r.waitingAtOrigin === r.released // => true
 * // One vehicle enters per second (capacity 1 veh/s), each needs 36 s: the last arrives at about 9 + 36 s.
 * [r.arrived, r.enterS[9], r.arriveS[9]] // => [10, 9, 45]
 */
export function simulate(net: DynNetwork, veh: VehicleSet, o: LoadingOptions): LoadingResult {
  const st = new LtmRun(net, veh, o);
  const stepsTotal = st.stepsTotal;
  let s = 0;
  for (; s < stepsTotal; s++) {
    st.step(s);
    if (o.auditEveryStep) st.audit(s);
    if (st.arrived === veh.count) {
      s++;
      break;
    }
    // Gridlock watch: long stillness is only a gridlock if every loaded link's head is ready and stuck.
    if ((s - st.lastMoveStep) * o.dtS >= o.gridlockTimeoutS && st.onNet > 0) {
      const info = diagnoseGridlock(net, st, o.startS + (s + 1) * o.dtS, o.gridlockTimeoutS);
      if (info) {
        st.gridlock = info;
        if (o.onGridlock === 'error') throw new GridlockError(info);
        s++;
        break;
      }
      st.lastMoveStep = s;
    }
  }
  return st.finish(s);
}

/**
 * Vehicle indices sorted by (departure time, index). A bucket pass on the departure time, then each bucket sorted on its
 * own (insertion sort, stable, so equal times keep index order): the same permutation as a comparison sort with
 * (dep[x] − dep[y] || x − y), without a comparator call per comparison.
 */
function departureOrder(dep: ArrayLike<number>, n: number): Int32Array {
  const order = new Int32Array(n);
  const cmp = (x: number, y: number): number => dep[x]! - dep[y]! || x - y;
  let lo = Infinity;
  let hi = -Infinity;
  for (let v = 0; v < n; v++) {
    const d = dep[v]!;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  const width = (hi - lo) / n;
  if (!(width > 0 && Number.isFinite(width))) {
    for (let v = 0; v < n; v++) order[v] = v;
    return order.sort(cmp);
  }
  // Bucket of a vehicle: nondecreasing in its departure time, so buckets in order hold times in order.
  const bucket = new Int32Array(n);
  const start = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) {
    let b = Math.floor((dep[v]! - lo) / width);
    if (b >= n) b = n - 1;
    bucket[v] = b;
    start[b + 1]!++;
  }
  for (let b = 0; b < n; b++) start[b + 1]! += start[b]!;
  const fill = start.slice(0, n);
  for (let v = 0; v < n; v++) order[fill[bucket[v]!]!++] = v;
  for (let b = 0; b < n; b++) {
    const s0 = start[b]!;
    const s1 = start[b + 1]!;
    if (s1 - s0 < 2) continue;
    if (s1 - s0 > 32) {
      order.subarray(s0, s1).sort(cmp);
      continue;
    }
    for (let i = s0 + 1; i < s1; i++) {
      const x = order[i]!;
      const dx = dep[x]!;
      let j = i - 1;
      while (j >= s0 && dep[order[j]!]! > dx) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = x;
    }
  }
  return order;
}

/** The state of one loading run; methods are the phases of a step (kept small so V8 optimises each). */
class LtmRun {
  readonly net: DynNetwork;
  readonly veh: VehicleSet;
  readonly o: LoadingOptions;
  readonly dt: number;
  readonly stepsTotal: number;
  readonly plan: SignalPlan | null;
  readonly adaptive: boolean;
  // vehicles. Internally a vehicle is its rank in departure order (order[i] = input index): vehicles on the network at
  // the same time then sit close together in the per-vehicle arrays, which keeps the node model's reads in cache (with
  // input order they were spread over all vehicles and cache misses dominated). Outputs are mapped back to input order.
  readonly order: Int32Array;
  readonly depS: Float64Array;
  /** Paths as in pathLinks, each followed by −1 (so "next link" needs no end check): path p starts at routeStart[p]. */
  readonly routeLinks: Int32Array;
  /** Route start of each vehicle in routeLinks (internal index). */
  readonly vFirst: Int32Array;
  /** Next vehicle in the same origin queue. */
  readonly vNext: Int32Array;
  /** Entry and arrival times by internal index (NaN = not yet). */
  readonly enterI: Float64Array;
  readonly arriveI: Float64Array;
  /** Free-flow route time by input index (an output). */
  readonly freeFlowS: Float64Array;
  /** Sample flags by internal index. */
  readonly sample: Uint8Array | null;
  /** Traversal log of the sampled vehicles (null when none is sampled). */
  readonly traj: TrajectoryLog | null;
  // links
  /**
   * The vehicles on each link, a FIFO ring per link: link a owns slots qOff[a] .. qOff[a] + qCap[a] − 1, its head is at
   * ring position qHead[a], and count[a] entries follow. An entry holds the vehicle, its entry time and its route
   * position. A link's vehicles are contiguous in memory, so
   * popping the head and reading the next one touch neighbouring slots (a linked list through per-vehicle arrays made
   * every pop a cache miss). Capacity floor(storage) + 2: a link never holds more than its storage (R admits a vehicle
   * only while N_down(t − L/w) + k_j·L − N_up ≥ 1 and N_down(t − L/w) ≤ N_down(t)).
   */
  readonly qOff: Int32Array;
  readonly qCap: Int32Array;
  readonly qHead: Int32Array;
  /**
   * Ring entries, 16 bytes each so one cache line holds four: qF[2·slot] entry time, s; qI[4·slot + 2] vehicle,
   * qI[4·slot + 3] route position (routeLinks index of this link). Two views of one buffer; read through slotEnterS,
   * slotVehicle, slotRoutePos.
   */
  readonly qF: Float64Array;
  readonly qI: Int32Array;
  /**
   * Per link, copies of its head vehicle's ready time (vEnter + free-flow time; +∞ when empty) and next link (−1 when
   * the head ends its trip there), refreshed when the head changes: the node model then reads only link-indexed arrays
   * for heads that wait, instead of per-vehicle arrays spread over memory (cache misses dominated the loop).
   */
  readonly hReady: Float64Array;
  readonly hNext: Int32Array;
  /** Per link, the first step in which its head is a candidate of the node model ({@link LtmRun.candStep}; NO_WAKE when empty). */
  readonly hWake: Int32Array;
  /** Per link: vehicles on it now, and cumulative entries (N_up) and exits (N_down). */
  readonly count: Int32Array;
  readonly entries: Int32Array;
  readonly exits: Int32Array;
  /** Per link: sending credit (vehicles, ≤ capStep) and the step it was last updated for. */
  readonly sendCredit: Float64Array;
  readonly sendStep: Int32Array;
  /** Per link: receiving credit (vehicles, ≤ capStep) and the step it was last updated for. */
  readonly recvCredit: Float64Array;
  readonly recvStep: Int32Array;
  /** Per link: credit cap max(1, Q·Δt), vehicles. */
  readonly capStep: Float64Array;
  /** Per link: effective green fraction of this step (written for node-model candidates only). */
  readonly gfLink: Float64Array;
  /** Per link: backward-wave lag in steps (0 = no ring), its ring's offset, the ring (N_down per step start, slot
   * step mod (lag + 1)) and the last step written to it. */
  readonly lag: Int32Array;
  readonly ringOff: Int32Array;
  readonly ring: Int32Array;
  readonly ringLast: Int32Array;
  /** Per link, the last step whose ring slot storageLeft read, and that slot. */
  readonly rdStep: Int32Array;
  readonly rdIdx: Int32Array;
  /** Origin queue per first link: head and tail vehicle (−1 = empty), linked through vNext. */
  readonly oHead: Int32Array;
  readonly oTail: Int32Array;
  /** Links with a non-empty origin queue (nPending of them), flagged in isPending. */
  readonly oPending: Int32Array;
  readonly isPending: Uint8Array;
  nPending = 0;
  /**
   * Per node: the first step at which one of its in-links may have a head vehicle that reaches the stop line within
   * the step (NO_WAKE: none loaded). A node visit without such a head changes nothing, so nodes are visited only from
   * their wake step on (exact; see {@link LtmRun.candStep}).
   */
  readonly nodeWake: Int32Array;
  /** Step being simulated (pushes during a step schedule their node from this step on). */
  curStep = 0;
  /** Per node: the in-link slot the round robin starts from (the one after the link served last). */
  readonly rr: Int32Array;
  /** Node-model scratch: candidate in-links of the node visited (−1 once out) and their in-link slots. */
  readonly cand: Int32Array;
  readonly candSlot: Int32Array;
  /** Adaptive signals: entries per link in the current cycle, last cycle index per node, Webster demand scratch. */
  readonly cycleEntries: Float64Array;
  readonly lastCycle: Float64Array;
  readonly demandScratch: Float64Array;
  /** The adaptive signalised nodes (node order), and a per-node flag of the same. */
  readonly adaptiveNodes: Int32Array;
  readonly adaptiveFlag: Uint8Array;
  /** Per link held by red: the step {@link LtmRun.greenStep} found (reused while still ahead). */
  readonly greenAt: Int32Array;
  /**
   * Per link, the queue counted last time (see {@link LtmRun.queuedAt}): its length, the link's exit count then and the
   * time it was counted for.
   */
  readonly qLen: Int32Array;
  readonly qExits: Int32Array;
  readonly qTime: Float64Array;
  // series
  readonly series: LinkSeriesRecorder;
  /** The series' per-link accumulators of the current interval (the same arrays; updated on every push and pop). */
  readonly ivExits: Int32Array;
  readonly ivTravelS: Float64Array;
  readonly occVehS: Float64Array;
  readonly occT: Float64Array;
  // counters (vehicles; see the conservation invariant in the header)
  released = 0;
  entered = 0;
  arrived = 0;
  onNet = 0;
  waiting = 0;
  nextDep = 0;
  lastMoveStep = 0;
  vehicleSeconds = 0;
  originWaitVehS = 0;
  gridlock: GridlockInfo | null = null;

  constructor(net: DynNetwork, veh: VehicleSet, o: LoadingOptions) {
    const dt = o.dtS;
    if (!(dt > 0 && dt <= 10)) throw new Error(`time step ${dt} s: must be in (0, 10]`);
    if (!(o.endS > o.startS)) throw new Error(`end ${o.endS} s must be after start ${o.startS} s`);
    if (!(o.seriesIntervalS >= dt))
      throw new Error(`series interval ${o.seriesIntervalS} s must be ≥ the time step ${dt} s`);
    this.net = net;
    this.veh = veh;
    this.o = o;
    this.dt = dt;
    this.plan = o.signals;
    const adaptiveList: number[] = [];
    if (o.signals)
      for (let v = 0; v < net.numNodes; v++)
        if (o.signals.cycleS[v]! > 0 && isAdaptiveNode(o.signals.opts, v)) adaptiveList.push(v);
    this.adaptive = adaptiveList.length > 0;
    // The adaptive signals in node order (the per-step check visited every node and re-read the options each time).
    this.adaptiveNodes = Int32Array.from(adaptiveList);
    this.adaptiveFlag = new Uint8Array(net.numNodes);
    this.greenAt = new Int32Array(net.numLinks).fill(-1);
    for (const v of adaptiveList) this.adaptiveFlag[v] = 1;
    const nL = net.numLinks;
    const nN = net.numNodes;
    const nV = veh.count;
    const { from, to, freeTimeS, capacityVehPerS, lengthM } = net;
    const { pathStart, pathLinks } = veh;
    // Validate routes once, outside the loop: contiguous links, known indices.
    for (let p = 0; p + 1 < pathStart.length; p++) {
      const a0 = pathStart[p]!;
      const a1 = pathStart[p + 1]!;
      if (a1 <= a0) throw new Error(`path ${p} has no links`);
      for (let k = a0; k < a1; k++) {
        const a = pathLinks[k]!;
        if (!(a >= 0 && a < nL)) throw new Error(`path ${p}: link index ${a} outside 0..${nL - 1}`);
        if (k > a0 && from[a] !== to[pathLinks[k - 1]!])
          throw new Error(`path ${p}: link ${net.linkIds[pathLinks[k - 1]!]} does not lead into ${net.linkIds[a]}`);
      }
    }
    const dep = veh.departS;
    for (let v = 0; v < nV; v++)
      if (!Number.isFinite(dep[v]!)) throw new Error(`vehicle ${v}: departure ${dep[v]} is not a finite time`);
    this.order = departureOrder(dep, nV);
    this.depS = new Float64Array(nV);
    this.vFirst = new Int32Array(nV);
    const nP = pathStart.length - 1;
    const routeStart = new Int32Array(Math.max(0, nP));
    this.routeLinks = new Int32Array(pathLinks.length + Math.max(0, nP));
    for (let p = 0, j = 0; p < nP; p++) {
      routeStart[p] = j;
      for (let k = pathStart[p]!; k < pathStart[p + 1]!; k++) this.routeLinks[j++] = pathLinks[k]!;
      this.routeLinks[j++] = -1;
    }
    this.vNext = new Int32Array(nV).fill(-1);
    this.enterI = new Float64Array(nV).fill(NaN);
    this.arriveI = new Float64Array(nV).fill(NaN);
    this.freeFlowS = new Float64Array(nV);
    // Free-flow time per path (the same sum in the same order as per vehicle), then per vehicle.
    const pathFf = new Float64Array(Math.max(0, nP));
    for (let p = 0; p < nP; p++) {
      let ff = 0;
      for (let k = pathStart[p]!; k < pathStart[p + 1]!; k++) ff += freeTimeS[pathLinks[k]!]!;
      pathFf[p] = ff;
    }
    for (let v = 0; v < nV; v++) {
      const p = veh.path[v]!;
      if (!(p >= 0 && p + 1 < pathStart.length))
        throw new Error(`vehicle ${v}: path ${p} outside 0..${pathStart.length - 2}`);
      this.freeFlowS[v] = pathFf[p]!;
    }
    const mask = o.sampleMask;
    if (mask && mask.length < nV) throw new Error(`sampleMask has ${mask.length} entries for ${nV} vehicles`);
    this.sample = mask ? new Uint8Array(nV) : null;
    for (let i = 0; i < nV; i++) {
      const v = this.order[i]!;
      const p = veh.path[v]!;
      this.depS[i] = dep[v]!;
      this.vFirst[i] = routeStart[p]!;
      if (mask && this.sample) this.sample[i] = mask[v]!;
    }
    this.traj = this.sample ? new TrajectoryLog(nV) : null;

    this.qOff = new Int32Array(nL);
    this.qCap = new Int32Array(nL);
    this.qHead = new Int32Array(nL);
    let slots = 0;
    for (let a = 0; a < nL; a++) {
      this.qOff[a] = slots;
      this.qCap[a] = Math.floor(net.storageVeh[a]!) + 2;
      slots += this.qCap[a]!;
    }
    this.qF = new Float64Array(2 * slots);
    this.qI = new Int32Array(this.qF.buffer);
    this.hReady = new Float64Array(nL).fill(Infinity);
    this.hNext = new Int32Array(nL).fill(-1);
    this.hWake = new Int32Array(nL).fill(NO_WAKE);
    this.count = new Int32Array(nL);
    this.entries = new Int32Array(nL);
    this.exits = new Int32Array(nL);
    this.sendCredit = new Float64Array(nL);
    this.sendStep = new Int32Array(nL).fill(-2);
    this.recvCredit = new Float64Array(nL);
    this.recvStep = new Int32Array(nL).fill(-2);
    this.capStep = new Float64Array(nL);
    this.gfLink = new Float64Array(nL);
    for (let a = 0; a < nL; a++) this.capStep[a] = Math.max(1, capacityVehPerS[a]! * dt);
    // Ring buffer of N_down at step starts. R uses N_down(t + Δt − L/w): lag = round(L/(w·Δt)) − 1 steps.
    this.lag = new Int32Array(nL);
    this.ringOff = new Int32Array(nL + 1);
    for (let a = 0; a < nL; a++) {
      this.lag[a] = Math.max(0, Math.round(lengthM[a]! / (net.waveSpeedMPerS[a]! * dt)) - 1);
      this.ringOff[a + 1] = this.ringOff[a]! + (this.lag[a]! > 0 ? this.lag[a]! + 1 : 0);
    }
    this.ring = new Int32Array(this.ringOff[nL]!);
    this.ringLast = new Int32Array(nL).fill(-1);
    this.rdStep = new Int32Array(nL).fill(-2);
    this.rdIdx = new Int32Array(nL);
    this.oHead = new Int32Array(nL).fill(-1);
    this.oTail = new Int32Array(nL).fill(-1);
    this.oPending = new Int32Array(nL);
    this.isPending = new Uint8Array(nL);
    this.nodeWake = new Int32Array(nN).fill(NO_WAKE);
    this.rr = new Int32Array(nN);
    this.cand = new Int32Array(Math.max(1, net.maxInDegree));
    this.candSlot = new Int32Array(Math.max(1, net.maxInDegree));
    this.cycleEntries = new Float64Array(this.adaptive ? nL : 0);
    this.lastCycle = new Float64Array(this.adaptive ? nN : 0).fill(-1);
    this.demandScratch = new Float64Array(this.adaptive ? nL : 0);

    this.stepsTotal = Math.ceil((o.endS - o.startS) / dt);
    this.series = new LinkSeriesRecorder(net, this, o.startS, o.seriesIntervalS, this.stepsTotal * dt);
    this.ivExits = this.series.ivExits;
    this.ivTravelS = this.series.ivTravelS;
    this.occVehS = this.series.occVehS;
    this.occT = this.series.occT;
    this.qLen = new Int32Array(nL);
    this.qExits = new Int32Array(nL);
    this.qTime = new Float64Array(nL).fill(-Infinity);
  }

  step(s: number): void {
    this.curStep = s;
    const t = this.o.startS + s * this.dt;
    const tEnd = t + this.dt;
    this.release(tEnd);
    if (this.adaptive) this.adaptSignals(t);
    let moved = this.nodeTransfers(s, t, tEnd);
    if (this.nPending > 0) moved += this.insertOrigins(s, t);
    if (moved > 0) this.lastMoveStep = s;
    this.series.advance(tEnd);
  }

  /** Move departures of this step into their origin queues. */
  release(tEnd: number): void {
    const { depS, vNext, oHead, oTail, isPending, oPending, vFirst } = this;
    const routeLinks = this.routeLinks;
    const nV = this.veh.count;
    while (this.nextDep < nV && depS[this.nextDep]! < tEnd) {
      const v = this.nextDep++;
      const a = routeLinks[vFirst[v]!]!;
      vNext[v] = -1;
      if (oTail[a]! >= 0) vNext[oTail[a]!] = v;
      else oHead[a] = v;
      oTail[a] = v;
      if (isPending[a] === 0) {
        isPending[a] = 1;
        oPending[this.nPending++] = a;
      }
      this.released++;
      this.waiting++;
    }
  }

  /** Adaptive what-if: Webster re-split of every adaptive signal (all, or the `adaptiveNode` ones) at its cycle boundary. */
  adaptSignals(t: number): void {
    const plan = this.plan!;
    const net = this.net;
    const { cycleEntries, lastCycle, demandScratch, adaptiveNodes } = this;
    for (let j = 0; j < adaptiveNodes.length; j++) {
      const nd = adaptiveNodes[j]!;
      const c = plan.cycleS[nd]!;
      const k = Math.floor((t - plan.offsetS[nd]!) / c);
      if (k === lastCycle[nd]) continue;
      if (lastCycle[nd]! >= 0) {
        for (let q = net.inStart[nd]!; q < net.inStart[nd + 1]!; q++) {
          const a = net.inLinks[q]!;
          // Demand = arrivals over the cycle, or the standing queue if larger (so a queue is not forgotten).
          demandScratch[a] = Math.max(cycleEntries[a]!, this.queuedAt(a, t));
          cycleEntries[a] = 0;
        }
        resplitWebster(plan, net, nd, demandScratch);
      }
      lastCycle[nd] = k;
    }
  }

  /** The node model for all loaded nodes; returns vehicles moved. */
  nodeTransfers(s: number, t: number, tEnd: number): number {
    const net = this.net;
    const { inStart, inLinks, capacityVehPerS } = net;
    const {
      hReady,
      hNext,
      hWake,
      greenAt,
      qI,
      nodeWake,
      cand,
      candSlot,
      gfLink,
      sendCredit,
      sendStep,
      capStep,
      rr,
      arriveI,
      enterI,
    } = this;
    const plan = this.plan;
    const dt = this.dt;
    let moved = 0;
    for (let nd = 0; nd < net.numNodes; nd++) {
      if (nodeWake[nd]! > s) continue;
      const i0 = inStart[nd]!;
      const i1 = inStart[nd + 1]!;
      let nc = 0;
      const deg = i1 - i0;
      // Next wake: rebuilt from the in-links below; pushes onto an empty in-link during the visit (a self-loop) lower it.
      nodeWake[nd] = NO_WAKE;
      let wake = NO_WAKE;
      // Round robin by service: scan in-links starting after the one served last, so competing in-links take turns
      // whatever the step pattern of the receiving credit (a step-count rotation aliases with 0.5 veh/step credits).
      const rStart = rr[nd]!;
      // Cycle positions now and one step back, computed once per visit when a candidate needs them (NaN = not yet).
      const cyc = plan === null ? 0 : plan.cycleS[nd]!;
      let tcNow = NaN;
      let tcPrev = NaN;
      for (let q = 0; q < deg; q++) {
        const slot = rStart + q < deg ? rStart + q : rStart + q - deg;
        const a = inLinks[i0 + slot]!;
        // Only links whose head vehicle can reach the stop line in this step matter now (hWake ≤ s ⇔ ready < tEnd).
        const hw = hWake[a]!;
        if (hw > s) {
          if (hw < wake) wake = hw;
          continue;
        }
        if (cyc > 0 && tcNow !== tcNow) tcNow = cycleTime(plan!, nd, t);
        const gf = plan === null ? 1 : greenFractionAt(plan, a, tcNow, cyc, dt);
        gfLink[a] = gf;
        let c: number;
        if (sendStep[a] === s - 1) c = sendCredit[a]!;
        else {
          // Not a candidate last step: its credit then was full if it had green, empty if red (credits never bank).
          if (cyc > 0 && tcPrev !== tcPrev) tcPrev = cycleTime(plan!, nd, t - dt);
          const gPrev = plan === null ? 1 : greenFractionAt(plan, a, tcPrev, cyc, dt);
          c = gPrev > 0 ? capStep[a]! : 0;
        }
        c = gf === 0 ? 0 : Math.min(capStep[a]!, c + capacityVehPerS[a]! * dt * gf);
        sendCredit[a] = c;
        sendStep[a] = s;
        candSlot[nc] = slot;
        cand[nc++] = a;
      }
      if (nc === 0) {
        if (wake < nodeWake[nd]!) nodeWake[nd] = wake;
        continue;
      }
      let live = nc;
      while (live > 0) {
        let progress = false;
        for (let qi = 0; qi < nc; qi++) {
          const a = cand[qi]!;
          if (a < 0) continue;
          const ready = hReady[a]!;
          if (ready >= tEnd) {
            cand[qi] = -1;
            live--;
            continue;
          }
          const tm = ready > t ? ready : t;
          const b = hNext[a]!;
          if (b < 0) {
            // Destination reached: leave at the link end (sinks are free and ignore the signal).
            const h = slotVehicle(qI, this.popLink(a, tm, s));
            this.arrived++;
            this.onNet--;
            arriveI[h] = tm;
            this.vehicleSeconds += tm - enterI[h]!;
            progress = true;
            moved++;
            continue;
          }
          if (gfLink[a] === 0 || sendCredit[a]! < 1 - 1e-9) {
            cand[qi] = -1;
            live--;
            continue;
          }
          if (!this.recvOk(b, s)) {
            cand[qi] = -1;
            live--;
            continue;
          }
          const slot = this.popLink(a, tm, s);
          sendCredit[a]! -= 1;
          this.pushLink(slotVehicle(qI, slot), slotRoutePos(qI, slot) + 1, b, tm);
          rr[nd] = candSlot[qi]! + 1 < deg ? candSlot[qi]! + 1 : 0;
          progress = true;
          moved++;
        }
        if (!progress) break;
      }
      // Candidates still holding a vehicle: new heads count from when they get ready; a head held by red waits for the
      // step its green starts (its credit stays 0 meanwhile, so that state is written now, as the skipped visits would
      // have left it); other blocked heads are candidates again next step.
      for (let qi = 0; qi < nc; qi++) {
        const a = inLinks[i0 + candSlot[qi]!]!;
        const hw = hWake[a]!;
        let w: number;
        if (hw > s) w = hw;
        else if (gfLink[a] === 0) {
          // A prediction made earlier in this red time still holds (the steps up to it were red by construction).
          w = greenAt[a]! > s ? greenAt[a]! : (greenAt[a] = this.greenStep(a, nd, s));
          sendStep[a] = w - 1;
          sendCredit[a] = 0;
        } else w = s + 1;
        if (w < wake) wake = w;
      }
      if (wake < nodeWake[nd]!) nodeWake[nd] = wake;
    }
    return moved;
  }

  /** Put waiting vehicles on their first link (after the node transfers: through traffic has priority). */
  insertOrigins(s: number, t: number): number {
    const { oPending, oHead, oTail, vNext, isPending, enterI, depS } = this;
    let moved = 0;
    let m = 0;
    for (let k = 0; k < this.nPending; k++) {
      const a = oPending[k]!;
      while (oHead[a]! >= 0 && this.recvOk(a, s)) {
        const v = oHead[a]!;
        oHead[a] = vNext[v]!;
        if (oHead[a]! < 0) oTail[a] = -1;
        const d = depS[v]!;
        const te = d > t ? d : t;
        this.pushLink(v, this.vFirst[v]!, a, te);
        enterI[v] = te;
        this.originWaitVehS += te - d;
        this.waiting--;
        this.onNet++;
        this.entered++;
        moved++;
      }
      if (oHead[a]! >= 0) oPending[m++] = a;
      else isPending[a] = 0;
    }
    this.nPending = m;
    return moved;
  }

  /**
   * The first step after s in which in-link a of signalised node nd has effective green (greenFractionAt > 0, evaluated
   * step by step exactly as the node model would), or in which an adaptive nd starts a new cycle (its greens may be
   * re-split then), at most one cycle ahead. Link a shows red at step s.
   */
  greenStep(a: number, nd: number, s: number): number {
    const plan = this.plan!;
    const c = plan.cycleS[nd]!;
    const t0 = this.o.startS;
    const dt = this.dt;
    const adaptiveNd = this.adaptiveFlag[nd] === 1;
    const jMax = s + 2 + Math.ceil(c / dt);
    for (let j = s + 1; j < jMax; j++) {
      const t = t0 + j * dt;
      if (adaptiveNd && Math.floor((t - plan.offsetS[nd]!) / c) !== this.lastCycle[nd]) return j;
      if (greenFractionAt(plan, a, cycleTime(plan, nd, t), c, dt) > 0) return j;
    }
    return jMax;
  }

  /**
   * The first step k ≥ lo in which a head vehicle ready at time r is a candidate of the node model, i.e. r < tEnd(k)
   * with tEnd(k) computed exactly as {@link LtmRun.step} does, so skipping the steps before k changes nothing.
   */
  candStep(r: number, lo: number): number {
    const t0 = this.o.startS;
    const dt = this.dt;
    // Fast path: a queued head is usually ready already.
    if (r < t0 + lo * dt + dt) return lo;
    let k = Math.floor((r - t0) / dt) - 1;
    if (!(k > lo)) k = lo;
    else while (k > lo && r < t0 + (k - 1) * dt + dt) k--;
    while (!(r < t0 + k * dt + dt)) k++;
    return k;
  }

  syncRing(a: number, step: number): void {
    const L = this.lag[a]!;
    if (L === 0) return;
    const R = L + 1;
    const off = this.ringOff[a]!;
    let k = this.ringLast[a]! + 1;
    if (k < step - R + 1) k = step - R + 1;
    const val = this.exits[a]!;
    const ring = this.ring;
    if (k <= step) {
      let j = k % R;
      for (; k <= step; k++) {
        ring[off + j] = val;
        if (++j === R) j = 0;
      }
    }
    this.ringLast[a] = step;
  }

  /** Vehicles link a can still take now: storage freed by the backward wave (≥ 1 means one more fits). */
  storageLeft(a: number, step: number): number {
    const L = this.lag[a]!;
    let down: number;
    if (L === 0) down = this.exits[a]!;
    else {
      const ls = step - L;
      if (ls < 0) down = 0;
      else if (ls > this.ringLast[a]!) down = this.exits[a]!;
      else {
        // Ring slot of step ls: ls mod (L + 1), carried on from the previous step's slot when there is one (a link
        // that receives is usually asked every step; the integer division was a tenth of the node model's time).
        const R = L + 1;
        let idx: number;
        const ps = this.rdStep[a]!;
        if (ps === step) idx = this.rdIdx[a]!;
        else {
          if (ps === step - 1) {
            idx = this.rdIdx[a]! + 1;
            if (idx === R) idx = 0;
          } else idx = ls % R;
          this.rdStep[a] = step;
          this.rdIdx[a] = idx;
        }
        down = this.ring[this.ringOff[a]! + idx]!;
      }
    }
    return down + this.net.storageVeh[a]! - this.entries[a]!;
  }

  recvOk(a: number, step: number): boolean {
    const recvCredit = this.recvCredit;
    if (this.recvStep[a] !== step) {
      recvCredit[a] =
        this.recvStep[a] === step - 1
          ? Math.min(this.capStep[a]!, recvCredit[a]! + this.net.capacityVehPerS[a]! * this.dt)
          : this.capStep[a]!;
      this.recvStep[a] = step;
    }
    return recvCredit[a]! >= 1 - 1e-9 && this.storageLeft(a, step) >= 1 - 1e-9;
  }

  /** Append vehicle v, at route position pos (routeLinks index of a), to link a at time t. */
  pushLink(v: number, pos: number, a: number, t: number): void {
    const n = this.count[a]!;
    this.occVehS[a]! += n * (t - this.occT[a]!);
    this.occT[a] = t;
    const cap = this.qCap[a]!;
    if (n >= cap) throw new Error(`internal: link ${this.net.linkIds[a]} holds more vehicles than its storage`);
    let j = this.qHead[a]! + n;
    if (j >= cap) j -= cap;
    const slot = this.qOff[a]! + j;
    // The slot's three fields (see slotEnterS, slotVehicle, slotRoutePos).
    this.qF[slot * 2] = t;
    this.qI[slot * 4 + 2] = v;
    this.qI[slot * 4 + 3] = pos;
    this.count[a] = n + 1;
    this.entries[a]!++;
    if (n === 0) {
      // A new head: its node needs a visit once it can reach the stop line (maybe later in this very step).
      this.setHead(a, slot);
      const nd = this.net.to[a]!;
      const w = this.hWake[a]!;
      if (w < this.nodeWake[nd]!) this.nodeWake[nd] = w;
    }
    this.recvCredit[a]! -= 1;
    this.series.touch(a);
    if (this.adaptive) this.cycleEntries[a]!++;
    const sample = this.sample;
    if (sample !== null && sample[v]) this.traj!.entered(v, this.exits[a]!, this.entries[a]! - 1);
  }

  /** Cache the ready time and next link of link a's head entry (ring slot). */
  setHead(a: number, slot: number): void {
    const r = slotEnterS(this.qF, slot) + this.net.freeTimeS[a]!;
    this.hReady[a] = r;
    this.hWake[a] = this.candStep(r, this.curStep);
    this.hNext[a] = this.routeLinks[slotRoutePos(this.qI, slot) + 1]!;
  }

  /** Remove the head vehicle of link a at time t (to the next link or to the sink); returns its ring slot (read it before the next push). */
  popLink(a: number, t: number, step: number): number {
    const j = this.qHead[a]!;
    const slot = this.qOff[a]! + j;
    const n = this.count[a]!;
    this.occVehS[a]! += n * (t - this.occT[a]!);
    this.occT[a] = t;
    this.syncRing(a, step);
    const jn = j + 1 < this.qCap[a]! ? j + 1 : 0;
    this.qHead[a] = jn;
    if (n === 1) {
      this.hReady[a] = Infinity;
      this.hNext[a] = -1;
      this.hWake[a] = NO_WAKE;
    } else this.setHead(a, this.qOff[a]! + jn);
    this.count[a] = n - 1;
    this.exits[a]!++;
    this.ivExits[a]!++;
    const tIn = slotEnterS(this.qF, slot);
    this.ivTravelS[a]! += t - tIn;
    const v = slotVehicle(this.qI, slot);
    const sample = this.sample;
    if (sample !== null && sample[v]) this.traj!.traversal(this.net, v, this.order[v]!, a, tIn, t);
    return slot;
  }

  /**
   * Queue on link a at time tq: the FIFO prefix of vehicles whose free-flow time has passed (entry time + L/v_f ≤ tq).
   * Counted on from the prefix counted last time when tq is not earlier: those vehicles are still queued unless they
   * left, and they leave from the head, so only vehicles behind that prefix are walked (queues of thousands of
   * vehicles were re-walked every interval). Same count as a walk from the head.
   */
  queuedAt(a: number, tq: number): number {
    const qF = this.qF;
    const ft = this.net.freeTimeS[a]!;
    const cnt = this.count[a]!;
    let n = 0;
    if (tq >= this.qTime[a]!) {
      n = this.qLen[a]! - (this.exits[a]! - this.qExits[a]!);
      if (n < 0) n = 0;
    }
    const off = this.qOff[a]!;
    const cap = this.qCap[a]!;
    let j = this.qHead[a]! + n;
    if (j >= cap) j -= cap;
    while (n < cnt && slotEnterS(qF, off + j) + ft <= tq) {
      n++;
      if (++j === cap) j = 0;
    }
    this.qLen[a] = n;
    this.qExits[a] = this.exits[a]!;
    this.qTime[a] = tq;
    return n;
  }

  audit(s: number): void {
    if (this.released !== this.waiting + this.onNet + this.arrived || this.entered !== this.onNet + this.arrived) {
      throw new Error(
        `vehicle conservation broken at step ${s}: released ${this.released} ≠ waiting ${this.waiting} + on network ${this.onNet} + arrived ${this.arrived}`,
      );
    }
    let onLinks = 0;
    for (let a = 0; a < this.net.numLinks; a++) onLinks += this.count[a]!;
    if (onLinks !== this.onNet)
      throw new Error(
        `vehicle conservation broken at step ${s}: ${onLinks} vehicles on links, counter says ${this.onNet}`,
      );
  }

  /** Per link, the vehicles on it that entered less than its free-flow time before t (still driving, not queued). */
  drivingAt(t: number): Int32Array {
    const out = new Int32Array(this.net.numLinks);
    for (let a = 0; a < this.net.numLinks; a++) {
      const ft = this.net.freeTimeS[a]!;
      for (let k = 0, j = this.qHead[a]!; k < this.count[a]!; k++, j = j + 1 < this.qCap[a]! ? j + 1 : 0)
        if (slotEnterS(this.qF, this.qOff[a]! + j) + ft > t) out[a]!++;
    }
    return out;
  }

  finish(s: number): LoadingResult {
    const o = this.o;
    const tFinal = o.startS + s * this.dt;
    const series = this.series.finish(tFinal);
    this.audit(s);
    const nV = this.veh.count;
    // Back to input order (the sum below runs in input order, as it always has).
    const enterS = new Float64Array(nV);
    const arriveS = new Float64Array(nV);
    for (let i = 0; i < nV; i++) {
      enterS[this.order[i]!] = this.enterI[i]!;
      arriveS[this.order[i]!] = this.arriveI[i]!;
    }
    // Time on network of vehicles still travelling at the end.
    for (let v = 0; v < nV; v++)
      if (enterS[v]! === enterS[v]! && arriveS[v]! !== arriveS[v]!) this.vehicleSeconds += tFinal - enterS[v]!;
    const traj = this.traj;
    if (traj !== null) {
      // Sampled vehicles still travelling: their current traversal ends at the end of the run.
      for (let a = 0; a < this.net.numLinks; a++) {
        for (let k = 0, j = this.qHead[a]!; k < this.count[a]!; k++, j = j + 1 < this.qCap[a]! ? j + 1 : 0) {
          const slot = this.qOff[a]! + j;
          const v = slotVehicle(this.qI, slot);
          if (!this.sample![v]) continue;
          traj.unfinished(this.order[v]!, a, slotEnterS(this.qF, slot), tFinal);
        }
      }
    }
    const trajectories = traj !== null ? traj.group(nV) : null;
    return {
      startS: o.startS,
      endS: tFinal,
      steps: s,
      released: this.released,
      entered: this.entered,
      arrived: this.arrived,
      onNetwork: this.onNet,
      waitingAtOrigin: this.waiting,
      notReleased: nV - this.released,
      enterS,
      arriveS,
      freeFlowS: this.freeFlowS,
      vehicleSeconds: this.vehicleSeconds,
      originWaitVehS: this.originWaitVehS,
      gridlock: this.gridlock,
      linkCountAtEnd: Int32Array.from(this.count),
      linkDrivingAtEnd: this.drivingAt(tFinal),
      series,
      trajectories,
    };
  }
}
