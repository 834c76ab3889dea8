// The server against other web pages and hostile clients (issue 16), over real HTTP on 127.0.0.1: other origins
// cannot change anything, other host names (DNS rebinding) get nothing, bodies are bounded in size and depth,
// methods answer with Allow, saving is bounded, slow senders are cut off. Each test is named after what it guards.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetDef } from '../contract/index.ts';
import { HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, serve } from '../server.ts';
import { openStore, type Store } from '../store.ts';
import { tmpDir } from '../test/helpers.ts';
import { ENGINE_ROOT } from '../paths.ts';
import { allowedHostNames, allowedMethods } from './guard.ts';
import { jsonDepth, MAX_JSON_DEPTH } from './http.ts';
import { raw, readSse } from './test-client.ts';

const dir = tmpDir('twin-security-');
const scenarios = path.join(dir, 'scenarios');
const viewer = path.join(dir, 'viewer');
const TB = 'models: [testbed]\nperiod: { startYear: 2017, endYear: 2017 }\nseed: 5\nreplications: 2\n';
const target: TargetDef = {
  id: 'tb-pi',
  title: 'π estimate ≥ 3.1',
  metric: 'testbed.pi',
  scope: 'city',
  entity: 'city',
  comparator: '>=',
  threshold: 3.1,
  deadline: '2017-12-31',
  source: 'assumption',
  sourceText: 'engine self-test target',
  unit: '1',
  model: 'testbed',
};

let store: Store;
let srv: Awaited<ReturnType<typeof serve>>;
let port: number;
const whatIf = (name: string) => ({ name, scenario: { extends: 'baseline', testbed: { samples: 50 } } });
const json = (v: unknown) => JSON.stringify(v);
const runCount = () => store.listRuns().length;
const actualsCount = () => (store.db.prepare('SELECT COUNT(*) AS n FROM actuals').get() as { n: number }).n;
/** Headers a browser sends with a fetch from the viewer served by this server. */
const viewerHeaders = () => ({
  origin: `http://127.0.0.1:${port}`,
  'sec-fetch-site': 'same-origin',
  'content-type': 'application/json',
});

beforeAll(async () => {
  mkdirSync(scenarios);
  mkdirSync(viewer);
  writeFileSync(path.join(viewer, 'index.html'), '<!doctype html><title>viewer</title>');
  writeFileSync(path.join(scenarios, 'baseline.yaml'), `name: baseline\n${TB}testbed: { samples: 100 }\n`);
  store = openStore(path.join(dir, 's.sqlite'));
  srv = await serve({
    store,
    port: 0,
    viewerDir: viewer,
    scenariosDir: scenarios,
    targets: [target],
    threads: 1,
    allowedHosts: ['twin.lan'],
    scenarioLimits: { maxFiles: 4 },
  });
  port = srv.port;
});

afterAll(async () => {
  await srv?.close();
  store?.close();
});

describe('other origins cannot change anything', () => {
  it('a no-cors text/plain POST from a foreign origin is refused with 403 and writes no scenario, run or actual', async () => {
    const foreign = { origin: 'http://evil.example', 'content-type': 'text/plain;charset=UTF-8' };
    const save = await raw(port, 'POST', '/api/scenarios', json(whatIf('pwned')), foreign);
    expect(save.status).toBe(403);
    expect(save.json.error).toMatch(/evil\.example/);
    expect(existsSync(path.join(scenarios, 'pwned.yaml'))).toBe(false);
    const runs = runCount();
    const run = await raw(port, 'POST', '/api/runs', json({ scenario: 'baseline' }), foreign);
    expect(run.status).toBe(403);
    const csv = 'metric,scope,date,value,unit,source,note\n';
    const act = await raw(port, 'POST', '/api/actuals', csv, foreign);
    expect(act.status).toBe(403);
    expect(runCount()).toBe(runs);
    expect(actualsCount()).toBe(0);
    // Even with the JSON content type (a CORS request whose preflight fails anyway) the server itself refuses.
    const jsonForeign = await raw(port, 'POST', '/api/scenarios', json(whatIf('pwned')), {
      origin: 'http://evil.example',
      'content-type': 'application/json',
    });
    expect(jsonForeign.status).toBe(403);
    expect(existsSync(path.join(scenarios, 'pwned.yaml'))).toBe(false);
  });

  it('a page on another port of this machine (same site, other origin) and the "null" origin are refused', async () => {
    for (const origin of [`http://127.0.0.1:${port + 1}`, 'null', 'https://127.0.0.1', 'not a url']) {
      const r = await raw(port, 'DELETE', '/api/runs/1', undefined, { origin });
      expect(r.status, origin).toBe(403);
    }
  });

  it('Sec-Fetch-Site cross-site or same-site is refused with 403 even without an Origin header', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const r = await raw(port, 'POST', '/api/scenarios', json(whatIf('via-fetch-site')), { 'sec-fetch-site': site });
      expect(r.status, site).toBe(403);
      expect(r.json.error).toMatch(/Sec-Fetch-Site/);
    }
    expect(existsSync(path.join(scenarios, 'via-fetch-site.yaml'))).toBe(false);
  });

  it('a text/plain or untyped JSON body is refused with 415 (no page can send it without a preflight)', async () => {
    const plain = await raw(port, 'POST', '/api/scenarios', json(whatIf('plain')), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.json.error).toMatch(/content-type: application\/json/);
    // A Blob without a type sends no content-type at all: refused too.
    const none = await new Promise<number>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => {
        const body = json(whatIf('untyped'));
        s.write(
          `POST /api/scenarios HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      let text = '';
      s.on('data', (c) => (text += c));
      s.on('end', () => resolve(Number(text.split(' ')[1])));
      s.on('error', reject);
    });
    expect(none).toBe(415);
    expect(existsSync(path.join(scenarios, 'plain.yaml'))).toBe(false);
    expect(existsSync(path.join(scenarios, 'untyped.yaml'))).toBe(false);
  });

  it('the viewer on the same origin still saves what-ifs, starts runs and imports actuals', async () => {
    const save = await raw(port, 'POST', '/api/scenarios', json(whatIf('from-viewer')), viewerHeaders());
    expect(save.status, save.text).toBe(201);
    expect(existsSync(path.join(scenarios, 'from-viewer.yaml'))).toBe(true);
    const run = await raw(port, 'POST', '/api/runs', json({ scenario: 'from-viewer' }), viewerHeaders());
    expect(run.status, run.text).toBe(202);
    const evs = await readSse(port, `/api/runs/${run.json.id}/events`);
    expect(evs.at(-1)?.data.state).toBe('done');
    // The viewer's CSV upload (content-type text/csv): past the guard, the import's own checks answer (a bad row).
    const csv = await raw(
      port,
      'POST',
      '/api/actuals?name=x.csv',
      'metric,scope,date,value,unit,source,note\nnope,city,2018-01-01,1,1,s,\n',
      {
        origin: `http://127.0.0.1:${port}`,
        'sec-fetch-site': 'same-origin',
        'content-type': 'text/csv',
      },
    );
    expect(csv.status, csv.text).toBe(400);
    expect(csv.json.issues.length).toBeGreaterThan(0);
    // Under a configured name, that name's origin is the server's own.
    const lan = await raw(port, 'POST', '/api/runs/999/cancel', undefined, {
      host: `twin.lan:${port}`,
      origin: `http://twin.lan:${port}`,
    });
    expect(lan.status).toBe(404);
    // Case and a written-out default port do not make the same origin a foreign one.
    const port80 = await raw(port, 'POST', '/api/runs/999/cancel', undefined, {
      host: 'twin.lan',
      origin: 'http://TWIN.lan:80',
    });
    expect(port80.status).toBe(404);
  });
});

describe('other host names get nothing (DNS rebinding)', () => {
  it('Host: evil.example is refused with 421 on GET, static files, SSE, OPTIONS and POST', async () => {
    const evil = { host: `evil.example:${port}` };
    for (const [m, p] of [
      ['GET', '/api/runs'],
      ['GET', '/'],
      ['GET', '/api/runs/1/events'],
      ['HEAD', '/api/health'],
      ['OPTIONS', '/api/runs'],
      ['POST', '/api/runs'],
    ] as const) {
      const r = await raw(port, m, p, m === 'POST' ? json({ scenario: 'baseline' }) : undefined, evil);
      expect(r.status, `${m} ${p}`).toBe(421);
      if (m !== 'HEAD') expect(r.json.error).toMatch(/--allowed-host/);
    }
    // A rebinding name that merely starts like a loopback name is not one.
    expect((await raw(port, 'GET', '/api/health', undefined, { host: '127.0.0.1.evil.example' })).status).toBe(421);
  });

  it('loopback names, the bound address and --allowed-host names are answered', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `twin.lan:${port}`, 'TWIN.LAN']) {
      const r = await raw(port, 'GET', '/api/health', undefined, { host });
      expect(r.status, host).toBe(200);
    }
    expect([...allowedHostNames('0.0.0.0')]).toContain('localhost');
    expect(allowedHostNames('10.1.2.3', ['Twin.Lan.']).has('twin.lan')).toBe(true);
  });
});

describe('bodies are bounded in depth and size', () => {
  it('a 6 KB body of 1,000 nested objects gets 400, not a 500 stack overflow', async () => {
    const deep = `{"scenario":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`;
    expect(deep.length).toBeLessThan(7000);
    const r = await raw(port, 'POST', '/api/runs', deep);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/1001 levels deep; at most 32/);
    // Arrays count too, and the server still answers afterwards.
    expect((await raw(port, 'POST', '/api/scenarios', `${'['.repeat(5000)}${']'.repeat(5000)}`)).status).toBe(400);
    expect((await raw(port, 'GET', '/api/health')).status).toBe(200);
  });

  it('nesting up to the limit passes the depth check; brackets inside strings do not count', async () => {
    expect(jsonDepth('{"a":[1,{"b":"[[{{"}]}')).toBe(3);
    expect(jsonDepth('["\\"[[[", "\\\\", [[]]]')).toBe(3);
    const ok = `{"scenario":"baseline","x":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;
    expect(jsonDepth(ok)).toBe(MAX_JSON_DEPTH);
    const r = await raw(port, 'POST', '/api/sensitivity', ok);
    expect(r.status).not.toBe(500);
    expect(String(r.json?.error)).not.toMatch(/levels deep/);
  });

  it('a body over the limit gets 413, on routes that read it and on routes that do not', async () => {
    const big = json({ yaml: 'x'.repeat(600 * 1024) });
    const r = await raw(port, 'POST', '/api/runs', big);
    expect(r.status).toBe(413);
    const cancel = await raw(port, 'POST', '/api/runs/1/cancel', Buffer.alloc(600 * 1024, 32));
    expect(cancel.status).toBe(413);
    expect(cancel.json.error).toMatch(/limit is \d+ bytes/);
  });
});

describe('methods: HEAD, OPTIONS, 405 with Allow', () => {
  it('HEAD answers like GET without a body, event streams included', async () => {
    const h = await raw(port, 'HEAD', '/api/runs');
    expect(h.status).toBe(200);
    expect(h.headers['content-type']).toMatch(/application\/json/);
    expect(h.text).toBe('');
    expect((await raw(port, 'HEAD', '/')).status).toBe(200);
    const ev = await raw(port, 'HEAD', '/api/runs/1/events');
    expect(ev.status).toBe(200);
    expect(ev.headers['content-type']).toMatch(/text\/event-stream/);
  });

  it('OPTIONS answers 204 with Allow and no CORS headers (a cross-origin preflight fails)', async () => {
    const o = await raw(port, 'OPTIONS', '/api/runs', undefined, {
      origin: 'http://evil.example',
      'access-control-request-method': 'POST',
    });
    expect(o.status).toBe(204);
    expect(o.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
    expect(o.headers['access-control-allow-origin']).toBeUndefined();
    expect((await raw(port, 'OPTIONS', '/')).headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('a method a path does not have gets 405 with Allow', async () => {
    const cases: Array<[string, string, string]> = [
      ['PUT', '/api/runs', 'GET, HEAD, OPTIONS, POST'],
      ['POST', '/api/health', 'GET, HEAD, OPTIONS'],
      ['GET', '/api/runs/1/cancel', 'OPTIONS, POST'],
      ['DELETE', '/index.html', 'GET, HEAD, OPTIONS'],
      ['PATCH', '/api/runs/1', 'GET, HEAD, OPTIONS, DELETE'],
    ];
    for (const [m, p, allow] of cases) {
      const r = await raw(port, m, p);
      expect(r.status, `${m} ${p}`).toBe(405);
      expect(r.headers.allow, `${m} ${p}`).toBe(allow);
      expect(r.json.error).toMatch(/allowed:/);
    }
    expect(allowedMethods('/api/nothing')).toBeUndefined();
    expect((await raw(port, 'POST', '/api/nothing', '{}')).status).toBe(404);
  });
});

describe('saved scenarios are bounded', () => {
  it('saving beyond the file count gets 409 and writes nothing', async () => {
    // baseline + from-viewer exist (earlier test); the limit is 4 files.
    const have = readdirSync(scenarios).filter((f) => f.endsWith('.yaml')).length;
    for (let i = have; i < 4; i++) {
      const r = await raw(port, 'POST', '/api/scenarios', json(whatIf(`fill-${i}`)), viewerHeaders());
      expect(r.status, r.text).toBe(201);
    }
    const over = await raw(port, 'POST', '/api/scenarios', json(whatIf('one-too-many')), viewerHeaders());
    expect(over.status).toBe(409);
    expect(over.json.error).toMatch(/holds 4 scenario files.*delete what-ifs/);
    expect(existsSync(path.join(scenarios, 'one-too-many.yaml'))).toBe(false);
  });

  it('saving beyond the folder size gets 413 and writes nothing', async () => {
    const d2 = path.join(dir, 'scenarios-small');
    mkdirSync(d2);
    writeFileSync(path.join(d2, 'baseline.yaml'), `name: baseline\n${TB}testbed: { samples: 100 }\n`);
    const used = statSync(path.join(d2, 'baseline.yaml')).size;
    const s2 = await serve({
      store,
      port: 0,
      viewerDir: viewer,
      scenariosDir: d2,
      scenarioLimits: { maxTotalBytes: used + 400 },
    });
    try {
      const small = await raw(s2.port, 'POST', '/api/scenarios', json(whatIf('small')), {});
      expect(small.status, small.text).toBe(201);
      const long = { ...whatIf('long'), scenario: { extends: 'baseline', description: 'd'.repeat(500) } };
      const r = await raw(s2.port, 'POST', '/api/scenarios', json(long));
      expect(r.status).toBe(413);
      expect(r.json.error).toMatch(/over its limit of \d+ bytes/);
      expect(existsSync(path.join(d2, 'long.yaml'))).toBe(false);
      expect(readdirSync(d2).sort()).toEqual(['baseline.yaml', 'small.yaml']);
    } finally {
      await s2.close();
    }
  });
});

describe('slow senders are cut off', () => {
  it('a client that never finishes its headers gets 408 and the socket closed within the header timeout', async () => {
    const s3 = await serve({ store, port: 0, viewerDir: viewer, headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    try {
      const t0 = Date.now();
      const { text, ms } = await new Promise<{ text: string; ms: number }>((resolve, reject) => {
        const sock = net.connect(s3.port, '127.0.0.1', () => sock.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n`));
        let t = '';
        sock.on('data', (c) => (t += c));
        sock.on('close', () => resolve({ text: t, ms: Date.now() - t0 }));
        sock.on('error', reject);
        setTimeout(() => reject(new Error('socket still open after 5 s')), 5000).unref();
      });
      expect(text).toMatch(/^HTTP\/1\.1 408/);
      // 500 ms limit, checked every 500 ms: closed well before Node's default 30 s check interval would allow.
      expect(ms).toBeLessThan(2500);
    } finally {
      await s3.close();
    }
  });

  it('the default timeouts are the ones engine/api/README.md states', () => {
    expect(srv.server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
    expect(srv.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    const readme = readFileSync(path.join(ENGINE_ROOT, 'engine', 'api', 'README.md'), 'utf8');
    expect(readme).toContain(`${HEADERS_TIMEOUT_MS / 1000} s to send the request headers`);
    expect(readme).toContain(`${REQUEST_TIMEOUT_MS / 1000} s to send the whole request`);
  });
});
