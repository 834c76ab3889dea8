/**
 * OpenStreetMap → directed road graph: tag rules (rules.ts), clipping to a boundary, splitting ways at shared
 * nodes, contracting degree-2 chains into one link that keeps the shape, and keeping the largest strongly
 * connected component. Zones and connectors are added afterwards (zones.ts).
 */
import { gcj02ToWgs84 } from './crs.ts';
import { NetworkInputError } from './errors.ts';
import { osmPass } from './osm-read.ts';
import { isSignalNode, roadOf, type RoadAttrs } from './rules.ts';
import type { Regions } from './boundary.ts';
import { shapeLengthM, type Crs, type ImportSummary, type NetLink, type NetNode } from './types.ts';

interface Way {
  id: number;
  refs: number[];
  attrs: RoadAttrs;
}

/** A piece of road between two graph nodes, in the (possibly reversed) way's direction. */
interface Segment {
  a: number;
  b: number;
  /** Node indices along the segment, a first. */
  path: number[];
  attrs: RoadAttrs;
  lf: number;
  lb: number;
  wayId: number;
}

/** The road graph of an OSM file before zones: nodes and directed links with shapes. */
export interface OsmGraph {
  nodes: NetNode[];
  links: NetLink[];
  summary: ImportSummary;
}

/**
 * Read an OSM file (two streaming passes) and build the road graph inside `boundary`.
 * @example
 * const g = await readOsmGraph('engine/network/fixtures/rules.osm', { boundary: null, crs: 'wgs84', boundaryName: 'none' });
 * [g.nodes.length, g.links.length, g.summary.signals] // => [15, 29, 1]
 * // only the largest strongly connected component is kept
 * g.summary.dropped // => { components: 2, nodes: 3, links: 3, km: 0.481 }
 */
export async function readOsmGraph(
  file: string,
  opts: { boundary: Regions | null; crs: Crs; boundaryName: string },
): Promise<OsmGraph> {
  const defaults: Record<string, number> = {};
  const bump = (k: string): void => {
    defaults[k] = (defaults[k] ?? 0) + 1;
  };
  // Pass 1: road ways.
  const ways: Way[] = [];
  const nodeIndex = new Map<number, number>();
  let waysSeen = 0;
  await osmPass(file, 'ways', {
    way: (id, refs, tags) => {
      waysSeen++;
      const attrs = roadOf(tags);
      if (!attrs || refs.length < 2) return;
      if (attrs.defaulted.lanes) bump(`lanes from class default (${attrs.highway})`);
      if (attrs.defaulted.speed) bump(`speed from class default (${attrs.highway})`);
      for (const u of attrs.unparsed) bump(`not understood: ${u.split('=')[0]}`);
      const r = attrs.reverse ? refs.slice().reverse() : refs;
      for (const n of r) if (!nodeIndex.has(n)) nodeIndex.set(n, nodeIndex.size);
      ways.push({ id, refs: r, attrs });
    },
  });
  if (ways.length === 0)
    throw new NetworkInputError(
      file,
      `${waysSeen} ways`,
      'no road ways (highway=motorway … residential or their _link) in the file',
      'give an extract that contains the road network',
    );
  // Pass 2: coordinates and signals of the nodes the roads use.
  const n = nodeIndex.size;
  const x = new Float64Array(n).fill(NaN);
  const y = new Float64Array(n).fill(NaN);
  const signal = new Uint8Array(n);
  const osmId = new Float64Array(n);
  for (const [id, i] of nodeIndex) osmId[i] = id;
  await osmPass(file, 'nodes', {
    node: (id, lon, lat, tags) => {
      const i = nodeIndex.get(id);
      if (i === undefined) return;
      if (opts.crs === 'gcj02') {
        const p = gcj02ToWgs84(lon, lat);
        x[i] = p[0];
        y[i] = p[1];
      } else {
        x[i] = lon;
        y[i] = lat;
      }
      if (isSignalNode(tags)) signal[i] = 1;
    },
  });
  // Clip: a node is usable when it has coordinates and lies inside the boundary; ways are cut at the others.
  const usable = new Uint8Array(n);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(x[i]!)) {
      missing++;
      continue;
    }
    usable[i] = opts.boundary === null || opts.boundary.contains(x[i]!, y[i]!) ? 1 : 0;
  }
  const notes: string[] = [];
  if (missing > 0) notes.push(`${missing} node references without a node in the file (extract edge): roads cut there`);
  const pieces: { way: Way; idx: number[] }[] = [];
  for (const w of ways) {
    let run: number[] = [];
    const flush = (): void => {
      if (run.length >= 2) pieces.push({ way: w, idx: run });
      run = [];
    };
    for (const ref of w.refs) {
      const i = nodeIndex.get(ref)!;
      if (usable[i]) {
        // Repeated consecutive refs (broken data) would make zero-length segments.
        if (run.length === 0 || run[run.length - 1] !== i) run.push(i);
      } else flush();
    }
    flush();
  }
  if (pieces.length === 0)
    throw new NetworkInputError(
      file,
      `${ways.length} road ways`,
      `no road lies inside the boundary (${opts.boundaryName})`,
      'check that the extract covers the area, or give --boundary FILE.geojson for the area the file covers',
    );
  // Graph nodes: piece ends, nodes used more than once (shared by ways or revisited), signals.
  const uses = new Uint16Array(n);
  for (const p of pieces) for (const i of p.idx) if (uses[i]! < 65535) uses[i]!++;
  const isGraph = new Uint8Array(n);
  for (const p of pieces) {
    isGraph[p.idx[0]!] = 1;
    isGraph[p.idx[p.idx.length - 1]!] = 1;
  }
  for (let i = 0; i < n; i++) if (uses[i]! >= 2 || (signal[i] && uses[i]! > 0)) isGraph[i] = 1;
  // Split pieces into segments at graph nodes.
  let segs: Segment[] = [];
  for (const p of pieces) {
    let start = 0;
    for (let k = 1; k < p.idx.length; k++) {
      if (!isGraph[p.idx[k]!]) continue;
      const path = p.idx.slice(start, k + 1);
      segs.push({
        a: path[0]!,
        b: path[path.length - 1]!,
        path,
        attrs: p.way.attrs,
        lf: p.way.attrs.lanesForward,
        lb: p.way.attrs.lanesBackward,
        wayId: p.way.id,
      });
      start = k;
    }
  }
  segs = contractChains(segs, signal, n);
  // Directed links with shapes.
  const shapeOf = (path: number[]): number[] => {
    const s: number[] = [];
    for (const i of path) s.push(x[i]!, y[i]!);
    return s;
  };
  type Proto = Omit<NetLink, 'id' | 'from' | 'to' | 'district'> & { fromIdx: number; toIdx: number };
  const protos: Proto[] = [];
  for (const s of segs) {
    const shape = shapeOf(s.path);
    const lengthM = shapeLengthM(opts.crs === 'planar' ? 'planar' : 'wgs84', shape);
    if (!(lengthM > 0)) continue;
    const base = {
      lengthM,
      capacityVehPerHPerLane: s.attrs.capacityVehPerHPerLane,
      freeSpeedKmPerH: s.attrs.speedKmPerH,
      type: s.attrs.highway,
      name: s.attrs.name,
      sourceId: s.wayId,
    };
    protos.push({ ...base, fromIdx: s.a, toIdx: s.b, lanes: s.lf, signalized: signal[s.b] === 1, shape });
    if (!s.attrs.oneway) {
      const rev: number[] = [];
      for (let k = shape.length - 2; k >= 0; k -= 2) rev.push(shape[k]!, shape[k + 1]!);
      protos.push({ ...base, fromIdx: s.b, toIdx: s.a, lanes: s.lb, signalized: signal[s.a] === 1, shape: rev });
    }
  }
  // Largest strongly connected component.
  const keep = largestScc(
    n,
    protos.map((p) => p.fromIdx),
    protos.map((p) => p.toIdx),
  );
  const dropped = { components: keep.components - 1, nodes: 0, links: 0, km: 0 };
  const used = new Uint8Array(n);
  for (const p of protos) used[p.fromIdx] = used[p.toIdx] = 1;
  for (let i = 0; i < n; i++) if (used[i] && !keep.inLargest[i]) dropped.nodes++;
  const nodeOut = new Int32Array(n).fill(-1);
  const nodes: NetNode[] = [];
  const links: NetLink[] = [];
  for (const p of protos) {
    if (!keep.inLargest[p.fromIdx] || !keep.inLargest[p.toIdx]) {
      dropped.links++;
      dropped.km += p.lengthM / 1000;
      continue;
    }
    for (const i of [p.fromIdx, p.toIdx]) {
      if (nodeOut[i] !== -1) continue;
      nodeOut[i] = nodes.length;
      nodes.push({
        id: nodes.length + 1,
        x: x[i]!,
        y: y[i]!,
        type: signal[i] ? 'signal' : 'junction',
        zoneId: null,
        district: '',
        name: '',
        sourceId: osmId[i]!,
      });
    }
    const { fromIdx, toIdx, ...rest } = p;
    links.push({ ...rest, id: links.length + 1, from: nodeOut[fromIdx]!, to: nodeOut[toIdx]!, district: '' });
  }
  if (links.length === 0)
    throw new NetworkInputError(
      file,
      '',
      'the roads inside the boundary do not form a connected network',
      'use a larger boundary or a complete extract',
    );
  // Dead ends: a node with one neighbour.
  const nbr = new Map<number, Set<number>>();
  for (const l of links) {
    (nbr.get(l.from) ?? nbr.set(l.from, new Set()).get(l.from)!).add(l.to);
    (nbr.get(l.to) ?? nbr.set(l.to, new Set()).get(l.to)!).add(l.from);
  }
  for (const [i, s] of nbr) if (s.size === 1 && nodes[i]!.type === 'junction') nodes[i]!.type = 'end';
  return {
    nodes,
    links,
    summary: {
      nodes: nodes.length,
      links: links.length,
      zones: 0,
      signals: nodes.filter((v) => v.type === 'signal').length,
      connectors: 0,
      byType: {},
      dropped: { ...dropped, km: Math.round(dropped.km * 1000) / 1000 },
      defaults,
      notes,
    },
  };
}

/** Attributes that must agree for two segments to become one link. */
function sameRoad(a: RoadAttrs, b: RoadAttrs): boolean {
  return (
    a.highway === b.highway &&
    a.oneway === b.oneway &&
    a.speedKmPerH === b.speedKmPerH &&
    a.capacityVehPerHPerLane === b.capacityVehPerHPerLane
  );
}

/**
 * Contract chains through nodes with exactly two incident segments of the same road (same class, direction rule,
 * speed and lanes per direction; signals never contracted): one segment per chain, the shape kept.
 */
export function contractChains(segs: Segment[], signal: Uint8Array, n: number): Segment[] {
  const inc = new Map<number, { s: number; end: 'a' | 'b' }[]>();
  const add = (node: number, s: number, end: 'a' | 'b'): void => {
    const l = inc.get(node);
    if (l) l.push({ s, end });
    else inc.set(node, [{ s, end }]);
  };
  segs.forEach((s, k) => {
    add(s.a, k, 'a');
    add(s.b, k, 'b');
  });
  const removable = new Uint8Array(n);
  for (const [v, l] of inc) {
    if (l.length !== 2 || signal[v]) continue;
    const [e1, e2] = l as [{ s: number; end: 'a' | 'b' }, { s: number; end: 'a' | 'b' }];
    if (e1.s === e2.s) continue;
    const s1 = segs[e1.s]!;
    const s2 = segs[e2.s]!;
    if (!sameRoad(s1.attrs, s2.attrs)) continue;
    if (s1.attrs.oneway) {
      if (e1.end !== e2.end && s1.lf === s2.lf) removable[v] = 1;
    } else {
      // Orient s1 to end at v and s2 to start at v, then lanes must continue.
      const [f1, b1] = e1.end === 'b' ? [s1.lf, s1.lb] : [s1.lb, s1.lf];
      const [f2, b2] = e2.end === 'a' ? [s2.lf, s2.lb] : [s2.lb, s2.lf];
      if (f1 === f2 && b1 === b2) removable[v] = 1;
    }
  }
  const consumed = new Uint8Array(segs.length);
  const out: Segment[] = [];
  const oriented = (k: number, startAt: number): Segment => {
    const s = segs[k]!;
    if (s.a === startAt) return s;
    return { ...s, a: s.b, b: s.a, path: s.path.slice().reverse(), lf: s.lb, lb: s.lf };
  };
  const walk = (k: number, start: number): void => {
    consumed[k] = 1;
    const first = oriented(k, start);
    const path = first.path.slice();
    let end = first.b;
    while (removable[end] && end !== start) {
      const next = inc.get(end)!.find((e) => !consumed[e.s]);
      if (!next) break;
      consumed[next.s] = 1;
      const o = oriented(next.s, end);
      for (let i = 1; i < o.path.length; i++) path.push(o.path[i]!);
      end = o.b;
    }
    out.push({ ...first, b: end, path });
  };
  // Chains start at a non-removable node; one-way segments only from their tail.
  segs.forEach((s, k) => {
    if (consumed[k]) return;
    if (!removable[s.a]) walk(k, s.a);
    else if (!removable[s.b] && !s.attrs.oneway) walk(k, s.b);
  });
  // What is left are closed loops of removable nodes: keep their first node.
  segs.forEach((s, k) => {
    if (consumed[k]) return;
    removable[s.a] = 0;
    walk(k, s.a);
  });
  return out;
}

/**
 * Strongly connected components (iterative Tarjan); marks the nodes of the largest one (by node count, ties: the
 * one found first). Nodes without links form no component.
 */
export function largestScc(
  n: number,
  from: ArrayLike<number>,
  to: ArrayLike<number>,
): { inLargest: Uint8Array; components: number } {
  const m = from.length;
  const start = new Int32Array(n + 1);
  for (let a = 0; a < m; a++) start[from[a]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const adj = new Int32Array(m);
  const fill = start.slice(0, n);
  for (let a = 0; a < m; a++) adj[fill[from[a]!]!++] = to[a]!;
  const has = new Uint8Array(n);
  for (let a = 0; a < m; a++) has[from[a]!] = has[to[a]!] = 1;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  let counter = 0;
  let ncomp = 0;
  let bestComp = -1;
  let bestSize = 0;
  for (let root = 0; root < n; root++) {
    if (!has[root] || index[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = start[root]!;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth]!;
      if (callEdge[depth]! < start[v + 1]!) {
        const w = adj[callEdge[depth]!++]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          depth++;
          callNode[depth] = w;
          callEdge[depth] = start[w]!;
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
      } else {
        if (low[v] === index[v]) {
          let size = 0;
          let w: number;
          do {
            w = stack.pop()!;
            onStack[w] = 0;
            comp[w] = ncomp;
            size++;
          } while (w !== v);
          if (size > bestSize) {
            bestSize = size;
            bestComp = ncomp;
          }
          ncomp++;
        }
        depth--;
        if (depth >= 0) {
          const u = callNode[depth]!;
          low[u] = Math.min(low[u]!, low[v]!);
        }
      }
    }
  }
  const inLargest = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (comp[i] === bestComp && bestComp >= 0) inLargest[i] = 1;
  return { inLargest, components: ncomp };
}
