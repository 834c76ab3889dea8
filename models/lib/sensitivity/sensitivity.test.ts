import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.ts';
import {
  morrisAnalysis,
  morrisDesign,
  saltelliDesign,
  sobolAnalysis,
  sobolIndices,
  sobolSequence,
  type Factor,
} from './index.ts';

const A = 7;
const B = 0.1;
const PI = Math.PI;
const ishigami = (x: Float64Array): number =>
  Math.sin(x[0]!) + A * Math.sin(x[1]!) ** 2 + B * x[2]! ** 4 * Math.sin(x[0]!);
const ishigamiFactors: Factor[] = ['x1', 'x2', 'x3'].map((name) => ({ name, lo: -PI, hi: PI }));

/**
 * Analytic Sobol' indices of Ishigami (x_i ~ U(−π, π)), from its ANOVA decomposition (Sobol' & Levitan 1999):
 *   V1 = ½(1 + bπ⁴/5)², V2 = a²/8, V3 = 0, V13 = b²π⁸(1/18 − 1/50), V = V1 + V2 + V13.
 */
function ishigamiAnalytic(): { s1: number[]; st: number[] } {
  const v1 = 0.5 * (1 + (B * PI ** 4) / 5) ** 2;
  const v2 = A ** 2 / 8;
  const v13 = B ** 2 * PI ** 8 * (1 / 18 - 1 / 50);
  const v = v1 + v2 + v13;
  return { s1: [v1 / v, v2 / v, 0], st: [(v1 + v13) / v, v2 / v, v13 / v] };
}

describe("Sobol' sequence (Joe-Kuo direction numbers)", () => {
  it('first points as the published sequence; every 1-D projection of 2^k points is one point per 1/2^k cell', () => {
    const s = sobolSequence(8, 3);
    expect(Array.from(s.subarray(0, 12))).toEqual([0, 0, 0, 0.5, 0.5, 0.5, 0.75, 0.25, 0.25, 0.25, 0.75, 0.75]);
    const n = 1024;
    const d = 40;
    const x = sobolSequence(n, d);
    for (let j = 0; j < d; j++) {
      const cells = new Uint8Array(n);
      for (let i = 0; i < n; i++) cells[Math.floor(x[i * d + j]! * n)]!++;
      expect(cells.every((c) => c === 1)).toBe(true);
    }
  });

  it('point 1000 in 40 dimensions equals scipy 1.17 (qmc.Sobol(40, scramble=False), same Joe-Kuo table)', () => {
    // Reference printed by scipy.stats.qmc.Sobol(d=40, scramble=False).random(1024)[1000], an independent
    // implementation (Gray-code order); a wrong polynomial or initial number in any dimension changes its value.
    const scipy = [
      0.2197265625, 0.0966796875, 0.5185546875, 0.6767578125, 0.2802734375, 0.9072265625, 0.0458984375, 0.8994140625,
      0.5009765625, 0.0693359375, 0.0849609375, 0.2548828125, 0.1611328125, 0.3837890625, 0.1435546875, 0.3701171875,
      0.7197265625, 0.3447265625, 0.9912109375, 0.7255859375, 0.5224609375, 0.5498046875, 0.9501953125, 0.5400390625,
      0.5830078125, 0.9072265625, 0.0400390625, 0.9794921875, 0.0595703125, 0.3408203125, 0.1474609375, 0.1455078125,
      0.2958984375, 0.5927734375, 0.8017578125, 0.7705078125, 0.8486328125, 0.8310546875, 0.3076171875, 0.4794921875,
    ];
    const x = sobolSequence(1001, 40);
    expect(Array.from(x.subarray(1000 * 40))).toEqual(scipy);
  });

  it('rejects too many dimensions and bad ranges', () => {
    expect(() => sobolSequence(4, 41)).toThrow(/1\.\.40/);
    expect(() => saltelliDesign([{ name: 'x', lo: 1, hi: 1 }], 8)).toThrow(/lo < hi/);
    expect(() => saltelliDesign(ishigamiFactors, 1)).toThrow(/≥ 2/);
  });
});

describe('Sobol indices on the Ishigami function (a = 7, b = 0.1)', () => {
  it('the analytic values are the published ones', () => {
    const { s1, st } = ishigamiAnalytic();
    expect(s1[0]).toBeCloseTo(0.3139, 4);
    expect(s1[1]).toBeCloseTo(0.4424, 4);
    expect(st[0]).toBeCloseTo(0.5576, 4);
    expect(st[2]).toBeCloseTo(0.2437, 4);
  });

  it('N = 8192 (40,960 runs): S1 and ST within 0.01 of the analytic values; 95 % bootstrap CIs cover them', () => {
    const { s1, st } = ishigamiAnalytic();
    const r = sobolAnalysis(ishigamiFactors, ishigami, 8192, { bootstrap: 300, seed: 11 });
    expect(r.runs).toBe(8192 * 5);
    r.indices.forEach((k, i) => {
      expect(Math.abs(k.s1 - s1[i]!), `S1 ${k.name}`).toBeLessThan(0.01);
      expect(Math.abs(k.st - st[i]!), `ST ${k.name}`).toBeLessThan(0.01);
      expect(k.s1Ci[0]).toBeLessThanOrEqual(s1[i]!);
      expect(k.s1Ci[1]).toBeGreaterThanOrEqual(s1[i]!);
      expect(k.stCi[0]).toBeLessThanOrEqual(st[i]!);
      expect(k.stCi[1]).toBeGreaterThanOrEqual(st[i]!);
      // The intervals are informative at this N: narrower than 0.07.
      expect(k.s1Ci[1] - k.s1Ci[0]).toBeLessThan(0.07);
    });
    // Variance of Ishigami: a²/8 + bπ⁴/5 + b²π⁸/18 + ½.
    const v = A ** 2 / 8 + (B * PI ** 4) / 5 + (B ** 2 * PI ** 8) / 18 + 0.5;
    expect(Math.abs(r.variance - v) / v).toBeLessThan(0.01);
  });

  it('the error shrinks with N: at N = 512 the largest error is bigger than at N = 8192', () => {
    const { s1, st } = ishigamiAnalytic();
    const err = (n: number): number => {
      const r = sobolAnalysis(ishigamiFactors, ishigami, n, { bootstrap: 0 });
      return Math.max(...r.indices.flatMap((k, i) => [Math.abs(k.s1 - s1[i]!), Math.abs(k.st - st[i]!)]));
    };
    expect(err(512)).toBeGreaterThan(err(8192));
  });

  it('bootstrap intervals are reproducible from the seed and change with it', () => {
    const a = sobolAnalysis(ishigamiFactors, ishigami, 256, { bootstrap: 100, seed: 5 });
    const b = sobolAnalysis(ishigamiFactors, ishigami, 256, { bootstrap: 100, seed: 5 });
    const c = sobolAnalysis(ishigamiFactors, ishigami, 256, { bootstrap: 100, seed: 6 });
    expect(b.indices).toEqual(a.indices);
    expect(c.indices[0]!.s1Ci).not.toEqual(a.indices[0]!.s1Ci);
  });

  it('an additive model has S1 = ST for every factor, summing to 1; a seeded Monte Carlo design agrees', () => {
    const f: Factor[] = [
      { name: 'u', lo: 0, hi: 1 },
      { name: 'v', lo: 0, hi: 2 },
    ];
    const model = (x: Float64Array): number => 3 * x[0]! + x[1]!;
    // Var(3u) = 9/12, Var(v) = 4/12 → S = 9/13, 4/13.
    const r = sobolAnalysis(f, model, 4096, { bootstrap: 0 });
    expect(r.indices[0]!.s1).toBeCloseTo(9 / 13, 2);
    expect(r.indices[1]!.st).toBeCloseTo(4 / 13, 2);
    const des = saltelliDesign(f, 20000, createRng(3));
    const ev = (m: Float64Array): Float64Array => {
      const out = new Float64Array(m.length / 2);
      for (let k = 0; k < out.length; k++) out[k] = model(m.subarray(2 * k, 2 * k + 2));
      return out;
    };
    const mc = sobolIndices(['u', 'v'], ev(des.a), ev(des.b), des.ab.map(ev), { bootstrap: 0 });
    expect(mc.indices[0]!.s1).toBeCloseTo(9 / 13, 1);
    expect(mc.indices[0]!.st).toBeCloseTo(9 / 13, 1);
  });

  it('bad outputs are rejected with the factor named', () => {
    const y = new Float64Array(4).fill(1);
    const bad = Float64Array.from([1, NaN, 1, 1]);
    expect(() => sobolIndices(['p', 'q'], y, y, [y, bad])).toThrow(/q.*finite/);
    expect(() => sobolIndices(['p'], y, y, [y], { bootstrap: 0 })).toThrow(/constant/);
  });
});

describe('Morris screening', () => {
  it('on a linear function μ* = |coefficient| × range and σ = 0, for any seed', () => {
    const f: Factor[] = [
      { name: 'a', lo: 0, hi: 10 },
      { name: 'b', lo: -1, hi: 1 },
      { name: 'c', lo: 100, hi: 300 },
    ];
    const coef = [2, -5, 0.25];
    const model = (x: Float64Array): number => coef[0]! * x[0]! + coef[1]! * x[1]! + coef[2]! * x[2]! + 7;
    for (const seed of [1, 2, 3]) {
      const m = morrisAnalysis(f, model, 12, createRng(seed));
      m.forEach((k, i) => {
        const want = Math.abs(coef[i]!) * (f[i]!.hi - f[i]!.lo);
        expect(k.muStar).toBeCloseTo(want, 9);
        expect(Math.abs(k.mu)).toBeCloseTo(want, 9);
        expect(k.sigma).toBeLessThan(1e-9 * want);
      });
    }
  });

  it('trajectories stay on the p-level grid inside the ranges and move one factor by Δ per step', () => {
    const des = morrisDesign(ishigamiFactors, 30, createRng(9), 4);
    const d = 3;
    for (let t = 0; t < 30; t++) {
      for (let k = 0; k < d; k++) {
        const r0 = (t * (d + 1) + k) * d;
        let changed = 0;
        for (let i = 0; i < d; i++) {
          const u1 = (des.x[r0 + d + i]! + PI) / (2 * PI);
          expect(u1).toBeGreaterThanOrEqual(-1e-12);
          expect(u1).toBeLessThanOrEqual(1 + 1e-12);
          expect(Math.abs(u1 * 3 - Math.round(u1 * 3))).toBeLessThan(1e-9);
          if (des.x[r0 + d + i] !== des.x[r0 + i]) changed++;
        }
        expect(changed).toBe(1);
      }
    }
  });

  it('Ishigami (p = 4, r = 2000): μ* near its exact expectation over the design; x2 > x1 > x3, σ3 largest', () => {
    // Exact E[μ*] for p = 4 (levels −π, −π/3, π/3, π; Δ = 2/3 of the range): a moving factor jumps between levels
    // 0↔2 or 1↔3 with equal chance; the other factors sit on a uniformly drawn level.
    const lv = [-PI, -PI / 3, PI / 3, PI];
    const pairs = [
      [0, 2],
      [1, 3],
    ];
    const exact = [0, 0, 0];
    for (const [p, q] of pairs) {
      for (const u of lv) {
        for (const w of lv) {
          const lo = (i: number): Float64Array => Float64Array.from([0, 1, 2].map((k) => (k === i ? lv[p!]! : 0)));
          const pt = (i: number, level: number): Float64Array => {
            const x = lo(i);
            x[i] = lv[level]!;
            const others = [0, 1, 2].filter((k) => k !== i);
            x[others[0]!] = u;
            x[others[1]!] = w;
            return x;
          };
          for (let i = 0; i < 3; i++) exact[i]! += Math.abs(ishigami(pt(i, q!)) - ishigami(pt(i, p!))) / (2 / 3);
        }
      }
    }
    for (let i = 0; i < 3; i++) exact[i] = exact[i]! / (2 * 16) / (2 * PI);
    const m = morrisAnalysis(ishigamiFactors, ishigami, 2000, createRng(4));
    m.forEach((k, i) => {
      // Tolerance: 4 standard errors of the mean |EE| (σ ≤ 9 here → 4·9/√2000 = 0.8).
      expect(Math.abs(k.muStar - exact[i]! * 2 * PI), k.name).toBeLessThan((4 * 9) / Math.sqrt(2000));
    });
    expect(m[1]!.muStar).toBeGreaterThan(m[0]!.muStar);
    expect(m[0]!.muStar).toBeGreaterThan(m[2]!.muStar);
    expect(m[2]!.sigma).toBeGreaterThan(m[0]!.sigma);
    expect(m[2]!.sigma).toBeGreaterThan(m[1]!.sigma);
  });

  it('rejects odd level counts and a single trajectory', () => {
    expect(() => morrisDesign(ishigamiFactors, 10, createRng(1), 3)).toThrow(/even/);
    expect(() => morrisDesign(ishigamiFactors, 1, createRng(1))).toThrow(/≥ 2/);
  });
});
