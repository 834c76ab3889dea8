/**
 * Variance-based global sensitivity: Sobol' first-order and total-order indices from a Saltelli design.
 *
 * With f_A, f_B, f_ABi the model outputs on the rows of A, B and A_B^i (see sampling.ts), N rows each, and
 * V = the variance of the 2N outputs of A and B together:
 *   first order  S_i  = (1/N) Σ_j f_B(j) · (f_ABi(j) − f_A(j)) / V          (Saltelli et al. 2010, Table 2 (b))
 *   total order  ST_i = (1/2N) Σ_j (f_A(j) − f_ABi(j))² / V               (Jansen 1999, Table 2 (f))
 * Confidence intervals: percentile bootstrap over the N rows (the same resampled rows for f_A, f_B and f_ABi, as in
 * SALib), with a seeded Rng so that the intervals are reproducible.
 *
 * References: A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto, S. Tarantola (2010), Comput. Phys. Commun.
 * 181(2):259–270; M.J.W. Jansen (1999), "Analysis of variance designs for model output", Comput. Phys. Commun.
 * 117:35–43; I.M. Sobol' (2001), Math. Comput. Simul. 55:271–280.
 */
import { createRng } from '../rng.ts';
import { saltelliDesign, type Factor, type SaltelliDesign } from './sampling.ts';

/** Indices of one factor, with bootstrap confidence intervals [lo, hi]. */
export interface SobolIndex {
  name: string;
  s1: number;
  s1Ci: [number, number];
  st: number;
  stCi: [number, number];
}

/** Result of a Sobol' analysis. */
export interface SobolResult {
  indices: SobolIndex[];
  /** Base sample size N and model runs N·(d + 2). */
  n: number;
  runs: number;
  /** Mean and variance of the output (over A and B). */
  mean: number;
  variance: number;
  /** Confidence level of the intervals, e.g. 0.95, and bootstrap resamples. */
  confidence: number;
  bootstrap: number;
}

/** Options of `sobolIndices`. */
export interface SobolOptions {
  /** Bootstrap resamples (default 1000; 0 = no intervals, reported as [NaN, NaN]). */
  bootstrap?: number;
  /** Confidence level of the percentile intervals (default 0.95). */
  confidence?: number;
  /** Seed of the bootstrap resampling (default 1). */
  seed?: number;
}

function check(y: Float64Array, n: number, what: string): void {
  if (y.length !== n) throw new Error(`${what} has ${y.length} outputs, expected ${n} (one per design row)`);
  for (let j = 0; j < n; j++)
    if (!Number.isFinite(y[j]!)) throw new Error(`${what}[${j}] is ${y[j]}: every model output must be finite`);
}

/** S1 and ST numerators and the variance for a set of row indices (rows may repeat: bootstrap). */
function estimate(
  fa: Float64Array,
  fb: Float64Array,
  fab: Float64Array[],
  rows: Int32Array,
  s1: Float64Array,
  st: Float64Array,
): void {
  const n = rows.length;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += fa[rows[k]!]! + fb[rows[k]!]!;
  const mean = sum / (2 * n);
  let ss = 0;
  for (let k = 0; k < n; k++) {
    const da = fa[rows[k]!]! - mean;
    const db = fb[rows[k]!]! - mean;
    ss += da * da + db * db;
  }
  // Population variance of the 2N outputs (the estimators' own normalisation; N is large).
  const v = ss / (2 * n);
  for (let i = 0; i < fab.length; i++) {
    const fi = fab[i]!;
    let first = 0;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const j = rows[k]!;
      first += fb[j]! * (fi[j]! - fa[j]!);
      const e = fa[j]! - fi[j]!;
      total += e * e;
    }
    s1[i] = first / n / v;
    st[i] = total / (2 * n) / v;
  }
}

/** Percentile q ∈ [0, 1] of sorted values (linear interpolation, type 7). */
function quantileSorted(x: Float64Array, q: number): number {
  const h = (x.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, x.length - 1);
  return x[lo]! + (h - lo) * (x[hi]! - x[lo]!);
}

/**
 * Sobol' indices from the outputs on a Saltelli design: `fa`, `fb` (N each) and `fab[i]` (N each, one per factor).
 * @example
 * // Outputs of y = x1 on a Saltelli design of N = 4 (from saltelliDesign and evalRows): swapping in B's column of
 * // x2 changes nothing, so fab[1] = fa and x2's indices are 0 (x1's are rough at N = 4: use thousands).
 * const fa = Float64Array.of(0.1, 0.9, 0.4, 0.6);
 * const fb = Float64Array.of(0.8, 0.2, 0.7, 0.3);
 * const r = sobolIndices(['x1', 'x2'], fa, fb, [fb, fa], { bootstrap: 0 });
 * r.indices.map((k) => [k.name, k.s1, k.st]) // => [['x1', 1.8, 1.9333333333333333], ['x2', 0, 0]]
 */
export function sobolIndices(
  names: readonly string[],
  fa: Float64Array,
  fb: Float64Array,
  fab: readonly Float64Array[],
  opts: SobolOptions = {},
): SobolResult {
  const n = fa.length;
  const d = names.length;
  if (fab.length !== d) throw new Error(`${fab.length} A_B matrices of outputs for ${d} factors; need one per factor`);
  check(fa, n, 'f(A)');
  check(fb, n, 'f(B)');
  fab.forEach((y, i) => check(y, n, `f(A_B^${i + 1}) (${names[i]})`));
  const nBoot = opts.bootstrap ?? 1000;
  const conf = opts.confidence ?? 0.95;
  if (!(conf > 0 && conf < 1)) throw new Error(`confidence ${conf}: must be in (0, 1), e.g. 0.95`);
  const all = new Int32Array(n);
  for (let j = 0; j < n; j++) all[j] = j;
  const s1 = new Float64Array(d);
  const st = new Float64Array(d);
  estimate(fa, fb, fab as Float64Array[], all, s1, st);
  let sum = 0;
  for (let j = 0; j < n; j++) sum += fa[j]! + fb[j]!;
  const mean = sum / (2 * n);
  let ss = 0;
  for (let j = 0; j < n; j++) ss += (fa[j]! - mean) ** 2 + (fb[j]! - mean) ** 2;
  const variance = ss / (2 * n);
  if (!(variance > 0)) throw new Error('the model output is constant over the design: indices are undefined');

  const bootS1 = Array.from({ length: d }, () => new Float64Array(nBoot));
  const bootSt = Array.from({ length: d }, () => new Float64Array(nBoot));
  const rng = createRng(opts.seed ?? 1);
  const rows = new Int32Array(n);
  const bs1 = new Float64Array(d);
  const bst = new Float64Array(d);
  for (let r = 0; r < nBoot; r++) {
    for (let k = 0; k < n; k++) rows[k] = rng.int(n);
    estimate(fa, fb, fab as Float64Array[], rows, bs1, bst);
    for (let i = 0; i < d; i++) {
      bootS1[i]![r] = bs1[i]!;
      bootSt[i]![r] = bst[i]!;
    }
  }
  const alpha = (1 - conf) / 2;
  const ci = (x: Float64Array): [number, number] => {
    if (x.length === 0) return [NaN, NaN];
    x.sort();
    return [quantileSorted(x, alpha), quantileSorted(x, 1 - alpha)];
  };
  const indices = names.map((name, i) => ({
    name,
    s1: s1[i]!,
    s1Ci: ci(bootS1[i]!),
    st: st[i]!,
    stCi: ci(bootSt[i]!),
  }));
  return { indices, n, runs: n * (d + 2), mean, variance, confidence: conf, bootstrap: nBoot };
}

/**
 * Evaluate a model on every row of an n × d row-major matrix.
 * @example evalRows(Float64Array.of(1, 2, 3, 4, 5, 6), 2, (x) => x[0] + 2 * x[1]) // => Float64Array.of(5, 11, 17)
 */
export function evalRows(m: Float64Array, d: number, f: (x: Float64Array) => number): Float64Array {
  const n = m.length / d;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = f(m.subarray(r * d, (r + 1) * d));
  return out;
}

/**
 * A whole Sobol' study of a synchronous model: Saltelli design, N·(d + 2) runs, indices with intervals.
 * @example
 * // The Ishigami function; analytic first-order indices 0.314, 0.442, 0.
 * const ishigami = (x) => Math.sin(x[0]) + 7 * Math.sin(x[1]) ** 2 + 0.1 * x[2] ** 4 * Math.sin(x[0]);
 * const factors = ['x1', 'x2', 'x3'].map((name) => ({ name, lo: -Math.PI, hi: Math.PI }));
 * const r = sobolAnalysis(factors, ishigami, 8192, { bootstrap: 100 });
 * r.runs // => 8192 * 5
 * r.indices.map((k) => k.s1.toFixed(2)) // => ['0.31', '0.44', '0.00']
 */
export function sobolAnalysis(
  factors: readonly Factor[],
  model: (x: Float64Array) => number,
  n: number,
  opts: SobolOptions = {},
): SobolResult & { design: SaltelliDesign } {
  const design = saltelliDesign(factors, n);
  const d = factors.length;
  const r = sobolIndices(
    factors.map((f) => f.name),
    evalRows(design.a, d, model),
    evalRows(design.b, d, model),
    design.ab.map((m) => evalRows(m, d, model)),
    opts,
  );
  return { ...r, design };
}
