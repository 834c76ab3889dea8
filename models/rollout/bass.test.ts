import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/rng.ts';
import { bassDiscrete, bassF, bassInverse, bassPeakTime, linearRamp } from './bass.ts';

describe('Bass diffusion', () => {
  const cases = [
    { p: 0.03, q: 0.38 },
    { p: 0.1, q: 0.5 },
    { p: 0.3, q: 0.6 },
    { p: 0.4, q: 1.2 },
  ];
  it('the discrete model with fine steps (Δt = 0.001) matches the closed form F(t) within 1e-3 over 0–15', () => {
    const dt = 0.001;
    const f = new Float64Array(15_001);
    for (const { p, q } of cases) {
      bassDiscrete(p, q, dt, f);
      let worst = 0;
      for (let k = 0; k < f.length; k++) worst = Math.max(worst, Math.abs(f[k]! - bassF(k * dt, p, q)));
      expect(worst).toBeLessThan(1e-3);
    }
  });
  it('the adoption rate of the discrete model peaks at ln(q/p)/(p+q)', () => {
    const dt = 0.001;
    const f = new Float64Array(20_001);
    for (const { p, q } of cases) {
      bassDiscrete(p, q, dt, f);
      let best = 1;
      for (let k = 1; k < f.length; k++) if (f[k]! - f[k - 1]! > f[best]! - f[best - 1]!) best = k;
      expect(Math.abs(best * dt - bassPeakTime(p, q))).toBeLessThan(0.01);
    }
  });
  it('reproduces the illustration in research §2.1 (D)', () => {
    const pct = (t: number, p: number, q: number) => 100 * bassF(t, p, q);
    expect([1, 3, 5].map((t) => pct(t, 0.03, 0.38).toFixed(1))).toEqual(['3.6', '15.1', '33.1']);
    expect(bassPeakTime(0.03, 0.38)).toBeCloseTo(6.2, 1);
    expect([1, 3, 5].map((t) => Math.round(pct(t, 0.1, 0.5)))).toEqual([12, 46, 76]);
    expect(bassPeakTime(0.1, 0.5)).toBeCloseTo(2.7, 1);
    expect([1, 3, 5].map((t) => Math.round(pct(t, 0.3, 0.6)))).toEqual([33, 82, 97]);
    expect(bassPeakTime(0.3, 0.6)).toBeCloseTo(0.8, 1);
  });
  it('the inverse CDF round-trips and individual adoption times drawn with it follow F (20k draws, 0.01)', () => {
    for (const t of [0.1, 1, 3, 7]) expect(bassInverse(bassF(t, 0.1, 0.5), 0.1, 0.5)).toBeCloseTo(t, 9);
    const rng = createRng(3);
    const n = 20_000;
    const times = Array.from({ length: n }, () => bassInverse(rng.next(), 0.1, 0.5));
    for (const t of [1, 2, 4, 8]) {
      const emp = times.filter((x) => x <= t).length / n;
      expect(Math.abs(emp - bassF(t, 0.1, 0.5))).toBeLessThan(0.01);
    }
  });
  it('linear ramp rises at its rate and clamps at 1', () => {
    expect(linearRamp(0, 0.72, 0.12)).toBe(0.72);
    expect(linearRamp(2, 0.72, 0.12)).toBeCloseTo(0.96, 12);
    expect(linearRamp(10, 0.72, 0.12)).toBe(1);
    expect(linearRamp(-1, 0.72, 0.12)).toBe(0.72);
  });
});
