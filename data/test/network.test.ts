import * as turf from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { gcjToWgs } from '../build/common.ts';
import { ANCHORS } from '../build/roads.ts';
import { loadDistricts, loadDivisions, loadRoadNetwork, loadZones, type LonLat } from '../index.ts';
import { kmOutsideZibo, unreachable } from './helpers.ts';

const districts = loadDistricts();
const net = loadRoadNetwork();
const zones = loadZones();
const byId = new Map(net.nodes.map((n) => [n.nodeId, n]));

describe('road network (GMNS node.csv + link.csv)', () => {
  it('has a few hundred links of every class', () => {
    expect(net.links.length).toBeGreaterThanOrEqual(500);
    for (const t of ['expressway', 'national', 'arterial', 'collector', 'connector'] as const) {
      expect(net.links.filter((l) => l.linkType === t).length, t).toBeGreaterThan(20);
    }
  });

  it('is strongly connected', () => {
    expect(unreachable(net)).toEqual({ forward: [], backward: [] });
  });

  it('every node lies inside Zibo or within 2 km of its outer boundary', () => {
    const bad = net.nodes.map((n) => ({ n, km: kmOutsideZibo([n.lon, n.lat], districts) })).filter((x) => x.km > 2);
    expect(bad.map((x) => `${x.n.nodeId} ${x.n.name} ${x.km.toFixed(2)} km`)).toEqual([]);
  });

  it('road link lengths match the geodesic distance of their end nodes; connectors are at least that long', () => {
    for (const l of net.links) {
      const a = byId.get(l.fromNodeId)!;
      const b = byId.get(l.toNodeId)!;
      const m = turf.distance([a.lon, a.lat], [b.lon, b.lat], { units: 'kilometers' }) * 1000;
      if (l.linkType === 'connector') expect(l.lengthM).toBeGreaterThanOrEqual(Math.floor(m));
      else expect(Math.abs(l.lengthM - m), `link ${l.linkId}`).toBeLessThan(2);
    }
  });

  it('attributes follow the class table and each road link has its reverse twin', () => {
    const key = new Set(net.links.map((l) => `${l.fromNodeId}>${l.toNodeId}`));
    for (const l of net.links) {
      expect(key.has(`${l.toNodeId}>${l.fromNodeId}`), `reverse of ${l.linkId}`).toBe(true);
      expect(l.lengthM).toBeGreaterThan(0);
      if (l.linkType === 'expressway') expect([l.freeSpeedKmPerH, l.signalized]).toEqual([110, false]);
      if (l.linkType === 'connector') expect(l.signalized).toBe(false);
    }
    expect(net.links.filter((l) => l.signalized).every((l) => byId.get(l.toNodeId)!.nodeType === 'signal')).toBe(true);
    expect(net.nodes.filter((n) => n.nodeType === 'signal').length).toBeGreaterThan(30);
  });

  it('Zhangdian grid anchors were converted from GCJ-02 (node = gcoord(anchor), ~0.5 km from the raw anchor)', () => {
    for (const name of ['road:liuquan:n', 'road:renmin:w', 'road:zhangnan:s'] as const) {
      const raw = ANCHORS[name]!;
      const want = gcjToWgs(raw);
      const nearest = net.nodes.reduce(
        (best, n) => {
          const d = turf.distance([n.lon, n.lat], want, { units: 'kilometers' });
          return d < best.d ? { n, d } : best;
        },
        { n: net.nodes[0]!, d: Infinity },
      );
      expect(nearest.d * 1000, name).toBeLessThan(1);
      expect(turf.distance([nearest.n.lon, nearest.n.lat], raw, { units: 'kilometers' }) * 1000).toBeGreaterThan(300);
    }
  });
});

describe('zones.csv', () => {
  const towns = loadDivisions().children[0].children.flatMap((c) => c.children.map((t) => ({ ...t, county: c.code })));

  it('one zone per town/street, ids 1..88, centroid nodes with the same ids', () => {
    expect(zones.map((z) => z.zoneId)).toEqual(Array.from({ length: 88 }, (_, i) => i + 1));
    expect(zones.map((z) => z.townCode).sort()).toEqual(towns.map((t) => t.code).sort());
    for (const z of zones) {
      const n = byId.get(z.zoneId)!;
      expect([n.nodeType, n.zoneId, n.lon, n.lat]).toEqual(['centroid', z.zoneId, z.lon, z.lat]);
      const out = net.links.filter((l) => l.fromNodeId === z.zoneId);
      const inn = net.links.filter((l) => l.toNodeId === z.zoneId);
      expect(out.length).toBeGreaterThan(0);
      expect(inn.length).toBeGreaterThan(0);
      expect([...out, ...inn].every((l) => l.linkType === 'connector')).toBe(true);
    }
  });

  it('every centroid lies inside its county', () => {
    for (const z of zones) {
      const d = districts.find((x) => x.code === z.countyCode)!;
      expect(
        turf.booleanPointInPolygon([z.lon, z.lat] as LonLat, turf.polygon(d.polygon)),
        `${z.zoneId} ${z.name}`,
      ).toBe(true);
    }
  });

  it('zone populations add up to the 2020 county populations', () => {
    const total = zones.reduce((a, z) => a + z.population, 0);
    expect(total).toBe(4_704_138);
    expect(zones.every((z) => z.population > 0)).toBe(true);
  });
});
