// Actuals over real HTTP on 127.0.0.1: CSV import (all-or-nothing, issues per line), listing, limits, and the
// re-forecast of a real (testbed) run conditioned on the imported actuals.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reforecast } from '../actuals.ts';
import type { TargetDef } from '../contract/index.ts';
import { serve } from '../server.ts';
import { openStore, type Store } from '../store.ts';
import { tmpDir } from '../test/helpers.ts';
import { postJson, raw, readSse } from './test-client.ts';

const dir = tmpDir('twin-actuals-api-');
const HEADER = 'metric,scope,date,value,unit,source,note,bound\n';
/** The random walk at the end of 2017 at least 2 (prior P(met) about 0.28: the walk's SD at month 12 is √12). */
const target: TargetDef = {
  id: 'tb-walk',
  title: 'walk ≥ 2 by the end of 2017',
  metric: 'testbed.walk',
  scope: 'city',
  entity: 'city',
  comparator: '>=',
  threshold: 2,
  deadline: '2017-12-31',
  source: 'assumption',
  sourceText: 'actuals API self-test target',
  unit: '1',
  model: 'testbed',
};

let store: Store;
let srv: Awaited<ReturnType<typeof serve>>;
let port: number;
let runId = 0;

const postCsv = (text: string | Buffer, q = '', type = 'text/csv; charset=utf-8') =>
  raw(port, 'POST', `/api/actuals${q}`, text, { 'content-type': type });
const count = () => (store.db.prepare('SELECT COUNT(*) AS n FROM actuals').get() as { n: number }).n;

beforeAll(async () => {
  const scenarios = path.join(dir, 'scenarios');
  const viewer = path.join(dir, 'viewer');
  mkdirSync(scenarios);
  mkdirSync(viewer);
  writeFileSync(path.join(viewer, 'index.html'), '<!doctype html><title>viewer</title>');
  writeFileSync(
    path.join(scenarios, 'tb.yaml'),
    'name: tb\nmodels: [testbed]\nperiod: { startYear: 2017, endYear: 2017 }\nseed: 7\nreplications: 200\ntestbed: { samples: 10 }\n',
  );
  store = openStore(path.join(dir, 'a.sqlite'));
  srv = await serve({ store, port: 0, viewerDir: viewer, scenariosDir: scenarios, targets: [target], threads: 1 });
  port = srv.port;
  const r = await postJson(port, '/api/runs', { scenario: 'tb' });
  expect(r.status, r.text).toBe(202);
  runId = r.json.id;
  const evs = await readSse(port, `/api/runs/${runId}/events`);
  expect(evs.at(-1)?.data.state).toBe('done');
});

afterAll(async () => {
  await srv?.close();
  store?.close();
});

describe('POST /api/actuals', () => {
  it('rejects a file with bad rows, naming each line and field, and stores nothing (not even its good rows)', async () => {
    const body =
      HEADER +
      'testbed.walk,city,2017-03-31,1.0,1,field survey,good row,=\n' +
      'testbed.wlak,city,2017-04-30,1.0,1,field survey,,=\n' +
      'services.onlineShare,city,2017-05-31,85,share,field survey,,=\n' +
      'testbed.walk,city,2023-01-31,1.0,1,,,=\n';
    const r = await postCsv(body, '?name=bad.csv');
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/^bad\.csv: .*nothing was imported/);
    const issues = r.json.issues as Array<{ line: number; field: string; message: string }>;
    expect(issues.find((i) => i.line === 3 && i.field === 'metric')?.message).toMatch(/unknown metric "testbed.wlak"/);
    expect(issues.find((i) => i.line === 4 && i.field === 'value')?.message).toMatch(/write 0.85, not 85/);
    expect(issues.find((i) => i.line === 5 && i.field === 'date')?.message).toMatch(/outside the plan period/);
    expect(issues.find((i) => i.line === 5 && i.field === 'source')).toBeDefined();
    expect(issues.some((i) => i.line === 2)).toBe(false);
    // The temporary file's path never reaches the client.
    for (const i of issues) expect(Object.keys(i).sort()).toEqual(['field', 'line', 'message']);
    expect(r.text).not.toMatch(/twin-actuals-upload/);
    expect(count()).toBe(0);
  });

  it('rejects a wrong header, an empty body, non-UTF-8 text, a non-CSV content type and a body over the limit', async () => {
    const hdr = await postCsv('metric,scope,when,value\n');
    expect(hdr.status).toBe(400);
    expect(hdr.json.issues[0]).toMatchObject({ line: 1, field: 'header' });
    expect((await postCsv('  \n')).status).toBe(400);
    const gbk = Buffer.concat([Buffer.from(HEADER), Buffer.from([0xd5, 0xc5, 0xb5, 0xea, 0x0a])]); // 张店 in GBK
    const enc = await postCsv(gbk);
    expect(enc.status).toBe(400);
    expect(enc.json.error).toMatch(/not UTF-8.*CSV UTF-8/);
    const json = await postCsv('{"rows":[]}', '', 'application/json');
    expect(json.status).toBe(415);
    expect(json.json.error).toMatch(/content-type: text\/csv/);
    const big = await postCsv(HEADER + 'x'.repeat(5 * 1024 * 1024));
    expect(big.status).toBe(413);
    expect(count()).toBe(0);
  });

  it('imports a good file (quoted commas, Chinese text, a bound) with its provenance, lists it, refuses it a second time', async () => {
    const body =
      HEADER +
      'testbed.walk,city,2017-06-30,3,1,"survey, June","中文备注, with a comma",>=\n' +
      'testbed.pi,city,2017-12-31,3.14,1,reference,,\n';
    const r = await postCsv(body, '?name=progress%202017.csv');
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual({ imported: 2 });
    const list = await raw(port, 'GET', '/api/actuals');
    expect(list.status).toBe(200);
    expect(list.json).toEqual([
      {
        metric: 'testbed.walk',
        scope: 'city',
        date: '2017-06-30',
        value: 3,
        unit: '1',
        source: 'survey, June',
        note: '中文备注, with a comma',
        bound: '>=',
      },
      {
        metric: 'testbed.pi',
        scope: 'city',
        date: '2017-12-31',
        value: 3.14,
        unit: '1',
        source: 'reference',
        note: '',
        bound: '=',
      },
    ]);
    const files = store.db.prepare('SELECT DISTINCT file FROM actuals').all() as Array<{ file: string }>;
    expect(files).toEqual([{ file: 'POST /api/actuals (progress_2017.csv)' }]);
    const again = await postCsv(body);
    expect(again.status).toBe(400);
    expect(again.json.issues.map((i: { message: string }) => i.message).join('\n')).toMatch(/already imported/);
    expect(count()).toBe(2);
    const del = await raw(port, 'DELETE', '/api/actuals');
    expect(del.status).toBe(405);
  });
});

describe('GET /api/runs/:id/reforecast', () => {
  it('re-forecasts the run on the actuals: a walk observed ≥ 3 in June raises P(met) of "≥ 2 in December"', async () => {
    const r = await raw(port, 'GET', `/api/runs/${runId}/reforecast`);
    expect(r.status, r.text).toBe(200);
    const rf = r.json;
    expect(rf).toMatchObject({ runId, until: '2021-12-31', replications: 200, used: 2 });
    const ev = rf.evaluations.find((e: { targetId: string }) => e.targetId === 'tb-walk');
    expect(ev.pMetPrior).toBeGreaterThan(0.15);
    expect(ev.pMetPrior).toBeLessThan(0.45);
    // Measured: prior 0.30 → 0.89, ESS 11 of 200. Conditioning on "at least 3 at month 6" keeps the replications that are high by mid-year.
    expect(ev.pMet).toBeGreaterThan(ev.pMetPrior + 0.2);
    expect(rf.ess).toBeLessThan(100);
    expect(rf.bands.filter((b: { metric: string }) => b.metric === 'testbed.walk')).toHaveLength(12);
    // The same object as the engine's own function (the route adds nothing and loses nothing).
    expect(rf).toEqual(JSON.parse(JSON.stringify(reforecast(store, runId, [target]))));
  });

  it('uses only the actuals up to ?until: before June nothing is observed and P(met) is the prior', async () => {
    const r = await raw(port, 'GET', `/api/runs/${runId}/reforecast?until=2017-05-31`);
    expect(r.status).toBe(200);
    expect(r.json.used).toBe(0);
    const ev = r.json.evaluations[0];
    expect(ev.pMet).toBeCloseTo(ev.pMetPrior, 12);
    expect(r.json.ess).toBe(200);
  });

  it('answers 400 for a bad date or run id, 404 for a missing run, 405 for other methods', async () => {
    expect((await raw(port, 'GET', `/api/runs/${runId}/reforecast?until=2017-02-30`)).json.error).toMatch(/ISO date/);
    expect((await raw(port, 'GET', `/api/runs/${runId}/reforecast?until=June`)).status).toBe(400);
    expect((await raw(port, 'GET', '/api/runs/abc/reforecast')).status).toBe(400);
    expect((await raw(port, 'GET', '/api/runs/999/reforecast')).status).toBe(404);
    expect((await raw(port, 'POST', `/api/runs/${runId}/reforecast`, '{}')).status).toBe(405);
  });

  it('the bundle carries the actuals too', async () => {
    const b = await raw(port, 'GET', `/api/runs/${runId}/bundle`);
    expect(b.status).toBe(200);
    expect(b.json.actuals).toHaveLength(2);
  });
});
