/**
 * End to end through the real CLI (node engine/bin/twin.mjs, its worker pool included): a small synthetic city is
 * written as .osm.pbf, imported into a temporary networks folder (TWIN_NETWORKS_DIR), run with `traffic.network`
 * by the static and the dynamic traffic model (2 replications, 1 year), and exported as GeoJSON. Checks: link series
 * are that network's links, the provenance has its name and content hash, the export draws its shapes, and
 * `validate` names the available networks for an unknown one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNetworkFiles } from '../../data/networks.ts';
import { createRng } from '../../models/lib/rng.ts';
import {
  loadTrafficDynamicInputs,
  runTrafficDynamic,
  trafficDynamicParamsSchema,
} from '../../models/traffic/dynamic/model.ts';
import { loadTrafficInputs, runTraffic, ziboPeakHourCase } from '../../models/traffic/model.ts';
import { trafficParamsSchema } from '../../models/traffic/params.ts';
import { ENGINE_ROOT } from '../paths.ts';
import { openStore } from '../store.ts';
import { generateCity } from './generate-city.ts';
import { importNetwork } from './import.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'run-net-'));
const nets = path.join(tmp, 'networks');
const db = path.join(tmp, 'twin.sqlite');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function twin(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.join(ENGINE_ROOT, 'engine', 'bin', 'twin.mjs'), ...args], {
    cwd: ENGINE_ROOT,
    env: { ...process.env, TWIN_NETWORKS_DIR: nets, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const scenario = (network: string): string => `name: small-net
description: the peak hour on an imported network
period: { startYear: 2017, endYear: 2017 }
seed: 7
replications: 2
models: [traffic, traffic-dynamic]
traffic: { network: ${network} }
traffic-dynamic: { traffic: { network: ${network} } }
`;

describe('a scenario on an imported network, through the CLI', () => {
  beforeAll(() => {
    generateCity(path.join(tmp, 'small.osm.pbf'), {
      spacingM: 800,
      bbox: [117.98, 36.76, 118.08, 36.84],
      motorwayEvery: 12,
    });
  });

  it('imports, validates, runs static + dynamic traffic, records the network, exports its roads', () => {
    const imp = twin(['network', 'import', path.join(tmp, 'small.osm.pbf'), '--name', 'small', '--zones', 'grid:2km']);
    expect(imp.err).toBe('');
    expect(imp.code).toBe(0);
    const files = readNetworkFiles('small', nets);
    const roadIds = new Set(files.links.filter((l) => l.linkType !== 'connector').map((l) => `link:${l.linkId}`));
    expect(roadIds.size).toBeGreaterThan(100);

    const file = path.join(tmp, 'small.yaml');
    writeFileSync(file, scenario('small'));
    const v = twin(['validate', file]);
    expect(v.code).toBe(0);

    const run = twin(['run', file, '--db', db, '--threads', '2']);
    expect(run.code, run.err).toBe(0);

    const store = openStore(db);
    try {
      const r = store.run(1)!;
      expect(r.status).toBe('done');
      const stored = JSON.parse(r.scenarioJson) as { networks: Record<string, { name: string; contentHash: string }> };
      for (const m of ['traffic', 'traffic-dynamic']) {
        expect(stored.networks[m]!.name).toBe('small');
        expect(stored.networks[m]!.contentHash).toBe(files.meta.contentHash);
      }
      expect(files.meta.contentHash).toMatch(/^[0-9a-f]{64}$/);
      const series = store.series(1);
      // Every link series is one of this network's roads, and every road has one (connectors are excluded).
      const flowEntities = new Set(series.filter((s) => s.metric === 'traffic.linkFlowVehPerH').map((s) => s.entity));
      expect(flowEntities).toEqual(roadIds);
      for (const s of series.filter((x) => x.metric === 'traffic.linkFlowVehPerH')) expect(s.n).toBe(2);
      const city = (metric: string) => series.find((s) => s.metric === metric && s.entity === 'city');
      expect(city('traffic.demandVehPerH')!.p50).toBeGreaterThan(1000);
      expect(city('traffic.relativeGap')!.p50).toBeLessThan(1e-4);
      // The dynamic model loaded the same peak on the same network: its trips are the static OD, rounded.
      expect(Math.abs(city('traffic.peakTrips')!.mean - city('traffic.demandVehPerH')!.mean)).toBeLessThan(2);
      expect(city('traffic.peakVktVehKm')!.p50).toBeGreaterThan(0);
      // Smart-signal rollout by district: the links were located in Zibo's districts at import (Zhangdian here).
      expect(series.some((s) => s.metric === 'traffic.smartSignalShare' && s.entity === '370303')).toBe(true);
    } finally {
      store.close();
    }

    const out = path.join(tmp, 'geo');
    const ex = twin(['export', 'latest', '--db', db, '--format', 'geojson', '--out', out]);
    expect(ex.code, ex.err).toBe(0);
    const gj = JSON.parse(readFileSync(path.join(out, 'links.geojson'), 'utf8')) as {
      network: { name: string; contentHash: string };
      features: { id: string; geometry: { coordinates: number[][] }; properties: Record<string, unknown> }[];
    };
    expect(gj.network.name).toBe('small');
    expect(gj.network.contentHash).toBe(files.meta.contentHash);
    expect(gj.features.map((f) => f.id).sort()).toEqual(files.links.map((l) => `link:${l.linkId}`).sort());
    // Shapes come from the network's geometry (contracted chains keep their inner points), with the run's results.
    const byId = new Map(files.links.map((l) => [`link:${l.linkId}`, l]));
    let bent = 0;
    for (const f of gj.features) {
      const l = byId.get(f.id)!;
      const pts = l.geometry.replace(/^LINESTRING \(|\)$/g, '').split(', ');
      expect(f.geometry.coordinates.length).toBe(pts.length);
      if (pts.length > 2) bent++;
      if (roadIds.has(f.id)) expect(f.properties['traffic.linkFlowVehPerH.2017.p50']).toBeTypeOf('number');
    }
    expect(bent).toBeGreaterThan(0);
  }, 300_000);

  it('validate: an unknown network is an error naming the available ones, exit 2', () => {
    const file = path.join(tmp, 'bad.yaml');
    writeFileSync(file, scenario('nope'));
    const v = twin(['validate', file]);
    expect(v.code).toBe(2);
    expect(v.err + v.out).toMatch(/traffic\.network: no network "nope" in .*\(available: zibo-sketch(, small)?\)/);
  });
});

describe('a planar network with its own OD, in-process', () => {
  it('keeps the base-year OD grown by car ownership, one pseudo-district, dynamic loading in metres', async () => {
    const src = path.join(tmp, 'planar-src');
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
    writeFileSync(path.join(src, 'zone.csv'), 'zone_id,x_coord,y_coord\n1,100,100\n2,2900,2900\n');
    writeFileSync(path.join(src, 'demand.csv'), 'o_zone_id,d_zone_id,volume\n1,2,300\n2,1,200\n');
    const root = path.join(tmp, 'planar-nets');
    await importNetwork(src, { name: 'grid16', root, crs: 'planar' });
    const before = process.env.TWIN_NETWORKS_DIR;
    process.env.TWIN_NETWORKS_DIR = root;
    try {
      const p = trafficParamsSchema.parse({ network: 'grid16' });
      const inp = loadTrafficInputs(p);
      expect(inp.network.name).toBe('grid16');
      expect(inp.network.crs).toBe('planar');
      expect(inp.districts).toEqual([]);
      const draws = { demandFactor: 1, capacityGain: 0.1 };
      // 2017 is the base year of the network's own OD: exactly its 500 trips; later years grow with car ownership.
      expect(ziboPeakHourCase(p, inp, 2017, draws).demand.total).toBeCloseTo(500, 9);
      const cars = (y: number) => inp.carsPer1000ByYear[y]!;
      expect(ziboPeakHourCase(p, inp, 2021, draws).demand.total).toBeCloseTo((500 * cars(2021)) / cars(2017), 6);
      const job = { model: 'traffic', years: [2019], replication: 0, attempt: 1, seed: 3, crnSeed: 5 };
      const out = runTraffic(p, inp, job, createRng(3));
      const entities = new Set(out.series.map((s) => s.entity));
      expect(entities.has('')).toBe(false);
      expect(entities.has('city')).toBe(true);
      expect([...entities].filter((e) => e.startsWith('link:')).length).toBe(48);
      const dp = trafficDynamicParamsSchema.parse({ traffic: { network: 'grid16' } });
      const dinp = loadTrafficDynamicInputs(dp);
      // Planar coordinates are metres already: neighbouring lattice nodes 1,000 m apart.
      const i10 = dinp.nodes.findIndex((n) => n.lon === 0 && n.lat === 0);
      const i11 = dinp.nodes.findIndex((n) => n.lon === 1000 && n.lat === 0);
      expect(dinp.nodeXM[i11]! - dinp.nodeXM[i10]!).toBe(1000);
      const dyn = runTrafficDynamic(dp, dinp, { ...job, model: 'traffic-dynamic' }, createRng(3));
      const trips = dyn.series.find((s) => s.metric === 'traffic.peakTrips' && s.entity === 'city')!.values[0]!;
      const od = out.series.find((s) => s.metric === 'traffic.demandVehPerH' && s.entity === 'city')!.values[0]!;
      expect(Math.abs(trips - od)).toBeLessThan(1);
    } finally {
      if (before === undefined) delete process.env.TWIN_NETWORKS_DIR;
      else process.env.TWIN_NETWORKS_DIR = before;
    }
  });
});
