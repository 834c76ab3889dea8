import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../models/lib/rng.ts';
import { ENGINE_ROOT } from './paths.ts';
import {
  ActualsError,
  importActuals,
  importanceWeights,
  listActuals,
  normalCdf,
  readActuals,
  weightedBand,
  type ActualRow,
} from './actuals.ts';
import type { ReplicationMatrix } from './run.ts';
import { openStore } from './store.ts';
import { testbedModel } from './testbed-model.ts';
import { tmpDir } from './test/helpers.ts';

const dir = tmpDir('twin-actuals-');
const HEADER = 'metric,scope,date,value,unit,source,note,bound\n';
function csv(name: string, body: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, HEADER + body);
  return f;
}
function issues(f: string) {
  try {
    readActuals(f);
  } catch (e) {
    if (e instanceof ActualsError) return e.issues;
    throw e;
  }
  throw new Error('no error');
}

/** Replication matrix of the testbed's monthly random walk: reps × 12 months of 2017. */
function walkMatrix(reps: number, seedBase: number): ReplicationMatrix {
  const periods = Array.from({ length: 12 }, (_, i) => `2017-${String(i + 1).padStart(2, '0')}`);
  const values = new Float64Array(12 * reps);
  for (let r = 0; r < reps; r++) {
    const out = testbedModel.run(
      { samples: 1, walkSteps: 12, burnIterations: 0, delayMs: 0 },
      null,
      { model: 'testbed', years: [2017], replication: r, attempt: 1, seed: seedBase + r },
      createRng(seedBase + r),
    );
    const walk = out.series.find((s) => s.metric === 'testbed.walk')!;
    for (let k = 0; k < 12; k++) values[k * reps + r] = walk.values[k]!;
  }
  return { keys: periods.map((period) => ({ metric: 'testbed.walk', entity: 'city', period })), values, reps };
}

describe('actuals import', () => {
  it('reads quoted cells (commas, quotes, CRLF) and reports malformed quoting with its line', () => {
    const f = path.join(dir, 'quoted.csv');
    writeFileSync(
      f,
      HEADER.replace('\n', '\r\n') + 'testbed.walk,city,2018-01-01,0.5,1,"report, p. 3 ""final""",,\r\n',
    );
    expect(readActuals(f).map((r) => r.source)).toEqual(['report, p. 3 "final"']);
    const g = csv(
      'unclosed.csv',
      'testbed.walk,city,2018-01-01,0.5,1,src,,\ntestbed.walk,city,2018-02-01,0.5,1,"src,,\n',
    );
    expect(issues(g)).toEqual([
      { file: g, line: 3, field: '', message: expect.stringMatching(/quoted field is never closed/) },
    ]);
  });

  const bad: Array<[string, string, string, RegExp]> = [
    [
      'unknown metric',
      'services.onlinShare,city,2018-01-01,0.5,share,src,,\n',
      'metric',
      /unknown metric "services.onlinShare"/,
    ],
    ['unknown scope', 'testbed.walk,370399,2018-01-01,0.5,1,src,,\n', 'scope', /unknown scope "370399"/],
    [
      'unit mismatch',
      'testbed.walk,city,2018-01-01,0.5,share,src,,\n',
      'unit',
      /does not match the unit of testbed.walk, which is "1"/,
    ],
    ['date outside the plan', 'testbed.walk,city,2022-01-01,0.5,1,src,,\n', 'date', /outside the plan period/],
    ['not a date', 'testbed.walk,city,2018-02-30,0.5,1,src,,\n', 'date', /not an ISO date/],
    ['not a number', 'testbed.walk,city,2018-01-01,lots,1,src,,\n', 'value', /"lots" is not a number/],
    [
      'outside physical bounds',
      'testbed.pi,city,2018-01-01,0.5,1,src,,\nservices.onlineShare,city,2018-01-01,85,share,src,,\n',
      'value',
      /outside the physical bounds of share \[0, 1\] \(write 0.85, not 85\)/,
    ],
    [
      'duplicate',
      'testbed.walk,city,2018-01-01,0.5,1,src,,\ntestbed.walk,city,2018-01-01,0.6,1,src,,\n',
      '',
      /duplicate of line 2/,
    ],
    ['missing source', 'testbed.walk,city,2018-01-01,0.5,1,,,\n', 'source', /is empty/],
    ['bad bound', 'testbed.walk,city,2018-01-01,0.5,1,src,,>\n', 'bound', /must be =, >= or <=/],
  ];
  for (const [what, body, field, re] of bad) {
    it(`rejects a row with ${what}, naming the line and field`, () => {
      const f = csv(`${what.replaceAll(' ', '-')}.csv`, body);
      const is = issues(f);
      const hit = is.find((i) => i.field === field && re.test(i.message));
      expect(hit, JSON.stringify(is)).toBeDefined();
      expect(hit!.line).toBeGreaterThanOrEqual(2);
    });
  }

  it('rejects a wrong header and imports nothing when any row is bad', () => {
    const f = path.join(dir, 'hdr.csv');
    writeFileSync(f, 'metric,scope,when,value\n');
    expect(issues(f)[0]!.message).toMatch(/missing column\(s\) date, unit, source, note; unknown column\(s\) when/);
    const store = openStore(path.join(dir, 'a.sqlite'));
    const mixed = csv(
      'mixed.csv',
      'testbed.walk,city,2018-01-01,0.5,1,src,,\ntestbed.walk,city,2030-01-01,0.5,1,src,,\n',
    );
    expect(() => importActuals(store, mixed)).toThrow(ActualsError);
    expect(listActuals(store)).toEqual([]);
    const good = csv('good.csv', 'testbed.walk,city,2018-01-01,0.5,1,src,note,\n');
    expect(importActuals(store, good)).toBe(1);
    // Importing the same rows again is a duplicate error.
    expect(() => importActuals(store, good)).toThrow(/already imported/);
    expect(listActuals(store).length).toBe(1);
  });

  it('imports the seed facts (data/actuals/seed-facts.csv)', () => {
    const store = openStore(path.join(dir, 'seed.sqlite'));
    expect(importActuals(store, path.join(ENGINE_ROOT, 'data', 'actuals', 'seed-facts.csv'))).toBe(9);
    const rows = listActuals(store);
    expect(rows.filter((r) => r.bound === '>=').length).toBe(8);
    expect(rows.every((r) => r.source.length > 10)).toBe(true);
  });
});

describe('re-forecast by importance weights', () => {
  it('normal CDF matches reference values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });

  it('calibration: the re-forecast P10–P90 band holds a synthetic truth at about the nominal 80 % and is narrower than the prior band', () => {
    const reps = 1500;
    const ensemble = walkMatrix(reps, 1_000_000);
    const truths = walkMatrix(300, 5_000_000);
    const rng = createRng(99);
    const sigma = 1.0;
    let inside = 0;
    let insidePrior = 0;
    let widthPost = 0;
    let widthPrior = 0;
    let essSum = 0;
    const uniform = new Float64Array(reps).fill(1 / reps);
    const prior = weightedBand(ensemble, 'testbed.walk', 'city', uniform)[11]!;
    for (let t = 0; t < truths.reps; t++) {
      const truth = (k: number) => truths.values[k * truths.reps + t]!;
      // Actuals: months 3 and 6 observed with Gaussian noise of σ = 1 (the observation model's error for unit "1" is set to match).
      const rows: ActualRow[] = [2, 5].map((k) => ({
        metric: 'testbed.walk',
        scope: 'city',
        date: `2017-${String(k + 1).padStart(2, '0')}-15`,
        value: truth(k) + sigma * rng.normal(),
        unit: '1',
        source: 'synthetic',
        note: '',
        bound: '=',
      }));
      const w = importanceWeights(ensemble, rows, '2021-12-31', { '1': { abs: sigma, rel: 0 } });
      essSum += w.ess;
      const band = weightedBand(ensemble, 'testbed.walk', 'city', w.weights)[11]!;
      if (truth(11) >= band.p10 && truth(11) <= band.p90) inside++;
      if (truth(11) >= prior.p10 && truth(11) <= prior.p90) insidePrior++;
      widthPost += band.p90 - band.p10;
      widthPrior += prior.p90 - prior.p10;
    }
    const coverage = inside / truths.reps;
    // Nominal 80 %; with 300 truths the binomial SD is 2.3 points, so ±7 points is a 3-SD tolerance.
    expect(coverage).toBeGreaterThan(0.73);
    expect(coverage).toBeLessThan(0.87);
    expect(insidePrior / truths.reps).toBeGreaterThan(0.73);
    // Conditioning on months 3 and 6 removes about half the variance at month 12: expect ≥ 15 % narrower bands.
    expect(widthPost / widthPrior).toBeLessThan(0.85);
    // Importance sampling stays healthy: on average a few hundred effective replications of 1,500.
    expect(essSum / truths.reps).toBeGreaterThan(150);
  });

  it('warns when too few replications agree with the actuals', () => {
    const ensemble = walkMatrix(100, 7);
    const rows: ActualRow[] = [
      {
        metric: 'testbed.walk',
        scope: 'city',
        date: '2017-06-30',
        value: 40,
        unit: '1',
        source: 's',
        note: '',
        bound: '=',
      },
    ];
    const w = importanceWeights(ensemble, rows, '2021-12-31', { '1': { abs: 0.1, rel: 0 } });
    expect(w.ess).toBeLessThan(10);
    expect(w.warning).toMatch(/effective replications/);
    // Observations after --until are ignored.
    expect(importanceWeights(ensemble, rows, '2017-05-31').used).toBe(0);
  });
});
