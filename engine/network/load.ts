/**
 * `loadNetwork(name)`: read an imported network (`data/networks/NAME/`) into the structure the traffic models use
 * for the shipped sketch (models/traffic/gmns.ts `networkFromGmns` → GmnsNetwork), plus zones, the source's demand
 * and the provenance. Columns beyond GMNS's basics are honoured: `vdf_fftt` (free-flow time, min) replaces
 * length/free_speed, `toll` with network.json's factors feeds the generalized cost, and zone nodes typed `zone`
 * may be passed through (TNTP `<FIRST THRU NODE>`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { networkFromGmns, type GmnsLink, type GmnsNetwork, type GmnsNode } from '../../models/traffic/gmns.ts';
import { makeDemand, refreshFixedCost, type Demand } from '../../models/traffic/network.ts';
import { NetworkInputError } from './errors.ts';
import { readTable } from './table.ts';
import { checkNetworkName, NETWORKS_DIR, type NetworkMeta } from './write.ts';

export interface LoadedZone {
  zoneId: number;
  name: string;
  lon: number;
  lat: number;
  population: number | null;
  districtCode: string;
  townCode: string;
}

export interface LoadedNetwork {
  name: string;
  dir: string;
  meta: NetworkMeta;
  nodes: GmnsNode[];
  links: (GmnsLink & { geometry: string })[];
  zones: LoadedZone[];
  /** What the traffic models consume (same as the sketch's `networkFromGmns(nodes, links)`). */
  gmns: GmnsNetwork;
  /** The source's base-year OD (TNTP _trips, GMNS demand.csv), in zone index order of `gmns.zoneIds`. */
  demand: Demand | null;
}

/**
 * Load an imported network by name.
 * @example const n = loadNetwork('sioux-falls'); assign(n.gmns.net, n.demand!, { targetGap: 1e-4 })
 */
export function loadNetwork(name: string, root = NETWORKS_DIR): LoadedNetwork {
  checkNetworkName(name);
  const dir = path.join(root, name);
  const metaFile = path.join(dir, 'network.json');
  let meta: NetworkMeta;
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as NetworkMeta;
  } catch (e) {
    throw new NetworkInputError(
      metaFile,
      '',
      `cannot read the network (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      `import it first: twin network import SOURCE --name ${name}`,
    );
  }
  const nt = readTable(path.join(dir, 'node.csv'), ['node_id', 'x_coord', 'y_coord', 'node_type', 'zone_id']);
  const throughZone = new Set<number>();
  const nodes: GmnsNode[] = nt.rows.map((r) => {
    const type = r.get('node_type');
    const id = r.num('node_id');
    if (type === 'zone') throughZone.add(id);
    return {
      nodeId: id,
      name: r.get('name'),
      lon: r.num('x_coord'),
      lat: r.num('y_coord'),
      // networkFromGmns takes zones from `centroid` nodes; TNTP zones that are also junctions are freed below.
      nodeType: type === 'zone' ? 'centroid' : type,
      zoneId: r.optNum('zone_id'),
      districtCode: r.get('district_code'),
    };
  });
  const lt = readTable(path.join(dir, 'link.csv'), [
    'link_id',
    'from_node_id',
    'to_node_id',
    'length',
    'lanes',
    'capacity',
    'free_speed',
  ]);
  const fftt: (number | null)[] = [];
  const toll: number[] = [];
  const links = lt.rows.map((r) => {
    fftt.push(r.optNum('vdf_fftt'));
    toll.push(r.optNum('toll') ?? 0);
    const l: GmnsLink & { geometry: string } = {
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
      geometry: r.get('geometry'),
    };
    const a = r.optNum('vdf_alpha');
    const b = r.optNum('vdf_beta');
    if (a !== null) l.vdfAlpha = a;
    if (b !== null) l.vdfBeta = b;
    return l;
  });
  const gmns = networkFromGmns(nodes, links, name);
  const net = gmns.net;
  nodes.forEach((n, i) => {
    if (throughZone.has(n.nodeId)) net.noThrough[i] = 0;
  });
  fftt.forEach((f, a) => {
    if (f !== null) net.fft[a] = f;
  });
  net.toll = Float64Array.from(toll);
  net.tollFactor = meta.tollFactor ?? 0;
  net.distanceFactor = meta.distanceFactorPerKm ?? 0;
  refreshFixedCost(net);
  const zt = readTable(path.join(dir, 'zone.csv'), ['zone_id', 'x_coord', 'y_coord']);
  const zones: LoadedZone[] = zt.rows.map((r) => ({
    zoneId: r.num('zone_id'),
    name: r.get('name'),
    lon: r.num('x_coord'),
    lat: r.num('y_coord'),
    population: r.optNum('population'),
    districtCode: r.get('district_code'),
    townCode: r.get('town_code'),
  }));
  let demand: Demand | null = null;
  if (meta.counts.demandRows > 0) {
    const zi = new Map<number, number>();
    gmns.zoneIds.forEach((z, i) => zi.set(z, i));
    const nz = net.numZones;
    const od = new Float64Array(nz * nz);
    const file = path.join(dir, 'demand.csv');
    for (const r of readTable(file, ['o_zone_id', 'd_zone_id', 'volume']).rows) {
      const o = zi.get(r.num('o_zone_id'));
      const d = zi.get(r.num('d_zone_id'));
      if (o === undefined || d === undefined)
        throw new NetworkInputError(file, `line ${r.line}`, 'zone without a centroid', 'import the network again');
      od[o * nz + d]! += r.num('volume');
    }
    demand = makeDemand(nz, od);
  }
  return { name, dir, meta, nodes, links, zones, gmns, demand };
}
