/**
 * `twin sensitivity` end to end on the synthetic model (engine/studies/levers-test-model.ts): the real CLI, every
 * design point an engine run. The target's value is 4a + b (c has no effect), so Morris' μ* is exactly
 * |coefficient| × range with σ = 0, and Sobol' gives c exactly 0 (A_B^c's outputs equal A's) and a the share
 * 16/17 of the variance. Ishigami's analytic indices are checked on the numerical core (models/lib/sensitivity).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SensitivityData, SensitivitySpec } from '../contract/index.ts';
import { openStore } from '../store.ts';
import { tmpDir, twin } from '../test/helpers.ts';
import type { SensitivityStudyResult } from './sensitivity.ts';

let dir: string;
let scenario: string;
let targetsFile: string;

beforeAll(() => {
  dir = tmpDir('twin-sensitivity-');
  scenario = path.join(dir, 'lt.yaml');
  writeFileSync(
    scenario,
    'name: lt\nmodels: [leverstest]\nreplications: 2\nseed: 3\nperiod: { startYear: 2017, endYear: 2017 }\n',
  );
  targetsFile = path.join(dir, 'targets.json');
  writeFileSync(
    targetsFile,
    JSON.stringify({
      targets: [
        {
          id: 'lin',
          title: 'synthetic linear',
          metric: 'leverstest.linear',
          scope: 'city',
          entity: 'city',
          comparator: '>=',
          threshold: 0,
          deadline: '2017-12-31',
          source: 'assumption',
          sourceText: 'synthetic test target',
          unit: '1',
          model: 'leverstest',
        },
      ],
    }),
  );
});

const PARAMS = 'leverstest.a=-1:1,leverstest.b=-1:1,leverstest.c=-1:1';

function study(method: string, n: string): { r: ReturnType<typeof twin>; res: SensitivityStudyResult } {
  const out = path.join(dir, method);
  const r = twin([
    'sensitivity',
    scenario,
    '--method',
    method,
    '--target',
    'lin',
    '--params',
    PARAMS,
    '--n',
    n,
    '--replications',
    '1',
    '--targets-file',
    targetsFile,
    '--db',
    path.join(dir, `${method}.sqlite`),
    '--out',
    out,
    '--threads',
    '1',
  ]);
  expect(r.status, r.stderr).toBe(0);
  expect(readFileSync(path.join(out, 'sensitivity.csv'), 'utf8').split('\n')[0]).toMatch(/^output,method,parameter/);
  return { r, res: JSON.parse(readFileSync(path.join(out, 'sensitivity.json'), 'utf8')) };
}

describe('twin sensitivity', () => {
  it('Morris through the engine: μ* = |coefficient| × range, σ = 0', () => {
    const { r, res } = study('morris', '4');
    expect(res.runs).toBe(16);
    const m = res.outputs.find((o) => o.output === 'value')!.morris!;
    const by = (name: string) => m.find((x) => x.name === name)!;
    expect(by('leverstest.a').muStar).toBeCloseTo(8, 9);
    expect(by('leverstest.b').muStar).toBeCloseTo(2, 9);
    expect(by('leverstest.c').muStar).toBeCloseTo(0, 12);
    for (const x of m) expect(x.sigma).toBeLessThan(1e-9);
    // The printed table ranks a first.
    const rows = r.stdout.split('\n').filter((l) => /^\s+leverstest\./.test(l));
    expect(rows[0]).toMatch(/leverstest\.a/);
  }, 300_000);

  it("Sobol' through the engine: c exactly 0, a about 16/17 of the variance", () => {
    const { res } = study('sobol', '32');
    expect(res.runs).toBe(32 * 5);
    const s = res.outputs.find((o) => o.output === 'value')!.sobol!.indices;
    const by = (name: string) => s.find((x) => x.name === name)!;
    expect(by('leverstest.c').s1).toBe(0);
    expect(by('leverstest.c').st).toBe(0);
    // Tolerance at N = 32 (160 runs): the variance itself comes from 64 points, so the indices of a and b are within
    // ±0.2 of 16/17 and 1/17 (measured: ST of a 1.07); the zero of c is exact whatever N.
    expect(Math.abs(by('leverstest.a').s1 - 16 / 17)).toBeLessThan(0.2);
    expect(Math.abs(by('leverstest.a').st - 16 / 17)).toBeLessThan(0.2);
    expect(Math.abs(by('leverstest.b').st - 1 / 17)).toBeLessThan(0.2);
    expect(by('leverstest.a').st).toBeGreaterThan(by('leverstest.b').st);
    // P(met) (4a + b ≥ 0) is an output too, with its own indices.
    expect(res.outputs.find((o) => o.output === 'pMet')!.sobol).toBeDefined();
    // The study is in the store too, with the same indices as the JSON file (what Expert review and the report read).
    const store = openStore(path.join(dir, 'sobol.sqlite'));
    try {
      const st = store.latestStudy('sensitivity', { target: 'lin' })!;
      expect(st).toMatchObject({ kind: 'sensitivity', scenarioName: 'lt', status: 'done', targets: ['lin'] });
      expect((st.spec as SensitivitySpec).method).toBe('sobol');
      expect((st.result as SensitivityData).outputs).toEqual(JSON.parse(JSON.stringify(res.outputs)));
      expect(store.latestStudy('sensitivity', { target: 'other' })).toBeUndefined();
      expect(store.latestStudy('optimise')).toBeUndefined();
    } finally {
      store.close();
    }
  }, 300_000);

  it('refuses a parameter path the schema does not know, with nothing written', () => {
    const out = path.join(dir, 'bad');
    const r = twin([
      'sensitivity',
      scenario,
      '--target',
      'lin',
      '--params',
      'leverstest.aa=0:1',
      '--targets-file',
      targetsFile,
      '--out',
      out,
      '--db',
      path.join(out, 'x.sqlite'),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--params leverstest\.aa=0: .*unknown key "aa"/);
    expect(existsSync(out)).toBe(false);
  });
});
