/**
 * `twin sensitivity SCENARIO --method morris|sobol --target ID [--params PATH=MIN:MAX,...] [--n N]`: global
 * sensitivity of a target's value at its deadline and of its P(met) (engine/studies/sensitivity.ts). Prints the table
 * and writes JSON and CSV. Every input is checked before the first run.
 */
import type { Command } from 'commander';
import path from 'node:path';
import { variableParams } from '../api/params.ts';
import { ENGINE_ROOT } from '../paths.ts';
import { defaultThreads } from '../pool.ts';
import { studyExecutor } from './cluster-option.ts';
import { loadScenario, scenarioModels } from '../scenario.ts';
import { checkParams, parseParamSpec, pickTargets } from '../studies/levers.ts';
import { writeWhole } from '../studies/optimise.ts';
import { asStoredStudy, latestRunOf, sensitivityData, sensitivitySpec } from '../studies/records.ts';
import { StudyRunner } from '../studies/runner.ts';
import { runSensitivity, sensitivityCsv, sensitivityTable } from '../studies/sensitivity.ts';
import { loadTargets, TARGETS_FILE } from '../targets.ts';
import { int, resolveScenarioArg, UsageError, withDbOption, withStore, type Cli } from './common.ts';

/**
 * Without --params: the model's documented ranges (ModelDefinition.sensitivityRanges, tabled in its README). A model
 * without them (only test models) falls back to its first numeric parameters ±20 % around the scenario's value.
 */
const DEFAULT_PARAMS = 6;
const DEFAULT_DELTA = 0.2;

/** Registers `twin sensitivity`. */
export function registerSensitivity(program: Command, cli: Cli): void {
  withDbOption(
    program
      .command('sensitivity')
      .description("which parameters drive a target: Morris screening or Sobol' indices (each point an engine run)")
      .argument('<scenario>', 'scenario file or name in scenarios/')
      .requiredOption('--target <id>', 'target id (`twin targets` lists them)')
      .option('--method <m>', 'morris (cheap screening, r·(d+1) runs) or sobol (N·(d+2) runs)', 'morris')
      .option(
        '--params <list>',
        "PATH=MIN:MAX,... (default: the main parameters of the target's model with the documented ranges in its README)",
      )
      .option(
        '--n <n>',
        'Morris trajectories r (default 10) or Sobol base sample N (default 64)',
        int('--n', 2, 100000),
      )
      .option('--replications <n>', 'replications per design point', int('--replications', 1, 10000), 8)
      .option('--seed <s>', 'seed of the design and the bootstrap', int('--seed', 0, 4294967295), 1)
      .option('--threads <n>', 'worker threads (default: all cores)', int('--threads', 1, 256))
      .option('--cluster <url>', 'run the candidate runs on `twin worker` processes through Redis (redis://HOST:PORT)')
      .option('--targets-file <file>', 'targets file', TARGETS_FILE)
      .option('--out <dir>', 'folder for sensitivity.json and sensitivity.csv (default runs/sensitivity/NAME-TARGET)'),
  ).action(async (scenarioArg: string, o) => {
    const method = String(o.method);
    if (method !== 'morris' && method !== 'sobol') throw new UsageError(`--method ${method}: use morris or sobol`);
    const file = resolveScenarioArg(scenarioArg);
    const loaded = loadScenario(file);
    const [target] = pickTargets([String(o.target)], loadTargets(o.targetsFile), loaded);
    const specs = o.params
      ? String(o.params)
          .split(',')
          .filter((s) => s.trim())
          .map((s) => parseParamSpec(s, '--params', false))
      : defaultSpecs(target!.model, loaded.scenario);
    if (specs.length === 0)
      throw new UsageError(`--params: the model ${target!.model} has no numeric parameter to vary`);
    const params = checkParams(file, loaded, specs, '--params');
    const outside = params.find((p) => p.path.split('.')[0] !== target!.model);
    if (outside)
      throw new UsageError(
        `--params ${outside.path}: not in the section of the target's model "${target!.model}" (only that model runs)`,
      );
    const n: number = o.n ?? (method === 'morris' ? 10 : 64);
    const outDir = path.resolve(
      o.out ?? path.join(ENGINE_ROOT, 'runs', 'sensitivity', `${loaded.scenario.name}-${target!.id}`),
    );
    const runs = method === 'morris' ? n * (params.length + 1) : n * (params.length + 2);
    process.stderr.write(
      `${runs} design points × ${o.replications} replications (${method}, ${params.length} parameters)\n`,
    );

    const pool = await studyExecutor(o.cluster, o.threads ?? defaultThreads(), 'sensitivity');
    const ac = new AbortController();
    const onSigint = () => ac.abort(new Error('cancelled'));
    process.once('SIGINT', onSigint);
    try {
      await withStore(o.db, async (store) => {
        const runner = new StudyRunner({
          file,
          store,
          pool,
          targets: [target!],
          models: [target!.model],
          runOptions: { signal: ac.signal },
        });
        let last = 0;
        const name = loaded.scenario.name;
        const spec = sensitivitySpec({
          target: target!.id,
          method,
          params,
          n,
          replications: o.replications,
          seed: o.seed,
        });
        // The study is also kept in the store (kind sensitivity): Expert review and the report show the latest one.
        const { studyId } = await asStoredStudy(
          store,
          { kind: 'sensitivity', scenarioName: name, baseRunId: latestRunOf(store, name), targets: [target!.id], spec },
          ac.signal,
          async () => {
            const res = await runSensitivity({
              runner,
              target: target!,
              params,
              method,
              n,
              replications: o.replications,
              seed: o.seed,
              onPoint: (done, total) => {
                const pct = Math.floor((100 * done) / total);
                if (pct >= last + 10 || done === total) {
                  last = pct;
                  process.stderr.write(`${done}/${total} design points\n`);
                }
              },
            });
            const table = sensitivityTable(res);
            writeWhole(path.join(outDir, 'sensitivity.json'), JSON.stringify(res, null, 1) + '\n');
            writeWhole(path.join(outDir, 'sensitivity.csv'), sensitivityCsv(res));
            process.stdout.write(table);
            process.stdout.write(`written: ${path.relative(process.cwd(), outDir)}/sensitivity.{json,csv}\n`);
            return { value: res, result: sensitivityData(res) };
          },
        );
        process.stdout.write(`stored as study ${studyId} in the store (Expert review and twin report show it)\n`);
      });
    } finally {
      process.off('SIGINT', onSigint);
      await pool.close().catch(() => {});
    }
    cli.setExitCode(0);
  });
}

/**
 * The default factors: the model's documented ranges; otherwise its first numeric parameters, ±20 % around the
 * scenario's value within the schema.
 */
export function defaultSpecs(
  model: string,
  scenario: Record<string, unknown>,
): Array<{ path: string; min: number; max: number }> {
  const def = scenarioModels().find((m) => m.id === model)!;
  if (def.sensitivityRanges?.length)
    return def.sensitivityRanges.map((r) => ({ path: `${model}.${r.path}`, min: r.min, max: r.max }));
  const out: Array<{ path: string; min: number; max: number }> = [];
  for (const p of variableParams(def)) {
    if (out.length >= DEFAULT_PARAMS) break;
    if (p.kind !== 'number' && p.kind !== 'integer') continue;
    let v: unknown = scenario[model];
    for (const k of p.path.split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
    if (typeof v !== 'number') continue;
    const clamp = (x: number) => Math.min(p.max ?? Infinity, Math.max(p.min ?? -Infinity, x));
    let lo = clamp(v === 0 ? v - DEFAULT_DELTA : v * (1 - DEFAULT_DELTA));
    let hi = clamp(v === 0 ? v + DEFAULT_DELTA : v * (1 + DEFAULT_DELTA));
    if (p.kind === 'integer') {
      lo = clamp(Math.min(Math.round(lo), v - 1));
      hi = clamp(Math.max(Math.round(hi), v + 1));
    }
    if (hi > lo) out.push({ path: `${model}.${p.path}`, min: Math.min(lo, hi), max: Math.max(lo, hi) });
  }
  return out;
}
