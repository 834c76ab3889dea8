/**
 * The in-memory form of an imported network, shared by every source reader (OSM, GMNS, TNTP), the zone builder
 * and the writer. Coordinates are x = lon, y = lat in WGS-84 degrees, or planar metres when `crs` is `planar`.
 */

export type Crs = 'wgs84' | 'gcj02' | 'planar';

export interface NetNode {
  /** GMNS node_id written to node.csv (1..N; centroids first, so zone id = centroid node id where possible). */
  id: number;
  x: number;
  y: number;
  /** `centroid` (zone, no through traffic), `zone` (zone node that is also a junction, TNTP), `signal`, `junction`, `end`. */
  type: string;
  zoneId: number | null;
  district: string;
  name: string;
  /** Original id in the source (OSM node id, TNTP/GMNS node id). */
  sourceId: number;
}

export interface NetLink {
  id: number;
  from: number;
  to: number;
  lengthM: number;
  lanes: number;
  capacityVehPerHPerLane: number;
  freeSpeedKmPerH: number;
  /** OSM highway value, `connector`, or the source's link_type. */
  type: string;
  signalized: boolean;
  district: string;
  name: string;
  /** Shape for drawing: x0,y0,x1,y1,... from the from-node to the to-node. */
  shape: number[];
  vdfAlpha?: number;
  vdfBeta?: number;
  /** Free-flow time in minutes when the source gives it (TNTP); otherwise length / free_speed. */
  fftMin?: number;
  toll?: number;
  /** OSM way id (first way of a contracted chain), or the source's link id. */
  sourceId: number;
}

export interface NetZone {
  zoneId: number;
  name: string;
  x: number;
  y: number;
  population: number | null;
  district: string;
  townCode: string;
}

/** What an import produced before it is written. */
export interface BuiltNetwork {
  crs: Crs;
  nodes: NetNode[];
  links: NetLink[];
  zones: NetZone[];
  /** Base-year OD when the source brings one (TNTP _trips, GMNS demand.csv): zone ids and veh/h. */
  demand: { o: number; d: number; volume: number }[] | null;
  /** TNTP generalized cost factors (per min of toll, per km), kept in network.json. */
  tollFactor: number;
  distanceFactorPerKm: number;
  summary: ImportSummary;
}

/** The figures an import reports (printed by the CLI, stored in network.json). */
export interface ImportSummary {
  nodes: number;
  links: number;
  zones: number;
  signals: number;
  connectors: number;
  /** Per link type: directed links and km. */
  byType: Record<string, { links: number; km: number }>;
  /** Largest strongly connected component kept; what else was dropped. */
  dropped: { components: number; nodes: number; links: number; km: number };
  /** How many roads took a default (lanes, speed) or had a tag value that was not understood. */
  defaults: Record<string, number>;
  notes: string[];
}

export const EARTH_RADIUS_M = 6371008.8;

/** Great-circle distance in metres between two lon/lat points (haversine). */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r;
  const dLon = (lon2 - lon1) * r;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** Distance in metres for the network's coordinates (planar: Euclidean in the file's units, taken as metres). */
export function distM(crs: Crs, x1: number, y1: number, x2: number, y2: number): number {
  return crs === 'planar' ? Math.hypot(x2 - x1, y2 - y1) : haversineM(x1, y1, x2, y2);
}

/** Length of a flat x,y shape in metres. */
export function shapeLengthM(crs: Crs, shape: readonly number[]): number {
  let s = 0;
  for (let i = 2; i < shape.length; i += 2) s += distM(crs, shape[i - 2]!, shape[i - 1]!, shape[i]!, shape[i + 1]!);
  return s;
}
