/**
 * `npm run bench:cluster`: the baseline scenario on the local pool (2 threads) vs a coordinator + 2 `twin worker`
 * processes of one thread each, all on this machine, through a real redis-server started for the bench. Prints wall
 * times, the queue's overhead, Redis memory (INFO memory, sampled every 250 ms over the cluster run) and whether the
 * stored aggregates are bit-identical. Replications: BENCH_REPLICATIONS (default 50, a reduced baseline; the scenario
 * file has 200). A benchmark, not a test: nothing here asserts a time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { openStore } from '../store.ts';
import { TWIN } from '../test/helpers.ts';
import { WORKER_KEY_PREFIX } from './protocol.ts';
import { startTestRedis } from './test-redis.ts';

const reps = Number(process.env.BENCH_REPLICATIONS ?? 50);
const dir = mkdtempSync(path.join(os.tmpdir(), 'twin-bench-cluster-'));

function timedRun(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [TWIN, ...args], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`twin ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return ms;
}

function seriesDump(db: string): { text: string; jobs: number; outputBytes: number } {
  const store = openStore(db);
  try {
    const text = JSON.stringify(
      store.series(1).map((r) => [r.metric, r.entity, r.period, r.p10, r.p50, r.p90, r.mean]),
    );
    const run = store.run(1)!;
    const models = (JSON.parse(run.scenarioJson) as { modelIds: string[] }).modelIds;
    let outputBytes = 0;
    for (const m of models) for (const b of store.jobOutputBlobs(1, m)) outputBytes += b.output.length;
    return { text, jobs: store.jobs(1).length, outputBytes };
  } finally {
    store.close();
  }
}

const redis = await startTestRedis();
const client = new Redis(redis.url);
const workers = [1, 2].map(() =>
  spawn(process.execPath, [TWIN, 'worker', '--redis', redis.url, '--threads', '1'], { stdio: 'ignore' }),
);
try {
  const localDb = path.join(dir, 'local.sqlite');
  const clusterDb = path.join(dir, 'cluster.sqlite');
  process.stderr.write(`baseline, ${reps} replications: local pool, 2 threads …\n`);
  const localMs = timedRun(['run', 'baseline', '--replications', String(reps), '--threads', '2', '--db', localDb]);

  while ((await client.keys(`${WORKER_KEY_PREFIX}*`)).length < 2) await new Promise((r) => setTimeout(r, 200));
  const memOf = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
  const memStart = await memOf();
  let memMax = memStart;
  const sampler = setInterval(() => {
    void memOf().then((m) => (memMax = Math.max(memMax, m)));
  }, 250);
  process.stderr.write('coordinator + 2 workers of 1 thread …\n');
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const c = spawn(
      process.execPath,
      [TWIN, 'run', 'baseline', '--replications', String(reps), '--db', clusterDb, '--cluster', redis.url],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`cluster run exited ${code}`))));
  });
  const clusterMs = performance.now() - t0;
  clearInterval(sampler);
  const memEnd = await memOf();

  const a = seriesDump(localDb);
  const b = seriesDump(clusterDb);
  const lines = [
    `baseline, ${reps} replications, ${a.jobs} jobs, ${os.availableParallelism()} cores (load ${os.loadavg()[0]!.toFixed(1)})`,
    `local pool, 2 threads:               ${(localMs / 1000).toFixed(1)} s`,
    `coordinator + 2 workers × 1 thread:  ${(clusterMs / 1000).toFixed(1)} s  (overhead ${((100 * (clusterMs - localMs)) / localMs).toFixed(1)} %)`,
    `Redis used_memory: start ${(memStart / 1024).toFixed(0)} KiB, max ${(memMax / 1024).toFixed(0)} KiB, end ${(memEnd / 1024).toFixed(0)} KiB`,
    `job outputs: ${(b.outputBytes / b.jobs / 1024).toFixed(1)} KiB per job on average (what travels back through Redis, base64 adds 1/3)`,
    `aggregates bit-identical to the local pool: ${a.text === b.text ? 'yes' : 'NO'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  for (const w of workers) w.kill('SIGTERM');
  client.disconnect();
  await redis.stop();
}
