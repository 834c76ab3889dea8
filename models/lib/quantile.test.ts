import { quantileSorted as ssQuantileSorted } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { createRng } from './rng.ts';
import { quantileSorted, quantiles, weightedQuantiles } from './quantile.ts';

/**
 * Golden values: numpy 2.4.6 `np.quantile(xs, p)` (default method "linear" = Hyndman-Fan type 7), run on this
 * machine on 2026-12-03; R's `quantile(xs, p)` (type = 7 by default) gives the same numbers. By hand for 1..10:
 * h = 9p; p = 0.1 → h = 0.9 → 1 + 0.9 × (2 − 1) = 1.9; p = 0.25 → 3 + 0.25 = 3.25; p = 0.9 → h = 8.1 → 9.1.
 */
const GOLDEN: Array<[number[], number[], number[]]> = [
  [
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    [0, 0.1, 0.25, 0.5, 0.9, 1],
    [1, 1.9, 3.25, 5.5, 9.1, 10],
  ],
  [
    [3, 1, 4, 1, 5, 9, 2, 6],
    [0.1, 0.25, 0.5, 0.9],
    [1, 1.75, 3.5, 6.8999999999999995],
  ],
  [[2.5], [0.1, 0.9], [2.5, 2.5]],
  [
    [10, 20],
    [0.1, 0.5, 0.9],
    [11, 15, 19],
  ],
];

describe('type-7 quantile (models/lib/quantile.ts)', () => {
  it('matches numpy/R type 7 on the golden samples, for arrays and typed arrays', () => {
    for (const [xs, ps, want] of GOLDEN) {
      const got = quantiles(xs, ps);
      got.forEach((g, i) => expect(g, `${xs} p=${ps[i]}`).toBeCloseTo(want[i]!, 12));
      const sorted = Float64Array.from(xs).sort();
      ps.forEach((p, i) => expect(quantileSorted(sorted, p)).toBeCloseTo(want[i]!, 12));
    }
  });

  it('agrees bit for bit with simple-statistics 7.12 quantileSorted (also type 7), which the aggregation used before', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 200; trial++) {
      const xs = Array.from({ length: 1 + Math.floor(rng.next() * 30) }, () => rng.next() * 1e3 - 200).sort(
        (a, b) => a - b,
      );
      for (const p of [0.1, 0.5, 0.9, rng.next()]) expect(quantileSorted(xs, p)).toBe(ssQuantileSorted(xs, p));
    }
  });

  it('sorts numerically, ignores NaN, and gives NaN for no data; p outside [0, 1] is an error', () => {
    expect(quantiles([10, 9, 100, Number.NaN, 2], [0, 1])).toEqual([2, 100]);
    expect(quantiles([], [0.5])).toEqual([Number.NaN]);
    expect(() => quantileSorted([1, 2], 1.5)).toThrow(/\[0, 1\]/);
  });

  it('is monotone in p and stays within [min, max] on random samples', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 50; trial++) {
      const xs = Array.from({ length: 1 + Math.floor(rng.next() * 40) }, () => rng.next() * 100 - 50);
      const ps = Array.from({ length: 21 }, (_, i) => i / 20);
      const q = quantiles(xs, ps);
      for (let i = 1; i < q.length; i++) expect(q[i]!).toBeGreaterThanOrEqual(q[i - 1]!);
      expect(q[0]).toBe(Math.min(...xs));
      expect(q[20]).toBe(Math.max(...xs));
    }
  });
});

describe('weighted type-7 quantile', () => {
  it('equal weights reproduce type 7 (any common weight)', () => {
    for (const [xs, ps, want] of GOLDEN) {
      for (const w of [1, 0.37]) {
        const got = weightedQuantiles(
          xs,
          xs.map(() => w),
          ps,
        );
        got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));
      }
    }
  });

  it('an integer weight k acts like k tied copies in the middle of the sample, zero weight drops a sample', () => {
    // [1, 2, 3] with weights [1, 2, 1]: the middle sample carries half the mass, so the median is exactly 2.
    expect(weightedQuantiles([1, 2, 3], [1, 2, 1], [0, 0.5, 1])).toEqual([1, 2, 3]);
    expect(weightedQuantiles([1, 50, 2, 3], [1, 0, 1, 1], [0.5])).toEqual([2]);
    expect(weightedQuantiles([5], [3], [0.1, 0.9])).toEqual([5, 5]);
    expect(weightedQuantiles([1, 2], [0, 0], [0.5])).toEqual([Number.NaN]);
  });

  it('moves towards heavily weighted samples and is monotone in p', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const heavyHigh = xs.map((x) => (x >= 7 ? 20 : 1));
    const [m0] = weightedQuantiles(
      xs,
      xs.map(() => 1),
      [0.5],
    );
    const [m1] = weightedQuantiles(xs, heavyHigh, [0.5]);
    expect(m1!).toBeGreaterThan(m0!);
    const ps = Array.from({ length: 101 }, (_, i) => i / 100);
    const q = weightedQuantiles(xs, heavyHigh, ps);
    for (let i = 1; i < q.length; i++) expect(q[i]!).toBeGreaterThanOrEqual(q[i - 1]!);
  });
});
