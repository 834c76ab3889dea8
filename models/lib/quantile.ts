/**
 * The project's one sample quantile: Hyndman & Fan (1996) type 7, the default of R's `quantile()` and of numpy's
 * `quantile(method="linear")`. For sorted x[0..n-1] and probability p: h = (n − 1)p, and
 *   Q(p) = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
 * Used by the engine's aggregation (P10/P50/P90 over replications), the target evaluator and the re-forecast, so a
 * band means the same thing everywhere. Works on plain and typed arrays; sort once, ask for many probabilities.
 *
 * Weighted samples (the re-forecast's importance weights) use the same interpolation on weighted plotting positions:
 * sample k (sorted, weight w_k, total W) sits at t_k = (S_k − w_k/2 − w_0/2) / (W − w_0/2 − w_{n−1}/2), where S_k is
 * the cumulative weight through k. With equal weights t_k = k/(n − 1), which is exactly type 7; zero-weight samples
 * are dropped. Pure: no I/O, no randomness.
 */

/**
 * Type-7 quantile of an ascending array (not checked: sort first); NaN for an empty array.
 * @example quantileSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.1) // => 1.9
 * @example quantileSorted(Float64Array.of(1, 1, 2, 3, 4, 5, 6, 9), 0.9) // => 6.9
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const x0 = sorted[lo]!;
  if (lo + 1 >= n) return x0;
  const frac = h - lo;
  // frac = 0 returns x0 exactly (no 0 × (x1 − x0) rounding, and no NaN when x1 is ±Infinity).
  return frac === 0 ? x0 : x0 + frac * (sorted[lo + 1]! - x0);
}

/**
 * Type-7 quantiles of unsorted values for several probabilities (one copy, one numeric sort); NaN values are
 * ignored, an empty (or all-NaN) input gives NaN for every p.
 * @example quantiles([3, 1, 4, 1, 5, 9, 2, 6], [0.1, 0.25, 0.5, 0.9]) // => [1, 1.75, 3.5, 6.9]
 */
export function quantiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  const buf = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) buf[n++] = v;
  }
  // Float64Array.prototype.sort is numeric, unlike Array's default string order.
  const sorted = buf.subarray(0, n).sort();
  return ps.map((p) => quantileSorted(sorted, p));
}

/**
 * Weighted type-7 quantiles (positions as in the module comment) for several probabilities; samples with zero,
 * negative or NaN weight and NaN values are dropped. Equal weights give exactly `quantiles`. NaN when no sample
 * is left.
 * @example weightedQuantiles([1, 2, 3, 4], [1, 1, 1, 1], [0.1, 0.5]) // => [1.3, 2.5]
 * @example weightedQuantiles([1, 2, 3], [1, 2, 1], [0.5]) // => [2]
 */
export function weightedQuantiles(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  ps: readonly number[],
): number[] {
  if (weights.length !== values.length)
    throw new RangeError(`weightedQuantiles: ${values.length} values but ${weights.length} weights`);
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!) && weights[i]! > 0) idx.push(i);
  idx.sort((a, b) => values[a]! - values[b]!);
  const n = idx.length;
  for (const p of ps) if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
  if (n === 0) return ps.map(() => NaN);
  if (n === 1) return ps.map(() => values[idx[0]!]!);
  const x = new Float64Array(n);
  const t = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) total += weights[idx[k]!]!;
  const w0 = weights[idx[0]!]!;
  const span = total - w0 / 2 - weights[idx[n - 1]!]! / 2;
  let cum = 0;
  for (let k = 0; k < n; k++) {
    const w = weights[idx[k]!]!;
    cum += w;
    x[k] = values[idx[k]!]!;
    t[k] = (cum - w / 2 - w0 / 2) / span;
  }
  // Rounding can leave the last position a hair off 1; pin the ends so p = 0 and p = 1 give min and max.
  t[0] = 0;
  t[n - 1] = 1;
  return ps.map((p) => {
    // Last k with t[k] ≤ p (binary search), then interpolate towards k + 1.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t[mid]! <= p) lo = mid;
      else hi = mid - 1;
    }
    if (lo >= n - 1) return x[n - 1]!;
    const frac = (p - t[lo]!) / (t[lo + 1]! - t[lo]!);
    return frac <= 0 ? x[lo]! : x[lo]! + frac * (x[lo + 1]! - x[lo]!);
  });
}
