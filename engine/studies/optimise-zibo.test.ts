/**
 * `twin optimise` on the Zibo baseline (issue #20: "at least one target moved from at-risk to met, with the cost"):
 * the collaborative office live by 2018-03-31 (`collab-office`) is at risk in the baseline; the optimiser must find a
 * diffusion rate that makes it met, state the cost, confirm it on fresh replications and write a what-if that loads.
 * The real CLI in a child process, on a copy of scenarios/baseline.yaml in a temporary folder (so scenarios/ is not
 * touched) and a temporary store. About 30–60 s: only the rollout model runs.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ENGINE_ROOT } from '../paths.ts';
import { loadScenario } from '../scenario.ts';
import { tmpDir, twin } from '../test/helpers.ts';

const COST_PER_UNIT = 10;
const BASE_RATE = 0.6;

describe('twin optimise on the Zibo baseline', () => {
  it('moves collab-office from at risk to met for a stated cost, confirmed on fresh replications', () => {
    const dir = tmpDir('twin-optimise-zibo-');
    const scenario = path.join(dir, 'baseline.yaml');
    copyFileSync(path.join(ENGINE_ROOT, 'scenarios', 'baseline.yaml'), scenario);
    const out = path.join(dir, 'out');
    const r = twin(
      [
        'optimise',
        scenario,
        '--targets',
        'collab-office',
        '--p',
        '0.8',
        '--lever',
        `rollout.collab.pPerMonth=${BASE_RATE}:2:0.2@${COST_PER_UNIT}`,
        '--replications',
        '16',
        '--confirm',
        '200',
        '--threads',
        '2',
        '--db',
        path.join(dir, 'o.sqlite'),
        '--out',
        out,
      ],
      {},
      300_000,
    );
    expect(r.status, r.stderr).toBe(0);
    const csv = readFileSync(path.join(out, 'candidates.csv'), 'utf8').trim().split('\n');
    const head = csv[0]!.split(',');
    const col = (row: string[], name: string) => Number(row[head.indexOf(name)]);
    const rows = csv.slice(1).map((l) => l.split(','));
    // The baseline's own setting is evaluated and is at risk: P(met) between 20 % and 80 %, its upper bound below p.
    const base = rows.find((row) => col(row, 'rollout.collab.pPerMonth') === BASE_RATE)!;
    expect(base, 'the baseline setting is a candidate').toBeDefined();
    expect(col(base, 'cost')).toBe(0);
    expect(col(base, 'pmet_collab-office')).toBeGreaterThanOrEqual(0.2);
    expect(col(base, 'upper_collab-office')).toBeLessThan(0.8);
    // The recommendation: a faster diffusion rate, its cost stated, confirmed met on 200 fresh replications.
    const m =
      /Recommended\*\*: rollout\.collab\.pPerMonth = ([\d.]+) \(now 0\.6\); cost ([\d.]+); confirmed on 200 fresh replications: collab-office ([\d.]+)%/.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    const [rate, cost, confirmedPct] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(rate).toBeGreaterThan(BASE_RATE);
    expect(cost).toBeCloseTo((rate - BASE_RATE) * COST_PER_UNIT, 9);
    expect(confirmedPct).toBeGreaterThanOrEqual(80);
    // No feasible candidate is cheaper than the recommendation.
    for (const row of rows) if (col(row, 'feasible') === 1) expect(col(row, 'cost')).toBeGreaterThanOrEqual(cost);
    // The what-if extends the baseline, sets only the lever, and loads.
    const wf = path.join(dir, 'baseline-optimised.yaml');
    const doc = parse(readFileSync(wf, 'utf8'));
    expect(doc.extends).toBe('baseline');
    expect(doc.rollout).toEqual({ collab: { pPerMonth: rate } });
    expect(loadScenario(wf, { scenariosDir: dir }).scenario.rollout).toMatchObject({ collab: { pPerMonth: rate } });
  }, 360_000);
});
