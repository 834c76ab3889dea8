/**
 * Zones and their connectors. Each zone's centroid becomes a node (type `centroid`, no through traffic) linked both
 * ways to the k nearest suitable road nodes inside the zone: inside its town (nodes nearer to this town's centroid
 * than to any other town's of the same district), or inside its grid cell. Connectors use the class table's
 * connector row; their length is the straight line × 1.3 (as the sketch network's build).
 */
import { CONNECTOR } from './rules.ts';
import type { Regions } from './boundary.ts';
import { distM, type Crs, type NetLink, type NetNode, type NetZone } from './types.ts';

/** Straight-line connector length × this (data/build/network.ts CONNECTOR_DETOUR). */
export const CONNECTOR_DETOUR = 1.3;
/** Connectors per zone. */
export const CONNECTORS_PER_ZONE = 3;
/** Link types a centroid must not connect to (no access from the side of a motorway or a ramp). */
const NO_ACCESS = new Set(['motorway', 'motorway_link', 'trunk_link', 'connector']);

/** A town zone to place (Zibo: data/zibo/zones.csv rows). */
export interface TownZone {
  zoneId: number;
  name: string;
  townCode: string;
  district: string;
  population: number;
  x: number;
  y: number;
}

/** Local projection to metres (equirectangular about the network's mean latitude; identity for planar). */
function projector(crs: Crs, nodes: readonly NetNode[]): (x: number, y: number) => [number, number] {
  if (crs === 'planar') return (x, y) => [x, y];
  let lat0 = 0;
  for (const n of nodes) lat0 += n.y;
  lat0 /= Math.max(1, nodes.length);
  const kx = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  return (x, y) => [x * kx, y * 110_574];
}

function suitableNodes(nodes: readonly NetNode[], links: readonly NetLink[]): Uint8Array {
  const ok = new Uint8Array(nodes.length);
  for (const l of links) {
    if (NO_ACCESS.has(l.type)) continue;
    ok[l.from] = 1;
    ok[l.to] = 1;
  }
  return ok;
}

/**
 * Zones from towns (Zibo's 88): a road node belongs to the nearest town centroid of its own district (located with
 * `districts`), or of any district when it lies in none.
 */
export function townZones(
  crs: Crs,
  nodes: NetNode[],
  links: NetLink[],
  towns: readonly TownZone[],
  districts: Regions | null,
): { zones: NetZone[]; cell: Int32Array } {
  const proj = projector(crs, nodes);
  const tp = towns.map((t) => proj(t.x, t.y));
  const ok = suitableNodes(nodes, links);
  const cell = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((v, i) => {
    if (!ok[i]) return;
    const [px, py] = proj(v.x, v.y);
    const d = districts?.locate(v.x, v.y) ?? null;
    let best = -1;
    let bd = Infinity;
    for (let t = 0; t < towns.length; t++) {
      if (d !== null && towns[t]!.district !== d) continue;
      const dd = (tp[t]![0] - px) ** 2 + (tp[t]![1] - py) ** 2;
      if (dd < bd) {
        bd = dd;
        best = t;
      }
    }
    if (best < 0) {
      for (let t = 0; t < towns.length; t++) {
        const dd = (tp[t]![0] - px) ** 2 + (tp[t]![1] - py) ** 2;
        if (dd < bd) {
          bd = dd;
          best = t;
        }
      }
    }
    cell[i] = best;
  });
  const zones: NetZone[] = towns.map((t) => ({
    zoneId: t.zoneId,
    name: t.name,
    x: t.x,
    y: t.y,
    population: t.population,
    district: t.district,
    townCode: t.townCode,
  }));
  return { zones, cell };
}

/**
 * A regular grid of square zones `sizeM` wide over the suitable road nodes; a cell with no suitable node is no
 * zone. Centroid = mean position of its suitable nodes. Population, when `towns` are given, is each town's
 * population spread evenly over the suitable nodes nearest to it, summed per cell.
 */
export function gridZones(
  crs: Crs,
  nodes: NetNode[],
  links: NetLink[],
  sizeM: number,
  districts: Regions | null,
  towns: readonly TownZone[] | null,
): { zones: NetZone[]; cell: Int32Array } {
  const proj = projector(crs, nodes);
  const ok = suitableNodes(nodes, links);
  let minX = Infinity;
  let minY = Infinity;
  const pts = nodes.map((v) => proj(v.x, v.y));
  nodes.forEach((_, i) => {
    if (!ok[i]) return;
    minX = Math.min(minX, pts[i]![0]);
    minY = Math.min(minY, pts[i]![1]);
  });
  const key = new Map<string, number>();
  const raw = new Int32Array(nodes.length).fill(-1);
  const acc: { sx: number; sy: number; n: number; gx: number; gy: number }[] = [];
  nodes.forEach((v, i) => {
    if (!ok[i]) return;
    const gx = Math.floor((pts[i]![0] - minX) / sizeM);
    const gy = Math.floor((pts[i]![1] - minY) / sizeM);
    const k = `${gy},${gx}`;
    let z = key.get(k);
    if (z === undefined) {
      z = acc.length;
      key.set(k, z);
      acc.push({ sx: 0, sy: 0, n: 0, gx, gy });
    }
    acc[z]!.sx += v.x;
    acc[z]!.sy += v.y;
    acc[z]!.n++;
    raw[i] = z;
  });
  // Zone ids row-major (south to north, west to east) so they do not depend on node order.
  const order = acc.map((_, i) => i).sort((a, b) => acc[a]!.gy - acc[b]!.gy || acc[a]!.gx - acc[b]!.gx);
  const rank = new Int32Array(acc.length);
  order.forEach((z, r) => (rank[z] = r));
  const cell = raw.map((z) => (z < 0 ? -1 : rank[z]!));
  const population = new Float64Array(acc.length);
  if (towns) {
    const t = townZones(crs, nodes, links, towns, districts);
    const perTown = new Float64Array(towns.length);
    for (let i = 0; i < nodes.length; i++) if (t.cell[i]! >= 0) perTown[t.cell[i]!]!++;
    for (let i = 0; i < nodes.length; i++) {
      const tw = t.cell[i]!;
      if (tw >= 0 && cell[i]! >= 0) population[cell[i]!]! += towns[tw]!.population / perTown[tw]!;
    }
  }
  const zones: NetZone[] = order.map((z, r) => {
    const a = acc[z]!;
    const x = a.sx / a.n;
    const y = a.sy / a.n;
    return {
      zoneId: r + 1,
      name: `grid ${a.gx},${a.gy}`,
      x,
      y,
      population: towns ? Math.round(population[r]!) : null,
      district: districts?.locate(x, y) ?? '',
      townCode: '',
    };
  });
  return { zones, cell };
}

/**
 * Add centroid nodes (ids 1..Z, zone order; road nodes renumbered Z+1.., their source ids kept) and connectors (both directions) to
 * the k nearest nodes of each zone's cell; a zone whose cell has no suitable node takes the k nearest suitable
 * nodes anywhere (counted in the returned `outside`).
 */
export function connectZones(
  crs: Crs,
  nodes: NetNode[],
  links: NetLink[],
  zones: readonly NetZone[],
  cell: Int32Array,
  k = CONNECTORS_PER_ZONE,
): { nodes: NetNode[]; links: NetLink[]; connectors: number; outside: number } {
  const proj = projector(crs, nodes);
  const ok = suitableNodes(nodes, links);
  const members: number[][] = zones.map(() => []);
  cell.forEach((z, i) => {
    if (z >= 0) members[z]!.push(i);
  });
  const pts = nodes.map((v) => proj(v.x, v.y));
  const Z = zones.length;
  const outNodes: NetNode[] = zones.map((z, i) => ({
    id: i + 1,
    x: z.x,
    y: z.y,
    type: 'centroid',
    zoneId: z.zoneId,
    district: z.district,
    name: z.name,
    sourceId: z.zoneId,
  }));
  for (const v of nodes) outNodes.push({ ...v, id: outNodes.length + 1 });
  const outLinks: NetLink[] = links.map((l) => ({ ...l, from: l.from + Z, to: l.to + Z }));
  let outside = 0;
  let connectors = 0;
  zones.forEach((z, zi) => {
    const [cx, cy] = proj(z.x, z.y);
    const d2 = (i: number): number => (pts[i]![0] - cx) ** 2 + (pts[i]![1] - cy) ** 2;
    let cand = members[zi]!;
    if (cand.length === 0) {
      outside++;
      cand = [];
      for (let i = 0; i < nodes.length; i++) if (ok[i]) cand.push(i);
    }
    const pick = cand
      .map((i) => ({ i, d: d2(i) }))
      .sort((a, b) => a.d - b.d || a.i - b.i)
      .slice(0, k);
    for (const { i } of pick) {
      const v = nodes[i]!;
      const lengthM = Math.max(1, distM(crs, z.x, z.y, v.x, v.y) * CONNECTOR_DETOUR);
      const base = {
        lengthM,
        lanes: CONNECTOR.lanes,
        capacityVehPerHPerLane: CONNECTOR.capacityVehPerHPerLane,
        freeSpeedKmPerH: CONNECTOR.freeSpeedKmPerH,
        type: 'connector',
        signalized: false,
        district: z.district,
        name: `${z.name} connector`,
        sourceId: 0,
      };
      outLinks.push({ ...base, id: 0, from: zi, to: i + Z, shape: [z.x, z.y, v.x, v.y] });
      outLinks.push({ ...base, id: 0, from: i + Z, to: zi, shape: [v.x, v.y, z.x, z.y] });
      connectors += 2;
    }
  });
  outLinks.forEach((l, a) => (l.id = a + 1));
  // `from`/`to` are indices into outNodes; ids are index + 1.
  return { nodes: outNodes, links: outLinks, connectors, outside };
}
