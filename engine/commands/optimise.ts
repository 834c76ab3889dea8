/**
 * `twin optimise SCENARIO --targets ID[,ID…] --p 0.8 --lever PATH=MIN:MAX[:STEP]@COST …`: the cheapest lever setting
 * whose targets all reach P(met) ≥ p (engine/studies/optimise.ts; method in models/lib/optimise.md). Every input is
 * checked before the first run; outputs are written only when the study has finished.
 */
import { InvalidArgumentError, type Command } from 'commander';
import path from 'node:path';
import { ENGINE_ROOT } from '../paths.ts';
import { defaultThreads } from '../pool.ts';
import { studyExecutor } from './cluster-option.ts';
import { loadScenario } from '../scenario.ts';
import { checkParams, parseParamSpec, pickTargets } from '../studies/levers.ts';
import {
  candidatesCsv,
  candidatesMarkdown,
  freshPath,
  paretoChart,
  runOptimise,
  whatIfYaml,
  writeWhole,
} from '../studies/optimise.ts';
import { asStoredStudy, latestRunOf, optimiseData, specLevers } from '../studies/records.ts';
import { StudyRunner } from '../studies/runner.ts';
import { loadTargets, TARGETS_FILE } from '../targets.ts';
import { int, resolveScenarioArg, UsageError, withDbOption, withStore, type Cli } from './common.ts';

const collect = (v: string, prev: string[] = []) => [...prev, v];

function probability(v: string): number {
  const p = Number(v);
  if (!(p > 0 && p < 1))
    throw new InvalidArgumentError(`--p must be a probability between 0 and 1, e.g. 0.8; got "${v}"`);
  return p;
}

/** Registers `twin optimise`. Exit code 0 with a recommendation or none found, 2 bad input, 1 a run failed. */
export function registerOptimise(program: Command, cli: Cli): void {
  withDbOption(
    program
      .command('optimise')
      .description('cheapest lever setting that makes targets at least p likely (each candidate is an engine run)')
      .argument('<scenario>', 'scenario file or name in scenarios/')
      .requiredOption('--targets <ids>', 'comma-separated target ids (`twin targets` lists them)')
      .option('--p <p>', 'required P(met) of every target', probability, 0.8)
      .option('--lever <spec>', 'PATH=MIN:MAX[:STEP]@COST, repeatable (cost per unit above today’s value)', collect)
      .option(
        '--replications <n>',
        'first replications per candidate (doubled while unclear)',
        int('--replications', 4, 10000),
        32,
      )
      .option('--max-replications <n>', 'most replications per candidate', int('--max-replications', 4, 100000))
      .option('--confirm <n>', 'fresh replications to confirm the best setting', int('--confirm', 4, 100000), 400)
      .option('--max-candidates <n>', 'most candidates to evaluate', int('--max-candidates', 1, 10000), 200)
      .option('--threads <n>', 'worker threads (default: all cores)', int('--threads', 1, 256))
      .option('--cluster <url>', 'run the candidate runs on `twin worker` processes through Redis (redis://HOST:PORT)')
      .option('--targets-file <file>', 'targets file', TARGETS_FILE)
      .option('--out <dir>', 'folder for the candidates table and the chart (default runs/optimise/NAME)')
      .option(
        '--whatif <file>',
        'recommended what-if (default NAME-optimised.yaml beside the scenario; never overwritten)',
      ),
  ).action(async (scenarioArg: string, o) => {
    // Everything is checked before the store is opened or a run starts: one bad input and nothing is written.
    const file = resolveScenarioArg(scenarioArg);
    const loaded = loadScenario(file);
    const specs: string[] = o.lever ?? [];
    if (specs.length === 0) throw new UsageError('give at least one --lever PATH=MIN:MAX[:STEP]@COST');
    const levers = checkParams(
      file,
      loaded,
      specs.map((s) => parseParamSpec(s, '--lever', true)),
      '--lever',
    );
    const targets = pickTargets(
      String(o.targets)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      loadTargets(o.targetsFile),
      loaded,
    );
    const nMax: number = o.maxReplications ?? 8 * o.replications;
    if (nMax < o.replications)
      throw new UsageError(`--max-replications ${nMax} is below --replications ${o.replications}`);
    const name = loaded.scenario.name;
    const outDir = path.resolve(o.out ?? path.join(ENGINE_ROOT, 'runs', 'optimise', name));
    const whatifFile = path.resolve(o.whatif ?? path.join(path.dirname(path.resolve(file)), `${name}-optimised.yaml`));
    if (path.resolve(path.dirname(whatifFile)) !== path.dirname(path.resolve(file)))
      process.stderr.write(
        `note: ${path.relative(process.cwd(), whatifFile)} is not beside the scenario; its "extends: ${path.basename(file).replace(/\.ya?ml$/, '')}" resolves only in the scenario's folder\n`,
      );
    const models = [...new Set(targets.map((t) => t.model))];
    const ignored = levers.filter((l) => !models.includes(l.path.split('.')[0]!));
    if (ignored.length)
      throw new UsageError(
        `--lever ${ignored[0]!.path}: its section is not a model of the targets (${models.join(', ')}); the candidate runs run only those models`,
      );

    const threads = o.threads ?? defaultThreads();
    const pool = await studyExecutor(o.cluster, threads, 'optimise');
    const ac = new AbortController();
    const onSigint = () => ac.abort(new Error('cancelled'));
    process.once('SIGINT', onSigint);
    try {
      await withStore(o.db, async (store) => {
        const runner = new StudyRunner({
          file,
          store,
          pool,
          targets,
          models,
          runOptions: { signal: ac.signal },
        });
        const spec = {
          targets: targets.map((t) => t.id),
          p: o.p as number,
          levers: specLevers(levers),
          n0: o.replications as number,
          nMax,
          confirm: o.confirm as number,
          maxCandidates: o.maxCandidates as number,
          costUnit: '1',
        };
        // The study is also kept in the store (kind optimise), so the viewer and the report find it.
        const { studyId } = await asStoredStudy(
          store,
          { kind: 'optimise', scenarioName: name, baseRunId: latestRunOf(store, name), targets: spec.targets, spec },
          ac.signal,
          async () => {
            const res = await runOptimise({
              runner,
              levers,
              targets,
              p: o.p,
              n0: o.replications,
              nMax,
              confirm: o.confirm,
              maxCandidates: o.maxCandidates,
              onCandidate: (c, k) =>
                process.stderr.write(
                  `candidate ${k}: ${c.values.join(', ')} cost ${+c.cost.toPrecision(6)} · ${c.n} reps · min P(met) ${(100 * c.minP).toFixed(0)}% · ${c.feasible ? 'feasible' : 'not feasible'}\n`,
                ),
            });
            // Outputs, only now that the study is complete.
            const md = candidatesMarkdown(res, levers, targets, o.p);
            writeWhole(path.join(outDir, 'candidates.csv'), candidatesCsv(res, levers, targets));
            writeWhole(path.join(outDir, 'candidates.md'), md);
            writeWhole(
              path.join(outDir, 'pareto.svg'),
              paretoChart({
                title: `${name}: cost vs min P(met) of ${targets.map((t) => t.id).join(', ')}`,
                p: o.p,
                points: res.candidates.map((c) => ({
                  cost: c.cost,
                  minP: c.minP,
                  front: res.pareto.includes(c),
                  best: c === res.best,
                  label: c.values.join(', '),
                })),
              }),
            );
            const written = [
              path.join(outDir, 'candidates.csv'),
              path.join(outDir, 'candidates.md'),
              path.join(outDir, 'pareto.svg'),
            ];
            let whatIf: { yaml: string; name: string; file: string } | null = null;
            if (res.best) {
              const wf = freshPath(whatifFile);
              const conf = res.confirmations.find((c) => c.passed)!;
              const wname = path.basename(wf).replace(/\.ya?ml$/, '');
              const yaml = whatIfYaml(
                path.basename(file).replace(/\.ya?ml$/, ''),
                wname,
                `Cheapest setting found by twin optimise with P(met) ≥ ${o.p} for ${targets.map((t) => t.id).join(', ')}: cost ${+res.best.cost.toPrecision(6)}; confirmed on ${conf.n} fresh replications at ${conf.pHat.map((x) => `${(100 * x).toFixed(1)}%`).join(', ')}.`,
                levers,
                res.best.values,
              );
              writeWhole(wf, yaml);
              written.unshift(wf);
              whatIf = { yaml, name: wname, file: path.relative(process.cwd(), wf) };
            }
            process.stdout.write(md.split('\n').slice(0, 5).join('\n') + '\n');
            process.stdout.write(`written: ${written.map((f) => path.relative(process.cwd(), f)).join(', ')}\n`);
            return { value: res, result: optimiseData(res, whatIf) };
          },
        );
        process.stdout.write(
          `stored as study ${studyId} in the store (the viewer's "What would it take?" and twin report show it)\n`,
        );
      });
    } finally {
      process.off('SIGINT', onSigint);
      await pool.close().catch(() => {});
    }
    cli.setExitCode(0);
  });
}
