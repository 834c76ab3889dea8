/**
 * `npm run bench:cluster [-- --quick]`: what the Redis queue costs and what it carries, on this machine, through a
 * real redis-server started for the bench. A benchmark, not a test: nothing here asserts a time.
 *
 * 1. Overhead: the baseline scenario on the local pool (2 threads) vs a coordinator + 2 `twin worker` processes of one
 *    thread each, REPEATS times each, alternating, medians reported with the load average before and after (other
 *    work on the machine moves these figures more than the queue does: say so when quoting them).
 * 2. A 10,000-job run (the self-test model, jobs of well under a millisecond, so that only the queue and the writer
 *    work) on the cluster, with Redis `INFO memory` sampled every 250 ms: used_memory at start, peak and end.
 * 3. Per-job bytes: what a queue job carries (parameters once per batch, one spec per engine job) and what comes
 *    back (each job's encoded output, base64 in BullMQ's JSON), measured on the baseline run's real jobs.
 * 4. The single writer: results decoded from the wire format and stored by `store.finishJob` (what the coordinator
 *    does for each job), rows/s and MB/s.
 *
 * Sizes: full (default) = the whole baseline (200 replications) × 3 repeats; `--quick` = 50 replications × 3
 * (≤ 5 minutes on an idle 2-core machine). BENCH_REPLICATIONS and BENCH_REPEATS override either.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { jobSpec, type StoredScenario } from '../run/plan.ts';
import { createRunRecord } from '../run.ts';
import { loadScenario } from '../scenario.ts';
import { SCENARIOS_ROOT } from '../paths.ts';
import { openStore } from '../store.ts';
import { TWIN } from '../test/helpers.ts';
import { fromWire, localIdentity, WORKER_KEY_PREFIX, type BatchData, type WireResult } from './protocol.ts';
import { startTestRedis } from './test-redis.ts';

const quick = process.argv.includes('--quick');
const reps = Number(process.env.BENCH_REPLICATIONS ?? (quick ? 50 : 200));
const repeats = Math.max(1, Number(process.env.BENCH_REPEATS ?? 3));
const BIG_REPLICATIONS = 3334; // × 3 years = 10,002 jobs
const dir = mkdtempSync(path.join(os.tmpdir(), 'twin-bench-cluster-'));
// Every process registers the self-test model (the 10,000-job run uses it); all share one identity.
const env = { ...process.env, TWIN_TEST_MODELS: '1', TWIN_CODE_VERSION: 'bench-cluster' };
process.env.TWIN_TEST_MODELS = '1';
process.env.TWIN_CODE_VERSION = 'bench-cluster';

const say = (l: string) => process.stderr.write(`${l}\n`);
const load = () => os.loadavg()[0]!.toFixed(1);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

/** Run `twin ARGS` to the end; wall time in ms. Asynchronous, so that the Redis memory sampler keeps running. */
async function timedRun(args: string[]): Promise<number> {
  const t0 = performance.now();
  let stderr = '';
  const code = await new Promise<number | null>((resolve) => {
    const c = spawn(process.execPath, [TWIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    c.stderr!.on('data', (d) => (stderr += d));
    c.once('exit', resolve);
  });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`twin ${args.join(' ')} failed (${code}):\n${stderr}`);
  return ms;
}

/** The stored aggregates of run 1 (what must be bit-identical) and its job count. */
function seriesOf(db: string): { text: string; jobs: number } {
  const store = openStore(db);
  try {
    const text = JSON.stringify(
      store.series(1).map((r) => [r.metric, r.entity, r.period, r.p10, r.p50, r.p90, r.mean]),
    );
    return { text, jobs: store.jobs(1).length };
  } finally {
    store.close();
  }
}

/** Per-job bytes of run 1 in `db`: queue job payload (parameters, specs) and results on the wire, by model. */
function bytesPerJob(db: string): string[] {
  const store = openStore(db);
  try {
    const run = store.run(1)!;
    const stored = JSON.parse(run.scenarioJson) as StoredScenario;
    const jobs = store.jobs(1);
    const identity = localIdentity();
    const lines: string[] = [];
    for (const model of stored.modelIds) {
      const mine = jobs.filter((j) => j.model === model);
      const spec = jobSpec(stored, run.seed, mine[0]!);
      const empty: BatchData = { owner: 'run1', identity, params: stored.scenario[model], jobs: [] };
      const paramsBytes = JSON.stringify(empty).length;
      const specBytes = JSON.stringify(spec).length + 1;
      const blobs = store.jobOutputBlobs(1, model);
      const wire = blobs.reduce(
        (s, b) => s + JSON.stringify({ ok: true, output: b.output.toString('base64') }).length,
        0,
      );
      lines.push(
        `  ${model.padEnd(16)} ${String(mine.length).padStart(5)} jobs: payload ${kib(paramsBytes)} per queue job + ${specBytes} B per job; result ${kib(wire / blobs.length)} per job on the wire`,
      );
    }
    return lines;
  } finally {
    store.close();
  }
}

/**
 * The coordinator's per-job work outside the queue: decode the wire result and store it (`store.finishJob`, one
 * transaction per job, as in a run), for every job of run 1 in `fromDb`, into a fresh run of the same plan.
 */
function writerRate(fromDb: string): { rows: number; ms: number; bytes: number } {
  const src = openStore(fromDb);
  const run = src.run(1)!;
  const stored = JSON.parse(run.scenarioJson) as StoredScenario;
  const wire = new Map<number, WireResult>();
  for (const m of stored.modelIds)
    for (const b of src.jobOutputBlobs(1, m)) wire.set(b.idx, { ok: true, output: b.output.toString('base64'), ms: 1 });
  src.close();
  const store = openStore(path.join(dir, 'writer.sqlite'));
  try {
    const l = loadScenario(path.join(SCENARIOS_ROOT, 'baseline.yaml'));
    const id = createRunRecord(l, store, 1, { replications: stored.scenario.replications });
    const jobs = store.jobs(id);
    let bytes = 0;
    const t0 = performance.now();
    for (const j of jobs) {
      const [r] = fromWire([wire.get(j.idx)!]);
      if (!r?.ok) throw new Error(`job ${j.idx}: no output`);
      bytes += r.output.byteLength;
      store.finishJob(id, j.idx, 1, r.ms, r.output);
    }
    return { rows: jobs.length, ms: performance.now() - t0, bytes };
  } finally {
    store.close();
  }
}

const redis = await startTestRedis();
const client = new Redis(redis.url);
const workers: ChildProcess[] = [];
const exited = (w: ChildProcess) =>
  new Promise<number | null>((resolve) => (w.exitCode !== null ? resolve(w.exitCode) : w.once('exit', resolve)));
/** Redis used_memory, bytes. */
const memOf = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
/** The phase whose peak the sampler records (every 250 ms), or null between phases. */
let phase: { max: number; samples: number } | null = null;
const sampler = setInterval(() => {
  const p = phase;
  if (p)
    void memOf().then((m) => {
      p.max = Math.max(p.max, m);
      p.samples++;
    });
}, 250);
try {
  for (let i = 0; i < 2; i++)
    workers.push(
      spawn(process.execPath, [TWIN, 'worker', '--redis', redis.url, '--threads', '1'], { stdio: 'ignore', env }),
    );
  // Workers ready before the first local run: each `twin` process rewrites dist/worker.mjs at start (not atomically),
  // and a pool thread that loads the bundle while another process writes it finds no handler.
  while ((await client.keys(`${WORKER_KEY_PREFIX}*`)).length < 2) await new Promise((r) => setTimeout(r, 200));
  const loadBefore = load();
  const baselineMem = { max: await memOf(), samples: 0 };
  const localMs: number[] = [];
  const clusterMs: number[] = [];
  let identical = true;
  let clusterDb = '';
  let jobs = 0;
  for (let i = 0; i < repeats; i++) {
    const localDb = path.join(dir, `local-${i}.sqlite`);
    clusterDb = path.join(dir, `cluster-${i}.sqlite`);
    say(`[${i + 1}/${repeats}] baseline, ${reps} replications: local pool, 2 threads (load ${load()}) …`);
    localMs.push(
      await timedRun(['run', 'baseline', '--replications', String(reps), '--threads', '2', '--db', localDb]),
    );
    say(`[${i + 1}/${repeats}] coordinator + 2 workers × 1 thread (load ${load()}) …`);
    phase = baselineMem;
    clusterMs.push(
      await timedRun(['run', 'baseline', '--replications', String(reps), '--db', clusterDb, '--cluster', redis.url]),
    );
    phase = null;
    const a = seriesOf(localDb);
    const b = seriesOf(clusterDb);
    identical &&= a.text === b.text;
    jobs = a.jobs;
  }
  const loadAfter = load();

  // The 10,000-job run: only the queue and the single writer work (jobs of well under a millisecond).
  const bigYaml = path.join(dir, 'ten-thousand.yaml');
  writeFileSync(
    bigYaml,
    `name: ten-thousand\nmodels: [testbed]\nperiod: { startYear: 2017, endYear: 2019 }\n` +
      `replications: ${BIG_REPLICATIONS}\ntestbed: { samples: 1000 }\n`,
  );
  const memStart = await memOf();
  const big = { max: memStart, samples: 0 };
  phase = big;
  say(`10,002-job run on the cluster (load ${load()}) …`);
  const bigDb = path.join(dir, 'big.sqlite');
  const bigMs = await timedRun(['run', bigYaml, '--db', bigDb, '--cluster', redis.url]);
  phase = null;
  const memEnd = await memOf();
  const bigJobs = seriesOf(bigDb).jobs;
  const streamLen = await client.xlen('bull:twin-jobs:events');

  const bytes = bytesPerJob(clusterDb);
  const w = writerRate(clusterDb);

  const lm = median(localMs);
  const cm = median(clusterMs);
  const lines = [
    `machine: ${os.availableParallelism()} cores, load average ${loadBefore} before, ${loadAfter} after the overhead runs${Number(loadAfter) > os.availableParallelism() ? ' (other work was running: the times below measure that contention as much as the queue)' : ''}`,
    `baseline, ${reps} replications, ${jobs} jobs, ${repeats} runs each (median; all runs):`,
    `  local pool, 2 threads:              ${(lm / 1000).toFixed(1)} s  (${localMs.map((m) => (m / 1000).toFixed(1)).join(', ')})`,
    `  coordinator + 2 workers × 1 thread: ${(cm / 1000).toFixed(1)} s  (${clusterMs.map((m) => (m / 1000).toFixed(1)).join(', ')})`,
    `  queue overhead (median vs median):  ${((100 * (cm - lm)) / lm).toFixed(1)} %`,
    `  aggregates bit-identical to the local pool in every run: ${identical ? 'yes' : 'NO'}`,
    `  Redis used_memory peak during the cluster runs: ${mib(baselineMem.max)} (${baselineMem.samples} samples)`,
    `10,002-job run on the cluster: ${(bigMs / 1000).toFixed(1)} s (${(bigJobs / (bigMs / 1000)).toFixed(0)} jobs/s end to end, ${bigJobs} jobs)`,
    `  Redis used_memory: start ${mib(memStart)}, peak ${mib(big.max)} (${big.samples} samples, every 250 ms), end ${mib(memEnd)}; events stream ${streamLen} entries`,
    `per-job bytes (baseline, measured on the stored outputs):`,
    ...bytes,
    `single writer (decode + store.finishJob, one transaction per job): ${w.rows} rows in ${(w.ms / 1000).toFixed(2)} s = ${(w.rows / (w.ms / 1000)).toFixed(0)} rows/s, ${(w.bytes / 1024 / 1024 / (w.ms / 1000)).toFixed(1)} MB/s of outputs`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  clearInterval(sampler);
  // Workers first (they stop within seconds on SIGTERM), then Redis: a worker closing against a stopped Redis waits.
  for (const w of workers) w.kill('SIGTERM');
  const codes = await Promise.all(
    workers.map((w) => Promise.race([exited(w), new Promise((r) => setTimeout(r, 20_000, 'timeout'))])),
  );
  if (codes.some((c) => c === 'timeout')) {
    say('a worker did not exit within 20 s of SIGTERM; killing it');
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  }
  client.disconnect();
  await redis.stop();
}
