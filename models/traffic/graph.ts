/**
 * Compact forward-star (CSR) graph, a binary-heap Dijkstra that allocates nothing per call, and all-or-nothing
 * loading from the shortest-path trees.
 *
 * Why CSR ordered by tail node: Dijkstra scans out-links of one node at a time, so their heads and costs sit next
 * to each other in memory. Costs are copied into CSR order once per assignment iteration (`setCosts`).
 * Zones that may not be passed through (TNTP FIRST THRU NODE, GMNS centroids) are settled but never expanded
 * unless they are the origin.
 */
import type { Network } from './network.ts';

/** A directed graph in CSR form, plain typed arrays (structured-clone and SharedArrayBuffer friendly). */
export interface CsrGraph {
  numNodes: number;
  numLinks: number;
  /** Out-links of node u are CSR slots firstOut[u] .. firstOut[u+1]−1. */
  firstOut: Int32Array;
  /** Head node of each CSR slot. */
  head: Int32Array;
  /** Network link index of each CSR slot. */
  link: Int32Array;
  /** 1 = may not be passed through (still reachable as an origin or destination). */
  noThrough: Uint8Array;
  /** Node of each zone. */
  zoneNode: Int32Array;
  numZones: number;
}

/**
 * Build the CSR graph of a network (counting sort by tail node; links with the same tail keep file order).
 * @example
 * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
 * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
 * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
 *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3), to: Int32Array.of(1, 3, 2, 3, 2, 1) };
 * const g = buildCsr(net);
 * g.firstOut // => Int32Array.of(0, 2, 4, 5, 6)
 * g.link // => Int32Array.of(0, 2, 1, 4, 3, 5)
 */
export function buildCsr(net: Network): CsrGraph {
  const n = net.numNodes;
  const m = net.numLinks;
  const firstOut = new Int32Array(n + 1);
  for (let a = 0; a < m; a++) firstOut[net.from[a]! + 1]!++;
  for (let u = 0; u < n; u++) firstOut[u + 1]! += firstOut[u]!;
  const fill = firstOut.slice(0, n);
  const head = new Int32Array(m);
  const link = new Int32Array(m);
  for (let a = 0; a < m; a++) {
    const s = fill[net.from[a]!]!++;
    head[s] = net.to[a]!;
    link[s] = a;
  }
  return {
    numNodes: n,
    numLinks: m,
    firstOut,
    head,
    link,
    noThrough: net.noThrough,
    zoneNode: net.zoneNode,
    numZones: net.numZones,
  };
}

/**
 * Reusable shortest-path workspace for one graph: all buffers allocated once; `run` allocates nothing.
 * After `run(origin)`: `dist[v]` (Infinity if unreached), `predLink[v]` (network link index into v, −1 at the origin
 * or unreached), `order[0..settledCount)` the nodes in settling order (non-decreasing distance).
 *
 * @example
 * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
 * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
 * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
 *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3), to: Int32Array.of(1, 3, 2, 3, 2, 1) };
 * const sp = new ShortestPaths(buildCsr(net));
 * sp.setCosts(Float64Array.of(1, 1, 1, 3, 1, 1)); // per network link
 * sp.run(net.zoneNode[0]);
 * sp.dist // => Float64Array.of(0, 1, 1, 2)
 * sp.predLink // => Int32Array.of(-1, 0, 2, 1)
 */
export class ShortestPaths {
  readonly g: CsrGraph;
  readonly dist: Float64Array;
  readonly predLink: Int32Array;
  readonly predNode: Int32Array;
  readonly order: Int32Array;
  settledCount = 0;
  /** Cost of each CSR slot (copied from per-link costs by setCosts). */
  private readonly csrCost: Float64Array;
  private readonly heap: Int32Array;
  private readonly heapKey: Float64Array;
  /** No-through zones reached (leaves of the tree, not in `order`). */
  readonly sinks: Int32Array;
  sinkCount = 0;
  /** Position of a node in the heap, −1 = not in heap. */
  private readonly pos: Int32Array;
  /** Per-node load buffer for all-or-nothing accumulation. */
  private readonly load: Float64Array;

  constructor(g: CsrGraph, method: 'auto' | 'heap' | 'buckets' = 'auto') {
    this.g = g;
    this.method = method;
    const n = g.numNodes;
    // One entry per improving relaxation at most (≤ links) plus the origin.
    this.eNode = new Int32Array(g.numLinks + 1);
    this.eNext = new Int32Array(g.numLinks + 1);
    this.bSlot = new Int32Array(n).fill(-1);
    this.dist = new Float64Array(n);
    this.predLink = new Int32Array(n);
    this.predNode = new Int32Array(n);
    this.order = new Int32Array(n);
    this.csrCost = new Float64Array(g.numLinks);
    this.heap = new Int32Array(n);
    this.heapKey = new Float64Array(n);
    this.sinks = new Int32Array(n);
    this.pos = new Int32Array(n).fill(-1);
    this.load = new Float64Array(n);
  }

  /**
   * Copy per-link costs (network link order) into CSR order. Costs must be ≥ 0.
   * @example
   * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
   * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
   * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
   *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3),
   *   to: Int32Array.of(1, 3, 2, 3, 2, 1) };
   * const sp = new ShortestPaths(buildCsr(net));
   * sp.setCosts(Float64Array.of(1, 1, 1, 3, 1, 1)); sp.run(0); sp.dist[3] // => 2
   * sp.setCosts(Float64Array.of(1, 5, 1, 3, 1, 1)); sp.run(0); sp.dist[3] // => 4
   */
  setCosts(linkCost: ArrayLike<number>): void {
    const { link, firstOut, head, noThrough } = this.g;
    const c = this.csrCost;
    for (let s = 0; s < c.length; s++) c[s] = linkCost[link[s]!]!;
    // Bucket width for runBuckets: the smallest cost of an arc that can be scanned between two queued nodes
    // (arcs into no-through zones and out of them are excluded: zones are never queued, the origin goes first).
    let wMin = Infinity;
    let maxArc = 0;
    for (let u = 0; u < this.g.numNodes; u++) {
      const thruTail = noThrough[u] === 0;
      for (let s = firstOut[u]!; s < firstOut[u + 1]!; s++) {
        if (noThrough[head[s]!] === 1) continue;
        const cs = c[s]!;
        if (cs > maxArc) maxArc = cs;
        if (thruTail && cs < wMin) wMin = cs;
      }
    }
    const w = wMin * (1 - 1e-9);
    // Power-of-two slot count so the slot of bucket k is k & (nb − 1) (a double modulo costs ~10× more).
    const nb = w > 0 && Number.isFinite(maxArc) ? 2 ** Math.ceil(Math.log2(Math.ceil(maxArc / w) + 2)) : Infinity;
    this.bucketWidth = 0;
    if (this.method !== 'heap' && nb <= 1 << 20) {
      // A bucket run scans every bucket up to the largest label: when labels span many more bucket widths than there
      // are nodes (one very short link among long ones, as on the Zibo network: ~4,000 buckets for 240 nodes), the
      // heap is faster. Probe the label range with one heap tree from the first zone; the choice depends on the costs
      // alone, so every worker of a pool makes the same one (results stay identical to one thread).
      let maxLabel = 0;
      if (this.method === 'auto') {
        this.runHeap(this.g.numZones > 0 ? this.g.zoneNode[0]! : 0);
        maxLabel = this.settledCount > 0 ? this.dist[this.order[this.settledCount - 1]!]! : 0;
      }
      if (maxLabel / w <= 2 * this.g.numNodes) {
        this.bucketWidth = w;
        this.bucketCount = nb;
        if (this.bucketHead.length < nb) this.bucketHead = new Int32Array(nb);
        this.bucketHead.fill(-1, 0, nb);
      }
    }
  }

  /**
   * `auto`: bucket queue when the costs allow it and a probe tree says labels span few buckets, else heap; `heap`:
   * always the binary heap; `buckets`: bucket queue whenever the costs allow it (no probe; for tests and benches).
   */
  readonly method: 'auto' | 'heap' | 'buckets';
  /** Dinitz bucket width for the current costs (0 = use the heap). */
  bucketWidth = 0;
  private bucketCount = 0;
  private bucketHead = new Int32Array(0);
  /** Bucket entries (node, next entry in the same bucket); a bucket head is an entry index, −1 = empty. */
  private readonly eNode: Int32Array;
  private readonly eNext: Int32Array;
  /** −2 = settled in the current run, −1 otherwise. */
  private readonly bSlot: Int32Array;

  /**
   * Shortest-path tree from `origin`: the bucket queue when `setCosts` found it applicable, else the binary heap.
   * Both give the same labels (exact Dijkstra); among exactly tied paths the trees may differ.
   * @example
   * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
   * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
   * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
   *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3),
   *   to: Int32Array.of(1, 3, 2, 3, 2, 1) };
   * const costs = Float64Array.of(1, 1, 1, 3, 1, 1); // per link
   * const sp = new ShortestPaths(buildCsr(net)); sp.setCosts(costs);
   * sp.run(0); sp.dist[3] // => 2
   * sp.run(2); sp.dist // => Float64Array.of(Infinity, Infinity, 0, 3)
   */
  run(origin: number): void {
    if (this.bucketWidth > 0) this.runBuckets(origin);
    else this.runHeap(origin);
  }

  /**
   * Dinitz's bucket variant of Dijkstra (Dinitz 1978; see Cherkassky, Goldberg & Radzik 1996, "Shortest paths
   * algorithms: theory and experimental evaluation", Math. Programming 73): buckets of width w ≤ the smallest arc
   * cost, so every node in the lowest non-empty bucket already has its final label and can be settled in any
   * order — no heap sifts, O(1) per relaxation. Buckets are a circular array (labels in the queue span at most the
   * largest arc cost) with doubly linked lists for decrease-key.
   * @example
   * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
   * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
   * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
   *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3),
   *   to: Int32Array.of(1, 3, 2, 3, 2, 1) };
   * const sp = new ShortestPaths(buildCsr(net), 'buckets');
   * sp.setCosts(Float64Array.of(1, 1, 1, 3, 1, 1)); sp.bucketWidth > 0 // => true
   * sp.runBuckets(0); sp.dist // => Float64Array.of(0, 1, 1, 2)
   */
  runBuckets(origin: number): void {
    const { firstOut, head, link, noThrough } = this.g;
    const dist = this.dist;
    const predLink = this.predLink;
    const predNode = this.predNode;
    const cost = this.csrCost;
    const order = this.order;
    const bh = this.bucketHead;
    const eNode = this.eNode;
    const eNext = this.eNext;
    const settledMark = this.bSlot;
    const nb = this.bucketCount;
    const mask = nb - 1;
    const inv = 1 / this.bucketWidth;
    const sinkList = this.sinks;
    dist.fill(Infinity);
    dist[origin] = 0;
    predLink[origin] = -1;
    predNode[origin] = -1;
    // Lazy buckets: a decrease-key pushes a new entry and leaves the old one behind (skipped when popped, its node
    // settled already), which costs 3 writes instead of unlinking from a doubly linked list.
    eNode[0] = origin;
    eNext[0] = -1;
    bh[0] = 0;
    let top = 1;
    let pending = 1;
    let cur = 0;
    let settled = 0;
    let sinks = 0;
    let empty = 0;
    const emptyLimit = 32 * this.g.numNodes + 4096;
    while (pending > 0) {
      const e = bh[cur]!;
      if (e < 0) {
        cur = (cur + 1) & mask;
        if (++empty > emptyLimit) {
          // Labels far apart compared with the bucket width: the heap is cheaper. Clean up and switch for good.
          bh.fill(-1, 0, nb);
          for (let k = 0; k < settled; k++) settledMark[order[k]!] = -1;
          this.bucketWidth = 0;
          this.runHeap(origin);
          return;
        }
        continue;
      }
      bh[cur] = eNext[e]!;
      pending--;
      const u = eNode[e]!;
      // A stale entry (the node was re-queued with a smaller label and settled from there).
      if (settledMark[u] === -2) continue;
      settledMark[u] = -2;
      order[settled++] = u;
      const du = dist[u]!;
      const end = firstOut[u + 1]!;
      for (let s = firstOut[u]!; s < end; s++) {
        const v = head[s]!;
        const nd = du + cost[s]!;
        if (nd < dist[v]!) {
          if (noThrough[v] === 1) {
            if (dist[v] === Infinity) sinkList[sinks++] = v;
            dist[v] = nd;
            predLink[v] = link[s]!;
            predNode[v] = u;
            continue;
          }
          if (settledMark[v] === -2) continue; // settled (only through round-off at a bucket edge): its label stands
          dist[v] = nd;
          predLink[v] = link[s]!;
          predNode[v] = u;
          // ToInt32 then mask = k mod nb for any k < 2^53 (nb divides 2^32).
          const b = Math.floor(nd * inv) & mask;
          eNode[top] = v;
          eNext[top] = bh[b]!;
          bh[b] = top++;
          pending++;
        }
      }
    }
    for (let k = 0; k < settled; k++) settledMark[order[k]!] = -1;
    this.settledCount = settled;
    this.sinkCount = sinks;
  }

  /**
   * Dijkstra from `origin` over the whole graph (binary heap with decrease-key, keys stored in the heap).
   * @example
   * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
   * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
   * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
   *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3),
   *   to: Int32Array.of(1, 3, 2, 3, 2, 1) };
   * const costs = Float64Array.of(1, 1, 1, 3, 1, 1); // per link
   * const sp = new ShortestPaths(buildCsr(net)); sp.setCosts(costs);
   * // Node 3 is a no-through zone: reached as a sink, not settled.
   * sp.runHeap(0); [sp.settledCount, sp.sinkCount] // => [3, 1]
   */
  runHeap(origin: number): void {
    const { firstOut, head, link, noThrough } = this.g;
    const dist = this.dist;
    const predLink = this.predLink;
    const predNode = this.predNode;
    const hNode = this.heap;
    const hKey = this.heapKey;
    const pos = this.pos;
    const cost = this.csrCost;
    const order = this.order;
    dist.fill(Infinity);
    dist[origin] = 0;
    predLink[origin] = -1;
    predNode[origin] = -1;
    hNode[0] = origin;
    hKey[0] = 0;
    pos[origin] = 0;
    let size = 1;
    let settled = 0;
    let sinks = 0;
    const sinkList = this.sinks;
    while (size > 0) {
      // Pop the minimum; keys live in the heap array itself so sifting touches one contiguous buffer.
      const u = hNode[0]!;
      const du = hKey[0]!;
      pos[u] = -2; // settled
      size--;
      if (size > 0) {
        const last = hNode[size]!;
        const kl = hKey[size]!;
        let i = 0;
        for (;;) {
          let c = 2 * i + 1;
          if (c >= size) break;
          let kc = hKey[c]!;
          const r = c + 1;
          if (r < size) {
            const kr = hKey[r]!;
            if (kr < kc) {
              c = r;
              kc = kr;
            }
          }
          if (kc >= kl) break;
          const nc = hNode[c]!;
          hNode[i] = nc;
          hKey[i] = kc;
          pos[nc] = i;
          i = c;
        }
        hNode[i] = last;
        hKey[i] = kl;
        pos[last] = i;
      }
      order[settled++] = u;
      const end = firstOut[u + 1]!;
      for (let s = firstOut[u]!; s < end; s++) {
        const v = head[s]!;
        const nd = du + cost[s]!;
        const dv = dist[v]!;
        if (nd < dv) {
          let i: number;
          if (noThrough[v] === 1) {
            // A zone that may not be passed through is a leaf: record its label, never queue it.
            if (dv === Infinity) sinkList[sinks++] = v;
            dist[v] = nd;
            predLink[v] = link[s]!;
            predNode[v] = u;
            continue;
          }
          if (dv === Infinity) i = size++;
          else {
            i = pos[v]!;
            // Settled already (only possible through zero-cost ties): its label is final.
            if (i < 0) continue;
          }
          dist[v] = nd;
          predLink[v] = link[s]!;
          predNode[v] = u;
          while (i > 0) {
            const p = (i - 1) >> 1;
            const kp = hKey[p]!;
            if (kp <= nd) break;
            const np = hNode[p]!;
            hNode[i] = np;
            hKey[i] = kp;
            pos[np] = i;
            i = p;
          }
          hNode[i] = v;
          hKey[i] = nd;
          pos[v] = i;
        }
      }
    }
    // Reset heap positions of the nodes touched (cheaper than a full fill on large graphs).
    for (let k = 0; k < settled; k++) pos[order[k]!] = -1;
    this.settledCount = settled;
    this.sinkCount = sinks;
    // The origin zone itself is excluded from sinks even if noThrough (it was expanded as the tree root).
  }

  /**
   * Load the demand row of origin zone `o` all-or-nothing on the tree of the last `run(zoneNode[o])`, adding to
   * `flow` (per network link). Walks settled nodes in reverse order so each link is touched once: O(nodes).
   * Returns Σ_d demand·dist (the shortest-path travel cost of this origin) — the gap's lower bound term.
   * Throws when a destination with demand is unreachable.
   * @example
   * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
   * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
   * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
   *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3),
   *   to: Int32Array.of(1, 3, 2, 3, 2, 1) };
   * const costs = Float64Array.of(1, 1, 1, 3, 1, 1); // per link
   * const od = new Float64Array(16); od[0 * 4 + 3] = 10; od[0 * 4 + 2] = 5; // trips 0 → 3 and 0 → 2
   * const sp = new ShortestPaths(buildCsr(net)); sp.setCosts(costs);
   * const flows = new Float64Array(net.numLinks);
   * sp.run(net.zoneNode[0]); sp.loadOrigin(0, od, flows) // => 25
   * flows // => Float64Array.of(10, 10, 5, 0, 0, 0)
   */
  loadOrigin(o: number, od: ArrayLike<number>, flow: Float64Array): number {
    const sptt = this.addDemandRow(o, od, 0);
    this.pushLoads(flow);
    return sptt;
  }

  /**
   * Put the demand row of zone `o` on its destination nodes (labels of the last run + `offset`, the cost of a shared
   * connector). Returns Σ demand × cost. Loads stay in the workspace until `pushLoads`.
   * @example
   * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
   * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
   * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
   *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3),
   *   to: Int32Array.of(1, 3, 2, 3, 2, 1) };
   * const costs = Float64Array.of(1, 1, 1, 3, 1, 1); // per link
   * const od = new Float64Array(16); od[0 * 4 + 3] = 10; od[0 * 4 + 2] = 5; // trips 0 → 3 and 0 → 2
   * const sp = new ShortestPaths(buildCsr(net)); sp.setCosts(costs);
   * sp.run(0); sp.addDemandRow(0, od, 0) // => 25
   * const flow = new Float64Array(net.numLinks); sp.pushLoads(flow); flow // => Float64Array.of(10, 10, 5, 0, 0, 0)
   */
  addDemandRow(o: number, od: ArrayLike<number>, offset: number): number {
    const { zoneNode, numZones } = this.g;
    const load = this.load;
    const dist = this.dist;
    let sptt = 0;
    const row = o * numZones;
    for (let d = 0; d < numZones; d++) {
      if (d === o) continue;
      const q = od[row + d]!;
      if (q === 0) continue;
      const node = zoneNode[d]!;
      const c = dist[node]!;
      if (c === Infinity)
        throw new Error(`zone ${d + 1} (node index ${node}) is unreachable from zone ${o + 1} but has demand ${q}`);
      load[node]! += q;
      sptt += q * (c + offset);
    }
    return sptt;
  }

  /**
   * Move the node loads down the last tree onto its links (reverse settling order, each link touched once), adding
   * to `flow`, and clear the loads.
   * @example
   * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
   * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
   * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
   *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3),
   *   to: Int32Array.of(1, 3, 2, 3, 2, 1) };
   * const costs = Float64Array.of(1, 1, 1, 3, 1, 1); // per link
   * const od = new Float64Array(16); od[0 * 4 + 3] = 10; od[0 * 4 + 2] = 5; // trips 0 → 3 and 0 → 2
   * const sp = new ShortestPaths(buildCsr(net)); sp.setCosts(costs);
   * const flow = new Float64Array(net.numLinks);
   * sp.run(0); sp.addDemandRow(0, od, 0); sp.pushLoads(flow); flow // => Float64Array.of(10, 10, 5, 0, 0, 0)
   * // The loads were cleared: pushing again adds nothing.
   * sp.pushLoads(flow); flow // => Float64Array.of(10, 10, 5, 0, 0, 0)
   */
  pushLoads(flow: Float64Array): void {
    const load = this.load;
    const order = this.order;
    const predLink = this.predLink;
    const predNode = this.predNode;
    // Leaves first: zones that were labelled but never queued hand their load to their parent.
    const sinks = this.sinks;
    for (let k = 0; k < this.sinkCount; k++) {
      const v = sinks[k]!;
      const q = load[v]!;
      if (q === 0) continue;
      load[v] = 0;
      flow[predLink[v]!]! += q;
      load[predNode[v]!]! += q;
    }
    // No test for zero loads: on a city network nearly every settled node carries some, and the branch mispredicts.
    for (let k = this.settledCount - 1; k > 0; k--) {
      const v = order[k]!;
      const q = load[v]!;
      load[v] = 0;
      flow[predLink[v]!]! += q;
      load[predNode[v]!]! += q;
    }
    load[order[0]!] = 0;
  }

  /** Cost of CSR slot s at the current costs. */
  slotCost(s: number): number {
    return this.csrCost[s]!;
  }
}

/**
 * All-or-nothing loading of origins [o0, o1) at fixed link costs, adding into `flow`. Returns Σ demand × shortest cost.
 * @example
 * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
 * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
 * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
 *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3), to: Int32Array.of(1, 3, 2, 3, 2, 1) };
 * const costs = Float64Array.of(1, 1, 1, 3, 1, 1); // per link
 * const od = new Float64Array(16); od[0 * 4 + 3] = 10; od[0 * 4 + 2] = 5; // trips 0 → 3 and 0 → 2
 * const sp = new ShortestPaths(buildCsr(net)); sp.setCosts(costs);
 * const y = new Float64Array(net.numLinks); allOrNothing(sp, od, 0, net.numZones, y) // => 25
 * y // => Float64Array.of(10, 10, 5, 0, 0, 0)
 */
export function allOrNothing(
  sp: ShortestPaths,
  od: ArrayLike<number>,
  o0: number,
  o1: number,
  flow: Float64Array,
): number {
  const { zoneNode, numZones } = sp.g;
  let sptt = 0;
  for (let o = o0; o < o1; o++) {
    // Skip origins without demand: no tree needed.
    let any = false;
    const row = o * numZones;
    for (let d = 0; d < numZones; d++) {
      if (d !== o && od[row + d]! > 0) {
        any = true;
        break;
      }
    }
    if (!any) continue;
    sp.run(zoneNode[o]!);
    sptt += sp.loadOrigin(o, od, flow);
  }
  return sptt;
}

/**
 * Work units for all-or-nothing: origins that share a shortest-path tree. A zone that may not be passed through and
 * whose only outgoing link leads to a through node r starts every path with that link, and the rest of each path
 * is a shortest path from r (the zone cannot be re-entered): all such zones with the same r share one tree rooted
 * at r. Other origins are their own unit (root = their node). Units are ordered by their first zone.
 */
export interface AonPlan {
  numUnits: number;
  /** Zones of unit u: unitZones[unitStart[u] .. unitStart[u+1]). */
  unitStart: Int32Array;
  unitZones: Int32Array;
  /** Root node of each unit. */
  unitRoot: Int32Array;
  /** Per zone: CSR slot of its shared connector (−1 when the zone is the root of its own unit). */
  zoneConnSlot: Int32Array;
}

/**
 * Group origins into tree-sharing units (see AonPlan).
 * @example
 * // Three centroids (nodes 0–2, no through traffic), each with one link to road node 3 and one back from it:
 * // all three trees are node 3's tree plus the connector, so one unit serves them.
 * const net = { numNodes: 4, numLinks: 6, numZones: 3, zoneNode: Int32Array.of(0, 1, 2),
 *   noThrough: Uint8Array.of(1, 1, 1, 0), from: Int32Array.of(0, 1, 2, 3, 3, 3), to: Int32Array.of(3, 3, 3, 0, 1, 2) };
 * const plan = planAon(buildCsr(net)); plan.numUnits // => 1
 * [plan.unitRoot, plan.unitZones] // => [Int32Array.of(3), Int32Array.of(0, 1, 2)]
 */
export function planAon(g: CsrGraph): AonPlan {
  const nz = g.numZones;
  const zoneConnSlot = new Int32Array(nz).fill(-1);
  const rootOf = new Int32Array(nz);
  for (let z = 0; z < nz; z++) {
    const node = g.zoneNode[z]!;
    rootOf[z] = node;
    if (g.noThrough[node] !== 1) continue;
    const s0 = g.firstOut[node]!;
    if (g.firstOut[node + 1]! - s0 !== 1) continue;
    const r = g.head[s0]!;
    if (g.noThrough[r] === 1 || r === node) continue;
    rootOf[z] = r;
    zoneConnSlot[z] = s0;
  }
  const unitOfRoot = new Map<number, number[]>();
  const order: number[][] = [];
  for (let z = 0; z < nz; z++) {
    const r = rootOf[z]!;
    let list = zoneConnSlot[z]! >= 0 ? unitOfRoot.get(r) : undefined;
    if (!list) {
      list = [];
      order.push(list);
      if (zoneConnSlot[z]! >= 0) unitOfRoot.set(r, list);
    }
    list.push(z);
  }
  const unitStart = new Int32Array(order.length + 1);
  const unitZones = new Int32Array(nz);
  const unitRoot = new Int32Array(order.length);
  let k = 0;
  order.forEach((list, u) => {
    unitStart[u] = k;
    unitRoot[u] = rootOf[list[0]!]!;
    for (const z of list) unitZones[k++] = z;
  });
  unitStart[order.length] = k;
  return { numUnits: order.length, unitStart, unitZones, unitRoot, zoneConnSlot };
}

const totalsCache = new WeakMap<object, Float64Array>();

/** Off-diagonal row sums of a demand matrix, cached per matrix object (demand does not change during a run). */
function rowTotals(od: ArrayLike<number>, nz: number): Float64Array {
  let t = totalsCache.get(od as object);
  if (!t || t.length !== nz) {
    t = new Float64Array(nz);
    for (let o = 0; o < nz; o++) {
      let s = 0;
      for (let d = 0; d < nz; d++) if (d !== o) s += od[o * nz + d]!;
      t[o] = s;
    }
    totalsCache.set(od as object, t);
  }
  return t;
}

/**
 * All-or-nothing loading of units [u0, u1) of a plan, adding into `flow`; returns Σ demand × shortest cost.
 * One shortest-path tree per unit; the unit's zones add their rows (plus their connector) before one downward pass.
 * Row totals are cached per `od` object: do not modify a demand matrix in place between calls (make a new one).
 * @example
 * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
 * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
 * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
 *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3), to: Int32Array.of(1, 3, 2, 3, 2, 1) };
 * const costs = Float64Array.of(1, 1, 1, 3, 1, 1); // per link
 * const od = new Float64Array(16); od[0 * 4 + 3] = 10; od[0 * 4 + 2] = 5; // trips 0 → 3 and 0 → 2
 * const g = buildCsr(net); const sp = new ShortestPaths(g); sp.setCosts(costs);
 * const plan = planAon(g); const y = new Float64Array(net.numLinks);
 * aonUnits(sp, plan, od, 0, plan.numUnits, y) // => 25
 * y // => Float64Array.of(10, 10, 5, 0, 0, 0)
 */
export function aonUnits(
  sp: ShortestPaths,
  plan: AonPlan,
  od: ArrayLike<number>,
  u0: number,
  u1: number,
  flow: Float64Array,
): number {
  const link = sp.g.link;
  const totals = rowTotals(od, sp.g.numZones);
  let sptt = 0;
  for (let u = u0; u < u1; u++) {
    let ran = false;
    for (let k = plan.unitStart[u]!; k < plan.unitStart[u + 1]!; k++) {
      const z = plan.unitZones[k]!;
      const total = totals[z]!;
      if (total === 0) continue;
      if (!ran) {
        sp.run(plan.unitRoot[u]!);
        ran = true;
      }
      const slot = plan.zoneConnSlot[z]!;
      const offset = slot >= 0 ? sp.slotCost(slot) : 0;
      sptt += sp.addDemandRow(z, od, offset);
      if (slot >= 0) flow[link[slot]!]! += total;
    }
    if (ran) sp.pushLoads(flow);
  }
  return sptt;
}

/**
 * Σ demand × shortest cost of units [u0, u1) (the lower-bound term of the relative gap) without loading any flow:
 * the same trees and the same summation order as `aonUnits`' return value.
 * @example
 * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
 * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
 * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
 *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3), to: Int32Array.of(1, 3, 2, 3, 2, 1) };
 * const od = new Float64Array(16); od[0 * 4 + 3] = 10; od[0 * 4 + 2] = 5; // trips 0 → 3 and 0 → 2
 * const g = buildCsr(net); const sp = new ShortestPaths(g); const plan = planAon(g);
 * sp.setCosts(Float64Array.of(1, 1, 1, 3, 1, 1)); spttUnits(sp, plan, od, 0, plan.numUnits) // => 25
 * // With link 1→3 congested (cost 5) the trips to zone 3 go 0 → 2 → 3:
 * sp.setCosts(Float64Array.of(1, 5, 1, 3, 1, 1)); spttUnits(sp, plan, od, 0, plan.numUnits) // => 45
 */
export function spttUnits(sp: ShortestPaths, plan: AonPlan, od: ArrayLike<number>, u0: number, u1: number): number {
  const { zoneNode, numZones } = sp.g;
  const totals = rowTotals(od, numZones);
  const dist = sp.dist;
  let sptt = 0;
  for (let u = u0; u < u1; u++) {
    let ran = false;
    for (let k = plan.unitStart[u]!; k < plan.unitStart[u + 1]!; k++) {
      const z = plan.unitZones[k]!;
      if (totals[z] === 0) continue;
      if (!ran) {
        sp.run(plan.unitRoot[u]!);
        ran = true;
      }
      const slot = plan.zoneConnSlot[z]!;
      const offset = slot >= 0 ? sp.slotCost(slot) : 0;
      const row = z * numZones;
      let s = 0;
      for (let d = 0; d < numZones; d++) {
        if (d === z) continue;
        const q = od[row + d]!;
        if (q === 0) continue;
        const c = dist[zoneNode[d]!]!;
        if (c === Infinity)
          throw new Error(
            `zone ${d + 1} (node index ${zoneNode[d]}) is unreachable from zone ${z + 1} but has demand ${q}`,
          );
        s += q * (c + offset);
      }
      sptt += s;
    }
  }
  return sptt;
}

/**
 * The node path (as network link indices, origin → destination) of the last tree to `destNode`, or null if unreached.
 * @example
 * // Four nodes, each a zone; zone 3 is a centroid that paths may not pass through. buildCsr reads only these fields
 * // of a Network (parseTntpNet or loadTrafficInputs give whole ones).
 * const net = { numNodes: 4, numLinks: 6, numZones: 4, zoneNode: Int32Array.of(0, 1, 2, 3),
 *   noThrough: Uint8Array.of(0, 0, 0, 1), from: Int32Array.of(0, 1, 0, 2, 1, 3), to: Int32Array.of(1, 3, 2, 3, 2, 1) };
 * const costs = Float64Array.of(1, 1, 1, 3, 1, 1); // per link
 * const sp = new ShortestPaths(buildCsr(net)); sp.setCosts(costs);
 * sp.run(net.zoneNode[0]); shortestPathLinks(sp, net.zoneNode[3]) // => [0, 1]
 * sp.run(net.zoneNode[2]); shortestPathLinks(sp, net.zoneNode[0]) // => null
 */
export function shortestPathLinks(sp: ShortestPaths, destNode: number): number[] | null {
  if (sp.dist[destNode] === Infinity) return null;
  const out: number[] = [];
  let v = destNode;
  while (sp.predLink[v]! >= 0) {
    out.push(sp.predLink[v]!);
    v = sp.predNode[v]!;
  }
  return out.reverse();
}
