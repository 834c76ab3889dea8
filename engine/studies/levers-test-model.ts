/**
 * A synthetic model with a known optimum for the study commands' tests (`twin optimise`, `twin sensitivity`),
 * registered beside the testbed only when TWIN_TEST_MODELS=1 (engine/testbed-model.ts). Not a model of Zibo.
 *
 * Two "targets" whose P(met) is known in closed form: replication r draws u1, u2 ~ U(0, 1) from its common-random-
 * numbers seed and reports `leverstest.margin1 = σ(−6 + 0.9·crews + 1.2·speed + 0.5·sites) − u1` (margin2 likewise
 * with σ(−5 + 0.3·crews + 0.8·speed + 1.5·sites)), so "margin ≥ 0" is met with exactly that probability, and the
 * margin is monotone in every lever for a fixed replication. With costs 3, 2, 5 per unit (crews 0..10, speed 0..5 step
 * 0.5, sites 0..4), the cheapest setting with both P ≥ 0.8 is crews 1, speed 5, sites 2 at cost 23 (brute force in
 * models/lib/optimise.md). A third series, `leverstest.ishigami`, is the Ishigami function of (a, b, c) ∈ [−π, π]³
 * (deterministic), whose Sobol indices are known, and `leverstest.linear = 4a + b` (c has no effect), whose Morris μ*
 * and σ are exact, for the sensitivity command.
 */
import { z } from 'zod';
import { createRng } from '../../models/lib/rng.ts';
import type { ModelDefinition } from '../../models/types.ts';
import type { TargetDef } from '../contract/index.ts';

const schema = z.strictObject({
  crews: z.number().int().min(0).max(10).default(0).describe('Synthetic lever; count.'),
  speed: z.number().min(0).max(5).default(0).describe('Synthetic lever; 1.'),
  sites: z.number().int().min(0).max(4).default(0).describe('Synthetic lever; count.'),
  a: z.number().min(-4).max(4).default(0).describe('Ishigami input x1; 1.'),
  b: z.number().min(-4).max(4).default(0).describe('Ishigami input x2; 1.'),
  c: z.number().min(-4).max(4).default(0).describe('Ishigami input x3; 1.'),
});
type Params = z.infer<typeof schema>;

const sigma = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * P(met) of the two synthetic targets at a setting (the closed form the tests compare with).
 * @example leversTestP(1, 5, 2)[0] > 0.8 // => true
 */
export function leversTestP(crews: number, speed: number, sites: number): [number, number] {
  return [sigma(-6 + 0.9 * crews + 1.2 * speed + 0.5 * sites), sigma(-5 + 0.3 * crews + 0.8 * speed + 1.5 * sites)];
}

export const leversTestModel: ModelDefinition<Params, null> = {
  id: 'leverstest',
  title: 'Study self-test (synthetic levers)',
  grain: 'run',
  paramsSchema: schema,
  metrics: [
    { id: 'leverstest.margin1', unit: '1', title: 'Synthetic target 1 margin' },
    { id: 'leverstest.margin2', unit: '1', title: 'Synthetic target 2 margin' },
    { id: 'leverstest.ishigami', unit: '1', title: 'Ishigami function' },
    { id: 'leverstest.linear', unit: '1', title: '4a + b (c has no effect)' },
  ],
  loadInputs: () => null,
  run(p, _inputs, job, rng) {
    // The replication's own common-random-numbers stream: the same u for every setting, so outcomes are paired.
    const crn = createRng(job.crnSeed ?? 1);
    const u1 = crn.next();
    const u2 = crn.next();
    void rng;
    const [p1, p2] = leversTestP(p.crews, p.speed, p.sites);
    const year = String(job.years[job.years.length - 1]);
    const ish = Math.sin(p.a) + 7 * Math.sin(p.b) ** 2 + 0.1 * p.c ** 4 * Math.sin(p.a);
    return {
      series: [
        { metric: 'leverstest.margin1', entity: 'city', periods: [year], values: [p1 - u1] },
        { metric: 'leverstest.margin2', entity: 'city', periods: [year], values: [p2 - u2] },
        { metric: 'leverstest.ishigami', entity: 'city', periods: [year], values: [ish] },
        { metric: 'leverstest.linear', entity: 'city', periods: [year], values: [4 * p.a + p.b] },
      ],
    };
  },
};

/**
 * A plan-style target on one of the synthetic series ("margin ≥ 0" by the end of 2017), for the study tests.
 * @example leversTestTarget('t-one', 'leverstest.margin1').model // => 'leverstest'
 */
export function leversTestTarget(id: string, metric: string): TargetDef {
  return {
    id,
    title: `synthetic ${id}`,
    metric,
    scope: 'city',
    entity: 'city',
    comparator: '>=',
    threshold: 0,
    deadline: '2017-12-31',
    source: 'assumption',
    sourceText: 'synthetic test target',
    unit: '1',
    model: 'leverstest',
  };
}
