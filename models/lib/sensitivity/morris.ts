/**
 * Morris elementary-effects screening (Morris 1991) with Campolongo's μ* (Campolongo, Cariboni & Saltelli 2007).
 *
 * Each factor is scaled to [0, 1] over its range and discretised on p levels {0, 1/(p−1), …, 1}; the step is
 * Δ = p / (2(p − 1)) (2/3 for p = 4). A trajectory starts at a random grid point and moves one factor at a time, in a
 * random order and direction, by ±Δ: d + 1 runs give one elementary effect per factor,
 *   EE_i = [f(x + Δ e_i) − f(x)] / Δ        (output change per whole range of factor i).
 * Over r trajectories: μ = mean EE, μ* = mean |EE| (Campolongo: effects of opposite sign do not cancel), σ = sample
 * standard deviation of EE (non-linearity or interactions). Cost r·(d + 1) runs. For a linear model
 * f = Σ c_i x_i every EE_i equals c_i·(hi_i − lo_i), so μ*_i = |c_i|·(hi_i − lo_i) and σ_i = 0 exactly.
 *
 * References: M.D. Morris (1991), "Factorial sampling plans for preliminary computational experiments",
 * Technometrics 33(2):161–174; F. Campolongo, J. Cariboni, A. Saltelli (2007), "An effective screening design for
 * sensitivity analysis of large models", Environ. Model. Softw. 22:1509–1518.
 */
import type { Rng } from '../rng.ts';
import { checkFactors, type Factor } from './sampling.ts';

/** A Morris design: r trajectories of d + 1 points each, rows in the factors' units. */
export interface MorrisDesign {
  r: number;
  d: number;
  levels: number;
  /** Step in the unit cube. */
  delta: number;
  /** r·(d+1) × d row-major points. */
  x: Float64Array;
  /** Per trajectory and step k (1..d): which factor moved and the signed unit step (±Δ). */
  moved: Int32Array;
  step: Float64Array;
}

/** Screening measures of one factor. */
export interface MorrisIndex {
  name: string;
  mu: number;
  muStar: number;
  sigma: number;
}

/**
 * Random trajectories (seeded). `levels` p must be even and ≥ 2 (default 4) so that Δ = p/(2(p−1)) keeps the grid.
 * @example
 * // Any { next, int } generator will do; runs pass createRng(seed).
 * const rng = { next: () => 0.25, int: (n) => n - 1 };
 * const factors = [{ name: 'crews', lo: 1, hi: 10 }, { name: 'delayMonths', lo: 0, hi: 12 }];
 * const des = morrisDesign(factors, 20, rng); des.x.length // => 20 * (2 + 1) * 2
 * des.delta // => 2 / 3
 * Array.from(des.x.subarray(0, 6)) // => [4, 4, 10, 4, 10, 12]
 */
export function morrisDesign(factors: readonly Factor[], r: number, rng: Rng, levels = 4): MorrisDesign {
  checkFactors(factors);
  if (!Number.isInteger(r) || r < 2) throw new Error(`Morris trajectories ${r}: need an integer ≥ 2 (σ needs two)`);
  if (!Number.isInteger(levels) || levels < 2 || levels % 2 !== 0)
    throw new Error(`Morris levels ${levels}: must be an even integer ≥ 2 (4 is usual)`);
  const d = factors.length;
  const delta = levels / (2 * (levels - 1));
  // Start levels that keep x ± Δ inside [0, 1]: 0 .. 1 − Δ, i.e. level indices 0 .. p/2 − 1.
  const startLevels = levels / 2;
  const x = new Float64Array(r * (d + 1) * d);
  const moved = new Int32Array(r * d);
  const step = new Float64Array(r * d);
  const u = new Float64Array(d);
  const order = new Int32Array(d);
  for (let t = 0; t < r; t++) {
    const dir = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      const base = rng.int(startLevels) / (levels - 1);
      dir[i] = rng.next() < 0.5 ? 1 : -1;
      // Going down starts Δ higher, so both directions stay on the grid.
      u[i] = dir[i]! > 0 ? base : base + delta;
      order[i] = i;
    }
    for (let i = d - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
    }
    const row0 = t * (d + 1);
    const put = (k: number): void => {
      for (let i = 0; i < d; i++) {
        const f = factors[i]!;
        x[(row0 + k) * d + i] = f.lo + (f.hi - f.lo) * u[i]!;
      }
    };
    put(0);
    for (let k = 0; k < d; k++) {
      const i = order[k]!;
      const s = dir[i]! * delta;
      u[i] = u[i]! + s;
      moved[t * d + k] = i;
      step[t * d + k] = s;
      put(k + 1);
    }
  }
  return { r, d, levels, delta, x, moved, step };
}

/**
 * μ, μ*, σ from the outputs y (one per design row, r·(d+1)).
 * @example
 * const rng = { next: () => 0.25, int: (n) => n - 1 };
 * const des = morrisDesign([{ name: 'a', lo: 0, hi: 1 }, { name: 'b', lo: 0, hi: 2 }], 4, rng);
 * // y = a − b on every design row (r·(d + 1) rows of d values):
 * const y = new Float64Array(des.x.length / 2).map((_, k) => des.x[2 * k] - des.x[2 * k + 1]);
 * morrisIndices(['a', 'b'], des, y).map((m) => [m.name, m.mu, m.muStar, m.sigma]) // => [['a', 1, 1, 0], ['b', -2, 2, 0]]
 */
export function morrisIndices(names: readonly string[], des: MorrisDesign, y: Float64Array): MorrisIndex[] {
  const { r, d } = des;
  if (names.length !== d) throw new Error(`${names.length} names for ${d} factors`);
  if (y.length !== r * (d + 1)) throw new Error(`${y.length} outputs for ${r * (d + 1)} design rows`);
  for (let k = 0; k < y.length; k++)
    if (!Number.isFinite(y[k]!)) throw new Error(`output ${k} is ${y[k]}: every model output must be finite`);
  const ee = Array.from({ length: d }, () => new Float64Array(r));
  for (let t = 0; t < r; t++) {
    for (let k = 0; k < d; k++) {
      const i = des.moved[t * d + k]!;
      const row = t * (d + 1) + k;
      ee[i]![t] = (y[row + 1]! - y[row]!) / des.step[t * d + k]!;
    }
  }
  return names.map((name, i) => {
    const e = ee[i]!;
    let s = 0;
    let sa = 0;
    for (let t = 0; t < r; t++) {
      s += e[t]!;
      sa += Math.abs(e[t]!);
    }
    const mu = s / r;
    let ss = 0;
    for (let t = 0; t < r; t++) ss += (e[t]! - mu) ** 2;
    return { name, mu, muStar: sa / r, sigma: Math.sqrt(ss / (r - 1)) };
  });
}

/**
 * A whole Morris screening of a synchronous model.
 * @example
 * // A linear model: μ* is the slope times the factor's range, σ is 0, an unused factor gets 0.
 * const rng = { next: () => 0.75, int: (n) => n - 1 };
 * const m = morrisAnalysis([{ name: 'x1', lo: 0, hi: 2 }, { name: 'x2', lo: 0, hi: 1 }], (x) => 3 * x[0], 10, rng);
 * m.map((k) => [k.name, k.muStar, k.sigma]) // => [['x1', 6, 0], ['x2', 0, 0]]
 */
export function morrisAnalysis(
  factors: readonly Factor[],
  model: (x: Float64Array) => number,
  r: number,
  rng: Rng,
  levels = 4,
): MorrisIndex[] {
  const des = morrisDesign(factors, r, rng, levels);
  const d = factors.length;
  const rows = des.x.length / d;
  const y = new Float64Array(rows);
  for (let k = 0; k < rows; k++) y[k] = model(des.x.subarray(k * d, (k + 1) * d));
  return morrisIndices(
    factors.map((f) => f.name),
    des,
    y,
  );
}
