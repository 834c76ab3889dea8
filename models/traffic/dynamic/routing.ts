/**
 * Routes for the dynamic loading: a small Dijkstra on the dynamic network's own CSR (so this folder runs on its own),
 * random trips like SUMO's randomTrips.py for the peer benchmark, and stochastic route choice from (UE) link costs.
 *
 * Stochastic route choice: R independent draws of perturbed link costs c_a·exp(σ·ε_a − σ²/2), ε_a ~ N(0,1) (a
 * probit-like model: route costs are sums of independent lognormal link errors with mean c_a), one shortest-path tree
 * per origin and draw. An OD pair's trips are spread evenly over its R drawn routes, so cheaper routes — drawn more
 * often — carry more vehicles. With σ → 0 this is all-or-nothing on the given costs; on UE costs it reproduces the UE
 * route set where costs tie (Sheffi 1985, Urban Transportation Networks, ch. 10–11 on stochastic loading).
 */
import type { Rng } from '../../lib/rng.ts';
import type { DynNetwork } from './network.ts';

/** Paths as CSR: links of path p are links[start[p] .. start[p+1]); `veh` = expected vehicles on it. */
export interface PathTable {
  start: Int32Array;
  links: Int32Array;
  veh: Float64Array;
}

/**
 * Reusable Dijkstra on a DynNetwork (lazy-deletion binary heap, buffers allocated once).
 * @example
 * // Nodes 0 → 1 → 2 (links a, b: 30 s each) and a direct link c 0 → 2 (50 s); the fields read here
 * // (buildDynNetwork makes whole DynNetworks):
 * const net = { numNodes: 3, numLinks: 3, linkIds: ['a', 'b', 'c'], from: Int32Array.of(0, 1, 0),
 *   to: Int32Array.of(1, 2, 2), outStart: Int32Array.of(0, 2, 3, 3), outLinks: Int32Array.of(0, 2, 1),
 *   freeTimeS: Float64Array.of(30, 30, 50), nodeXM: Float64Array.of(0, 400, 800), nodeYM: Float64Array.of(0, 0, 0) };
 * const sp = new DynShortestPaths(net); sp.run(0, net.freeTimeS); sp.pathTo(2) // => [2]
 * sp.dist // => Float64Array.of(0, 30, 50)
 * sp.run(2, net.freeTimeS); sp.pathTo(0) // => null
 */
export class DynShortestPaths {
  readonly dist: Float64Array;
  readonly predLink: Int32Array;
  private readonly heapKey: Float64Array;
  private readonly heapNode: Int32Array;
  private heapSize = 0;
  constructor(
    readonly net: DynNetwork,
    /** Nodes that may start or end a path but not be passed through (zone centroids). */
    readonly noThrough: Uint8Array | null = null,
  ) {
    this.dist = new Float64Array(net.numNodes);
    this.predLink = new Int32Array(net.numNodes);
    this.heapKey = new Float64Array(net.numLinks + 1);
    this.heapNode = new Int32Array(net.numLinks + 1);
  }
  /** Shortest paths from `origin` with per-link costs (≥ 0). */
  run(origin: number, cost: ArrayLike<number>): void {
    const { dist, predLink, net } = this;
    dist.fill(Infinity);
    predLink.fill(-1);
    dist[origin] = 0;
    this.heapSize = 0;
    this.pushHeap(0, origin);
    while (this.heapSize > 0) {
      const d = this.heapKey[0]!;
      const u = this.heapNode[0]!;
      this.popHeap();
      if (d > dist[u]!) continue;
      if (u !== origin && this.noThrough && this.noThrough[u]) continue;
      for (let k = net.outStart[u]!; k < net.outStart[u + 1]!; k++) {
        const a = net.outLinks[k]!;
        const v = net.to[a]!;
        const nd = d + cost[a]!;
        if (nd < dist[v]!) {
          dist[v] = nd;
          predLink[v] = a;
          this.pushHeap(nd, v);
        }
      }
    }
  }
  /** Link indices origin → dest of the last run, or null if unreachable. */
  pathTo(dest: number): number[] | null {
    if (this.dist[dest] === Infinity) return null;
    const out: number[] = [];
    let v = dest;
    while (this.predLink[v]! >= 0) {
      const a = this.predLink[v]!;
      out.push(a);
      v = this.net.from[a]!;
    }
    return out.reverse();
  }
  private pushHeap(key: number, node: number): void {
    const hk = this.heapKey;
    const hn = this.heapNode;
    let i = this.heapSize++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (hk[p]! <= key) break;
      hk[i] = hk[p]!;
      hn[i] = hn[p]!;
      i = p;
    }
    hk[i] = key;
    hn[i] = node;
  }
  private popHeap(): void {
    const hk = this.heapKey;
    const hn = this.heapNode;
    const n = --this.heapSize;
    if (n === 0) return;
    const key = hk[n]!;
    const node = hn[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && hk[c + 1]! < hk[c]!) c++;
      if (hk[c]! >= key) break;
      hk[i] = hk[c]!;
      hn[i] = hn[c]!;
      i = c;
    }
    hk[i] = key;
    hn[i] = node;
  }
}

/** One OD demand cell for {@link stochasticRoutes}. */
export interface OdCell {
  originNode: number;
  destNode: number;
  /** Expected vehicles over the loading period. */
  veh: number;
}

/**
 * Stochastic route choice from link costs (e.g. UE link travel times): `draws` perturbed shortest-path trees per
 * origin, OD trips split evenly over the drawn routes, identical routes merged.
 * @example
 * // Nodes 0 → 1 → 2 (links a, b: 30 s each) and a direct link c 0 → 2 (50 s); the fields read here
 * // (buildDynNetwork makes whole DynNetworks):
 * const net = { numNodes: 3, numLinks: 3, linkIds: ['a', 'b', 'c'], from: Int32Array.of(0, 1, 0),
 *   to: Int32Array.of(1, 2, 2), outStart: Int32Array.of(0, 2, 3, 3), outLinks: Int32Array.of(0, 2, 1),
 *   freeTimeS: Float64Array.of(30, 30, 50), nodeXM: Float64Array.of(0, 400, 800), nodeYM: Float64Array.of(0, 0, 0) };
 * // A run passes createRng(seed); here the normal draws alternate +1 and −1 link by link, so the two draws
 * // (σ = 0.5) see different fastest routes and split the 100 trips between them.
 * let k = 0; const rng = { normal: () => (k++ % 2 === 0 ? 1 : -1) };
 * const od = [{ originNode: 0, destNode: 2, veh: 100 }];
 * const paths = stochasticRoutes(net, od, net.freeTimeS, { draws: 2, sigma: 0.5 }, rng);
 * paths // => { start: Int32Array.of(0, 2, 3), links: Int32Array.of(0, 1, 2), veh: Float64Array.of(50, 50) }
 */
export function stochasticRoutes(
  net: DynNetwork,
  od: OdCell[],
  linkCost: ArrayLike<number>,
  opts: { draws: number; sigma: number; noThrough?: Uint8Array | null },
  rng: Rng,
): PathTable {
  const draws = Math.max(1, Math.floor(opts.draws));
  const sp = new DynShortestPaths(net, opts.noThrough ?? null);
  const cost = new Float64Array(net.numLinks);
  const byOrigin = new Map<number, OdCell[]>();
  for (const c of od) {
    if (!(c.veh > 0) || c.originNode === c.destNode) continue;
    let l = byOrigin.get(c.originNode);
    if (!l) byOrigin.set(c.originNode, (l = []));
    l.push(c);
  }
  const origins = [...byOrigin.keys()].sort((a, b) => a - b);
  const index = new Map<string, number>();
  const starts: number[] = [0];
  const links: number[] = [];
  const veh: number[] = [];
  const s2 = (opts.sigma * opts.sigma) / 2;
  let unreachable = 0;
  for (let r = 0; r < draws; r++) {
    for (let a = 0; a < net.numLinks; a++) {
      const c0 = Number(linkCost[a]);
      if (!(c0 >= 0)) throw new Error(`link cost of ${net.linkIds[a]} is ${c0}; must be ≥ 0`);
      cost[a] = opts.sigma > 0 ? c0 * Math.exp(opts.sigma * rng.normal() - s2) : c0;
    }
    for (const o of origins) {
      sp.run(o, cost);
      for (const c of byOrigin.get(o)!) {
        const p = sp.pathTo(c.destNode);
        if (!p || p.length === 0) {
          if (r === 0) unreachable += c.veh;
          continue;
        }
        const key = p.join(',');
        let id = index.get(key);
        if (id === undefined) {
          id = veh.length;
          index.set(key, id);
          for (const a of p) links.push(a);
          starts.push(links.length);
          veh.push(0);
        }
        veh[id]! += c.veh / draws;
      }
    }
  }
  if (unreachable > 0 && veh.length === 0)
    throw new Error(`no OD pair is connected in the network (${unreachable.toFixed(0)} vehicles unroutable)`);
  return { start: Int32Array.from(starts), links: Int32Array.from(links), veh: Float64Array.from(veh) };
}

/**
 * Random trips in the manner of SUMO's randomTrips.py: origin and destination links drawn uniformly, rejected when
 * the straight-line distance from the origin link's start to the destination link's end is below `minDistanceM`;
 * departures evenly spaced every `periodS` from `beginS`; each routed on free-flow time (as duarouter does on an
 * empty network): first link, shortest path between them, last link.
 * @example
 * // Nodes 0 → 1 → 2 (links a, b: 30 s each) and a direct link c 0 → 2 (50 s); the fields read here
 * // (buildDynNetwork makes whole DynNetworks):
 * const net = { numNodes: 3, numLinks: 3, linkIds: ['a', 'b', 'c'], from: Int32Array.of(0, 1, 0),
 *   to: Int32Array.of(1, 2, 2), outStart: Int32Array.of(0, 2, 3, 3), outLinks: Int32Array.of(0, 2, 1),
 *   freeTimeS: Float64Array.of(30, 30, 50), nodeXM: Float64Array.of(0, 400, 800), nodeYM: Float64Array.of(0, 0, 0) };
 * // A run passes createRng(seed); this stand-in draws links a, b, a, b, …: every trip starts on a and ends on b.
 * let i = 0; const rng = { int: () => i++ % 2 };
 * const { paths, departS } = randomTrips(net, { count: 2, beginS: 0, periodS: 36, minDistanceM: 300 }, rng);
 * paths // => { start: Int32Array.of(0, 2, 4), links: Int32Array.of(0, 1, 0, 1), veh: Float64Array.of(1, 1) }
 * departS // => Float64Array.of(0, 36)
 */
export function randomTrips(
  net: DynNetwork,
  o: { count: number; beginS: number; periodS: number; minDistanceM: number },
  rng: Rng,
): { paths: PathTable; departS: Float64Array } {
  const sp = new DynShortestPaths(net);
  const starts: number[] = [0];
  const links: number[] = [];
  const departS = new Float64Array(o.count);
  let tries = 0;
  for (let k = 0; k < o.count;) {
    if (++tries > o.count * 1000)
      throw new Error(`randomTrips: cannot find ${o.count} trips longer than ${o.minDistanceM} m`);
    const a = rng.int(net.numLinks);
    const b = rng.int(net.numLinks);
    if (a === b) continue;
    const dx = net.nodeXM[net.to[b]!]! - net.nodeXM[net.from[a]!]!;
    const dy = net.nodeYM[net.to[b]!]! - net.nodeYM[net.from[a]!]!;
    if (Math.hypot(dx, dy) < o.minDistanceM) continue;
    sp.run(net.to[a]!, net.freeTimeS);
    const mid = sp.pathTo(net.from[b]!);
    if (!mid) continue;
    links.push(a, ...mid, b);
    starts.push(links.length);
    departS[k] = o.beginS + k * o.periodS;
    k++;
  }
  return {
    paths: { start: Int32Array.from(starts), links: Int32Array.from(links), veh: new Float64Array(o.count).fill(1) },
    departS,
  };
}
