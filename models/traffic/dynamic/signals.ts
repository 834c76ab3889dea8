/**
 * Fixed-time and adaptive signal plans for the dynamic loading.
 *
 * A signalised node runs a cycle of C seconds split into phases; each in-link belongs to one phase. Phase p shows
 * green G_p then amber A; its *effective* green (HCM 2010 ch. 18: g = G + A − l1 − l2, start-up lost time l1 = 2 s,
 * extension of effective green e = 2 s so l2 = A − e) is the window [start_p + l1, start_p + G_p + e) of the cycle.
 * An in-link discharges at its saturation flow (the link capacity) during effective green only, so the long-run
 * throughput of a saturated approach is s·g/C.
 *
 * Phases are built from geometry: in-links whose travel axes are within 45° of each other share a phase
 * (north–south vs east–west at a four-arm junction, as SUMO's default programs do). Nodes with fewer than three
 * in-links have no crossing conflicts and are left uncontrolled.
 *
 * Adaptive what-if: at each cycle boundary the greens are re-split in proportion to the phases' critical flow
 * ratios y_p = max_{i∈p} D_i / (s_i·C) measured over the last cycle (Webster's equisaturation rule, Webster 1958,
 * Road Research Technical Paper 39), each phase keeping at least `minGreenS`. The cycle length stays fixed. With
 * `adaptiveNode` only the marked nodes adapt (partial rollout); the others keep equal fixed splits.
 */
import type { DynNetwork } from './network.ts';

/** Options for {@link buildSignalPlan}. */
export interface SignalOptions {
  /** Cycle length, s. */
  cycleS: number;
  /** Amber (yellow) per phase, s. */
  amberS: number;
  /** Start-up lost time l1, s (HCM 2010 default 2 s). */
  startupLostS: number;
  /** Extension of effective green into amber e, s (HCM 2010 default 2 s). */
  greenExtensionS: number;
  /** Minimum displayed green per phase for the adaptive split, s. */
  minGreenS: number;
  /** `fixed`: equal splits; `adaptive`: re-split every cycle from measured demand. */
  mode: 'fixed' | 'adaptive';
  /** Per-node offset, s (default 0 everywhere, as SUMO netgenerate). */
  offsetS?: ArrayLike<number>;
  /**
   * Per node, 1 = this signal runs the adaptive re-split even when `mode` is `fixed` (a partial smart-signal rollout;
   * the Zibo model marks the nodes with an upgraded in-link). Ignored when `mode` is `adaptive` (all nodes adapt).
   */
  adaptiveNode?: ArrayLike<number>;
}

export const DEFAULT_SIGNALS: SignalOptions = {
  cycleS: 90,
  amberS: 3,
  startupLostS: 2,
  greenExtensionS: 2,
  minGreenS: 10,
  mode: 'fixed',
};

/** Signal state of a whole network, typed arrays only. */
export interface SignalPlan {
  opts: SignalOptions;
  /** Per node: cycle length (0 = uncontrolled). */
  cycleS: Float64Array;
  offsetS: Float64Array;
  /** Phases of node n are phaseStart[n] .. phaseStart[n+1]). */
  phaseStart: Int32Array;
  /** Displayed green of each phase, s. */
  phaseGreenS: Float64Array;
  /** Global phase index of each link at its downstream node, −1 if that node is uncontrolled. */
  linkPhase: Int32Array;
  /** Effective-green window of each in-link in cycle time, s: [greenStartS, greenEndS) (end may exceed the cycle). */
  greenStartS: Float64Array;
  greenEndS: Float64Array;
}

/**
 * Build fixed-time plans (equal displayed greens) for all signalised nodes of a network.
 * @example
 * // One signalised crossing (node 0) entered from the west, east, south and north (nodes 1–4 → node 0 by links
 * // 0–3); the fields read here (buildDynNetwork makes whole DynNetworks):
 * const net = { numNodes: 5, numLinks: 4, nodeXM: Float64Array.of(0, -200, 200, 0, 0),
 *   nodeYM: Float64Array.of(0, 0, 0, -200, 200), nodeSignalized: Uint8Array.of(1, 0, 0, 0, 0),
 *   from: Int32Array.of(1, 2, 3, 4), to: Int32Array.of(0, 0, 0, 0), inStart: Int32Array.of(0, 4, 4, 4, 4, 4),
 *   inLinks: Int32Array.of(0, 1, 2, 3), capacityVehPerS: Float64Array.of(1, 1, 1, 1) };
 * const plan = buildSignalPlan(net, DEFAULT_SIGNALS);
 * // Two phases (west–east, south–north) of the 90 s cycle, equal greens:
 * [plan.cycleS[0], plan.phaseGreenS, plan.linkPhase] // => [90, Float64Array.of(42, 42), Int32Array.of(0, 0, 1, 1)]
 * [plan.greenStartS, plan.greenEndS] // => [Float64Array.of(2, 2, 47, 47), Float64Array.of(44, 44, 89, 89)]
 * // 1 while a link's phase shows effective green:
 * [greenFraction(plan, 0, 0, 10, 1), greenFraction(plan, 2, 0, 10, 1)] // => [1, 0]
 */
export function buildSignalPlan(net: DynNetwork, opts: SignalOptions): SignalPlan {
  if (!(opts.cycleS > 0)) throw new Error(`signal cycle ${opts.cycleS} s must be > 0`);
  const n = net.numNodes;
  const cycleS = new Float64Array(n);
  const offsetS = new Float64Array(n);
  const phaseStart = new Int32Array(n + 1);
  const linkPhase = new Int32Array(net.numLinks).fill(-1);
  const greens: number[] = [];
  for (let v = 0; v < n; v++) {
    phaseStart[v] = greens.length;
    const i0 = net.inStart[v]!;
    const i1 = net.inStart[v + 1]!;
    if (!net.nodeSignalized[v] || i1 - i0 < 3) continue;
    // Group in-links by travel axis (angle mod 180°): within 45° of the first link's axis → phase 0, else phase 1.
    const axis0 = linkAxis(net, net.inLinks[i0]!);
    let hasOther = false;
    for (let k = i0; k < i1; k++) {
      const a = net.inLinks[k]!;
      const d = Math.abs(linkAxis(net, a) - axis0);
      const dd = Math.min(d, Math.PI - d);
      const p = dd <= Math.PI / 4 ? 0 : 1;
      if (p === 1) hasOther = true;
      linkPhase[a] = greens.length + p;
    }
    const nP = hasOther ? 2 : 1;
    if (nP === 1) {
      // All approaches on one axis: no conflicting movements, leave uncontrolled.
      for (let k = i0; k < i1; k++) linkPhase[net.inLinks[k]!] = -1;
      continue;
    }
    const g = (opts.cycleS - nP * opts.amberS) / nP;
    if (!(g >= 1))
      throw new Error(`signal cycle ${opts.cycleS} s too short for ${nP} phases with ${opts.amberS} s amber`);
    for (let p = 0; p < nP; p++) greens.push(g);
    cycleS[v] = opts.cycleS;
    offsetS[v] = opts.offsetS ? Number(opts.offsetS[v] ?? 0) : 0;
  }
  phaseStart[n] = greens.length;
  const plan: SignalPlan = {
    opts,
    cycleS,
    offsetS,
    phaseStart,
    phaseGreenS: Float64Array.from(greens),
    linkPhase,
    greenStartS: new Float64Array(net.numLinks),
    greenEndS: new Float64Array(net.numLinks),
  };
  for (let v = 0; v < n; v++) if (cycleS[v]! > 0) updateWindows(plan, net, v);
  return plan;
}

/**
 * True when node v re-splits its greens every cycle (mode `adaptive`, or marked in `adaptiveNode`).
 * @example
 * isAdaptiveNode(DEFAULT_SIGNALS, 0) // => false
 * isAdaptiveNode({ ...DEFAULT_SIGNALS, mode: 'adaptive' }, 0) // => true
 * isAdaptiveNode({ ...DEFAULT_SIGNALS, adaptiveNode: [0, 1] }, 1) // => true
 */
export function isAdaptiveNode(opts: SignalOptions, v: number): boolean {
  return opts.mode === 'adaptive' || (opts.adaptiveNode !== undefined && Number(opts.adaptiveNode[v] ?? 0) > 0);
}

function linkAxis(net: DynNetwork, a: number): number {
  const dx = net.nodeXM[net.to[a]!]! - net.nodeXM[net.from[a]!]!;
  const dy = net.nodeYM[net.to[a]!]! - net.nodeYM[net.from[a]!]!;
  let ang = Math.atan2(dy, dx);
  if (ang < 0) ang += Math.PI;
  if (ang >= Math.PI) ang -= Math.PI;
  return ang;
}

/**
 * Recompute the effective-green windows of node v's in-links from its phase greens.
 * @example
 * // One signalised crossing (node 0) entered from the west, east, south and north (nodes 1–4 → node 0 by links
 * // 0–3); the fields read here (buildDynNetwork makes whole DynNetworks):
 * const net = { numNodes: 5, numLinks: 4, nodeXM: Float64Array.of(0, -200, 200, 0, 0),
 *   nodeYM: Float64Array.of(0, 0, 0, -200, 200), nodeSignalized: Uint8Array.of(1, 0, 0, 0, 0),
 *   from: Int32Array.of(1, 2, 3, 4), to: Int32Array.of(0, 0, 0, 0), inStart: Int32Array.of(0, 4, 4, 4, 4, 4),
 *   inLinks: Int32Array.of(0, 1, 2, 3), capacityVehPerS: Float64Array.of(1, 1, 1, 1) };
 * const plan = buildSignalPlan(net, DEFAULT_SIGNALS);
 * const v = 0; plan.phaseGreenS[plan.phaseStart[v]] = 50; updateWindows(plan, net, v);
 * [plan.greenStartS, plan.greenEndS] // => [Float64Array.of(2, 2, 55, 55), Float64Array.of(52, 52, 97, 97)]
 */
export function updateWindows(plan: SignalPlan, net: DynNetwork, v: number): void {
  const o = plan.opts;
  const p0 = plan.phaseStart[v]!;
  const p1 = plan.phaseStart[v + 1]!;
  for (let k = net.inStart[v]!; k < net.inStart[v + 1]!; k++) {
    const a = net.inLinks[k]!;
    const p = plan.linkPhase[a]!;
    if (p < 0) continue;
    let start = 0;
    for (let q = p0; q < p; q++) start += plan.phaseGreenS[q]! + o.amberS;
    plan.greenStartS[a] = start + o.startupLostS;
    plan.greenEndS[a] = start + plan.phaseGreenS[p]! + o.greenExtensionS;
  }
  void p1;
}

/**
 * Share of the step [t, t+dt) during which link a (at its downstream node) has effective green; 1 if uncontrolled.
 * @example
 * // One signalised crossing (node 0) entered from the west, east, south and north (nodes 1–4 → node 0 by links
 * // 0–3); the fields read here (buildDynNetwork makes whole DynNetworks):
 * const net = { numNodes: 5, numLinks: 4, nodeXM: Float64Array.of(0, -200, 200, 0, 0),
 *   nodeYM: Float64Array.of(0, 0, 0, -200, 200), nodeSignalized: Uint8Array.of(1, 0, 0, 0, 0),
 *   from: Int32Array.of(1, 2, 3, 4), to: Int32Array.of(0, 0, 0, 0), inStart: Int32Array.of(0, 4, 4, 4, 4, 4),
 *   inLinks: Int32Array.of(0, 1, 2, 3), capacityVehPerS: Float64Array.of(1, 1, 1, 1) };
 * const plan = buildSignalPlan(net, DEFAULT_SIGNALS);
 * // Link 0's effective green ends at plan.greenEndS[0] s of the cycle: a step straddling it is half green.
 * const end = plan.greenEndS[0]; greenFraction(plan, 0, 0, end - 0.5, 1) // => 0.5
 * greenFraction(plan, 0, 1, end - 0.5, 1) // => 1
 */
export function greenFraction(plan: SignalPlan, a: number, node: number, t: number, dt: number): number {
  const c = plan.cycleS[node]!;
  if (c === 0 || plan.linkPhase[a]! < 0) return 1;
  return greenFractionAt(plan, a, cycleTime(plan, node, t), c, dt);
}

/**
 * Position of time t in node `node`'s signal cycle, s (0 ≤ tc < cycle); the node must be signalised.
 * @example
 * // One signalised crossing (node 0) entered from the west, east, south and north (nodes 1–4 → node 0 by links
 * // 0–3); the fields read here (buildDynNetwork makes whole DynNetworks):
 * const net = { numNodes: 5, numLinks: 4, nodeXM: Float64Array.of(0, -200, 200, 0, 0),
 *   nodeYM: Float64Array.of(0, 0, 0, -200, 200), nodeSignalized: Uint8Array.of(1, 0, 0, 0, 0),
 *   from: Int32Array.of(1, 2, 3, 4), to: Int32Array.of(0, 0, 0, 0), inStart: Int32Array.of(0, 4, 4, 4, 4, 4),
 *   inLinks: Int32Array.of(0, 1, 2, 3), capacityVehPerS: Float64Array.of(1, 1, 1, 1) };
 * const plan = buildSignalPlan(net, DEFAULT_SIGNALS);
 * // A 90 s cycle with offset 0:
 * cycleTime(plan, 0, 95) // => 5
 */
export function cycleTime(plan: SignalPlan, node: number, t: number): number {
  const c = plan.cycleS[node]!;
  let tc = (t - plan.offsetS[node]!) % c;
  if (tc < 0) tc += c;
  return tc;
}

/**
 * {@link greenFraction} from the cycle position tc = cycleTime(plan, node, t) and the cycle c of a's downstream node
 * (0 = uncontrolled → 1): the node model computes tc once per node and step instead of once per in-link (the float
 * modulo was a fifth of its time on the signalised grid). Same arithmetic, same result.
 * @example
 * // One signalised crossing (node 0) entered from the west, east, south and north (nodes 1–4 → node 0 by links
 * // 0–3); the fields read here (buildDynNetwork makes whole DynNetworks):
 * const net = { numNodes: 5, numLinks: 4, nodeXM: Float64Array.of(0, -200, 200, 0, 0),
 *   nodeYM: Float64Array.of(0, 0, 0, -200, 200), nodeSignalized: Uint8Array.of(1, 0, 0, 0, 0),
 *   from: Int32Array.of(1, 2, 3, 4), to: Int32Array.of(0, 0, 0, 0), inStart: Int32Array.of(0, 4, 4, 4, 4, 4),
 *   inLinks: Int32Array.of(0, 1, 2, 3), capacityVehPerS: Float64Array.of(1, 1, 1, 1) };
 * const plan = buildSignalPlan(net, DEFAULT_SIGNALS);
 * const a = 0; const v = 0; const t = 1000.5;
 * greenFractionAt(plan, a, cycleTime(plan, v, t), plan.cycleS[v], 1) === greenFraction(plan, a, v, t, 1) // => true
 */
export function greenFractionAt(plan: SignalPlan, a: number, tc: number, c: number, dt: number): number {
  if (c === 0 || plan.linkPhase[a]! < 0) return 1;
  const gs = plan.greenStartS[a]!;
  const ge = plan.greenEndS[a]!;
  const e = tc + dt;
  // Fast paths: the step lies wholly inside the green window (or its copy one cycle earlier).
  if ((tc >= gs && e <= ge) || (tc >= gs - c && e <= ge - c)) return 1;
  // The window repeats every cycle: add its overlap and that of its copies one cycle either side.
  let ov = 0;
  for (let k = -1; k <= 1; k++) {
    const s0 = gs + k * c;
    const s1 = ge + k * c;
    const lo = tc > s0 ? tc : s0;
    const hi = e < s1 ? e : s1;
    if (hi > lo) ov += hi - lo;
  }
  return ov >= dt ? 1 : ov / dt;
}

/**
 * Webster equisaturation re-split of node v's phase greens from measured demands `demandVeh[a]` (vehicles arriving
 * on each in-link during the last cycle) and saturation flows. Keeps the cycle and `minGreenS` per phase.
 * @example
 * // One signalised crossing (node 0) entered from the west, east, south and north (nodes 1–4 → node 0 by links
 * // 0–3); the fields read here (buildDynNetwork makes whole DynNetworks):
 * const net = { numNodes: 5, numLinks: 4, nodeXM: Float64Array.of(0, -200, 200, 0, 0),
 *   nodeYM: Float64Array.of(0, 0, 0, -200, 200), nodeSignalized: Uint8Array.of(1, 0, 0, 0, 0),
 *   from: Int32Array.of(1, 2, 3, 4), to: Int32Array.of(0, 0, 0, 0), inStart: Int32Array.of(0, 4, 4, 4, 4, 4),
 *   inLinks: Int32Array.of(0, 1, 2, 3), capacityVehPerS: Float64Array.of(1, 1, 1, 1) };
 * const plan = buildSignalPlan(net, DEFAULT_SIGNALS);
 * // 30 vehicles arrived on each west–east approach in the last cycle, 10 on each south–north one:
 * resplitWebster(plan, net, 0, Float64Array.of(30, 30, 10, 10)); plan.phaseGreenS // => Float64Array.of(58, 26)
 */
export function resplitWebster(plan: SignalPlan, net: DynNetwork, v: number, demandVeh: Float64Array): void {
  const o = plan.opts;
  const p0 = plan.phaseStart[v]!;
  const p1 = plan.phaseStart[v + 1]!;
  const nP = p1 - p0;
  if (nP < 2) return;
  const c = plan.cycleS[v]!;
  // y_p = critical flow ratio of phase p; scratch kept in the green array's sibling loop (nP is small, ≤ 8).
  let ySum = 0;
  const ys = scratchY(nP);
  for (let p = 0; p < nP; p++) ys[p] = 0;
  for (let k = net.inStart[v]!; k < net.inStart[v + 1]!; k++) {
    const a = net.inLinks[k]!;
    const p = plan.linkPhase[a]! - p0;
    if (p < 0) continue;
    const y = demandVeh[a]! / (net.capacityVehPerS[a]! * c);
    if (y > ys[p]!) ys[p] = y;
  }
  for (let p = 0; p < nP; p++) ySum += ys[p]!;
  if (!(ySum > 0)) return;
  const spare = c - nP * o.amberS - nP * o.minGreenS;
  if (spare <= 0) return;
  for (let p = 0; p < nP; p++) plan.phaseGreenS[p0 + p] = o.minGreenS + (spare * ys[p]!) / ySum;
  updateWindows(plan, net, v);
}

let yScratch = new Float64Array(8);
function scratchY(n: number): Float64Array {
  if (yScratch.length < n) yScratch = new Float64Array(n);
  return yScratch;
}
