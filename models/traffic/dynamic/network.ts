/**
 * The network as the dynamic loading sees it: directed links with a triangular fundamental diagram each, nodes with
 * in- and out-link lists (CSR), optional signal flags. Built once from plain link specs (GMNS-like rows, the static
 * model's `Network`, or the synthetic grid); everything is a typed array so the simulation loop allocates nothing.
 */
import { classByName, triangularFd, type LinkClassFd, DEFAULT_LINK_CLASSES } from './fd.ts';

/** One directed link as given by a reader. Units in the names. */
export interface DynLinkSpec {
  /** External id, kept for outputs (`link:<id>`). */
  id: string;
  from: number;
  to: number;
  lengthM: number;
  lanes: number;
  /** km/h; class default when missing. */
  freeSpeedKmPerH?: number;
  /** Saturation flow / capacity, veh/h/lane; class default when missing. */
  capacityVehPerHPerLane?: number;
  /** veh/km/lane; class default when missing. */
  jamDensityVehPerKmPerLane?: number;
  /** GMNS link_type, picks the class defaults. */
  linkType?: string;
}

/** Input to {@link buildDynNetwork}. */
export interface DynNetworkSpec {
  /** Node coordinates in metres (any projected frame; used for signal phase grouping by bearing and trip distances). */
  nodeXM: ArrayLike<number>;
  nodeYM: ArrayLike<number>;
  /** 1 where the node has traffic signals. */
  nodeSignalized?: ArrayLike<number>;
  links: DynLinkSpec[];
  classes?: readonly LinkClassFd[];
}

/** Built network, structure of arrays. Link capacities and densities are per link (all lanes). */
export interface DynNetwork {
  numNodes: number;
  numLinks: number;
  nodeXM: Float64Array;
  nodeYM: Float64Array;
  nodeSignalized: Uint8Array;
  linkIds: string[];
  from: Int32Array;
  to: Int32Array;
  lengthM: Float64Array;
  lanes: Float64Array;
  freeSpeedMPerS: Float64Array;
  capacityVehPerS: Float64Array;
  jamDensityVehPerM: Float64Array;
  waveSpeedMPerS: Float64Array;
  /** Free-flow travel time L / v_f, s. */
  freeTimeS: Float64Array;
  /** Storage k_j·L, vehicles (at least 1 so a short link can hold one car). */
  storageVeh: Float64Array;
  /** In-links of node n: inLinks[inStart[n] .. inStart[n+1]). */
  inStart: Int32Array;
  inLinks: Int32Array;
  outStart: Int32Array;
  outLinks: Int32Array;
  /** Largest in-degree (size of per-node scratch buffers). */
  maxInDegree: number;
}

/**
 * Build a {@link DynNetwork}, checking every link and naming the bad one.
 * @example
 * const net = buildDynNetwork({ nodeXM: [0, 500], nodeYM: [0, 0], links: [{ id: 'a', from: 0, to: 1, lengthM: 500,
 *   lanes: 2 }] });
 * // 0.5 km × 2 lanes × the class's jam density (veh/km/lane); free-flow time at the class's speed:
 * [net.storageVeh[0], net.freeTimeS[0].toFixed(1)] // => [143, '36.0']
 */
export function buildDynNetwork(spec: DynNetworkSpec): DynNetwork {
  const classes = spec.classes ?? DEFAULT_LINK_CLASSES;
  const n = spec.nodeXM.length;
  if (spec.nodeYM.length !== n) throw new Error(`nodeXM has ${n} entries but nodeYM ${spec.nodeYM.length}`);
  const m = spec.links.length;
  const net: DynNetwork = {
    numNodes: n,
    numLinks: m,
    nodeXM: Float64Array.from(spec.nodeXM),
    nodeYM: Float64Array.from(spec.nodeYM),
    nodeSignalized: spec.nodeSignalized ? Uint8Array.from(spec.nodeSignalized) : new Uint8Array(n),
    linkIds: new Array<string>(m),
    from: new Int32Array(m),
    to: new Int32Array(m),
    lengthM: new Float64Array(m),
    lanes: new Float64Array(m),
    freeSpeedMPerS: new Float64Array(m),
    capacityVehPerS: new Float64Array(m),
    jamDensityVehPerM: new Float64Array(m),
    waveSpeedMPerS: new Float64Array(m),
    freeTimeS: new Float64Array(m),
    storageVeh: new Float64Array(m),
    inStart: new Int32Array(n + 1),
    inLinks: new Int32Array(m),
    outStart: new Int32Array(n + 1),
    outLinks: new Int32Array(m),
    maxInDegree: 0,
  };
  for (let a = 0; a < m; a++) {
    const l = spec.links[a]!;
    const what = `link ${l.id} (row ${a + 1})`;
    if (!(l.from >= 0 && l.from < n && l.to >= 0 && l.to < n) || !Number.isInteger(l.from) || !Number.isInteger(l.to)) {
      throw new Error(
        `${what}: from/to node index ${l.from}→${l.to} outside 0..${n - 1}; check from_node_id/to_node_id against the node file`,
      );
    }
    if (!(l.lengthM > 0)) throw new Error(`${what}: length ${l.lengthM} m must be > 0`);
    const cls = classByName(l.linkType, classes);
    const fd = triangularFd(
      l.freeSpeedKmPerH ?? cls.freeSpeedKmPerH,
      l.capacityVehPerHPerLane ?? cls.capacityVehPerHPerLane,
      l.jamDensityVehPerKmPerLane ?? cls.jamDensityVehPerKmPerLane,
      l.lanes,
      what,
    );
    net.linkIds[a] = l.id;
    net.from[a] = l.from;
    net.to[a] = l.to;
    net.lengthM[a] = l.lengthM;
    net.lanes[a] = l.lanes;
    net.freeSpeedMPerS[a] = fd.freeSpeedMPerS;
    net.capacityVehPerS[a] = fd.capacityVehPerS;
    net.jamDensityVehPerM[a] = fd.jamDensityVehPerM;
    net.waveSpeedMPerS[a] = fd.waveSpeedMPerS;
    net.freeTimeS[a] = l.lengthM / fd.freeSpeedMPerS;
    net.storageVeh[a] = Math.max(1, fd.jamDensityVehPerM * l.lengthM);
  }
  fillCsr(net.to, n, net.inStart, net.inLinks);
  fillCsr(net.from, n, net.outStart, net.outLinks);
  for (let v = 0; v < n; v++) net.maxInDegree = Math.max(net.maxInDegree, net.inStart[v + 1]! - net.inStart[v]!);
  return net;
}

function fillCsr(key: Int32Array, n: number, start: Int32Array, items: Int32Array): void {
  for (let a = 0; a < key.length; a++) start[key[a]! + 1]!++;
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, n);
  for (let a = 0; a < key.length; a++) items[fill[key[a]!]!++] = a;
}

/** Options of {@link gridNetworkSpec}. */
export interface GridOptions {
  /** Junctions per side (SUMO netgenerate --grid.number). */
  size: number;
  blockM: number;
  lanes: number;
  freeSpeedKmPerH: number;
  capacityVehPerHPerLane: number;
  jamDensityVehPerKmPerLane?: number;
  signalized?: boolean;
}

/**
 * A square grid like SUMO's `netgenerate --grid`: junction (i, j) at (i·block, j·block), named `<letter i><j>`
 * (A0, B0, …), two directed links per neighbour pair named `<from><to>` (e.g. `A0B0`), so SUMO route files map 1:1.
 *
 * @example
 * const spec = gridNetworkSpec({ size: 10, blockM: 200, lanes: 2, freeSpeedKmPerH: 50, capacityVehPerHPerLane: 1800 });
 * spec.links.length // => 360
 */
export function gridNetworkSpec(o: GridOptions): DynNetworkSpec & { nodeNames: string[] } {
  const n = o.size;
  if (n > 26) throw new Error(`grid size ${n}: at most 26 (junction names use one letter)`);
  const nodeXM: number[] = [];
  const nodeYM: number[] = [];
  const nodeNames: string[] = [];
  const idx = (i: number, j: number): number => i * n + j;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      nodeXM.push(i * o.blockM);
      nodeYM.push(j * o.blockM);
      nodeNames.push(String.fromCharCode(65 + i) + j);
    }
  }
  const links: DynLinkSpec[] = [];
  const add = (a: number, b: number): void => {
    links.push({
      id: nodeNames[a]! + nodeNames[b]!,
      from: a,
      to: b,
      lengthM: o.blockM,
      lanes: o.lanes,
      freeSpeedKmPerH: o.freeSpeedKmPerH,
      capacityVehPerHPerLane: o.capacityVehPerHPerLane,
      jamDensityVehPerKmPerLane: o.jamDensityVehPerKmPerLane ?? 143,
    });
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i + 1 < n) {
        add(idx(i, j), idx(i + 1, j));
        add(idx(i + 1, j), idx(i, j));
      }
      if (j + 1 < n) {
        add(idx(i, j), idx(i, j + 1));
        add(idx(i, j + 1), idx(i, j));
      }
    }
  }
  return { nodeXM, nodeYM, nodeNames, nodeSignalized: new Array(n * n).fill(o.signalized === false ? 0 : 1), links };
}
