/**
 * Build-time geodata for the viewer: reads the committed Zibo data (`data/zibo/`) and writes one compact JSON
 * (`geo/zibo.json` in the build) with district outlines, roads by class and sites. Runs in Node (vite plugin and
 * tests), never in the browser. Missing files are reported in `missing` and the viewer shows what it has.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsvRecords } from '../data/csv.ts';

/** One district/county polygon (WGS-84 degrees). */
export interface GeoDistrict {
  code: string;
  name: string;
  nameEn: string;
  /** Outer rings, each a flat [lon, lat, lon, lat, ...] array (multi-polygons give several). */
  rings: number[][];
  /** Label point [lon, lat]. */
  label: [number, number];
  areaKm2: number | null;
}

/** One road link from GMNS link.csv, as a straight segment between its nodes. */
export interface GeoRoad {
  /** Link id as in the series entities without the prefix: series entity is `link:<id>`. */
  id: string;
  cls: string;
  lanes: number;
  district: string;
  /** Length from link.csv (m); the straight-line distance when the column is missing. */
  lengthM: number;
  /** [lon0, lat0, lon1, lat1]. */
  coords: [number, number, number, number];
}

/** A site (greenhouse cluster, cloud centre, government seat). */
export interface GeoSite {
  /** Series entity id, e.g. `site:linzi-huangcheng`. */
  id: string;
  kind: string;
  name: string;
  nameEn: string;
  lon: number;
  lat: number;
  areaM2: number | null;
}

export interface ZiboGeo {
  /** Files read, relative to the repo root. */
  sources: string[];
  /** Planned files that were not found (the viewer says so instead of drawing them). */
  missing: string[];
  districts: GeoDistrict[];
  roads: GeoRoad[];
  sites: GeoSite[];
}

/** Header-keyed rows of a CSV file with trimmed cells (data/csv.ts does the parsing); `line` is the file's line. */
function readCsvRecords(file: string, required: string[]): Array<{ line: number; r: Record<string, string> }> {
  return parseCsvRecords(readFileSync(file, 'utf8'), file, required).map(({ line, record }) => {
    for (const k in record) record[k] = record[k]!.trim();
    return { line, r: record };
  });
}

function pick(obj: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (obj[k] !== undefined && obj[k] !== null && obj[k] !== '') return obj[k];
  return undefined;
}

function ringsOf(geometry: { type: string; coordinates: unknown }): number[][] {
  const polys =
    geometry.type === 'Polygon'
      ? [geometry.coordinates as number[][][]]
      : geometry.type === 'MultiPolygon'
        ? (geometry.coordinates as number[][][][])
        : [];
  return polys.map((p) => p[0].flatMap(([lon, lat]) => [round6(lon), round6(lat)]));
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Area-weighted centroid of a flat ring (planar in degrees: fine for a label point). */
function ringCentroid(r: number[]): [number, number] {
  let a = 0,
    cx = 0,
    cy = 0;
  for (let i = 0; i < r.length - 2; i += 2) {
    const x0 = r[i],
      y0 = r[i + 1],
      x1 = r[i + 2],
      y1 = r[i + 3];
    const f = x0 * y1 - x1 * y0;
    a += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  if (Math.abs(a) < 1e-12) return [r[0], r[1]];
  return [round6(cx / (3 * a)), round6(cy / (3 * a))];
}

function readDistricts(file: string): GeoDistrict[] {
  const fc = JSON.parse(readFileSync(file, 'utf8')) as {
    features?: Array<{
      id?: unknown;
      properties?: Record<string, unknown>;
      geometry: { type: string; coordinates: unknown };
    }>;
  };
  if (!Array.isArray(fc.features)) throw new Error(`${file}: expected a GeoJSON FeatureCollection with "features"`);
  return fc.features.map((f, i) => {
    const p = f.properties ?? {};
    const code = String(pick(p, ['code', 'adcode', 'id']) ?? f.id ?? '');
    if (!code) throw new Error(`${file}: feature ${i} has no "code" property (the 6-digit division code)`);
    const rings = ringsOf(f.geometry);
    if (!rings.length) throw new Error(`${file}: feature ${i} (${code}) is not a Polygon/MultiPolygon`);
    const biggest = rings.reduce((a, b) => (b.length > a.length ? b : a));
    const cp = pick(p, ['label', 'cp', 'center']);
    const label: [number, number] =
      Array.isArray(cp) && cp.length >= 2 ? [Number(cp[0]), Number(cp[1])] : ringCentroid(biggest);
    const area = Number(pick(p, ['areaKm2', 'area_km2', 'areaKm2Turf', 'area']));
    return {
      code,
      name: String(pick(p, ['nameZh', 'name_zh', 'name', 'zh']) ?? code),
      nameEn: String(pick(p, ['nameEn', 'name_en', 'en', 'name']) ?? code),
      rings,
      label,
      areaKm2: Number.isFinite(area) ? area : null,
    };
  });
}

function readRoads(nodeFile: string, linkFile: string): GeoRoad[] {
  const nodes = new Map<string, [number, number]>();
  for (const { line, r: n } of readCsvRecords(nodeFile, ['node_id', 'x_coord', 'y_coord'])) {
    const x = Number(n.x_coord),
      y = Number(n.y_coord);
    if (!n.node_id || !Number.isFinite(x) || !Number.isFinite(y)) {
      throw new Error(`${nodeFile}: line ${line}: node_id, x_coord and y_coord (WGS-84 degrees) are required`);
    }
    nodes.set(n.node_id, [x, y]);
  }
  const roads: GeoRoad[] = [];
  for (const { line, r: l } of readCsvRecords(linkFile, ['link_id', 'from_node_id', 'to_node_id'])) {
    const a = nodes.get(l.from_node_id),
      b = nodes.get(l.to_node_id);
    if (!a || !b)
      throw new Error(`${linkFile}: line ${line}: link ${l.link_id} refers to a node missing from node.csv`);
    const straightM = Math.hypot((b[0] - a[0]) * 111_320 * Math.cos((a[1] * Math.PI) / 180), (b[1] - a[1]) * 110_540);
    roads.push({
      id: l.link_id,
      cls: l.link_type || 'road',
      lanes: Number(l.lanes) || 1,
      district: l.district_code ?? '',
      lengthM: Number(l.length) > 0 ? Number(l.length) : Math.round(straightM),
      coords: [round6(a[0]), round6(a[1]), round6(b[0]), round6(b[1])],
    });
  }
  return roads;
}

function readSites(file: string): GeoSite[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const list = (
    Array.isArray(raw)
      ? raw
      : Array.isArray((raw as { sites?: unknown }).sites)
        ? (raw as { sites: unknown[] }).sites
        : Object.values(raw as Record<string, unknown>).flatMap((v) => (Array.isArray(v) ? v : []))
  ) as Record<string, unknown>[];
  return list.map((s, i) => {
    const coords = pick(s, ['coordinates', 'lonLat', 'lnglat', 'position']);
    const loc = (s.location ?? s.point ?? s.geometry) as Record<string, unknown> | undefined;
    const lon = Number(
      Array.isArray(coords)
        ? coords[0]
        : (pick(s, ['lon', 'lng', 'longitude', 'x_coord', 'x']) ??
            (loc && (Array.isArray(loc.coordinates) ? loc.coordinates[0] : pick(loc, ['lon', 'lng'])))),
    );
    const lat = Number(
      Array.isArray(coords)
        ? coords[1]
        : (pick(s, ['lat', 'latitude', 'y_coord', 'y']) ??
            (loc && (Array.isArray(loc.coordinates) ? loc.coordinates[1] : pick(loc, ['lat'])))),
    );
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new Error(`${file}: site ${i} has no lon/lat`);
    let id = String(pick(s, ['id', 'siteId', 'code']) ?? `site-${i}`);
    if (!id.startsWith('site:')) id = `site:${id}`;
    const areaM2 = Number(pick(s, ['areaM2', 'area_m2']));
    const areaHa = Number(pick(s, ['areaHa', 'area_ha']));
    const areaMu = Number(pick(s, ['areaMu', 'area_mu']));
    return {
      id,
      kind: String(pick(s, ['kind', 'type', 'category']) ?? 'site'),
      name: String(pick(s, ['nameZh', 'name_zh', 'name']) ?? id),
      nameEn: String(pick(s, ['nameEn', 'name_en', 'name']) ?? id),
      lon,
      lat,
      areaM2: Number.isFinite(areaM2)
        ? areaM2
        : Number.isFinite(areaHa)
          ? areaHa * 1e4
          : Number.isFinite(areaMu)
            ? areaMu * 666.67
            : null,
    };
  });
}

/**
 * Reads `data/zibo/` under `repoRoot` and returns the viewer's geodata; files not there yet are listed in `missing`.
 * @example
 * const geo = buildGeo('/work/main');
 * console.log(geo.districts.length, geo.missing); // 8 []
 */
export function buildGeo(repoRoot: string): ZiboGeo {
  const rel = (p: string) => path.join(repoRoot, p);
  const geo: ZiboGeo = { sources: [], missing: [], districts: [], roads: [], sites: [] };
  const d = 'data/zibo/districts.geojson';
  if (existsSync(rel(d))) {
    geo.districts = readDistricts(rel(d));
    geo.sources.push(d);
  } else geo.missing.push(d);
  const n = 'data/zibo/network/node.csv',
    l = 'data/zibo/network/link.csv';
  if (existsSync(rel(n)) && existsSync(rel(l))) {
    geo.roads = readRoads(rel(n), rel(l));
    geo.sources.push(n, l);
  } else geo.missing.push(l);
  const s = 'data/zibo/sites.json';
  if (existsSync(rel(s))) {
    geo.sites = readSites(rel(s));
    geo.sources.push(s);
  } else geo.missing.push(s);
  return geo;
}
