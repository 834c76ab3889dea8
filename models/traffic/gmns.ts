/**
 * GMNS (General Modeling Network Specification, Zephyr Foundation) reader: `node.csv`, `link.csv` and a demand table
 * (`demand.csv`: o_zone_id,d_zone_id,volume). Column names follow GMNS; lengths in metres, capacity veh/h/lane,
 * free_speed km/h, optional `vdf_alpha`/`vdf_beta` (BPR B and power, default 0.15 and 4).
 *
 * Conversion to the model's Network: length km, free-flow time min = length / free_speed · 60, capacity veh/h =
 * lanes × capacity per lane. Zone centroids (node_type `centroid`, or any node with a zone_id when no node is typed
 * `centroid`) are origins/destinations that paths may not pass through.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { GmnsLink, GmnsNode } from '../../data/index.ts';
import { NetworkInputError, readTable, type NetworkFiles } from '../../data/networks.ts';
import { makeDemand, refreshFixedCost, type Demand, type Network } from './network.ts';

// The node and link types live with data's typed loader (one type per thing); re-exported for the models.
export type { GmnsLink, GmnsNode };

/** A network built from GMNS tables, with the original records kept for outputs (district, type, signals). */
export interface GmnsNetwork {
  net: Network;
  nodes: GmnsNode[];
  links: GmnsLink[];
  /** External zone id of each zone index. */
  zoneIds: Int32Array;
}

/**
 * Build the model's Network from GMNS records. Throws on dangling node ids, duplicate zone ids, or links with
 * non-positive length, lanes, capacity or speed.
 * @example const { gmns } = readGmnsFolder('models/traffic/fixtures/gmns-small');
 * networkFromGmns(gmns.nodes, gmns.links).net.numZones // => 4
 */
export function networkFromGmns(nodes: GmnsNode[], links: GmnsLink[], name = 'gmns'): GmnsNetwork {
  const index = new Map<number, number>();
  nodes.forEach((n, i) => {
    if (index.has(n.nodeId)) throw new Error(`${name}: duplicate node_id ${n.nodeId}`);
    index.set(n.nodeId, i);
  });
  const typed = nodes.some((n) => n.nodeType === 'centroid');
  const zoneNodes: { zoneId: number; node: number }[] = [];
  nodes.forEach((n, i) => {
    if (n.zoneId === null || n.zoneId === undefined) return;
    if (typed && n.nodeType !== 'centroid') return;
    zoneNodes.push({ zoneId: n.zoneId, node: i });
  });
  if (zoneNodes.length === 0)
    throw new Error(`${name}: no zone centroids (nodes with node_type "centroid" and a zone_id)`);
  zoneNodes.sort((a, b) => a.zoneId - b.zoneId);
  for (let k = 1; k < zoneNodes.length; k++) {
    if (zoneNodes[k]!.zoneId === zoneNodes[k - 1]!.zoneId)
      throw new Error(`${name}: zone_id ${zoneNodes[k]!.zoneId} is on two centroid nodes`);
  }
  const m = links.length;
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  const capacity = new Float64Array(m);
  const length = new Float64Array(m);
  const fft = new Float64Array(m);
  const b = new Float64Array(m);
  const power = new Float64Array(m);
  const linkIds = new Int32Array(m);
  links.forEach((l, a) => {
    const f = index.get(l.fromNodeId);
    const t = index.get(l.toNodeId);
    if (f === undefined || t === undefined)
      throw new Error(
        `${name}: link ${l.linkId} refers to node ${f === undefined ? l.fromNodeId : l.toNodeId}, which is not in node.csv`,
      );
    if (!(l.lengthM > 0 && l.lanes > 0 && l.capacityVehPerHPerLane > 0 && l.freeSpeedKmPerH > 0)) {
      throw new Error(`${name}: link ${l.linkId} needs length, lanes, capacity and free_speed > 0`);
    }
    from[a] = f;
    to[a] = t;
    length[a] = l.lengthM / 1000;
    capacity[a] = l.lanes * l.capacityVehPerHPerLane;
    fft[a] = (length[a]! / l.freeSpeedKmPerH) * 60;
    b[a] = l.vdfAlpha ?? 0.15;
    power[a] = l.vdfBeta ?? 4;
    linkIds[a] = l.linkId;
  });
  const numNodes = nodes.length;
  const noThrough = new Uint8Array(numNodes);
  const zoneNode = Int32Array.from(zoneNodes.map((z) => z.node));
  for (const z of zoneNodes) noThrough[z.node] = 1;
  const net: Network = {
    name,
    numNodes,
    numLinks: m,
    numZones: zoneNodes.length,
    nodeIds: Int32Array.from(nodes.map((n) => n.nodeId)),
    zoneNode,
    noThrough,
    from,
    to,
    capacity,
    length,
    fft,
    b,
    power,
    toll: new Float64Array(m),
    fixedCost: new Float64Array(m),
    tollFactor: 0,
    distanceFactor: 0,
    linkIds,
  };
  refreshFixedCost(net);
  return { net, nodes, links, zoneIds: Int32Array.from(zoneNodes.map((z) => z.zoneId)) };
}

/** An imported network as the traffic models use it: the GMNS network plus the source's base-year OD. */
export interface ImportedGmns {
  gmns: GmnsNetwork;
  /** The source's base-year OD (TNTP _trips, GMNS demand.csv), veh/h, in zone index order of `gmns.zoneIds`. */
  demand: Demand | null;
  /** 1 where the link brought its own BPR α/β (vdf_alpha/vdf_beta), which then win over the scenario's. */
  ownVdf: Uint8Array;
}

/**
 * Build the model's network from an imported network's files (data/networks.ts `readNetworkFiles`). Beyond
 * `networkFromGmns`: `vdf_fftt` (free-flow time, min) replaces length/free_speed, tolls with network.json's factors
 * feed the generalised cost, and zone nodes typed `zone` may be passed through (TNTP `<FIRST THRU NODE>`).
 * @example
 * // An imported network's files (readNetworkFiles of data/networks.ts gives them), made here from the GMNS fixture
 * // with a given free-flow time of 2 min on link 0, a toll of 5 on link 1 and 900 trips from zone 1 to zone 4:
 * const { gmns } = readGmnsFolder('models/traffic/fixtures/gmns-small');
 * const links = gmns.links.map((l, a) => ({ ...l, fftMin: a === 0 ? 2 : null, toll: a === 1 ? 5 : 0 }));
 * const files = { name: 'small', dir: 'data/networks/small', meta: { tollFactor: 0.5 }, nodes: gmns.nodes, links,
 *   zones: [], demand: [{ o: 1, d: 4, volume: 900 }] };
 * const imp = gmnsFromNetworkFiles(files);
 * [imp.gmns.net.numZones, imp.gmns.net.fft[0], imp.gmns.net.fixedCost[1], imp.demand.total] // => [4, 2, 2.5, 900]
 * gmnsFromNetworkFiles({ ...files, demand: [{ o: 1, d: 9, volume: 1 }] }) // throws 'zone 9 has no centroid'
 */
export function gmnsFromNetworkFiles(f: NetworkFiles): ImportedGmns {
  const throughZone = new Set<number>();
  const nodes: GmnsNode[] = f.nodes.map((n) => {
    if (n.nodeType === 'zone') throughZone.add(n.nodeId);
    // networkFromGmns takes zones from `centroid` nodes; TNTP zones that are also junctions are freed below.
    return { ...n, nodeType: n.nodeType === 'zone' ? 'centroid' : n.nodeType };
  });
  const links: GmnsLink[] = f.links;
  const gmns = networkFromGmns(nodes, links, f.name);
  const net = gmns.net;
  nodes.forEach((n, i) => {
    if (throughZone.has(n.nodeId)) net.noThrough[i] = 0;
  });
  f.links.forEach((l, a) => {
    if (l.fftMin !== null) net.fft[a] = l.fftMin;
  });
  net.toll = Float64Array.from(f.links, (l) => l.toll);
  net.tollFactor = f.meta.tollFactor ?? 0;
  net.distanceFactor = f.meta.distanceFactorPerKm ?? 0;
  refreshFixedCost(net);
  let demand: Demand | null = null;
  if (f.demand) {
    const zi = new Map<number, number>();
    gmns.zoneIds.forEach((z, i) => zi.set(z, i));
    const nz = net.numZones;
    const od = new Float64Array(nz * nz);
    for (const r of f.demand) {
      const o = zi.get(r.o);
      const d = zi.get(r.d);
      if (o === undefined || d === undefined)
        throw new Error(
          `${f.dir}/demand.csv: zone ${o === undefined ? r.o : r.d} has no centroid in node.csv; import the network again`,
        );
      od[o * nz + d]! += r.volume;
    }
    demand = makeDemand(nz, od);
  }
  const ownVdf = Uint8Array.from(f.links, (l) => (l.vdfAlpha !== undefined || l.vdfBeta !== undefined ? 1 : 0));
  return { gmns, demand, ownVdf };
}

/**
 * Read a GMNS folder: node.csv, link.csv and, if present, demand.csv (o_zone_id,d_zone_id,volume).
 * @example const { gmns, demand } = readGmnsFolder('models/traffic/fixtures/gmns-small'); demand.total // => 3800
 */
export function readGmnsFolder(dir: string): { gmns: GmnsNetwork; demand: Demand | null } {
  const nodeFile = path.join(dir, 'node.csv');
  const linkFile = path.join(dir, 'link.csv');
  const nt = readTable(nodeFile, ['node_id', 'x_coord', 'y_coord']);
  const nodes: GmnsNode[] = nt.rows.map((r) => {
    const z = r.get('zone_id');
    return {
      nodeId: r.num('node_id'),
      name: r.get('name'),
      lon: r.num('x_coord'),
      lat: r.num('y_coord'),
      nodeType: r.get('node_type'),
      zoneId: z === '' ? null : r.num('zone_id'),
      districtCode: r.get('district_code'),
    };
  });
  const lt = readTable(linkFile, [
    'link_id',
    'from_node_id',
    'to_node_id',
    'length',
    'lanes',
    'capacity',
    'free_speed',
  ]);
  const links: GmnsLink[] = lt.rows.map((r) => {
    const l: GmnsLink = {
      linkId: r.num('link_id'),
      name: r.get('name'),
      fromNodeId: r.num('from_node_id'),
      toNodeId: r.num('to_node_id'),
      lengthM: r.num('length'),
      lanes: r.num('lanes'),
      capacityVehPerHPerLane: r.num('capacity'),
      freeSpeedKmPerH: r.num('free_speed'),
      linkType: r.get('link_type'),
      signalized: r.get('signalized') === '1',
      districtCode: r.get('district_code'),
    };
    for (const [col, v] of [
      ['length', l.lengthM],
      ['lanes', l.lanes],
      ['capacity', l.capacityVehPerHPerLane],
      ['free_speed', l.freeSpeedKmPerH],
    ] as const) {
      if (!(v > 0))
        throw new NetworkInputError(
          linkFile,
          `line ${r.line}, column "${col}"`,
          `${col} ${v} must be > 0 (link ${l.linkId})`,
          'give a positive value',
        );
    }
    if (lt.has('vdf_alpha') && r.get('vdf_alpha') !== '') l.vdfAlpha = r.num('vdf_alpha');
    if (lt.has('vdf_beta') && r.get('vdf_beta') !== '') l.vdfBeta = r.num('vdf_beta');
    return l;
  });
  const gmns = networkFromGmns(nodes, links, path.basename(dir));
  const demandFile = path.join(dir, 'demand.csv');
  if (!existsSync(demandFile)) return { gmns, demand: null };
  const dt = readTable(demandFile, ['o_zone_id', 'd_zone_id', 'volume']);
  const zi = new Map<number, number>();
  gmns.zoneIds.forEach((z, i) => zi.set(z, i));
  const nz = gmns.net.numZones;
  const od = new Float64Array(nz * nz);
  for (const r of dt.rows) {
    const o = zi.get(r.num('o_zone_id'));
    const d = zi.get(r.num('d_zone_id'));
    if (o === undefined || d === undefined)
      throw new NetworkInputError(
        demandFile,
        `line ${r.line}, column "${o === undefined ? 'o_zone_id' : 'd_zone_id'}"`,
        `zone ${o === undefined ? r.get('o_zone_id') : r.get('d_zone_id')} has no centroid in node.csv`,
        'use a zone_id of a node in node.csv',
      );
    const v = r.num('volume');
    if (v < 0)
      throw new NetworkInputError(
        demandFile,
        `line ${r.line}, column "volume"`,
        `volume ${v} must be ≥ 0`,
        'give a count ≥ 0',
      );
    od[o * nz + d]! += v;
  }
  return { gmns, demand: makeDemand(nz, od) };
}
