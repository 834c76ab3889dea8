/**
 * Static user equilibrium by Dial's Algorithm B (Dial 2006, "A path-based user-equilibrium traffic assignment
 * algorithm that obviates path storage and enumeration", Transportation Research B 40(10), 917-936), in the
 * bush form described by Nie (2010, "A class of bush-based algorithms for the traffic assignment problem", TR-B 44(1)).
 *
 * Each origin (a tree-sharing unit of `planAon`: zones whose single connector leads to the same node share one root)
 * keeps a *bush*: an acyclic subnetwork rooted at the origin that carries all of its demand, with per-link origin
 * flows. One outer iteration visits every origin in a fixed order (Gauss-Seidel: link costs are updated after every
 * flow shift) and
 *  1. improves its bush: drops links without origin flow (except those on the bush's shortest-path tree, which keep
 *     every node reachable) and adds every link (i, j) with U_i + c_ij < U_j, U = longest-path labels over the bush
 *     (Dial's rule: every bush link has U_j ≥ U_i + c_ij and added ones U_i < U_j, so the bush stays acyclic), plus
 *     every shortcut L_i + c_ij < L_j of the bush's shortest paths that cannot close a cycle (forward in the current
 *     topological order, or its head does not reach its tail) — Dial's rule alone stalled on the Zibo network;
 *  2. equilibrates it `innerIterations` times: with L (shortest) and U (longest *used*) labels in topological order,
 *     for each node j (last first) whose longest used path is dearer than its shortest, the two paths' segments from
 *     their last common node to j get a Newton flow shift
 *       Δ = min( min flow on the long segment, (c_long − c_short) / Σ_segments dc_a/dv_a ),
 *     moved from the long to the short segment (segment costs and derivatives read at the current flows).
 * The relative gap (Σ v·c − Σ D·SP) / Σ v·c, with SP from full-network shortest-path trees, is evaluated after every
 * outer iteration for the flows that are returned — the same definition as the Frank-Wolfe family (`assign.ts`).
 *
 * Why: link-based FW methods tail off near gap 1e-5 (BFW needs 100-400 iterations on Chicago-size networks); bush
 * methods converge to any precision in tens of sweeps, each costing about one all-or-nothing pass.
 * Memory: units × links × 13 bytes (bush flags, flows and slot lists), ≈ 11 MB on ChicagoSketch; not meant for regional networks
 * with thousands of zones and tens of thousands of links (use BFW there).
 * Deterministic: a fixed origin order and fixed arithmetic; no threads involved.
 */
import { originBlocks, type AssignResult, type IterationLog } from './assign-result.ts';
import { buildCsr, planAon, ShortestPaths, spttUnits, type CsrGraph } from './graph.ts';
import { beckmann, bprPowers, type Demand, type Network } from './network.ts';

export interface BushOptions {
  /** Stop when the relative gap is at or below this. Default 1e-5. */
  targetGap?: number;
  /** Maximum number of outer iterations (sweeps over all origins). Default 500. */
  maxIterations?: number;
  /** Flow-shifting passes per origin and outer iteration. Default 1 (2 or 3 save a sweep or two but cost more: 1.57 vs 1.90 / 1.97 s CPU on the Chicago-size bench network). */
  innerIterations?: number;
  /** Called after every gap evaluation (for logs). */
  onIteration?: (it: IterationLog) => void;
  /** Keep the per-iteration log in the result. Default true. */
  keepLog?: boolean;
}

/**
 * Solve the static user equilibrium with Algorithm B on one thread.
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
 * const r = assignBush(net, demand, { targetGap: 1e-6 });
 * [r.algorithm, r.converged, r.relativeGap <= 1e-6] // => ['b', true, true]
 * Array.from(r.flow, (v) => v.toFixed(0)) // => ['1137', '1137', '363']
 */
export function assignBush(net: Network, demand: Demand, opts: BushOptions = {}, graph?: CsrGraph): AssignResult {
  const t0 = performance.now();
  const g = graph ?? buildCsr(net);
  if (demand.numZones !== net.numZones) throw new Error(`demand has ${demand.numZones} zones, network ${net.numZones}`);
  const solver = new BushSolver(net, demand, g, opts.innerIterations ?? 1);
  const run = new BushRun(solver, opts);
  solver.initialise();
  for (;;) {
    const e = solver.evaluate();
    if (run.record(e.tstt, e.sptt)) break;
    solver.sweep();
  }
  return run.result(performance.now() - t0);
}

/**
 * Iteration bookkeeping shared by the single-thread and the pool driver (`assignBushParallel`), so both stop at the
 * same iteration with the same numbers.
 */
export class BushRun {
  readonly targetGap: number;
  readonly maxIterations: number;
  readonly log: IterationLog[] = [];
  iteration = 0;
  converged = false;
  private readonly keepLog: boolean;
  private last = { relativeGap: NaN, tstt: NaN, sptt: NaN, objective: NaN };

  constructor(
    readonly solver: BushSolver,
    private readonly opts: BushOptions,
  ) {
    this.targetGap = opts.targetGap ?? 1e-5;
    this.maxIterations = opts.maxIterations ?? 500;
    this.keepLog = opts.keepLog ?? true;
  }

  /** Record the evaluation of the flows in the solver's last snapshot; true when the run is over. */
  record(tstt: number, sptt: number): boolean {
    this.iteration++;
    const gap = relativeGap(tstt, sptt);
    const objective = beckmann(this.solver.net, this.solver.linkFlow);
    this.last = { relativeGap: gap, tstt, sptt, objective };
    const it: IterationLog = {
      iteration: this.iteration,
      relativeGap: gap,
      objective,
      tstt,
      stepSize: NaN,
      direction: 'bush',
    };
    if (this.keepLog) this.log.push(it);
    this.opts.onIteration?.(it);
    if (gap <= this.targetGap) this.converged = true;
    return this.converged || this.iteration >= this.maxIterations;
  }

  /** The snapshot's flows and costs as an assignment result. */
  result(elapsedMs: number): AssignResult {
    const { relativeGap, tstt, sptt, objective } = this.last;
    const total = this.solver.demand.total;
    return {
      flow: Float64Array.from(this.solver.linkFlow),
      cost: Float64Array.from(this.solver.linkCost),
      relativeGap,
      averageExcessCost: total > 0 ? (tstt - sptt) / total : 0,
      objective,
      tstt,
      sptt,
      iterations: this.iteration,
      converged: this.converged,
      algorithm: 'b',
      log: this.log,
      elapsedMs,
    };
  }
}

/** (Σ v·c − Σ D·SP) / Σ v·c, 0 without flow. */
export function relativeGap(tstt: number, sptt: number): number {
  return tstt > 0 ? (tstt - sptt) / tstt : 0;
}

/**
 * The bushes and flows of one Algorithm B run. Internally every link array is in CSR slot order (out-links of a node
 * next to each other) so label passes and segment walks touch contiguous memory.
 */
export class BushSolver {
  readonly net: Network;
  private readonly g: CsrGraph;
  readonly demand: Demand;
  private readonly inner: number;
  private readonly n: number;
  private readonly m: number;
  /** Tail node of each slot. */
  private readonly tail: Int32Array;
  /** CSR slot of each network link. */
  private readonly slotOfLink: Int32Array;
  private readonly sFft: Float64Array;
  private readonly sB: Float64Array;
  private readonly sPow: Float64Array;
  private readonly sCap: Float64Array;
  private readonly sFix: Float64Array;
  /** Total flow, cost and cost derivative per slot. */
  private readonly x: Float64Array;
  private readonly c: Float64Array;
  private readonly cp: Float64Array;
  /** Active units (with demand): root node, and demand per node (unit-major, numActive × n). */
  private readonly roots: Int32Array;
  private readonly destDemand: Float64Array;
  private readonly numActive: number;
  /** Bush membership and origin flow per unit and slot (unit-major). */
  private readonly inBush: Uint8Array;
  private readonly bushFlow: Float64Array;
  /**
   * Each bush also as a compact slot list (ascending, so grouped by tail node): slots of node i in bush k are
   * bList[k·m + bFirst[k·(n+1) + i] .. k·m + bFirst[k·(n+1) + i + 1]). Label passes walk ~1/3 of the slots this way
   * and test no membership flag (a flag test per slot mispredicts about half the time).
   */
  private readonly bList: Int32Array;
  private readonly bFirst: Int32Array;
  /** Topological order of each bush (k·n ..), its length, and each node's position in it. */
  private readonly bOrder: Int32Array;
  private readonly bOrderCount: Int32Array;
  private readonly bPos: Int32Array;
  // Per-origin workspaces (n).
  private readonly indeg: Int32Array;
  private readonly seen: Int32Array;
  private readonly stack: Int32Array;
  private seenStamp = 0;
  /** Scratch for bprPowers. */
  private readonly pw = new Float64Array(2);
  /** Links added by the shortcut rule in the current bush update (m). */
  private readonly extra: Int32Array;
  private readonly L: Float64Array;
  private readonly U: Float64Array;
  private readonly minPred: Int32Array;
  private readonly maxPred: Int32Array;
  // Gap evaluation.
  private readonly sp: ShortestPaths;
  readonly plan: ReturnType<typeof planAon>;
  private readonly cLink: Float64Array;
  /** Origin blocks (of plan units) for the gap's Σ D·SP, as the pool splits them. */
  readonly blockStart: Int32Array;
  /** Link flows and costs in network order (refreshed by `snapshot`/`evaluate`). */
  readonly linkFlow: Float64Array;
  readonly linkCost: Float64Array;

  constructor(net: Network, demand: Demand, g: CsrGraph, innerIterations: number) {
    this.net = net;
    this.g = g;
    this.demand = demand;
    this.inner = innerIterations;
    const n = (this.n = g.numNodes);
    const m = (this.m = g.numLinks);
    this.tail = new Int32Array(m);
    for (let u = 0; u < n; u++) for (let s = g.firstOut[u]!; s < g.firstOut[u + 1]!; s++) this.tail[s] = u;
    this.slotOfLink = new Int32Array(m);
    this.sFft = new Float64Array(m);
    this.sB = new Float64Array(m);
    this.sPow = new Float64Array(m);
    this.sCap = new Float64Array(m);
    this.sFix = new Float64Array(m);
    for (let s = 0; s < m; s++) {
      const a = g.link[s]!;
      this.slotOfLink[a] = s;
      this.sFft[s] = net.fft[a]!;
      this.sB[s] = net.b[a]!;
      this.sPow[s] = net.power[a]!;
      this.sCap[s] = net.capacity[a]!;
      this.sFix[s] = net.fixedCost[a]!;
    }
    this.x = new Float64Array(m);
    this.c = new Float64Array(m);
    this.cp = new Float64Array(m);
    // Units of planAon: zones whose only connector leads to node r share the bush rooted at r; the connector carries
    // the zone's whole row and is not part of any bush (its tail may not be passed through).
    const plan = (this.plan = planAon(g));
    const nz = g.numZones;
    const od = demand.od;
    const roots: number[] = [];
    const dd: Float64Array[] = [];
    for (let u = 0; u < plan.numUnits; u++) {
      const row = new Float64Array(n);
      let any = false;
      for (let k = plan.unitStart[u]!; k < plan.unitStart[u + 1]!; k++) {
        const z = plan.unitZones[k]!;
        let total = 0;
        for (let d = 0; d < nz; d++) {
          if (d === z) continue;
          const q = od[z * nz + d]!;
          if (q === 0) continue;
          row[g.zoneNode[d]!]! += q;
          total += q;
        }
        const slot = plan.zoneConnSlot[z]!;
        if (slot >= 0) this.x[slot]! += total;
        if (total > 0) any = true;
      }
      if (!any) continue;
      row[plan.unitRoot[u]!] = 0; // demand that ends at the root is carried by the connector alone
      roots.push(plan.unitRoot[u]!);
      dd.push(row);
    }
    this.numActive = roots.length;
    this.roots = Int32Array.from(roots);
    this.destDemand = new Float64Array(this.numActive * n);
    dd.forEach((row, i) => this.destDemand.set(row, i * n));
    this.inBush = new Uint8Array(this.numActive * m);
    this.bushFlow = new Float64Array(this.numActive * m);
    this.bList = new Int32Array(this.numActive * m);
    this.bFirst = new Int32Array(this.numActive * (n + 1));
    this.bOrder = new Int32Array(this.numActive * n);
    this.bOrderCount = new Int32Array(this.numActive);
    this.bPos = new Int32Array(this.numActive * n);
    this.indeg = new Int32Array(n);
    this.extra = new Int32Array(m);
    this.seen = new Int32Array(n);
    this.stack = new Int32Array(n);
    this.L = new Float64Array(n);
    this.U = new Float64Array(n);
    this.minPred = new Int32Array(n);
    this.maxPred = new Int32Array(n);
    this.sp = new ShortestPaths(g);
    this.cLink = new Float64Array(m);
    this.linkFlow = new Float64Array(m);
    this.linkCost = new Float64Array(m);
    this.blockStart = originBlocks(plan.numUnits, 16);
    for (let s = 0; s < m; s++) this.updateCost(s);
  }

  /**
   * Check the invariants of every bush (for tests): acyclic (the topological order covers every node a bush link
   * touches), origin flow only on bush links and never negative, flow conservation at every node (demand ends where
   * it should), no bush link out of a zone that may not be passed through, and total link flow = Σ origin flows +
   * connector flows. Returns the first violation found, or null.
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
   * // Its CSR graph (what buildCsr(net) of graph.ts returns): node 0's out-links 0 → 2, 0 → 1, node 2's 2 → 1.
   * const g = { numNodes: 3, numLinks: 3, firstOut: Int32Array.of(0, 2, 2, 3), head: Int32Array.of(2, 1, 1),
   *   link: Int32Array.of(0, 2, 1), noThrough: new Uint8Array(3), zoneNode: Int32Array.of(0, 1), numZones: 2 };
   * const solver = new BushSolver(net, demand, g, 1); solver.initialise();
   * solver.sweep(); solver.checkInvariants() // => null
   * // Relative gap after that one sweep (assignBush sweeps until it reaches the target):
   * const e = solver.evaluate(); ((e.tstt - e.sptt) / e.tstt).toFixed(4) // => '0.0743'
   */
  checkInvariants(tolerance = 1e-6): string | null {
    const { n, m, g } = this;
    const head = g.head;
    const total = new Float64Array(m);
    const balance = new Float64Array(n);
    for (let k = 0; k < this.numActive; k++) {
      const off = k * m;
      const oo = k * n;
      const r = this.roots[k]!;
      const inOrder = new Uint8Array(n);
      for (let t = 0; t < this.bOrderCount[k]!; t++) inOrder[this.bOrder[oo + t]!] = 1;
      balance.fill(0);
      let supply = 0;
      for (let s = 0; s < m; s++) {
        const f = this.bushFlow[off + s]!;
        total[s]! += f;
        if (this.inBush[off + s] === 0) {
          if (f !== 0) return `bush ${k}: flow ${f} on slot ${s} outside the bush`;
          continue;
        }
        const i = this.tail[s]!;
        if (!inOrder[i] || !inOrder[head[s]!]) return `bush ${k}: slot ${s} not in the topological order (cycle?)`;
        if (g.noThrough[i] === 1 && i !== r) return `bush ${k}: slot ${s} leaves a zone that may not be passed through`;
        if (!(f >= 0)) return `bush ${k}: negative flow ${f} on slot ${s}`;
        balance[head[s]!]! += f;
        balance[i]! -= f;
      }
      for (let v = 0; v < n; v++) supply += this.destDemand[oo + v]!;
      for (let v = 0; v < n; v++) {
        const want = v === r ? -supply : this.destDemand[oo + v]!;
        if (Math.abs(balance[v]! - want) > tolerance * Math.max(1, supply))
          return `bush ${k}: node ${v} nets ${balance[v]} but its demand is ${want}`;
      }
    }
    const plan = this.plan;
    const nz = g.numZones;
    for (let z = 0; z < nz; z++) {
      const slot = plan.zoneConnSlot[z]!;
      if (slot < 0) continue;
      for (let d = 0; d < nz; d++) if (d !== z) total[slot]! += this.demand.od[z * nz + d]!;
    }
    for (let s = 0; s < m; s++) {
      if (Math.abs(total[s]! - this.x[s]!) > tolerance * Math.max(1, this.x[s]!))
        return `slot ${s}: link flow ${this.x[s]} but origins sum to ${total[s]}`;
    }
    return null;
  }

  /** Cost and derivative of slot s at its current flow (BPR; power 4 by multiplication). */
  private updateCost(s: number): void {
    const v = this.x[s]!;
    const cap = this.sCap[s]!;
    const p = this.sPow[s]!;
    const bf = this.sB[s]! * this.sFft[s]!;
    const r = v / cap;
    const pw = this.pw;
    bprPowers(r, p, pw);
    const rp = pw[0]!;
    const rp1 = pw[1]!;
    this.c[s] = this.sFft[s]! + bf * rp + this.sFix[s]!;
    this.cp[s] = p > 0 && v > 0 ? (bf * p * rp1) / cap : 0;
  }

  /**
   * Incremental all-or-nothing start: origin by origin, the shortest-path tree at the current costs carries the
   * origin's demand (costs updated before the next origin), and the bush is the tree plus every link that leads to a
   * node further from the origin.
   */
  initialise(): void {
    const { n, m, g, sp } = this;
    const cLink = this.cLink;
    const link = g.link;
    const head = g.head;
    const noThrough = g.noThrough;
    const tail = this.tail;
    const load = this.L; // scratch
    for (let s = 0; s < m; s++) cLink[link[s]!] = this.c[s]!;
    for (let k = 0; k < this.numActive; k++) {
      const r = this.roots[k]!;
      sp.setCosts(cLink);
      sp.run(r);
      const dist = sp.dist;
      const off = k * m;
      for (let s = 0; s < m; s++) {
        const i = tail[s]!;
        const di = dist[i]!;
        if (di === Infinity || (noThrough[i] === 1 && i !== r)) continue;
        const j = head[s]!;
        if (di < dist[j]! || sp.predLink[j] === link[s]) this.inBush[off + s] = 1;
      }
      // Push the node demands down the tree (zones reached as leaves first, then settled nodes last to first).
      const dOff = k * n;
      for (let v = 0; v < n; v++) load[v] = this.destDemand[dOff + v]!;
      const push = (v: number): void => {
        const q = load[v]!;
        if (q === 0) return;
        load[v] = 0;
        const s = this.slotOfLink[sp.predLink[v]!]!;
        this.bushFlow[off + s]! += q;
        this.x[s]! += q;
        this.updateCost(s);
        cLink[link[s]!] = this.c[s]!;
        load[sp.predNode[v]!]! += q;
      };
      for (let t = 0; t < sp.sinkCount; t++) push(sp.sinks[t]!);
      for (let t = sp.settledCount - 1; t > 0; t--) push(sp.order[t]!);
      load[r] = 0;
      this.rebuild(k);
      this.topoOrder(k);
      for (let v = 0; v < n; v++) {
        if (load[v] === 0) continue;
        const dz = Array.from(g.zoneNode).indexOf(v);
        const oz = Array.from(g.zoneNode).findIndex(
          (zn, z) => zn === r || (this.plan.zoneConnSlot[z]! >= 0 && head[this.plan.zoneConnSlot[z]!] === r),
        );
        throw new Error(
          `zone ${dz + 1} (node ${this.net.nodeIds[v]}) is unreachable from zone ${oz + 1} (node ${this.net.nodeIds[r]}) but has demand ${load[v]}`,
        );
      }
    }
  }

  /** One outer iteration: improve and equilibrate every bush in origin order. */
  sweep(): void {
    for (let k = 0; k < this.numActive; k++) {
      this.improveBush(k);
      for (let t = 0; t < this.inner; t++) {
        this.labels(k, true);
        if (!this.shift(k)) break;
      }
    }
  }

  /**
   * Copy the current flows and costs into network link order (`linkFlow`, `linkCost`) and return Σ v·c — the first
   * half of a gap evaluation; the second is Σ D·SP over the whole network at `linkCost` (here or on a pool).
   */
  snapshot(): number {
    const { m, g } = this;
    const link = g.link;
    let tstt = 0;
    for (let s = 0; s < m; s++) {
      this.linkFlow[link[s]!] = this.x[s]!;
      this.linkCost[link[s]!] = this.c[s]!;
      tstt += this.x[s]! * this.c[s]!;
    }
    return tstt;
  }

  /**
   * Relative gap of the current flows: trees over the whole network (not just the bushes) give Σ D·SP, by origin
   * blocks summed in block order — the arithmetic a pool reproduces (`assignBushParallel`).
   */
  evaluate(): { relativeGap: number; tstt: number; sptt: number } {
    const tstt = this.snapshot();
    const sp = this.sp;
    sp.setCosts(this.linkCost);
    let sptt = 0;
    const bs = this.blockStart;
    for (let b = 0; b + 1 < bs.length; b++) sptt += spttUnits(sp, this.plan, this.demand.od, bs[b]!, bs[b + 1]!);
    return { relativeGap: relativeGap(tstt, sptt), tstt, sptt };
  }

  /** Rebuild the slot list of bush k from its membership flags (branch-free scan of all slots). */
  private rebuild(k: number): void {
    const { m, n, g } = this;
    const firstOut = g.firstOut;
    const inB = this.inBush;
    const list = this.bList;
    const first = this.bFirst;
    const off = k * m;
    const fo = k * (n + 1);
    let cnt = 0;
    for (let i = 0; i < n; i++) {
      first[fo + i] = cnt;
      const end = firstOut[i + 1]!;
      for (let s = firstOut[i]!; s < end; s++) {
        list[off + cnt] = s;
        cnt += inB[off + s]!;
      }
    }
    first[fo + n] = cnt;
  }

  /** Topological order of bush k (Kahn) from its slot list, with each node's position; false if it has a cycle. */
  private topoOrder(k: number): boolean {
    const { m, n } = this;
    const head = this.g.head;
    const list = this.bList;
    const first = this.bFirst;
    const off = k * m;
    const fo = k * (n + 1);
    const indeg = this.indeg;
    indeg.fill(0);
    const cnt = first[fo + n]!;
    for (let t = 0; t < cnt; t++) indeg[head[list[off + t]!]!]!++;
    let reached = 1; // the root
    for (let v = 0; v < n; v++) if (indeg[v]! > 0) reached++;
    const oo = k * n;
    const order = this.bOrder;
    const pos = this.bPos;
    order[oo] = this.roots[k]!;
    let qh = 0;
    let qt = 1;
    while (qh < qt) {
      const i = order[oo + qh]!;
      pos[oo + i] = qh++;
      const end = first[fo + i + 1]!;
      for (let t = first[fo + i]!; t < end; t++) {
        const j = head[list[off + t]!]!;
        if (--indeg[j] === 0) order[oo + qt++] = j;
      }
    }
    this.bOrderCount[k] = qt;
    return qt === reached;
  }

  /**
   * Shortest (L, minPred) and longest (U, maxPred) path labels over bush k in topological order. `usedOnly`: U over
   * links carrying origin flow (the paths flow can be taken from); else over all bush links (for adding links).
   */
  private labels(k: number, usedOnly: boolean): void {
    const { m, n } = this;
    const head = this.g.head;
    const list = this.bList;
    const first = this.bFirst;
    const bf = this.bushFlow;
    const off = k * m;
    const fo = k * (n + 1);
    const L = this.L;
    const U = this.U;
    const minPred = this.minPred;
    const maxPred = this.maxPred;
    const c = this.c;
    const order = this.bOrder;
    const oo = k * n;
    const cnt = this.bOrderCount[k]!;
    for (let t = 0; t < cnt; t++) {
      const v = order[oo + t]!;
      L[v] = Infinity;
      U[v] = -Infinity;
      minPred[v] = -1;
      maxPred[v] = -1;
    }
    const r = this.roots[k]!;
    L[r] = 0;
    U[r] = 0;
    for (let t = 0; t < cnt; t++) {
      const i = order[oo + t]!;
      const li = L[i]!;
      const ui = U[i]!;
      const end = first[fo + i + 1]!;
      for (let q = first[fo + i]!; q < end; q++) {
        const s = list[off + q]!;
        const j = head[s]!;
        const cs = c[s]!;
        if (li + cs < L[j]!) {
          L[j] = li + cs;
          minPred[j] = s;
        }
        if (ui + cs > U[j]! && (!usedOnly || bf[off + s]! > 0)) {
          U[j] = ui + cs;
          maxPred[j] = s;
        }
      }
    }
  }

  /**
   * Drop unused links (except the bush's shortest-path tree), then add every link that shortens a longest path.
   * U are the longest-path labels over the bush *before* the drop: every remaining link still has U_i + c_ij ≤ U_j
   * and every added one U_i + c_ij < U_j, so the new bush is acyclic.
   */
  private improveBush(k: number): void {
    const { m, n, g } = this;
    const { head, noThrough } = g;
    const inB = this.inBush;
    const bf = this.bushFlow;
    const off = k * m;
    const tail = this.tail;
    this.labels(k, false);
    const minPred = this.minPred;
    let changed = false;
    const list = this.bList;
    const cnt = this.bFirst[k * (n + 1) + n]!;
    for (let q = 0; q < cnt; q++) {
      const s = list[off + q]!;
      if (bf[off + s]! <= 0 && minPred[head[s]!] !== s) {
        inB[off + s] = 0;
        bf[off + s] = 0;
        changed = true;
      }
    }
    const L = this.L;
    const U = this.U;
    const c = this.c;
    const r = this.roots[k]!;
    const oo = k * n;
    const pos = this.bPos;
    const order = this.bOrder;
    const cnt0 = this.bOrderCount[k]!;
    const extra = this.extra;
    let nExtra = 0;
    let dial = false;
    for (let s = 0; s < m; s++) {
      const i = tail[s]!;
      const j = head[s]!;
      const cs = c[s]!;
      // Dial's rule (acyclic by the U potential) or a shortcut of the bush's shortest path (checked below).
      // Label tests first: most links fail them (predictable).
      const byU = U[i]! + cs < U[j]!;
      const byL = L[i]! + cs < L[j]! - 1e-12 * L[j]!;
      if (!byU && !byL) continue;
      if (inB[off + s] === 1 || (noThrough[i] === 1 && i !== r)) continue;
      // Labels of nodes outside this bush are left over from another bush: both ends must be in this one.
      const pi = pos[oo + i]!;
      const pj = pos[oo + j]!;
      if (pi >= cnt0 || order[oo + pi] !== i || pj >= cnt0 || order[oo + pj] !== j) continue;
      if (byU) {
        inB[off + s] = 1;
        changed = true;
        dial = true;
      } else extra[nExtra++] = pi > pj ? ~s : s;
    }
    // Shortcuts of the shortest path (Dial's rule misses those whose tail has a long used path): one that runs forward
    // in the current topological order is safe when Dial's rule added nothing; any other is added only if its head
    // cannot reach its tail in the bush (else it would close a cycle).
    // Forward ones first: they are consistent with the current order, which the checked backward ones may break.
    for (let pass = 0; pass < 2; pass++) {
      for (let t = 0; t < nExtra; t++) {
        const e = extra[t]!;
        if (e < 0 !== (pass === 1)) continue;
        const sl = e < 0 ? ~e : e;
        if ((e < 0 || dial) && this.reaches(k, head[sl]!, tail[sl]!)) continue;
        inB[off + sl] = 1;
        changed = true;
      }
    }
    if (changed) {
      this.rebuild(k);
      if (!this.topoOrder(k))
        throw new Error(`Algorithm B: bush of root node ${this.net.nodeIds[r]} has a cycle (internal error)`);
    }
  }

  /** Whether node `to` can be reached from node `from` over the links of bush k (depth-first, current flags). */
  private reaches(k: number, from: number, to: number): boolean {
    const { firstOut, head } = this.g;
    const inB = this.inBush;
    const off = k * this.m;
    const seen = this.seen;
    const stack = this.stack;
    const st = ++this.seenStamp;
    let sp = 0;
    stack[sp++] = from;
    seen[from] = st;
    while (sp > 0) {
      const u = stack[--sp]!;
      if (u === to) return true;
      const end = firstOut[u + 1]!;
      for (let s = firstOut[u]!; s < end; s++) {
        const v = head[s]!;
        if (inB[off + s] === 1 && seen[v] !== st) {
          seen[v] = st;
          stack[sp++] = v;
        }
      }
    }
    return false;
  }

  /**
   * One flow-shifting pass over bush k (labels computed): nodes last to first in topological order. Returns false
   * when no node had a dearer used path (the bush is at equilibrium to round-off).
   */
  private shift(k: number): boolean {
    const m = this.m;
    const off = k * m;
    const bf = this.bushFlow;
    const x = this.x;
    const c = this.c;
    const cp = this.cp;
    const tail = this.tail;
    const L = this.L;
    const U = this.U;
    const minPred = this.minPred;
    const maxPred = this.maxPred;
    const oo = k * this.n;
    const pos = this.bPos;
    const order = this.bOrder;
    let any = false;
    for (let t = this.bOrderCount[k]! - 1; t > 0; t--) {
      const j = order[oo + t]!;
      if (maxPred[j]! < 0 || maxPred[j] === minPred[j]) continue;
      // Labels may be stale after shifts further down; the segment costs below are exact, this is only a filter.
      if (!(U[j]! - L[j]! > 1e-12 * L[j]!)) continue;
      // Last common node a of the shortest and the longest used path to j: walk both back, always moving the one
      // further down the topological order, until they meet (O(segment length), not O(depth)).
      let a = tail[minPred[j]!]!;
      let b = tail[maxPred[j]!]!;
      while (a !== b) {
        if (pos[oo + a]! > pos[oo + b]!) a = tail[minPred[a]!]!;
        else b = tail[maxPred[b]!]!;
      }
      let v: number;
      let cLong = 0;
      let dLong = 0;
      let minFlow = Infinity;
      for (v = j; v !== a; v = tail[maxPred[v]!]!) {
        const s = maxPred[v]!;
        cLong += c[s]!;
        dLong += cp[s]!;
        const f = bf[off + s]!;
        if (f < minFlow) minFlow = f;
      }
      let cShort = 0;
      let dShort = 0;
      for (v = j; v !== a; v = tail[minPred[v]!]!) {
        const s = minPred[v]!;
        cShort += c[s]!;
        dShort += cp[s]!;
      }
      const diff = cLong - cShort;
      if (!(diff > 0) || !(minFlow > 0)) continue;
      any = true;
      const den = dLong + dShort;
      let delta = den > 0 ? diff / den : minFlow;
      if (delta > minFlow) delta = minFlow;
      for (v = j; v !== a; v = tail[maxPred[v]!]!) {
        const s = maxPred[v]!;
        // Subtracting the bottleneck's own value leaves exactly 0 there (so the link can leave the bush).
        const f = bf[off + s]! - delta;
        bf[off + s] = f > 0 ? f : 0;
        x[s]! -= delta;
        if (x[s]! < 0) x[s] = 0;
        this.updateCost(s);
      }
      for (v = j; v !== a; v = tail[minPred[v]!]!) {
        const s = minPred[v]!;
        bf[off + s]! += delta;
        x[s]! += delta;
        this.updateCost(s);
      }
    }
    return any;
  }
}
