/**
 * Static user-equilibrium assignment (Beckmann's convex program) by link-based Frank-Wolfe methods:
 *  - FW: LeBlanc, Morlok & Pierskalla (1975) — direction d = y − x (y = all-or-nothing flows at current costs);
 *  - CFW, BFW: Mitradjieva & Lindberg (2013), "The Stiff Is Moving — Conjugate Direction Frank-Wolfe Methods with
 *    Applications to Traffic Assignment", Transportation Science 47(2): the target point s_k is a combination of y
 *    and the previous target(s) made conjugate to the previous direction(s) with respect to the Hessian of the
 *    Beckmann objective, H = diag(dc_a/dv_a). Coefficient formulas as in AequilibraE's `linear_approximation.py`.
 * Step: exact line search λ* ∈ [0, 1] on the Beckmann objective, i.e. the root of
 *   g(λ) = Σ_a d_a · c_a(x_a + λ d_a)       (safeguarded Newton inside a bisection bracket).
 * Stop: relative gap  (Σ x·c(x) − Σ y·c(x)) / Σ x·c(x) ≤ target, evaluated for the flows that are returned.
 *
 * All-or-nothing loading is done per fixed block of origins into per-block buffers that are summed in block order,
 * so a worker pool (`pool.ts`) computing blocks in any order on any thread gives bit-identical results.
 */
import { allOrNothing, aonUnits, buildCsr, planAon, ShortestPaths, type AonPlan, type CsrGraph } from './graph.ts';
import { originBlocks, type Algorithm, type AssignResult, type IterationLog } from './assign-result.ts';
import { assignBush } from './bush.ts';
import { beckmann, bprPowers, linkCostDerivatives, linkCosts, type Demand, type Network } from './network.ts';

export interface AssignOptions {
  algorithm?: Algorithm;
  /** Stop when the relative gap is at or below this. Default 1e-5. */
  targetGap?: number;
  /** Maximum number of all-or-nothing loadings (iterations). Default 1000. */
  maxIterations?: number;
  /** Number of origin blocks for all-or-nothing loading (fixes the summation order). Default min(zones, 16). */
  blocks?: number;
  /** Called after every iteration (for logs). */
  onIteration?: (it: IterationLog) => void;
  /** Keep the per-iteration log in the result. Default true. */
  keepLog?: boolean;
  /**
   * Keep link flows per origin (numZones × numLinks doubles, three copies) so routes can be recovered per OD pair
   * (`routes.ts`). Single-thread `assign()` only.
   */
  trackOrigins?: boolean;
  /** Warm start from these link flows (must be feasible, e.g. a previous result for the same demand). */
  initialFlow?: Float64Array;
}

/** How to run the all-or-nothing step: fill `blockFlows[b]` (zeroed by the caller) for every block. */
export interface AonRunner {
  blocks: number;
  /** Origin range of block b is [blockStart[b], blockStart[b+1]). */
  blockStart: Int32Array;
}

/**
 * The state of one Frank-Wolfe-family run, advanced one all-or-nothing result at a time. The sync (`assign`) and the
 * pool (`assignParallel`) drivers feed it the same y and therefore produce identical results.
 */
export class EquilibriumState {
  readonly net: Network;
  readonly demand: Demand;
  readonly algorithm: Algorithm;
  readonly targetGap: number;
  readonly maxIterations: number;
  readonly log: IterationLog[] = [];
  /** Current flows x. */
  readonly x: Float64Array;
  /** Costs at the current flows (free-flow before the first iteration). */
  readonly cost: Float64Array;
  iteration = 0;
  relativeGap = NaN;
  sptt = NaN;
  done = false;
  converged = false;
  private readonly s: Float64Array;
  private readonly sPrev: Float64Array;
  private readonly dir: Float64Array;
  private readonly der: Float64Array;
  /** Per-origin flows, targets and previous targets (origin-major, nz × m) when `trackOrigins` is on. */
  readonly xo: Float64Array | null = null;
  private readonly so: Float64Array | null = null;
  private readonly spo: Float64Array | null = null;
  private prevStep = 1;
  /** 0 = next direction FW, 1 = CFW, 2 = BFW. */
  private conjugateLevel = 0;
  private readonly keepLog: boolean;
  private readonly onIteration: ((it: IterationLog) => void) | undefined;
  private hasFlows = false;

  constructor(net: Network, demand: Demand, opts: AssignOptions = {}) {
    this.net = net;
    this.demand = demand;
    this.algorithm = opts.algorithm ?? 'bfw';
    if (this.algorithm === 'b')
      throw new Error("algorithm 'b' (Algorithm B) is solved by assignBush (bush.ts), not the Frank-Wolfe state");
    this.targetGap = opts.targetGap ?? 1e-5;
    this.maxIterations = opts.maxIterations ?? 1000;
    this.keepLog = opts.keepLog ?? true;
    this.onIteration = opts.onIteration;
    const m = net.numLinks;
    this.x = new Float64Array(m);
    this.cost = new Float64Array(m);
    this.s = new Float64Array(m);
    this.sPrev = new Float64Array(m);
    this.dir = new Float64Array(m);
    this.der = new Float64Array(m);
    if (opts.trackOrigins) {
      if (opts.initialFlow) throw new Error('trackOrigins cannot start from initialFlow (per-origin flows unknown)');
      const n = net.numZones * m;
      this.xo = new Float64Array(n);
      this.so = new Float64Array(n);
      this.spo = new Float64Array(n);
    }
    if (opts.initialFlow) {
      if (opts.initialFlow.length !== m)
        throw new Error(`initialFlow has ${opts.initialFlow.length} links, network has ${m}`);
      this.x.set(opts.initialFlow);
      this.hasFlows = true;
    }
    linkCosts(net, this.x, this.cost);
  }

  /**
   * Feed the all-or-nothing flows y at the current costs (and, when tracking origins, the per-origin AON flows
   * `yOrigin[o·m + a]`). Updates x and costs; sets `done` when converged or out of iterations.
   */
  update(y: Float64Array, yOrigin?: Float64Array): void {
    if (this.done) return;
    const m = this.net.numLinks;
    const x = this.x;
    const c = this.cost;
    this.iteration++;
    let direction: IterationLog['direction'] = 'aon';
    let step = 1;
    let objective = NaN;
    let tstt = NaN;
    if (!this.hasFlows) {
      x.set(y);
      if (this.xo && yOrigin) this.xo.set(yOrigin);
      this.hasFlows = true;
      this.conjugateLevel = 0;
    } else {
      let xc = 0;
      let yc = 0;
      for (let a = 0; a < m; a++) {
        xc += x[a]! * c[a]!;
        yc += y[a]! * c[a]!;
      }
      tstt = xc;
      this.sptt = yc;
      this.relativeGap = xc > 0 ? (xc - yc) / xc : 0;
      objective = beckmann(this.net, x);
      if (this.relativeGap <= this.targetGap) {
        this.converged = true;
        this.done = true;
        this.record({
          iteration: this.iteration,
          relativeGap: this.relativeGap,
          objective,
          tstt,
          stepSize: 0,
          direction: 'fw',
        });
        return;
      }
      direction = this.direction(y);
      step = this.lineSearch();
      if (direction !== 'fw' && !(step > 0)) {
        // Conjugate direction gave no descent: fall back to plain FW for this iteration (AequilibraE does the same).
        this.conjugateLevel = 0;
        direction = this.direction(y);
        step = this.lineSearch();
      }
      if (!(step > 0)) {
        // Not strictly convex along d (e.g. all-B=0 links): take a small MSA-like step so x still moves.
        step = 1e-2 / this.iteration;
      }
      const d = this.dir;
      for (let a = 0; a < m; a++) x[a]! += step * d[a]!;
      // Commit the target point: s_{k−1} becomes sPrev, s_k = b0·y + b1·s + b2·sPrev.
      const [b0, b1, b2] = this.coef;
      commitTarget(this.s, this.sPrev, y, b0, b1, b2, null, 0, m);
      if (this.xo && this.so && this.spo && yOrigin) {
        const nz = this.net.numZones;
        for (let o = 0; o < nz; o++) commitTarget(this.so, this.spo, yOrigin, b0, b1, b2, this.xo, step, m, o * m);
      }
      this.prevStep = step;
      // A full step lands on s: conjugacy information is lost, restart with FW.
      if (step >= 1 - 1e-12 || this.algorithm === 'fw') this.conjugateLevel = 0;
      else this.conjugateLevel = Math.min(this.conjugateLevel + 1, this.algorithm === 'cfw' ? 1 : 2);
    }
    linkCosts(this.net, x, c);
    this.record({
      iteration: this.iteration,
      relativeGap: this.relativeGap,
      objective,
      tstt,
      stepSize: step,
      direction,
    });
    if (this.iteration >= this.maxIterations) this.done = true;
  }

  private record(it: IterationLog): void {
    if (this.keepLog) this.log.push(it);
    this.onIteration?.(it);
  }

  /** Coefficients of the target point chosen by `direction`: s_k = c0·y + c1·s_{k−1} + c2·s_{k−2}. */
  private coef: [number, number, number] = [1, 0, 0];

  /**
   * Choose the target point s_k = c0·y + c1·s_{k−1} + c2·s_{k−2} (without committing it) and set d = s_k − x.
   */
  private direction(y: Float64Array): 'fw' | 'cfw' | 'bfw' {
    const m = this.net.numLinks;
    const x = this.x;
    const s = this.s;
    const sp = this.sPrev;
    const d = this.dir;
    let kind: 'fw' | 'cfw' | 'bfw' = 'fw';
    let c0 = 1;
    let c1 = 0;
    let c2 = 0;
    if (this.conjugateLevel > 0) {
      const h = linkCostDerivatives(this.net, x, this.der);
      if (this.conjugateLevel === 1) {
        // CFW: α = (s−x)ᵀH(y−x) / (s−x)ᵀH(y−s), clamped to [0, 1−1e-5].
        let num = 0;
        let den = 0;
        for (let a = 0; a < m; a++) {
          const sx = s[a]! - x[a]!;
          num += sx * h[a]! * (y[a]! - x[a]!);
          den += sx * h[a]! * (y[a]! - s[a]!);
        }
        let alpha = den !== 0 ? num / den : 0;
        if (!(alpha > 0)) alpha = 0;
        else if (alpha > 0.99999) alpha = 0.99999;
        c0 = 1 - alpha;
        c1 = alpha;
        kind = 'cfw';
      } else {
        // BFW: s_k = β0·y + β1·s_{k−1} + β2·s_{k−2}.
        const tau = this.prevStep;
        let muNum = 0;
        let muDen = 0;
        let nuNum = 0;
        let nuDen = 0;
        for (let a = 0; a < m; a++) {
          const ha = h[a]!;
          if (ha === 0) continue;
          const xa = x[a]!;
          const xbar = tau * s[a]! + (1 - tau) * sp[a]! - xa;
          const yx = y[a]! - xa;
          const w = sp[a]! - s[a]!;
          const z = s[a]! - xa;
          muNum += xbar * ha * yx;
          muDen += xbar * ha * w;
          nuNum += z * ha * yx;
          nuDen += z * ha * z;
        }
        let mu = muDen !== 0 ? -muNum / muDen : 0;
        if (!(mu > 0)) mu = 0;
        let nu = nuDen !== 0 ? -nuNum / nuDen + (mu * tau) / (1 - tau) : 0;
        if (!(nu > 0)) nu = 0;
        c0 = 1 / (1 + mu + nu);
        c1 = nu * c0;
        c2 = mu * c0;
        kind = 'bfw';
      }
    }
    this.coef = [c0, c1, c2];
    for (let a = 0; a < m; a++) d[a] = c0 * y[a]! + c1 * s[a]! + c2 * sp[a]! - x[a]!;
    return kind;
  }

  /**
   * Exact line search: root of g(λ) = Σ d·c(x+λd) on [0, 1] (g is non-decreasing because Z is convex).
   * Safeguarded Newton: Newton steps with g' = Σ d²·c'(x+λd), bisection whenever Newton leaves the bracket.
   */
  private lineSearch(): number {
    const g0 = this.slope(0);
    if (!(g0 < 0)) return 0;
    const g1 = this.slope(1);
    if (g1 <= 0) return 1;
    let lo = 0;
    let hi = 1;
    // Start from the secant root of the bracket: good for the near-linear g of FW steps.
    let lam = g0 / (g0 - g1);
    const tol = 1e-13 * Math.max(Math.abs(g0), Math.abs(g1));
    for (let k = 0; k < 100; k++) {
      const g = this.slope(lam);
      if (Math.abs(g) <= tol) return lam;
      if (g < 0) lo = lam;
      else hi = lam;
      if (hi - lo < 1e-15) return 0.5 * (lo + hi);
      const gp = this.lastSlopeDerivative;
      let next = gp > 0 ? lam - g / gp : NaN;
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      lam = next;
    }
    return 0.5 * (lo + hi);
  }

  private lastSlopeDerivative = 0;
  /** Scratch for bprPowers. */
  private readonly pw = new Float64Array(2);

  /** g(λ) = Σ d·c(x+λd); also stores g'(λ) in lastSlopeDerivative. Allocation-free. */
  private slope(lam: number): number {
    const { fft, b, power, capacity, fixedCost, numLinks } = this.net;
    const x = this.x;
    const d = this.dir;
    const pw = this.pw;
    let g = 0;
    let gp = 0;
    for (let a = 0; a < numLinks; a++) {
      const da = d[a]!;
      if (da === 0) continue;
      const v = x[a]! + lam * da;
      const cap = capacity[a]!;
      const p = power[a]!;
      const r = v / cap;
      const bf = b[a]! * fft[a]!;
      bprPowers(r, p, pw);
      const rp = pw[0]!;
      const rp1 = pw[1]!; // r^(p−1)
      g += da * (fft[a]! + bf * rp + fixedCost[a]!);
      if (p > 0 && v > 0) gp += da * da * ((bf * p * rp1) / cap);
    }
    this.lastSlopeDerivative = gp;
    return g;
  }

  /** Package the state as a result. */
  result(elapsedMs: number): AssignResult {
    const tstt = dot(this.x, this.cost);
    return {
      flow: this.x,
      cost: this.cost,
      relativeGap: this.relativeGap,
      averageExcessCost: this.demand.total > 0 ? (tstt - this.sptt) / this.demand.total : 0,
      objective: beckmann(this.net, this.x),
      tstt,
      sptt: this.sptt,
      iterations: this.iteration,
      converged: this.converged,
      algorithm: this.algorithm,
      log: this.log,
      elapsedMs,
      ...(this.xo ? { originFlow: this.xo } : {}),
    };
  }
}

/**
 * sNew = b0·y + b1·s + b2·sp over [off, off+m); then sp ← s, s ← sNew, and if x is given x += step·(sNew − x).
 */
function commitTarget(
  s: Float64Array,
  sp: Float64Array,
  y: Float64Array,
  b0: number,
  b1: number,
  b2: number,
  x: Float64Array | null,
  step: number,
  m: number,
  off = 0,
): void {
  for (let i = off; i < off + m; i++) {
    const v = b0 * y[i]! + b1 * s[i]! + b2 * sp[i]!;
    sp[i] = s[i]!;
    s[i] = v;
    if (x) x[i]! += step * (v - x[i]!);
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Single-thread all-or-nothing by blocks of work units (tree-sharing origin groups, `planAon`): each block into its
 * own zeroed buffer, then summed in block order. This is the arithmetic the pool reproduces exactly.
 * @example
 * import { buildCsr, planAon, ShortestPaths } from './graph.ts';
 * import { originBlocks } from './assign-result.ts';
 * // Three centroids (nodes 0–2), each linked to and from road node 3 (links 0–2 in, 3–5 out); one trip per OD pair.
 * const net = { numNodes: 4, numLinks: 6, numZones: 3, zoneNode: Int32Array.of(0, 1, 2),
 *   noThrough: Uint8Array.of(1, 1, 1, 0), from: Int32Array.of(0, 1, 2, 3, 3, 3), to: Int32Array.of(3, 3, 3, 0, 1, 2) };
 * const g = buildCsr(net); const sp = new ShortestPaths(g); sp.setCosts(new Float64Array(6).fill(1));
 * const plan = planAon(g); const blocks = originBlocks(plan.numUnits, 16);
 * const bufs = [new Float64Array(6)]; const y = new Float64Array(6);
 * const od = Float64Array.of(0, 1, 1, 1, 0, 1, 1, 1, 0);
 * aonByBlocks(sp, plan, od, blocks, bufs, y); y // => Float64Array.of(2, 2, 2, 2, 2, 2)
 */
export function aonByBlocks(
  sp: ShortestPaths,
  plan: AonPlan,
  od: ArrayLike<number>,
  blockStart: Int32Array,
  blockFlows: Float64Array[],
  y: Float64Array,
): void {
  const nb = blockStart.length - 1;
  for (let b = 0; b < nb; b++) {
    const buf = blockFlows[b]!;
    buf.fill(0);
    aonUnits(sp, plan, od, blockStart[b]!, blockStart[b + 1]!, buf);
  }
  sumBlocks(blockFlows, nb, y);
}

/**
 * y = Σ_b blockFlows[b], in block order (deterministic), from an array of buffers or one strided buffer.
 * @example
 * const y = new Float64Array(2);
 * sumBlocks([Float64Array.of(1, 2), Float64Array.of(10, 20)], 2, y); y // => Float64Array.of(11, 22)
 * // The same from one strided buffer (block b at b·stride):
 * sumBlocks(Float64Array.of(1, 2, 10, 20), 2, y); y // => Float64Array.of(11, 22)
 */
export function sumBlocks(
  blockFlows: ArrayLike<number>[] | Float64Array,
  nb: number,
  y: Float64Array,
  stride = y.length,
): void {
  const m = y.length;
  if (Array.isArray(blockFlows)) {
    y.set(blockFlows[0] as Float64Array);
    for (let b = 1; b < nb; b++) {
      const buf = blockFlows[b]!;
      for (let a = 0; a < m; a++) y[a]! += buf[a]!;
    }
  } else {
    const all = blockFlows as Float64Array;
    for (let a = 0; a < m; a++) y[a] = all[a]!;
    for (let b = 1; b < nb; b++) {
      const off = b * stride;
      for (let a = 0; a < m; a++) y[a]! += all[off + a]!;
    }
  }
}

/**
 * Solve the static user equilibrium on one thread.
 * @example
 * // Zone 0 → zone 1 (nodes 0 and 1) by a fast route through node 2 (links 0→2, 2→1: 5 min, 1000 veh/h each) or
 * // a slow direct link (12 min, 500 veh/h); parseTntpNet or loadTrafficInputs make such Networks from files.
 * const net = { name: 'two-routes', numNodes: 3, numLinks: 3, numZones: 2, nodeIds: Int32Array.of(1, 2, 3),
 *   zoneNode: Int32Array.of(0, 1), noThrough: new Uint8Array(3), from: Int32Array.of(0, 2, 0),
 *   to: Int32Array.of(2, 1, 1), capacity: Float64Array.of(1000, 1000, 500), length: Float64Array.of(5, 5, 12),
 *   fft: Float64Array.of(5, 5, 12),
 *   b: Float64Array.of(0.15, 0.15, 0.15), power: Float64Array.of(4, 4, 4), toll: new Float64Array(3),
 *   fixedCost: new Float64Array(3), tollFactor: 0, distanceFactor: 0 };
 * const demand = { numZones: 2, od: Float64Array.of(0, 1500, 0, 0), total: 1500, intrazonal: 0 };
 * const r = assign(net, demand, { algorithm: 'bfw', targetGap: 1e-5 });
 * [r.converged, r.relativeGap <= 1e-5] // => [true, true]
 * // At equilibrium both routes take the same time:
 * Array.from(r.flow, (v) => v.toFixed(0)) // => ['1137', '1137', '363']
 * [(r.cost[0] + r.cost[1]).toFixed(3), r.cost[2].toFixed(3)] // => ['12.503', '12.503']
 */
export function assign(net: Network, demand: Demand, opts: AssignOptions = {}, graph?: CsrGraph): AssignResult {
  if (opts.algorithm === 'b') {
    if (opts.initialFlow || opts.trackOrigins)
      throw new Error("algorithm 'b' supports neither initialFlow nor trackOrigins");
    return assignBush(net, demand, opts, graph);
  }
  const t0 = performance.now();
  const g = graph ?? buildCsr(net);
  if (demand.numZones !== net.numZones) throw new Error(`demand has ${demand.numZones} zones, network ${net.numZones}`);
  const sp = new ShortestPaths(g);
  const state = new EquilibriumState(net, demand, opts);
  // Tracking origins needs one tree per origin; otherwise origins sharing a tree are loaded together.
  const plan = planAon(g);
  const blockStart = originBlocks(opts.trackOrigins ? net.numZones : plan.numUnits, opts.blocks ?? 16);
  const nb = blockStart.length - 1;
  const bufs = Array.from({ length: nb }, () => new Float64Array(net.numLinks));
  const y = new Float64Array(net.numLinks);
  const m = net.numLinks;
  const yOrigin = opts.trackOrigins ? new Float64Array(net.numZones * m) : undefined;
  while (!state.done) {
    sp.setCosts(state.cost);
    if (yOrigin) {
      // Per-origin AON (a tree per origin); each block buffer is the in-order sum of its origins.
      yOrigin.fill(0);
      for (let b = 0; b < nb; b++) {
        const buf = bufs[b]!;
        buf.fill(0);
        for (let o = blockStart[b]!; o < blockStart[b + 1]!; o++) {
          const yo = yOrigin.subarray(o * m, (o + 1) * m);
          allOrNothing(sp, demand.od, o, o + 1, yo);
          for (let a = 0; a < m; a++) buf[a]! += yo[a]!;
        }
      }
      sumBlocks(bufs, nb, y);
    } else aonByBlocks(sp, plan, demand.od, blockStart, bufs, y);
    state.update(y, yOrigin);
  }
  return state.result(performance.now() - t0);
}
