/**
 * Routes per OD pair from an equilibrium with per-origin link flows (`assign(..., { trackOrigins: true })`), for the
 * dynamic loading model to route vehicles.
 *
 * Decomposition: for origin o, the flow x_o reaching a node v splits back over v's incoming links in proportion to
 * x_o on them (origin-based proportionality, as in Bar-Gera's OBA). A route to d is drawn by walking backwards from
 * d, choosing an incoming link with probability x_o[a] / Σ_in x_o; its probability is the product of the choices.
 * If x_o is acyclic, the route flows D_od · P(route) add up to x_o on every link (tested).
 * Tiny flows (below `minShare` of the node inflow) are ignored so FW round-off does not create spurious routes.
 */
import type { Rng } from '../lib/rng.ts';
import type { Network } from './network.ts';

/** Incoming-link CSR (per node: links whose head is the node). */
export interface InStar {
  firstIn: Int32Array;
  inLink: Int32Array;
}

/**
 * Build the incoming-link index of a network.
 * @example
 * // Links 0→2, 2→1 and 0→1 (buildInStar reads numNodes, numLinks and `to` of a Network):
 * const net = { numNodes: 3, numLinks: 3, to: Int32Array.of(2, 1, 1) };
 * // Links into node v: ins.inLink[ins.firstIn[v] .. ins.firstIn[v + 1]).
 * const ins = buildInStar(net); [ins.firstIn, ins.inLink] // => [Int32Array.of(0, 0, 2, 3), Int32Array.of(1, 2, 0)]
 */
export function buildInStar(net: Network): InStar {
  const n = net.numNodes;
  const firstIn = new Int32Array(n + 1);
  for (let a = 0; a < net.numLinks; a++) firstIn[net.to[a]! + 1]!++;
  for (let v = 0; v < n; v++) firstIn[v + 1]! += firstIn[v]!;
  const fill = firstIn.slice(0, n);
  const inLink = new Int32Array(net.numLinks);
  for (let a = 0; a < net.numLinks; a++) inLink[fill[net.to[a]!]!++] = a;
  return { firstIn, inLink };
}

/** One route with its share of the OD flow. */
export interface Route {
  /** Network link indices, origin → destination. */
  links: number[];
  share: number;
}

/**
 * Enumerate the routes of OD pair (o, d) by the proportional backward split, most likely first, until `maxRoutes`
 * routes or `coverage` of the probability mass. Shares are renormalised to sum to 1 over the returned routes.
 * @example
 * // Zone 0 → zone 1 (nodes 0 and 1) by a fast route through node 2 (links 0→2, 2→1: 5 min, 1000 veh/h each) or
 * // a slow direct link (12 min, 500 veh/h); parseTntpNet or loadTrafficInputs make such Networks from files.
 * const net = { name: 'two-routes', numNodes: 3, numLinks: 3, numZones: 2, nodeIds: Int32Array.of(1, 2, 3),
 *   zoneNode: Int32Array.of(0, 1), noThrough: new Uint8Array(3), from: Int32Array.of(0, 2, 0),
 *   to: Int32Array.of(2, 1, 1), capacity: Float64Array.of(1000, 1000, 500), length: Float64Array.of(5, 5, 12),
 *   fft: Float64Array.of(5, 5, 12),
 *   b: Float64Array.of(0.15, 0.15, 0.15), power: Float64Array.of(4, 4, 4), toll: new Float64Array(3),
 *   fixedCost: new Float64Array(3), tollFactor: 0, distanceFactor: 0 };
 * const demand = { numZones: 2, od: Float64Array.of(0, 1500, 0, 0), total: 1500, intrazonal: 0 };
 * // Origin 0's flow per link, then origin 1's (assign(net, demand, { trackOrigins: true }).originFlow in a run):
 * const originFlow = Float64Array.of(1200, 1200, 300, 0, 0, 0);
 * const routes = odRoutes(net, buildInStar(net), originFlow, 0, 1);
 * routes.map((r) => [r.links, r.share]) // => [[[0, 1], 0.8], [[2], 0.2]]
 */
export function odRoutes(
  net: Network,
  ins: InStar,
  originFlow: Float64Array,
  o: number,
  d: number,
  opts: { maxRoutes?: number; coverage?: number; minShare?: number } = {},
): Route[] {
  const maxRoutes = opts.maxRoutes ?? 20;
  const coverage = opts.coverage ?? 0.999;
  const minShare = opts.minShare ?? 1e-6;
  const m = net.numLinks;
  const off = o * m;
  const originNode = net.zoneNode[o]!;
  const out: Route[] = [];
  // Best-first search over partial routes (from d backwards), by probability.
  type Partial = { node: number; links: number[]; p: number; visited: Set<number> };
  const frontier: Partial[] = [{ node: net.zoneNode[d]!, links: [], p: 1, visited: new Set([net.zoneNode[d]!]) }];
  let mass = 0;
  let guard = 0;
  while (frontier.length > 0 && out.length < maxRoutes && mass < coverage && guard++ < 100000) {
    let bi = 0;
    for (let i = 1; i < frontier.length; i++) if (frontier[i]!.p > frontier[bi]!.p) bi = i;
    const cur = frontier.splice(bi, 1)[0]!;
    if (cur.node === originNode) {
      out.push({ links: cur.links.slice().reverse(), share: cur.p });
      mass += cur.p;
      continue;
    }
    let total = 0;
    for (let k = ins.firstIn[cur.node]!; k < ins.firstIn[cur.node + 1]!; k++)
      total += originFlow[off + ins.inLink[k]!]!;
    if (!(total > 0)) continue;
    for (let k = ins.firstIn[cur.node]!; k < ins.firstIn[cur.node + 1]!; k++) {
      const a = ins.inLink[k]!;
      const q = originFlow[off + a]! / total;
      if (q < minShare) continue;
      const u = net.from[a]!;
      if (cur.visited.has(u)) continue; // a cycle in x_o (FW round-off): drop that branch
      const visited = new Set(cur.visited);
      visited.add(u);
      frontier.push({ node: u, links: [...cur.links, a], p: cur.p * q, visited });
    }
  }
  const sum = out.reduce((s, r) => s + r.share, 0);
  for (const r of out) r.share = sum > 0 ? r.share / sum : 0;
  return out;
}

/**
 * Draw one route of OD pair (o, d) (network link indices, origin → destination) with the proportional backward split.
 * Returns null when no flow from o reaches d (e.g. zero demand) or the walk runs into a cycle.
 * @example
 * // Zone 0 → zone 1 (nodes 0 and 1) by a fast route through node 2 (links 0→2, 2→1: 5 min, 1000 veh/h each) or
 * // a slow direct link (12 min, 500 veh/h); parseTntpNet or loadTrafficInputs make such Networks from files.
 * const net = { name: 'two-routes', numNodes: 3, numLinks: 3, numZones: 2, nodeIds: Int32Array.of(1, 2, 3),
 *   zoneNode: Int32Array.of(0, 1), noThrough: new Uint8Array(3), from: Int32Array.of(0, 2, 0),
 *   to: Int32Array.of(2, 1, 1), capacity: Float64Array.of(1000, 1000, 500), length: Float64Array.of(5, 5, 12),
 *   fft: Float64Array.of(5, 5, 12),
 *   b: Float64Array.of(0.15, 0.15, 0.15), power: Float64Array.of(4, 4, 4), toll: new Float64Array(3),
 *   fixedCost: new Float64Array(3), tollFactor: 0, distanceFactor: 0 };
 * const demand = { numZones: 2, od: Float64Array.of(0, 1500, 0, 0), total: 1500, intrazonal: 0 };
 * const ins = buildInStar(net);
 * const originFlow = Float64Array.of(1200, 1200, 300, 0, 0, 0); // per origin and link, as in the odRoutes example
 * // A run passes createRng(seed); u below 0.8 picks the route through node 2, above it the direct link.
 * sampleRoute(net, ins, originFlow, 0, 1, { next: () => 0.5 }) // => [0, 1]
 * sampleRoute(net, ins, originFlow, 0, 1, { next: () => 0.9 }) // => [2]
 * sampleRoute(net, ins, originFlow, 1, 0, { next: () => 0.5 }) // => null
 */
export function sampleRoute(
  net: Network,
  ins: InStar,
  originFlow: Float64Array,
  o: number,
  d: number,
  rng: Rng,
  minShare = 1e-6,
): number[] | null {
  const m = net.numLinks;
  const off = o * m;
  const originNode = net.zoneNode[o]!;
  const links: number[] = [];
  let v = net.zoneNode[d]!;
  for (let steps = 0; v !== originNode; steps++) {
    if (steps > net.numNodes) return null;
    let total = 0;
    for (let k = ins.firstIn[v]!; k < ins.firstIn[v + 1]!; k++) {
      const f = originFlow[off + ins.inLink[k]!]!;
      if (f > 0) total += f;
    }
    if (!(total > 0)) return null;
    let r = rng.next() * total;
    let chosen = -1;
    for (let k = ins.firstIn[v]!; k < ins.firstIn[v + 1]!; k++) {
      const a = ins.inLink[k]!;
      const f = originFlow[off + a]!;
      if (!(f > 0) || f < minShare * total) continue;
      chosen = a;
      r -= f;
      if (r <= 0) break;
    }
    if (chosen < 0) return null;
    links.push(chosen);
    v = net.from[chosen]!;
  }
  return links.reverse();
}
