/**
 * Dispatch: send planned jobs to an executor and hand back each result, retrying jobs whose worker died.
 *
 * The executor is the only thing that knows where jobs run. `poolExecutor` runs them on the local piscina pool; a
 * distributed executor (BullMQ over Redis, a pool on each machine) implements the same `JobExecutor`, and neither
 * the plan nor the aggregation changes: jobs are plain data with derived seeds, and the coordinator stays the only
 * store writer through the `DispatchHooks`.
 */
import type { JobSpec } from '../../models/types.ts';
import type { JobPool } from '../pool.ts';
import type { JobRow } from '../store.ts';
import type { WorkerResult } from '../worker.ts';
import { describeJob } from './plan.ts';

/** Attempts per job before the run fails (the first try plus 2 retries). */
export const MAX_ATTEMPTS = 3;

/**
 * Short jobs are sent in batches of floor(BATCH_MS / mean job time) jobs per task, at most BATCH_MAX_JOBS: the
 * per-task hand-over (100–170 µs measured on this VM, bench:engine) is then ≤ 0.6 % of a batch, and a job long enough
 * to travel alone (> 15 ms) pays < 1.1 %. Batching never changes results: every job keeps its own seed and is stored
 * on its own.
 */
export const BATCH_MS = 30;
export const BATCH_MAX_JOBS = 8;

/** Jobs of one model with the same parameters, sent as one task (a batch of one is a single job). */
export interface JobBatch {
  params: unknown;
  jobs: JobSpec[];
}

/** A finished job's result as the worker returns it. */
export type JobResult = Extract<WorkerResult, { ok: true }>;

/**
 * Where jobs run. `execute` resolves with one result per job in job order, stopping after the first model error
 * (`ok: false`, not retried: the same seed fails again); it rejects when the worker (or machine) running the batch
 * was lost or the signal aborted, and the dispatcher then retries the batch's jobs one by one.
 */
export interface JobExecutor {
  /** Tasks that can run at once (the dispatcher keeps twice as many in flight). */
  readonly threads: number;
  execute(batch: JobBatch, signal: AbortSignal): Promise<WorkerResult[]>;
  /**
   * Preferred work per task, ms (default BATCH_MS). An executor whose hand-over is costly (a job queue over the
   * network: a few ms per queue job) asks for longer batches so that the hand-over stays a small share of the work.
   */
  readonly batchMs?: number;
  /** Most jobs per task (default BATCH_MAX_JOBS); `opts.maxBatch` of dispatchJobs overrides it. */
  readonly maxBatchJobs?: number;
}

/**
 * The local executor: the engine's piscina pool. A single job goes as a `WorkerTask`, several as one batch task.
 * @example
 * import runTask from '../worker.ts';
 * import { cloudsParamsSchema } from '../../models/clouds/params.ts';
 * // In the engine: poolExecutor(createPool({ threads: 2 })). Here a pool that calls the same worker entry on this
 * // thread, and notes which of its methods ran:
 * const calls = [];
 * const pool = { threads: 1, run: async (t) => (calls.push('run'), runTask(t)),
 *   runBatch: async (t) => (calls.push('batch'), runTask(t)), close: async () => {} };
 * const ex = poolExecutor(pool);
 * const job = (replication) => ({ model: 'clouds', years: [2019], replication, attempt: 1, seed: 1 + replication });
 * const params = cloudsParamsSchema.parse({}); const signal = new AbortController().signal;
 * const one = await ex.execute({ params, jobs: [job(0)] }, signal);
 * const two = await ex.execute({ params, jobs: [job(0), job(1)] }, signal);
 * [one.length, two.length, two.every((r) => r.ok), calls] // => [1, 2, true, ['run', 'batch']]
 */
export function poolExecutor(pool: JobPool): JobExecutor {
  return {
    threads: pool.threads,
    execute: async (batch, signal) =>
      batch.jobs.length === 1
        ? [await pool.run({ job: batch.jobs[0]!, params: batch.params }, signal)]
        : pool.runBatch(batch, signal),
  };
}

/** What the coordinator does with each outcome; the dispatcher itself writes nothing. */
export interface DispatchHooks {
  /** A job finished (called once per job, in completion order). */
  onDone(j: JobRow, spec: JobSpec, res: JobResult): void;
  /** An attempt failed: `final` when the job will not be tried again (the run fails). */
  onAttemptFailed(j: JobRow, error: string, final: boolean): void;
  /** A job will be retried after its worker died. */
  onRetry(j: JobRow, error: string): void;
  onLog(line: string): void;
}

/**
 * Run `pending` (in order) on `executor`: at most 2 × threads tasks in flight, short jobs of one model batched once
 * their mean time is known, a job whose worker died retried up to MAX_ATTEMPTS times. Resolves with null when every
 * job finished or `signal` aborted, else with the run's failure message (the first failure stops the dispatch).
 * @example
 * import runTask from '../worker.ts';
 * import { cloudsParamsSchema } from '../../models/clouds/params.ts';
 * // In the engine: dispatchJobs(jobs, (j) => jobSpec(stored, seed, j), paramsOf, poolExecutor(pool), hooks). Here
 * // three clouds jobs on an executor that calls the worker entry on this thread:
 * const rows = [0, 1, 2].map((r) => ({ idx: r, model: 'clouds', year: 2019, replication: r, seed: 10 + r,
 *   status: 'pending', attempts: 0 }));
 * const specOf = (j) => ({ model: j.model, years: [j.year], replication: j.replication, attempt: 1, seed: j.seed });
 * const executor = { threads: 1, execute: async (batch) => runTask(batch) };
 * const done = []; const failed = [];
 * const hooks = { onDone: (j) => done.push(j.idx), onAttemptFailed: (j, e, final) => failed.push([j.idx, final]),
 *   onRetry: () => {}, onLog: () => {} };
 * await dispatchJobs(rows, specOf, () => cloudsParamsSchema.parse({}), executor, hooks) // => null
 * done.sort() // => [0, 1, 2]
 * // A model error is not retried (the same seed fails again): the dispatch stops with the run's failure message.
 * const bad = [{ ...rows[0], idx: 3, model: 'nope', attempts: 0 }];
 * await dispatchJobs(bad, specOf, () => ({}), executor, hooks) // => 'job #3 (model nope, year 2019, replication 0) failed in the model: model "nope" is not registered in this worker'
 * failed // => [[3, true]]
 */
export async function dispatchJobs(
  pending: JobRow[],
  specOf: (j: JobRow) => JobSpec,
  paramsOf: (model: string) => unknown,
  executor: JobExecutor,
  hooks: DispatchHooks,
  opts: { signal?: AbortSignal; maxBatch?: number } = {},
): Promise<string | null> {
  const inner = new AbortController();
  const onAbort = () => inner.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let failure: string | null = null;
  const stopped = () => failure !== null || inner.signal.aborted;

  /** The one failure path: the job's last attempt is recorded as failed and everything in flight is aborted. */
  const fail = (j: JobRow, runMessage: string, error: string): void => {
    if (failure === null) failure = runMessage;
    hooks.onAttemptFailed(j, error, true);
    inner.abort();
  };

  // Mean time per job by model, from this session's finished jobs: short jobs go to the executor in batches.
  const timing = new Map<string, { n: number; ms: number }>();
  const finish = (j: JobRow, spec: JobSpec, res: WorkerResult): boolean => {
    if (!res.ok) {
      fail(j, `job ${describeJob(j)} failed in the model: ${res.message}`, res.message);
      return false;
    }
    const t = timing.get(j.model) ?? { n: 0, ms: 0 };
    t.n++;
    t.ms += res.ms;
    timing.set(j.model, t);
    hooks.onDone(j, spec, res);
    return true;
  };

  /** One job alone, retried on a fresh worker while attempts are left. */
  const runOne = async (j: JobRow): Promise<void> => {
    const spec = specOf(j);
    while (!stopped()) {
      spec.attempt = j.attempts + 1;
      j.attempts = spec.attempt;
      let res: WorkerResult;
      try {
        [res] = (await executor.execute({ params: paramsOf(j.model), jobs: [spec] }, inner.signal)) as [WorkerResult];
      } catch (e) {
        if (inner.signal.aborted) return;
        const msg = (e as Error)?.message ?? String(e);
        if (j.attempts >= MAX_ATTEMPTS) {
          fail(j, `job ${describeJob(j)} failed ${j.attempts} times (worker died: ${msg})`, msg);
          return;
        }
        hooks.onAttemptFailed(j, msg, false);
        hooks.onRetry(j, msg);
        continue;
      }
      finish(j, spec, res);
      return;
    }
  };

  /**
   * Several short jobs of one model in one task (one hand-over instead of one per job: on this VM each cross-thread
   * message costs ~50–150 µs). A worker that dies takes the whole batch, whose jobs are then run one by one.
   */
  const runBatch = async (js: JobRow[]): Promise<void> => {
    if (js.some((j) => j.attempts > 0)) {
      for (const j of js) await runOne(j);
      return;
    }
    if (stopped()) return;
    const specs = js.map(specOf);
    for (const j of js) j.attempts = 1;
    let results: WorkerResult[];
    try {
      results = await executor.execute({ params: paramsOf(js[0]!.model), jobs: specs }, inner.signal);
    } catch (e) {
      if (inner.signal.aborted) return;
      const msg = (e as Error)?.message ?? String(e);
      // Which job killed the worker is unknown: the batch attempt counts for none of them, and each job runs alone,
      // where a job that kills its worker again uses up its own attempts (and fails the run after MAX_ATTEMPTS).
      hooks.onLog(
        `worker died during a batch of ${js.length} jobs from ${describeJob(js[0]!)}; running them one by one (${msg})`,
      );
      for (const j of js) j.attempts = 0;
      for (const j of js) {
        if (stopped()) return;
        await runOne(j);
      }
      return;
    }
    for (let k = 0; k < results.length; k++) if (!finish(js[k]!, specs[k]!, results[k]!)) return;
  };

  /**
   * Jobs per task for a model: 1 until 4 of its jobs have finished, then floor(batch ms / mean job time), at most
   * opts.maxBatch, else the executor's maximum (BATCH_MS and BATCH_MAX_JOBS for the local pool).
   */
  const batchMs = executor.batchMs ?? BATCH_MS;
  const maxJobs = opts.maxBatch ?? executor.maxBatchJobs ?? BATCH_MAX_JOBS;
  const batchSize = (modelId: string): number => {
    const t = timing.get(modelId);
    if (!t || t.n < 4) return 1;
    const mean = t.ms / t.n;
    return Math.max(1, Math.min(maxJobs, Math.floor(batchMs / Math.max(mean, 1e-3))));
  };

  // Keep a bounded number of tasks in flight: enough to keep every thread busy, few enough to cancel quickly. The
  // executor's `threads` is read again after each task: a cluster whose workers join mid-run grows the window.
  const inFlight = () => Math.max(2, executor.threads * 2);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < pending.length && !inner.signal.aborted) {
      const first = pending[next++]!;
      const k = batchSize(first.model);
      const batch = [first];
      while (batch.length < k && next < pending.length && pending[next]!.model === first.model)
        batch.push(pending[next++]!);
      if (batch.length === 1) await runOne(first);
      else await runBatch(batch);
      addLanes();
    }
  };
  const lanes: Promise<void>[] = [];
  const addLanes = () => {
    while (lanes.length < Math.min(inFlight(), pending.length) && next < pending.length && !stopped())
      lanes.push(lane());
  };
  addLanes();
  try {
    // Lanes may be added while others run: wait until a pass adds none.
    for (let n = -1; n !== lanes.length;) {
      n = lanes.length;
      await Promise.all(lanes);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return failure;
}
