import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TargetDef } from './contract/index.ts';
import { SHARED_DIR } from './paths.ts';
import {
  alignedSeries,
  evaluateTarget,
  loadTargets,
  periodEnd,
  trajectories,
  weightedDateQuantiles,
} from './targets.ts';
import { tmpDir } from './test/helpers.ts';

const base: TargetDef = {
  id: 't',
  title: 't',
  metric: 'm',
  scope: 'city',
  entity: 'city',
  comparator: '>=',
  threshold: 1,
  deadline: '2018-12-31',
  source: 'plan',
  sourceText: 's',
  unit: 'share',
  model: 'rollout',
};
const months = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `${from + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);

describe('targets', () => {
  it('period ends handle years, months and leap years', () => {
    expect(periodEnd('2019')).toBe('2019-12-31');
    expect(periodEnd('2020-02')).toBe('2020-02-29');
    expect(periodEnd('2019-02')).toBe('2019-02-28');
  });

  it('P(met), projected dates and status follow the documented rule', () => {
    const ps = months(2017, 36);
    // Replication r reaches 100% in month 12 + 3r (r = 0..9): months 2018-01 ... 2020-04.
    const reps = Array.from({ length: 10 }, (_, r) => ({
      periods: ps,
      values: ps.map((_, i) => (i >= 12 + 3 * r ? 1 : i / 40)),
    }));
    const e = evaluateTarget(base, reps);
    // Met by 2018-12 (index 23): 12 + 3r ≤ 23 → r ≤ 3 → 4 of 10.
    expect(e.pMet).toBeCloseTo(0.4, 12);
    expect(e.status).toBe('at-risk');
    // Lower-CDF quantiles of first months 12+3r: P50 → 5th value r=4 → index 24 → 2019-01; P90 → r=8 → index 36 (beyond: never) → null.
    expect(e.dateP50).toBe('2019-01');
    expect(e.dateP90).toBeNull();
    expect(evaluateTarget({ ...base, deadline: '2019-12-31' }, reps).status).toBe('met'); // r ≤ 7 → 0.8
    expect(evaluateTarget({ ...base, deadline: '2018-03-31' }, reps).status).toBe('missed'); // r = 0 only → 0.1
  });

  it('handles <= targets, weights and no data', () => {
    const reps = [
      { periods: ['2020', '2021'], values: [1.6, 1.4] },
      { periods: ['2020', '2021'], values: [1.6, 1.7] },
    ];
    const t = { ...base, comparator: '<=' as const, threshold: 1.5, deadline: '2021-12-31' };
    expect(evaluateTarget(t, reps).pMet).toBe(0.5);
    expect(evaluateTarget(t, reps, [3, 1]).pMet).toBe(0.75);
    expect(evaluateTarget(t, []).status).toBe('no-data');
    expect(evaluateTarget({ ...t, deadline: '2016-12-31' }, reps).status).toBe('no-data');
    expect(
      weightedDateQuantiles(
        [
          { key: '2020-12-31', w: 1 },
          { key: '2018-12-31', w: 1 },
          { key: '2019-12-31', w: 2 },
        ],
        [0.25, 0.5, 1],
      ),
    ).toEqual(['2018-12-31', '2019-12-31', '2020-12-31']);
  });

  it('value P10/P50/P90 at the deadline are type-7 quantiles (R/numpy default), weighted under the re-forecast', () => {
    // Ten replications with values 1..10 at the deadline. Type 7 (numpy.quantile, R quantile): h = 9p, so
    // P10 = 1 + 0.9 = 1.9, P50 = 5.5, P90 = 9.1 (the old lower-CDF rule gave 1, 5 and 9).
    const reps = Array.from({ length: 10 }, (_, r) => ({ periods: ['2020', '2021'], values: [0, r + 1] }));
    const t = { ...base, threshold: 5, deadline: '2021-12-31' };
    const e = evaluateTarget(t, reps);
    expect([e.valueP10, e.valueP50, e.valueP90].map((v) => Number(v!.toFixed(12)))).toEqual([1.9, 5.5, 9.1]);
    // Equal weights give the same band; weight on the top replication pulls P90 up towards 10.
    const eq = evaluateTarget(
      t,
      reps,
      reps.map(() => 2),
    );
    expect(eq.valueP90!).toBeCloseTo(9.1, 12);
    const top = evaluateTarget(
      t,
      reps,
      reps.map((_, r) => (r === 9 ? 10 : 1)),
    );
    expect(top.valueP90!).toBeGreaterThan(9.1);
  });

  it('the trajectory extractor keeps replication r at index r, so weights stay aligned when one has no value', () => {
    // Keys in stored (not time) order; replication 1 has no value at all, replication 2 misses 2020.
    const m = {
      keys: [
        { metric: 'x', entity: 'city', period: '2021' },
        { metric: 'y', entity: 'city', period: '2021' },
        { metric: 'x', entity: 'city', period: '2020' },
      ],
      values: [2, NaN, 3, 9, 9, 9, 1, NaN, NaN],
      reps: 3,
    };
    const a = alignedSeries(m, 'x', 'city')!;
    expect(a.periods).toEqual(['2020', '2021']);
    expect(a.values.map((v) => Array.from(v))).toEqual([
      [1, 2],
      [NaN, NaN],
      [NaN, 3],
    ]);
    expect(alignedSeries(m, 'x', '370302')).toBeNull();
    const reps = trajectories(m, 'x', 'city');
    expect(reps).toEqual([
      { periods: ['2020', '2021'], values: [1, 2] },
      { periods: [], values: [] },
      { periods: ['2021'], values: [3] },
    ]);
    const t = { ...base, threshold: 2.5, deadline: '2021-12-31' };
    // Only replication 2 (value 3) meets it; weight 3 on it and 100 on the empty replication 1, which must not count.
    expect(evaluateTarget(t, reps, [1, 100, 3]).pMet).toBeCloseTo(0.75, 12);
    expect(evaluateTarget(t, trajectories(m, 'y', 'city')).pMet).toBe(1);
    expect(evaluateTarget(t, [{ periods: [], values: [] }]).status).toBe('no-data');
  });

  it('targets.yaml is valid, unique and matches PLAN-FACTS deadlines', () => {
    const ts = loadTargets();
    expect(ts.length).toBeGreaterThanOrEqual(20);
    const byId = new Map(ts.map((t) => [t.id, t]));
    expect(byId.get('extranet-3-levels')).toMatchObject({ deadline: '2018-12-31', source: 'plan' });
    expect(byId.get('collab-office')).toMatchObject({ deadline: '2018-03-31', source: 'plan' });
    expect(byId.get('two-clouds')).toMatchObject({ deadline: '2020-12-31', source: 'assumption' });
    expect(byId.get('five-level-villages')).toMatchObject({ deadline: '2019-12-31', source: 'assumption' });
    for (const code of ['370302', '370303', '370304', '370305', '370306', '370321', '370322', '370323']) {
      expect(byId.get(`online-${code}-70`)).toMatchObject({ threshold: 0.7, source: 'plan', scope: code });
    }
    // Plan-sourced targets quote the article: their source sentence must appear in it (ellipses mark omissions).
    const article = path.join(SHARED_DIR, 'plan', 'zibo-smart-city-2017-review.txt');
    let text: string;
    try {
      text = readFileSync(article, 'utf8').replace(/\s+/g, '');
    } catch {
      if (process.env.CI === 'true') throw new Error(`${article} is missing; CI must have ../shared beside the clone`);
      return;
    }
    for (const t of ts.filter((x) => x.source === 'plan')) {
      for (const piece of t.sourceText
        .replace(/\s*\(.*\)$/, '')
        .replace(/(.*)$/, '')
        .split('……')) {
        expect(text, `${t.id}: "${piece}"`).toContain(piece.replace(/\s+/g, ''));
      }
    }
  });

  it('a malformed targets file is named with the target and field', () => {
    const f = path.join(tmpDir(), 'targets.yaml');
    writeFileSync(
      f,
      'targets:\n  - id: x\n    title: x\n    metric: m\n    scope: nowhere\n    entity: city\n    comparator: ">="\n    threshold: 1\n    deadline: "2018-12-31"\n    source: plan\n    sourceText: s\n    unit: u\n    model: rollout\n',
    );
    expect(() => loadTargets(f)).toThrow(/targets\[0\] \(x\): scope: city or a 6-digit district code/);
  });
});
