/**
 * Test support for the report and export tests: a store holding stored *aggregates* shaped like the production models'
 * (monthly district shares, yearly link values), written through the store's own API. It tests the output formats
 * (CSV, GeoJSON, CZML, report) against known numbers; it is not a model and never stands in for one in a run.
 */
import { loadDistricts } from '../../data/index.ts';
import type { SeriesRow, TargetEval } from '../contract/index.ts';
import { openStore, type Store } from '../store.ts';

/** The known value of district k in month m (0-based from 2017-01): a logistic rollout curve, distinct per district. */
export function fixtureShare(k: number, m: number): number {
  return 1 / (1 + Math.exp(-(m - 12 - 3 * k) / 4));
}

export const FIXTURE_LINKS = [1, 2, 3];

/** Status of a P(met) by the rule of engine/targets.ts (met ≥ 0.8, missed < 0.2). */
const statusOf = (p: number): TargetEval['status'] => (p >= 0.8 ? 'met' : p < 0.2 ? 'missed' : 'at-risk');

/** P(met) of the fixture's evaluated targets in a run shifted by `shift` (other targets have no evaluation: no data). */
export function fixturePMet(shift: number): Record<string, number> {
  return {
    'extranet-3-levels': 0.3 + shift,
    'extranet-city': 0.85 + shift,
    'collab-office': Math.max(0, 0.15 + shift),
    'traffic-congestion': 0.6 + 3 * shift,
    'greenhouse-yield': 0.95,
  };
}

/**
 * Three runs: an earlier baseline (`prevId`, shift −0.1), the latest baseline (`compareId`) and a newer what-if
 * (`runId`, shift +0.05), so `latest` (the latest baseline) is not the newest run.
 * @example
 * const { store, runId, compareId, prevId } = fixtureStore(':memory:'); // or a file path
 * store.listRuns().map((r) => [r.id, r.scenarioName]) // => [[3, 'fixture-whatif'], [2, 'baseline'], [1, 'baseline']]
 * [runId, compareId, prevId] // => [3, 2, 1]
 * // Zhangdian (district k = 1) in January 2018 (month 12): the known curve, shifted +0.05 in the what-if
 * store.series(runId).find((r) => r.entity === '370303' && r.period === '2018-01').p50 // => fixtureShare(1, 12) + 0.05
 */
export function fixtureStore(file: string): { store: Store; runId: number; compareId: number; prevId: number } {
  const store = openStore(file);
  const districts = loadDistricts();
  const mk = (name: string, shift: number) => {
    const scenario = {
      name,
      description: `fixture ${name}`,
      period: { startYear: 2017, endYear: 2021 },
      seed: 1,
      replications: 10,
      testbed: { samples: shift > 0 ? 105 : shift < 0 ? 90 : 100 },
    };
    const id = store.createRun(
      {
        scenarioName: name,
        scenarioFile: `scenarios/${name}.yaml`,
        scenarioHash: `fixture${shift}`,
        scenario: { scenario, modelIds: ['testbed'], years: [2017, 2018, 2019, 2020, 2021] },
        seed: 1,
        replications: 10,
        codeVersion: 'test',
        threads: 1,
      },
      [],
    );
    const rows: SeriesRow[] = [];
    districts.forEach((d, k) => {
      for (let m = 0; m < 60; m++) {
        const v = Math.min(1, fixtureShare(k, m) + shift);
        const period = `${2017 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
        rows.push({
          model: 'rollout',
          metric: 'extranet.liveShare',
          entity: d.code,
          period,
          p10: Math.max(0, v - 0.1),
          p50: v,
          p90: Math.min(1, v + 0.1),
          mean: v,
          n: 10,
        });
      }
    });
    for (let m = 0; m < 60; m++) {
      const v = Math.min(1, fixtureShare(2, m) + shift);
      const period = `${2017 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      rows.push({
        model: 'rollout',
        metric: 'extranet.liveShare',
        entity: 'city',
        period,
        p10: v - 0.05,
        p50: v,
        p90: v + 0.05,
        mean: v,
        n: 10,
      });
    }
    for (const l of FIXTURE_LINKS) {
      for (let y = 2017; y <= 2021; y++) {
        const v = 0.5 + 0.1 * (y - 2017) + 0.01 * l;
        rows.push({
          model: 'traffic',
          metric: 'traffic.linkVc',
          entity: `link:${l}`,
          period: String(y),
          p10: v - 0.05,
          p50: v,
          p90: v + 0.05,
          mean: v,
          n: 10,
        });
      }
    }
    // City indicators of the other model families, yearly and monthly as the models write them.
    const city = (model: string, metric: string, entity: string, f: (t: number) => number, monthly = false) => {
      for (let i = 0; i < (monthly ? 60 : 5); i++) {
        const v = f(monthly ? i / 12 : i);
        const period = monthly
          ? `${2017 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`
          : `${2017 + i}`;
        const w = 0.1 * Math.abs(v);
        rows.push({ model, metric, entity, period, p10: v - w, p50: v, p90: v + w, mean: v, n: 10 });
      }
    };
    city('rollout', 'collab.liveShare', 'city', (t) => Math.min(1, 0.2 * t + shift), true);
    city('traffic', 'traffic.congestionIndex', 'city', (y) => 1.3 + 0.08 * y - shift);
    city('traffic', 'traffic.meanSpeedKmPerH', 'city', (y) => 32 - 1.5 * y + 10 * shift);
    city('greenhouse', 'greenhouse.productionT', 'city', (y) => 2.1e6 + 4e4 * y);
    city('greenhouse', 'greenhouse.smartShare', 'city', (y) => [0.01, 0.03, 0.06, 0.1, 0.15][y]!);
    city('greenhouse', 'greenhouse.cropYieldKgPerM2', 'crop:tomato', (y) => 10.2 + 0.1 * y);
    const evals: TargetEval[] = Object.entries(fixturePMet(shift)).map(([targetId, pMet]) => ({
      targetId,
      pMet,
      dateP50: '2019-03',
      dateP90: '2019-09',
      valueP10: 0.5,
      valueP50: 0.7,
      valueP90: 0.9,
      status: statusOf(pMet),
    }));
    store.writeResults(id, rows, evals);
    store.setRunStatus(id, 'done');
    return id;
  };
  const prevId = mk('baseline', -0.1);
  const compareId = mk('baseline', 0);
  const runId = mk('fixture-whatif', 0.05);
  store.insertActuals(
    [
      {
        metric: 'extranet.liveShare',
        scope: 'city',
        date: '2018-06-30',
        value: 0.6,
        unit: 'share',
        source: 'fixture: progress note',
        note: '',
        bound: '=',
      },
    ],
    'fixture.csv',
    '2026-01-01T00:00:00Z',
  );
  return { store, runId, compareId, prevId };
}
