/**
 * Plan targets: load `data/plan/targets.yaml` and evaluate a run's replications against them.
 *
 * Rule (documented in README "Targets"):
 * - A replication *meets* a target when its value in the last period that ends on or before the deadline satisfies
 *   the comparator (`>=` or `<=` threshold). P(met) = share of replications that meet it.
 * - Its *projected date* is the end of the first period from which the threshold holds. P50/P90 of projected dates are
 *   taken over replications, counting "never within the simulated period" as later than any date (then null); they
 *   are order statistics (lower CDF), so always a date some replication reached.
 * - P10/P50/P90 of the value at the deadline are type-7 quantiles (models/lib/quantile.ts), as in the aggregation.
 * - Status: `met` when P(met) ≥ 0.8, `at-risk` when 0.2 ≤ P(met) < 0.8, `missed` below 0.2; `no-data` when the run has
 *   no series for the target or the deadline falls outside the simulated periods.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { quantiles, weightedQuantiles } from '../models/lib/quantile.ts';
import type { TargetDef, TargetEval } from './contract/index.ts';
import { ENGINE_ROOT } from './paths.ts';

/** Probabilities of a target's value band at its deadline: P10, P50, P90. */
const VALUE_PS = [0.1, 0.5, 0.9];

export const TARGETS_FILE = path.join(ENGINE_ROOT, 'data', 'plan', 'targets.yaml');

/** P(met) at or above which a target counts as met (on track). */
export const MET_THRESHOLD = 0.8;
/** P(met) below which a target counts as missed. */
export const MISSED_THRESHOLD = 0.2;

const targetSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  titleZh: z.string().optional(),
  metric: z.string().min(1),
  scope: z.string().regex(/^(city|37\d{4})$/, 'city or a 6-digit district code'),
  entity: z.string().min(1),
  comparator: z.enum(['>=', '<=']),
  threshold: z.number(),
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'ISO date YYYY-MM-DD'),
  source: z.enum(['plan', 'assumption']),
  sourceText: z.string().min(1),
  unit: z.string(),
  model: z.string().min(1),
});

/**
 * Load and validate the targets file.
 * @throws Error naming the file, the target index/id and the field.
 * @example loadTargets().find((t) => t.id === 'extranet-3-levels')?.deadline // => '2018-12-31'
 */
export function loadTargets(file = TARGETS_FILE): TargetDef[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'), { schema: 'core', customTags: [] });
  } catch (e) {
    throw new Error(`${file}: cannot read targets: ${(e as Error).message}`, { cause: e });
  }
  const list = z.strictObject({ targets: z.array(targetSchema).min(1) }).safeParse(doc);
  if (!list.success) {
    const i = list.error.issues[0]!;
    const idx = typeof i.path[1] === 'number' ? i.path[1] : undefined;
    const id =
      idx !== undefined ? (doc as { targets?: Array<{ id?: unknown }> } | null)?.targets?.[idx]?.id : undefined;
    throw new Error(
      `${file}: targets${idx !== undefined ? `[${idx}]${id ? ` (${id})` : ''}` : ''}: ${i.path.slice(2).join('.') || 'file'}: ${i.message}`,
    );
  }
  const ids = new Set<string>();
  for (const t of list.data.targets) {
    if (ids.has(t.id)) throw new Error(`${file}: duplicate target id "${t.id}"; ids must be unique`);
    ids.add(t.id);
  }
  return list.data.targets;
}

/**
 * Last day of a period string: `2019` → 2019-12-31, `2019-02` → 2019-02-28, `2019-06-15` → itself.
 * @example periodEnd('2020-02') // => '2020-02-29'
 */
export function periodEnd(period: string): string {
  if (/^\d{4}$/.test(period)) return `${period}-12-31`;
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) {
    const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
    return `${period}-${String(last).padStart(2, '0')}`;
  }
  return period;
}

/** One replication's trajectory of a metric: periods in time order with their values. */
export interface Trajectory {
  periods: string[];
  values: ArrayLike<number>;
}

/** What the trajectory extractor reads of a replication matrix (engine/run.ts `ReplicationMatrix`). */
export interface SeriesMatrix {
  keys: ReadonlyArray<{ metric: string; entity: string; period: string }>;
  /** values[k * reps + r] = value of key k in replication r (NaN when missing). */
  values: ArrayLike<number>;
  reps: number;
}

/** One (metric, entity) over all replications on a common time axis: values[r][k], NaN where missing. */
export interface AlignedSeries {
  periods: string[];
  values: Float64Array[];
}

// Matrices are not changed after they are built, so a lookup (O(keys)) is done once per (matrix, metric, entity);
// the re-forecast asks for the same series once per actual and once per target.
const alignedCache = new WeakMap<SeriesMatrix, Map<string, AlignedSeries | null>>();

/**
 * The one trajectory extractor: a (metric, entity) of a replication matrix, periods in time order, one row per
 * replication (row r is replication r, so weights stay aligned), NaN where a replication has no value. Null when the
 * matrix has no such series.
 * @example alignedSeries({ keys: [{ metric: 'm', entity: 'city', period: '2019' }, { metric: 'm', entity: 'city', period: '2018' }], values: [3, 4, 1, 2], reps: 2 }, 'm', 'city') // => { periods: ['2018', '2019'], values: [Float64Array.of(1, 3), Float64Array.of(2, 4)] }
 */
export function alignedSeries(m: SeriesMatrix, metric: string, entity: string): AlignedSeries | null {
  let c = alignedCache.get(m);
  if (!c) alignedCache.set(m, (c = new Map()));
  const key = `${metric}\u0000${entity}`;
  const hit = c.get(key);
  if (hit !== undefined) return hit;
  const ks: Array<{ period: string; i: number }> = [];
  m.keys.forEach((k, i) => {
    if (k.metric === metric && k.entity === entity) ks.push({ period: k.period, i });
  });
  ks.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  let res: AlignedSeries | null = null;
  if (ks.length) {
    const values: Float64Array[] = [];
    for (let r = 0; r < m.reps; r++) {
      const row = new Float64Array(ks.length);
      for (let j = 0; j < ks.length; j++) row[j] = m.values[ks[j]!.i * m.reps + r]!;
      values.push(row);
    }
    res = { periods: ks.map((k) => k.period), values };
  }
  c.set(key, res);
  return res;
}

/**
 * Trajectories of one (metric, entity), one per replication (index r = replication r, so weights line up), each
 * with only the periods where that replication has a value; [] when the matrix has no such series.
 * @example trajectories({ keys: [{ metric: 'm', entity: 'city', period: '2018' }], values: [5, Number.NaN], reps: 2 }, 'm', 'city') // => [{ periods: ['2018'], values: [5] }, { periods: [], values: [] }]
 */
export function trajectories(m: SeriesMatrix, metric: string, entity: string): Trajectory[] {
  const a = alignedSeries(m, metric, entity);
  if (!a) return [];
  return a.values.map((row) => {
    const periods: string[] = [];
    const values: number[] = [];
    for (let k = 0; k < row.length; k++) {
      if (!Number.isNaN(row[k]!)) {
        periods.push(a.periods[k]!);
        values.push(row[k]!);
      }
    }
    return { periods, values };
  });
}

/**
 * Evaluate one target over replications.
 * @example const t = { id: 'x', metric: 'm', entity: 'city', comparator: '>=', threshold: 1, deadline: '2018-12-31' };
 * evaluateTarget(t, [{ periods: ['2018-12'], values: [1] }, { periods: ['2018-12'], values: [0.5] }]).pMet // => 0.5
 */
export function evaluateTarget(t: TargetDef, reps: Trajectory[], weights?: ArrayLike<number>): TargetEval {
  const empty: TargetEval = {
    targetId: t.id,
    pMet: NaN,
    dateP50: null,
    dateP90: null,
    valueP10: null,
    valueP50: null,
    valueP90: null,
    status: 'no-data',
  };
  if (reps.length === 0) return empty;
  const ok = (v: number) => (t.comparator === '>=' ? v >= t.threshold - 1e-12 : v <= t.threshold + 1e-12);
  const atDeadline: Array<{ v: number; w: number }> = [];
  const dates: Array<{ d: string | null; w: number }> = [];
  let wMet = 0;
  let wSum = 0;
  for (let r = 0; r < reps.length; r++) {
    const { periods, values } = reps[r]!;
    // A replication without any value of this series does not count (it is not "missed"); if none has one: no data.
    if (periods.length === 0) continue;
    const w = weights ? weights[r]! : 1;
    let k = -1;
    for (let i = 0; i < periods.length; i++) if (periodEnd(periods[i]!) <= t.deadline) k = i;
    if (k < 0) return empty;
    // Deadline beyond the simulated periods: only evaluable if the last period ends exactly at or after it is not known.
    if (periodEnd(periods[periods.length - 1]!) < t.deadline) return empty;
    const v = values[k]!;
    atDeadline.push({ v, w });
    wSum += w;
    if (ok(v)) wMet += w;
    // First period from which the threshold holds to the end of the simulation.
    let first: string | null = null;
    for (let i = periods.length - 1; i >= 0; i--) {
      if (ok(values[i]!)) first = periodEnd(periods[i]!);
      else break;
    }
    dates.push({ d: first, w });
  }
  if (atDeadline.length === 0) return empty;
  const pMet = wSum > 0 ? wMet / wSum : NaN;
  // Values: the project's one quantile (type 7, models/lib/quantile.ts), weighted when the re-forecast gives weights.
  const vs = atDeadline.map((x) => x.v);
  const vq = weights
    ? weightedQuantiles(
        vs,
        atDeadline.map((x) => x.w),
        VALUE_PS,
      )
    : quantiles(vs, VALUE_PS);
  // Never-met replications sort after every date.
  const dq = weightedDateQuantiles(
    dates.map((x) => ({ key: x.d ?? '9999-12-31', w: x.w })),
    [0.5, 0.9],
  );
  const fix = (d: string | number | null) => (d === null || d === '9999-12-31' ? null : String(d).slice(0, 7));
  const status: TargetEval['status'] = pMet >= MET_THRESHOLD ? 'met' : pMet >= MISSED_THRESHOLD ? 'at-risk' : 'missed';
  return {
    targetId: t.id,
    pMet,
    dateP50: fix(dq[0] ?? null),
    dateP90: fix(dq[1] ?? null),
    valueP10: Number.isNaN(vq[0]!) ? null : vq[0]!,
    valueP50: Number.isNaN(vq[1]!) ? null : vq[1]!,
    valueP90: Number.isNaN(vq[2]!) ? null : vq[2]!,
    status,
  };
}

/**
 * Quantiles of projected dates by the lower empirical CDF (the smallest key whose cumulative weight reaches p; with
 * equal weights Hyndman-Fan type 1, the "inverted CDF"). Dates are the one place the project does not use type 7:
 * interpolating between two month ends, or between a date and "never", gives no date a planner can read, so the
 * date P50/P90 is always one replication's date. Numeric values use models/lib/quantile.ts.
 * @example weightedDateQuantiles([{ key: '2019-03-31', w: 1 }, { key: '2018-06-30', w: 1 }], [0.5, 1]) // => ['2018-06-30', '2019-03-31']
 */
export function weightedDateQuantiles<K extends string | number>(
  items: Array<{ key: K; w: number }>,
  ps: number[],
): Array<K | null> {
  const sorted = items.filter((x) => x.w > 0).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const total = sorted.reduce((s, x) => s + x.w, 0);
  if (total <= 0) return ps.map(() => null);
  return ps.map((p) => {
    let acc = 0;
    for (const x of sorted) {
      acc += x.w;
      if (acc >= p * total - 1e-12) return x.key;
    }
    return sorted[sorted.length - 1]!.key;
  });
}
