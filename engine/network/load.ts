/**
 * `loadNetwork(name)`: read an imported network (`data/networks/NAME/`) into the structure the traffic models use
 * for the shipped sketch (models/traffic/gmns.ts `networkFromGmns` → GmnsNetwork), plus zones, the source's demand
 * and the provenance. The reading itself lives in data/networks.ts (`readNetworkFiles`) and the conversion in
 * models/traffic/gmns.ts (`gmnsFromNetworkFiles`), so the models load a scenario's network without the engine.
 */
import { NETWORKS_DIR, readNetworkFiles, type NetworkZoneRow } from '../../data/networks.ts';
import { gmnsFromNetworkFiles, type GmnsLink, type GmnsNetwork, type GmnsNode } from '../../models/traffic/gmns.ts';
import type { Demand } from '../../models/traffic/network.ts';
import type { NetworkMeta } from './write.ts';

export type LoadedZone = NetworkZoneRow;

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
  const f = readNetworkFiles(name, root);
  const { gmns, demand } = gmnsFromNetworkFiles(f);
  return {
    name,
    dir: f.dir,
    meta: f.meta as unknown as NetworkMeta,
    nodes: f.nodes,
    links: f.links,
    zones: f.zones,
    gmns,
    demand,
  };
}
