// The imported-network drawing helpers (viewer/src/network.ts) and the replay's rule for hidden links, in Node.
import { describe, expect, it } from 'vitest';
import type { NetworkRoads, RunBundle } from '../../engine/contract/index.ts';
import { isHiddenClass, netRoads, roadRank, runNetworkName, simplifyLine } from '../src/network.ts';
import { readReplayArtifact } from '../src/replay.ts';
import type { GeoRoad } from '../geo.ts';

const road = (id: string, cls: string, coords: [number, number, number, number]): GeoRoad => ({
  id,
  cls,
  lanes: 1,
  district: '',
  lengthM: 1000,
  coords,
});

describe('simplifyLine (Douglas–Peucker in metres)', () => {
  // A 1.1 km line along 36.8° N with a 20 m bump in the middle and a 300 m bend near the end.
  const dLat = (m: number) => m / 110_540;
  const line = [118, 36.8, 118.005, 36.8 + dLat(20), 118.01, 36.8, 118.012, 36.8 + dLat(300)];
  it('keeps the end points and every point farther than the tolerance', () => {
    expect(simplifyLine(line, 5)).toEqual(line);
    expect(simplifyLine(line, 50)).toEqual([118, 36.8, 118.01, 36.8, 118.012, 36.8 + dLat(300)]);
    expect(simplifyLine(line, 1000)).toEqual([118, 36.8, 118.012, 36.8 + dLat(300)]);
  });
  it('leaves two-point lines alone', () => {
    expect(simplifyLine([1, 2, 3, 4], 1e6)).toEqual([1, 2, 3, 4]);
  });
});

describe('road classes', () => {
  it('ranks major roads first and ramps with the secondary ones', () => {
    expect(['motorway', 'trunk', 'primary', 'motorway_link', 'secondary', 'residential'].map(roadRank)).toEqual([
      0, 0, 1, 2, 2, 3,
    ]);
    expect(isHiddenClass('connector')).toBe(true);
    expect(isHiddenClass('primary')).toBe(false);
  });
});

describe('netRoads', () => {
  const n: NetworkRoads = {
    name: 'x',
    contentHash: 'h',
    crs: 'wgs84',
    licence: '',
    attribution: '',
    id: ['1', '2'],
    cls: [0, 1],
    classes: ['primary', 'connector'],
    lanes: [2, 1],
    lengthM: [900, 100],
    hidden: [0, 1],
    offsets: [0, 3, 5],
    coords: [118, 36.8, 118.005, 36.801, 118.01, 36.8, 118, 36.81, 118, 36.8],
  };
  it('unpacks the columns: shape, end points, hidden connectors', () => {
    const r = netRoads(n);
    expect(r.map((x) => x.id)).toEqual(['1', '2']);
    expect(r[0]!.shape).toEqual([118, 36.8, 118.005, 36.801, 118.01, 36.8]);
    expect(r[0]!.coords).toEqual([118, 36.8, 118.01, 36.8]);
    expect(r.map((x) => x.hidden)).toEqual([false, true]);
    expect(r[0]!.rank).toBe(1);
  });
  it('places a planar network (metres) with its centre on Zibo', () => {
    const r = netRoads({ ...n, crs: 'planar', coords: [0, 0, 500, 0, 1000, 0, 0, 1000, 0, 0] });
    const xs = r.flatMap((x) => x.shape.filter((_, i) => i % 2 === 0));
    const ys = r.flatMap((x) => x.shape.filter((_, i) => i % 2 === 1));
    expect((Math.min(...xs) + Math.max(...xs)) / 2).toBeCloseTo(118.05, 9);
    expect((Math.min(...ys) + Math.max(...ys)) / 2).toBeCloseTo(36.8, 9);
    // 1,000 m east–west is 1,000 m on the ground at that latitude.
    expect((Math.max(...xs) - Math.min(...xs)) * 111_320 * Math.cos((36.8 * Math.PI) / 180)).toBeCloseTo(1000, 3);
  });
});

describe('runNetworkName', () => {
  const bundle = (b: Partial<RunBundle>) => ({ scenario: {}, ...b }) as RunBundle;
  it('reads the provenance, else the scenario; the sketch means none', () => {
    const ref = { name: 'zibo-osm', contentHash: 'h', crs: 'wgs84' as const, licence: '', attribution: '' };
    expect(runNetworkName(bundle({ networks: { traffic: ref } }))).toBe('zibo-osm');
    expect(runNetworkName(bundle({ networks: { 'traffic-dynamic': ref } }))).toBe('zibo-osm');
    expect(runNetworkName(bundle({ scenario: { traffic: { network: 'b' } } }))).toBe('b');
    expect(runNetworkName(bundle({ scenario: { traffic: { network: 'zibo-sketch' } } }))).toBeNull();
    expect(runNetworkName(bundle({}))).toBeNull();
  });
});

describe('replay on hidden links', () => {
  it('draws no vehicle on a zone connector: those traversals are dropped, the others kept', () => {
    const roads = [
      road('1', 'connector', [118, 36.8, 118.01, 36.8]),
      road('2', 'primary', [118.01, 36.8, 118.02, 36.8]),
      road('3', 'connector', [118.02, 36.8, 118.03, 36.8]),
    ];
    const t = readReplayArtifact(
      { vehicle: [0, 0, 0], link: [1, 2, 3], enterSec: [0, 30, 90], exitSec: [30, 90, 120] },
      roads,
    );
    expect(Array.from(t.link)).toEqual([1]);
    expect(Array.from(t.enterSec)).toEqual([30]);
    // Imported-network roads say so with `hidden` whatever their class name.
    const hiddenByFlag = [{ ...roads[1]!, hidden: true }, roads[0]!];
    expect(() => readReplayArtifact({ vehicle: [0], link: [2], enterSec: [0], exitSec: [9] }, hiddenByFlag)).toThrow(
      /no rows on known links/,
    );
  });
});
