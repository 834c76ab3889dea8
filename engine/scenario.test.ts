import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from './cli.ts';
import {
  loadScenario,
  MAX_SCENARIO_BYTES,
  ScenarioError,
  scenarioJsonSchema,
  stableStringify,
  suggest,
} from './scenario.ts';
import { deepMerge } from './contract/index.ts';
import { ENGINE_ROOT } from './paths.ts';
import { tmpDir, twin } from './test/helpers.ts';

const CASES = path.join(ENGINE_ROOT, 'engine', 'test', 'cases');
const caseNames = readdirSync(CASES).filter((d) => existsSync(path.join(CASES, d, 'expected.json')));

interface Expected {
  line?: number;
  path: string;
  includes: string[];
  scenariosDir?: string;
}

function issuesOf(file: string, scenariosDir?: string) {
  try {
    loadScenario(file, scenariosDir ? { scenariosDir: path.join(ENGINE_ROOT, scenariosDir) } : {});
  } catch (e) {
    if (e instanceof ScenarioError) return e.issues;
    throw e;
  }
  throw new Error(`${file} loaded without error`);
}

describe('malformed scenario files (engine/test/cases)', () => {
  it('has at least 15 cases', () => expect(caseNames.length).toBeGreaterThanOrEqual(15));

  for (const name of caseNames) {
    it(`${name}: gives the documented error with file, line and field`, () => {
      const exp = JSON.parse(readFileSync(path.join(CASES, name, 'expected.json'), 'utf8')) as Expected;
      const issues = issuesOf(path.join(CASES, name, 'scenario.yaml'), exp.scenariosDir);
      const hit = issues.find((i) => i.path === exp.path && exp.includes.every((s) => i.message.includes(s)));
      expect(hit, JSON.stringify(issues, null, 1)).toBeDefined();
      if (exp.line !== undefined) expect(hit!.line).toBe(exp.line);
      expect(path.isAbsolute(hit!.file)).toBe(true);
    });
  }

  it('each case exits 2 from `twin run` and writes nothing', async () => {
    // In-process through the CLI's own main() (one process per case cost ~1 s each); the cases that need another
    // scenarios folder (read once at start-up from TWIN_SCENARIOS_DIR) run as child processes.
    const dir = tmpDir();
    for (const name of caseNames) {
      const exp = JSON.parse(readFileSync(path.join(CASES, name, 'expected.json'), 'utf8')) as Expected;
      const db = path.join(dir, `${name}.sqlite`);
      const args = ['run', path.join(CASES, name, 'scenario.yaml'), '--db', db];
      let status: number | null;
      let stderr = '';
      if (exp.scenariosDir) {
        const r = twin(args, { TWIN_SCENARIOS_DIR: path.join(ENGINE_ROOT, exp.scenariosDir) });
        status = r.status;
        stderr = r.stderr;
      } else {
        const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
          stderr += String(chunk);
          return true;
        });
        try {
          status = await main(['node', 'twin', ...args]);
        } finally {
          spy.mockRestore();
        }
      }
      expect(status, `${name}: ${stderr}`).toBe(2);
      expect(stderr).toContain(exp.includes[0]!);
      expect(existsSync(db), `${name} created a store`).toBe(false);
    }
  }, 120_000);

  it('`twin validate` exits 0 for the shipped scenarios and 2 when any file is bad', () => {
    const good = readdirSync(path.join(ENGINE_ROOT, 'scenarios'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `scenarios/${f}`);
    const ok = twin(['validate', ...good]);
    expect(ok.status, ok.stderr).toBe(0);
    const bad = twin(['validate', good[0]!, path.join(CASES, 'unknown-key-top', 'scenario.yaml')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown-key-top\/scenario\.yaml:2:\d+: replicatons/);
  });

  it('rejects files over the size limit', () => {
    const f = path.join(tmpDir(), 'big.yaml');
    writeFileSync(f, `name: big\ndescription: "${'x'.repeat(MAX_SCENARIO_BYTES)}"\n`);
    expect(issuesOf(f)[0]!.message).toMatch(/limited to \d+ bytes/);
  });

  it('a missing file names the path', () => {
    const f = path.join(tmpDir(), 'nope.yaml');
    const r = twin(['validate', f]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nope.yaml: file not found');
  });
});

describe('scenario merge, hash and schema', () => {
  it('deep-merges objects and replaces arrays and scalars', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2], d: { e: 1 } }, x: 1 }, { a: { c: [3], d: { f: 2 } }, x: null })).toEqual({
      a: { b: 1, c: [3], d: { e: 1, f: 2 } },
      x: null,
    });
  });

  it('a what-if inherits the baseline and overrides only what it names', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'w.yaml');
    writeFileSync(f, 'name: shorter\nextends: baseline\nperiod:\n  endYear: 2019\n');
    const w = loadScenario(f);
    const b = loadScenario(path.join(ENGINE_ROOT, 'scenarios', 'baseline.yaml'));
    expect(w.scenario.period).toEqual({ startYear: 2017, endYear: 2019 });
    expect(w.scenario.seed).toBe(b.scenario.seed);
    expect(w.years).toEqual([2017, 2018, 2019]);
    expect(w.hash).not.toBe(b.hash);
  });

  it('the content hash is stable and ignores name, description, seed and replication count', () => {
    const dir = tmpDir();
    const a = path.join(dir, 'a.yaml');
    const b = path.join(dir, 'b.yaml');
    writeFileSync(a, 'name: a\nmodels: [testbed]\ntestbed: { samples: 10, walkSteps: 3 }\n');
    writeFileSync(
      b,
      'name: b\ndescription: same content, other order\nseed: 9\nreplications: 3\ntestbed:\n  walkSteps: 3\n  samples: 10\nmodels: [testbed]\n',
    );
    expect(loadScenario(a).hash).toBe(loadScenario(b).hash);
    writeFileSync(b, 'name: b\nmodels: [testbed]\ntestbed: { samples: 11, walkSteps: 3 }\n');
    expect(loadScenario(a).hash).not.toBe(loadScenario(b).hash);
    expect(stableStringify({ b: 1, a: [2, { d: 1, c: 0 }] })).toBe('{"a":[2,{"c":0,"d":1}],"b":1}');
  });

  it('suggests close names only', () => {
    expect(suggest('replicatons', ['replications', 'seed'])).toContain('replications');
    expect(suggest('zzzz', ['replications', 'seed'])).toBe('');
  });

  it('the committed scenarios/scenario.schema.json is current (regenerate with `npm run schema`)', () => {
    const committed = JSON.parse(readFileSync(path.join(ENGINE_ROOT, 'scenarios', 'scenario.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });

  it('writes a JSON Schema that lists every section and rejects unknown keys', () => {
    const js = scenarioJsonSchema() as any;
    expect(js.additionalProperties).toBe(false);
    expect(Object.keys(js.properties)).toEqual(
      expect.arrayContaining(['name', 'period', 'seed', 'replications', 'rollout']),
    );
    expect(js.properties.period.properties.endYear.maximum).toBe(2021);
  });
});
