/**
 * Hindcast (issue #21 item 5): how a finished run's projections compare with what is now known. For every actual in
 * the store: the run's P10–P90 at that date (type 7 over replications, models/lib/quantile.ts), whether the actual is
 * inside, and the continuous ranked probability score CRPS = E|X − y| − ½ E|X − X'| of the replications' empirical
 * distribution (X, X' independent draws from the replications, y the actual; 0 = a sure and exact forecast, in the
 * metric's unit). Per model family: the coverage share (nominal 80 %) and the mean CRPS, each with its count.
 *
 * A stated bound ("above 70 %", `>=`/`<=`) is not a value: it counts as inside when the band reaches the allowed side
 * (P90 ≥ bound for `>=`, P10 ≤ bound for `<=`) and has no CRPS (the bound rows are counted apart so no figure mixes
 * the two). Actuals whose metric, scope or date the run has no series for are listed as unmatched.
 */
import { quantileSorted } from '../models/lib/quantile.ts';
import { periodIndexOf } from './actuals.ts';
import type { ActualRecord, Store } from './store.ts';
import { replicationMatrix, type ReplicationMatrix } from './run.ts';
import { scenarioModels } from './scenario.ts';
import { alignedSeries } from './targets.ts';
import type { Hindcast, HindcastFamily, HindcastRow } from './contract/index.ts';

export type { Hindcast, HindcastFamily, HindcastRow };

/**
 * CRPS of the empirical distribution of `values` (NaN dropped) against the outcome `y`, in O(n log n) from the
 * sorted sample: E|X − X'| = (2/n²) Σ (2i − n − 1)·x₍ᵢ₎ (i = 1 … n). NaN when no value is left.
 * @example crps([1, 2, 3], 2).toFixed(4) // => '0.2222'
 */
export function crps(values: ArrayLike<number>, y: number): number {
  const xs = Float64Array.from(values).filter((v) => !Number.isNaN(v));
  const n = xs.length;
  if (n === 0) return Number.NaN;
  xs.sort();
  let absErr = 0;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    absErr += Math.abs(xs[i]! - y);
    spread += (2 * (i + 1) - n - 1) * xs[i]!;
  }
  return absErr / n - spread / (n * n);
}

/** One actual with the replications' values of its series at its date (null when the run has no such series). */
export interface HindcastInput {
  actual: ActualRecord;
  /** Model family of the metric (null when no model reports it). */
  model: string | null;
  values: ArrayLike<number> | null;
}

/**
 * Pure hindcast over prepared inputs: P10–P90, inside/outside and CRPS per actual, coverage and mean CRPS per family.
 * @example hindcast([{ actual: { metric: 'm', scope: 'city', date: '2018-12-31', value: 2, unit: 'u', source: 's', note: '', bound: '=' }, model: 'x', values: [1, 2, 3] }]).families[0].coverage // => 1
 */
export function hindcast(
  inputs: readonly HindcastInput[],
  periodOf: (i: number) => string | null = () => null,
): Hindcast {
  const rows: HindcastRow[] = [];
  const fam = new Map<
    string,
    { matched: number; nValues: number; inside: number; crps: number; nBounds: number; reached: number }
  >();
  let unmatched = 0;
  inputs.forEach((inp, i) => {
    const a = inp.actual;
    const vs = inp.values ? Float64Array.from(inp.values).filter((v) => !Number.isNaN(v)) : new Float64Array(0);
    const base = { metric: a.metric, scope: a.scope, date: a.date, bound: a.bound, actual: a.value, model: inp.model };
    if (!inp.model || vs.length === 0) {
      unmatched++;
      rows.push({ ...base, period: null, p10: NaN, p50: NaN, p90: NaN, inside: null, crps: NaN, replications: 0 });
      return;
    }
    vs.sort();
    const p10 = quantileSorted(vs, 0.1);
    const p50 = quantileSorted(vs, 0.5);
    const p90 = quantileSorted(vs, 0.9);
    const isValue = a.bound === '=';
    const inside = isValue ? a.value >= p10 && a.value <= p90 : a.bound === '>=' ? p90 >= a.value : p10 <= a.value;
    const score = isValue ? crps(vs, a.value) : NaN;
    rows.push({ ...base, period: periodOf(i), p10, p50, p90, inside, crps: score, replications: vs.length });
    let f = fam.get(inp.model);
    if (!f) fam.set(inp.model, (f = { matched: 0, nValues: 0, inside: 0, crps: 0, nBounds: 0, reached: 0 }));
    f.matched++;
    if (isValue) {
      f.nValues++;
      if (inside) f.inside++;
      f.crps += score;
    } else {
      f.nBounds++;
      if (inside) f.reached++;
    }
  });
  const families = [...fam.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([model, f]) => ({
      model,
      matched: f.matched,
      nValues: f.nValues,
      coverage: f.nValues ? f.inside / f.nValues : NaN,
      meanCrps: f.nValues ? f.crps / f.nValues : NaN,
      nBounds: f.nBounds,
      boundsReached: f.reached,
    }));
  return { rows, families, unmatched };
}

/**
 * Hindcast of a finished run on every actual in the store: each actual is matched to its metric's model, the series
 * (metric, scope) and the period that contains its date (the same rule as the re-forecast, engine/actuals.ts).
 */
export function hindcastRun(store: Store, runId: number): Hindcast & { runId: number; replications: number } {
  const run = store.run(runId);
  if (!run) throw new Error(`no run ${runId}`);
  if (run.status !== 'done') throw new Error(`run ${runId} is ${run.status}; a hindcast needs a finished run`);
  const stored = JSON.parse(run.scenarioJson) as { modelIds: string[] };
  const modelOf = new Map<string, string>();
  for (const model of scenarioModels()) for (const mi of model.metrics ?? []) modelOf.set(mi.id, model.id);
  const matrices = new Map<string, ReplicationMatrix>();
  const periods: Array<string | null> = [];
  const inputs: HindcastInput[] = store.actuals().map((actual) => {
    const model = modelOf.get(actual.metric) ?? null;
    if (!model || !stored.modelIds.includes(model)) {
      periods.push(null);
      return { actual, model, values: null };
    }
    let m = matrices.get(model);
    if (!m) matrices.set(model, (m = replicationMatrix(store, runId, model, run.replications)));
    const a = alignedSeries(m, actual.metric, actual.scope);
    const k = a ? periodIndexOf(a.periods, actual.date) : -1;
    if (!a || k < 0) {
      periods.push(null);
      return { actual, model, values: null };
    }
    periods.push(a.periods[k]!);
    return { actual, model, values: a.values.map((row) => row[k]!) };
  });
  return { runId, replications: run.replications, ...hindcast(inputs, (i) => periods[i] ?? null) };
}
