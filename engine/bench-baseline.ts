/**
 * Whole-twin benchmark: `npm run bench:baseline [-- --replications N --threads N --scenario FILE]`.
 * Runs the full baseline (every registered model, 2017–2021, 200 replications by default) through the real engine
 * (pool, store in a temporary SQLite file, aggregation, target evaluation) and prints wall time, CPU time (all
 * threads of the process), peak memory (peak resident set of the process, workers included), and the per-model split
 * (job count, summed job time inside the workers (wall time of model.run, plus loadInputs on a worker's first job), mean and max), plus the time spent aggregating.
 * Target (issue 9): ≤ 60 s wall and ≤ 1 GB peak on 2 cores.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
// @ts-expect-error plain ESM build script without types
import { buildWorker } from './build-worker.mjs';
import { createPool, defaultThreads } from './pool.ts';
import { startRun } from './run.ts';
import { formatIssue, loadScenario, ScenarioError, SCENARIOS_DIR } from './scenario.ts';
import { openStore } from './store.ts';

const { values: a } = parseArgs({
  options: {
    replications: { type: 'string', default: '200' },
    threads: { type: 'string' },
    scenario: { type: 'string', default: path.join(SCENARIOS_DIR, 'baseline.yaml') },
    json: { type: 'boolean', default: false },
  },
});

/** Peak resident set size of this process so far, bytes (Linux VmHWM; else the sampled maximum). */
function peakRss(sampled: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Math.max(sampled, Number(m[1]) * 1024);
  } catch {
    /* not Linux */
  }
  return sampled;
}

const replications = Number(a.replications);
const threads = a.threads ? Number(a.threads) : defaultThreads();
let loaded;
try {
  loaded = loadScenario(a.scenario!, { overrides: { replications } });
} catch (e) {
  if (e instanceof ScenarioError) {
    for (const i of e.issues) console.error(formatIssue(i));
    console.error(
      'bench:baseline: the scenario does not load (a model section without a registered model?); pass --scenario FILE to bench another',
    );
    process.exit(2);
  }
  throw e;
}
await buildWorker();
const dir = mkdtempSync(path.join(os.tmpdir(), 'twin-bench-'));
const store = openStore(path.join(dir, 'bench.sqlite'));
const pool = createPool({ threads });
// Warm-up excluded: starting threads and loading inputs is part of any real run, so it is included in the timing.
let sampled = 0;
const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 25);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let tAgg = NaN;
const out = await startRun(loaded, store, pool, {
  onLog: (l) => l.startsWith('aggregating') && (tAgg = performance.now()),
});
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
const peak = peakRss(sampled);
if (out.status !== 'done') {
  console.error(`run ${out.status}: ${out.error ?? ''}`);
  process.exit(1);
}
const perModel = store
  .modelJobStats(out.runId)
  .map((m) => ({ model: m.model, jobs: m.count, sumMs: m.sumMs ?? 0, meanMs: m.meanMs ?? 0, maxMs: m.maxMs ?? 0 }));
const seriesRows = store.seriesCount(out.runId);
const dbBytes = store.sizeBytes();
store.close();
await pool.close();
rmSync(dir, { recursive: true, force: true });

const totalJobMs = perModel.reduce((s, m) => s + m.sumMs, 0);
const aggMs = Number.isFinite(tAgg) ? wallMs - (tAgg - t0) : NaN;
const result = {
  scenario: loaded.scenario.name,
  models: loaded.modelIds,
  replications,
  threads,
  cores: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model ?? '?',
  node: process.version,
  wallS: +(wallMs / 1000).toFixed(2),
  cpuS: +((cpu.user + cpu.system) / 1e6).toFixed(2),
  peakRssMb: Math.round(peak / 2 ** 20),
  aggregateS: +(aggMs / 1000).toFixed(2),
  seriesRows,
  storeMb: +(dbBytes / 2 ** 20).toFixed(1),
  perModel: perModel.map((m) => ({
    model: m.model,
    jobs: m.jobs,
    jobS: +(m.sumMs / 1000).toFixed(2),
    sharePct: +((100 * m.sumMs) / totalJobMs).toFixed(1),
    meanMs: +m.meanMs.toFixed(1),
    maxMs: +m.maxMs.toFixed(1),
  })),
};
if (a.json) console.log(JSON.stringify(result));
else {
  console.log(
    `bench:baseline — ${result.scenario}: ${result.models.join(', ')}; ${replications} replications, ${threads} threads on ${result.cores} cores (${result.cpuModel}), Node ${result.node}`,
  );
  console.log(
    `wall ${result.wallS} s (target ≤ 60) · CPU ${result.cpuS} s · peak RSS ${result.peakRssMb} MB (target ≤ 1024) · aggregation and targets left after the last job ${result.aggregateS} s (models are aggregated as they finish) · ${seriesRows} series rows · store ${result.storeMb} MB`,
  );
  console.log('model        jobs   job time s  share   mean ms    max ms');
  for (const m of result.perModel) {
    console.log(
      `${m.model.padEnd(12)} ${String(m.jobs).padStart(5)} ${m.jobS.toFixed(2).padStart(10)} ${m.sharePct.toFixed(1).padStart(6)}% ${m.meanMs.toFixed(1).padStart(9)} ${m.maxMs.toFixed(1).padStart(9)}`,
    );
  }
  console.log(
    `(job time = wall time inside the worker per job, summed; first job per worker includes loadInputs; wall − job time/threads ≈ engine, store and aggregation overhead)`,
  );
}
