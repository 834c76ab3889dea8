// The server's compression (brotli/gzip by Accept-Encoding, issue 18 §9) and its imported-network roads route
// (issue 17), over real HTTP on 127.0.0.1: compressed bodies decode to exactly what was compressed, clients that do
// not accept an encoding get the plain bytes, and the route reads only data/networks/NAME with the name checked.
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkRoads } from './contract/index.ts';
import { negotiateEncoding } from './compress.ts';
import { networkRoads } from './network-roads.ts';
import { serve } from './server.ts';
import { openStore, type Store } from './store.ts';
import { tmpDir } from './test/helpers.ts';

const dir = tmpDir('twin-compress-');
const viewer = path.join(dir, 'viewer');
const nets = path.join(dir, 'networks');
const SECRET = 'TOP-SECRET-OUTSIDE-VIEWER';
let store: Store;
let srv: Awaited<ReturnType<typeof serve>>;
let envBefore: string | undefined;

// A script big enough to be worth compressing, with some variety so the ratio is realistic.
const script = Array.from({ length: 3000 }, (_, i) => `export const v${i} = ${(i * 7919) % 1000};`).join('\n');
const png = Buffer.alloc(4096, 7);

/** A three-node, two-road network folder as `twin network import` writes it (one bent road, one connector). */
function writeNetwork(name: string): void {
  const d = path.join(nets, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(
    path.join(d, 'node.csv'),
    'node_id,x_coord,y_coord,node_type,zone_id\n1,118.0,36.8,junction,\n2,118.01,36.8,junction,\n3,118.0,36.81,centroid,1\n',
  );
  writeFileSync(
    path.join(d, 'link.csv'),
    'link_id,from_node_id,to_node_id,length,lanes,capacity,free_speed,link_type,geometry\n' +
      '10,1,2,900,2,1800,50,primary,"LINESTRING (118.0 36.8, 118.005 36.801, 118.01 36.8)"\n' +
      '11,3,1,100,1,9999,30,connector,\n',
  );
  writeFileSync(path.join(d, 'zone.csv'), 'zone_id,x_coord,y_coord\n1,118.0,36.81\n');
  writeFileSync(
    path.join(d, 'network.json'),
    JSON.stringify({
      name,
      crs: 'wgs84',
      importedAt: '2026-12-03T00:00:00Z',
      source: {
        kind: 'gmns',
        file: 'x',
        crs: 'wgs84',
        licence: 'ODbL-1.0',
        attribution: '© OpenStreetMap contributors',
      },
      counts: { nodes: 3, links: 2, zones: 1, signals: 0, connectors: 1, demandRows: 0 },
      contentHash: 'a'.repeat(64),
    }),
  );
}

/** GET with the given Accept-Encoding; the body as received (not decoded). */
function get(
  p: string,
  acceptEncoding?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port: srv.port,
        path: p,
        headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
  });
}

const decode = (body: Buffer, enc: string | undefined): Buffer =>
  enc === 'br' ? zlib.brotliDecompressSync(body) : enc === 'gzip' ? zlib.gunzipSync(body) : body;

beforeAll(async () => {
  envBefore = process.env.TWIN_NETWORKS_DIR;
  process.env.TWIN_NETWORKS_DIR = nets;
  mkdirSync(viewer);
  writeFileSync(path.join(viewer, 'index.html'), '<!doctype html><title>viewer</title>');
  writeFileSync(path.join(viewer, 'app.js'), script);
  writeFileSync(path.join(viewer, 'tile.png'), png);
  writeFileSync(path.join(dir, 'secret.txt'), SECRET);
  writeNetwork('tiny');
  store = openStore(path.join(dir, 'c.sqlite'));
  srv = await serve({ store, port: 0, viewerDir: viewer, targets: [] });
});

afterAll(async () => {
  await srv?.close();
  store?.close();
  if (envBefore === undefined) delete process.env.TWIN_NETWORKS_DIR;
  else process.env.TWIN_NETWORKS_DIR = envBefore;
});

describe('negotiateEncoding', () => {
  it('prefers brotli, then gzip, honours q=0 and *', () => {
    expect(negotiateEncoding('gzip, deflate, br')).toBe('br');
    expect(negotiateEncoding('gzip, deflate')).toBe('gzip');
    expect(negotiateEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(negotiateEncoding('gzip;q=0, br;q=0')).toBeNull();
    expect(negotiateEncoding('identity')).toBeNull();
    expect(negotiateEncoding(undefined)).toBeNull();
    expect(negotiateEncoding('*')).toBe('br');
    expect(negotiateEncoding('*, br;q=0')).toBe('gzip');
  });
});

describe('compressed static files', () => {
  for (const enc of ['br', 'gzip'] as const) {
    it(`${enc}: the script comes compressed and decodes to the file`, async () => {
      const r = await get('/app.js', `${enc}`);
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding']).toBe(enc);
      expect(r.headers.vary).toMatch(/accept-encoding/i);
      expect(Number(r.headers['content-length'])).toBe(r.body.length);
      expect(r.body.length).toBeLessThan(Buffer.byteLength(script) / 3);
      expect(decode(r.body, enc).toString()).toBe(script);
      // Served again from the cache: the same bytes.
      const again = await get('/app.js', enc);
      expect(again.body.equals(r.body)).toBe(true);
    });
  }

  it('a client that accepts no encoding gets the plain file; PNG is never recompressed', async () => {
    const r = await get('/app.js');
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.body.toString()).toBe(script);
    const p = await get('/tile.png', 'br, gzip');
    expect(p.headers['content-encoding']).toBeUndefined();
    expect(p.body.equals(png)).toBe(true);
  });

  it('the path checks still hold with compression asked for', async () => {
    const r = await get('/%2e%2e/secret.txt', 'br');
    expect(r.status).toBe(400);
    expect(r.body.toString()).not.toContain(SECRET);
    const r2 = await get('/../secret.txt', 'br');
    expect(decode(r2.body, r2.headers['content-encoding']).toString()).not.toContain(SECRET);
  });
});

describe('GET /api/networks/:name/roads', () => {
  it('answers the network’s roads, compressed, with shapes, the connector marked hidden', async () => {
    const r = await get('/api/networks/tiny/roads', 'gzip');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    const roads = JSON.parse(decode(r.body, r.headers['content-encoding']).toString()) as NetworkRoads;
    expect(roads).toEqual(networkRoads('tiny', nets));
    expect(roads.id).toEqual(['10', '11']);
    expect(roads.hidden).toEqual([0, 1]);
    // The bent road keeps its three points; the connector (no geometry) is the chord between its nodes.
    expect(roads.offsets).toEqual([0, 3, 5]);
    expect(roads.coords.slice(0, 6)).toEqual([118, 36.8, 118.005, 36.801, 118.01, 36.8]);
    expect(roads.coords.slice(6)).toEqual([118, 36.81, 118, 36.8]);
    expect(roads.classes[roads.cls[0]!]).toBe('primary');
    expect(roads.attribution).toBe('© OpenStreetMap contributors');
    expect(roads.contentHash).toBe('a'.repeat(64));
  });

  it('refuses names that are not plain network names, unknown networks and the sketch', async () => {
    for (const [p, status] of [
      ['/api/networks/bad.name/roads', 400],
      ['/api/networks/nope/roads', 404],
      ['/api/networks/zibo-sketch/roads', 404],
      ['/api/networks/..%2Fsecret/roads', 400],
      // The URL parser reads %2e%2e as `..`: /api/roads, which no route serves.
      ['/api/networks/%2e%2e/roads', 404],
    ] as const) {
      const r = await get(p);
      expect(r.status, p).toBe(status);
      const body = JSON.parse(r.body.toString()) as { error: string };
      expect(body.error.length, p).toBeGreaterThan(10);
      expect(r.body.toString()).not.toContain(SECRET);
    }
  });
});
