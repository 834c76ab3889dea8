/** `twin run <scenario...>` and `twin run --resume RUN`: run scenarios on the pool and store the results. */
import type { Command } from 'commander';
import { defaultThreads } from '../pool.ts';
import { createRunRecord, resumeRun, startRun } from '../run.ts';
import { loadScenario, type LoadedScenario } from '../scenario.ts';
import { int, resolveRun, resolveScenarioArg, UsageError, withDbOption, withStore, type Cli } from './common.ts';
import { outcomeCode, runWithUi } from './run-ui.ts';

/** Registers `twin run`. Exit code: 0 all done, 1 a run failed, 130 cancelled (later scenarios are not started). */
export function registerRun(program: Command, cli: Cli): void {
  withDbOption(
    program
      .command('run')
      .description('run scenarios (or resume a run) and store the results')
      .argument('[scenario...]', 'scenario files or names in scenarios/')
      .option(
        '--replications <n>',
        'Monte Carlo replications (overrides the scenario)',
        int('--replications', 1, 10000),
      )
      .option('--threads <n>', 'worker threads (default: all cores)', int('--threads', 1, 256))
      .option('--seed <s>', 'master seed (overrides the scenario)', int('--seed', 0, 4294967295))
      .option('--resume <run>', 'continue a killed or cancelled run', int('--resume', 1))
      .option('--cluster <url>', 'run the jobs on `twin worker` processes through Redis (redis://HOST:PORT)'),
  ).action(async (scenarios: string[], o) => {
    if (o.resume === undefined && scenarios.length === 0)
      throw new UsageError('give a scenario (e.g. `twin run baseline`) or --resume RUN');
    if (o.resume !== undefined && scenarios.length)
      throw new UsageError('--resume continues a stored run; do not also name scenarios');
    // Every scenario is loaded (and validated) before the store is opened: one bad file and nothing runs.
    const loaded = scenarios.map((s) => loadScenario(resolveScenarioArg(s)));
    if (o.cluster !== undefined) {
      await runClustered(o.cluster, loaded, o, cli);
      return;
    }
    await withStore(o.db, async (store) => {
      const threads = o.threads ?? defaultThreads();
      if (o.resume !== undefined) {
        const r = resolveRun(store, o.resume);
        if (r.status === 'done') throw new UsageError(`run ${r.id} already finished; nothing to resume`);
        cli.setExitCode(
          outcomeCode(await runWithUi(threads, `resume run ${r.id}`, (pool, ui) => resumeRun(r.id, store, pool, ui))),
        );
        return;
      }
      for (const l of loaded) {
        const out = await runWithUi(threads, l.scenario.name, (pool, ui) =>
          startRun(l, store, pool, { ...ui, replications: o.replications, seed: o.seed }),
        );
        cli.setExitCode(Math.max(cli.exitCode, outcomeCode(out)));
        if (out.status === 'cancelled') break;
      }
    });
  });
}

/**
 * `twin run --cluster URL`: Redis is checked before the store is touched (a bad URL, an unreachable server, a wrong
 * password or an evicting Redis: one line, exit code 2, nothing written); then each run is planned in the store and
 * its jobs go through the queue to `twin worker` processes, this process staying the only store writer.
 */
async function runClustered(
  url: string,
  loaded: LoadedScenario[],
  o: { db?: string; resume?: number; replications?: number; seed?: number },
  cli: Cli,
): Promise<void> {
  const { ClusterError } = await import('../cluster/connection.ts');
  const { preflight, runOnCluster } = await import('../cluster/coordinator.ts');
  try {
    await preflight(url);
  } catch (e) {
    if (e instanceof ClusterError) throw new UsageError(e.message);
    throw e;
  }
  await withStore(o.db, async (store) => {
    if (o.resume !== undefined) {
      const r = resolveRun(store, o.resume);
      if (r.status === 'done') throw new UsageError(`run ${r.id} already finished; nothing to resume`);
      const out = await runOnCluster(url, r.id, `resume run ${r.id}`, (ex, ui) => resumeRun(r.id, store, ex, ui));
      cli.setExitCode(outcomeCode(out));
      return;
    }
    for (const l of loaded) {
      const id = createRunRecord(l, store, 1, { replications: o.replications, seed: o.seed });
      const out = await runOnCluster(url, id, l.scenario.name, (ex, ui) => resumeRun(id, store, ex, ui));
      cli.setExitCode(Math.max(cli.exitCode, outcomeCode(out)));
      if (out.status === 'cancelled') break;
    }
  });
}
