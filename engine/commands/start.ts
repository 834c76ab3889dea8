/** `twin start` (what `npm start` runs): run the baseline if it has no finished run of its content, then serve. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ENGINE_ROOT } from '../paths.ts';
import { defaultThreads } from '../pool.ts';
import { startRun } from '../run.ts';
import { loadScenario, SCENARIOS_DIR } from '../scenario.ts';
import { int, withDbOption, withStore, type Cli } from './common.ts';
import { outcomeCode, runWithUi } from './run-ui.ts';
import { serveUntilSignal, withServeOptions } from './serve.ts';

/** Build viewer/dist with vite (in process) when it is missing and the viewer's sources are there. */
async function buildViewerIfNeeded(): Promise<void> {
  const dist = path.join(ENGINE_ROOT, 'viewer', 'dist', 'index.html');
  const src = path.join(ENGINE_ROOT, 'viewer', 'index.html');
  if (existsSync(dist) || !existsSync(src)) return;
  process.stderr.write('building the viewer (first start only)...\n');
  const { build } = await import('vite');
  await build({ configFile: path.join(ENGINE_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

/** Registers `twin start`. A failed or cancelled baseline run exits (1 or 130) without serving. */
export function registerStart(program: Command, cli: Cli): void {
  withDbOption(
    withServeOptions(
      program
        .command('start')
        .description('npm start: build what is needed, run the baseline if it has no finished run, serve the viewer'),
    ).option('--threads <n>', 'worker threads', int('--threads', 1, 256)),
  ).action(async (o) => {
    await withStore(o.db, async (store) => {
      const l = loadScenario(path.join(SCENARIOS_DIR, 'baseline.yaml'));
      const have = store.findFinishedRun(l.hash, l.scenario.seed, l.scenario.replications);
      if (have) process.stderr.write(`baseline already computed (run ${have.id}, hash ${l.hash})\n`);
      else {
        const out = await runWithUi(o.threads ?? defaultThreads(), 'baseline', (pool, ui) =>
          startRun(l, store, pool, ui),
        );
        const code = outcomeCode(out);
        if (code !== 0) return cli.setExitCode(code);
      }
      await buildViewerIfNeeded();
      await serveUntilSignal(store, o.host, o.port, o.allowedHost);
    });
  });
}
