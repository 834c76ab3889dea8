/**
 * Inverse planning core: the cheapest setting of a few levers whose targets all reach P(met) ≥ p, when P(met) can
 * only be estimated by replications of a stochastic model (pure; the caller supplies `evaluate`).
 *
 * Method: a generalized pattern search on the lever lattice for mixed variables (Audet & Dennis 2001) with
 * sequential feasibility checks (Wilson score bounds, more replications only where the answer is unclear), in the
 * spirit of the pattern-search ranking-and-selection methods of Sriver, Chrissis & Abramson (2009) for noisy
 * mixed-variable simulation optimisation. Why this method: the objective (cost) is known and deterministic and only
 * the constraints are noisy, so each decision is "is this cheaper point feasible?"; a pattern search needs no
 * gradients, treats integer and stepped continuous levers alike (a continuous lever is searched on its STEP grid), and
 * with common random numbers its comparisons between neighbouring settings are paired, which makes feasibility
 * flips between neighbours rare. COMPASS (Hong & Nelson 2006) is the alternative for an unknown noisy objective; here
 * it would spend replications estimating a cost that is known exactly.
 *
 * Algorithm (the Surrogate Management Framework of Booker et al. 1999: a GPS whose SEARCH step is surrogate-led):
 *  1. Start at `start` (default: every lever at its most expensive end, the setting most likely to meet targets);
 *     classify it. Mesh size Δ = the largest power of two ≤ (largest lever range in steps) / 4.
 *  2. SEARCH: fit one logistic surrogate per target, P_t(x) = σ(β_t0 + β_t·u(x)) with u the levels scaled to
 *     [0, 1], to every classified candidate's met counts (binomial likelihood, small ridge); propose the cheapest
 *     lattice point not yet classified that costs less than x and that every surrogate puts at P ≥ p. Feasible → x.
 *     (It lets the search cross cost-neutral "trade" valleys — fewer crews, more sites — that a local poll on a
 *     lattice with linear costs cannot.)
 *  3. POLL: all lattice points x + Δ·D for D in the coordinate directions ±e_i and the trades ±(e_i − e_j), that
 *     stay in range and cost less than x, cheapest first; the first one classified feasible becomes x.
 *  4. Neither step moved: Δ ← Δ/2; stop at Δ = 1 once the search proposes nothing new, or when the candidate
 *     budget is spent.
 *  5. Classification of a point: n0 replications; per target the Wilson score interval at confidence 1 − α
 *     (one-sided bounds); all lower bounds ≥ p → feasible; any upper bound < p → infeasible; otherwise double the
 *     replications (up to nMax) and repeat; at nMax decide on the point estimates. Replications are always the same
 *     indices 0, 1, … for every candidate (common random numbers: the caller maps index → seed), so neighbouring
 *     settings are compared on paired replications.
 *  6. Confirm: the cheapest feasible candidate gets `confirmReplications` NEW replications (indices after nMax, so the
 *     selection's optimism does not carry over); if an estimate falls below p it is marked infeasible and the search
 *     resumes from the cheapest remaining feasible candidate (up to `maxConfirmations` times).
 *
 * References: A.J. Booker, J.E. Dennis Jr., P.D. Frank, D.B. Serafini, V. Torczon, M.W. Trosset (1999), "A rigorous
 * framework for optimization of expensive functions by surrogates", Struct. Optim. 17:1–13. C. Audet, J.E. Dennis
 * Jr. (2001), "Pattern search algorithms for mixed variable programming", SIAM J. Optim. 11(3):573–594. T.A. Sriver, J.W. Chrissis, M.A. Abramson (2009), "Pattern search ranking and selection
 * algorithms for mixed variable simulation-based optimization", Eur. J. Oper. Res. 198(3):878–890. L.J. Hong,
 * B.L. Nelson (2006), "Discrete optimization via simulation using COMPASS", Oper. Res. 54(1):115–129. E.B. Wilson
 * (1927), J. Am. Stat. Assoc. 22:209–212; L.D. Brown, T.T. Cai, A. DasGupta (2001), Stat. Sci. 16(2):101–133.
 */

/** One decision variable. Values searched: min, min + step, …, ≤ max. */
export interface Lever {
  name: string;
  min: number;
  max: number;
  /** Grid step; default 1 for integer levers, (max − min)/10 otherwise. */
  step?: number;
  /** Cost per unit of the lever above `base` (negative: lowering it costs). */
  costPerUnit: number;
  /** The value that costs nothing (today's setting); default min. */
  base?: number;
}

/**
 * Replications [start, start + count) of the model at lever values `values`: for every target, how many of them met
 * it. Must be deterministic in (values, replication index) so that candidates share random numbers.
 */
export type Evaluate = (
  values: readonly number[],
  replications: { start: number; count: number },
) => readonly number[] | Promise<readonly number[]>;

/** Options of `optimiseLevers`. */
export interface OptimiseOptions {
  /** Required P(met) of every target. Default 0.8. */
  p?: number;
  /** First and largest replication counts per candidate. Defaults 32 and 256. */
  n0?: number;
  nMax?: number;
  /** 1 − confidence of the one-sided Wilson bounds. Default 0.05. */
  alpha?: number;
  /** Fresh replications to confirm the answer. Default 1000. */
  confirmReplications?: number;
  /** How many candidates may be tried in confirmation (each failure resumes the search). Default 5. */
  maxConfirmations?: number;
  /** Most candidates to classify. Default 200. */
  maxCandidates?: number;
  /** Starting values (on the grid); default each lever at its most expensive end. */
  start?: readonly number[];
  /** Largest lattice (product of levels) listed for the surrogate search step. Default 200,000. */
  maxLattice?: number;
  /** Called after each candidate is classified (live progress). */
  onCandidate?: (c: Candidate, evaluated: number) => void;
}

/** A classified candidate. */
export interface Candidate {
  values: number[];
  cost: number;
  /** Replications used, and per target how many met. */
  n: number;
  met: number[];
  pHat: number[];
  /** Smallest P̂ over targets (the Pareto axis). */
  minP: number;
  lower: number[];
  upper: number[];
  feasible: boolean;
  /** Order of classification (0 = start). */
  order: number;
}

/** Confirmation of a candidate on fresh replications. */
export interface Confirmation {
  values: number[];
  cost: number;
  n: number;
  met: number[];
  pHat: number[];
  lower: number[];
  upper: number[];
  passed: boolean;
}

/** Result of `optimiseLevers`. */
export interface OptimiseResult {
  /** The recommended setting (confirmed), or null when none was found or confirmed. */
  best: Candidate | null;
  confirmations: Confirmation[];
  /** Every classified candidate, in classification order. */
  candidates: Candidate[];
  /** Non-dominated candidates by (cost ↓, min P̂ ↑), by cost. */
  pareto: Candidate[];
  /** Model replications run in total (search + confirmation). */
  replications: number;
  /** Why the search stopped. */
  stop: 'local-optimum' | 'budget' | 'start-infeasible';
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(q: number): number {
  if (!(q > 0 && q < 1)) throw new Error(`normal quantile of ${q}: need 0 < q < 1`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (q < lo) {
    const t = Math.sqrt(-2 * Math.log(q));
    return (
      (((((c[0]! * t + c[1]!) * t + c[2]!) * t + c[3]!) * t + c[4]!) * t + c[5]!) /
      ((((d[0]! * t + d[1]!) * t + d[2]!) * t + d[3]!) * t + 1)
    );
  }
  if (q > 1 - lo) return -normalQuantile(1 - q);
  const u = q - 0.5;
  const r = u * u;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * u) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * Wilson score interval for k successes in n trials with z = the normal quantile (one-sided bounds at 1 − α use
 * z = Φ⁻¹(1 − α)).
 * @example wilson(8, 10, 1.96).map((x) => x.toFixed(2)) // => ['0.49', '0.94']
 */
export function wilson(k: number, n: number, z: number): [number, number] {
  if (n <= 0) return [0, 1];
  const ph = k / n;
  const z2 = z * z;
  const den = 1 + z2 / n;
  const mid = (ph + z2 / (2 * n)) / den;
  const half = (z * Math.sqrt((ph * (1 - ph)) / n + z2 / (4 * n * n))) / den;
  return [Math.max(0, mid - half), Math.min(1, mid + half)];
}

/** Grid of each lever: number of steps and the value of level k. */
function grids(levers: readonly Lever[]): { steps: number[]; value: (i: number, k: number) => number } {
  const steps: number[] = [];
  const stepOf: number[] = [];
  const names = new Set<string>();
  for (const l of levers) {
    if (names.has(l.name)) throw new Error(`lever "${l.name}" appears twice`);
    names.add(l.name);
    if (!Number.isFinite(l.min) || !Number.isFinite(l.max) || l.min > l.max)
      throw new Error(`lever "${l.name}": MIN ${l.min} > MAX ${l.max} (or not finite); write MIN:MAX with MIN ≤ MAX`);
    if (!Number.isFinite(l.costPerUnit)) throw new Error(`lever "${l.name}": cost per unit must be a finite number`);
    const st = l.step ?? (Number.isInteger(l.min) && Number.isInteger(l.max) ? 1 : (l.max - l.min) / 10);
    if (!(st > 0) && l.max > l.min) throw new Error(`lever "${l.name}": step ${st} must be > 0`);
    stepOf.push(st > 0 ? st : 1);
    steps.push(l.max > l.min ? Math.floor((l.max - l.min) / st + 1e-9) : 0);
  }
  // Round to the step's decimals so 0.1-steps print as 0.3, not 0.30000000000000004.
  const value = (i: number, k: number): number => {
    const l = levers[i]!;
    const v = l.min + k * stepOf[i]!;
    return Number(v.toPrecision(12));
  };
  return { steps, value };
}

/**
 * Logistic regression of a target's met counts on the scaled lever levels u ∈ [0, 1]^d: P = σ(β0 + β·u), fitted by
 * Newton's method on the binomial likelihood with a small ridge on the slopes (data at one point, or perfectly
 * separated, still give a finite fit). Returns β (length d + 1).
 */
export function fitLogistic(
  u: readonly number[][],
  met: readonly number[],
  n: readonly number[],
  ridge = 1e-2,
): number[] {
  const d = u[0]?.length ?? 0;
  const k = d + 1;
  const beta = new Array<number>(k).fill(0);
  for (let iter = 0; iter < 50; iter++) {
    const hess = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const grad = new Array<number>(k).fill(0);
    for (let r = 0; r < u.length; r++) {
      const x = [1, ...u[r]!];
      const eta = x.reduce((s, xi, i) => s + xi * beta[i]!, 0);
      const mu = 1 / (1 + Math.exp(-eta));
      const w = n[r]! * mu * (1 - mu);
      for (let i = 0; i < k; i++) {
        grad[i]! += x[i]! * (met[r]! - n[r]! * mu);
        for (let j = 0; j < k; j++) hess[i]![j]! += w * x[i]! * x[j]!;
      }
    }
    for (let i = 0; i < k; i++) {
      const rr = i === 0 ? 1e-8 : ridge;
      grad[i]! -= rr * beta[i]!;
      hess[i]![i]! += rr;
    }
    const step = solve(hess, grad);
    let big = 0;
    for (let i = 0; i < k; i++) {
      // Damped: a logit step of more than 5 per iteration only chases separated data to infinity.
      const st = Math.max(-5, Math.min(5, step[i]!));
      beta[i]! += st;
      big = Math.max(big, Math.abs(st));
    }
    if (big < 1e-8) break;
  }
  return beta;
}

/** Solve A x = b (small dense, Gaussian elimination with partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    const v = m[c]![c]!;
    if (Math.abs(v) < 1e-300) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / v;
      if (f !== 0) for (let j = c; j <= n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row, i) => (Math.abs(row[i]!) < 1e-300 ? 0 : row[n]! / row[i]!));
}

/**
 * Find the cheapest lever setting whose targets all reach P(met) ≥ p (see the header for the method).
 * @example
 * // One lever, crews 0–10 at 2 per crew; the one target is met in every replication once there are ≥ 4 crews.
 * const levers = [{ name: 'crews', min: 0, max: 10, costPerUnit: 2 }];
 * const evaluate = (x, reps) => [x[0] >= 4 ? reps.count : 0];
 * const r = await optimiseLevers(levers, evaluate, { p: 0.8 });
 * r.best.values // => [4]
 * r.best.cost // => 8
 * r.pareto.map((c) => [c.cost, c.minP]) // => [[0, 0], [8, 1]]
 */
export async function optimiseLevers(
  levers: readonly Lever[],
  evaluate: Evaluate,
  opts: OptimiseOptions = {},
): Promise<OptimiseResult> {
  if (levers.length === 0) throw new Error('no levers: give at least one PATH=MIN:MAX[:STEP]@COST');
  const p = opts.p ?? 0.8;
  if (!(p > 0 && p < 1)) throw new Error(`p = ${p}: the required P(met) must be in (0, 1), e.g. 0.8`);
  const n0 = opts.n0 ?? 32;
  const nMax = Math.max(n0, opts.nMax ?? 256);
  const z = normalQuantile(1 - (opts.alpha ?? 0.05));
  const nConfirm = opts.confirmReplications ?? 1000;
  const maxConfirm = opts.maxConfirmations ?? 5;
  const maxCand = opts.maxCandidates ?? 200;
  const { steps, value } = grids(levers);
  const d = levers.length;
  const valuesOf = (k: readonly number[]): number[] => k.map((ki, i) => value(i, ki));
  const costOf = (k: readonly number[]): number =>
    k.reduce((s, ki, i) => s + levers[i]!.costPerUnit * (value(i, ki) - (levers[i]!.base ?? levers[i]!.min)), 0);
  const toLevels = (vals: readonly number[]): number[] =>
    vals.map((v, i) => {
      const l = levers[i]!;
      const k = steps[i] === 0 ? 0 : Math.round(((v - l.min) / (l.max - l.min)) * steps[i]!);
      if (!(k >= 0 && k <= steps[i]!) || Math.abs(value(i, k) - v) > 1e-9 * Math.max(1, Math.abs(v)))
        throw new Error(`start value ${v} of lever "${l.name}" is not on its grid ${l.min}:${l.max}:${l.step ?? 1}`);
      return k;
    });

  let replications = 0;
  const run = async (k: readonly number[], start: number, count: number): Promise<number[]> => {
    const out = await evaluate(valuesOf(k), { start, count });
    replications += count;
    if (!Array.isArray(out) || out.length === 0) throw new Error('evaluate must return one met-count per target');
    for (const m of out)
      if (!(Number.isInteger(m) && m >= 0 && m <= count))
        throw new Error(`evaluate returned met-count ${m} for ${count} replications; need an integer in 0..${count}`);
    return [...out];
  };

  const cache = new Map<string, Candidate>();
  const candidates: Candidate[] = [];
  let nTargets = -1;
  const classify = async (k: readonly number[]): Promise<Candidate> => {
    const key = k.join(',');
    const hit = cache.get(key);
    if (hit) return hit;
    let n = 0;
    let met: number[] = [];
    let feasible = false;
    for (;;) {
      const add = n === 0 ? n0 : Math.min(n, nMax - n);
      const m = await run(k, n, add);
      if (nTargets < 0) nTargets = m.length;
      if (m.length !== nTargets) throw new Error(`evaluate returned ${m.length} targets, earlier ${nTargets}`);
      met = n === 0 ? m : met.map((x, t) => x + m[t]!);
      n += add;
      const bounds = met.map((x) => wilson(x, n, z));
      if (bounds.every(([lo]) => lo >= p)) {
        feasible = true;
        break;
      }
      if (bounds.some(([, hi]) => hi < p)) break;
      if (n >= nMax) {
        feasible = met.every((x) => x / n >= p);
        break;
      }
    }
    const pHat = met.map((x) => x / n);
    const c: Candidate = {
      values: valuesOf(k),
      cost: costOf(k),
      n,
      met,
      pHat,
      minP: Math.min(...pHat),
      lower: met.map((x) => wilson(x, n, z)[0]),
      upper: met.map((x) => wilson(x, n, z)[1]),
      feasible,
      order: candidates.length,
    };
    cache.set(key, c);
    candidates.push(c);
    opts.onCandidate?.(c, candidates.length);
    return c;
  };

  // Poll directions: ±e_i and the trades ±(e_i − e_j).
  const dirs: number[][] = [];
  for (let i = 0; i < d; i++)
    for (const s of [1, -1]) {
      const v = new Array<number>(d).fill(0);
      v[i] = s;
      dirs.push(v);
    }
  for (let i = 0; i < d; i++)
    for (let j = i + 1; j < d; j++)
      for (const s of [1, -1]) {
        const v = new Array<number>(d).fill(0);
        v[i] = s;
        v[j] = -s;
        dirs.push(v);
      }

  let stop: OptimiseResult['stop'] = 'local-optimum';
  const mesh0 = (() => {
    let m = 1;
    while (m * 2 <= Math.max(...steps) / 4) m *= 2;
    return m;
  })();
  // The lattice in cost order, for the surrogate SEARCH step (skipped on lattices too large to list).
  const size = steps.reduce((s, k) => s * (k + 1), 1);
  const lattice: { k: number[]; cost: number }[] = [];
  if (size <= (opts.maxLattice ?? 200_000)) {
    for (let idx = 0; idx < size; idx++) {
      const k: number[] = [];
      let rest = idx;
      for (let i = 0; i < d; i++) {
        k.push(rest % (steps[i]! + 1));
        rest = Math.floor(rest / (steps[i]! + 1));
      }
      lattice.push({ k, cost: costOf(k) });
    }
    lattice.sort((a, b) => a.cost - b.cost || a.k.join(',').localeCompare(b.k.join(',')));
  }
  const scaled = (k: readonly number[]): number[] => k.map((ki, i) => (steps[i]! > 0 ? ki / steps[i]! : 0));
  const search = (cx: number): number[] | null => {
    if (lattice.length === 0) return null;
    const u = candidates.map((c) => scaled(toLevels(c.values)));
    const betas = Array.from({ length: nTargets }, (_, t) =>
      fitLogistic(
        u,
        candidates.map((c) => c.met[t]!),
        candidates.map((c) => c.n),
      ),
    );
    const logitP = Math.log(p / (1 - p));
    for (const q of lattice) {
      if (q.cost >= cx) break;
      if (cache.has(q.k.join(','))) continue;
      const uq = scaled(q.k);
      if (betas.every((b) => b[0]! + uq.reduce((s, ui, i) => s + ui * b[i + 1]!, 0) >= logitP)) return q.k;
    }
    return null;
  };
  /** Pattern search with surrogate SEARCH and POLL steps from x; returns when the poll fails at mesh 1. */
  const patternSearch = async (x: number[]): Promise<void> => {
    let mesh = mesh0;
    for (;;) {
      const cx = costOf(x);
      // SEARCH (Booker et al. 1999): the cheapest unevaluated lattice point the surrogates call feasible.
      let searched = false;
      if (candidates.length < maxCand) {
        const proposal = search(cx);
        if (proposal) {
          searched = true;
          const c = await classify(proposal);
          if (c.feasible) {
            x = proposal;
            continue;
          }
        }
      }
      // POLL: lattice neighbours at the mesh size that cost less, cheapest first.
      const polls: { k: number[]; cost: number }[] = [];
      const seen = new Set<string>();
      for (const dir of dirs) {
        const k = x.map((xi, i) => xi + mesh * dir[i]!);
        if (k.some((ki, i) => ki < 0 || ki > steps[i]!)) continue;
        const key = k.join(',');
        if (seen.has(key)) continue;
        seen.add(key);
        const c = costOf(k);
        if (c < cx) polls.push({ k, cost: c });
      }
      // Ties by level vector so the order never depends on anything but the inputs.
      polls.sort((a, b) => a.cost - b.cost || a.k.join(',').localeCompare(b.k.join(',')));
      let moved = false;
      for (const q of polls) {
        if (candidates.length >= maxCand && !cache.has(q.k.join(','))) {
          stop = 'budget';
          return;
        }
        const c = await classify(q.k);
        if (c.feasible) {
          x = q.k;
          moved = true;
          break;
        }
      }
      if (moved) continue;
      if (mesh > 1) mesh = Math.floor(mesh / 2);
      // Stop when neither step found anything new at the finest mesh (a search that evaluated a new point goes on).
      else if (!searched || candidates.length >= maxCand) return;
    }
  };

  const budgetSpent = (): boolean => stop === 'budget';
  const x0 = opts.start ? toLevels(opts.start) : levers.map((l, i) => (l.costPerUnit >= 0 ? steps[i]! : 0));
  const first = await classify(x0);
  const confirmations: Confirmation[] = [];
  let best: Candidate | null = null;
  if (!first.feasible) stop = 'start-infeasible';
  else {
    await patternSearch(x0);
    // Confirm the cheapest feasible candidate on fresh replications; a failure marks it infeasible and the search
    // resumes from the cheapest remaining feasible candidate (a near-miss must not hide dearer feasible settings).
    while (confirmations.length < maxConfirm) {
      const c = candidates.filter((q) => q.feasible).sort((a, b) => a.cost - b.cost || a.order - b.order)[0];
      if (!c) break;
      const met = await run(toLevels(c.values), nMax, nConfirm);
      const pHat = met.map((m) => m / nConfirm);
      const passed = pHat.every((q) => q >= p);
      confirmations.push({
        values: c.values,
        cost: c.cost,
        n: nConfirm,
        met,
        pHat,
        lower: met.map((m) => wilson(m, nConfirm, z)[0]),
        upper: met.map((m) => wilson(m, nConfirm, z)[1]),
        passed,
      });
      if (passed) {
        best = c;
        break;
      }
      c.feasible = false;
      const next = candidates.filter((q) => q.feasible).sort((a, b) => a.cost - b.cost || a.order - b.order)[0];
      if (!next || budgetSpent()) continue;
      await patternSearch(toLevels(next.values));
    }
  }
  return { best, confirmations, candidates, pareto: paretoFront(candidates), replications, stop };
}

/**
 * Candidates not dominated in (lower cost, higher min P̂), sorted by cost.
 * @example
 * const cands = [{ cost: 10, minP: 0.9 }, { cost: 5, minP: 0.5 }, { cost: 8, minP: 0.4 }, { cost: 12, minP: 0.95 }];
 * paretoFront(cands).map((c) => [c.cost, c.minP]) // => [[5, 0.5], [10, 0.9], [12, 0.95]]
 */
export function paretoFront<T extends { cost: number; minP: number }>(cands: readonly T[]): T[] {
  const sorted = [...cands].sort((a, b) => a.cost - b.cost || b.minP - a.minP);
  const out: T[] = [];
  let bestP = -Infinity;
  for (const c of sorted) {
    if (c.minP > bestP) {
      out.push(c);
      bestP = c.minP;
    }
  }
  return out;
}
