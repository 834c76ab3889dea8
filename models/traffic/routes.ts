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
 * @example const ins = buildInStar(net); // links into node v: ins.inLink[ins.firstIn[v] .. ins.firstIn[v+1])
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
 * const r = assign(net, demand, { trackOrigins: true });
 * const routes = odRoutes(net, buildInStar(net), r.originFlow!, 0, 5); routes[0].links // → [3, 17, 42]
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
 * @example const links = sampleRoute(net, ins, r.originFlow!, 0, 5, rng);
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
