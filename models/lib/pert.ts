/**
 * Task-duration distributions for Monte Carlo schedules: Beta-PERT (two parameterisations) and triangular.
 *
 * PERT (US Navy Polaris programme, 1958) describes a task by optimistic a, most likely m and pessimistic b with
 * mean μ = (a + 4m + b)/6 and standard deviation σ = (b − a)/6. A Beta distribution on [a, b] carries those numbers:
 * - `classic` (default): the Beta whose mean and SD are exactly μ and σ (method of moments). This is the
 *   distribution the planner's PERT numbers describe; its mode is close to, but not exactly, m.
 * - `vose`: α = 1 + 4(m − a)/(b − a), β = 1 + 4(b − m)/(b − a) (probsee.com, rhces.com). Mean is μ exactly and the
 *   mode is m exactly, but the SD is √((μ − a)(b − μ)/7), which equals (b − a)/6 only for one skew
 *   ((m − a)/(b − a) ≈ 0.146 or 0.854); for the village default (1, 3, 10) it is 5 % larger.
 * - `triangular`: mean (a + m + b)/3, sampled by the exact inverse CDF.
 */
import type { Rng } from './rng.ts';

/** Optimistic, most likely and pessimistic values (same unit, a ≤ m ≤ b). */
export interface ThreePoint {
  a: number;
  m: number;
  b: number;
}

export type DurationShape = 'classic' | 'vose' | 'triangular';

/**
 * PERT mean (a + 4m + b)/6.
 * @example pertMean({ a: 5, m: 10, b: 30 }) // => 12.5
 */
export function pertMean(t: ThreePoint): number {
  return (t.a + 4 * t.m + t.b) / 6;
}

/**
 * PERT standard deviation (b − a)/6 (the classical rule; exact for the `classic` shape).
 * @example pertSd({ a: 5, m: 10, b: 30 }) // => 25 / 6
 */
export function pertSd(t: ThreePoint): number {
  return (t.b - t.a) / 6;
}

/**
 * Exact SD of the `vose` Beta-PERT: √((μ − a)(b − μ)/7).
 * @example voseSd({ a: 0, m: 0.5, b: 1 }) // => 1 / Math.sqrt(28)
 */
export function voseSd(t: ThreePoint): number {
  const mu = pertMean(t);
  return Math.sqrt(((mu - t.a) * (t.b - mu)) / 7);
}

/**
 * Triangular inverse CDF: with Fm = (m − a)/(b − a), x = a + √(u(b − a)(m − a)) if u < Fm,
 * else b − √((1 − u)(b − a)(b − m)).
 * @example triangularInv(0.5, 0, 0.5, 1) // => 0.5
 */
export function triangularInv(u: number, a: number, m: number, b: number): number {
  const w = b - a;
  if (w <= 0) return a;
  const fm = (m - a) / w;
  return u < fm ? a + Math.sqrt(u * w * (m - a)) : b - Math.sqrt((1 - u) * w * (b - m));
}

/**
 * Triangular CDF (used to check the inverse).
 * @example triangularCdf(0.5, 0, 0.5, 1) // => 0.5
 */
export function triangularCdf(x: number, a: number, m: number, b: number): number {
  if (x <= a) return 0;
  if (x >= b) return 1;
  const w = b - a;
  return x <= m ? ((x - a) * (x - a)) / (w * (m - a)) : 1 - ((b - x) * (b - x)) / (w * (b - m));
}

/**
 * Gamma(k, 1) variate by Marsaglia & Tsang (2000); k < 1 via the boost Gamma(k + 1)·U^(1/k).
 * @example
 * // With a generator whose normal draw is 0 and uniform 0.5, the first proposal d = k − 1/3 is accepted.
 * gamma({ next: () => 0.5, normal: () => 0 }, 3) // => 3 - 1 / 3
 */
export function gamma(rng: Rng, k: number): number {
  if (k < 1) {
    const u = rng.next();
    return gamma(rng, k + 1) * Math.pow(u > 0 ? u : Number.MIN_VALUE, 1 / k);
  }
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Intervals of the Beta quantile tables. */
export const TABLE_SIZE = 4096;
/** Cells of the numerical CDF the tables are inverted from. */
const CDF_CELLS = 1 << 16;

/**
 * Quantile function of Beta(α, β) on [0, 1] at u = k/TABLE_SIZE, k = 0…TABLE_SIZE, from a numerical CDF:
 * midpoint rule on 65,536 cells, with the first and last cells integrated in closed form (x^(α−1) and (1−x)^(β−1)
 * are integrable but may be unbounded there).
 * @example
 * betaQuantileTable(1, 1)[TABLE_SIZE / 2] // => 0.5
 * betaQuantileTable(2, 2)[TABLE_SIZE / 4].toFixed(4) // => '0.3264'
 */
export function betaQuantileTable(alpha: number, beta: number): Float64Array {
  const n = CDF_CELLS;
  const h = 1 / n;
  const cdf = new Float64Array(n + 1);
  const pdf = (x: number) => Math.exp((alpha - 1) * Math.log(x) + (beta - 1) * Math.log1p(-x));
  // ∫_0^h x^(α−1)(1−x)^(β−1) dx ≈ (1 − h/2)^(β−1) · h^α/α, and symmetrically at 1.
  cdf[1] = Math.pow(1 - h / 2, beta - 1) * (Math.pow(h, alpha) / alpha);
  for (let j = 1; j < n - 1; j++) cdf[j + 1] = cdf[j]! + pdf((j + 0.5) * h) * h;
  cdf[n] = cdf[n - 1]! + Math.pow(1 - h / 2, alpha - 1) * (Math.pow(h, beta) / beta);
  const total = cdf[n]!;
  for (let j = 1; j <= n; j++) cdf[j]! /= total;
  const q = new Float64Array(TABLE_SIZE + 1);
  let j = 0;
  for (let k = 0; k <= TABLE_SIZE; k++) {
    const u = k / TABLE_SIZE;
    while (j < n - 1 && cdf[j + 1]! < u) j++;
    const lo = cdf[j]!;
    const hi = cdf[j + 1]!;
    q[k] = Math.min(1, Math.max(0, (j + (hi > lo ? (u - lo) / (hi - lo) : 0)) * h));
  }
  q[0] = 0;
  q[TABLE_SIZE] = 1;
  return q;
}

/**
 * A prepared sampler for one three-point estimate: shape constants are computed once, `sample` allocates nothing.
 * @example
 * const s = new DurationSampler({ a: 5, m: 10, b: 30 }, 'classic');
 * s.mean() // => 12.5
 * // u = 0.5 from the generator gives the median of the Beta-PERT.
 * s.sample({ next: () => 0.5 }).toFixed(3) // => '11.968'
 */
export class DurationSampler {
  readonly a: number;
  readonly m: number;
  readonly b: number;
  readonly shape: DurationShape;
  /** Beta shape parameters (NaN for triangular). */
  readonly alpha: number;
  readonly beta: number;
  /** Quantile table of the standard Beta on [0, 1] at u = k/TABLE_SIZE (empty for triangular / degenerate). */
  private readonly quantiles: Float64Array;

  constructor(t: ThreePoint, shape: DurationShape) {
    if (!(t.a <= t.m && t.m <= t.b))
      throw new Error(`three-point estimate needs a ≤ m ≤ b, got a=${t.a}, m=${t.m}, b=${t.b}`);
    this.a = t.a;
    this.m = t.m;
    this.b = t.b;
    this.shape = shape;
    const w = t.b - t.a;
    if (shape === 'triangular' || w === 0) {
      this.alpha = NaN;
      this.beta = NaN;
    } else if (shape === 'vose') {
      this.alpha = 1 + (4 * (t.m - t.a)) / w;
      this.beta = 1 + (4 * (t.b - t.m)) / w;
    } else {
      // Method of moments on [0, 1]: mean μ' = (μ − a)/w ∈ [1/6, 5/6], variance 1/36.
      const mu = (pertMean(t) - t.a) / w;
      const nu = mu * (1 - mu) * 36 - 1; // ≥ 4 because μ'(1 − μ') ≥ 5/36
      this.alpha = mu * nu;
      this.beta = (1 - mu) * nu;
    }
    this.quantiles = Number.isNaN(this.alpha) ? new Float64Array(0) : betaQuantileTable(this.alpha, this.beta);
  }

  /**
   * One draw by inverse CDF: one uniform and a linear interpolation in the quantile table (the hot path: thousands
   * of tasks per replication). Moments are tested against the closed forms in pert.test.ts.
   */
  sample(rng: Rng): number {
    const w = this.b - this.a;
    if (w === 0) return this.a;
    if (this.shape === 'triangular') return triangularInv(rng.next(), this.a, this.m, this.b);
    const t = rng.next() * TABLE_SIZE;
    const k = t | 0;
    const q = this.quantiles;
    return this.a + w * (q[k]! + (t - k) * (q[k + 1]! - q[k]!));
  }

  /** One exact draw as a ratio of Gamma variates X/(X + Y) (reference for the table sampler). */
  sampleExact(rng: Rng): number {
    const w = this.b - this.a;
    if (w === 0) return this.a;
    if (this.shape === 'triangular') return triangularInv(rng.next(), this.a, this.m, this.b);
    const x = gamma(rng, this.alpha);
    const y = gamma(rng, this.beta);
    return this.a + (w * x) / (x + y);
  }

  /** Theoretical mean of this sampler. */
  mean(): number {
    if (this.shape === 'triangular') return (this.a + this.m + this.b) / 3;
    return pertMean(this);
  }

  /** Theoretical SD of this sampler. */
  sd(): number {
    if (this.shape === 'triangular') {
      const { a, m, b } = this;
      return Math.sqrt((a * a + m * m + b * b - a * m - a * b - m * b) / 18);
    }
    return this.shape === 'vose' ? voseSd(this) : pertSd(this);
  }
}
