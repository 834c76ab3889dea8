// Progress tracking in the viewer, pure parts: the behind / on track / ahead rule, the latest actual of a target,
// the default meeting dates, what moved between two dates, the re-forecast series, and the chart overlay's alignment.
import { describe, expect, it } from 'vitest';
import type { RunBundle, SeriesRow, TargetDef } from '../../engine/contract/index.ts';
import type { ChartBuild } from '../src/charts.ts';
import { SeriesIndex } from '../src/data.ts';
import { actualsOverlay } from '../src/progress/chart.ts';
import {
  meetingDates,
  progressBetween,
  progressStatus,
  reforecastSeries,
  targetProgress,
  type Actual,
} from '../src/progress/status.ts';

const act = (
  date: string,
  value: number,
  bound: Actual['bound'] = '=',
  metric = 'm.share',
  scope = 'city',
): Actual => ({ metric, scope, date, value, unit: 'share', source: 's', note: '', bound });
const td = (comparator: '>=' | '<=', over: Partial<TargetDef> = {}): TargetDef => ({
  id: 't',
  title: 't',
  metric: 'm.share',
  scope: 'city',
  entity: 'city',
  comparator,
  threshold: 0.9,
  deadline: '2019-12-31',
  source: 'plan',
  sourceText: '',
  unit: 'share',
  model: 'x',
  ...over,
});
/** Monthly band of m.share for the city: P10 = 0.1·k, P90 = 0.1·k + 0.2 in month k of 2018 (k = 1…6). */
const rows: SeriesRow[] = Array.from({ length: 6 }, (_, i) => ({
  model: 'x',
  metric: 'm.share',
  entity: 'city',
  period: `2018-0${i + 1}`,
  p10: 0.1 * (i + 1),
  p50: 0.1 * (i + 1) + 0.1,
  p90: 0.1 * (i + 1) + 0.2,
  mean: 0,
  n: 10,
}));
const ix = new SeriesIndex(rows);

describe('progress status rule', () => {
  const band = { p10: 0.4, p90: 0.6 };
  it('observed values: below P10 behind, inside on track, above P90 ahead; mirrored when less is better', () => {
    expect(progressStatus({ value: 0.3, bound: '=' }, band, '>=')).toBe('behind');
    expect(progressStatus({ value: 0.4, bound: '=' }, band, '>=')).toBe('on-track');
    expect(progressStatus({ value: 0.6, bound: '=' }, band, '>=')).toBe('on-track');
    expect(progressStatus({ value: 0.7, bound: '=' }, band, '>=')).toBe('ahead');
    expect(progressStatus({ value: 0.3, bound: '=' }, band, '<=')).toBe('ahead');
    expect(progressStatus({ value: 0.5, bound: '=' }, band, '<=')).toBe('on-track');
    expect(progressStatus({ value: 0.7, bound: '=' }, band, '<=')).toBe('behind');
  });
  it('bounds decide only what they rule out', () => {
    // "at least 50 %": not below the band → on track; "at least 70 %" → ahead; "at least 20 %" says nothing.
    expect(progressStatus({ value: 0.5, bound: '>=' }, band, '>=')).toBe('on-track');
    expect(progressStatus({ value: 0.7, bound: '>=' }, band, '>=')).toBe('ahead');
    expect(progressStatus({ value: 0.2, bound: '>=' }, band, '>=')).toBe('unclear');
    // "at most 30 %" → behind; "at most 50 %" could still be below the band → unclear.
    expect(progressStatus({ value: 0.3, bound: '<=' }, band, '>=')).toBe('behind');
    expect(progressStatus({ value: 0.5, bound: '<=' }, band, '>=')).toBe('unclear');
    // Less is better: "at most 50 %" → on track, "at most 30 %" → ahead, "at least 70 %" → behind.
    expect(progressStatus({ value: 0.5, bound: '<=' }, band, '<=')).toBe('on-track');
    expect(progressStatus({ value: 0.3, bound: '<=' }, band, '<=')).toBe('ahead');
    expect(progressStatus({ value: 0.7, bound: '>=' }, band, '<=')).toBe('behind');
    expect(progressStatus({ value: 0.5, bound: '>=' }, band, '<=')).toBe('unclear');
  });
});

describe('target progress', () => {
  it('uses the latest actual of the target series against the band in force at its date (an observed value preferred)', () => {
    const bundle = {
      actuals: [
        act('2018-02-28', 0.9),
        act('2018-05-31', 0.45, '<='),
        act('2018-05-31', 0.35),
        act('2018-05-31', 0.9, '=', 'm.share', '370303'),
        act('2018-06-30', 0.9, '=', 'other'),
      ],
    };
    const p = targetProgress(bundle, ix, td('>='))!;
    expect(p.actual).toMatchObject({ date: '2018-05-31', value: 0.35, bound: '=' });
    expect(p.band).toMatchObject({ period: '2018-05', p10: 0.5 });
    expect(p.status).toBe('behind');
    // Up to an earlier date: the February actual (0.9 against 0.2–0.4) is above the band AND already meets the
    // threshold 0.9: "met" (issue 18), not merely "ahead".
    expect(targetProgress(bundle, ix, td('>='), '2018-04-30')!.status).toBe('met');
    // Above the band but short of the threshold: ahead.
    expect(targetProgress({ actuals: [act('2018-02-28', 0.8)] }, ix, td('>='))!.status).toBe('ahead');
    // A stated bound that meets the threshold ("at least 95 %" for ≥ 90 %) is met, not unclear.
    expect(targetProgress({ actuals: [act('2018-05-31', 0.95, '>=')] }, ix, td('>='))!.status).toBe('met');
    expect(targetProgress({ actuals: [] }, ix, td('>='))).toBeNull();
    // An actual before the series starts has no band.
    expect(targetProgress({ actuals: [act('2017-06-30', 0.1)] }, ix, td('>='))).toBeNull();
  });

  it('meeting dates default to the last two distinct actual dates', () => {
    expect(
      meetingDates([act('2018-05-31', 1), act('2018-02-28', 1), act('2018-05-31', 2), act('2018-03-31', 1)]),
    ).toEqual({ dates: ['2018-02-28', '2018-03-31', '2018-05-31'], from: '2018-03-31', to: '2018-05-31' });
    expect(meetingDates([act('2018-05-31', 1)])).toMatchObject({ from: '2017-01-01', to: '2018-05-31' });
  });

  it('lists what moved between two dates with the state before and after', () => {
    const bundle = {
      targets: [td('>=')],
      actuals: [
        act('2018-01-31', 0.15),
        act('2018-05-31', 0.35),
        act('2018-05-31', 0.2, '=', 'm.share', '370303'),
        act('2018-02-28', 0.5, '=', 'm.share', '370302'),
      ],
    };
    const moved = progressBetween(bundle, ix, '2018-02-28', '2018-05-31');
    expect(moved.map((m) => m.entity)).toEqual(['370303', 'city']);
    const city = moved.find((m) => m.entity === 'city')!;
    expect(city.before?.value).toBe(0.15);
    expect(city.change).toBeCloseTo(0.2, 12);
    expect(city.statusBefore).toBe('on-track'); // 0.15 in January against 0.1–0.3
    expect(city.statusAfter).toBe('behind'); // 0.35 in May against 0.5–0.7
    expect(city.targets).toEqual(['t']);
    expect(moved.find((m) => m.entity === '370303')!).toMatchObject({
      before: undefined,
      change: null,
      statusAfter: null,
      targets: [],
    });
    expect(progressBetween(bundle, ix, '2018-05-31', '2018-12-31')).toEqual([]);
  });

  it('reforecast bands become one series per (metric, entity) even when several targets carry them', () => {
    const band = (period: string, p50: number) => ({
      metric: 'm.share',
      entity: 'city',
      period,
      p10: p50 - 0.1,
      p50,
      p90: p50 + 0.1,
    });
    const reforecast = {
      until: '2021-12-31',
      ess: 10,
      replications: 20,
      used: 1,
      warning: null,
      evaluations: [],
      bands: [band('2018-02', 0.3), band('2018-01', 0.2), band('2018-01', 0.2), band('2018-02', 0.3)],
    } as NonNullable<RunBundle['reforecast']>;
    const s = reforecastSeries({ reforecast }, 'm.share', 'city')!;
    expect(s.periods).toEqual(['2018-01', '2018-02']);
    expect(s.p50).toEqual([0.2, 0.3]);
    expect(s.p10.length + s.p90.length).toBe(4);
    expect(reforecastSeries({ reforecast }, 'm.share', '370303')).toBeUndefined();
    expect(reforecastSeries({ reforecast: null }, 'm.share', 'city')).toBeUndefined();
  });
});

describe('chart overlay', () => {
  it('inserts the actual dates into x, keeps every column aligned, adds an observed and a bound series', () => {
    const x = [Date.UTC(2018, 3, 1) / 1000, Date.UTC(2018, 9, 1) / 1000]; // April and October
    const b: ChartBuild = {
      data: [x, [1, 2], [3, 4]],
      series: [{}, { label: 'a' }, { label: 'b' }],
      bands: [],
      draw: [],
    };
    actualsOverlay([act('2018-02-01', 1.5), act('2018-08-01', 0.5, '>=')], { actual: 'actual', bound: 'bound' })(b);
    const feb = Date.UTC(2018, 1, 1) / 1000,
      aug = Date.UTC(2018, 7, 1) / 1000;
    expect(b.data[0]).toEqual([feb, x[0], aug, x[1]].sort((p, q) => p - q));
    expect(b.data[1]).toEqual([null, 1, null, 2]);
    expect(b.data[2]).toEqual([null, 3, null, 4]);
    expect(b.data[3]).toEqual([1.5, null, null, null]);
    expect(b.data[4]).toEqual([null, null, 0.5, null]);
    expect(b.series.map((s) => s.label)).toEqual([undefined, 'a', 'b', 'actual', 'bound']);
    expect(b.series[1]!.spanGaps).toBe(true);
    expect(b.draw).toHaveLength(1); // the arrows of the bound
    const empty: ChartBuild = { data: [x, [1, 2]], series: [{}, {}], bands: [], draw: [] };
    actualsOverlay([], { actual: 'actual', bound: 'bound' })(empty);
    expect(empty.data).toEqual([x, [1, 2]]);
  });
});
