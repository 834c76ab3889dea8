/**
 * Runs a scenario: plan jobs → dispatch on the pool (retrying jobs whose worker died) → store each finished job →
 * aggregate replications into P10/P50/P90/mean → evaluate targets → store.
 *
 * Determinism: each job's seed derives from (master seed, scenario hash, model, year, replication) and results are
 * aggregated by replication index, never by completion order, so thread count and scheduling cannot change a bit.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { quantileSorted } from 'simple-statistics';
import { mixSeed } from '../models/lib/rng.ts';
import type { JobSpec, ModelOutput } from '../models/types.ts';
import type { SeriesRow, TargetDef, TargetEval } from './contract/index.ts';
import type { JobPool } from './pool.ts';
import type { WorkerResult } from './worker.ts';
import { ENGINE_ROOT } from './paths.ts';
import { scenarioModels, type LoadedScenario, type Scenario } from './scenario.ts';
import { decodeOutput } from './codec.ts';
import type { JobRow, Store } from './store.ts';
import { evaluateTarget, loadTargets, type Trajectory } from './targets.ts';
import { networkProvenance } from './network/provenance.ts';

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

/** The code version stored with each run: `git describe`, else the package version. */
export function codeVersion(): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty', '--tags'], {
      cwd: ENGINE_ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    const pkg = JSON.parse(readFileSync(path.join(ENGINE_ROOT, 'package.json'), 'utf8'));
    return `v${pkg.version}`;
  }
}

/**
 * The job list of a scenario, in a fixed order: model (registry order) × year × replication, or model × replication
 * for whole-period models. Seeds derive from the master seed and the job's identity only.
 * @example planJobs(loaded, 10).length // → Σ over models of (years × 10 | 10)
 */
export function planJobs(
  l: Pick<LoadedScenario, 'modelIds' | 'years' | 'hash' | 'scenario'>,
  seed: number,
  replications: number,
): JobRow[] {
  const jobs: JobRow[] = [];
  const byId = new Map(scenarioModels().map((m) => [m.id, m]));
  for (const id of l.modelIds) {
    const m = byId.get(id)!;
    const years = m.grain === 'year' ? l.years : [l.years[0]!];
    const reps = m.replications
      ? Math.max(1, Math.min(replications, Math.floor(m.replications(l.scenario[id], replications))))
      : replications;
    for (const y of years) {
      for (let r = 0; r < reps; r++) {
        jobs.push({
          idx: jobs.length,
          model: id,
          year: m.grain === 'year' ? y : null,
          replication: r,
          seed: mixSeed(seed, l.hash, id, m.grain === 'year' ? y : 0, r),
          status: 'pending',
          attempts: 0,
        });
      }
    }
  }
  return jobs;
}

/**
 * The common-random-numbers seed of a job: neither scenario hash nor year, so replication r of a baseline and of a
 * what-if, in every year, share it (a model wanting yearly variation mixes the year in itself).
 * @example crnSeed(1, 'traffic', 3) === crnSeed(1, 'traffic', 3) // true, for any scenario and year
 */
export function crnSeed(masterSeed: number, model: string, replication: number): number {
  return mixSeed(masterSeed, 'crn', model, replication);
}

/**
 * Start a new run of a loaded scenario.
 * @example const out = await startRun(loaded, store, pool, { replications: 20 }); out.status // → 'done'
 */
export async function startRun(
  l: LoadedScenario,
  store: Store,
  pool: JobPool,
  opts: RunOptions & { replications?: number; seed?: number } = {},
): Promise<RunOutcome> {
  const runId = createRunRecord(l, store, pool.threads, opts);
  return executeRun(runId, store, pool, opts);
}

/**
 * Write a run and its planned jobs (status `pending`) without executing them; `resumeRun` executes it later. Used by
 * `startRun` and by the server, whose queued runs need their id at once.
 * @example const id = createRunRecord(loaded, store, 2, { replications: 10 }); await resumeRun(id, store, pool);
 */
export function createRunRecord(
  l: LoadedScenario,
  store: Store,
  threads: number,
  opts: { replications?: number; seed?: number; scenarioFile?: string } = {},
): number {
  const seed = opts.seed ?? l.scenario.seed;
  const replications = opts.replications ?? l.scenario.replications;
  const scenario: Scenario = { ...l.scenario, seed, replications };
  return store.createRun(
    {
      scenarioName: scenario.name,
      scenarioFile:
        opts.scenarioFile ?? (l.file.startsWith(ENGINE_ROOT + path.sep) ? path.relative(ENGINE_ROOT, l.file) : l.file),
      scenarioHash: l.hash,
      // networks: name + content hash of the road network each traffic model runs on (issue 17).
      scenario: { scenario, modelIds: l.modelIds, years: l.years, networks: networkProvenance(l.scenario, l.modelIds) },
      seed,
      replications,
      codeVersion: codeVersion(),
      threads,
    },
    planJobs(l, seed, replications),
  );
}

/**
 * Continue a run that was killed, cancelled or failed: finished jobs are kept, the rest run, nothing is duplicated.
 * @throws Error when the run does not exist or already finished.
 */
export async function resumeRun(
  runId: number,
  store: Store,
  pool: JobPool,
  opts: RunOptions = {},
): Promise<RunOutcome> {
  const run = store.run(runId);
  if (!run) throw new Error(`no run ${runId} in ${store.file}; list runs with \`twin list\``);
  if (run.status === 'done') throw new Error(`run ${runId} already finished; nothing to resume`);
  store.setRunStatus(runId, 'running');
  store.setRunThreads(runId, pool.threads);
  return executeRun(runId, store, pool, opts);
}

async function executeRun(runId: number, store: Store, pool: JobPool, opts: RunOptions): Promise<RunOutcome> {
  const run = store.run(runId)!;
  const stored = JSON.parse(run.scenarioJson) as { scenario: Scenario; modelIds: string[]; years: number[] };
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

  const byId = new Map(scenarioModels().map((m) => [m.id, m]));
  const inner = new AbortController();
  const onAbort = () => inner.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let failure: string | null = null;

  const specFor = (j: JobRow, crnKey: string): JobSpec => ({
    model: j.model,
    years: j.year === null ? stored.years : [j.year],
    replication: j.replication,
    attempt: j.attempts + 1,
    seed: j.seed,
    crnSeed: crnSeed(run.seed, crnKey, j.replication),
  });
  // Mean time per job by model, from this session's finished jobs: short jobs go to the pool in batches.
  const timing = new Map<string, { n: number; ms: number }>();
  // A model whose last job is done is aggregated right away, while the pool works on the other models (the main
  // thread is idle then); the run's end only waits for what is left. Same matrix, same rows as aggregating at the end.
  const targets = opts.targets ?? loadTargets();
  const reps = stored.scenario.replications;
  const left = new Map<string, number>();
  for (const j of pending) left.set(j.model, (left.get(j.model) ?? 0) + 1);
  const early = new Map<string, Promise<{ rows: SeriesRow[]; evals: TargetEval[] }>>();
  const aggregateEarly = (model: string): void => {
    const p = (async () => {
      const r = aggregateModel(model, await replicationMatrixAsync(store, runId, model, reps), reps, targets);
      log(`aggregated ${model} (${r.rows.length} series rows) while the run goes on`);
      return r;
    })();
    p.catch(() => {}); // awaited (and rethrown) at the end; a failed or cancelled run never awaits it
    early.set(model, p);
  };
  const finishOk = (j: JobRow, spec: JobSpec, res: Extract<WorkerResult, { ok: true }>): void => {
    const arts =
      j.replication === 0 && res.artifacts
        ? Object.entries(res.artifacts)
            .filter(([, v]) => v !== undefined)
            .map(([name, data]) => ({ model: j.model, name, year: spec.years[0]!, data }))
        : undefined;
    store.finishJob(runId, j.idx, j.attempts, res.ms, res.output, arts);
    const t = timing.get(j.model) ?? { n: 0, ms: 0 };
    t.n++;
    t.ms += res.ms;
    timing.set(j.model, t);
    done++;
    emit();
    const n = left.get(j.model)! - 1;
    left.set(j.model, n);
    if (n === 0 && !failure && !inner.signal.aborted) aggregateEarly(j.model);
  };

  const runOne = async (j: JobRow): Promise<void> => {
    const model = byId.get(j.model);
    if (!model) {
      failure = `job ${describeJob(j)}: model "${j.model}" is no longer registered`;
      inner.abort();
      return;
    }
    const spec = specFor(j, model.crnKey ?? j.model);
    for (;;) {
      if (inner.signal.aborted) return;
      spec.attempt = j.attempts + 1;
      j.attempts = spec.attempt;
      try {
        const res = await pool.run({ job: spec, params: stored.scenario[j.model] }, inner.signal);
        if (!res.ok) {
          failure = `job ${describeJob(j)} failed in the model: ${res.message}`;
          store.markJobAttempt(runId, j.idx, j.attempts, res.message, true);
          inner.abort();
          return;
        }
        finishOk(j, spec, res);
        return;
      } catch (e) {
        if (inner.signal.aborted) return;
        const msg = (e as Error)?.message ?? String(e);
        if (j.attempts >= MAX_ATTEMPTS) {
          failure = `job ${describeJob(j)} failed ${j.attempts} times (worker died: ${msg})`;
          store.markJobAttempt(runId, j.idx, j.attempts, msg, true);
          inner.abort();
          return;
        }
        retries++;
        store.markJobAttempt(runId, j.idx, j.attempts, msg);
        log(`retrying job ${describeJob(j)} (attempt ${j.attempts + 1} of ${MAX_ATTEMPTS}) after: ${msg}`);
      }
    }
  };

  /**
   * Several short jobs of one model in one pool task (one hand-over instead of one per job: on this VM each
   * cross-thread message costs ~50–150 µs). A model error fails the run as for one job; a worker that dies takes the
   * whole batch, whose jobs are then run one by one.
   */
  const runBatch = async (js: JobRow[]): Promise<void> => {
    const model = byId.get(js[0]!.model);
    if (!model || js.some((j) => j.attempts > 0)) {
      for (const j of js) await runOne(j);
      return;
    }
    if (inner.signal.aborted) return;
    const specs = js.map((j) => specFor(j, model.crnKey ?? j.model));
    for (const j of js) j.attempts = 1;
    let results: WorkerResult[];
    try {
      results = await pool.runBatch({ jobs: specs, params: stored.scenario[model.id] }, inner.signal);
    } catch (e) {
      if (inner.signal.aborted) return;
      const msg = (e as Error)?.message ?? String(e);
      // Which job killed the worker is unknown: the batch attempt counts for none of them, and each job runs alone,
      // where a job that kills its worker again uses up its own attempts (and fails the run after MAX_ATTEMPTS).
      log(
        `worker died during a batch of ${js.length} jobs from ${describeJob(js[0]!)}; running them one by one (${msg})`,
      );
      for (const j of js) j.attempts = 0;
      for (const j of js) {
        if (failure || inner.signal.aborted) return;
        await runOne(j);
      }
      return;
    }
    for (let k = 0; k < results.length; k++) {
      const res = results[k]!;
      const j = js[k]!;
      if (!res.ok) {
        failure = `job ${describeJob(j)} failed in the model: ${res.message}`;
        store.markJobAttempt(runId, j.idx, j.attempts, res.message, true);
        inner.abort();
        return;
      }
      finishOk(j, specs[k]!, res);
    }
  };

  /** Jobs per task for a model: 1 until 4 of its jobs have finished, then floor(BATCH_MS / mean job time), at most 8. */
  const batchSize = (modelId: string): number => {
    const t = timing.get(modelId);
    if (!t || t.n < 4) return 1;
    const mean = t.ms / t.n;
    return Math.max(1, Math.min(opts.maxBatch ?? BATCH_MAX_JOBS, Math.floor(BATCH_MS / Math.max(mean, 1e-3))));
  };

  // Keep a bounded number of tasks in flight: enough to keep every thread busy, few enough to cancel quickly.
  const inFlight = Math.max(2, pool.threads * 2);
  let next = 0;
  const lanes = Array.from({ length: Math.min(inFlight, pending.length) }, async () => {
    while (next < pending.length && !inner.signal.aborted) {
      const first = pending[next++]!;
      const k = batchSize(first.model);
      const batch = [first];
      while (batch.length < k && next < pending.length && pending[next]!.model === first.model)
        batch.push(pending[next++]!);
      if (batch.length === 1) await runOne(first);
      else await runBatch(batch);
    }
  });
  await Promise.all(lanes);
  opts.signal?.removeEventListener('abort', onAbort);

  if (failure) {
    store.setRunStatus(runId, 'failed', failure);
    return { runId, status: 'failed', error: failure };
  }
  if (opts.signal?.aborted || done < total) {
    store.setRunStatus(runId, 'cancelled', 'cancelled by the user; finished jobs are kept, continue with --resume');
    return { runId, status: 'cancelled' };
  }
  log('aggregating replications and evaluating targets');
  const ready = new Map<string, { rows: SeriesRow[]; evals: TargetEval[] }>();
  for (const [model, pr] of early) ready.set(model, await pr);
  const { rows, evals } = combineAggregates(
    stored.modelIds,
    targets,
    (model) => ready.get(model) ?? aggregateModel(model, replicationMatrix(store, runId, model, reps), reps, targets),
  );
  store.writeResults(runId, rows, evals);
  store.setRunStatus(runId, 'done');
  return { runId, status: 'done' };
}

function describeJob(j: JobRow): string {
  return `#${j.idx} (model ${j.model}${j.year !== null ? `, year ${j.year}` : ''}, replication ${j.replication})`;
}

/** Per-replication values of every (metric, entity, period) of one model. */
export interface ReplicationMatrix {
  keys: Array<{ metric: string; entity: string; period: string }>;
  /** values[k * reps + r] = value of key k in replication r (NaN when missing). */
  values: Float64Array;
  reps: number;
}

/** Builds a ReplicationMatrix from job outputs in job order (key order = first appearance, as stored). */
class MatrixBuilder {
  private readonly index = new Map<string, number>();
  private readonly keys: ReplicationMatrix['keys'] = [];
  private values: Float64Array;
  constructor(private readonly reps: number) {
    this.values = new Float64Array(1024 * reps).fill(NaN);
  }
  add(replication: number, output: ModelOutput): void {
    const reps = this.reps;
    for (const s of output.series) {
      for (let i = 0; i < s.periods.length; i++) {
        const id = `${s.metric}\u0000${s.entity}\u0000${s.periods[i]}`;
        let k = this.index.get(id);
        if (k === undefined) {
          k = this.keys.length;
          this.index.set(id, k);
          this.keys.push({ metric: s.metric, entity: s.entity, period: s.periods[i]! });
          if ((k + 1) * reps > this.values.length) {
            const grown = new Float64Array(this.values.length * 2).fill(NaN);
            grown.set(this.values);
            this.values = grown;
          }
        }
        this.values[k * reps + replication] = s.values[i]!;
      }
    }
  }
  finish(): ReplicationMatrix {
    return { keys: this.keys, values: this.values.subarray(0, this.keys.length * this.reps), reps: this.reps };
  }
}

/** Collect the stored job outputs of a model into a matrix indexed by replication. */
export function replicationMatrix(store: Store, runId: number, model: string, reps: number): ReplicationMatrix {
  const b = new MatrixBuilder(reps);
  for (const { replication, output } of store.jobOutputBlobs(runId, model)) b.add(replication, decodeOutput(output));
  return b.finish();
}

/**
 * The same matrix, built without holding the event loop for long: the outputs are read in one query, then decoded a
 * few jobs per tick, so a run can aggregate a finished model while its pool still works on the others.
 */
export async function replicationMatrixAsync(
  store: Store,
  runId: number,
  model: string,
  reps: number,
): Promise<ReplicationMatrix> {
  const b = new MatrixBuilder(reps);
  const rows = store.jobOutputBlobs(runId, model);
  for (let i = 0; i < rows.length; i++) {
    b.add(rows[i]!.replication, decodeOutput(rows[i]!.output));
    if (i % 8 === 7) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return b.finish();
}

/** Trajectories of one (metric, entity) per replication, periods in time order. */
export function trajectories(m: ReplicationMatrix, metric: string, entity: string): Trajectory[] {
  const ks = m.keys
    .map((k, i) => ({ ...k, i }))
    .filter((k) => k.metric === metric && k.entity === entity)
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  if (ks.length === 0) return [];
  const out: Trajectory[] = [];
  for (let r = 0; r < m.reps; r++) {
    const periods: string[] = [];
    const values: number[] = [];
    for (const k of ks) {
      const v = m.values[k.i * m.reps + r]!;
      if (!Number.isNaN(v)) {
        periods.push(k.period);
        values.push(v);
      }
    }
    if (periods.length) out.push({ periods, values });
  }
  return out;
}

/**
 * P10/P50/P90/mean rows of one model's matrix and the evaluations of that model's targets.
 * @example const { rows, evals } = aggregateModel('clouds', replicationMatrix(store, id, 'clouds', 50), 50, loadTargets());
 */
export function aggregateModel(
  model: string,
  m: ReplicationMatrix,
  reps: number,
  targets: TargetDef[],
): { rows: SeriesRow[]; evals: TargetEval[] } {
  const rows: SeriesRow[] = [];
  const evals: TargetEval[] = [];
  const buf = new Float64Array(reps);
  for (let k = 0; k < m.keys.length; k++) {
    let n = 0;
    let sum = 0;
    for (let r = 0; r < reps; r++) {
      const v = m.values[k * reps + r]!;
      if (!Number.isNaN(v)) {
        buf[n++] = v;
        sum += v;
      }
    }
    if (n === 0) continue;
    const sorted = Array.from(buf.subarray(0, n)).sort((a, b) => a - b);
    const key = m.keys[k]!;
    rows.push({
      model,
      metric: key.metric,
      entity: key.entity,
      period: key.period,
      p10: quantileSorted(sorted, 0.1),
      p50: quantileSorted(sorted, 0.5),
      p90: quantileSorted(sorted, 0.9),
      mean: sum / n,
      n,
    });
  }
  for (const t of targets.filter((x) => x.model === model))
    evals.push(evaluateTarget(t, trajectories(m, t.metric, t.entity)));
  return { rows, evals };
}

/**
 * Rows and evaluations of a run in the stored order: models in run order, each with its targets, then the targets of
 * models the run did not include, listed as no-data so every target appears in every run.
 */
function combineAggregates(
  modelIds: string[],
  targets: TargetDef[],
  perModel: (model: string) => { rows: SeriesRow[]; evals: TargetEval[] },
): { rows: SeriesRow[]; evals: TargetEval[] } {
  const rows: SeriesRow[] = [];
  const evals: TargetEval[] = [];
  for (const model of modelIds) {
    const r = perModel(model);
    for (const x of r.rows) rows.push(x);
    for (const x of r.evals) evals.push(x);
  }
  for (const t of targets) if (!modelIds.includes(t.model)) evals.push(evaluateTarget(t, []));
  return { rows, evals };
}

/** Aggregate all models of a run and evaluate the targets. */
export function aggregateRun(
  store: Store,
  runId: number,
  modelIds: string[],
  reps: number,
  targets: TargetDef[],
): { rows: SeriesRow[]; evals: TargetEval[] } {
  return combineAggregates(modelIds, targets, (model) =>
    aggregateModel(model, replicationMatrix(store, runId, model, reps), reps, targets),
  );
}
