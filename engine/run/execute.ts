/**
 * Runs a scenario: plan jobs (plan.ts) → dispatch them on an executor, retrying jobs whose worker died (dispatch.ts)
 * → store each finished job → aggregate replications into P10/P50/P90/mean and evaluate targets (aggregate.ts) →
 * store. This module is the coordinator: the only one that writes the run's rows.
 *
 * Determinism: each job's seed derives from (master seed, model, year, replication) (plan.ts SEED_RULE) and results are
 * aggregated by replication index, never by completion order, so thread count and scheduling cannot change a bit.
 */
import type { TargetDef } from '../contract/index.ts';
import type { JobPool } from '../pool.ts';
import { scenarioModels, type LoadedScenario } from '../scenario.ts';
import { RUN_LOCK_HEARTBEAT_MS, type Store } from '../store.ts';
import { loadTargets } from '../targets.ts';
import { RunAggregator } from './aggregate.ts';
import { dispatchJobs, MAX_ATTEMPTS, poolExecutor, type JobExecutor } from './dispatch.ts';
import { createRunRecord, describeJob, jobSpec, type StoredScenario } from './plan.ts';

export interface Progress {
  runId: number;
  done: number;
  total: number;
  /** Jobs retried after their worker died, so far. */
  retries: number;
  elapsedMs: number;
  /** Estimated time to finish from the rate so far; null until a job of this session finished. */
  etaMs: number | null;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Log lines for humans (retries, phases). */
  onLog?: (line: string) => void;
  targets?: TargetDef[];
  /** Most jobs per pool task for short jobs (default BATCH_MAX_JOBS; 1 = one job per task). */
  maxBatch?: number;
}

export interface RunOutcome {
  runId: number;
  status: 'done' | 'failed' | 'cancelled';
  error?: string;
}

/** The local pool, or any other executor (a job queue across machines). */
export type Runner = JobPool | JobExecutor;

function toExecutor(r: Runner): JobExecutor {
  return 'execute' in r ? r : poolExecutor(r);
}

/**
 * Start a new run of a loaded scenario.
 * @example const out = await startRun(loaded, store, pool, { replications: 20 }); out.status // → 'done'
 */
export async function startRun(
  l: LoadedScenario,
  store: Store,
  runner: Runner,
  opts: RunOptions & { replications?: number; seed?: number } = {},
): Promise<RunOutcome> {
  const runId = createRunRecord(l, store, runner.threads, opts);
  store.acquireRunLock(runId);
  return executeLocked(runId, store, toExecutor(runner), opts);
}

/**
 * Continue a run that was killed, cancelled or failed: finished jobs are kept, the rest run, nothing is duplicated.
 * One executor per run: the run's lock in the store is taken first (a dead owner's lock is taken over).
 * @throws Error when the run does not exist or already finished; StoreError when another live process runs it.
 */
export async function resumeRun(
  runId: number,
  store: Store,
  runner: Runner,
  opts: RunOptions = {},
): Promise<RunOutcome> {
  if (!store.run(runId)) throw new Error(`no run ${runId} in ${store.file}; list runs with \`twin list\``);
  store.acquireRunLock(runId);
  // Read the status under the lock: a concurrent resume may have finished the run since the caller looked.
  const run = store.run(runId)!;
  if (run.status === 'done') {
    store.releaseRunLock(runId);
    throw new Error(`run ${runId} already finished; nothing to resume`);
  }
  store.setRunStatus(runId, 'running');
  store.setRunThreads(runId, runner.threads);
  return executeLocked(runId, store, toExecutor(runner), opts);
}

/** Execute a run whose lock this process holds: refresh the lock while it runs, release it whatever happens. */
async function executeLocked(
  runId: number,
  store: Store,
  executor: JobExecutor,
  opts: RunOptions,
): Promise<RunOutcome> {
  const heartbeat = setInterval(() => store.heartbeatRunLock(runId), RUN_LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await executeRun(runId, store, executor, opts);
  } finally {
    clearInterval(heartbeat);
    store.releaseRunLock(runId);
  }
}

async function executeRun(runId: number, store: Store, executor: JobExecutor, opts: RunOptions): Promise<RunOutcome> {
  const run = store.run(runId)!;
  const stored = JSON.parse(run.scenarioJson) as StoredScenario;
  const all = store.jobs(runId);
  const pending = all.filter((j) => j.status !== 'done');
  const total = all.length;
  let done = total - pending.length;
  let retries = 0;
  const t0 = performance.now();
  const doneAtStart = done;
  const log = opts.onLog ?? (() => {});
  const emit = () => {
    const elapsedMs = performance.now() - t0;
    const rate = (done - doneAtStart) / elapsedMs;
    opts.onProgress?.({ runId, done, total, retries, elapsedMs, etaMs: rate > 0 ? (total - done) / rate : null });
  };
  emit();

  const fail = (error: string): RunOutcome => {
    store.setRunStatus(runId, 'failed', error);
    return { runId, status: 'failed', error };
  };
  const cancelled = (): RunOutcome => {
    store.setRunStatus(runId, 'cancelled', 'cancelled by the user; finished jobs are kept, continue with --resume');
    return { runId, status: 'cancelled' };
  };
  // Cancelled before anything was dispatched (e.g. while the pool was starting): no job runs.
  if (opts.signal?.aborted) return cancelled();
  // A run stored by a build that had a model this one lacks cannot run any of that model's jobs: say so before
  // spending time on the others.
  const known = new Set(scenarioModels().map((m) => m.id));
  const orphan = pending.find((j) => !known.has(j.model));
  if (orphan) return fail(`job ${describeJob(orphan)}: model "${orphan.model}" is no longer registered`);

  const aggregator = new RunAggregator(
    store,
    runId,
    stored.scenario.replications,
    opts.targets ?? loadTargets(),
    pending.map((j) => j.model),
    log,
  );
  let failing = false;
  const failure = await dispatchJobs(
    pending,
    (j) => jobSpec(stored, run.seed, j),
    (model) => stored.scenario[model],
    executor,
    {
      onDone(j, spec, res) {
        const arts =
          j.replication === 0 && res.artifacts
            ? Object.entries(res.artifacts)
                .filter(([, v]) => v !== undefined)
                .map(([name, data]) => ({ model: j.model, name, year: spec.years[0]!, data }))
            : undefined;
        store.finishJob(runId, j.idx, j.attempts, res.ms, res.output, arts);
        // A model's plausibility warnings (ModelOutput.warnings) go to the run log with the job's identity.
        for (const w of res.warnings ?? []) log(`warning: job ${describeJob(j)}: ${w}`);
        done++;
        emit();
        aggregator.jobStored(j.model, !failing && !opts.signal?.aborted);
      },
      onAttemptFailed(j, error, final) {
        if (final) failing = true;
        store.markJobAttempt(runId, j.idx, j.attempts, error, final);
      },
      onRetry(j, error) {
        retries++;
        log(`retrying job ${describeJob(j)} (attempt ${j.attempts + 1} of ${MAX_ATTEMPTS}) after: ${error}`);
      },
      onLog: log,
    },
    { signal: opts.signal, maxBatch: opts.maxBatch },
  );

  if (failure) return fail(failure);
  if (opts.signal?.aborted || done < total) return cancelled();
  log('aggregating replications and evaluating targets');
  const { rows, evals } = await aggregator.finish(stored.modelIds);
  store.writeResults(runId, rows, evals);
  store.setRunStatus(runId, 'done');
  return { runId, status: 'done' };
}
