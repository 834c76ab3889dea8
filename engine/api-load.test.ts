// Bounded load test of the server: 200 concurrent mixed requests (reads, run submissions, invalid bodies, static files)
// over real HTTP. Must show: no 5xx, the queue limit answered with 429 + Retry-After, memory growth bounded.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, raw, readSse, type RawResponse } from './api/test-client.ts';
import { serve } from './server.ts';
import { openStore, type Store } from './store.ts';
import { tmpDir } from './test/helpers.ts';

const dir = tmpDir('twin-load-');
const scenarios = path.join(dir, 'scenarios');
const MAX_QUEUED = 3;
let store: Store;
let srv: Awaited<ReturnType<typeof serve>>;
let port: number;

beforeAll(async () => {
  mkdirSync(scenarios);
  mkdirSync(path.join(dir, 'viewer'));
  writeFileSync(path.join(dir, 'viewer', 'index.html'), '<!doctype html><title>viewer</title>');
  const tb = 'models: [testbed]\nperiod: { startYear: 2017, endYear: 2019 }\n';
  writeFileSync(path.join(scenarios, 'quick.yaml'), `name: quick\n${tb}replications: 8\ntestbed: { samples: 2000 }\n`);
  writeFileSync(
    path.join(scenarios, 'slow.yaml'),
    `name: slow\n${tb}replications: 50\ntestbed: { samples: 100, delayMs: 40 }\n`,
  );
  store = openStore(path.join(dir, 'load.sqlite'));
  srv = await serve({
    store,
    port: 0,
    viewerDir: path.join(dir, 'viewer'),
    scenariosDir: scenarios,
    targets: [],
    threads: 2,
    maxQueued: MAX_QUEUED,
  });
  port = srv.port;
});

afterAll(async () => {
  await srv?.close();
  store?.close();
});

describe('server under load', () => {
  it('answers 200 concurrent mixed requests without 5xx, with 429 when the queue is full, in bounded memory', async () => {
    // A finished run to read.
    const first = await postJson(port, '/api/runs', { scenario: 'quick' });
    await readSse(port, `/api/runs/${first.json.id}/events`);
    const done = first.json.id as number;
    global.gc?.();
    const rss0 = process.memoryUsage().rss;

    const kinds: Array<[string, () => Promise<RawResponse>]> = [
      ['submit', () => postJson(port, '/api/runs', { scenario: 'slow' })],
      [
        'submit-edited',
        () => postJson(port, '/api/runs', { scenario: { extends: 'slow', name: 'edited', testbed: { samples: 150 } } }),
      ],
      ['list', () => raw(port, 'GET', '/api/runs')],
      ['bundle', () => raw(port, 'GET', `/api/runs/${done}/bundle`)],
      ['targets', () => raw(port, 'GET', `/api/runs/${done}/targets`)],
      ['static', () => raw(port, 'GET', '/')],
      ['invalid', () => postJson(port, '/api/runs', { scenario: { extends: 'slow', testbed: { samples: -1 } } })],
      ['malformed', () => raw(port, 'POST', '/api/runs', '{"scenario":')],
      ['traversal', () => raw(port, 'GET', '/%2e%2e/%2e%2e/etc/passwd')],
      ['queue', () => raw(port, 'GET', '/api/queue')],
    ];
    const t0 = performance.now();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const [kind, go] = kinds[i % kinds.length]!;
        return go().then((r) => ({ kind, r }));
      }),
    );
    const ms = performance.now() - t0;
    const byKind = new Map<string, number[]>();
    for (const { kind, r } of results) byKind.set(kind, [...(byKind.get(kind) ?? []), r.status]);

    expect(
      results.filter(({ r }) => r.status >= 500).map(({ kind, r }) => `${kind} ${r.status} ${r.text.slice(0, 80)}`),
    ).toEqual([]);
    const submits = results.filter(({ kind }) => kind.startsWith('submit'));
    const accepted = submits.filter(({ r }) => r.status === 202);
    const refused = submits.filter(({ r }) => r.status === 429);
    expect(accepted.length + refused.length).toBe(submits.length);
    // One running and MAX_QUEUED waiting at most (the slow runs cannot finish within the burst).
    expect(accepted.length).toBeLessThanOrEqual(1 + MAX_QUEUED);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThan(0);
    for (const { r } of refused) expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(new Set(byKind.get('list'))).toEqual(new Set([200]));
    expect(new Set(byKind.get('bundle'))).toEqual(new Set([200]));
    expect(new Set(byKind.get('static'))).toEqual(new Set([200]));
    expect(new Set(byKind.get('invalid'))).toEqual(new Set([400]));
    expect(new Set(byKind.get('malformed'))).toEqual(new Set([400]));
    expect(new Set(byKind.get('traversal'))).toEqual(new Set([400]));

    global.gc?.();
    const growthMb = (process.memoryUsage().rss - rss0) / 2 ** 20;
    // The burst holds at most 200 small responses and 4 queued runs; the worker threads were already started.
    expect(growthMb).toBeLessThan(150);
    console.log(
      `load: 200 requests in ${ms.toFixed(0)} ms; ${accepted.length} runs accepted, ${refused.length} refused with 429; rss growth ${growthMb.toFixed(1)} MB`,
    );

    for (const { r } of accepted) await raw(port, 'DELETE', `/api/runs/${r.json.id}`);
    const q = await raw(port, 'GET', '/api/queue');
    expect(q.json.tasks.filter((t: { state: string }) => t.state === 'queued')).toEqual([]);
  });
});
