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

/**
 * @example const { store, runId, compareId } = fixtureStore('/tmp/x.sqlite');
 */
export function fixtureStore(file: string): { store: Store; runId: number; compareId: number } {
  const store = openStore(file);
  const districts = loadDistricts();
  const mk = (name: string, shift: number) => {
    const scenario = {
      name,
      description: `fixture ${name}`,
      period: { startYear: 2017, endYear: 2021 },
      seed: 1,
      replications: 10,
      testbed: { samples: shift > 0 ? 105 : 100 },
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
    const evals: TargetEval[] = [
      {
        targetId: 'extranet-3-levels',
        pMet: 0.3 + shift,
        dateP50: '2019-03',
        dateP90: '2019-09',
        valueP10: 0.5,
        valueP50: 0.7,
        valueP90: 0.9,
        status: 'at-risk',
      },
    ];
    store.writeResults(id, rows, evals);
    store.setRunStatus(id, 'done');
    return id;
  };
  const compareId = mk('fixture-base', 0);
  const runId = mk('fixture-whatif', 0.05);
  return { store, runId, compareId };
}
