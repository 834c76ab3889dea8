/**
 * Hindcast (issue #21 item 5): CRPS against closed forms, coverage of the P10–P90 band on a synthetic truth drawn from
 * the forecast distribution (nominal 80 %) and on a biased one, and `twin hindcast` on the shipped seed facts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../models/lib/rng.ts';
import { normalCdf } from './actuals.ts';
import { crps, type Hindcast, hindcast, type HindcastInput } from './hindcast.ts';
import { ENGINE_ROOT } from './paths.ts';
import { openStore } from './store.ts';
import { tmpDir, twin } from './test/helpers.ts';

/** CRPS by its definition ∫ (F_n(x) − 1{x ≥ y})² dx, integrated exactly piecewise between the sorted points. */
function crpsIntegral(values: number[], y: number): number {
  const pts = [...values, y].sort((a, b) => a - b);
  const xs = [...values].sort((a, b) => a - b);
  let s = 0;
  for (let i = 0; i + 1 < pts.length; i++) {
    const mid = (pts[i]! + pts[i + 1]!) / 2;
    const F = xs.filter((x) => x <= mid).length / xs.length;
    const H = mid >= y ? 1 : 0;
    s += (F - H) ** 2 * (pts[i + 1]! - pts[i]!);
  }
  return s;
}

const actual = (value: number): HindcastInput['actual'] => ({
  metric: 'm',
  scope: 'city',
  date: '2019-12-31',
  value,
  unit: '1',
  source: 'synthetic',
  note: '',
  bound: '=',
});

describe('CRPS', () => {
  it('equals the integral of (F_n − H_y)² on random samples (1e-9)', () => {
    const rng = createRng(5);
    for (let t = 0; t < 50; t++) {
      const vs = Array.from({ length: 1 + rng.int(30) }, () => rng.normal() * 3);
      const y = rng.normal() * 4;
      expect(Math.abs(crps(vs, y) - crpsIntegral(vs, y))).toBeLessThan(1e-9);
    }
  });
  it('of a large N(0, 1) sample matches the Gaussian closed form z(2Φ(z) − 1) + 2φ(z) − 1/√π within 0.01', () => {
    const rng = createRng(11);
    const vs = Float64Array.from({ length: 20000 }, () => rng.normal());
    for (const y of [-2, -0.5, 0, 1, 3]) {
      const closed =
        y * (2 * normalCdf(y) - 1) + 2 * (Math.exp((-y * y) / 2) / Math.sqrt(2 * Math.PI)) - 1 / Math.sqrt(Math.PI);
      expect(Math.abs(crps(vs, y) - closed)).toBeLessThan(0.01);
    }
  });
});

describe('hindcast on a synthetic truth', () => {
  /** 1,000 actuals, each with its own 200-replication forecast of a log-normal; the truth drawn with `shift`. */
  function trial(shift: number): Hindcast {
    const rng = createRng(42);
    const inputs: HindcastInput[] = [];
    for (let i = 0; i < 1000; i++) {
      const mu = rng.normal();
      const values = Float64Array.from({ length: 200 }, () => Math.exp(mu + 0.5 * rng.normal()));
      inputs.push({ actual: actual(Math.exp(mu + shift + 0.5 * rng.normal())), model: 'x', values });
    }
    return hindcast(inputs);
  }
  it('coverage of P10–P90 is 80 % within 3 binomial SDs when the truth comes from the forecast distribution', () => {
    const h = trial(0);
    const f = h.families[0]!;
    expect(f.nValues).toBe(1000);
    // Expected coverage of the type-7 band of 200 draws: (180.1 − 20.9)/201 = 0.792; binomial SD √(0.8·0.2/1000) = 0.0126.
    expect(Math.abs(f.coverage - 0.8)).toBeLessThan(3 * Math.sqrt((0.8 * 0.2) / 1000));
    expect(h.rows.filter((r) => r.inside).length).toBe(Math.round(f.coverage * 1000));
  });
  it('a biased forecast (truth shifted by one SD of the log) loses coverage and scores a higher CRPS', () => {
    const good = trial(0).families[0]!;
    const bad = trial(0.5).families[0]!;
    expect(bad.coverage).toBeLessThan(good.coverage - 3 * Math.sqrt((0.8 * 0.2) / 1000) * 2);
    expect(bad.meanCrps).toBeGreaterThan(good.meanCrps * 1.1);
  });
  it('bounds count apart: reached when the band touches the allowed side, no CRPS; unmatched actuals are counted', () => {
    const vs = [0.6, 0.65, 0.7, 0.75]; // type-7 P90 = 0.735
    const h = hindcast([
      { actual: { ...actual(0.73), bound: '>=' }, model: 'x', values: vs },
      { actual: { ...actual(0.9), bound: '>=' }, model: 'x', values: vs },
      { actual: actual(0.7), model: null, values: null },
    ]);
    expect(h.rows.map((r) => r.inside)).toEqual([true, false, null]);
    expect(h.rows.every((r) => Number.isNaN(r.crps))).toBe(true);
    expect(h.families).toEqual([
      { model: 'x', matched: 2, nValues: 0, coverage: NaN, meanCrps: NaN, nBounds: 2, boundsReached: 1 },
    ]);
    expect(h.unmatched).toBe(1);
  });
});

describe('twin hindcast on the shipped seed facts', () => {
  it('matches all 9 seed facts to a rollout run; P10–P90 equal the stored series band; per-family counts add up', () => {
    const dir = tmpDir();
    const db = path.join(dir, 'hc.sqlite');
    const sc = path.join(dir, 'hc.yaml');
    writeFileSync(sc, 'name: hc\nmodels: [rollout]\nreplications: 20\n');
    expect(twin(['run', sc, '--db', db, '--threads', '1']).status).toBe(0);
    expect(twin(['hindcast', '--db', db]).stdout).toMatch(/import some with `twin actuals import FILE`/);
    const seed = path.join(ENGINE_ROOT, 'data', 'actuals', 'seed-facts.csv');
    expect(twin(['actuals', 'import', seed, '--db', db]).status).toBe(0);
    const res = twin(['hindcast', 'latest', '--json', '--db', db]);
    expect(res.status, res.stderr).toBe(0);
    const h = JSON.parse(res.stdout) as Hindcast & { runId: number };
    expect(h.rows.length).toBe(9);
    expect(h.unmatched).toBe(0);
    const store = openStore(db);
    try {
      for (const r of h.rows) {
        const s = store.series(h.runId, { metric: r.metric, entity: r.scope }).find((x) => x.period === r.period)!;
        expect(s, `${r.metric} ${r.scope} ${r.period}`).toBeDefined();
        expect(r.p10).toBeCloseTo(s.p10, 12);
        expect(r.p90).toBeCloseTo(s.p90, 12);
        expect(r.inside).toBe(r.bound === '>=' ? r.p90 >= r.actual : r.actual >= r.p10 && r.actual <= r.p90);
      }
    } finally {
      store.close();
    }
    const values = h.rows.filter((r) => r.bound === '=');
    expect(h.families.map((f) => f.model)).toEqual(['rollout']);
    const f = h.families[0]!;
    expect([f.nValues, f.nBounds, f.matched]).toEqual([values.length, 9 - values.length, 9]);
    expect(f.coverage).toBeCloseTo(values.filter((r) => r.inside).length / values.length, 12);
    const text = twin(['hindcast', '--db', db]).stdout;
    expect(text).toMatch(/rollout\s+coverage .* of 1 values · mean CRPS/);
    expect(twin(['hindcast', '99', '--db', db]).status).toBe(2);
  });
});
