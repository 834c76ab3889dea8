import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as turf from '@turf/turf';
import type { Feature, LineString } from 'geojson';
import { describe, expect, it } from 'vitest';
import { gcjToWgs, npmCached, ECHARTS_CITIES, wgsToGcj, type LonLat } from '../build/common.ts';
import { readSourceDistricts } from '../build/districts.ts';
import { loadDistricts, ZIBO_DATA_DIR } from '../index.ts';

const districts = loadDistricts();

describe('districts.geojson', () => {
  it('has the 8 county-level divisions with the national codes', () => {
    expect(districts.map((d) => d.code).sort()).toEqual([
      '370302',
      '370303',
      '370304',
      '370305',
      '370306',
      '370321',
      '370322',
      '370323',
    ]);
  });

  it('areas (turf, WGS-84) are within 3 % of the official figures', () => {
    for (const d of districts) {
      const area = turf.area(turf.polygon(d.polygon)) / 1e6;
      expect(Math.abs(area - d.areaKm2)).toBeLessThan(0.01); // the stored area is the outline's
      expect(
        Math.abs(area / d.officialAreaKm2 - 1),
        `${d.code} ${d.nameEn}: ${area.toFixed(1)} vs ${d.officialAreaKm2}`,
      ).toBeLessThan(0.03);
    }
    expect(districts.find((d) => d.code === '370303')!.officialAreaKm2).toBe(360.27);
    const total = districts.reduce((a, d) => a + turf.area(turf.polygon(d.polygon)) / 1e6, 0);
    expect(Math.abs(total / 5965 - 1)).toBeLessThan(0.03);
  });

  it('outlines are simplified to a few hundred vertices each', () => {
    for (const d of districts) {
      const n = d.polygon.reduce((a, r) => a + r.length, 0);
      expect(n).toBeGreaterThan(100);
      expect(n).toBeLessThan(600);
    }
  });

  it('seats lie inside their own county', () => {
    for (const d of districts) expect(turf.booleanPointInPolygon(d.seat, turf.polygon(d.polygon)), d.code).toBe(true);
  });
});

describe('GCJ-02 → WGS-84', () => {
  const raw = JSON.parse(readFileSync(join(ZIBO_DATA_DIR, 'districts.geojson'), 'utf8')) as {
    features: { properties: { code: string; sourceCentreGcj02: LonLat; seat: LonLat; seatGcj02: LonLat } }[];
  };

  it('each outline sits a few hundred metres from its GCJ-02 source, in the direction gcoord gives', () => {
    for (const d of districts) {
      const props = raw.features.find((f) => f.properties.code === d.code)!.properties;
      const wgsCentre = turf.centerOfMass(turf.polygon(d.polygon)).geometry.coordinates as LonLat;
      const srcCentre = props.sourceCentreGcj02;
      const shiftM = turf.distance(wgsCentre, srcCentre, { units: 'kilometers' }) * 1000;
      expect(shiftM, d.code).toBeGreaterThan(200);
      expect(shiftM, d.code).toBeLessThan(1000);
      // Expected direction: where gcoord moves the WGS-84 centre when it converts it to GCJ-02.
      const expectedBearing = turf.bearing(wgsCentre, wgsToGcj(wgsCentre));
      const actualBearing = turf.bearing(wgsCentre, srcCentre);
      const diff = Math.abs(((actualBearing - expectedBearing + 540) % 360) - 180);
      expect(diff, `${d.code}: bearing ${actualBearing.toFixed(1)} vs ${expectedBearing.toFixed(1)}`).toBeLessThan(15);
      // And the round trip lands back on the source centre (simplification moves the centre only a little).
      expect(turf.distance(wgsToGcj(wgsCentre), srcCentre, { units: 'kilometers' }) * 1000, d.code).toBeLessThan(100);
    }
  });

  it('seats are the converted source label points (not left in GCJ-02)', () => {
    for (const f of raw.features) {
      const { seat, seatGcj02 } = f.properties;
      expect(seat).toEqual(gcjToWgs(seatGcj02));
      expect(turf.distance(seat, seatGcj02, { units: 'kilometers' })).toBeGreaterThan(0.2);
    }
  });

  it.skipIf(!npmCached(ECHARTS_CITIES))(
    'every 10th committed vertex, converted back to GCJ-02, lies on the source outline (±150 m); unconverted it does not',
    () => {
      const src = readSourceDistricts();
      for (const d of districts) {
        const s = src.find((f) => String(f.id) === d.code)!;
        const line = turf.polygonToLine(turf.polygon(s.geometry.coordinates)) as Feature<LineString>;
        let worst = 0;
        const raw: number[] = [];
        for (const p of d.polygon[0]!.filter((_, i) => i % 10 === 0)) {
          worst = Math.max(worst, turf.pointToLineDistance(wgsToGcj(p), line, { units: 'kilometers' }) * 1000);
          raw.push(turf.pointToLineDistance(p, line, { units: 'kilometers' }) * 1000);
        }
        raw.sort((a, b) => a - b);
        expect(worst, d.code).toBeLessThan(150);
        // Unconverted, the median vertex is a few hundred metres off the source outline (shift ~0.5 km, any edge direction).
        expect(
          raw[raw.length >> 1]!,
          `${d.code}: the WGS outline must not coincide with the GCJ source`,
        ).toBeGreaterThan(150);
      }
    },
  );
});
