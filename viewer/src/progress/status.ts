/**
 * Progress against the projection (issue 10), pure functions over a run bundle: which actuals belong to a chart or
 * a target, whether the latest actual is behind, on track or ahead of the projection band, what moved between two
 * meeting dates, and the re-forecast band as a chart series.
 *
 * The rule (viewer/README.md, "Progress against the plan"): an actual is an interval I of possible true values —
 * `=` v: [v, v]; `>=` v: [v, ∞); `<=` v: (−∞, v] — compared with the run's P10–P90 band of the same metric and
 * entity in force at the actual's date. For a target where more is better (`>=`):
 *   behind   if sup I < P10   (certainly below the band)
 *   ahead    if inf I > P90   (certainly above the band)
 *   on track if inf I ≥ P10   (not below the band)
 *   unclear  otherwise        (a bound that does not decide, e.g. "at most 60 %" with the band at 40–70 %)
 * and mirrored for a target where less is better (`<=`): behind if inf I > P90, ahead if sup I < P10, on track if
 * sup I ≤ P90.
 */
import type { RunBundle, TargetDef } from '../../../engine/contract/index.ts';
import { valueAt, type Series, type SeriesIndex } from '../data.ts';

export type Actual = NonNullable<RunBundle['actuals']>[number];
export type ProgressStatus = 'met' | 'behind' | 'on-track' | 'ahead' | 'unclear';
export interface Band {
  p10: number;
  p50: number;
  p90: number;
  period: string;
}

/**
 * Actuals of one metric and entity (the actual's scope is the series entity), oldest first.
 * @example
 * const a = (metric, date, value) => ({ metric, scope: 'level:town', date, value, bound: '=' });
 * const bundle = { actuals: [a('extranet.liveShare', '2018-06-30', 0.5), a('extranet.liveShare', '2018-03-31', 0.2), a('x', '2018-01-01', 1)] };
 * actualsOf(bundle, 'extranet.liveShare', 'level:town').map((x) => x.date) // => ['2018-03-31', '2018-06-30']
 */
export function actualsOf(bundle: Pick<RunBundle, 'actuals'>, metric: string, entity: string): Actual[] {
  return (bundle.actuals ?? [])
    .filter((a) => a.metric === metric && a.scope === entity)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * The projection band in force at an ISO date (the period that contains it; step-hold as everywhere in the viewer).
 * @example
 * import { SeriesIndex } from '../data.ts';
 * const row = { model: 'rollout', metric: 'services.onlineShare', entity: '370303', period: '2018', p10: 0.5, p50: 0.6, p90: 0.7, mean: 0.6, n: 10 };
 * const ix = new SeriesIndex([row]);
 * bandAt(ix, 'services.onlineShare', '370303', '2018-06-30') // => { p10: 0.5, p50: 0.6, p90: 0.7, period: '2018' }
 * bandAt(ix, 'services.onlineShare', '370302', '2018-06-30') // => undefined
 */
export function bandAt(ix: SeriesIndex, metric: string, entity: string, date: string): Band | undefined {
  const s = ix.get(metric, entity);
  return s ? valueAt(s, date.slice(0, 7)) : undefined;
}

/**
 * Status of one actual against a band (rule in the module comment).
 * @example progressStatus({ value: 0.4, bound: '=' }, { p10: 0.5, p90: 0.8 }, '>=') // => 'behind'
 */
export function progressStatus(
  a: Pick<Actual, 'value' | 'bound'>,
  band: Pick<Band, 'p10' | 'p90'>,
  comparator: '>=' | '<=',
): ProgressStatus {
  const lo = a.bound === '<=' ? -Infinity : a.value;
  const hi = a.bound === '>=' ? Infinity : a.value;
  if (comparator === '>=') {
    if (hi < band.p10) return 'behind';
    if (lo > band.p90) return 'ahead';
    return lo >= band.p10 ? 'on-track' : 'unclear';
  }
  if (lo > band.p90) return 'behind';
  if (hi < band.p10) return 'ahead';
  return hi <= band.p90 ? 'on-track' : 'unclear';
}

/** Of several actuals on one date, the one that says most: an observed value before a stated bound. */
function pick(list: Actual[]): Actual | undefined {
  return list.find((a) => a.bound === '=') ?? list[0];
}

/**
 * The latest actual of a series on or before a date (an observed value preferred on that date).
 * @example
 * const list = [{ date: '2018-03-31', value: 0.2, bound: '=' }, { date: '2018-06-30', value: 0.4, bound: '>=' },
 *   { date: '2018-06-30', value: 0.5, bound: '=' }, { date: '2018-09-30', value: 0.7, bound: '=' }];
 * latestActual(list, '2018-06-30') // => { date: '2018-06-30', value: 0.5, bound: '=' }
 * latestActual(list, '2017-12-31') // => undefined
 */
export function latestActual(list: Actual[], until = '9999-12-31'): Actual | undefined {
  const upTo = list.filter((a) => a.date <= until);
  if (!upTo.length) return undefined;
  const last = upTo[upTo.length - 1]!.date;
  return pick(upTo.filter((a) => a.date === last));
}

export interface TargetProgress {
  actual: Actual;
  band: Band;
  status: ProgressStatus;
}

/**
 * Progress of a target from its latest actual: null when the target has no actual or the run has no band at that date.
 * @example
 * import { SeriesIndex } from '../data.ts';
 * // The run's band for the month of the latest actual, and one reported actual below it:
 * const row = { model: 'rollout', metric: 'extranet.liveShare', entity: 'level:town', period: '2018-06', p10: 0.5, p50: 0.6,
 *   p90: 0.7, mean: 0.6, n: 10 };
 * const ix = new SeriesIndex([row]);
 * const actual = { metric: 'extranet.liveShare', scope: 'level:town', date: '2018-06-30', value: 0.4, bound: '=', source: 'city report' };
 * const bundle = { actuals: [actual] };
 * const td = { id: 'extranet-town', metric: 'extranet.liveShare', entity: 'level:town', comparator: '>=', threshold: 1, unit: 'share' };
 * targetProgress(bundle, ix, td) // => { actual, band: { p10: 0.5, p50: 0.6, p90: 0.7, period: '2018-06' }, status: 'behind' }
 * targetProgress({ actuals: [] }, ix, td) // => null
 */
export function targetProgress(
  bundle: Pick<RunBundle, 'actuals'>,
  ix: SeriesIndex,
  td: TargetDef,
  until?: string,
): TargetProgress | null {
  const actual = latestActual(actualsOf(bundle, td.metric, td.entity), until);
  if (!actual) return null;
  const band = bandAt(ix, td.metric, td.entity, actual.date);
  if (!band) return null;
  const status = actualMeets(actual, td) ? 'met' : progressStatus(actual, band, td.comparator);
  return { actual, band, status };
}

/**
 * Whether an actual already meets a target's threshold whatever the true value in its interval (issue 18: say
 * "met" rather than "unclear" when e.g. "at least 95 %" is reported for a target of 90 %).
 * @example actualMeets({ value: 0.95, bound: '>=' }, { comparator: '>=', threshold: 0.9 }) // => true
 * @example actualMeets({ value: 0.95, bound: '<=' }, { comparator: '>=', threshold: 0.9 }) // => false
 */
export function actualMeets(
  a: Pick<Actual, 'value' | 'bound'>,
  td: Pick<TargetDef, 'comparator' | 'threshold'>,
): boolean {
  const lo = a.bound === '<=' ? -Infinity : a.value;
  const hi = a.bound === '>=' ? Infinity : a.value;
  return td.comparator === '>=' ? lo >= td.threshold : hi <= td.threshold;
}

/**
 * Distinct actual dates and the default "since the last meeting" window: the last two dates (from the plan start
 * when there is only one).
 * @example
 * const m = meetingDates([{ date: '2018-12-31' }, { date: '2018-06-30' }, { date: '2018-12-31' }]);
 * m // => { dates: ['2018-06-30', '2018-12-31'], from: '2018-06-30', to: '2018-12-31' }
 * meetingDates([{ date: '2018-06-30' }]) // => { dates: ['2018-06-30'], from: '2017-01-01', to: '2018-06-30' }
 */
export function meetingDates(actuals: Array<Pick<Actual, 'date'>>): { dates: string[]; from: string; to: string } {
  const dates = [...new Set(actuals.map((a) => a.date))].sort();
  const to = dates[dates.length - 1] ?? '2021-12-31';
  const from = dates.length >= 2 ? dates[dates.length - 2]! : '2017-01-01';
  return { dates, from, to };
}

export interface Movement {
  metric: string;
  entity: string;
  /** Latest actual on or before `from` (the state at the last meeting), if any. */
  before?: Actual;
  /** Latest actual on or before `to`: it is dated after `from` (something was reported since). */
  after: Actual;
  /** after − before when both are observed values (not bounds). */
  change: number | null;
  statusBefore: ProgressStatus | null;
  statusAfter: ProgressStatus | null;
  /** Targets about this metric and entity. */
  targets: string[];
}

/**
 * What moved between two dates: every (metric, entity) with an actual dated after `from` and on or before `to`,
 * with its state at both dates and the status against the band. The direction (more or less is better) is taken
 * from a target on the same metric, else more is better.
 * @example progressBetween(bundle, ix, '2018-06-30', '2018-12-31')
 */
export function progressBetween(
  bundle: Pick<RunBundle, 'actuals' | 'targets'>,
  ix: SeriesIndex,
  from: string,
  to: string,
): Movement[] {
  const groups = new Map<string, Actual[]>();
  for (const a of bundle.actuals ?? []) {
    const k = `${a.metric}|${a.scope}`;
    groups.set(k, [...(groups.get(k) ?? []), a]);
  }
  const out: Movement[] = [];
  for (const list of groups.values()) {
    list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const after = latestActual(list, to);
    if (!after || after.date <= from) continue;
    const before = latestActual(list, from);
    const { metric, scope: entity } = after;
    const cmp =
      bundle.targets.find((t) => t.metric === metric && t.entity === entity)?.comparator ??
      bundle.targets.find((t) => t.metric === metric)?.comparator ??
      '>=';
    const status = (a: Actual | undefined) => {
      const band = a && bandAt(ix, metric, entity, a.date);
      return a && band ? progressStatus(a, band, cmp) : null;
    };
    out.push({
      metric,
      entity,
      before,
      after,
      change: before && before.bound === '=' && after.bound === '=' ? after.value - before.value : null,
      statusBefore: status(before),
      statusAfter: status(after),
      targets: bundle.targets.filter((t) => t.metric === metric && t.entity === entity).map((t) => t.id),
    });
  }
  return out.sort((a, b) => (a.metric + a.entity < b.metric + b.entity ? -1 : 1));
}

/**
 * The re-forecast P10–P90 band of a (metric, entity) as a chart series, when the bundle has one.
 * @example
 * const band = (period, p50) => ({ metric: 'extranet.liveShare', entity: 'level:town', period, p10: p50 - 0.1, p50, p90: p50 + 0.1 });
 * const bundle = { reforecast: { bands: [band('2019', 0.7), band('2018', 0.4)] } };
 * const s = reforecastSeries(bundle, 'extranet.liveShare', 'level:town');
 * [s.periods, s.p50] // => [['2018', '2019'], [0.4, 0.7]]
 * reforecastSeries(bundle, 'extranet.liveShare', '370303') // => undefined
 */
export function reforecastSeries(
  bundle: Pick<RunBundle, 'reforecast'>,
  metric: string,
  entity: string,
): Series | undefined {
  // Several targets on one series (e.g. 70 %, 90 %, 100 % for a district) each carry the same band: one row per period.
  const byPeriod = new Map(
    (bundle.reforecast?.bands ?? [])
      .filter((b) => b.metric === metric && b.entity === entity)
      .map((b) => [b.period, b]),
  );
  const rows = [...byPeriod.values()].sort((a, b) => (a.period < b.period ? -1 : 1));
  if (!rows.length) return undefined;
  return {
    metric,
    entity,
    periods: rows.map((r) => r.period),
    p10: rows.map((r) => r.p10),
    p50: rows.map((r) => r.p50),
    p90: rows.map((r) => r.p90),
  };
}
