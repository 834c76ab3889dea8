/**
 * `twin optimise` end to end: the real CLI in a child process on a temporary store, with the synthetic levers model
 * (engine/studies/levers-test-model.ts, known optimum crews 1, speed 5, sites 2 at cost 23) and, separately, bad input
 * (exit 2, one line, nothing written).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OptimiseData, OptimiseSpec } from '../contract/index.ts';
import { loadScenario } from '../scenario.ts';
import { openStore } from '../store.ts';
import { tmpDir, twin } from '../test/helpers.ts';
import { leversTestP, leversTestTarget } from './levers-test-model.ts';

let dir: string;
let scenario: string;
let targetsFile: string;

const TARGET = leversTestTarget;

beforeAll(() => {
  dir = tmpDir('twin-optimise-');
  scenario = path.join(dir, 'lt.yaml');
  writeFileSync(
    scenario,
    'name: lt\nmodels: [leverstest]\nreplications: 8\nseed: 11\nperiod: { startYear: 2017, endYear: 2017 }\nleverstest: { crews: 0, speed: 0, sites: 0 }\n',
  );
  targetsFile = path.join(dir, 'targets.json');
  writeFileSync(
    targetsFile,
    JSON.stringify({ targets: [TARGET('t-one', 'leverstest.margin1'), TARGET('t-two', 'leverstest.margin2')] }),
  );
});

const LEVERS = [
  '--lever',
  'leverstest.crews=0:10@3',
  '--lever',
  'leverstest.speed=0:5:0.5@2',
  '--lever',
  'leverstest.sites=0:4@5',
];

describe('twin optimise', () => {
  it('finds the known optimum of the synthetic model through the engine and writes the what-if, table and chart', () => {
    const out = path.join(dir, 'out');
    const db = path.join(dir, 'opt.sqlite');
    const r = twin([
      'optimise',
      scenario,
      '--targets',
      't-one,t-two',
      '--p',
      '0.8',
      ...LEVERS,
      '--targets-file',
      targetsFile,
      '--db',
      db,
      '--out',
      out,
      '--threads',
      '2',
    ]);
    expect(r.status, r.stderr).toBe(0);
    // The recommended what-if extends the scenario, sets only the levers, and loads.
    const wf = path.join(dir, 'lt-optimised.yaml');
    const doc = parse(readFileSync(wf, 'utf8'));
    expect(doc.extends).toBe('lt');
    expect(doc.leverstest).toEqual({ crews: 1, speed: 5, sites: 2 });
    expect(Object.keys(doc).sort()).toEqual(['description', 'extends', 'leverstest', 'name']);
    const loaded = loadScenario(wf, { scenariosDir: dir });
    expect(loaded.scenario.leverstest).toMatchObject({ crews: 1, speed: 5, sites: 2 });
    // Its true P(met) (closed form) meets p; the cost is the known optimum.
    expect(Math.min(...leversTestP(1, 5, 2))).toBeGreaterThanOrEqual(0.8);
    const csv = readFileSync(path.join(out, 'candidates.csv'), 'utf8').trim().split('\n');
    const head = csv[0]!.split(',');
    expect(head.slice(0, 5)).toEqual(['order', 'leverstest.crews', 'leverstest.speed', 'leverstest.sites', 'cost']);
    const rows = csv.slice(1).map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(3);
    // Every candidate is an engine run in the store, and the table names it.
    const store = openStore(db);
    try {
      const runIds = new Set(store.listRuns().map((x) => x.id));
      for (const row of rows) expect(runIds.has(Number(row[head.indexOf('run')]))).toBe(true);
      // The study is stored: the same candidates as the CSV, the recommendation and its what-if YAML.
      const [sum] = store.listStudies({ kind: 'optimise' });
      expect(sum).toMatchObject({ kind: 'optimise', scenarioName: 'lt', status: 'done', targets: ['t-one', 't-two'] });
      const st = store.study(sum!.id)!;
      const data = st.result as OptimiseData;
      expect((st.spec as OptimiseSpec).levers.map((l) => l.path)).toEqual([
        'leverstest.crews',
        'leverstest.speed',
        'leverstest.sites',
      ]);
      expect(data.candidates).toHaveLength(rows.length);
      expect(data.candidates.map((c) => c.run)).toEqual(rows.map((row) => Number(row[head.indexOf('run')])));
      const best = data.candidates.find((c) => c.order === data.bestOrder)!;
      expect(best.values).toEqual([1, 5, 2]);
      expect(best.cost).toBe(23);
      expect(best.pareto).toBe(true);
      expect(data.whatIfYaml).toBe(readFileSync(wf, 'utf8'));
      expect(r.stdout).toMatch(new RegExp(`stored as study ${sum!.id} `));
    } finally {
      store.close();
    }
    // Each candidate's P̂ agrees with the closed form within its Wilson interval widened by one step of noise.
    for (const row of rows) {
      const [c, s, t] = [1, 2, 3].map((i) => Number(row[i]));
      const truth = leversTestP(c!, s!, t!);
      const lo = Number(row[head.indexOf('lower_t-one')]);
      const hi = Number(row[head.indexOf('upper_t-one')]);
      expect(truth[0]).toBeGreaterThan(lo - 0.1);
      expect(truth[0]).toBeLessThan(hi + 0.1);
    }
    expect(readFileSync(path.join(out, 'candidates.md'), 'utf8')).toMatch(
      /Recommended.*leverstest\.crews = 1.*cost 23/,
    );
    const svg = readFileSync(path.join(out, 'pareto.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect((svg.match(/<circle/g) ?? []).length).toBe(rows.length + 1);
    expect(r.stdout).toMatch(/written: .*lt-optimised\.yaml/);
  }, 300_000);

  it.each([
    [['--lever', 'leverstest.crew=0:10@3'], /--lever leverstest\.crew=0: .*unknown key "crew".*did you mean "crews"/],
    [['--lever', 'leverstest.crews=6:2@3'], /MIN 6 > MAX 2/],
    [['--lever', 'leverstest.speed=0:5:0@2'], /STEP 0 must be > 0/],
    [['--lever', 'leverstest.speed=0:5:2@2'], /STEP 2 does not divide/],
    [['--lever', 'leverstest.speed=0:5:1@x'], /COST "x" is not a number/],
    [['--lever', 'leverstest.speed=0:5:1'], /add the cost per unit/],
    [['--lever', 'leverstest.crews=0:20@1'], /leverstest\.crews=20: .*leverstest\.crews/],
    [['--lever', 'leverstest.crews=0:3@1', '--targets', 't-on'], /unknown target "t-on" \(did you mean "t-one"\?\)/],
    // --cluster: Redis is checked before any candidate runs (port 1: nothing listens there).
    [
      ['--lever', 'leverstest.crews=0:3@1', '--cluster', 'redis://127.0.0.1:1'],
      /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/,
    ],
    [['--lever', 'leverstest.crews=0:3@1', '--cluster', 'http://x'], /uses http:\/\/; use redis:\/\/ or rediss:\/\//],
  ])('refuses bad input %j with one line, exit 2, nothing written', (args, msg) => {
    const out = path.join(dir, `bad-${Math.random().toString(36).slice(2)}`);
    const db = path.join(out, 'x.sqlite');
    const before = readdirSync(dir).sort();
    const hasTargets = args.includes('--targets');
    const r = twin([
      'optimise',
      scenario,
      ...(hasTargets ? [] : ['--targets', 't-one']),
      ...args,
      '--targets-file',
      targetsFile,
      '--db',
      db,
      '--out',
      out,
    ]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^twin: /);
    expect(lines[0]).toMatch(msg);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
