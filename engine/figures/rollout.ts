/**
 * The figures a planner sees, for the baseline and every what-if: each plan target of data/plan/targets.yaml that the
 * rollout and clouds models speak to, evaluated with the engine's own rule (engine/targets.ts: P(met), projected
 * date P50/P90), plus finish-date quantiles. Runs the models' run() directly (no store), so it works offline.
 *
 *   npm run figures:rollout -- [--reps 1000] [--scenarios baseline,half-crews]
 *
 * A script of the engine, not model code: it uses the engine's scenario loader and target rule so the figures match
 * what the engine stores.
 */
import path from 'node:path';
import { cloudsModel } from '../../models/clouds/index.ts';
import { createRng, mixSeed } from '../../models/lib/rng.ts';
import { rolloutModel } from '../../models/rollout/index.ts';
import type { ModelDefinition, ModelOutput } from '../../models/types.ts';
import { loadScenario, SCENARIOS_DIR } from '../scenario.ts';
import { evaluateTarget, loadTargets, type Trajectory } from '../targets.ts';

const argv = process.argv;
const opt = (name: string, def: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : def);
const reps = Number(opt('reps', '1000'));
const scenarios = opt(
  'scenarios',
  'baseline,funding-delayed,half-crews,accelerated-villages,strict-sharing,migration-team-doubled',
).split(',');
const YEARS = [2017, 2018, 2019, 2020, 2021];
const targets = loadTargets().filter((t) => t.model === 'rollout' || t.model === 'clouds');
const FINISH: Array<[string, string, string]> = [
  ['rollout', 'extranet.finishYear', 'city'],
  ['rollout', 'extranet.finishYear', 'level:town'],
  ['rollout', 'platform.finishYear', 'level:village'],
  ['rollout', 'collab.finishYear', 'city'],
  ['rollout', 'sharing.finishYear', 'city'],
  ['rollout', 'services.reach90Year', 'level:county'],
  ['clouds', 'clouds.finishYear', 'city'],
];
const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};

for (const name of scenarios) {
  const outs: Record<string, ModelOutput[]> = { rollout: [], clouds: [] };
  const scenario = loadScenario(path.join(SCENARIOS_DIR, `${name}.yaml`)).scenario as unknown as Record<
    string,
    unknown
  >;
  for (const model of [rolloutModel, cloudsModel] as ModelDefinition[]) {
    const params = model.paramsSchema.parse(scenario[model.id]);
    const inputs = model.loadInputs(params);
    for (let r = 0; r < reps; r++) {
      const seed = mixSeed(20170915, model.id, r);
      outs[model.id]!.push(
        model.run(params, inputs, { model: model.id, years: YEARS, replication: r, attempt: 1, seed }, createRng(seed)),
      );
    }
  }
  console.log(`\n### ${name} (${reps} replications)\n`);
  console.log('| target | deadline | source | P(met) | date P50 | date P90 | status |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const t of targets) {
    const trajectories: Trajectory[] = outs[t.model]!.map((o) => {
      const s = o.series.find((x) => x.metric === t.metric && x.entity === t.entity);
      if (!s) throw new Error(`${t.id}: model ${t.model} emits no ${t.metric} / ${t.entity}`);
      return { periods: s.periods, values: s.values };
    });
    const e = evaluateTarget(t, trajectories);
    console.log(
      `| ${t.id} | ${t.deadline} | ${t.source} | ${e.pMet.toFixed(2)} | ${e.dateP50 ?? 'after 2021'} | ${e.dateP90 ?? 'after 2021'} | ${e.status} |`,
    );
  }
  console.log('\n| finish date (decimal year) | P10 | P50 | P90 |');
  console.log('| --- | --- | --- | --- |');
  for (const [model, metric, entity] of FINISH) {
    const xs = outs[model]!.map((o) => o.series.find((s) => s.metric === metric && s.entity === entity)!.values[0]!);
    console.log(
      `| ${metric} ${entity} | ${q(xs, 0.1).toFixed(2)} | ${q(xs, 0.5).toFixed(2)} | ${q(xs, 0.9).toFixed(2)} |`,
    );
  }
}
