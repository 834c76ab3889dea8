/**
 * Network import: every OSM tag rule on the hand-written fixture (fixtures/rules.osm), the graph steps (split,
 * contraction, clipping, largest SCC), zones, the atomic GMNS writer, loadNetwork, the synthetic PBF city, and Sioux
 * Falls (TNTP) imported and assigned to the same gap as read directly.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assign } from '../../models/traffic/assign.ts';
import { readTntpFolder } from '../../models/traffic/tntp.ts';
import { requireSharedData, SIOUX_FALLS_DIR } from '../../models/traffic/shared-data.ts';
import { ziboDistricts } from './boundary.ts';
import { NetworkInputError } from './errors.ts';
import { generateCity } from './generate-city.ts';
import { importNetwork, ZIBO_DISTRICTS_FILE } from './import.ts';
import { loadNetwork } from './load.ts';
import { readOsmGraph, type OsmGraph } from './osm.ts';
import { parseMaxspeed, roadOf } from './rules.ts';
import { readTable } from './table.ts';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'rules.osm');
let tmp: string;
let g: OsmGraph;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'net-test-'));
  g = await readOsmGraph(FIXTURE, { boundary: ziboDistricts(ZIBO_DISTRICTS_FILE), crs: 'wgs84', boundaryName: 'Zibo' });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The directed links of the fixture's way `wayId`, keyed "from->to" by OSM node id. */
function linksOf(wayId: number): Map<string, OsmGraph['links'][number]> {
  const m = new Map<string, OsmGraph['links'][number]>();
  for (const l of g.links)
    if (l.sourceId === wayId) m.set(`${g.nodes[l.from]!.sourceId}->${g.nodes[l.to]!.sourceId}`, l);
  return m;
}

describe('OSM tag rules (fixtures/rules.osm)', () => {
  it('a two-way primary with no tags takes every class default: 2 lanes each way, 60 km/h, 1,600 veh/h/lane', () => {
    const w = linksOf(1);
    expect([...w.keys()].sort()).toEqual(['1->2', '2->1']);
    for (const l of w.values()) {
      expect(l).toMatchObject({ lanes: 2, freeSpeedKmPerH: 60, capacityVehPerHPerLane: 1600, type: 'primary' });
      expect(l.shape.length / 2).toBe(3); // the shape node 101 is kept in the drawing
    }
  });
  it('oneway=yes: one link along the way; lanes=n on a one-way road are all in that direction', () => {
    const w = linksOf(2);
    expect([...w.keys()]).toEqual(['2->3']);
    expect(w.get('2->3')).toMatchObject({ lanes: 3, freeSpeedKmPerH: 50 });
  });
  it('oneway=-1: one link against the node order', () => {
    expect([...linksOf(3).keys()]).toEqual(['4->3']);
  });
  it('oneway=true and maxspeed in mph', () => {
    const w = linksOf(4);
    expect([...w.keys()]).toEqual(['8->4']);
    expect(w.get('8->4')!.freeSpeedKmPerH).toBeCloseTo(30 * 1.609344, 9);
  });
  it('two-way lanes=4 gives 2 per direction; maxspeed=CN:urban is 50 km/h; trunk capacity 1,800', () => {
    for (const l of linksOf(5).values())
      expect(l).toMatchObject({ lanes: 2, freeSpeedKmPerH: 50, capacityVehPerHPerLane: 1800 });
  });
  it('lanes:forward / lanes:backward win over lanes', () => {
    const w = linksOf(6);
    expect(w.get('7->6')!.lanes).toBe(2);
    expect(w.get('6->7')!.lanes).toBe(1);
  });
  it('motorways and motorway_links are one-way unless tagged oneway=no', () => {
    expect([...linksOf(7).keys()]).toEqual(['6->5']);
    expect(linksOf(7).get('6->5')).toMatchObject({ lanes: 2, freeSpeedKmPerH: 110, capacityVehPerHPerLane: 2000 });
    expect([...linksOf(8).keys()]).toEqual(['5->1']);
    expect([...linksOf(15).keys()].sort()).toEqual(['204->205', '205->204']);
  });
  it('junction=roundabout is one-way, and the ring is split at the node it shares with another way', () => {
    expect([...linksOf(9).keys()].sort()).toEqual(['202->8', '8->202']);
    expect(linksOf(9).get('8->202')!.shape.length / 2).toBe(3); // through 201
  });
  it('links that end at a highway=traffic_signals node are signalised, and only those', () => {
    for (const l of g.links) expect(l.signalized).toBe(g.nodes[l.to]!.sourceId === 7);
    expect(g.links.filter((l) => l.signalized).length).toBe(4); // from 3, 8, 6 and the chain from 10
    expect(g.summary.signals).toBe(1);
  });
  it('service, track, footway, cycleway, construction, areas and untagged ways are not roads', () => {
    const kept = new Set(g.links.map((l) => l.sourceId));
    for (const w of [201, 202, 203, 204, 205, 206, 207]) expect(kept.has(w)).toBe(false);
    const ids = new Set(g.nodes.map((n) => n.sourceId));
    for (const n of [401, 402, 403, 404, 405, 406]) expect(ids.has(n)).toBe(false);
  });
  it('degree-2 chains of the same road become one link keeping the shape; a class change stops the chain', () => {
    const chain = linksOf(101);
    expect([...chain.keys()].sort()).toEqual(['5->9', '9->5']);
    expect(chain.get('5->9')!.shape.length / 2).toBe(3);
    expect(chain.get('5->9')!.freeSpeedKmPerH).toBe(60); // "60 km/h"
    expect(linksOf(102).size).toBe(0);
    expect([...linksOf(111).keys()].sort()).toEqual(['302->6', '6->302']);
    expect([...linksOf(112).keys()].sort()).toEqual(['10->302', '302->10']);
  });
  it('ways are clipped at the boundary: the part inside is kept', () => {
    expect([...linksOf(17).keys()].sort()).toEqual(['10->12', '12->10']);
    expect(g.nodes.some((n) => n.sourceId === 601)).toBe(false);
  });
  it('only the largest strongly connected component is kept, and what was dropped is reported', () => {
    expect(linksOf(14).size).toBe(0); // isolated pair
    expect(linksOf(16).size).toBe(0); // one-way dead end
    expect(g.summary.dropped).toMatchObject({ components: 2, nodes: 3, links: 3 });
    expect(g.summary.defaults['not understood: maxspeed']).toBe(1);
  });
  it('parseMaxspeed and roadOf on values the fixture does not hold', () => {
    expect(parseMaxspeed('80;60')).toBe(60);
    expect(parseMaxspeed('none')).toBeNull();
    expect(parseMaxspeed('CN:rural')).toBe(70);
    expect(roadOf({ highway: 'secondary', lanes: '3' })).toMatchObject({ lanesForward: 1, lanesBackward: 1 });
    expect(roadOf({ highway: 'secondary', lanes: '5', 'lanes:forward': '3' })).toMatchObject({
      lanesForward: 3,
      lanesBackward: 2,
    });
    expect(roadOf({ highway: 'primary', oneway: 'no', junction: 'roundabout' })!.oneway).toBe(0);
    expect(roadOf({ highway: 'living_street' })).toBeNull();
  });
});

describe('importNetwork on OSM', () => {
  it('writes GMNS files with provenance, 88 Zibo town zones with connectors, and loads through networkFromGmns', async () => {
    const root = path.join(tmp, 'osm');
    const r = await importNetwork(FIXTURE, { name: 'rules', root, now: new Date('2026-12-01T00:00:00Z') });
    expect(readdirSync(root)).toEqual(['rules']); // no temporary folders left
    expect(readdirSync(r.dir).sort()).toEqual(['link.csv', 'network.json', 'node.csv', 'zone.csv']);
    const meta = JSON.parse(readFileSync(path.join(r.dir, 'network.json'), 'utf8'));
    expect(meta.source).toMatchObject({
      kind: 'osm',
      licence: 'ODbL-1.0',
      attribution: '© OpenStreetMap contributors',
    });
    expect(meta.counts).toMatchObject({ zones: 88, links: g.links.length + 88 * 3 * 2 });
    const links = readTable(path.join(r.dir, 'link.csv'), ['geometry']).rows;
    expect(links.every((l) => /^LINESTRING \(/.test(l.get('geometry')))).toBe(true);
    expect(
      links.filter((l) => l.get('link_type') !== 'connector').every((l) => l.get('district_code') === '370303'),
    ).toBe(true);
    const n = loadNetwork('rules', root);
    expect(n.gmns.net.numZones).toBe(88);
    expect(n.gmns.net.numLinks).toBe(meta.counts.links);
    expect(n.demand).toBeNull();
    expect(n.zones.reduce((s, z) => s + (z.population ?? 0), 0)).toBeGreaterThan(4e6);
    // Every zone reaches every other: assign one trip per pair.
    const nz = n.gmns.net.numZones;
    const od = new Float64Array(nz * nz).fill(1);
    for (let z = 0; z < nz; z++) od[z * nz + z] = 0;
    const res = assign(n.gmns.net, { numZones: nz, od, total: nz * (nz - 1), intrazonal: 0 }, { targetGap: 1e-3 });
    expect(Number.isFinite(res.objective)).toBe(true);
  });
  it('the synthetic city round-trips through PBF: generated, imported with grid zones, every link drawn', async () => {
    const file = path.join(tmp, 'city.osm.pbf');
    const st = generateCity(file, { spacingM: 800, bbox: [117.98, 36.74, 118.12, 36.86], motorwayEvery: 12 });
    expect(st.signals).toBeGreaterThan(0);
    const r = await importNetwork(file, { name: 'city', root: path.join(tmp, 'osm'), zones: 'grid:2km' });
    const types = r.summary.byType;
    for (const t of ['primary', 'secondary', 'tertiary', 'residential', 'motorway', 'motorway_link', 'connector'])
      expect(types[t]?.links ?? 0).toBeGreaterThan(0);
    expect(r.summary.signals).toBeGreaterThan(0);
    expect(r.summary.zones).toBeGreaterThan(20);
    // Same seed, same file, same network.
    const again = path.join(tmp, 'city2.osm.pbf');
    generateCity(again, { spacingM: 800, bbox: [117.98, 36.74, 118.12, 36.86], motorwayEvery: 12 });
    expect(readFileSync(again).equals(readFileSync(file))).toBe(true);
    const r2 = await importNetwork(again, { name: 'city2', root: path.join(tmp, 'osm'), zones: 'grid:2km' });
    expect(r2.meta.contentHash).toBe(r.meta.contentHash);
  });
});

describe('TNTP and GMNS sources', () => {
  const have = requireSharedData(SIOUX_FALLS_DIR);
  it.skipIf(!have)(
    'Sioux Falls imports, loads and assigns to the same gap and objective as the TNTP reader',
    async () => {
      const root = path.join(tmp, 'tntp');
      await importNetwork(SIOUX_FALLS_DIR, { name: 'sioux-falls', root });
      const n = loadNetwork('sioux-falls', root);
      const c = readTntpFolder(SIOUX_FALLS_DIR);
      const opts = { algorithm: 'bfw' as const, targetGap: 1e-5, maxIterations: 5000 };
      const a = assign(n.gmns.net, n.demand!, opts);
      const b = assign(c.net, c.demand, opts);
      expect(a.relativeGap).toBe(b.relativeGap);
      expect(a.objective).toBe(b.objective);
      expect(a.relativeGap).toBeLessThanOrEqual(1e-5);
      // The written folder is itself a GMNS source: importing it again keeps links, zones and demand.
      const again = await importNetwork(path.join(root, 'sioux-falls'), { name: 'sf-gmns', root });
      expect(again.meta.counts).toMatchObject({ links: 76, zones: 24, demandRows: n.demand ? 528 : 0 });
      const m = loadNetwork('sf-gmns', root);
      expect(assign(m.gmns.net, m.demand!, opts).objective).toBe(b.objective);
    },
  );
  it('--crs gcj02 converts a GMNS source to WGS-84 with gcoord (about 500 m in Zibo)', async () => {
    const src = path.join(tmp, 'gcj');
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'node.csv'), 'node_id,x_coord,y_coord,zone_id\n1,118.05,36.8,1\n2,118.06,36.8,2\n');
    writeFileSync(
      path.join(src, 'link.csv'),
      'from_node_id,to_node_id,length,lanes,capacity,free_speed\n1,2,900,1,1800,50\n2,1,900,1,1800,50\n',
    );
    await importNetwork(src, { name: 'gcj', root: path.join(tmp, 'g'), crs: 'gcj02' });
    const n = loadNetwork('gcj', path.join(tmp, 'g'));
    const dx = (n.nodes[0]!.lon - 118.05) * 111320 * Math.cos((36.8 * Math.PI) / 180);
    const dy = (n.nodes[0]!.lat - 36.8) * 110574;
    expect(Math.hypot(dx, dy)).toBeGreaterThan(300);
    expect(Math.hypot(dx, dy)).toBeLessThan(800);
    expect(n.links[0]!.geometry).toMatch(/^LINESTRING \(118\.0/);
  });
  it('a GMNS folder with planar coordinates, zones from zone.csv connected to the nearest nodes', async () => {
    const src = path.join(tmp, 'planar');
    mkdirSync(src, { recursive: true });
    const nodes = ['node_id,x_coord,y_coord'];
    const links = ['link_id,from_node_id,to_node_id,length,lanes,capacity,free_speed'];
    let id = 1;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) nodes.push(`${10 + i * 4 + j},${j * 1000},${i * 1000}`);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 3; j++) {
        const a = 10 + i * 4 + j;
        links.push(`${id++},${a},${a + 1},1000,1,1800,50`, `${id++},${a + 1},${a},1000,1,1800,50`);
        const b = 10 + j * 4 + i;
        links.push(`${id++},${b},${b + 4},1000,1,1800,50`, `${id++},${b + 4},${b},1000,1,1800,50`);
      }
    writeFileSync(path.join(src, 'node.csv'), nodes.join('\n') + '\n');
    writeFileSync(path.join(src, 'link.csv'), links.join('\n') + '\n');
    writeFileSync(path.join(src, 'zone.csv'), 'zone_id,x_coord,y_coord,population\n1,100,100,500\n2,2900,2900,700\n');
    const r = await importNetwork(src, { name: 'planar', root: path.join(tmp, 'g'), crs: 'planar' });
    expect(r.meta.crs).toBe('planar');
    expect(r.meta.counts).toMatchObject({ zones: 2, connectors: 12, links: 48 + 12 });
    const n = loadNetwork('planar', path.join(tmp, 'g'));
    expect(n.gmns.net.length[0]).toBe(1); // km, from the table
    expect(n.zones.map((z) => z.population)).toEqual([500, 700]);
  });
});

/** Run an import that must fail with a NetworkInputError whose message contains every `parts`; nothing written. */
async function expectBad(source: string, o: Parameters<typeof importNetwork>[1], parts: (string | RegExp)[]) {
  const root = o.root!;
  let err: unknown;
  try {
    await importNetwork(source, o);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(NetworkInputError);
  const msg = (err as Error).message;
  for (const p of parts) expect(msg).toMatch(p);
  expect(msg).toMatch(/Fix: /);
  expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
}

describe('bad input: a clear message, nothing written', () => {
  it('a truncated PBF', async () => {
    const file = path.join(tmp, 'trunc.osm.pbf');
    generateCity(file, { spacingM: 1000, bbox: [118.0, 36.75, 118.1, 36.85] });
    const bytes = readFileSync(file);
    const cut = path.join(tmp, 'cut.osm.pbf');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expectBad(cut, { name: 'x', root: path.join(tmp, 'bad1') }, ['cut.osm.pbf', /truncated or corrupt PBF/]);
  });
  it('an OSM file with no roads inside the boundary', async () => {
    const b = path.join(tmp, 'far.geojson');
    const ring = [
      [117.9, 36.5],
      [117.95, 36.5],
      [117.95, 36.55],
      [117.9, 36.55],
      [117.9, 36.5],
    ];
    writeFileSync(b, JSON.stringify({ type: 'Polygon', coordinates: [ring] }));
    await expectBad(FIXTURE, { name: 'x', root: path.join(tmp, 'bad2'), boundary: b }, [
      'rules.osm',
      /no road lies inside the boundary/,
    ]);
  });
  it('a boundary that is not a polygon', async () => {
    const b = path.join(tmp, 'line.geojson');
    writeFileSync(
      b,
      JSON.stringify({
        type: 'Feature',
        properties: {},
        geometry: {
          type: 'LineString',
          coordinates: [
            [118, 36.8],
            [118.1, 36.8],
          ],
        },
      }),
    );
    await expectBad(FIXTURE, { name: 'x', root: path.join(tmp, 'bad3'), boundary: b }, [
      'line.geojson',
      /LineString, not a Polygon/,
    ]);
  });
  it('GMNS with missing columns', async () => {
    const src = path.join(tmp, 'gmns-cols');
    mkdirSync(src);
    writeFileSync(path.join(src, 'node.csv'), 'node_id,x_coord,y_coord,zone_id\n1,118,36.8,1\n2,118.01,36.8,\n');
    writeFileSync(path.join(src, 'link.csv'), 'link_id,from_node_id,to_node_id,length\n1,1,2,900\n');
    await expectBad(src, { name: 'x', root: path.join(tmp, 'bad4') }, [
      'link.csv',
      'line 1',
      /missing columns "lanes", "capacity", "free_speed"/,
    ]);
  });
  it('GMNS with a dangling node id', async () => {
    const src = path.join(tmp, 'gmns-dangling');
    mkdirSync(src);
    writeFileSync(path.join(src, 'node.csv'), 'node_id,x_coord,y_coord,zone_id\n1,118,36.8,1\n2,118.01,36.8,\n');
    writeFileSync(
      path.join(src, 'link.csv'),
      'link_id,from_node_id,to_node_id,length,lanes,capacity,free_speed\n1,1,2,900,1,1800,50\n2,2,7,900,1,1800,50\n',
    );
    await expectBad(src, { name: 'x', root: path.join(tmp, 'bad5') }, [
      'link.csv',
      'line 3, column "to_node_id"',
      /node 7 is not in node.csv/,
    ]);
  });
  it.skipIf(!requireSharedData(SIOUX_FALLS_DIR))('TNTP whose link count disagrees with its header', async () => {
    const src = path.join(tmp, 'tntp-bad');
    cpSync(SIOUX_FALLS_DIR, src, { recursive: true });
    const f = path.join(src, 'SiouxFalls_net.tntp');
    writeFileSync(f, readFileSync(f, 'utf8').replace('<NUMBER OF LINKS> 76', '<NUMBER OF LINKS> 77'));
    await expectBad(src, { name: 'x', root: path.join(tmp, 'bad6') }, [
      'SiouxFalls_net.tntp',
      /found 76 link rows but <NUMBER OF LINKS> says 77/,
    ]);
  });
  it('OSM XML that is not well-formed', async () => {
    const f = path.join(tmp, 'broken.osm');
    writeFileSync(f, readFileSync(FIXTURE, 'utf8').replace('<way id="3">', '<way id="3"'));
    await expectBad(f, { name: 'x', root: path.join(tmp, 'bad8') }, [
      'broken.osm',
      /line \d+/,
      /not well-formed OSM XML/,
    ]);
  });
  it('a network name that would escape data/networks', async () => {
    for (const name of ['../evil', 'a/b', '.', '..', '', 'x'.repeat(65)])
      await expectBad(FIXTURE, { name, root: path.join(tmp, 'bad7') }, [/--name/, /network name/]);
  });
  it('an import that fails after reading leaves an earlier network of the same name untouched', async () => {
    const root = path.join(tmp, 'keep');
    await importNetwork(FIXTURE, { name: 'n', root });
    const before = readFileSync(path.join(root, 'n', 'link.csv'), 'utf8');
    await expect(importNetwork(path.join(tmp, 'cut.osm.pbf'), { name: 'n', root })).rejects.toThrow(NetworkInputError);
    expect(readdirSync(root)).toEqual(['n']);
    expect(readFileSync(path.join(root, 'n', 'link.csv'), 'utf8')).toBe(before);
  });
});
