import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/rng.ts';
import {
  betaQuantileTable,
  DurationSampler,
  gamma,
  TABLE_SIZE,
  pertMean,
  pertSd,
  triangularCdf,
  triangularInv,
  voseSd,
} from '../lib/pert.ts';

function moments(s: DurationSampler, n: number, seed: number, exact = false) {
  const rng = createRng(seed);
  let sum = 0;
  let sum2 = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = exact ? s.sampleExact(rng) : s.sample(rng);
    sum += x;
    sum2 += x * x;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const mean = sum / n;
  return { mean, sd: Math.sqrt(sum2 / n - mean * mean), lo, hi };
}

const CASES = [
  { a: 5, m: 10, b: 30 }, // town node default (research §3)
  { a: 1, m: 3, b: 10 }, // village node default
  { a: 20, m: 40, b: 90 },
  { a: 0, m: 0.5, b: 1 },
];

describe('Beta-PERT sampling (100k draws)', () => {
  for (const t of CASES) {
    it(`classic (${t.a}, ${t.m}, ${t.b}): mean within 1 % of (a+4m+b)/6 and SD within 1 % of (b−a)/6`, () => {
      const r = moments(new DurationSampler(t, 'classic'), 100_000, 11);
      expect(Math.abs(r.mean / pertMean(t) - 1)).toBeLessThan(0.01);
      expect(Math.abs(r.sd / pertSd(t) - 1)).toBeLessThan(0.01);
      expect(r.lo).toBeGreaterThanOrEqual(t.a);
      expect(r.hi).toBeLessThanOrEqual(t.b);
    });
    it(`classic (${t.a}, ${t.m}, ${t.b}), exact Gamma-ratio sampler: same moments within 1 %`, () => {
      const r = moments(new DurationSampler(t, 'classic'), 100_000, 14, true);
      expect(Math.abs(r.mean / pertMean(t) - 1)).toBeLessThan(0.01);
      expect(Math.abs(r.sd / pertSd(t) - 1)).toBeLessThan(0.01);
    });
    it(`vose (${t.a}, ${t.m}, ${t.b}): mean within 1 % of (a+4m+b)/6 and SD within 1 % of √((μ−a)(b−μ)/7)`, () => {
      const r = moments(new DurationSampler(t, 'vose'), 100_000, 12);
      expect(Math.abs(r.mean / pertMean(t) - 1)).toBeLessThan(0.01);
      expect(Math.abs(r.sd / voseSd(t) - 1)).toBeLessThan(0.01);
    });
  }
  it('vose SD equals (b−a)/6 exactly at the skew (m−a)/(b−a) = (2−√2)/4, and differs by 5 % for the village default', () => {
    const t = { a: 0, m: (2 - Math.SQRT2) / 4, b: 6 };
    t.m *= 6;
    expect(voseSd(t)).toBeCloseTo(pertSd(t), 12);
    const r = moments(new DurationSampler(t, 'vose'), 100_000, 13);
    expect(Math.abs(r.sd / pertSd(t) - 1)).toBeLessThan(0.01);
    const village = { a: 1, m: 3, b: 10 };
    expect(voseSd(village) / pertSd(village) - 1).toBeGreaterThan(0.04);
  });
  it('classic Beta shape parameters reproduce the PERT moments analytically', () => {
    for (const t of CASES) {
      const s = new DurationSampler(t, 'classic');
      const ab = s.alpha + s.beta;
      const mean = t.a + ((t.b - t.a) * s.alpha) / ab;
      const sd = (t.b - t.a) * Math.sqrt((s.alpha * s.beta) / (ab * ab * (ab + 1)));
      expect(mean).toBeCloseTo(pertMean(t), 10);
      expect(sd).toBeCloseTo(pertSd(t), 10);
    }
  });
  it('the quantile table matches the exact Beta CDF: Beta(2, 2) has F(x) = 3x² − 2x³', () => {
    const q = betaQuantileTable(2, 2);
    for (let k = 0; k <= TABLE_SIZE; k += 64) {
      const x = q[k]!;
      expect(3 * x * x - 2 * x * x * x).toBeCloseTo(k / TABLE_SIZE, 6);
    }
    // α < 1 (J-shaped, unbounded density at 0): Beta(0.5, 1) has F(x) = √x.
    const j = betaQuantileTable(0.5, 1);
    for (let k = 64; k <= TABLE_SIZE; k += 64) expect(Math.sqrt(j[k]!)).toBeCloseTo(k / TABLE_SIZE, 3);
  });
  it('degenerate a = m = b returns the constant; a > m is rejected', () => {
    expect(new DurationSampler({ a: 4, m: 4, b: 4 }, 'classic').sample(createRng(1))).toBe(4);
    expect(() => new DurationSampler({ a: 5, m: 4, b: 6 }, 'classic')).toThrow(/a ≤ m ≤ b/);
  });
  it('gamma(k) has mean k and variance k (k = 0.5, 2.5, 9)', () => {
    const rng = createRng(5);
    for (const k of [0.5, 2.5, 9]) {
      let s = 0;
      let s2 = 0;
      const n = 100_000;
      for (let i = 0; i < n; i++) {
        const x = gamma(rng, k);
        s += x;
        s2 += x * x;
      }
      const mean = s / n;
      expect(Math.abs(mean / k - 1)).toBeLessThan(0.02);
      expect(Math.abs((s2 / n - mean * mean) / k - 1)).toBeLessThan(0.04);
    }
  });
});

describe('triangular inverse CDF', () => {
  it('is exact: closed-form values and CDF(inverse(u)) = u', () => {
    expect(triangularInv(0.125, 0, 0.5, 1)).toBeCloseTo(0.25, 15); // √(0.125·1·0.5)
    expect(triangularInv(0.875, 0, 0.5, 1)).toBeCloseTo(0.75, 15); // 1 − √(0.125·1·0.5)
    expect(triangularInv(0, 2, 3, 7)).toBe(2);
    expect(triangularInv(1, 2, 3, 7)).toBe(7);
    for (const [a, m, b] of [
      [0, 0.5, 1],
      [1, 3, 10],
      [5, 5, 9],
      [5, 9, 9],
    ] as const) {
      for (let k = 0; k <= 100; k++) {
        const u = k / 100;
        expect(triangularCdf(triangularInv(u, a, m, b), a, m, b)).toBeCloseTo(u, 12);
      }
    }
  });
  it('triangular sampler has mean (a+m+b)/3 (100k draws, 1 %)', () => {
    const t = { a: 1, m: 3, b: 10 };
    const r = moments(new DurationSampler(t, 'triangular'), 100_000, 21);
    expect(Math.abs(r.mean / ((t.a + t.m + t.b) / 3) - 1)).toBeLessThan(0.01);
    expect(Math.abs(r.sd / new DurationSampler(t, 'triangular').sd() - 1)).toBeLessThan(0.01);
  });
});
