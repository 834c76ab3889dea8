/** Geometry helpers shared by the data tests. */
import * as turf from '@turf/turf';
import type { Feature, LineString } from 'geojson';
import type { District, LonLat, RoadNetwork } from '../index.ts';

/** Distance in km from a point to the nearest district (0 when inside one). */
export function kmOutsideZibo(p: LonLat, districts: readonly District[]): number {
  let best = Infinity;
  for (const d of districts) {
    const poly = turf.polygon(d.polygon);
    if (turf.booleanPointInPolygon(p, poly)) return 0;
    const line = turf.polygonToLine(poly) as Feature<LineString>;
    best = Math.min(best, turf.pointToLineDistance(p, line, { units: 'kilometers' }));
  }
  return best;
}

/**
 * Node ids not reachable from the first node forward, or not reaching it backward (empty = strongly connected).
 * @example
 * const nodes = [{ nodeId: 1 }, { nodeId: 2 }, { nodeId: 3 }];
 * unreachable({ nodes, links: [{ fromNodeId: 1, toNodeId: 2 }, { fromNodeId: 2, toNodeId: 1 }] }) // => { forward: [3], backward: [3] }
 * unreachable({ nodes, links: [{ fromNodeId: 1, toNodeId: 2 }, { fromNodeId: 2, toNodeId: 3 }] }) // => { forward: [], backward: [2, 3] }
 */
export function unreachable(net: RoadNetwork): { forward: number[]; backward: number[] } {
  const fwd = new Map<number, number[]>();
  const bwd = new Map<number, number[]>();
  for (const n of net.nodes) {
    fwd.set(n.nodeId, []);
    bwd.set(n.nodeId, []);
  }
  for (const l of net.links) {
    fwd.get(l.fromNodeId)!.push(l.toNodeId);
    bwd.get(l.toNodeId)!.push(l.fromNodeId);
  }
  const reach = (adj: Map<number, number[]>): Set<number> => {
    const start = net.nodes[0]!.nodeId;
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length) {
      for (const m of adj.get(stack.pop()!)!) {
        if (!seen.has(m)) {
          seen.add(m);
          stack.push(m);
        }
      }
    }
    return seen;
  };
  const f = reach(fwd);
  const b = reach(bwd);
  return {
    forward: net.nodes.filter((n) => !f.has(n.nodeId)).map((n) => n.nodeId),
    backward: net.nodes.filter((n) => !b.has(n.nodeId)).map((n) => n.nodeId),
  };
}
