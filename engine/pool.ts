/**
 * The worker pool behind a small interface, so the same jobs could later run on a distributed queue (each machine
 * with its own pool). One long-lived piscina pool per process; `minThreads = maxThreads`.
 */
import os from 'node:os';
import { existsSync } from 'node:fs';
import { Piscina } from 'piscina';
import type { WorkerBatchTask, WorkerResult, WorkerTask } from './worker.ts';
import { WORKER_FILE } from './paths.ts';

export interface JobPool {
  readonly threads: number;
  /** Run one task; rejects when the worker died or the task was aborted. */
  run(task: WorkerTask, signal?: AbortSignal): Promise<WorkerResult>;
  /** Run several jobs in one task (one hand-over for all): results in job order, stopping after a model error. */
  runBatch(task: WorkerBatchTask, signal?: AbortSignal): Promise<WorkerResult[]>;
  close(): Promise<void>;
}

/** Thread count: `--threads` if given, else `os.availableParallelism()`. */
export function defaultThreads(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * Start a pool on the bundled worker (build it first with `buildWorker()` from engine/build-worker.mjs).
 * @example const pool = createPool({ threads: 2 }); await pool.run(task); await pool.close();
 */
export function createPool(opts: { threads?: number; workerFile?: string } = {}): JobPool {
  const threads = opts.threads ?? defaultThreads();
  const filename = opts.workerFile ?? WORKER_FILE;
  if (!existsSync(filename)) throw new Error(`worker bundle ${filename} is missing; run \`npm run build:worker\``);
  const pool = new Piscina<WorkerTask | WorkerBatchTask, WorkerResult | WorkerResult[]>({
    filename,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    // The engine keeps at most 2×threads tasks in flight; the queue bound is a guard, not a throttle.
    maxQueue: Math.max(16, threads * 8),
    execArgv: [],
    atomics: 'sync',
    // Two tasks per worker: the engine keeps 2×threads tasks in flight, so each worker already holds its next task
    // when one ends and never waits for the main thread to hand it over. On this VM an idle main thread takes
    // ~250 µs to wake up after a 10 ms job (measured), which with one task per worker cost 5–7 % of a 10 ms job.
    concurrentTasksPerWorker: 2,
  });
  // A worker that fails outside a task must not crash the process; the task promise carries the error.
  pool.on('error', () => {});
  return {
    threads,
    run: (task, signal) => pool.run(task, signal ? { signal } : {}) as Promise<WorkerResult>,
    runBatch: (task, signal) => pool.run(task, signal ? { signal } : {}) as Promise<WorkerResult[]>,
    close: () => pool.destroy(),
  };
}
