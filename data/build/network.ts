/**
 * Stage 2: traffic zones (one centroid per town/street, 88) and the GMNS road network, built from the committed
 * stage-1 files (districts.geojson, divisions.json) and the hand-digitised roads in roads.ts — so this stage reruns
 * offline and `--check` can verify it anywhere.
 *
 * Zone centroids (grade E, see data/README.md): street (街道) centroids sit on a ring around the county seat; town
 * (镇) centroids are the centres of a deterministic k-means over a ~1 km grid of points inside the county outline,
 * away from the seat. Which town gets which centre is by bearing order, not by the town's real seat: the
 * placement is good for county-level geography and trip lengths, not for locating a particular town.
 */
import * as turf from '@turf/turf';
import type { Feature, Polygon } from 'geojson';
import { gcjToWgs, round, toCsv, type LonLat, type Outputs } from './common.ts';
import { ANCHORS, CLASS_DEFAULTS, ROADS, type LinkType, type RoadDef } from './roads.ts';
import { apportion, districtPopulation2020 } from './tables.ts';
import type { LineString } from 'geojson';

export interface DistrictIn {
  code: string;
  seat: LonLat;
  seatGcj02: LonLat;
  polygon: Feature<Polygon>;
}
export interface TownIn {
  code: string;
  name: string;
  type: 'street' | 'town';
  countyCode: string;
  communities: number;
  villages: number;
}

/** Segments longer than this are split so zones have nearby nodes to connect to. */
export const MAX_SEGMENT_M = 3000;
/** Points closer than this become one node. */
export const SNAP_M = 25;
/** Detour factor applied to the straight-line length of connectors. */
export const CONNECTOR_DETOUR = 1.3;
export const CONNECTOR_MIN_M = 500;
/** A residents' committee counts this many times a village committee when sharing county population (E). */
export const COMMUNITY_WEIGHT = 3;
/** Junctions within this distance of a county seat are signalised (urban). */
export const SIGNAL_RADIUS_M = 8000;

const distM = (a: LonLat, b: LonLat): number => turf.distance(a, b, { units: 'kilometers' }) * 1000;

/** Local equirectangular projection in km around a reference point (fine at county scale). */
function projector(ref: LonLat) {
  const kx = 111.32 * Math.cos((ref[1] * Math.PI) / 180);
  const ky = 110.574;
  return {
    fwd: (p: LonLat): [number, number] => [(p[0] - ref[0]) * kx, (p[1] - ref[1]) * ky],
    inv: (q: [number, number]): LonLat => [ref[0] + q[0] / kx, ref[1] + q[1] / ky],
  };
}

/**
 * Places one centroid per town/street inside the county polygon (deterministic, no RNG).
 * @example
 * const geometry = { type: 'Polygon', coordinates: [[[118, 36.7], [118.1, 36.7], [118.1, 36.9], [118, 36.9], [118, 36.7]]] };
 * const polygon = { type: 'Feature', properties: {}, geometry };
 * const district = { code: '370303', seat: [118.05, 36.8], seatGcj02: [118.056, 36.801], polygon };
 * const street = { code: '370303001', name: 'A', type: 'street', countyCode: '370303', communities: 10, villages: 0 };
 * const town = { code: '370303100', name: 'B', type: 'town', countyCode: '370303', communities: 1, villages: 20 };
 * [...placeCentroids(district, [street, town])] // => [['370303001', [118.05, 36.8]], ['370303100', [118.04, 36.732]]]
 */
export function placeCentroids(d: DistrictIn, towns: readonly TownIn[]): Map<string, LonLat> {
  const out = new Map<string, LonLat>();
  const inside = (p: LonLat) => turf.booleanPointInPolygon(p, d.polygon);
  const pr = projector(d.seat);
  const streets = towns.filter((t) => t.type === 'street');
  const rural = towns.filter((t) => t.type === 'town');
  const ringKm = 1.5 + 0.25 * streets.length;
  streets.forEach((t, i) => {
    const ang = (2 * Math.PI * i) / streets.length;
    let r = streets.length === 1 ? 0 : ringKm;
    let p = pr.inv([r * Math.sin(ang), r * Math.cos(ang)]);
    for (let k = 0; k < 12 && !inside(p); k++) {
      r *= 0.8;
      p = pr.inv([r * Math.sin(ang), r * Math.cos(ang)]);
    }
    if (!inside(p)) throw new Error(`zones: cannot place street ${t.code} inside county ${d.code}`);
    out.set(t.code, [round(p[0], 5), round(p[1], 5)]);
  });
  if (rural.length === 0) return out;
  // Candidate grid ~0.9 km inside the county, excluding the urban core around the seat.
  const [minX, minY, maxX, maxY] = turf.bbox(d.polygon);
  const cand: [number, number][] = [];
  const exclKm = ringKm + 2;
  for (let y = minY; y <= maxY; y += 0.008) {
    for (let x = minX; x <= maxX; x += 0.01) {
      const p: LonLat = [x, y];
      if (!inside(p)) continue;
      const q = pr.fwd(p);
      if (Math.hypot(q[0], q[1]) > exclKm) cand.push(q);
    }
  }
  if (cand.length < rural.length) throw new Error(`zones: county ${d.code} too small for ${rural.length} towns`);
  // Farthest-point initialisation from the seat, then Lloyd iterations; the seat (0,0) is a fixed extra centre.
  const centres: [number, number][] = [];
  const minD = cand.map((q) => Math.hypot(q[0], q[1]));
  for (let k = 0; k < rural.length; k++) {
    let best = 0;
    for (let i = 1; i < cand.length; i++) if (minD[i]! > minD[best]!) best = i;
    const c = cand[best]!;
    centres.push([c[0], c[1]]);
    cand.forEach((q, i) => (minD[i] = Math.min(minD[i]!, Math.hypot(q[0] - c[0], q[1] - c[1]))));
  }
  for (let it = 0; it < 30; it++) {
    const sx = new Float64Array(centres.length);
    const sy = new Float64Array(centres.length);
    const n = new Float64Array(centres.length);
    for (const q of cand) {
      let best = -1;
      let bd = Math.hypot(q[0], q[1]); // the seat's own cluster (urban core) is not a town
      centres.forEach((c, j) => {
        const dd = Math.hypot(q[0] - c[0], q[1] - c[1]);
        if (dd < bd) {
          bd = dd;
          best = j;
        }
      });
      if (best >= 0) {
        sx[best]! += q[0];
        sy[best]! += q[1];
        n[best]! += 1;
      }
    }
    centres.forEach((c, j) => {
      if (n[j]! > 0) {
        c[0] = sx[j]! / n[j]!;
        c[1] = sy[j]! / n[j]!;
      }
    });
  }
  // Snap each centre to the nearest candidate (guarantees it lies inside a concave outline).
  const snapped = centres.map((c) => {
    let best = cand[0]!;
    let bd = Infinity;
    for (const q of cand) {
      const dd = Math.hypot(q[0] - c[0], q[1] - c[1]);
      if (dd < bd) {
        bd = dd;
        best = q;
      }
    }
    return best;
  });
  const bearing = (q: [number, number]) => (Math.atan2(q[0], q[1]) + 2 * Math.PI) % (2 * Math.PI);
  const order = snapped.map((q, i) => i).sort((a, b) => bearing(snapped[a]!) - bearing(snapped[b]!));
  rural.forEach((t, i) => {
    const p = pr.inv(snapped[order[i]!]!);
    out.set(t.code, [round(p[0], 5), round(p[1], 5)]);
  });
  return out;
}

export interface NodeRow {
  node_id: number;
  name: string;
  x_coord: number;
  y_coord: number;
  node_type: 'centroid' | 'signal' | 'junction' | 'interchange' | 'shape' | 'end';
  zone_id: number | null;
  district_code: string;
}
export interface LinkRow {
  link_id: number;
  name: string;
  from_node_id: number;
  to_node_id: number;
  length: number;
  lanes: number;
  capacity: number;
  free_speed: number;
  link_type: LinkType;
  signalized: 0 | 1;
  district_code: string;
}

function segIntersect(a: LonLat, b: LonLat, c: LonLat, d: LonLat): { t: number; u: number } | null {
  const r = [b[0] - a[0], b[1] - a[1]];
  const s = [d[0] - c[0], d[1] - c[1]];
  const den = r[0]! * s[1]! - r[1]! * s[0]!;
  if (Math.abs(den) < 1e-15) return null;
  const qp = [c[0] - a[0], c[1] - a[1]];
  const t = (qp[0]! * s[1]! - qp[1]! * s[0]!) / den;
  const u = (qp[0]! * r[1]! - qp[1]! * r[0]!) / den;
  if (t < -1e-9 || t > 1 + 1e-9 || u < -1e-9 || u > 1 + 1e-9) return null;
  return { t, u };
}

/**
 * Cuts a road where it leaves Zibo: waypoints outside every county outline at either end are replaced by the
 * crossing with the outline, so the road ends in a gateway node on the city boundary.
 * @example
 * const geometry = { type: 'Polygon', coordinates: [[[118, 36.7], [118.1, 36.7], [118.1, 36.9], [118, 36.9], [118, 36.7]]] };
 * const polygon = { type: 'Feature', properties: {}, geometry };
 * const district = { code: '370303', seat: [118.05, 36.8], seatGcj02: [118.056, 36.801], polygon };
 * clipToZibo([[117.9, 36.8], [118.05, 36.8]], [district], 'g20') // => [[118, 36.8], [118.05, 36.8]]
 * clipToZibo([[118.02, 36.8], [118.05, 36.8]], [district], 'g20') // => [[118.02, 36.8], [118.05, 36.8]]
 */
export function clipToZibo(line: LonLat[], districts: readonly DistrictIn[], id: string): LonLat[] {
  const inside = (p: LonLat) => districts.some((d) => turf.booleanPointInPolygon(p, d.polygon));
  const clipStart = (l: LonLat[]): LonLat[] => {
    let k = 0;
    while (k < l.length && !inside(l[k]!)) k++;
    if (k === 0) return l;
    if (k === l.length) throw new Error(`data/build/roads.ts: road ${id} lies wholly outside Zibo`);
    // The crossing farthest from the first inside point is where the road first enters Zibo (a segment may
    // cross internal county borders too).
    const seg = turf.lineString([l[k - 1]!, l[k]!]);
    let far: LonLat | null = null;
    let fd = -1;
    for (const d of districts) {
      for (const f of turf.lineIntersect(seg, d.polygon).features) {
        const p = f.geometry.coordinates as LonLat;
        const dd = distM(p, l[k]!);
        if (dd > fd) {
          fd = dd;
          far = p;
        }
      }
    }
    if (!far) throw new Error(`data/build/roads.ts: road ${id} leaves Zibo but no boundary crossing was found`);
    return [[round(far[0], 5), round(far[1], 5)], ...l.slice(k)];
  };
  return clipStart(clipStart(line).reverse()).reverse();
}

/**
 * Which district a point falls in (nearest outline when it lies just outside all of them).
 * @example
 * const geometry = { type: 'Polygon', coordinates: [[[118, 36.7], [118.1, 36.7], [118.1, 36.9], [118, 36.9], [118, 36.7]]] };
 * const polygon = { type: 'Feature', properties: {}, geometry };
 * const district = { code: '370303', seat: [118.05, 36.8], seatGcj02: [118.056, 36.801], polygon };
 * districtOf([118.05, 36.81], [district]) // => '370303'
 * // a point just outside every outline gets the nearest one
 * districtOf([118.2, 36.81], [district]) // => '370303'
 */
export function districtOf(p: LonLat, districts: readonly DistrictIn[]): string {
  for (const d of districts) if (turf.booleanPointInPolygon(p, d.polygon)) return d.code;
  let best = districts[0]!.code;
  let bd = Infinity;
  for (const d of districts) {
    const dd = turf.pointToLineDistance(p, turf.polygonToLine(d.polygon) as Feature<LineString>, {
      units: 'kilometers',
    });
    if (dd < bd) {
      bd = dd;
      best = d.code;
    }
  }
  return best;
}

/**
 * Builds zones.csv, network/node.csv and network/link.csv.
 * @example
 * import { readFileSync } from 'node:fs';
 * import { stage2Inputs } from './all.ts';
 * import { ZIBO_DIR } from './common.ts';
 * const read = (f) => readFileSync(`${ZIBO_DIR}/${f}`, 'utf8');
 * const { districts, towns } = stage2Inputs(read('districts.geojson'), read('divisions.json'));
 * const out = buildNetwork(districts, towns);
 * [...out.keys()] // => ['zibo/zones.csv', 'zibo/network/node.csv', 'zibo/network/link.csv']
 * // The committed files are this build's output (what `npm run data:build -- --check` checks too):
 * out.get('zibo/network/link.csv') === read('network/link.csv') // => true
 * out.get('zibo/network/link.csv').trimEnd().split('\n').length - 1 // => 724
 */
export function buildNetwork(districts: readonly DistrictIn[], towns: readonly TownIn[]): Outputs {
  // ---- resolve road geometry (GCJ-02 → WGS-84) ----
  const anchor = (name: string): LonLat => {
    if (name.startsWith('seat:')) {
      const d = districts.find((x) => x.code === name.slice(5));
      if (!d) throw new Error(`data/build/roads.ts: unknown anchor ${name}`);
      return d.seatGcj02;
    }
    const a = ANCHORS[name];
    if (!a) throw new Error(`data/build/roads.ts: unknown anchor ${name}`);
    return a;
  };
  const lines = ROADS.map((r) =>
    clipToZibo(
      r.points.map((p) => gcjToWgs(typeof p === 'string' ? anchor(p) : p)),
      districts,
      r.id,
    ),
  );

  // ---- stations along each road: waypoints + crossings (never with expressways: grade-separated) ----
  type Station = { seg: number; t: number; p: LonLat };
  const stations: Station[][] = lines.map((l) => l.map((p, i) => ({ seg: i, t: 0, p })));
  for (let a = 0; a < ROADS.length; a++) {
    for (let b = a + 1; b < ROADS.length; b++) {
      if (ROADS[a]!.type === 'expressway' || ROADS[b]!.type === 'expressway') continue;
      const la = lines[a]!;
      const lb = lines[b]!;
      for (let i = 0; i + 1 < la.length; i++) {
        for (let j = 0; j + 1 < lb.length; j++) {
          const hit = segIntersect(la[i]!, la[i + 1]!, lb[j]!, lb[j + 1]!);
          if (!hit) continue;
          const p: LonLat = [
            la[i]![0] + hit.t * (la[i + 1]![0] - la[i]![0]),
            la[i]![1] + hit.t * (la[i + 1]![1] - la[i]![1]),
          ];
          stations[a]!.push({ seg: i, t: hit.t, p });
          stations[b]!.push({ seg: j, t: hit.u, p });
        }
      }
    }
  }

  // ---- nodes with snapping ----
  const nodes: { p: LonLat; roads: Set<number> }[] = [];
  const nodeAt = (p: LonLat, road: number): number => {
    for (let i = 0; i < nodes.length; i++) {
      if (distM(nodes[i]!.p, p) < SNAP_M) {
        nodes[i]!.roads.add(road);
        return i;
      }
    }
    nodes.push({ p: [round(p[0], 5), round(p[1], 5)], roads: new Set([road]) });
    return nodes.length - 1;
  };
  const edges: { a: number; b: number; road: number }[] = [];
  stations.forEach((st, r) => {
    st.sort((x, y) => x.seg - y.seg || x.t - y.t);
    let prev = -1;
    for (const s of st) {
      const n = nodeAt(s.p, r);
      if (prev >= 0 && n !== prev) {
        // densify long segments
        const pa = nodes[prev]!.p;
        const pb = nodes[n]!.p;
        const pieces = Math.ceil(distM(pa, pb) / MAX_SEGMENT_M);
        let from = prev;
        for (let k = 1; k < pieces; k++) {
          const q: LonLat = [pa[0] + ((pb[0] - pa[0]) * k) / pieces, pa[1] + ((pb[1] - pa[1]) * k) / pieces];
          const mid = nodeAt(q, r);
          edges.push({ a: from, b: mid, road: r });
          from = mid;
        }
        edges.push({ a: from, b: n, road: r });
      }
      prev = n;
    }
  });

  // ---- node classification ----
  const degree = new Map<number, Set<number>>();
  for (const e of edges) {
    if (!degree.has(e.a)) degree.set(e.a, new Set());
    if (!degree.has(e.b)) degree.set(e.b, new Set());
    degree.get(e.a)!.add(e.b);
    degree.get(e.b)!.add(e.a);
  }
  const nodeDistrict = nodes.map((n) => districtOf(n.p, districts));
  const nodeType = nodes.map((n, i): NodeRow['node_type'] => {
    const deg = degree.get(i)?.size ?? 0;
    const types = [...n.roads].map((r) => ROADS[r]!.type);
    if (deg <= 1) return 'end';
    if (n.roads.size >= 2 && types.includes('expressway')) return 'interchange';
    if (deg >= 3 || n.roads.size >= 2) {
      const urban = districts.some((d) => distM(d.seat, n.p) < SIGNAL_RADIUS_M);
      return urban ? 'signal' : 'junction';
    }
    return 'shape';
  });

  // ---- zones ----
  const pop2020 = districtPopulation2020();
  const zones: {
    zone_id: number;
    town_code: string;
    name: string;
    county_code: string;
    population: number;
    x_coord: number;
    y_coord: number;
  }[] = [];
  for (const d of districts) {
    const ts = towns.filter((t) => t.countyCode === d.code);
    const pos = placeCentroids(d, ts);
    const pops = apportion(
      pop2020[d.code]!.value,
      ts.map((t) => COMMUNITY_WEIGHT * t.communities + t.villages),
    );
    ts.forEach((t, i) => {
      const p = pos.get(t.code)!;
      zones.push({
        zone_id: 0,
        town_code: t.code,
        name: t.name,
        county_code: d.code,
        population: pops[i]!,
        x_coord: p[0],
        y_coord: p[1],
      });
    });
  }
  zones.sort((a, b) => a.town_code.localeCompare(b.town_code));
  zones.forEach((z, i) => (z.zone_id = i + 1));

  // ---- rows ----
  const ROAD_ID0 = 1001;
  const nodeRows: NodeRow[] = zones.map((z) => ({
    node_id: z.zone_id,
    name: `${z.name} centroid`,
    x_coord: z.x_coord,
    y_coord: z.y_coord,
    node_type: 'centroid',
    zone_id: z.zone_id,
    district_code: z.county_code,
  }));
  nodes.forEach((n, i) =>
    nodeRows.push({
      node_id: ROAD_ID0 + i,
      name: [...n.roads]
        .map((r) => ROADS[r]!.nameZh)
        .filter((v, k, arr) => arr.indexOf(v) === k)
        .join(' / '),
      x_coord: n.p[0],
      y_coord: n.p[1],
      node_type: nodeType[i]!,
      zone_id: null,
      district_code: nodeDistrict[i]!,
    }),
  );
  const linkRows: LinkRow[] = [];
  const addLink = (
    from: number,
    to: number,
    name: string,
    type: LinkType,
    road: RoadDef | null,
    lengthM: number,
    district: string,
    signalized: 0 | 1,
  ) => {
    const cls = CLASS_DEFAULTS[type];
    linkRows.push({
      link_id: linkRows.length + 1,
      name,
      from_node_id: from,
      to_node_id: to,
      length: Math.round(lengthM),
      lanes: road?.lanes ?? cls.lanes,
      capacity: cls.capacityVehPerHPerLane,
      free_speed: road?.freeSpeedKmPerH ?? cls.freeSpeedKmPerH,
      link_type: type,
      signalized,
      district_code: district,
    });
  };
  for (const e of edges) {
    const road = ROADS[e.road]!;
    const pa = nodes[e.a]!.p;
    const pb = nodes[e.b]!.p;
    const len = turf.length(turf.lineString([pa, pb]), { units: 'kilometers' }) * 1000;
    const mid: LonLat = [(pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2];
    const dc = districtOf(mid, districts);
    const sig = (n: number): 0 | 1 => (nodeType[n] === 'signal' && road.type !== 'expressway' ? 1 : 0);
    addLink(ROAD_ID0 + e.a, ROAD_ID0 + e.b, road.name, road.type, road, len, dc, sig(e.b));
    addLink(ROAD_ID0 + e.b, ROAD_ID0 + e.a, road.name, road.type, road, len, dc, sig(e.a));
  }
  // Connectors: each centroid to its nearest node that touches a non-expressway road, both directions.
  const accessible = nodes.map((n) => [...n.roads].some((r) => ROADS[r]!.type !== 'expressway'));
  for (const z of zones) {
    const p: LonLat = [z.x_coord, z.y_coord];
    let best = -1;
    let bd = Infinity;
    nodes.forEach((n, i) => {
      if (!accessible[i]) return;
      const dd = distM(p, n.p);
      if (dd < bd) {
        bd = dd;
        best = i;
      }
    });
    const len = Math.max(CONNECTOR_MIN_M, bd * CONNECTOR_DETOUR);
    addLink(z.zone_id, ROAD_ID0 + best, `${z.name} connector`, 'connector', null, len, z.county_code, 0);
    addLink(ROAD_ID0 + best, z.zone_id, `${z.name} connector`, 'connector', null, len, z.county_code, 0);
  }

  const nodeCols = ['node_id', 'name', 'x_coord', 'y_coord', 'node_type', 'zone_id', 'district_code'];
  const linkCols = [
    'link_id',
    'name',
    'from_node_id',
    'to_node_id',
    'length',
    'lanes',
    'capacity',
    'free_speed',
    'link_type',
    'signalized',
    'district_code',
  ];
  const zoneCols = ['zone_id', 'town_code', 'name', 'county_code', 'population', 'x_coord', 'y_coord'];
  return new Map([
    ['zibo/zones.csv', toCsv(zoneCols, zones)],
    ['zibo/network/node.csv', toCsv(nodeCols, nodeRows as unknown as Record<string, string | number | null>[])],
    ['zibo/network/link.csv', toCsv(linkCols, linkRows as unknown as Record<string, string | number | null>[])],
  ]);
}
