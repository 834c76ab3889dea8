/**
 * The roads of an imported network as the viewer draws them (`GET /api/networks/:name/roads`, engine/server.ts):
 * read from `data/networks/NAME/` (or TWIN_NETWORKS_DIR) only, the name checked first, so no request can make the
 * server read anything outside that folder. Columnar (engine/contract/network.ts), cached per name and content hash.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { checkNetworkName, networksRoot, readNetworkFiles, SKETCH_NETWORK } from '../data/networks.ts';
import type { NetworkRoads } from './contract/index.ts';
import { ApiError } from './api/http.ts';
import { parseWktLineString } from './network/table.ts';

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Zone connectors are modelling artefacts: vehicles use them, the map does not draw them. */
export const HIDDEN_LINK_TYPE = /connector|centroid/i;

/**
 * The roads of network `name` under `root`: every link with its shape (the WKT geometry written at import, else the
 * straight line between its nodes), class, lanes, length and whether the map hides it.
 */
export function networkRoads(name: string, root = networksRoot()): NetworkRoads {
  checkNetworkName(name);
  const f = readNetworkFiles(name, root);
  const nodeXY = new Map(f.nodes.map((n) => [n.nodeId, [n.lon, n.lat] as const]));
  const planar = f.meta.crs === 'planar';
  const r = (x: number): number => (planar ? Math.round(x * 10) / 10 : round6(x));
  const classes: string[] = [];
  const classIx = new Map<string, number>();
  const out: NetworkRoads = {
    name,
    contentHash: f.meta.contentHash,
    crs: f.meta.crs,
    licence: f.meta.source?.licence ?? '',
    attribution: f.meta.source?.attribution ?? '',
    id: [],
    cls: [],
    classes,
    lanes: [],
    lengthM: [],
    hidden: [],
    offsets: [0],
    coords: [],
  };
  for (const l of f.links) {
    const cls = l.linkType || 'road';
    let ci = classIx.get(cls);
    if (ci === undefined) {
      ci = classes.length;
      classes.push(cls);
      classIx.set(cls, ci);
    }
    // Shapes were checked at import; an unreadable one falls back to the chord between the link's nodes.
    const shape = (l.geometry && parseWktLineString(l.geometry)) || [
      ...nodeXY.get(l.fromNodeId)!,
      ...nodeXY.get(l.toNodeId)!,
    ];
    out.id.push(String(l.linkId));
    out.cls.push(ci);
    out.lanes.push(l.lanes);
    out.lengthM.push(Math.round(l.lengthM));
    out.hidden.push(HIDDEN_LINK_TYPE.test(cls) ? 1 : 0);
    for (const v of shape) out.coords.push(r(v));
    out.offsets.push(out.coords.length / 2);
  }
  return out;
}

const cache = new Map<string, { key: string; json: string }>();

/**
 * The roads of network `name` as JSON text, cached while the folder's network.json and link.csv are unchanged.
 * Unknown or malformed names are 404/400 ApiErrors naming the fix; the shipped sketch has no route (the viewer
 * draws it from geo/zibo.json).
 * @example networkRoadsJson('zibo-sketch') // throws 'shipped sketch'
 * @example networkRoadsJson('../etc') // throws 'network name'
 */
export function networkRoadsJson(name: string, root = networksRoot()): string {
  if (name === SKETCH_NETWORK)
    throw new ApiError(404, `${SKETCH_NETWORK} is the shipped sketch: the viewer draws it from geo/zibo.json`);
  try {
    checkNetworkName(name);
  } catch (e) {
    throw new ApiError(400, (e as Error).message);
  }
  const dir = path.join(root, name);
  let key: string;
  try {
    key = ['network.json', 'link.csv', 'node.csv']
      .map((f) => {
        const st = statSync(path.join(dir, f));
        return `${st.mtimeMs}:${st.size}`;
      })
      .join('|');
  } catch {
    throw new ApiError(
      404,
      `no imported network "${name}" in ${root}; import it with \`twin network import SOURCE --name ${name}\``,
    );
  }
  const hit = cache.get(name);
  if (hit?.key === key) return hit.json;
  const json = JSON.stringify(networkRoads(name, root));
  cache.set(name, { key, json });
  // A server shows a handful of networks; keep at most four (28k links ≈ 2 MB each).
  if (cache.size > 4) cache.delete(cache.keys().next().value!);
  return json;
}
