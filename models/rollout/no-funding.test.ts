/**
 * "No funding at all" is a legal what-if (issue: validate accepted it, the model then threw). With no money, works
 * that cost money never start: the extranet never goes live, while unfunded processes (the collaborative office
 * trial) still run. The model must return finite shares, not throw.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/rng.ts';
import { loadHierarchy } from '../lib/divisions.ts';
import { makeFunding, prepareRollout, runRollout } from './model.ts';
import { rolloutParamsSchema } from './params.ts';
import { fundedAt } from './schedule.ts';

const YEARS = [2017, 2018, 2019, 2020, 2021];

function run(tranches: { date: string; amountCny: number }[]) {
  const p = rolloutParamsSchema.parse({ funding: { tranches } });
  const inputs = prepareRollout(p, loadHierarchy());
  return runRollout(p, inputs, { model: 'rollout', years: YEARS, replication: 0, attempt: 1, seed: 7 }, createRng(7));
}

describe('rollout without funding', () => {
  it('a plan with no money is never funded beyond its tranches', () => {
    const plan = makeFunding(rolloutParamsSchema.parse({ funding: { tranches: [] } }));
    expect(plan.repeatCny).toBe(0);
    expect(fundedAt(plan, 1)).toBe(Infinity);
    expect(fundedAt(plan, 0)).not.toBe(Infinity); // free tasks are not held back
  });

  for (const [name, tranches] of [
    ['an empty tranche list', []],
    ['only 0 CNY tranches', [{ date: '2017-10-01', amountCny: 0 }]],
  ] as const) {
    it(`runs with ${name}: the extranet never goes live, every share stays finite`, () => {
      const o = run([...tranches]);
      const live = o.series.find((s) => s.metric === 'extranet.liveShare' && s.entity === 'city')!.values;
      expect(Math.max(...Array.from(live))).toBe(0);
      for (const s of o.series)
        for (const v of Array.from(s.values))
          expect(Number.isNaN(v) || Number.isFinite(v) || v === Infinity).toBe(true);
      const shares = o.series.filter((s) => s.metric.endsWith('Share'));
      for (const s of shares)
        for (const v of Array.from(s.values)) expect(v >= 0 && v <= 1, `${s.metric} ${s.entity}`).toBe(true);
    });
  }
});
