/**
 * The `twin` command line. Exit codes: 0 success, 1 a run failed or a runtime error, 2 bad input (scenario, flag,
 * unknown run), 130 cancelled with Ctrl-C (finished jobs are kept; continue with `twin run --resume RUN`).
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
// @ts-expect-error plain ESM build script without types
import { buildWorker } from './build-worker.mjs';
import { createPool, defaultThreads, type JobPool } from './pool.ts';
import { DEFAULT_DB, ENGINE_ROOT } from './paths.ts';
import { resumeRun, startRun, type Progress, type RunOptions, type RunOutcome } from './run.ts';
import {
  formatIssue,
  listScenarioNames,
  loadScenario,
  scenarioJsonSchema,
  ScenarioError,
  SCENARIOS_DIR,
} from './scenario.ts';
import { runBundle, serve } from './server.ts';
import { toJson } from './contract/index.ts';
import { openStore, type Store } from './store.ts';
import { EXPORT_FORMATS, exportRun } from './exports/index.ts';
import { writeReport } from './report/report.ts';
import { loadTargets } from './targets.ts';
import { ActualsError, importActuals, listActuals, metricUnits, reforecast } from './actuals.ts';

/** An error caused by the user's input: printed without a stack, exit code 2. */
export class UsageError extends Error {}

const int =
  (name: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got "${v}"`);
    return n;
  };

function openDb(p: string | undefined): Store {
  return openStore(path.resolve(p ?? DEFAULT_DB));
}

function resolveScenarioArg(arg: string): string {
  if (existsSync(arg)) return arg;
  const named = path.join(SCENARIOS_DIR, `${arg}.yaml`);
  if (/^[A-Za-z0-9._-]+$/.test(arg) && existsSync(named)) return named;
  return arg; // loadScenario reports it as not found, with the file name
}

function progressReporter(label: string): { onProgress: (p: Progress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} jobs | {percentage}% | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      onProgress: (p) => {
        if (!started) {
          bar.start(p.total, p.done);
          started = true;
        } else bar.update(p.done);
      },
      stop: () => started && bar.stop(),
    };
  }
  // Not a terminal (CI, logs): a plain line at most every 10 % or 5 s.
  let lastPct = -1;
  let lastT = 0;
  return {
    onProgress: (p) => {
      const pct = Math.floor((100 * p.done) / Math.max(1, p.total));
      const now = Date.now();
      if (p.done === p.total || pct >= lastPct + 10 || now - lastT > 5000) {
        lastPct = pct;
        lastT = now;
        const eta = p.etaMs === null ? '?' : `${Math.round(p.etaMs / 1000)} s`;
        process.stderr.write(`${label}: ${p.done}/${p.total} jobs (${pct}%), ETA ${eta}\n`);
      }
    },
    stop: () => {},
  };
}

/** Run (or resume) with progress and Ctrl-C handling; returns the outcome. */
async function runWithUi(
  threads: number,
  label: string,
  go: (pool: JobPool, o: RunOptions) => Promise<RunOutcome>,
): Promise<RunOutcome> {
  await buildWorker();
  const pool = createPool({ threads });
  const ac = new AbortController();
  const onSigint = () => {
    process.stderr.write('\ncancelling: finished jobs are kept; continue later with --resume\n');
    ac.abort(new Error('cancelled'));
  };
  process.once('SIGINT', onSigint);
  const ui = progressReporter(label);
  try {
    return await go(pool, {
      signal: ac.signal,
      onProgress: ui.onProgress,
      onLog: (l) => process.stderr.write(`${l}\n`),
    });
  } finally {
    ui.stop();
    process.off('SIGINT', onSigint);
    await pool.close().catch(() => {});
  }
}

function outcomeCode(o: RunOutcome): number {
  if (o.status === 'done') {
    process.stdout.write(`run ${o.runId} done\n`);
    return 0;
  }
  if (o.status === 'cancelled') {
    process.stderr.write(`run ${o.runId} cancelled; continue with: twin run --resume ${o.runId}\n`);
    return 130;
  }
  process.stderr.write(`run ${o.runId} failed: ${o.error}\n`);
  return 1;
}

function fmtPct(x: number | null): string {
  return x === null || Number.isNaN(x) ? '   —' : `${(100 * x).toFixed(0).padStart(3)}%`;
}

/** Print the targets table of a run. */
export function targetsTable(store: Store, runId: number): string {
  const evals = new Map(store.targetEvals(runId).map((e) => [e.targetId, e]));
  const lines = [`targets of run ${runId} (P(met) ≥ 80% met · 20–80% at risk · < 20% missed)`, ''];
  lines.push(
    ['target'.padEnd(22), 'source'.padEnd(10), 'deadline'.padEnd(10), 'P(met)', 'date P50', 'date P90', 'status'].join(
      '  ',
    ),
  );
  for (const t of loadTargets()) {
    const e = evals.get(t.id);
    lines.push(
      [
        t.id.padEnd(22),
        t.source.padEnd(10),
        t.deadline.padEnd(10),
        (e ? fmtPct(e.pMet) : '   —').padStart(6),
        (e?.dateP50 ?? (e && e.status !== 'no-data' ? 'later' : '—')).padEnd(8),
        (e?.dateP90 ?? (e && e.status !== 'no-data' ? 'later' : '—')).padEnd(8),
        e?.status ?? 'no-data',
      ].join('  '),
    );
  }
  return lines.join('\n');
}

/**
 * Entry point; returns the process exit code.
 * @example await main(['node', 'twin', 'validate', 'scenarios/baseline.yaml']) // → 0
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program.name('twin').description('Zibo New Smart City 2017–2021 digital twin').exitOverride().showHelpAfterError();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let code = 0;

  program
    .command('run')
    .description('run scenarios (or resume a run) and store the results')
    .argument('[scenario...]', 'scenario files or names in scenarios/')
    .option('--replications <n>', 'Monte Carlo replications (overrides the scenario)', int('--replications', 1, 10000))
    .option('--threads <n>', 'worker threads (default: all cores)', int('--threads', 1, 256))
    .option('--seed <s>', 'master seed (overrides the scenario)', int('--seed', 0, 4294967295))
    .option('--resume <run>', 'continue a killed or cancelled run', int('--resume', 1))
    .option('--db <path>', 'SQLite store', DEFAULT_DB)
    .action(async (scenarios: string[], o) => {
      if (o.resume === undefined && scenarios.length === 0)
        throw new UsageError('give a scenario (e.g. `twin run baseline`) or --resume RUN');
      if (o.resume !== undefined && scenarios.length)
        throw new UsageError('--resume continues a stored run; do not also name scenarios');
      const loaded = scenarios.map((s) => loadScenario(resolveScenarioArg(s)));
      const store = openDb(o.db);
      try {
        const threads = o.threads ?? defaultThreads();
        if (o.resume !== undefined) {
          const r = store.run(o.resume);
          if (!r) throw new UsageError(`no run ${o.resume} in ${store.file}; \`twin list\` shows the runs`);
          if (r.status === 'done') throw new UsageError(`run ${o.resume} already finished; nothing to resume`);
          code = outcomeCode(
            await runWithUi(threads, `resume run ${o.resume}`, (pool, ui) => resumeRun(o.resume, store, pool, ui)),
          );
          return;
        }
        for (const l of loaded) {
          const out = await runWithUi(threads, l.scenario.name, (pool, ui) =>
            startRun(l, store, pool, { ...ui, replications: o.replications, seed: o.seed }),
          );
          code = Math.max(code, outcomeCode(out));
          if (out.status === 'cancelled') break;
        }
      } finally {
        store.close();
      }
    });

  program
    .command('validate')
    .description('check scenario files; exit 0 when all are valid, 2 otherwise')
    .argument('<files...>')
    .action((files: string[]) => {
      for (const f of files) {
        try {
          const l = loadScenario(resolveScenarioArg(f));
          process.stdout.write(
            `${path.relative(process.cwd(), l.file)}: ok (${l.scenario.name}, hash ${l.hash}, models ${l.modelIds.join(', ')})\n`,
          );
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
          for (const i of e.issues) process.stderr.write(`${formatIssue(i)}\n`);
          code = 2;
        }
      }
    });

  program
    .command('list')
    .description('list scenarios and stored runs')
    .option('--db <path>', 'SQLite store', DEFAULT_DB)
    .action((o) => {
      process.stdout.write('scenarios:\n');
      for (const n of listScenarioNames()) process.stdout.write(`  ${n}\n`);
      const store = openDb(o.db);
      try {
        process.stdout.write('\nruns:\n');
        const runs = store.listRuns();
        if (!runs.length) process.stdout.write('  (none yet: `twin run baseline`)\n');
        for (const r of runs) {
          process.stdout.write(
            `  ${String(r.id).padStart(4)}  ${r.scenarioName.padEnd(24)} ${r.status.padEnd(9)} ${r.replications} reps  seed ${r.seed}  ${r.startedAt.slice(0, 19)}  ${r.codeVersion}\n`,
          );
        }
      } finally {
        store.close();
      }
    });

  program
    .command('targets')
    .description('every plan target with source, deadline, P(met), projected dates and status')
    .argument('[run]', 'run id (default: the latest finished run)')
    .option('--db <path>', 'SQLite store', DEFAULT_DB)
    .action((run: string | undefined, o) => {
      const store = openDb(o.db);
      try {
        const id = run === undefined ? store.latestRun('done')?.id : int('run', 1)(run);
        if (id === undefined)
          throw new UsageError(`no finished run in ${store.file}; run one with \`twin run baseline\``);
        if (!store.run(id)) throw new UsageError(`no run ${id} in ${store.file}`);
        process.stdout.write(`${targetsTable(store, id)}\n`);
      } finally {
        store.close();
      }
    });

  program
    .command('export')
    .description('export a run as JSON (the viewer bundle) or CSV (one row per series value)')
    .argument('<run>', 'run id or "latest"')
    .option(
      '--format <f>',
      'json, csv, csv-dir (one CSV per metric), geojson (districts and links), czml (rollout timeline)',
      'json',
    )
    .option('--out <file>', 'output file (default: stdout); a folder for csv-dir and geojson')
    .option('--metric <id>', 'czml: district metric to animate (default: extranet.liveShare)')
    .option(
      '--viewer <dir>',
      'write a static export of the viewer with this run (and any --with runs) into DIR, for any static file server',
    )
    .option(
      '--with <runs>',
      'with --viewer: more run ids to include, comma-separated (e.g. the baseline to compare against)',
    )
    .option('--db <path>', 'SQLite store', DEFAULT_DB)
    .action(async (run: string, o) => {
      if (o.viewer) {
        const store = openDb(o.db);
        try {
          const ids = [run, ...(o.with ? String(o.with).split(',') : [])].map((r) =>
            r === 'latest' ? store.latestRun('done')?.id : int('run', 1)(r.trim()),
          );
          const bundles = ids.map((id, k) => {
            const b = id === undefined ? undefined : runBundle(store, id);
            if (!b)
              throw new UsageError(
                `no run ${[run, ...(o.with ? String(o.with).split(',') : [])][k]} in ${store.file}; \`twin list\` shows the runs`,
              );
            return b;
          });
          const { exportViewer } = await import('../viewer/export.ts');
          exportViewer(path.resolve(o.viewer), bundles, (b, ref) =>
            store.artifact(b.run.id, ref.model, ref.name, ref.year),
          );
          process.stdout.write(
            `wrote a static viewer with run(s) ${bundles.map((b) => b.run.id).join(', ')} to ${o.viewer}; serve it with any static server, e.g. python3 -m http.server -d ${o.viewer}\n`,
          );
        } finally {
          store.close();
        }
        return;
      }
      const other = (EXPORT_FORMATS as readonly string[]).includes(o.format);
      if (!['json', 'csv'].includes(o.format) && !other)
        throw new UsageError(`--format must be json, csv, ${EXPORT_FORMATS.join(', ')}; got "${o.format}"`);
      const store = openDb(o.db);
      try {
        const id = run === 'latest' ? store.latestRun('done')?.id : int('run', 1)(run);
        if (id === undefined || !store.run(id))
          throw new UsageError(`no run ${run} in ${store.file}; \`twin list\` shows the runs`);
        if (other) {
          let files: string[];
          try {
            files = exportRun(store, id, o.format, o.out, { metric: o.metric });
          } catch (e) {
            throw new UsageError((e as Error).message);
          }
          process.stdout.write(
            `wrote ${files.length} file(s): ${files.slice(0, 5).join(', ')}${files.length > 5 ? ', ...' : ''}\n`,
          );
          return;
        }
        const b = runBundle(store, id)!;
        let text: string;
        if (o.format === 'json') text = toJson(b);
        else {
          const rows = ['run,model,metric,entity,period,p10,p50,p90,mean,n'];
          for (const s of b.series)
            rows.push(
              [id, s.model, s.metric, s.entity, s.period, s.p10, s.p50, s.p90, s.mean, s.n].map(csvCell).join(','),
            );
          text = rows.join('\n') + '\n';
        }
        if (o.out) {
          mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
          writeFileSync(o.out, text);
          process.stdout.write(`wrote ${o.out}\n`);
        } else process.stdout.write(text);
      } finally {
        store.close();
      }
    });

  const actuals = program.command('actuals').description('observed progress: import, list, metrics');
  actuals
    .command('import')
    .description('validate every row of a CSV of actuals and store them (nothing is stored if any row is bad)')
    .argument('<file>')
    .option('--db <path>', 'SQLite store', DEFAULT_DB)
    .action((file: string, o) => {
      const store = openDb(o.db);
      try {
        const n = importActuals(store, file);
        process.stdout.write(`imported ${n} actual${n === 1 ? '' : 's'} from ${file}\n`);
      } finally {
        store.close();
      }
    });
  actuals
    .command('list')
    .description('list stored actuals')
    .option('--metric <id>', 'only this metric')
    .option('--db <path>', 'SQLite store', DEFAULT_DB)
    .action((o) => {
      const store = openDb(o.db);
      try {
        const rows = listActuals(store).filter((r) => !o.metric || r.metric === o.metric);
        if (!rows.length) process.stdout.write('(no actuals; import with `twin actuals import FILE`)\n');
        for (const r of rows)
          process.stdout.write(
            `${r.date}  ${r.metric.padEnd(26)} ${r.scope.padEnd(12)} ${r.bound === '=' ? ' ' : r.bound}${r.value} ${r.unit}  — ${r.source}\n`,
          );
      } finally {
        store.close();
      }
    });
  actuals
    .command('metrics')
    .description('metric ids and units that actuals can refer to')
    .action(() => {
      for (const [id, unit] of metricUnits()) process.stdout.write(`${id.padEnd(32)} ${unit}\n`);
    });

  program
    .command('reforecast')
    .description('re-forecast a finished run conditioned on the stored actuals up to a date (importance weights)')
    .argument('[run]', 'run id (default: the latest finished run)')
    .option('--until <date>', 'use actuals observed up to this ISO date', '2021-12-31')
    .option('--json', 'print the re-forecast as JSON')
    .option('--db <path>', 'SQLite store', DEFAULT_DB)
    .action((run: string | undefined, o) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(o.until))
        throw new UsageError(`--until must be an ISO date YYYY-MM-DD, got "${o.until}"`);
      const store = openDb(o.db);
      try {
        const id = run === undefined ? store.latestRun('done')?.id : int('run', 1)(run);
        if (id === undefined || !store.run(id)) throw new UsageError(`no run ${run ?? '(finished)'} in ${store.file}`);
        if (store.run(id)!.status !== 'done')
          throw new UsageError(`run ${id} is ${store.run(id)!.status}; re-forecast needs a finished run`);
        const rf = reforecast(store, id, loadTargets(), o.until);
        if (o.json) return void process.stdout.write(toJson(rf) + '\n');
        process.stdout.write(
          `re-forecast of run ${id} on ${rf.used} actuals up to ${rf.until} (${rf.unmatched} without a matching series); effective replications ${rf.ess.toFixed(1)} of ${rf.replications}\n`,
        );
        if (rf.warning) process.stderr.write(`warning: ${rf.warning}\n`);
        for (const e of rf.evaluations) {
          process.stdout.write(
            `  ${e.targetId.padEnd(22)} P(met) ${fmtPct(e.pMetPrior)} → ${fmtPct(e.pMet)}  ${e.status}\n`,
          );
        }
      } finally {
        store.close();
      }
    });

  program
    .command('report')
    .description(
      'the report for the committee: targets table, key charts with bands, map snapshots, assumptions (PDF via headless Chromium, or HTML)',
    )
    .argument('<run>', 'run id or "latest"')
    .option('--compare <run>', 'a second run to compare with', int('--compare', 1))
    .requiredOption('--out <file>', 'report.pdf or report.html')
    .option('--chromium <path>', 'Chromium/Chrome binary for PDF (default: $TWIN_CHROMIUM, /usr/bin/chromium, ...)')
    .option('--db <path>', 'SQLite store', DEFAULT_DB)
    .action(async (run: string, o) => {
      const store = openDb(o.db);
      try {
        const id = run === 'latest' ? store.latestRun('done')?.id : int('run', 1)(run);
        if (id === undefined || !store.run(id))
          throw new UsageError(`no run ${run} in ${store.file}; \`twin list\` shows the runs`);
        if (o.compare !== undefined && !store.run(o.compare))
          throw new UsageError(`no run ${o.compare} in ${store.file} to compare with`);
        if (!/\.(pdf|html?)$/i.test(o.out)) throw new UsageError(`--out must end in .pdf or .html, got "${o.out}"`);
        const r = await writeReport(store, id, { out: o.out, compare: o.compare, chromium: o.chromium });
        if (r.warning) process.stderr.write(`twin: ${r.warning}\n`);
        process.stdout.write(`wrote ${path.relative(process.cwd(), r.file) || r.file} (${r.format})\n`);
      } finally {
        store.close();
      }
    });

  program
    .command('schema')
    .description('write the JSON Schema of scenario files (scenarios/scenario.schema.json) for editor autocompletion')
    .option('--out <file>', 'output file', path.join(SCENARIOS_DIR, 'scenario.schema.json'))
    .action((o) => {
      writeFileSync(o.out, JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
      process.stdout.write(`wrote ${path.relative(process.cwd(), o.out)}\n`);
    });

  program
    .command('serve')
    .description('serve the viewer and the JSON API on 127.0.0.1')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <n>', 'port', int('--port', 0, 65535), 8080)
    .option('--allowed-host <name>', 'another host name the server answers to (repeatable)', collect, [])
    .option('--db <path>', 'SQLite store', DEFAULT_DB)
    .action(async (o) => {
      await serveForever(openDb(o.db), o.host, o.port, o.allowedHost);
    });

  program
    .command('start')
    .description('npm start: build what is needed, run the baseline if it has no finished run, serve the viewer')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <n>', 'port', int('--port', 0, 65535), 8080)
    .option('--threads <n>', 'worker threads', int('--threads', 1, 256))
    .option('--allowed-host <name>', 'another host name the server answers to (repeatable)', collect, [])
    .option('--db <path>', 'SQLite store', DEFAULT_DB)
    .action(async (o) => {
      const store = openDb(o.db);
      const l = loadScenario(path.join(SCENARIOS_DIR, 'baseline.yaml'));
      const have = store.findFinishedRun(l.hash, l.scenario.seed, l.scenario.replications);
      if (have) process.stderr.write(`baseline already computed (run ${have.id}, hash ${l.hash})\n`);
      else {
        const out = await runWithUi(o.threads ?? defaultThreads(), 'baseline', (pool, ui) =>
          startRun(l, store, pool, ui),
        );
        if (outcomeCode(out) !== 0) {
          code = out.status === 'cancelled' ? 130 : 1;
          store.close();
          return;
        }
      }
      await buildViewerIfNeeded();
      await serveForever(store, o.host, o.port, o.allowedHost);
    });

  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ScenarioError) {
      for (const i of e.issues) process.stderr.write(`${formatIssue(i)}\n`);
      return 2;
    }
    if (e instanceof ActualsError) {
      for (const i of e.issues)
        process.stderr.write(`${i.file}:${i.line}: ${i.field ? `${i.field}: ` : ''}${i.message}\n`);
      process.stderr.write('nothing was imported\n');
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`twin: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`twin: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

function csvCell(v: unknown): string {
  const s = String(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

async function buildViewerIfNeeded(): Promise<void> {
  const dist = path.join(ENGINE_ROOT, 'viewer', 'dist', 'index.html');
  const src = path.join(ENGINE_ROOT, 'viewer', 'index.html');
  if (existsSync(dist) || !existsSync(src)) return;
  process.stderr.write('building the viewer (first start only)...\n');
  const { build } = await import('vite');
  await build({ configFile: path.join(ENGINE_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

/** Commander collector for a repeatable option. */
function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

async function serveForever(store: Store, host: string, port: number, allowedHosts: string[] = []): Promise<void> {
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    process.stderr.write(
      `warning: binding to ${host} exposes the twin beyond this machine; it has no authentication\n`,
    );
  }
  const s = await serve({ store, host, port, allowedHosts });
  process.stdout.write(`Zibo twin viewer: ${s.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      s.close().then(() => {
        store.close();
        resolve();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
