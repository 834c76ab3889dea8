/**
 * The `twin` CLI end to end, one block per command: the real CLI in a child process (engine/bin/twin.mjs) on a
 * temporary store, with runs of the tiny testbed model (2 replications, 2 years). Each block checks the exit code of
 * success and of bad input (a bad flag or an unknown run: 2, with one `twin: ...` line on stderr and nothing on
 * stdout) and the shape of the output (JSON parses, CSV header, table columns). Independent invocations run
 * side by side to keep the file short.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunBundle } from './contract/index.ts';
import { ENGINE_ROOT } from './paths.ts';
import { openStore } from './store.ts';
import { loadTargets } from './targets.ts';
import { TWIN, tmpDir } from './test/helpers.ts';

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the real CLI in a child process and collect its output (async, so several can run at once). */
function twin(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [TWIN, ...args], {
      cwd: ENGINE_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Bad input: exit code 2, exactly one line on stderr (starting `twin:`) matching `msg`, nothing on stdout. */
function expectUsageError(r: Result, msg: RegExp): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^twin: /);
  expect(lines[0]).toMatch(msg);
}

/** Start a long-running command (serve, start), wait for its URL line, and return the URL and the process. */
async function startServer(args: string[], env: Record<string, string> = {}) {
  const p = spawn(process.execPath, [TWIN, ...args], {
    cwd: ENGINE_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => p.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = /Zibo twin viewer: (http:\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    p.on('close', (code) => reject(new Error(`exited ${code} before serving: ${stderr}`)));
  });
  return { url, exited, stderr: () => stderr, stop: () => p.kill('SIGTERM') };
}

let dir = '';
let db = '';
let scenario = '';
let badScenario = '';
const runs: Result[] = [];

beforeAll(async () => {
  dir = tmpDir('twin-cli-');
  db = path.join(dir, 'x.sqlite');
  scenario = path.join(dir, 'tiny.yaml');
  writeFileSync(
    scenario,
    'name: tiny\nmodels: [testbed]\nreplications: 3\nperiod: { startYear: 2017, endYear: 2018 }\n',
  );
  badScenario = path.join(dir, 'bad.yaml');
  writeFileSync(badScenario, 'name: bad\nmodels: [testbed]\nreplicatons: 3\n');
  // Run 1 (scenario seed) and run 2 (seed 5), in order: the ids are what the other blocks refer to.
  runs.push(await twin(['run', scenario, '--db', db, '--threads', '1', '--replications', '2']));
  runs.push(await twin(['run', scenario, '--db', db, '--threads', '1', '--replications', '2', '--seed', '5']));
}, 120_000);

// Each block starts several CLI processes (about 1.5 s of CPU each): room for a loaded machine, not a speed check.
vi.setConfig({ testTimeout: 180_000 });

describe('twin run', () => {
  it('runs a scenario (exit 0, "run N done"), and refuses bad flags, bad files and unknown runs with exit 2', async () => {
    expect(runs[0]!.status, runs[0]!.stderr).toBe(0);
    expect(runs[0]!.stdout).toBe('run 1 done\n');
    expect(runs[1]!.stdout).toBe('run 2 done\n');
    const [badFlag, none, badFile, unknown, finished] = await Promise.all([
      twin(['run', scenario, '--db', db, '--replications', '0']),
      twin(['run', '--db', db]),
      twin(['run', scenario, badScenario, '--db', db]),
      twin(['run', '--resume', '99', '--db', db]),
      twin(['run', '--resume', '1', '--db', db]),
    ]);
    expectUsageError(badFlag, /--replications must be an integer from 1 to 10000, got "0"/);
    expectUsageError(none, /give a scenario/);
    expect(badFile.status).toBe(2);
    expect(badFile.stderr).toMatch(
      /bad\.yaml:3:\d+: replicatons: unknown key "replicatons" \(did you mean "replications"\?\)/,
    );
    expectUsageError(unknown, /no run 99 in .*x\.sqlite/);
    expectUsageError(finished, /run 1 already finished; nothing to resume/);
    // One bad file among good ones: nothing ran, the store still holds the two runs.
    const store = openStore(db);
    try {
      expect(store.listRuns().map((r) => [r.id, r.status, r.replications])).toEqual([
        [2, 'done', 2],
        [1, 'done', 2],
      ]);
    } finally {
      store.close();
    }
  });
});

describe('twin validate', () => {
  it('prints ok per valid file (exit 0) and the issues of a bad one (exit 2)', async () => {
    const [ok, bad] = await Promise.all([twin(['validate', scenario]), twin(['validate', scenario, badScenario])]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/tiny\.yaml: ok \(tiny, hash [0-9a-f]+, models testbed\)\n$/);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toMatch(/tiny\.yaml: ok/); // the good file is still checked and reported
    expect(bad.stderr).toMatch(/bad\.yaml:3:\d+: replicatons: unknown key/);
  });
});

describe('twin list', () => {
  it('lists the scenarios folder and the runs, newest first, with status, replications and seed', async () => {
    const r = await twin(['list', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    const [scen, runLines] = r.stdout.split('\nruns:\n') as [string, string];
    expect(scen.split('\n')).toContain('  baseline');
    const rows = runLines.trimEnd().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\s+2 {2}tiny\s+done\s+2 reps {2}seed 5 {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d {2}\S+$/);
    expect(rows[1]).toMatch(/^\s+1 {2}tiny\s+done\s+2 reps {2}seed \d+ /);
  });
});

describe('twin targets', () => {
  it('prints the table of the latest finished run by default, one line per plan target; unknown runs exit 2', async () => {
    const [latest, one, unknown, notAnId] = await Promise.all([
      twin(['targets', '--db', db]),
      twin(['targets', '1', '--db', db]),
      twin(['targets', '99', '--db', db]),
      twin(['targets', 'x1', '--db', db]),
    ]);
    expect(latest.status, latest.stderr).toBe(0);
    const lines = latest.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^targets of run 2 /);
    expect(lines[2]!.split(/\s{2,}/)).toEqual([
      'target',
      'source',
      'deadline',
      'P(met)',
      'date P50',
      'date P90',
      'status',
    ]);
    const targets = loadTargets();
    expect(lines.slice(3).map((l) => l.split(/\s+/)[0])).toEqual(targets.map((t) => t.id));
    // The testbed run carries none of the plan's models: every target is no-data.
    for (const l of lines.slice(3)) expect(l).toMatch(/ no-data$/);
    expect(one.stdout).toMatch(/^targets of run 1 /);
    expectUsageError(unknown, /no run 99 in /);
    expectUsageError(notAnId, /a run is a run id \(a positive integer\) or "latest", got "x1"/);
  });
});

describe('twin export', () => {
  it('writes the run bundle as JSON and the series as CSV; bad formats and unknown runs exit 2', async () => {
    const csvFile = path.join(dir, 'out', 'series.csv');
    const [json, csv, csvOut, badFormat, unknown, czmlNoOut] = await Promise.all([
      twin(['export', 'latest', '--db', db]),
      twin(['export', '1', '--format', 'csv', '--db', db]),
      twin(['export', '1', '--format', 'csv', '--out', csvFile, '--db', db]),
      twin(['export', '1', '--format', 'xml', '--db', db]),
      twin(['export', '99', '--format', 'csv', '--db', db]),
      twin(['export', '1', '--format', 'czml', '--db', db]),
    ]);
    expect(json.status, json.stderr).toBe(0);
    const bundle = JSON.parse(json.stdout) as RunBundle;
    expect(bundle.run.id).toBe(2);
    expect(bundle.run.seed).toBe(5);
    expect(csv.status, csv.stderr).toBe(0);
    const rows = csv.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('run,model,metric,entity,period,p10,p50,p90,mean,n');
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows.slice(1)) {
      const cells = row.split(',');
      expect(cells).toHaveLength(10);
      expect(cells[0]).toBe('1');
      expect(cells[9]).toBe('2'); // n = replications
    }
    expect(rows.slice(1).some((r) => r.startsWith('1,testbed,testbed.pi,'))).toBe(true);
    expect(csvOut.stdout).toBe(`wrote ${csvFile}\n`);
    expect(readFileSync(csvFile, 'utf8')).toBe(csv.stdout);
    expectUsageError(badFormat, /--format must be json, csv, csv-dir, geojson, czml; got "xml"/);
    expectUsageError(unknown, /no run 99 in /);
    expectUsageError(czmlNoOut, /--out is required for --format czml/);
  });

  it('--viewer writes the built viewer with the runs list, bundles and artifacts; an unknown run writes nothing', async () => {
    const out = path.join(dir, 'viewer');
    const r = await twin(['export', '2', '--viewer', out, '--with', '1', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('name="twin-source" content="static"');
    const list = JSON.parse(readFileSync(path.join(out, 'data', 'runs.json'), 'utf8'));
    expect(list.map((x: { id: number }) => x.id)).toEqual([2, 1]);
    const b = JSON.parse(readFileSync(path.join(out, 'data', 'run-2.json'), 'utf8'));
    expect(b.run.seed).toBe(5);
    expect(b.series.some((s: { metric: string }) => s.metric === 'testbed.pi')).toBe(true);
    expect(existsSync(path.join(out, 'data', 'run-2', 'testbed-summary-2017.json'))).toBe(true);
    const bad = await twin(['export', '2', '--viewer', path.join(dir, 'nope'), '--with', '9', '--db', db]);
    expectUsageError(bad, /no run 9 in /);
    expect(existsSync(path.join(dir, 'nope'))).toBe(false);
  }, 180_000);
});

describe('twin report', () => {
  it('writes an HTML report (exit 0); a bad --out or an unknown run exits 2 and writes nothing', async () => {
    const html = path.join(dir, 'report.html');
    const [ok, badOut, unknown, unknownCompare] = await Promise.all([
      twin(['report', '1', '--compare', '2', '--out', html, '--db', db]),
      twin(['report', '1', '--out', path.join(dir, 'report.txt'), '--db', db]),
      twin(['report', '99', '--out', path.join(dir, 'r99.html'), '--db', db]),
      twin(['report', '1', '--compare', '98', '--out', path.join(dir, 'r98.html'), '--db', db]),
    ]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^wrote .*report\.html \(html\)\n$/);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/i);
    expectUsageError(badOut, /--out must end in \.pdf or \.html, got ".*report\.txt"/);
    expectUsageError(unknown, /no run 99 in /);
    expectUsageError(unknownCompare, /no run 98 in /);
    for (const f of ['report.txt', 'r99.html', 'r98.html']) expect(existsSync(path.join(dir, f)), f).toBe(false);
  });
});

describe('twin actuals', () => {
  it('lists metrics, imports a valid CSV, lists it, and refuses a file with one bad row (exit 2, nothing stored)', async () => {
    const adb = path.join(dir, 'actuals.sqlite');
    const seed = path.join(ENGINE_ROOT, 'data', 'actuals', 'seed-facts.csv');
    const rowsInSeed = readFileSync(seed, 'utf8').trimEnd().split('\n').length - 1;
    const [metrics, imported] = await Promise.all([
      twin(['actuals', 'metrics']),
      twin(['actuals', 'import', seed, '--db', adb]),
    ]);
    expect(metrics.status, metrics.stderr).toBe(0);
    const metricLines = metrics.stdout.trimEnd().split('\n');
    expect(metricLines.length).toBeGreaterThan(3);
    for (const l of metricLines) expect(l).toMatch(/^[\w.]+\s+\S/);
    expect(metricLines.some((l) => /^services\.onlineShare\s+share$/.test(l))).toBe(true);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toBe(`imported ${rowsInSeed} actuals from ${seed}\n`);

    const bad = path.join(dir, 'bad-actuals.csv');
    writeFileSync(
      bad,
      'metric,scope,date,value,unit,source,note\n' +
        'services.onlineShare,city,2018-12-31,0.9,share,test,ok row\n' +
        'no.such.metric,city,2018-12-31,0.5,share,test,bad row\n',
    );
    const refused = await twin(['actuals', 'import', bad, '--db', adb]);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/bad-actuals\.csv:3: metric: .*no\.such\.metric/);
    expect(refused.stderr).toMatch(/nothing was imported\n$/);
    const list = await twin(['actuals', 'list', '--db', adb]);
    expect(list.status, list.stderr).toBe(0);
    const listed = list.stdout.trimEnd().split('\n');
    expect(listed).toHaveLength(rowsInSeed); // the good row of the refused file is not there
    for (const l of listed) expect(l).toMatch(/^\d{4}-\d\d-\d\d {2}\S+\s+\S+\s+[ >=<]+[\d.]+ \S+ {2}— /);
  });
});

describe('twin reforecast', () => {
  it('prints the re-forecast as JSON or a table; a bad --until or an unknown run exits 2', async () => {
    const [json, table, badUntil, unknown] = await Promise.all([
      twin(['reforecast', '--json', '--until', '2019-06-30', '--db', db]),
      twin(['reforecast', '1', '--db', db]),
      twin(['reforecast', '--until', '2019', '--db', db]),
      twin(['reforecast', '99', '--db', db]),
    ]);
    expect(json.status, json.stderr).toBe(0);
    const rf = JSON.parse(json.stdout);
    expect(rf.until).toBe('2019-06-30');
    expect(rf.replications).toBe(2);
    // No actuals stored: nothing to condition on, every replication keeps its weight.
    expect(rf).toMatchObject({ runId: 2, used: 0, ess: 2, warning: null });
    expect(Array.isArray(rf.evaluations) && Array.isArray(rf.bands)).toBe(true);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^re-forecast of run 1 on 0 actuals up to 2021-12-31 .* of 2$/);
    expectUsageError(badUntil, /--until must be an ISO date YYYY-MM-DD, got "2019"/);
    expectUsageError(unknown, /no run 99 in /);
  });
});

describe('twin schema', () => {
  it('writes the scenario JSON Schema to --out', async () => {
    const out = path.join(dir, 'schema', 'scenario.schema.json');
    mkdirSync(path.dirname(out), { recursive: true });
    const r = await twin(['schema', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*scenario\.schema\.json\n$/);
    const schema = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'extends', 'replications']));
  });
});

describe('twin serve', () => {
  it('serves the API on the given port until SIGTERM (exit 0); a bad --port exits 2', async () => {
    const [badPort, server] = await Promise.all([
      twin(['serve', '--port', '70000', '--db', db]),
      startServer(['serve', '--port', '0', '--db', db]),
    ]);
    expectUsageError(badPort, /--port must be an integer from 0 to 65535, got "70000"/);
    const res = await fetch(new URL('api/runs', server.url));
    expect(res.status).toBe(200);
    expect(((await res.json()) as Array<{ id: number }>).map((r) => r.id)).toEqual([2, 1]);
    server.stop();
    expect(await server.exited, server.stderr()).toBe(0);
  });
});

describe('twin start', () => {
  it('runs the baseline once, serves, and on the next start reuses the finished run', async () => {
    // A scenarios folder whose baseline is the tiny testbed scenario keeps this to seconds.
    const scenarios = path.join(dir, 'scenarios');
    mkdirSync(scenarios, { recursive: true });
    writeFileSync(
      path.join(scenarios, 'baseline.yaml'),
      'name: baseline\nmodels: [testbed]\nreplications: 2\nperiod: { startYear: 2017, endYear: 2018 }\n',
    );
    const sdb = path.join(dir, 'start.sqlite');
    const env = { TWIN_SCENARIOS_DIR: scenarios };
    const badFlag = await twin(['start', '--threads', '0', '--db', sdb], env);
    expectUsageError(badFlag, /--threads must be an integer from 1 to 256, got "0"/);
    const first = await startServer(['start', '--port', '0', '--threads', '1', '--db', sdb], env);
    const runsServed = (await (await fetch(new URL('api/runs', first.url))).json()) as Array<{ scenarioName: string }>;
    expect(runsServed.map((r) => r.scenarioName)).toEqual(['baseline']);
    first.stop();
    expect(await first.exited, first.stderr()).toBe(0);
    const second = await startServer(['start', '--port', '0', '--db', sdb], env);
    second.stop();
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toMatch(/baseline already computed \(run 1, hash [0-9a-f]+\)/);
  }, 180_000);
});
