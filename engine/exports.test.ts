// Exports for other tools: CSV per series, GeoJSON of districts and links with results, CZML of the rollout timeline
// (loaded with Cesium's own CzmlDataSource, so "opens in any Cesium app" is checked, not assumed).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDistricts, loadRoadNetwork } from '../data/index.ts';
import { periodInterval } from './exports/czml.ts';
import { ramp } from './contract/index.ts';
import { fixtureShare, fixtureStore } from './report/test-fixture.ts';
import { loadTargets } from './targets.ts';
import { tmpDir, twin } from './test/helpers.ts';

const dir = tmpDir('twin-exports-');
const db = path.join(dir, 'fx.sqlite');
const { store, runId } = fixtureStore(db);
const districts = loadDistricts();
afterAll(() => store.close());

describe('twin export --format csv-dir|geojson|czml', () => {
  it('csv-dir: one CSV per metric with every row, targets.csv, README; Excel BOM', () => {
    const out = path.join(dir, 'csv');
    const r = twin(['export', String(runId), '--format', 'csv-dir', '--out', out, '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['README.txt', 'greenhouse', 'rollout', 'targets.csv', 'traffic']);
    const csv = readFileSync(path.join(out, 'rollout', 'extranet.liveShare.csv'), 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('entity,period,p10,p50,p90,mean,n');
    expect(lines.length - 1).toBe(9 * 60);
    const row = lines.find((l) => l.startsWith(`${districts[3]!.code},2019-06,`))!.split(',');
    expect(Number(row[3])).toBeCloseTo(fixtureShare(3, 29) + 0.05, 12);
    const targets = readFileSync(path.join(out, 'targets.csv'), 'utf8').slice(1).trim().split('\r\n');
    expect(targets.length - 1).toBe(loadTargets().length);
    expect(targets.find((l) => l.startsWith('extranet-3-levels,'))).toContain(',at-risk,2019-03,');
  });

  it('geojson: districts and links with yearly P10/P50/P90 properties', () => {
    const out = path.join(dir, 'geo');
    const r = twin(['export', 'latest', '--format', 'geojson', '--out', out, '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    const d = JSON.parse(readFileSync(path.join(out, 'districts.geojson'), 'utf8'));
    expect(d.type).toBe('FeatureCollection');
    expect(d.run.id).toBe(runId);
    expect(d.features).toHaveLength(8);
    const f = d.features[2];
    expect(f.geometry.type).toBe('Polygon');
    // The yearly value is December's.
    expect(f.properties['extranet.liveShare.2019.p50']).toBeCloseTo(Math.min(1, fixtureShare(2, 35) + 0.05), 5);
    expect(f.properties['extranet.liveShare.2019.p10']).toBeLessThan(f.properties['extranet.liveShare.2019.p50']);
    const l = JSON.parse(readFileSync(path.join(out, 'links.geojson'), 'utf8'));
    expect(l.features).toHaveLength(loadRoadNetwork().links.length);
    const l2 = l.features.find((x: { id: string }) => x.id === 'link:2');
    expect(l2.geometry.type).toBe('LineString');
    expect(l2.properties['traffic.linkVc.2020.p50']).toBeCloseTo(0.82, 9);
    for (const [lon, lat] of l2.geometry.coordinates) {
      expect(lon).toBeGreaterThan(117);
      expect(lon).toBeLessThan(119);
      expect(lat).toBeGreaterThan(35.5);
      expect(lat).toBeLessThan(37.5);
    }
  });

  it('czml: loads in Cesium; each district colour at a time matches that month’s P50', async () => {
    const out = path.join(dir, 'rollout.czml');
    const r = twin(['export', String(runId), '--format', 'czml', '--out', out, '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    const czml = JSON.parse(readFileSync(out, 'utf8'));
    expect(czml[0]).toMatchObject({ id: 'document', version: '1.0' });
    expect(czml[0].clock.interval).toBe('2017-01-01T00:00:00Z/2022-01-01T00:00:00Z');
    // Node has no DOM Image; Cesium's CZML reader only compares against the class while unwrapping number intervals.
    (globalThis as { Image?: unknown }).Image ??= class {};
    const Cesium = await import('cesium');
    const ds = await Cesium.CzmlDataSource.load(czml);
    expect(ds.entities.values).toHaveLength(8);
    const k = 5;
    const e = ds.entities.getById(`district-${districts[k]!.code}`)!;
    const when = Cesium.JulianDate.fromIso8601('2019-06-15T00:00:00Z');
    const c = e.polygon!.material.getValue(when).color as InstanceType<typeof Cesium.Color>;
    const expected = ramp(fixtureShare(k, 29) + 0.05);
    expect(Math.round(c.red * 255)).toBe(parseInt(expected.slice(1, 3), 16));
    expect(Math.round(c.blue * 255)).toBe(parseInt(expected.slice(5, 7), 16));
    expect(e.properties!.valueP50.getValue(when)).toBeCloseTo(fixtureShare(k, 29) + 0.05, 9);
    expect(periodInterval('2019-12')).toBe('2019-12-01T00:00:00Z/2020-01-01T00:00:00Z');
    const bad = twin([
      'export',
      String(runId),
      '--format',
      'czml',
      '--metric',
      'nope.metric',
      '--out',
      out,
      '--db',
      db,
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('district metrics in this run: extranet.liveShare');
  }, 120_000);
});
