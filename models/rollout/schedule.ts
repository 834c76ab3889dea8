/**
 * Resource-constrained serial schedule generation (SSGS) for a precedence network of tasks sharing crew pools and a
 * yearly funding budget.
 *
 * Priority rule (documented in README): tasks are taken generation by generation (a task's generation is larger
 * than its predecessors', so parents are always placed first); inside a generation, by earliest precedence-and-gate
 * ready time, ties by task index. Each task then starts at the earliest time when
 *   (1) every predecessor has finished plus its lag,
 *   (2) its release date and external gate (department wave, "no sharing, no funding" rule) have passed,
 *   (3) the cumulative budget released so far covers the cumulative cost of all tasks placed so far including this
 *       one (funding gate per year: budget tranches are released on dates), and
 *   (4) a crew of its pool is free: the crew that frees up first is taken (crews are appended to, never back-filled).
 * Durations are given; the routine allocates nothing beyond a scratch sort buffer supplied by the caller.
 */

/** Static structure of a task network (built once per worker, reused for every replication). */
export interface TaskGraph {
  /** Number of tasks. */
  n: number;
  /** Generation (topological layer) of each task; predecessors are in lower generations. */
  gen: Uint8Array;
  /** Crew pool of each task. */
  pool: Uint16Array;
  /** Up to two predecessors (−1 = none) and the lag after each, in days. */
  pred1: Int32Array;
  pred2: Int32Array;
  lag1: Float64Array;
  lag2: Float64Array;
  /** Earliest start from the plan (project start, merge wave), day number. */
  release: Float64Array;
  /** Cost charged against the funding budget when the task is committed, CNY. */
  costCny: Float64Array;
  /** Crews in each pool. */
  poolCrews: Int32Array;
  /** First crew slot of each pool in the crew timeline (prefix sums of poolCrews; one extra entry = total crews). */
  poolOff: Int32Array;
  /** Task indices grouped by generation (ascending task index inside a generation). */
  byGen: Uint32Array;
  /** `byGen[genStart[g] .. genStart[g + 1])` are the tasks of generation g. */
  genStart: Int32Array;
}

/** Budget released in tranches; when exhausted the last tranche repeats every `repeatEveryDays`. */
export interface FundingPlan {
  /** Release day of each tranche, ascending. */
  releaseDay: Float64Array;
  /** Cumulative budget released up to and including each tranche, CNY. */
  cumBudgetCny: Float64Array;
  /** Amount of the repeating tranche after the listed ones, CNY (0: no money after the listed tranches). */
  repeatCny: number;
  repeatEveryDays: number;
}

/** Where the schedule is written (one entry per task). */
export interface ScheduleOut {
  start: Float64Array;
  finish: Float64Array;
  /** Crew index inside its pool. */
  crew: Int32Array;
  /** Day funding for the task was available. */
  fundedDay: Float64Array;
  /** Ready time before funding and crews: max(release, gate, predecessor finish + lag). */
  ready: Float64Array;
}

/**
 * Build a TaskGraph from plain arrays; checks that predecessors sit in lower generations.
 * @example
 * // Task 1 follows task 0 after a lag of 2 days; both use the one crew of pool 0.
 * const g = buildGraph({ gen: [0, 1], pool: [0, 0], pred1: [-1, 0], pred2: [-1, -1], lag1: [0, 2], lag2: [0, 0],
 *   release: [0, 0], costCny: [1, 1], poolCrews: [1] });
 * [g.n, g.poolOff, g.genStart] // => [2, Int32Array.of(0, 1), Int32Array.of(0, 1, 2)]
 * // A predecessor in the same generation is refused:
 * const flat = { gen: [0, 0], pool: [0, 0], pred1: [-1, 0], pred2: [-1, -1], lag1: [0, 0], lag2: [0, 0],
 *   release: [0, 0], costCny: [0, 0], poolCrews: [1] };
 * buildGraph(flat) // throws 'task 1: predecessor 0 must be in a lower generation'
 */
export function buildGraph(a: {
  gen: ArrayLike<number>;
  pool: ArrayLike<number>;
  pred1: ArrayLike<number>;
  pred2: ArrayLike<number>;
  lag1: ArrayLike<number>;
  lag2: ArrayLike<number>;
  release: ArrayLike<number>;
  costCny: ArrayLike<number>;
  poolCrews: ArrayLike<number>;
}): TaskGraph {
  const n = a.gen.length;
  const gen = Uint8Array.from(a.gen);
  const pred1 = Int32Array.from(a.pred1);
  const pred2 = Int32Array.from(a.pred2);
  for (let i = 0; i < n; i++) {
    for (const p of [pred1[i]!, pred2[i]!]) {
      if (p >= 0 && gen[p]! >= gen[i]!) throw new Error(`task ${i}: predecessor ${p} must be in a lower generation`);
    }
  }
  const poolCrews = Int32Array.from(a.poolCrews);
  for (let k = 0; k < poolCrews.length; k++)
    if (!(poolCrews[k]! >= 1)) throw new Error(`pool ${k} has ${poolCrews[k]} crews; need at least 1`);
  const poolOff = new Int32Array(poolCrews.length + 1);
  for (let k = 0; k < poolCrews.length; k++) poolOff[k + 1] = poolOff[k]! + poolCrews[k]!;
  let maxGen = 0;
  for (let i = 0; i < n; i++) maxGen = Math.max(maxGen, gen[i]!);
  const genStart = new Int32Array(maxGen + 2);
  for (let i = 0; i < n; i++) genStart[gen[i]! + 1]!++;
  for (let g = 0; g <= maxGen; g++) genStart[g + 1]! += genStart[g]!;
  const fill = Int32Array.from(genStart);
  const byGen = new Uint32Array(n);
  for (let i = 0; i < n; i++) byGen[fill[gen[i]!]!++] = i;
  return {
    n,
    gen,
    pool: Uint16Array.from(a.pool),
    pred1,
    pred2,
    lag1: Float64Array.from(a.lag1),
    lag2: Float64Array.from(a.lag2),
    release: Float64Array.from(a.release),
    costCny: Float64Array.from(a.costCny),
    poolCrews,
    poolOff,
    byGen,
    genStart,
  };
}

/**
 * Allocate an output record for a graph.
 * @example const out = allocSchedule(3); [out.start.length, out.crew] // => [3, Int32Array.of(0, 0, 0)]
 */
export function allocSchedule(n: number): ScheduleOut {
  return {
    start: new Float64Array(n),
    finish: new Float64Array(n),
    crew: new Int32Array(n),
    fundedDay: new Float64Array(n),
    ready: new Float64Array(n),
  };
}

/**
 * Day when a cumulative cost is covered by the funding plan (monotone in cost).
 * @example
 * // 6 M CNY on day 0 and 6 M more on day 365, then 6 M every 365 days.
 * const plan = { releaseDay: Float64Array.of(0, 365), cumBudgetCny: Float64Array.of(6e6, 12e6), repeatCny: 6e6,
 *   repeatEveryDays: 365 };
 * [fundedAt(plan, 5e6), fundedAt(plan, 10e6), fundedAt(plan, 15e6)] // => [0, 365, 730]
 * fundedAt({ ...plan, repeatCny: 0 }, 15e6) // => Infinity
 */
export function fundedAt(plan: FundingPlan, cumCostCny: number): number {
  const { releaseDay, cumBudgetCny } = plan;
  const n = releaseDay.length;
  for (let j = 0; j < n; j++) if (cumBudgetCny[j]! >= cumCostCny - 1e-6) return releaseDay[j]!;
  const last = n > 0 ? cumBudgetCny[n - 1]! : 0;
  const lastDay = n > 0 ? releaseDay[n - 1]! : 0;
  if (cumCostCny <= last + 1e-6) return n > 0 ? lastDay : 0; // costs nothing beyond what was released (day 0 = no gate)
  if (!(plan.repeatCny > 0)) return Infinity; // no more money: this task is never funded
  const k = Math.ceil((cumCostCny - last - 1e-6) / plan.repeatCny);
  return lastDay + k * plan.repeatEveryDays;
}

/**
 * Run the serial schedule generation scheme. `gate` (optional, per task) adds an external earliest start such as
 * the sharing-platform rule. `order` is a scratch buffer of length n (sorted in place per generation).
 * @example
 * // Task 0, then tasks 1 (2 days after task 0) and 2, one crew, 10 days each; money is no constraint.
 * const graph = buildGraph({ gen: [0, 1, 1], pool: [0, 0, 0], pred1: [-1, 0, 0], pred2: [-1, -1, -1],
 *   lag1: [0, 2, 0], lag2: [0, 0, 0], release: [0, 0, 0], costCny: [0, 0, 0], poolCrews: [1] });
 * const plan = { releaseDay: Float64Array.of(0), cumBudgetCny: Float64Array.of(1e9), repeatCny: 0, repeatEveryDays: 0 };
 * const out = allocSchedule(graph.n);
 * const durations = Float64Array.of(10, 10, 10);
 * scheduleSerial(graph, durations, null, plan, out, new Uint32Array(graph.n), new Float64Array(1));
 * // Task 2 is ready first (no lag), so it takes the crew before task 1:
 * out.ready // => Float64Array.of(0, 12, 10)
 * out.start // => Float64Array.of(0, 20, 10)
 * out.finish // => Float64Array.of(10, 30, 20)
 */
export function scheduleSerial(
  g: TaskGraph,
  durationDays: Float64Array,
  gate: Float64Array | null,
  funding: FundingPlan,
  out: ScheduleOut,
  order: Uint32Array,
  crewFree: Float64Array,
): ScheduleOut {
  const { start, finish, crew, fundedDay, ready } = out;
  // Crew timelines: pool k owns crewFree[poolOff[k] .. poolOff[k + 1]).
  const off = g.poolOff[g.poolCrews.length]!;
  if (crewFree.length < off) throw new Error(`crewFree needs ${off} entries`);
  crewFree.fill(-Infinity, 0, off);
  order.set(g.byGen);
  // Funding pointer walks forward as the cumulative cost grows.
  let cum = 0;
  let tranche = 0;
  const nTr = funding.releaseDay.length;
  const nGen = g.genStart.length - 1;
  for (let gi = 0; gi < nGen; gi++) {
    const s = g.genStart[gi]!;
    const e = g.genStart[gi + 1]!;
    for (let k = s; k < e; k++) {
      const i = order[k]!;
      let r = g.release[i]!;
      if (gate && gate[i]! > r) r = gate[i]!;
      const p1 = g.pred1[i]!;
      if (p1 >= 0) {
        const t = finish[p1]! + g.lag1[i]!;
        if (t > r) r = t;
      }
      const p2 = g.pred2[i]!;
      if (p2 >= 0) {
        const t = finish[p2]! + g.lag2[i]!;
        if (t > r) r = t;
      }
      ready[i] = r;
    }
    order.subarray(s, e).sort((x, y) => ready[x]! - ready[y]! || x - y);
    for (let k = s; k < e; k++) {
      const i = order[k]!;
      cum += g.costCny[i]!;
      while (tranche < nTr && funding.cumBudgetCny[tranche]! < cum - 1e-6) tranche++;
      let f: number;
      if (tranche < nTr) f = funding.releaseDay[tranche]!;
      else f = fundedAt(funding, cum);
      fundedDay[i] = f;
      let t0 = ready[i]! > f ? ready[i]! : f;
      // Crew of this pool that frees first.
      const pool = g.pool[i]!;
      const base = g.poolOff[pool]!;
      const end = g.poolOff[pool + 1]!;
      let best = base;
      for (let c = base + 1; c < end; c++) if (crewFree[c]! < crewFree[best]!) best = c;
      if (crewFree[best]! > t0) t0 = crewFree[best]!;
      start[i] = t0;
      finish[i] = t0 + durationDays[i]!;
      crewFree[best] = finish[i]!;
      crew[i] = best - base;
    }
  }
  return out;
}
