/**
 * Aggregate: per (metric, entity, period), over replications, P10/P50/P90 (quantiles of type 7) and the mean, plus the
 * targets' evaluations. Outputs are read from the store by replication index, never by completion order, so thread
 * count and scheduling cannot change a bit.
 */
import { quantileSorted } from '../../models/lib/quantile.ts';
import type { ModelOutput } from '../../models/types.ts';
import type { SeriesRow, TargetDef, TargetEval } from '../contract/index.ts';
import { decodeOutput } from '../codec.ts';
import type { Store } from '../store.ts';
import { evaluateTarget, trajectories } from '../targets.ts';

/** One model's aggregate: its series rows and the evaluations of its targets. */
export interface ModelAggregate {
  rows: SeriesRow[];
  evals: TargetEval[];
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

// The one trajectory extractor lives in targets.ts (with its consumer, evaluateTarget); re-exported for callers.
export { trajectories };

/**
 * P10/P50/P90/mean rows of one model's matrix and the evaluations of that model's targets.
 * @example
 * // in a run: aggregateModel('clouds', replicationMatrix(store, id, 'clouds', 50), 50, loadTargets()). Here 5 replications
 * // of one series for two years (values[k * reps + r]; a NaN is a replication without a value)
 * const keys = ['2018', '2019'].map((period) => ({ metric: 'clouds.migratedShare', entity: 'cloud:public', period }));
 * const values = Float64Array.of(0.1, 0.2, 0.3, 0.4, NaN, 0.5, 0.6, 0.7, 0.8, 0.9);
 * const target = { id: 'public-cloud', title: 'Public cloud 75 % migrated', metric: 'clouds.migratedShare',
 *   scope: 'city', entity: 'cloud:public', comparator: '>=', threshold: 0.75, deadline: '2019-12-31',
 *   source: 'assumption', sourceText: '', unit: 'share', model: 'clouds' };
 * const { rows, evals } = aggregateModel('clouds', { keys, values, reps: 5 }, 5, [target]);
 * // type-7 quantiles: P10 of 0.1…0.4 is 0.1 + 0.3 × 0.1
 * rows.map((r) => [r.period, r.p10, r.p50, r.p90, r.n]) // => [['2018', 0.13, 0.25, 0.37, 4], ['2019', 0.54, 0.7, 0.86, 5]]
 * // 2 of 5 replications reach 0.75 by the deadline
 * [evals[0].targetId, evals[0].pMet, evals[0].status] // => ['public-cloud', 0.4, 'at-risk']
 */
export function aggregateModel(
  model: string,
  m: ReplicationMatrix,
  reps: number,
  targets: TargetDef[],
): ModelAggregate {
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
  perModel: (model: string) => ModelAggregate,
): ModelAggregate {
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
): ModelAggregate {
  return combineAggregates(modelIds, targets, (model) =>
    aggregateModel(model, replicationMatrix(store, runId, model, reps), reps, targets),
  );
}

/**
 * Aggregates each model as soon as its last job is stored, while the executor works on the other models (the main
 * thread is idle then); the run's end only waits for what is left. Same matrix, same rows as aggregating at the end.
 */
export class RunAggregator {
  private readonly left = new Map<string, number>();
  private readonly early = new Map<string, Promise<ModelAggregate>>();

  /** `pending`: the models of the jobs still to run, one entry per job. */
  constructor(
    private readonly store: Store,
    private readonly runId: number,
    private readonly reps: number,
    private readonly targets: TargetDef[],
    pending: Iterable<string>,
    private readonly log: (line: string) => void = () => {},
  ) {
    for (const model of pending) this.left.set(model, (this.left.get(model) ?? 0) + 1);
  }

  /** A job of `model` was stored; `go` false (run failing or cancelled) skips the early aggregation. */
  jobStored(model: string, go: boolean): void {
    const n = this.left.get(model)! - 1;
    this.left.set(model, n);
    if (n !== 0 || !go) return;
    const p = (async () => {
      const m = await replicationMatrixAsync(this.store, this.runId, model, this.reps);
      const r = aggregateModel(model, m, this.reps, this.targets);
      this.log(`aggregated ${model} (${r.rows.length} series rows) while the run goes on`);
      return r;
    })();
    p.catch(() => {}); // awaited (and rethrown) by finish; a failed or cancelled run never awaits it
    this.early.set(model, p);
  }

  /** Rows and evaluations of the whole run, in the stored order (see `aggregateRun`). */
  async finish(modelIds: string[]): Promise<ModelAggregate> {
    const ready = new Map<string, ModelAggregate>();
    for (const [model, pr] of this.early) ready.set(model, await pr);
    return combineAggregates(
      modelIds,
      this.targets,
      (model) =>
        ready.get(model) ??
        aggregateModel(model, replicationMatrix(this.store, this.runId, model, this.reps), this.reps, this.targets),
    );
  }
}
