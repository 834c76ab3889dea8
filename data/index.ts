/**
 * Typed, validated accessors for the committed Zibo base data (data/zibo/). Node only (reads files with node:fs);
 * used by models' `loadInputs` and by build/export scripts. Every loader validates its file and throws a
 * `DataFileError` that names the file, the line and the field, and says how to fix it.
 *
 * Coordinates are WGS-84 lon/lat degrees. Lengths in metres, speeds km/h, capacities veh/h per lane.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CsvError, parseCsv, type CsvTable } from './csv.ts';

/** Folder holding the committed Zibo files. */
export const ZIBO_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'zibo');

export type Grade = 'F' | 'D' | 'E';
export type LonLat = [number, number];

/** A bad data file: `file` (relative to the repo), 1-based `line` where known, `field` where known. */
export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly field: string | null,
    detail: string,
  ) {
    super(
      `${file}${line !== null ? `:${line}` : ''}${field ? ` field "${field}"` : ''}: ${detail}. Fix the file, or rebuild it with \`npm run data:build\` (see data/README.md).`,
    );
    this.name = 'DataFileError';
  }
}

export interface LoadOptions {
  /** Folder to read instead of data/zibo (tests, fixtures). */
  dir?: string;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p: string): string => relative(repoRoot, p) || p;

function readText(dir: string | undefined, name: string): { path: string; text: string } {
  const path = join(dir ?? ZIBO_DATA_DIR, name);
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (e) {
    throw new DataFileError(
      rel(path),
      null,
      null,
      `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

function readJson(dir: string | undefined, name: string): { path: string; json: unknown } {
  const { path, text } = readText(dir, name);
  try {
    return { path, json: JSON.parse(text) };
  } catch (e) {
    throw new DataFileError(rel(path), null, null, `invalid JSON (${(e as Error).message})`);
  }
}

/** Parses CSV text; wraps malformed quoting into a `DataFileError` naming the file and line. */
function parseDataCsv(path: string, text: string): CsvTable {
  try {
    return parseCsv(text, rel(path));
  } catch (e) {
    if (e instanceof CsvError) throw new DataFileError(e.file, e.line, null, `column ${e.column}: ${e.detail}`);
    throw e;
  }
}

/** Reads a CSV and validates every row against a zod object schema keyed by column name. */
function loadCsv<S extends z.ZodObject>(dir: string | undefined, name: string, schema: S): z.infer<S>[] {
  const { path, text } = readText(dir, name);
  const { header, rows } = parseDataCsv(path, text);
  const need = Object.keys(schema.shape);
  for (const col of need) {
    if (!header.includes(col))
      throw new DataFileError(rel(path), 1, col, `missing column (header is: ${header.join(',')})`);
  }
  return rows.map(({ line, cells }) => {
    if (cells.length !== header.length)
      throw new DataFileError(rel(path), line, null, `has ${cells.length} cells, header has ${header.length}`);
    const obj: Record<string, string> = {};
    header.forEach((h, i) => (obj[h] = cells[i]!));
    const r = schema.safeParse(obj);
    if (!r.success) {
      const iss = r.error.issues[0]!;
      const field = String(iss.path[0] ?? '');
      throw new DataFileError(rel(path), line, field, `${iss.message} (got "${obj[field] ?? ''}")`);
    }
    return r.data;
  });
}

function parseJson<S extends z.ZodType>(path: string, json: unknown, schema: S): z.infer<S> {
  const r = schema.safeParse(json);
  if (!r.success) {
    const iss = r.error.issues[0]!;
    throw new DataFileError(rel(path), null, iss.path.join('.'), iss.message);
  }
  return r.data;
}

// ---- column helpers ----
const num = z
  .string()
  .trim()
  .min(1, 'empty number')
  .transform(Number)
  .pipe(z.number().refine(Number.isFinite, 'not a finite number'));
const int = num.pipe(z.number().int('not an integer'));
const posNum = num.pipe(z.number().positive('must be > 0'));
const lon = num.pipe(
  z.number().min(117, 'longitude outside Zibo (117..119)').max(119, 'longitude outside Zibo (117..119)'),
);
const lat = num.pipe(
  z.number().min(35.5, 'latitude outside Zibo (35.5..37.5)').max(37.5, 'latitude outside Zibo (35.5..37.5)'),
);
const countyCode = z.string().regex(/^3703\d\d$/, 'county code must look like 3703xx');
const grade = z.enum(['F', 'D', 'E']);
const optNum = z.string().transform((s, ctx) => {
  if (s.trim() === '') return null;
  const n = Number(s);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: 'not a number' });
    return z.NEVER;
  }
  return n;
});

// ---- districts ----
export interface District {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Area of the simplified WGS-84 outline (turf), km². */
  areaKm2: number;
  /** Official area from the facts file, km². */
  officialAreaKm2: number;
  /** County government seat, WGS-84. */
  seat: LonLat;
  /** Outer ring(s) of the outline, WGS-84 (GeoJSON Polygon coordinates). */
  polygon: LonLat[][];
}
const lonLatTuple = z.tuple([z.number().min(117).max(119), z.number().min(35.5).max(37.5)]);
const districtsSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z
    .array(
      z.object({
        type: z.literal('Feature'),
        properties: z.object({
          code: countyCode,
          nameZh: z.string().min(1),
          nameEn: z.string().min(1),
          areaKm2: z.number().positive(),
          officialAreaKm2: z.number().positive(),
          seat: lonLatTuple,
        }),
        geometry: z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(lonLatTuple).min(4)).min(1) }),
      }),
    )
    .length(8, 'expected the 8 county-level divisions'),
});

/**
 * The 8 county-level divisions with outlines (WGS-84) and areas.
 * @example
 * loadDistricts().find((d) => d.code === '370303').officialAreaKm2 // => 360.27
 */
export function loadDistricts(opts: LoadOptions = {}): District[] {
  const { path, json } = readJson(opts.dir, 'districts.geojson');
  const fc = parseJson(path, json, districtsSchema);
  return fc.features.map((f) => ({
    code: f.properties.code,
    nameZh: f.properties.nameZh,
    nameEn: f.properties.nameEn,
    areaKm2: f.properties.areaKm2,
    officialAreaKm2: f.properties.officialAreaKm2,
    seat: f.properties.seat as LonLat,
    polygon: f.geometry.coordinates as LonLat[][],
  }));
}

// ---- divisions ----
export type VillageKind = 'community' | 'village';
export interface Village {
  code: string;
  name: string;
  /** community = residents' committee (居委会, urban); village = village committee (村委会). */
  kind: VillageKind;
}
export interface Town {
  code: string;
  name: string;
  /** street = 街道 (urban sub-district), town = 镇 — as in the 2023 code list. */
  type: 'street' | 'town';
  /** Classification on 2017-10-31 (differs for 马尚, a town in 2017). */
  type2017: 'street' | 'town';
  children: Village[];
}
export interface County {
  code: string;
  name: string;
  nameEn: string;
  children: Town[];
}
export interface DivisionTree {
  code: '37';
  name: string;
  source: string;
  children: [{ code: '3703'; name: string; nameEn: string; children: County[] }];
}
const divisionsSchema = z.object({
  code: z.literal('37'),
  name: z.string(),
  source: z.string(),
  children: z.tuple([
    z.object({
      code: z.literal('3703'),
      name: z.string(),
      nameEn: z.string(),
      children: z.array(
        z.object({
          code: countyCode,
          name: z.string(),
          nameEn: z.string(),
          children: z.array(
            z.object({
              code: z.string().regex(/^3703\d{5}$/, 'town code must have 9 digits'),
              name: z.string().min(1),
              type: z.enum(['street', 'town']),
              type2017: z.enum(['street', 'town']),
              children: z.array(
                z.object({
                  code: z.string().regex(/^3703\d{8}$/, 'village code must have 12 digits'),
                  name: z.string().min(1),
                  kind: z.enum(['community', 'village']),
                }),
              ),
            }),
          ),
        }),
      ),
    }),
  ]),
});

/**
 * The 5-level tree: Shandong (37) → Zibo (3703) → 8 counties → 88 towns/streets → 2,931 villages/communities.
 * @example
 * loadDivisions().children[0].children.length // => 8
 */
export function loadDivisions(opts: LoadOptions = {}): DivisionTree {
  const { path, json } = readJson(opts.dir, 'divisions.json');
  const t = parseJson(path, json, divisionsSchema) as DivisionTree;
  for (const c of t.children[0].children) {
    for (const town of c.children) {
      if (!town.code.startsWith(c.code))
        throw new DataFileError(rel(path), null, `town ${town.code}`, `code is not under its county ${c.code}`);
      for (const v of town.children) {
        if (!v.code.startsWith(town.code))
          throw new DataFileError(rel(path), null, `village ${v.code}`, `code is not under its town ${town.code}`);
      }
    }
  }
  return t;
}

/** A town/street with its county and the counts of its villages and communities. */
export interface TownSummary {
  code: string;
  name: string;
  countyCode: string;
  type: 'street' | 'town';
  type2017: 'street' | 'town';
  communities: number;
  villages: number;
}

/**
 * The 88 towns/streets as a flat list (code order) with village/community counts — the unit of the rollout's
 * town level and of the traffic zones.
 * @example
 * loadTowns().filter((t) => t.countyCode === '370303').length // => 13
 */
export function loadTowns(opts: LoadOptions = {}): TownSummary[] {
  return loadDivisions(opts).children[0].children.flatMap((c) =>
    c.children.map((t) => ({
      code: t.code,
      name: t.name,
      countyCode: c.code,
      type: t.type,
      type2017: t.type2017,
      communities: t.children.filter((v) => v.kind === 'community').length,
      villages: t.children.filter((v) => v.kind === 'village').length,
    })),
  );
}

// ---- zones ----
export interface Zone {
  /** 1..88; equals the node_id of the zone's centroid node. */
  zoneId: number;
  townCode: string;
  name: string;
  countyCode: string;
  /** Resident population 2020 (county census/derived value shared by village counts; E). */
  population: number;
  lon: number;
  lat: number;
}
const zoneRow = z.object({
  zone_id: int,
  town_code: z.string().regex(/^3703\d{5}$/, 'town code must have 9 digits'),
  name: z.string().min(1),
  county_code: countyCode,
  population: int,
  x_coord: lon,
  y_coord: lat,
});

/**
 * Traffic zones: one centroid per town/street.
 * @example
 * loadZones().length // => 88
 */
export function loadZones(opts: LoadOptions = {}): Zone[] {
  return loadCsv(opts.dir, 'zones.csv', zoneRow).map((r) => ({
    zoneId: r.zone_id,
    townCode: r.town_code,
    name: r.name,
    countyCode: r.county_code,
    population: r.population,
    lon: r.x_coord,
    lat: r.y_coord,
  }));
}

// ---- road network (GMNS) ----
export type NodeType = 'centroid' | 'signal' | 'junction' | 'interchange' | 'shape' | 'end';
export type LinkType = 'expressway' | 'national' | 'arterial' | 'collector' | 'connector';
/**
 * A GMNS node: the one node type of the project, for the shipped Zibo network (`loadRoadNetwork`, where every field
 * is filled and `nodeType` is a `NodeType`) and for any GMNS folder the traffic models read (models/traffic/gmns.ts).
 */
export interface GmnsNode {
  nodeId: number;
  /** '' when the file has no name. */
  name: string;
  /** WGS-84 degrees. */
  lon: number;
  lat: number;
  nodeType: NodeType | (string & {});
  /** Zone id for centroids, else null. */
  zoneId: number | null;
  /** County code; '' when the network has none. */
  districtCode: string;
}
/** A GMNS link (one direction): the one link type of the project, as `GmnsNode`. */
export interface GmnsLink {
  linkId: number;
  /** '' when the file has no name. */
  name: string;
  fromNodeId: number;
  toNodeId: number;
  lengthM: number;
  /** Lanes in this direction. */
  lanes: number;
  capacityVehPerHPerLane: number;
  freeSpeedKmPerH: number;
  /** '' when the file has no type. */
  linkType: LinkType | (string & {});
  /** The link ends at a signalised junction. */
  signalized: boolean;
  /** County code; '' when the network has none. */
  districtCode: string;
  /** BPR B (GMNS VDF_alpha); default 0.15. */
  vdfAlpha?: number;
  /** BPR power (GMNS VDF_beta); default 4. */
  vdfBeta?: number;
}
export interface RoadNetwork {
  nodes: GmnsNode[];
  links: GmnsLink[];
}
const nodeRow = z.object({
  node_id: int,
  name: z.string(),
  x_coord: lon,
  y_coord: lat,
  node_type: z.enum(['centroid', 'signal', 'junction', 'interchange', 'shape', 'end']),
  zone_id: optNum,
  district_code: countyCode,
});
const linkRow = z.object({
  link_id: int,
  name: z.string(),
  from_node_id: int,
  to_node_id: int,
  length: posNum,
  lanes: int.pipe(z.number().min(1, 'lanes must be ≥ 1')),
  capacity: posNum,
  free_speed: posNum,
  link_type: z.enum(['expressway', 'national', 'arterial', 'collector', 'connector']),
  signalized: z.enum(['0', '1']),
  district_code: countyCode,
});

/**
 * The GMNS road network (node.csv + link.csv), with referential checks.
 * @example
 * const { links } = loadRoadNetwork(); links.filter((l) => l.linkType === 'expressway').length // => 116
 */
export function loadRoadNetwork(opts: LoadOptions = {}): RoadNetwork {
  const nodes = loadCsv(opts.dir, 'network/node.csv', nodeRow).map((r): GmnsNode => ({
    nodeId: r.node_id,
    name: r.name,
    lon: r.x_coord,
    lat: r.y_coord,
    nodeType: r.node_type,
    zoneId: r.zone_id,
    districtCode: r.district_code,
  }));
  const nodePath = rel(join(opts.dir ?? ZIBO_DATA_DIR, 'network/node.csv'));
  const linkPath = rel(join(opts.dir ?? ZIBO_DATA_DIR, 'network/link.csv'));
  const ids = new Set<number>();
  nodes.forEach((n, i) => {
    if (ids.has(n.nodeId)) throw new DataFileError(nodePath, i + 2, 'node_id', `duplicate node id ${n.nodeId}`);
    ids.add(n.nodeId);
    if ((n.nodeType === 'centroid') !== (n.zoneId !== null))
      throw new DataFileError(nodePath, i + 2, 'zone_id', 'centroid nodes need a zone_id and only they may have one');
  });
  const links = loadCsv(opts.dir, 'network/link.csv', linkRow).map((r): GmnsLink => ({
    linkId: r.link_id,
    name: r.name,
    fromNodeId: r.from_node_id,
    toNodeId: r.to_node_id,
    lengthM: r.length,
    lanes: r.lanes,
    capacityVehPerHPerLane: r.capacity,
    freeSpeedKmPerH: r.free_speed,
    linkType: r.link_type,
    signalized: r.signalized === '1',
    districtCode: r.district_code,
  }));
  const linkIds = new Set<number>();
  links.forEach((l, i) => {
    if (linkIds.has(l.linkId)) throw new DataFileError(linkPath, i + 2, 'link_id', `duplicate link id ${l.linkId}`);
    linkIds.add(l.linkId);
    if (!ids.has(l.fromNodeId))
      throw new DataFileError(linkPath, i + 2, 'from_node_id', `node ${l.fromNodeId} is not in node.csv`);
    if (!ids.has(l.toNodeId))
      throw new DataFileError(linkPath, i + 2, 'to_node_id', `node ${l.toNodeId} is not in node.csv`);
  });
  return { nodes, links };
}

// ---- population ----
export interface PopulationRow {
  /** County code, or '3703' for the city total. */
  code: string;
  nameEn: string;
  year: number;
  population: number;
  grade: Grade;
  method: string;
  areaKm2: number;
  officialAreaKm2: number;
  /** Nominal GDP, bn CNY, only where firm for that year (null otherwise). */
  gdpBnCny: number | null;
  gdpBasis: string | null;
}
const popRow = z.object({
  code: z.string().regex(/^3703(\d\d)?$/, 'code must be 3703 or 3703xx'),
  name_en: z.string(),
  year: int.pipe(z.number().min(2017).max(2021)),
  population: int.pipe(z.number().positive()),
  population_grade: grade,
  population_method: z.string(),
  area_km2: posNum,
  official_area_km2: posNum,
  gdp_bn_cny: optNum,
  gdp_basis: z.string(),
});

/**
 * Resident population per district (and '3703' city) per year 2017–2021, with grades, areas and firm GDP.
 * @example
 * loadPopulation().find((r) => r.code === '3703' && r.year === 2020).population // => 4704138
 */
export function loadPopulation(opts: LoadOptions = {}): PopulationRow[] {
  return loadCsv(opts.dir, 'districts.csv', popRow).map((r) => ({
    code: r.code,
    nameEn: r.name_en,
    year: r.year,
    population: r.population,
    grade: r.population_grade,
    method: r.population_method,
    areaKm2: r.area_km2,
    officialAreaKm2: r.official_area_km2,
    gdpBnCny: r.gdp_bn_cny,
    gdpBasis: r.gdp_basis || null,
  }));
}

// ---- vehicles ----
export interface CarOwnershipRow {
  year: number;
  /** Civil cars (民用汽车) in Zibo at year end. Grade E. */
  cars: number;
  privateCars: number;
  carsPer1000: number;
  /** Growth over the previous year (null for 2017). */
  growth: number | null;
  grade: Grade;
  method: string;
}
const vehRow = z.object({
  year: int,
  cars: int,
  private_cars: int,
  cars_per_1000: posNum,
  growth: optNum,
  grade,
  method: z.string().min(1),
});

/**
 * City car-ownership series 2017–2021 (E; method in each row).
 * @example
 * loadCarOwnership()[0].year // => 2017
 */
export function loadCarOwnership(opts: LoadOptions = {}): CarOwnershipRow[] {
  return loadCsv(opts.dir, 'vehicles.csv', vehRow).map((r) => ({
    year: r.year,
    cars: r.cars,
    privateCars: r.private_cars,
    carsPer1000: r.cars_per_1000,
    growth: r.growth,
    grade: r.grade,
    method: r.method,
  }));
}

// ---- sites ----
export type SiteKind = 'greenhouse' | 'cloud' | 'government';
export interface Site {
  /** e.g. 'site:linzi-huangcheng' — also the entity id models use in series. */
  id: string;
  kind: SiteKind;
  name: string;
  nameZh: string;
  districtCode: string;
  townCode: string | null;
  lon: number;
  lat: number;
  locationGrade: Grade;
  locationMethod: string;
  areaM2: number | null;
  areaGrade: Grade | null;
  facts: { text: string; grade: Grade; source: string }[];
}
const sitesSchema = z.object({
  sites: z.array(
    z.object({
      id: z.string().regex(/^site:[a-z0-9-]+$/, 'site id must be site:<kebab-case>'),
      kind: z.enum(['greenhouse', 'cloud', 'government']),
      name: z.string(),
      nameZh: z.string(),
      districtCode: countyCode,
      townCode: z.string().nullable(),
      lon: z.number().min(117).max(119),
      lat: z.number().min(35.5).max(37.5),
      locationGrade: grade,
      locationMethod: z.string(),
      areaM2: z.number().positive().nullable(),
      areaGrade: grade.nullable(),
      facts: z.array(z.object({ text: z.string(), grade, source: z.string() })),
    }),
  ),
});

/**
 * Named sites: greenhouse clusters, the cloud computing centre, government seats.
 * @example
 * loadSites().filter((s) => s.kind === 'greenhouse').map((s) => s.id) // => ['site:linzi-huangcheng', 'site:gaoqing', 'site:zichuan-zhaili']
 */
export function loadSites(opts: LoadOptions = {}): Site[] {
  const { path, json } = readJson(opts.dir, 'sites.json');
  return parseJson(path, json, sitesSchema).sites;
}
