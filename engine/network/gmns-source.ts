/**
 * GMNS folder source: node.csv (node_id, x_coord, y_coord; optional node_type, zone_id, name, ctrl_type),
 * link.csv (from_node_id, to_node_id, length m, lanes, capacity veh/h/lane, free_speed km/h; optional link_id, name,
 * link_type, directed, geometry WKT, vdf_alpha, vdf_beta, vdf_fftt, toll, signalized), optional zone.csv
 * (zone_id, x_coord, y_coord[, name, population]) and demand.csv (o_zone_id, d_zone_id, volume).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gcj02ToWgs84 } from './crs.ts';
import { NetworkInputError } from './errors.ts';
import { parseWktLineString, readTable } from './table.ts';
import { shapeLengthM, type Crs, type NetLink, type NetNode, type NetZone } from './types.ts';

/** What a GMNS (or TNTP) folder brings before zones are settled. */
export interface SourceNetwork {
  nodes: NetNode[];
  links: NetLink[];
  /** Zones of the source: from centroid nodes (`centroids`: true) or zone.csv positions (to be connected). */
  zones: NetZone[];
  centroids: boolean;
  demand: { o: number; d: number; volume: number }[] | null;
  tollFactor: number;
  distanceFactorPerKm: number;
  notes: string[];
}

const truthy = (s: string): boolean => ['1', 'true', 'yes', 'signal'].includes(s.toLowerCase());

/**
 * Read a GMNS folder into the import form. Coordinates converted from GCJ-02 when `crs` is gcj02.
 * @example
 * const s = readGmnsSource('models/traffic/fixtures/gmns-small', 'wgs84');
 * [s.nodes.length, s.links.length, s.demand.length] // => [13, 32, 9]
 * // node ids become indexes; the source's own ids are kept for messages
 * const l = s.links[0];
 * [l.from, l.to, l.lengthM, l.freeSpeedKmPerH, l.shape, l.sourceId] // => [0, 1, 500, 50, [118, 36.8, 118.005, 36.8], 1]
 */
export function readGmnsSource(dir: string, crs: Crs): SourceNetwork {
  const nodeFile = path.join(dir, 'node.csv');
  const linkFile = path.join(dir, 'link.csv');
  const conv = (x: number, y: number): [number, number] => (crs === 'gcj02' ? gcj02ToWgs84(x, y) : [x, y]);
  const nt = readTable(nodeFile, ['node_id', 'x_coord', 'y_coord']);
  if (nt.rows.length === 0) throw new NetworkInputError(nodeFile, '', 'no nodes', 'add one row per node');
  const index = new Map<number, number>();
  const nodes: NetNode[] = nt.rows.map((r, i) => {
    const id = r.num('node_id');
    if (!Number.isInteger(id) || id < 1 || id > 2 ** 31 - 1)
      throw new NetworkInputError(
        nodeFile,
        `line ${r.line}, column "node_id"`,
        `node_id ${id} is not an integer in 1..2^31-1`,
        'renumber the nodes',
      );
    if (index.has(id))
      throw new NetworkInputError(
        nodeFile,
        `line ${r.line}, column "node_id"`,
        `duplicate node_id ${id}`,
        'give every node its own id',
      );
    index.set(id, i);
    const [x, y] = conv(r.num('x_coord'), r.num('y_coord'));
    const zoneId = r.optNum('zone_id');
    const t = r.get('node_type').toLowerCase();
    const centroid = t === 'centroid' || (zoneId !== null && t === '');
    return {
      id,
      x,
      y,
      type: centroid ? 'centroid' : zoneId !== null ? 'zone' : truthy(r.get('ctrl_type')) ? 'signal' : t || 'junction',
      zoneId,
      district: r.get('district_code'),
      name: r.get('name'),
      sourceId: id,
    };
  });
  const lt = readTable(linkFile, ['from_node_id', 'to_node_id', 'length', 'lanes', 'capacity', 'free_speed']);
  if (lt.rows.length === 0) throw new NetworkInputError(linkFile, '', 'no links', 'add one row per link');
  const links: NetLink[] = [];
  let shapesFromNodes = 0;
  for (const r of lt.rows) {
    const node = (col: string): number => {
      const id = r.num(col);
      const i = index.get(id);
      if (i === undefined)
        throw new NetworkInputError(
          linkFile,
          `line ${r.line}, column "${col}"`,
          `node ${id} is not in node.csv (dangling node id)`,
          'add the node to node.csv or correct the id',
        );
      return i;
    };
    const from = node('from_node_id');
    const to = node('to_node_id');
    const pos = (col: string): number => {
      const v = r.num(col);
      if (!(v > 0))
        throw new NetworkInputError(
          linkFile,
          `line ${r.line}, column "${col}"`,
          `${col} is ${v}`,
          `${col} must be > 0`,
        );
      return v;
    };
    let shape: number[] | null;
    const wkt = r.get('geometry');
    if (wkt !== '') {
      shape = parseWktLineString(wkt);
      if (!shape)
        throw new NetworkInputError(
          linkFile,
          `line ${r.line}, column "geometry"`,
          `"${wkt.slice(0, 40)}" is not a WKT LINESTRING`,
          'write LINESTRING (x y, x y, ...) or leave the cell empty',
        );
      if (crs === 'gcj02')
        for (let k = 0; k < shape.length; k += 2) [shape[k], shape[k + 1]] = gcj02ToWgs84(shape[k]!, shape[k + 1]!);
    } else {
      shapesFromNodes++;
      shape = [nodes[from]!.x, nodes[from]!.y, nodes[to]!.x, nodes[to]!.y];
    }
    const fft = r.optNum('vdf_fftt');
    const link: NetLink = {
      id: r.get('link_id') === '' ? links.length + 1 : r.num('link_id'),
      from,
      to,
      lengthM: pos('length'),
      lanes: pos('lanes'),
      capacityVehPerHPerLane: pos('capacity'),
      freeSpeedKmPerH: pos('free_speed'),
      type: r.get('link_type'),
      signalized: truthy(r.get('signalized')),
      district: r.get('district_code'),
      name: r.get('name'),
      shape,
      sourceId: r.get('link_id') === '' ? 0 : r.num('link_id'),
      ...(r.optNum('vdf_alpha') !== null ? { vdfAlpha: r.num('vdf_alpha') } : {}),
      ...(r.optNum('vdf_beta') !== null ? { vdfBeta: r.num('vdf_beta') } : {}),
      ...(fft !== null ? { fftMin: fft } : {}),
      ...(r.optNum('toll') !== null ? { toll: r.num('toll') } : {}),
    };
    links.push(link);
    const directed = r.get('directed').toLowerCase();
    if (directed === 'false' || directed === '0') {
      const rev: number[] = [];
      for (let k = shape.length - 2; k >= 0; k -= 2) rev.push(shape[k]!, shape[k + 1]!);
      links.push({ ...link, id: -1, from: to, to: from, shape: rev });
    }
  }
  // Renumber link ids when reverse links were added (GMNS ids must stay unique).
  if (links.some((l) => l.id === -1)) links.forEach((l, a) => (l.id = a + 1));
  const notes: string[] = [];
  if (shapesFromNodes) notes.push(`${shapesFromNodes} links without geometry drawn as straight lines`);
  // Zones.
  const centroidNodes = nodes.filter((n) => n.zoneId !== null);
  const zoneFile = path.join(dir, 'zone.csv');
  const zoneRows = existsSync(zoneFile) ? readTable(zoneFile, ['zone_id']).rows : [];
  const zoneInfo = new Map(zoneRows.map((r) => [r.num('zone_id'), r]));
  let zones: NetZone[];
  let centroids: boolean;
  if (centroidNodes.length > 0) {
    centroids = true;
    zones = centroidNodes.map((n) => {
      const zr = zoneInfo.get(n.zoneId!);
      return {
        zoneId: n.zoneId!,
        name: zr?.get('name') || n.name,
        x: n.x,
        y: n.y,
        population: zr?.optNum('population') ?? null,
        district: zr?.get('district_code') || n.district,
        townCode: zr?.get('town_code') ?? '',
      };
    });
  } else {
    centroids = false;
    zones = zoneRows.map((r) => {
      if (r.get('x_coord') === '' || r.get('y_coord') === '')
        throw new NetworkInputError(
          zoneFile,
          `line ${r.line}`,
          'a zone without a centroid node needs x_coord and y_coord',
          'add the zone centroid position, or mark its centroid node in node.csv with zone_id',
        );
      const [x, y] = conv(r.num('x_coord'), r.num('y_coord'));
      return {
        zoneId: r.num('zone_id'),
        name: r.get('name'),
        x,
        y,
        population: r.optNum('population'),
        district: r.get('district_code'),
        townCode: r.get('town_code'),
      };
    });
  }
  const demandFile = path.join(dir, 'demand.csv');
  let demand: SourceNetwork['demand'] = null;
  if (existsSync(demandFile)) {
    const ids = new Set(zones.map((z) => z.zoneId));
    demand = readTable(demandFile, ['o_zone_id', 'd_zone_id', 'volume']).rows.map((r) => {
      for (const c of ['o_zone_id', 'd_zone_id'])
        if (!ids.has(r.num(c)))
          throw new NetworkInputError(
            demandFile,
            `line ${r.line}, column "${c}"`,
            `zone ${r.get(c)} is not a zone of the network`,
            'add the zone (centroid node with zone_id, or zone.csv) or correct the id',
          );
      const v = r.num('volume');
      if (v < 0)
        throw new NetworkInputError(
          demandFile,
          `line ${r.line}, column "volume"`,
          `volume ${v}`,
          'volumes must be ≥ 0',
        );
      return { o: r.num('o_zone_id'), d: r.num('d_zone_id'), volume: v };
    });
  }
  // Lengths are taken from the table (planar networks included); flag tables that disagree wildly with the shape.
  if (crs !== 'planar') {
    let odd = 0;
    for (const l of links) {
      const g = shapeLengthM('wgs84', l.shape);
      if (g > 0 && (l.lengthM > 3 * g + 100 || l.lengthM < g / 3 - 100)) odd++;
    }
    if (odd)
      notes.push(`${odd} links whose length differs from their drawn shape by more than 3× (check units: metres)`);
  }
  return { nodes, links, zones, centroids, demand, tollFactor: 0, distanceFactorPerKm: 0, notes };
}
