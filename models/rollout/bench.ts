/**
 * Benchmark: N replications of the full rollout + clouds models, 2017–2021 monthly (the engine's job for each
 * replication of each model), in-process or split over worker threads. Prints medians over repeats.
 *
 *   node --import tsx models/rollout/bench.ts                 # 1,000 replications, 2 worker threads, 3 repeats
 *   node --import tsx models/rollout/bench.ts --threads 1 --reps 1000 --repeat 5
 *
 * Timed: loadInputs once per thread (as a worker does), then run() for every replication with its own seeded RNG.
 * "wall" includes starting the worker threads (tsx compiles the sources in each thread); "compute" is the slowest
 * thread's time inside its loop.
 */
import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createRng, mixSeed } from '../lib/rng.ts';
import { cloudsModel, cloudsParamsSchema } from '../clouds/index.ts';
import { buildWorkerEntry } from '../lib/worker-build.mjs';
import { rolloutModel } from './index.ts';
import { rolloutParamsSchema } from './params.ts';
import { scenarioParams } from '../lib/scenario-file.ts';

const YEARS = [2017, 2018, 2019, 2020, 2021];

interface Slice {
  from: number;
  to: number;
}
interface SliceResult {
  rolloutMs: number;
  cloudsMs: number;
  loadMs: number;
  values: number;
}

/** Run replications [from, to) of both models on the baseline scenario. */
function runSlice({ from, to }: Slice): SliceResult {
  const t0 = performance.now();
  const rp = scenarioParams('baseline', 'rollout', rolloutParamsSchema);
  const cp = scenarioParams('baseline', 'clouds', cloudsParamsSchema);
  const ri = rolloutModel.loadInputs(rp);
  const ci = cloudsModel.loadInputs(cp);
  const t1 = performance.now();
  let values = 0;
  for (let r = from; r < to; r++) {
    const seed = mixSeed(20170915, 'rollout', r);
    const o = rolloutModel.run(
      rp,
      ri,
      { model: 'rollout', years: YEARS, replication: r, attempt: 1, seed },
      createRng(seed),
    );
    for (const s of o.series) values += s.values.length;
  }
  const t2 = performance.now();
  for (let r = from; r < to; r++) {
    const seed = mixSeed(20170915, 'clouds', r);
    const o = cloudsModel.run(
      cp,
      ci,
      { model: 'clouds', years: YEARS, replication: r, attempt: 1, seed },
      createRng(seed),
    );
    for (const s of o.series) values += s.values.length;
  }
  const t3 = performance.now();
  return { rolloutMs: t2 - t1, cloudsMs: t3 - t2, loadMs: t1 - t0, values };
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface RunFigures {
  wallMs: number;
  cpuMs: number;
  computeMs: number;
  rolloutMs: number;
  cloudsMs: number;
  values: number;
}

async function once(reps: number, threads: number): Promise<RunFigures> {
  const t0 = performance.now();
  // Process CPU time (all threads): independent of other processes competing for the cores.
  const c0 = process.cpuUsage();
  const slices: Slice[] = [];
  for (let k = 0; k < threads; k++)
    slices.push({ from: Math.floor((k * reps) / threads), to: Math.floor(((k + 1) * reps) / threads) });
  let results: SliceResult[];
  if (threads === 1) results = [runSlice(slices[0]!)];
  else {
    results = await Promise.all(
      slices.map(
        (s) =>
          new Promise<SliceResult>((resolve, reject) => {
            const w = new Worker(workerFile, { workerData: s });
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
    );
  }
  const wallMs = performance.now() - t0;
  const c1 = process.cpuUsage(c0);
  return {
    wallMs,
    cpuMs: (c1.user + c1.system) / 1000,
    computeMs: Math.max(...results.map((r) => r.rolloutMs + r.cloudsMs)),
    rolloutMs: results.reduce((s, r) => s + r.rolloutMs, 0),
    cloudsMs: results.reduce((s, r) => s + r.cloudsMs, 0),
    values: results.reduce((s, r) => s + r.values, 0),
  };
}

/**
 * Bundle this file for the worker threads through the one worker-build path (models/lib/worker-build.mjs), as the
 * engine does for its own worker: Node 20 cannot start .ts workers.
 */
function bundleWorker(): Promise<string> {
  return buildWorkerEntry(import.meta.url, `bench-rollout-${process.pid}`);
}

let workerFile = '';

if (!isMainThread) {
  parentPort!.postMessage(runSlice(workerData as Slice));
} else {
  const reps = arg('reps', 1000);
  const threads = arg('threads', 2);
  const repeat = arg('repeat', 3);
  if (threads > 1) workerFile = await bundleWorker();
  const runs: RunFigures[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await once(reps, threads));
  const m = (k: keyof RunFigures) => median(runs.map((r) => r[k]));
  console.log(
    `rollout + clouds, ${reps} replications each, 2017–2021 monthly, ${threads} thread(s), ${repeat} repeats (${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version})`,
  );
  console.log(`  wall (incl. thread start + input load)  median ${(m('wallMs') / 1000).toFixed(2)} s`);
  console.log(`  compute (slowest thread's loop)         median ${(m('computeMs') / 1000).toFixed(2)} s`);
  console.log(
    `  CPU time of the process (all threads)   median ${(m('cpuMs') / 1000).toFixed(2)} s → ${(m('cpuMs') / 1000 / threads).toFixed(2)} s on ${threads} dedicated core(s)`,
  );
  console.log(
    `  rollout run()                           median ${(m('rolloutMs') / reps).toFixed(2)} ms per replication (wall inside the loops, summed over threads)`,
  );
  console.log(
    `  clouds run()                            median ${(m('cloudsMs') / reps).toFixed(2)} ms per replication (same)`,
  );
  console.log(
    `  load average at the end                 ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (other processes share the cores)`,
  );
  console.log(
    `  series values produced                  ${runs[0]!.values} (${(runs[0]!.values / reps / 2).toFixed(0)} per job)`,
  );
  if (workerFile) await import('node:fs/promises').then((fs) => fs.rm(workerFile, { force: true }));
}
