/**
 * Polygons for clipping an import and for locating links in districts: GeoJSON Polygon/MultiPolygon read from a
 * file, and a point-in-polygon test fast enough for hundreds of thousands of nodes (edges bucketed by latitude band,
 * even-odd rule, holes respected).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENGINE_ROOT } from '../paths.ts';
import { NetworkInputError } from './errors.ts';

/** Zibo's districts: the default boundary of OSM imports and where links are located. */
export const ZIBO_DISTRICTS_FILE = path.join(ENGINE_ROOT, 'data', 'zibo', 'districts.geojson');

type Ring = number[][];

/** One polygon (outer ring + holes) with an edge index per horizontal band. */
class IndexedPolygon {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  private readonly bands: Float64Array[];
  private readonly bandH: number;

  constructor(rings: Ring[]) {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const p of rings[0]!) {
      minX = Math.min(minX, p[0]!);
      maxX = Math.max(maxX, p[0]!);
      minY = Math.min(minY, p[1]!);
      maxY = Math.max(maxY, p[1]!);
    }
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    const nb = 256;
    this.bandH = (maxY - minY) / nb || 1;
    const lists: number[][] = Array.from({ length: nb }, () => []);
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [x1, y1] = ring[j]! as [number, number];
        const [x2, y2] = ring[i]! as [number, number];
        if (y1 === y2) continue;
        const lo = Math.max(0, Math.floor((Math.min(y1, y2) - minY) / this.bandH));
        const hi = Math.min(nb - 1, Math.floor((Math.max(y1, y2) - minY) / this.bandH));
        for (let b = lo; b <= hi; b++) lists[b]!.push(x1, y1, x2, y2);
      }
    }
    this.bands = lists.map((l) => Float64Array.from(l));
  }

  contains(x: number, y: number): boolean {
    if (x < this.minX || x > this.maxX || y < this.minY || y > this.maxY) return false;
    const b = Math.min(this.bands.length - 1, Math.floor((y - this.minY) / this.bandH));
    const e = this.bands[b]!;
    let inside = false;
    for (let k = 0; k < e.length; k += 4) {
      const x1 = e[k]!;
      const y1 = e[k + 1]!;
      const x2 = e[k + 2]!;
      const y2 = e[k + 3]!;
      if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) inside = !inside;
    }
    return inside;
  }
}

/** A set of named polygons; `locate` returns the first polygon's name containing a point. */
export class Regions {
  private readonly polys: { name: string; poly: IndexedPolygon }[] = [];

  add(name: string, rings: Ring[]): void {
    this.polys.push({ name, poly: new IndexedPolygon(rings) });
  }

  get size(): number {
    return this.polys.length;
  }

  /** Name of the region holding (x, y), or null. */
  locate(x: number, y: number): string | null {
    for (const p of this.polys) if (p.poly.contains(x, y)) return p.name;
    return null;
  }

  contains(x: number, y: number): boolean {
    return this.locate(x, y) !== null;
  }

  /** [minX, minY, maxX, maxY] over all regions. */
  bbox(): [number, number, number, number] {
    let b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const { poly } of this.polys)
      b = [Math.min(b[0], poly.minX), Math.min(b[1], poly.minY), Math.max(b[2], poly.maxX), Math.max(b[3], poly.maxY)];
    return b;
  }
}

function isRing(r: unknown): r is Ring {
  return (
    Array.isArray(r) &&
    r.length >= 4 &&
    r.every((p) => Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]))
  );
}

/**
 * Read a boundary GeoJSON file (a Polygon or MultiPolygon geometry, Feature or FeatureCollection of them).
 * @example
 * const zibo = readBoundary(ZIBO_DISTRICTS_FILE); // a FeatureCollection of the 8 county outlines
 * [zibo.size, zibo.contains(118.05, 36.8), zibo.contains(116.4, 39.9)] // => [8, true, false]
 * zibo.locate(118.05, 36.8) // => 'features[1]'
 * readBoundary('engine/network/fixtures/rules.osm') // throws 'cannot read the boundary'
 */
export function readBoundary(file: string): Regions {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new NetworkInputError(
      file,
      '',
      `cannot read the boundary (${(e as Error).message})`,
      'give a GeoJSON file with a Polygon or MultiPolygon',
    );
  }
  const regions = new Regions();
  const geoms: { g: unknown; where: string }[] = [];
  const j = json as { type?: string; features?: unknown[]; geometry?: unknown };
  if (j?.type === 'FeatureCollection' && Array.isArray(j.features))
    j.features.forEach((f, i) => geoms.push({ g: (f as { geometry?: unknown }).geometry, where: `features[${i}]` }));
  else if (j?.type === 'Feature') geoms.push({ g: j.geometry, where: 'geometry' });
  else geoms.push({ g: json, where: 'root' });
  for (const { g, where } of geoms) {
    const geom = g as { type?: string; coordinates?: unknown };
    if (geom?.type === 'Polygon' && Array.isArray(geom.coordinates) && geom.coordinates.every(isRing))
      regions.add(where, geom.coordinates as Ring[]);
    else if (
      geom?.type === 'MultiPolygon' &&
      Array.isArray(geom.coordinates) &&
      geom.coordinates.every((p) => Array.isArray(p) && p.every(isRing))
    )
      (geom.coordinates as Ring[][]).forEach((p, k) => regions.add(`${where}[${k}]`, p));
    else
      throw new NetworkInputError(
        file,
        where,
        `the boundary is a ${geom?.type ?? typeof g}, not a Polygon or MultiPolygon with closed rings of ≥ 4 positions`,
        'draw the area as a polygon (e.g. in geojson.io or QGIS) and save it as GeoJSON',
      );
  }
  if (regions.size === 0)
    throw new NetworkInputError(file, '', 'no polygon in the boundary file', 'give a Polygon or MultiPolygon');
  return regions;
}

/**
 * Zibo's districts (data/zibo/districts.geojson) as regions named by county code: their union is the default
 * boundary of OSM imports, and each link is located in one of them (`district_code`).
 */
export function ziboDistricts(file: string): Regions {
  const fc = JSON.parse(readFileSync(file, 'utf8')) as {
    features: { properties: { code: string }; geometry: { type: string; coordinates: Ring[] | Ring[][] } }[];
  };
  const r = new Regions();
  for (const f of fc.features) {
    if (f.geometry.type === 'Polygon') r.add(f.properties.code, f.geometry.coordinates as Ring[]);
    else for (const p of f.geometry.coordinates as Ring[][]) r.add(f.properties.code, p);
  }
  return r;
}
