/**
 * Engine benchmark (`npm run bench:engine`): per-task overhead of the pool and the speed-up of CPU-bound jobs from
 * 1 to N threads. Prints medians over rounds; no assertions (benchmarks are scripts).
 *
 * Overhead of a job of about 10 ms: wall time per job through the pool (1 thread, tasks pipelined) minus the time the
 * job took inside the worker (its own clock), one job per task and batched the way the engine sends short jobs
 * (engine/run.ts, BATCH_MS); also against the same job called in-process, and for empty jobs. Targets (issue 2):
 * overhead < 1 % of a 10 ms job; speed-up ≥ 1.8× on 2 idle cores.
 */
import os from 'node:os';
import { createRng } from '../models/lib/rng.ts';
import type { JobSpec } from '../models/types.ts';
// @ts-expect-error plain ESM build script without types
import { buildWorker } from './build-worker.mjs';
import { encodeOutput } from './codec.ts';
import { createPool, type JobPool } from './pool.ts';
import { BATCH_MAX_JOBS, BATCH_MS } from './run.ts';
import { TEST_MODELS_ENV, testbedModel, type TestbedParams } from './testbed-model.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rounds = Number(process.env.ROUNDS ?? 5);

function params(burn: number): TestbedParams {
  return { samples: 1000, walkSteps: 12, burnIterations: burn, delayMs: 0 };
}
function job(i: number): JobSpec {
  return { model: 'testbed', years: [2017 + (i % 5)], replication: i, attempt: 1, seed: i };
}

/** Calibrate burnIterations so one job takes about `ms` in this thread. */
function calibrate(ms: number): number {
  let burn = 200_000;
  for (let k = 0; k < 6; k++) {
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) testbedModel.run(params(burn), null, job(i), createRng(i));
    const per = (performance.now() - t0) / 5;
    burn = Math.max(1000, Math.round((burn * ms) / per));
  }
  return burn;
}

/** Time inside the worker (its own clock around the model call), summed over the last runAll. */
let insideMs = 0;
async function runAll(pool: JobPool, n: number, burn: number, inFlight: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  insideMs = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        const i = next++;
        const r = await pool.run({ job: job(i), params: params(burn) });
        if (!r.ok) throw new Error(r.message);
        insideMs += r.ms;
      }
    }),
  );
  return performance.now() - t0;
}

await buildWorker();
// The bench's jobs are the testbed model's, registered only with this switch (the workers inherit the environment).
process.env[TEST_MODELS_ENV] = '1';
const cores = os.availableParallelism();
console.log(
  `engine bench — Node ${process.version}, ${cores} cores (${os.cpus()[0]?.model ?? '?'}), load avg ${os.loadavg()[0]!.toFixed(2)}`,
);

// 1. Per-task overhead on ~10 ms jobs.
const burn10 = calibrate(10);
const N = 100;
const direct: number[] = [];
const pooled: number[] = [];
const inside: number[] = [];
const pool1 = createPool({ threads: 1 });
await runAll(pool1, 10, burn10, 2); // warm-up: worker start and JIT
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  // In-process does what a worker does for a job: run it and encode its output for the store.
  for (let i = 0; i < N; i++) encodeOutput(testbedModel.run(params(burn10), null, job(i), createRng(job(i).seed)));
  direct.push((performance.now() - t0) / N);
  pooled.push((await runAll(pool1, N, burn10, 2)) / N);
  inside.push(insideMs / N);
}
// The same jobs the way the engine sends short jobs: batches of floor(BATCH_MS / job time) per task (engine/run.ts).
const k10 = Math.max(1, Math.min(BATCH_MAX_JOBS, Math.floor(BATCH_MS / median(direct))));
const batchedWall: number[] = [];
const batchedInside: number[] = [];
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  let next = 0;
  let inMs = 0;
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (next < N) {
        const ids = Array.from({ length: Math.min(k10, N - next) }, () => next++);
        const rs = await pool1.runBatch({ jobs: ids.map(job), params: params(burn10) });
        for (const x of rs) {
          if (!x.ok) throw new Error(x.message);
          inMs += x.ms;
        }
      }
    }),
  );
  batchedWall.push((performance.now() - t0) / N);
  batchedInside.push(inMs / N);
}
// Empty jobs (1 sample, no burn): the pool's own cost per task, without the job's CPU time competing for the core.
const empty: number[] = [];
const emptyDirect: number[] = [];
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) testbedModel.run({ ...params(0), samples: 1 }, null, job(i), createRng(i));
  emptyDirect.push((performance.now() - t0) / 2000);
  const t1 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < 2000) {
        const i = next++;
        await pool1.run({ job: job(i), params: { ...params(0), samples: 1 } });
      }
    }),
  );
  empty.push((performance.now() - t1) / 2000);
}
await pool1.close();
const overheadMs = median(pooled) - median(direct);
const emptyOverheadMs = median(empty) - median(emptyDirect);
console.log(`\nper-task overhead (1 thread, ${N} jobs of ~10 ms, ${rounds} rounds, medians):`);
console.log(`  in-process  ${median(direct).toFixed(3)} ms/job`);
console.log(`  via pool    ${median(pooled).toFixed(3)} ms/job`);
console.log(
  `  difference  ${(overheadMs * 1000).toFixed(0)} µs/job = ${((100 * overheadMs) / median(direct)).toFixed(2)} % of the job (two isolates' JIT and CPU-clock drift included: ±5 % between rounds)`,
);
// Same rounds, measured against the worker's own clock: wall time per task minus the time the model call took in the
// worker = dispatch, hand-over, result transfer and any wait for the main thread.
const perTaskGap = pooled.map((p, k) => p - inside[k]!);
const gapMs = median(perTaskGap);
console.log(
  `  inside worker ${median(inside).toFixed(3)} ms/job; wall − inside = ${(gapMs * 1000).toFixed(0)} µs/job = ${((100 * gapMs) / median(inside)).toFixed(2)} % of the job (target < 1 %)`,
);
const bGap = median(batchedWall.map((w, k) => w - batchedInside[k]!));
const bDiff = median(batchedWall) - median(direct);
console.log(
  `  batched as the engine sends them (${k10} jobs per task): wall − inside = ${(bGap * 1000).toFixed(0)} µs/job = ${((100 * bGap) / median(batchedInside)).toFixed(2)} % of the job (target < 1 %); against in-process: ${(bDiff * 1000).toFixed(0)} µs/job = ${((100 * bDiff) / median(direct)).toFixed(2)} %`,
);
console.log(
  `  empty job   ${(emptyOverheadMs * 1000).toFixed(0)} µs/task via pool, one job per task (pipelined, 2000 tasks; includes encoding the output in the worker) = ${((100 * emptyOverheadMs) / 10).toFixed(2)} % of a 10 ms job`,
);

// 2. Speed-up of CPU-bound jobs, 1 → N threads.
const burn100 = calibrate(100);
const jobs = 16;
const times = new Map<number, number[]>();
const threadCounts = [...new Set([1, 2, cores])].filter((t) => t <= Math.max(2, cores));
for (const t of threadCounts) {
  const p = createPool({ threads: t });
  await runAll(p, t * 2, burn100, t * 2);
  const xs: number[] = [];
  for (let r = 0; r < rounds; r++) xs.push(await runAll(p, jobs, burn100, t * 2));
  times.set(t, xs);
  await p.close();
}
console.log(`\nspeed-up, ${jobs} CPU-bound jobs of ~100 ms (${rounds} rounds, median wall time):`);
const t1 = median(times.get(1)!);
for (const [t, xs] of times)
  console.log(
    `  ${t} thread${t > 1 ? 's' : ' '}  ${median(xs).toFixed(0).padStart(6)} ms  speed-up ${(t1 / median(xs)).toFixed(2)}×`,
  );
console.log(
  `\nbench-engine overhead-pct=${((100 * emptyOverheadMs) / 10).toFixed(2)} gap-pct=${((100 * gapMs) / median(inside)).toFixed(2)} batched-gap-pct=${((100 * bGap) / median(batchedInside)).toFixed(2)} diff-pct=${((100 * overheadMs) / median(direct)).toFixed(2)} speedup-${cores}=${(t1 / median(times.get(cores) ?? times.get(2)!)).toFixed(2)}`,
);
