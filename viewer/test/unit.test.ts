/**
 * Unit tests of the viewer's Node-side and pure parts: geodata build from data/zibo, CSV parsing, the series
 * index (step-hold lookup), artifact readers (replay, greenhouse hourly), colour scales and the static export.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildGeo } from '../geo.ts';
import { artifactFile, numArray, SeriesIndex, valueAt } from '../src/data.ts';
import { busiestSec, readReplayArtifact, syntheticTrajectories, VehicleReplay } from '../src/replay.ts';
import { Cartesian3 } from 'cesium';
import { readHourly } from '../src/drill/hourly.ts';
import { diffColour, shareColour, vcColour } from '../src/colours.ts';
import { periodSec } from '../src/charts.ts';
import { exportViewer } from '../../engine/exports/viewer-static.ts';
import { en } from '../src/i18n/en.ts';
import { zhCN } from '../src/i18n/zh-CN.ts';
import type { RunBundle, SeriesRow } from '../../engine/contract/index.ts';
import { repoRoot } from './checks.ts';

const row = (metric: string, entity: string, period: string, p50: number): SeriesRow => ({
  model: 'm',
  metric,
  entity,
  period,
  p10: p50 - 1,
  p50,
  p90: p50 + 1,
  mean: p50,
  n: 10,
});

describe('geo', () => {
  it('builds districts, roads and sites from data/zibo', () => {
    const geo = buildGeo(repoRoot);
    expect(geo.missing).toEqual([]);
    expect(geo.districts.map((d) => d.code).sort()).toEqual([
      '370302',
      '370303',
      '370304',
      '370305',
      '370306',
      '370321',
      '370322',
      '370323',
    ]);
    for (const d of geo.districts) {
      // Label points inside Zibo's bounding box (WGS-84).
      expect(d.label[0]).toBeGreaterThan(117.5);
      expect(d.label[0]).toBeLessThan(118.9);
      expect(d.label[1]).toBeGreaterThan(35.8);
      expect(d.label[1]).toBeLessThan(37.4);
    }
    expect(geo.roads.length).toBeGreaterThan(100);
    expect(geo.sites.some((s) => s.kind === 'cloud')).toBe(true);
    expect(geo.sites.filter((s) => s.kind === 'greenhouse').length).toBeGreaterThanOrEqual(3);
  });
  it('names the file and line of a link with an unknown node', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'geo-'));
    mkdirSync(path.join(dir, 'data/zibo/network'), { recursive: true });
    writeFileSync(path.join(dir, 'data/zibo/network/node.csv'), 'node_id,x_coord,y_coord\n1,118,36.8\n');
    writeFileSync(
      path.join(dir, 'data/zibo/network/link.csv'),
      'link_id,from_node_id,to_node_id,link_type\n7,1,99,arterial\n',
    );
    expect(() => buildGeo(dir)).toThrow(/link\.csv: line 2: link 7/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('series index', () => {
  const ix = new SeriesIndex([
    row('a', 'city', '2018-03', 3),
    row('a', 'city', '2018-01', 1),
    row('y', 'city', '2019', 9),
    row('y', 'city', '2018', 8),
  ]);
  it('sorts periods and holds the last value at or before the month', () => {
    expect(ix.get('a', 'city')!.periods).toEqual(['2018-01', '2018-03']);
    expect(ix.at('a', 'city', '2017-12')).toBeUndefined();
    expect(ix.at('a', 'city', '2018-02')!.p50).toBe(1);
    expect(ix.at('a', 'city', '2020-01')!.p50).toBe(3);
  });
  it('gives a yearly series its year', () => {
    expect(ix.at('y', 'city', '2018-12')!.p50).toBe(8);
    expect(ix.at('y', 'city', '2019-01')!.p50).toBe(9);
    expect(valueAt(ix.get('y', 'city')!, '2017-06')).toBeUndefined();
  });
  it('reads typed arrays that crossed JSON as index-keyed objects', () => {
    expect(numArray(JSON.parse(JSON.stringify(Float64Array.from([1.5, 2]))))).toEqual([1.5, 2]);
    expect(artifactFile(3, { model: 'traffic', name: 'replay', year: 2021 })).toBe('run-3/traffic-replay-2021.json');
  });
});

describe('artifact readers', () => {
  const roads = [
    {
      id: '1',
      cls: 'arterial',
      lanes: 2,
      district: '',
      lengthM: 1000,
      coords: [118, 36.8, 118.01, 36.8] as [number, number, number, number],
    },
    {
      id: '2',
      cls: 'arterial',
      lanes: 2,
      district: '',
      lengthM: 1000,
      coords: [118.01, 36.8, 118.02, 36.8] as [number, number, number, number],
    },
  ];
  it('reads columnar replay rows, grouping by vehicle and defaulting exit to the next entry', () => {
    const t = readReplayArtifact(
      {
        vehicle: [0, 0, 1],
        link: ['link:1', 'link:2', 2],
        enterSec: [100, 160, 120],
        exitSec: { 0: 160, 1: 200, 2: 150 },
      },
      roads,
    );
    expect(Array.from(t.offsets)).toEqual([0, 2, 3]);
    expect(Array.from(t.link)).toEqual([0, 1, 1]);
    expect(t.startSec).toBe(100);
    expect(t.endSec).toBe(200);
  });
  it('maps link indices through linkIds and keeps queue points (JSON null = never queued)', () => {
    const t = readReplayArtifact(
      JSON.parse(
        JSON.stringify({
          linkIds: ['2', '1'],
          vehicle: Int32Array.from([5, 5]),
          link: Int32Array.from([1, 0]),
          enterSec: [0, 100],
          exitSec: [100, 300],
          queueSec: [NaN, 200],
          queuePosM: [NaN, 600],
        }),
      ),
      roads,
    );
    expect(Array.from(t.link)).toEqual([0, 1]);
    expect(Number.isNaN(t.queueSec[0])).toBe(true);
    expect(t.queueSec[1]).toBe(200);
    expect(t.queueFrac[1]).toBeCloseTo(0.6);
  });
  it('reads per-vehicle replay lists and rejects one with no known link', () => {
    const t = readReplayArtifact({ vehicles: [{ links: [1, 2], times: [0, 30] }] }, roads);
    expect(Array.from(t.exitSec)).toEqual([30, 60]);
    expect(() => readReplayArtifact({ vehicle: [0], link: ['link:9'], enterSec: [0] }, roads)).toThrow(
      /no rows on known links/,
    );
  });
  it('moves points along links (free run, then the queue), hides them off the network, skips sub-pixel moves', () => {
    const fakeViewer = { scene: { primitives: { add() {}, remove() {} }, requestRender() {} } } as never;
    // One vehicle: link 1 from t=0 to 100 s joining the queue at 50 s, 800 m in (of 1000 m); then link 2 to 200 s.
    const t = readReplayArtifact(
      {
        vehicle: [0, 0],
        link: ['1', '2'],
        enterSec: [0, 100],
        exitSec: [100, 200],
        queueSec: [50, null],
        queuePosM: [800, null],
      },
      roads,
    );
    const r = new VehicleReplay(fakeViewer, roads, t);
    const point = (r as unknown as { prims: Array<{ position: Cartesian3; show: boolean }> }).prims[0];
    const at = (road: number, f: number) => {
      const a = Cartesian3.fromDegrees(roads[road].coords[0], roads[road].coords[1], 150),
        b = Cartesian3.fromDegrees(roads[road].coords[2], roads[road].coords[3], 150);
      return Cartesian3.lerp(a, b, f, new Cartesian3());
    };
    r.update(25); // half-way to the queue tail: 0.4 of the link
    expect(Cartesian3.distance(point.position, at(0, 0.4))).toBeLessThan(0.01);
    r.update(75); // half-way through the queue: 0.8 + 0.5 × 0.2
    expect(Cartesian3.distance(point.position, at(0, 0.9))).toBeLessThan(0.01);
    r.update(150);
    expect(Cartesian3.distance(point.position, at(1, 0.5))).toBeLessThan(0.01);
    expect(point.show).toBe(true);
    r.minMoveM = 50; // a move of ~4 m is below the threshold: not written
    const before = Cartesian3.clone(point.position);
    r.update(150.5);
    expect(r.written).toBe(0);
    expect(Cartesian3.equals(point.position, before)).toBe(true);
    r.update(250); // after its last link: hidden
    expect(point.show).toBe(false);
    expect(r.active).toBe(0);
    r.update(10); // time went back: cursors restart
    expect(Cartesian3.distance(point.position, at(0, 0.16))).toBeLessThan(0.01);
    expect(busiestSec(t)).toBeLessThan(200);
  });
  it('synthetic trajectories are seeded', () => {
    const a = syntheticTrajectories(roads, 50, 7),
      b = syntheticTrajectories(roads, 50, 7);
    expect(Array.from(a.enterSec)).toEqual(Array.from(b.enterSec));
    expect(a.offsets.length).toBe(51);
  });
  it('finds greenhouse hourly columns by name, in columns, records or nested per site', () => {
    const cols = { insideTempC: [10, 12], outsideTempC: [-5, -3], parUmolM2S: [0, 300], blanketClosed: [1, 0] };
    expect(readHourly(cols)!.light).toEqual([0, 300]);
    expect(
      readHourly([
        { hour: 0, insideTempC: 10 },
        { hour: 1, insideTempC: 11 },
      ])!.insideTempC,
    ).toEqual([10, 11]);
    expect(readHourly({ 'site:linzi': cols })!.label).toBe('site:linzi');
    expect(readHourly({ foo: [1, 2] })).toBeNull();
  });
});

describe('colours and charts', () => {
  it('share ramp runs dark → bright and v/c green → red', () => {
    const lum = (c: number[]) => 0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2];
    expect(lum(shareColour(1))).toBeGreaterThan(lum(shareColour(0)) + 60);
    expect(vcColour(0)[1]).toBeGreaterThan(vcColour(0)[0]);
    expect(vcColour(1)[0]).toBeGreaterThan(vcColour(1)[1]);
    // A higher = violet (blue-heavy), B higher = olive (red/green-heavy): the two ends differ in their blue.
    expect(diffColour(1, 1)[2]).toBeGreaterThan(diffColour(-1, 1)[2] + 100);
  });
  it('places periods on the time axis', () => {
    expect(periodSec('2019')).toBe(Date.UTC(2019, 6, 1) / 1000);
    expect(periodSec('2019-06')).toBe(Date.UTC(2019, 5, 15) / 1000);
  });
  it('zh-CN and English string tables have the same keys and no empty strings', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const v of [...Object.values(zhCN), ...Object.values(en)]) expect(v.length).toBeGreaterThan(0);
  });
});

describe('exportViewer', () => {
  it('copies the built viewer, marks it static and writes runs, bundles and artifacts', () => {
    const dist = mkdtempSync(path.join(os.tmpdir(), 'dist-'));
    writeFileSync(
      path.join(dist, 'index.html'),
      '<!doctype html><html><head><title>x</title></head><body></body></html>',
    );
    mkdirSync(path.join(dist, 'cesium'));
    writeFileSync(path.join(dist, 'cesium/a.js'), '1');
    const out = mkdtempSync(path.join(os.tmpdir(), 'out-'));
    const bundle = {
      run: { id: 4 },
      series: [],
      artifacts: [
        { model: 'greenhouse', name: 'hourly', year: 2019 },
        { model: 'traffic', name: 'replay', year: 2021 },
      ],
    } as unknown as RunBundle;
    exportViewer(
      out,
      [bundle],
      (_b, ref) => (ref.model === 'greenhouse' ? { insideTempC: Float32Array.from([1, 2]) } : undefined),
      { distDir: dist },
    );
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('<meta name="twin-source" content="static">');
    expect(existsSync(path.join(out, 'cesium/a.js'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'data/runs.json'), 'utf8'))).toEqual([{ id: 4 }]);
    expect(JSON.parse(readFileSync(path.join(out, 'data/run-4/greenhouse-hourly-2019.json'), 'utf8'))).toEqual({
      insideTempC: [1, 2],
    });
    // The artifact the callback left out is dropped from the exported bundle's list.
    expect(JSON.parse(readFileSync(path.join(out, 'data/run-4.json'), 'utf8')).artifacts).toEqual([
      { model: 'greenhouse', name: 'hourly', year: 2019 },
    ]);
    expect(() => exportViewer(out, [], () => undefined, { distDir: dist })).toThrow(/no runs/);
    rmSync(dist, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });
});
