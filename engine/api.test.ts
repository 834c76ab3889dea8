// The server API over real HTTP on 127.0.0.1: runs of stored and edited scenarios, validation like the CLI, progress
// over SSE, cancel, the bounded queue, saved what-ifs, request limits, path traversal, model cards, sensitivity.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetDef } from './contract/index.ts';
import { postJson, raw, readSse, type SseEvent } from './api/test-client.ts';
import { serve } from './server.ts';
import { openStore, type Store } from './store.ts';
import { tmpDir } from './test/helpers.ts';

const dir = tmpDir('twin-api-');
const scenarios = path.join(dir, 'scenarios');
const viewer = path.join(dir, 'viewer');
const SECRET = 'TOP-SECRET-OUTSIDE-VIEWER';
const TB = 'models: [testbed]\nperiod: { startYear: 2017, endYear: 2018 }\nseed: 11\n';

/** A testbed target: the π estimate of 2018 at least 3.1 (meaningful P(met) from the Monte Carlo spread). */
const target: TargetDef = {
  id: 'tb-pi',
  title: 'π estimate ≥ 3.1',
  metric: 'testbed.pi',
  scope: 'city',
  entity: 'city',
  comparator: '>=',
  threshold: 3.1,
  deadline: '2018-12-31',
  source: 'assumption',
  sourceText: 'engine self-test target',
  unit: '1',
  model: 'testbed',
};

let store: Store;
let srv: Awaited<ReturnType<typeof serve>>;
let port: number;

beforeAll(async () => {
  mkdirSync(scenarios);
  mkdirSync(viewer);
  writeFileSync(path.join(viewer, 'index.html'), '<!doctype html><title>viewer</title>');
  writeFileSync(path.join(viewer, 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), SECRET);
  writeFileSync(
    path.join(scenarios, 'baseline.yaml'),
    `name: baseline\n${TB}replications: 4\ntestbed: { samples: 400 }\n`,
  );
  writeFileSync(path.join(scenarios, 'tb.yaml'), `name: tb\n${TB}replications: 6\ntestbed: { samples: 400 }\n`);
  writeFileSync(
    path.join(scenarios, 'slow.yaml'),
    `name: slow\n${TB}replications: 40\ntestbed: { samples: 100, delayMs: 60 }\n`,
  );
  store = openStore(path.join(dir, 'api.sqlite'));
  srv = await serve({
    store,
    port: 0,
    viewerDir: viewer,
    scenariosDir: scenarios,
    targets: [target],
    threads: 2,
    maxQueued: 2,
  });
  port = srv.port;
});

afterAll(async () => {
  await srv?.close();
  store?.close();
});

async function runToEnd(id: number): Promise<SseEvent[]> {
  return readSse(port, `/api/runs/${id}/events`);
}

describe('server API over HTTP', () => {
  it('binds 127.0.0.1 and answers health, scenarios, targets and params', async () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await raw(port, 'GET', '/api/health')).json).toEqual({ ok: true });
    const sc = await raw(port, 'GET', '/api/scenarios');
    expect(sc.json.map((s: { name: string }) => s.name)).toEqual(['baseline', 'slow', 'tb']);
    const one = await raw(port, 'GET', '/api/scenarios/tb');
    expect(one.json.yaml).toContain('samples: 400');
    expect(one.json.scenario.testbed.samples).toBe(400);
    const params = await raw(port, 'GET', '/api/params');
    const tb = params.json.find((m: { model: string }) => m.model === 'testbed');
    const samples = tb.params.find((p: { path: string }) => p.path === 'samples');
    expect(samples).toMatchObject({ kind: 'integer', default: 20000, min: 1, max: 100000000 });
    expect(samples.description).toContain('count');
  });

  it('runs a stored scenario: 202, progress over SSE, then results and target evaluations', async () => {
    const r = await postJson(port, '/api/runs', { scenario: 'tb' });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ state: 'queued', scenarioName: 'tb' });
    const events = await runToEnd(r.json.id);
    const states = events.filter((e) => e.event === 'state').map((e) => e.data.state);
    expect(states.at(-1)).toBe('done');
    expect(states).toContain('running');
    const prog = events.filter((e) => e.event === 'progress');
    expect(prog.length).toBeGreaterThan(0);
    expect(prog.at(-1)!.data).toMatchObject({ done: 12, total: 12 });
    expect(store.run(r.json.id)!.scenarioFile).toBe(path.join(scenarios, 'tb.yaml'));
    const info = await raw(port, 'GET', `/api/runs/${r.json.id}`);
    expect(info.json).toMatchObject({ status: 'done', replications: 6, jobs: { total: 12, done: 12 } });
    const t = await raw(port, 'GET', `/api/runs/${r.json.id}/targets`);
    const ev = t.json.targets[0].evaluation;
    expect(ev.targetId).toBe('tb-pi');
    expect(ev.pMet).toBeGreaterThanOrEqual(0);
    expect(ev.pMet).toBeLessThanOrEqual(1);
    const s = await raw(port, 'GET', `/api/runs/${r.json.id}/series?metric=testbed.pi`);
    expect(s.json.map((x: { period: string }) => x.period)).toEqual(['2017', '2018']);
    expect(s.json[0].n).toBe(6);
    // An event stream of a finished run sends its final state and ends.
    const again = await runToEnd(r.json.id);
    expect(again.at(-1)).toEqual({
      event: 'state',
      data: { kind: 'run', id: r.json.id, state: 'done', position: null },
    });
  });

  it('runs an edited scenario body (extends a stored one) and stores its own hash', async () => {
    const r = await postJson(port, '/api/runs', {
      scenario: { extends: 'tb', name: 'more-samples', testbed: { samples: 800 } },
      replications: 3,
    });
    expect(r.status).toBe(202);
    const events = await runToEnd(r.json.id);
    expect(events.at(-1)!.data.state).toBe('done');
    const run = store.run(r.json.id)!;
    expect(run.scenarioName).toBe('more-samples');
    expect(run.scenarioFile).toBe('request body');
    expect(run.replications).toBe(3);
    expect(JSON.parse(run.scenarioJson).scenario.testbed.samples).toBe(800);
    const base = await postJson(port, '/api/runs', { scenario: 'tb', replications: 3 });
    await runToEnd(base.json.id);
    expect(store.run(base.json.id)!.scenarioHash).not.toBe(run.scenarioHash);
  });

  it('rejects invalid scenarios with 400 and the located issues, and creates no run', async () => {
    const before = store.listRuns().length;
    const bad = await postJson(port, '/api/runs', {
      scenario: { extends: 'tb', testbed: { samples: -5, sampels: 3 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/not valid/);
    const paths = bad.json.issues.map((i: { path: string }) => i.path);
    expect(paths).toContain('testbed.samples');
    expect(paths).toContain('testbed.sampels');
    const unknown = bad.json.issues.find((i: { path: string }) => i.path === 'testbed.sampels');
    expect(unknown.message).toContain('did you mean "samples"');
    expect(unknown.file).toBe('request body');
    expect(unknown.line).toBeGreaterThan(0);
    const yaml = await postJson(port, '/api/runs', { yaml: 'name: y\nmodels: [testbed]\ntestbed: { samples: 10\n' });
    expect(yaml.status).toBe(400);
    expect(yaml.json.issues[0].message).toMatch(/YAML/);
    const ext = await postJson(port, '/api/runs', { scenario: { extends: '../secret' } });
    expect(ext.status).toBe(400);
    expect(ext.json.issues[0].path).toBe('extends');
    const missing = await postJson(port, '/api/runs', { scenario: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.json.error).toContain('available: baseline, slow, tb');
    const reps = await postJson(port, '/api/runs', { scenario: 'tb', replications: 0 });
    expect(reps.status).toBe(400);
    expect(reps.json.error).toContain('replications must be an integer from 1 to 10000');
    expect(store.listRuns().length).toBe(before);
  });

  it('answers malformed, oversize and non-JSON bodies with clear 4xx', async () => {
    const m = await raw(port, 'POST', '/api/runs', '{"scenario": "tb",');
    expect(m.status).toBe(400);
    expect(m.json.error).toMatch(/not valid JSON/);
    expect((await raw(port, 'POST', '/api/runs', '[1,2]')).status).toBe(400);
    expect((await raw(port, 'POST', '/api/runs', '')).json.error).toMatch(/empty/);
    const big = await raw(port, 'POST', '/api/runs', JSON.stringify({ yaml: 'x'.repeat(600 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.json.error).toMatch(/limit is \d+ bytes/);
    // Without a content-length (chunked), the limit holds while reading.
    const chunked = await raw(port, 'POST', '/api/runs', Buffer.alloc(700 * 1024, 32), {
      'transfer-encoding': 'chunked',
    });
    expect(chunked.status).toBe(413);
    const form = await raw(port, 'POST', '/api/runs', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const yamlTooBig = await postJson(port, '/api/runs', { yaml: `name: x\n#${'y'.repeat(300 * 1024)}\n` });
    expect(yamlTooBig.status).toBe(413);
    expect((await raw(port, 'PUT', '/api/runs')).status).toBe(405);
    expect((await raw(port, 'GET', '/api/nothing')).status).toBe(404);
    expect((await raw(port, 'GET', '/api/runs/abc/bundle')).json.error).toMatch(/positive integer/);
    expect((await raw(port, 'GET', '/api/runs/999/bundle')).status).toBe(404);
  });

  it('refuses path traversal in static and API paths, raw and encoded', async () => {
    const attempts = [
      '/../secret.txt',
      '/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/%2e%2e%5csecret.txt',
      '/app.js/../../secret.txt',
      '//secret.txt',
      '/.%2e/secret.txt',
      '/%252e%252e/secret.txt',
      '/api/scenarios/..%2f..%2fsecret',
      '/api/scenarios/%2e%2e',
      '/api/scenarios/..',
      '/api/runs/1/artifacts/..%2f..%2f/x/2017',
      '/api/models/..%2ftestbed/card',
      '/api/%2e%2e/secret.txt',
      '/%00/secret.txt',
      '/%E0%A4%A',
    ];
    for (const p of attempts) {
      const r = await raw(port, 'GET', p);
      expect(r.text, p).not.toContain(SECRET);
      expect([400, 403, 404], `${p} → ${r.status}`).toContain(r.status);
      expect(r.json?.error, p).toBeTruthy();
    }
    expect((await raw(port, 'GET', '/app.js')).text).toBe('console.log(1)');
    // Encoded slashes in a query string are data, not a path.
    expect((await raw(port, 'GET', '/app.js?file=a%2Fb')).status).toBe(200);
    expect((await raw(port, 'GET', '/')).text).toContain('<title>viewer</title>');
    expect((await raw(port, 'POST', '/app.js', '{}')).status).toBe(405);
  });

  it('cancels a running run (SSE shows cancelled, finished jobs kept) and a queued one; 409 for a finished run', async () => {
    const a = await postJson(port, '/api/runs', { scenario: 'slow' });
    const b = await postJson(port, '/api/runs', { scenario: 'slow' });
    expect(a.status).toBe(202);
    expect(b.json.position).toBe(0);
    let cancelled = false;
    const events = readSse(port, `/api/runs/${a.json.id}/events`, (e) => {
      if (e.event === 'progress' && e.data.done >= 4 && !cancelled) {
        cancelled = true;
        void raw(port, 'DELETE', `/api/runs/${a.json.id}`);
      }
    });
    const qb = await postJson(port, `/api/runs/${b.json.id}/cancel`, {});
    expect(qb.status).toBe(202);
    expect(qb.json.state).toBe('cancelled');
    const evs = await events;
    expect(evs.at(-1)!.data.state).toBe('cancelled');
    const ra = store.run(a.json.id)!;
    expect(ra.status).toBe('cancelled');
    const counts = store.jobCounts(a.json.id);
    expect(counts.done).toBeGreaterThanOrEqual(4);
    expect(counts.done).toBeLessThan(counts.total);
    expect(store.run(b.json.id)!.status).toBe('cancelled');
    expect(store.jobCounts(b.json.id).done).toBe(0);
    const again = await raw(port, 'DELETE', `/api/runs/${a.json.id}`);
    expect(again.status).toBe(409);
    expect(again.json.error).toContain('already finished (cancelled)');
  });

  it('answers 429 with Retry-After when the run queue is full', async () => {
    const ids: number[] = [];
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 5; i++) {
      const r = await postJson(port, '/api/runs', { scenario: 'slow' });
      statuses.push(r.status);
      if (r.status === 202) ids.push(r.json.id);
      if (r.status === 429) {
        retryAfter = r.headers['retry-after'] as string;
        expect(r.json.error).toMatch(/queue is full/);
      }
    }
    // One running plus maxQueued = 2 waiting.
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const q = await raw(port, 'GET', '/api/queue');
    expect(q.json.tasks.map((t: { state: string }) => t.state).sort()).toEqual(['queued', 'queued', 'running']);
    for (const id of ids.reverse()) expect((await raw(port, 'DELETE', `/api/runs/${id}`)).status).toBe(202);
    for (const id of ids) await runToEnd(id);
  });

  it('saves a what-if as YAML in scenarios/: validated, safe name, never over baseline or an existing file', async () => {
    const ok = await postJson(port, '/api/scenarios', {
      name: 'more-samples',
      scenario: { extends: 'tb', testbed: { samples: 900 } },
    });
    expect(ok.status).toBe(201);
    const file = path.join(scenarios, 'more-samples.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('extends: tb');
    expect(text).toContain('name: more-samples');
    expect((await raw(port, 'GET', '/api/scenarios/more-samples')).json.scenario.testbed.samples).toBe(900);
    const dup = await postJson(port, '/api/scenarios', { name: 'more-samples', scenario: { extends: 'tb' } });
    expect(dup.status).toBe(409);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect((await postJson(port, '/api/scenarios', { name: 'baseline', scenario: { extends: 'tb' } })).status).toBe(
      409,
    );
    for (const name of ['../evil', 'a/b', 'x.yaml', '.hidden', 'UPPER', '', 'a'.repeat(70)]) {
      const r = await postJson(port, '/api/scenarios', { name, scenario: { extends: 'tb' } });
      expect(r.status, name).toBe(400);
      expect(r.json.error).toMatch(/safe scenario name/);
    }
    const invalid = await postJson(port, '/api/scenarios', {
      name: 'broken',
      scenario: { extends: 'tb', testbed: { samples: 'many' } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.issues[0].path).toBe('testbed.samples');
    expect(readdirSync(scenarios).sort()).toEqual(['baseline.yaml', 'more-samples.yaml', 'slow.yaml', 'tb.yaml']);
    // The saved file runs like any stored scenario.
    const r = await postJson(port, '/api/runs', { scenario: 'more-samples', replications: 2 });
    expect((await runToEnd(r.json.id)).at(-1)!.data.state).toBe('done');
  });

  it('serves a model card with the run provenance, and a report page', async () => {
    const run = store.listRuns().find((r) => r.status === 'done')!;
    const json = await raw(port, 'GET', `/api/models/testbed/card?run=${run.id}&format=json`);
    expect(json.json.provenance).toMatchObject({
      runId: run.id,
      scenarioHash: run.scenarioHash,
      seed: run.seed,
      codeVersion: run.codeVersion,
    });
    expect(json.json.provenance.jobs.count).toBeGreaterThan(0);
    expect(json.json.parameters.find((p: { path: string }) => p.path === 'samples').value).toBeGreaterThan(0);
    const html = await raw(port, 'GET', `/api/models/testbed/card?run=${run.id}&lang=en`);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.text).toContain(run.scenarioHash);
    expect(html.text).toContain('Parameters and sources');
    expect((await raw(port, 'GET', '/api/models/nope/card')).status).toBe(404);
    const rep = await raw(port, 'GET', `/api/runs/${run.id}/report.html`);
    expect(rep.text).toContain('tb-pi');
    expect(rep.text).toContain('<svg');
  });

  it('computes a one-at-a-time tornado of a target P(met) on the pool', async () => {
    const bad = await postJson(port, '/api/sensitivity', { target: 'tb-pi', scenario: 'tb', params: ['nope'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('choose from: samples');
    expect((await postJson(port, '/api/sensitivity', { target: 'missing' })).status).toBe(400);
    const r = await postJson(port, '/api/sensitivity', {
      target: 'tb-pi',
      scenario: 'tb',
      params: ['samples', 'walkSteps'],
      replications: 30,
      delta: 0.5,
    });
    expect(r.status).toBe(202);
    expect(r.json.runs).toBe(5);
    const evs = await readSse(port, `/api/sensitivity/${r.json.id}/events`);
    expect(evs.some((e) => e.event === 'progress')).toBe(true);
    expect(evs.at(-1)!.data.state).toBe('done');
    const res = (await raw(port, 'GET', `/api/sensitivity/${r.json.id}`)).json.result;
    expect(res.replications).toBe(30);
    expect(res.bars.map((b: { param: string }) => b.param).sort()).toEqual(['samples', 'walkSteps']);
    const s = res.bars.find((b: { param: string }) => b.param === 'samples');
    expect([s.low, s.high]).toEqual([200, 600]);
    for (const b of res.bars) for (const p of [b.pLow, b.pHigh]) expect(p >= 0 && p <= 1).toBe(true);
    expect(res.bars[0].swing).toBeGreaterThanOrEqual(res.bars[1].swing);
    expect(res.seP).toBeGreaterThan(0);
    // Variants ran in a private store: the runs list did not grow.
    expect(store.listRuns().every((x) => x.scenarioName !== 'tb' || x.replications !== 30)).toBe(true);
    expect(existsSync(path.join(dir, 'api.sqlite'))).toBe(true);
  });
});
