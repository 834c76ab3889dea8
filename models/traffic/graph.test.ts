import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/rng.ts';
import { allOrNothing, aonUnits, buildCsr, planAon, shortestPathLinks, ShortestPaths } from './graph.ts';
import { generateChicagoLike } from './generate.ts';
import { linkCosts } from './network.ts';
import { makeDemand, refreshFixedCost, type Network } from './network.ts';

/** A random strongly-connected-ish network: ring plus random chords; the first `zones` nodes are zones. */
function randomNet(seed: number, n: number, extra: number, zones: number, blockZones: boolean): Network {
  const rng = createRng(seed);
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < n; i++) {
    from.push(i, (i + 1) % n);
    to.push((i + 1) % n, i);
  }
  for (let k = 0; k < extra; k++) {
    const a = rng.int(n);
    const b = rng.int(n);
    if (a !== b) {
      from.push(a);
      to.push(b);
    }
  }
  const m = from.length;
  const fft = Float64Array.from({ length: m }, () => (rng.next() < 0.05 ? 0 : 1 + 9 * rng.next()));
  const net: Network = {
    name: 'random',
    numNodes: n,
    numLinks: m,
    numZones: zones,
    nodeIds: Int32Array.from({ length: n }, (_, i) => i + 1),
    // Zones spread along the ring so that blocking them does not cut the ring into pieces.
    zoneNode: Int32Array.from({ length: zones }, (_, i) => i * Math.floor(n / zones)),
    noThrough: Uint8Array.from({ length: n }, (_, i) =>
      blockZones && i % Math.floor(n / zones) === 0 && i / Math.floor(n / zones) < zones ? 1 : 0,
    ),
    from: Int32Array.from(from),
    to: Int32Array.from(to),
    capacity: new Float64Array(m).fill(100),
    length: new Float64Array(m).fill(1),
    fft,
    b: new Float64Array(m).fill(0.15),
    power: new Float64Array(m).fill(4),
    toll: new Float64Array(m),
    fixedCost: new Float64Array(m),
    tollFactor: 0,
    distanceFactor: 0,
  };
  refreshFixedCost(net);
  return net;
}

/** Bellman-Ford reference honouring the no-through rule. */
function bellmanFord(net: Network, cost: Float64Array, origin: number): Float64Array {
  const d = new Float64Array(net.numNodes).fill(Infinity);
  d[origin] = 0;
  for (let it = 0; it < net.numNodes; it++) {
    let changed = false;
    for (let a = 0; a < net.numLinks; a++) {
      const u = net.from[a]!;
      if (net.noThrough[u] === 1 && u !== origin) continue;
      const nd = d[u]! + cost[a]!;
      if (nd < d[net.to[a]!]!) {
        d[net.to[a]!] = nd;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return d;
}

describe('CSR Dijkstra', () => {
  // Positive costs let `auto` use the bucket queue; 5 % zero-cost arcs force the heap (bucket width 0).
  for (const [blockZones, costs] of [
    [false, 'zeros'],
    [true, 'zeros'],
    [false, 'positive'],
    [true, 'positive'],
    [true, 'heap'],
  ] as const) {
    it(`matches Bellman-Ford on random graphs (zones ${blockZones ? 'blocked' : 'open'}, ${costs})`, () => {
      for (let seed = 1; seed <= 5; seed++) {
        const net = randomNet(seed, 60, 150, 12, blockZones);
        if (costs !== 'zeros') for (let a = 0; a < net.numLinks; a++) net.fft[a] = net.fft[a]! + 0.5;
        const sp = new ShortestPaths(buildCsr(net), costs === 'heap' ? 'heap' : 'auto');
        sp.setCosts(net.fft);
        expect(sp.bucketWidth > 0).toBe(costs === 'positive');
        for (let oz = 0; oz < 12; oz++) {
          const o = net.zoneNode[oz]!;
          sp.run(o);
          const ref = bellmanFord(net, net.fft, o);
          for (let v = 0; v < net.numNodes; v++) expect(sp.dist[v]).toBeCloseTo(ref[v]!, 9);
          // The path to each zone is a valid chain whose cost is the label, never passing through a zone.
          for (let zz = 0; zz < 12; zz++) {
            const z = net.zoneNode[zz]!;
            const p = shortestPathLinks(sp, z)!;
            let c = 0;
            let at = o;
            for (const a of p) {
              expect(net.from[a]).toBe(at);
              if (blockZones && at !== o) expect(net.noThrough[at]).toBe(0);
              c += net.fft[a]!;
              at = net.to[a]!;
            }
            expect(at).toBe(z);
            expect(c).toBeCloseTo(sp.dist[z]!, 9);
          }
        }
      }
    });
  }

  it.each(['zeros', 'positive'])(
    'all-or-nothing conserves flow at every node and returns Σ demand × shortest cost (%s)',
    (costs) => {
      const net = randomNet(7, 40, 100, 10, true);
      if (costs === 'positive') for (let a = 0; a < net.numLinks; a++) net.fft[a] = net.fft[a]! + 0.5;
      const rng = createRng(3);
      const od = Float64Array.from({ length: 100 }, () => Math.round(rng.next() * 50));
      const demand = makeDemand(10, od);
      const sp = new ShortestPaths(buildCsr(net));
      sp.setCosts(net.fft);
      const y = new Float64Array(net.numLinks);
      const sptt = allOrNothing(sp, demand.od, 0, 10, y);
      let yc = 0;
      for (let a = 0; a < net.numLinks; a++) yc += y[a]! * net.fft[a]!;
      expect(yc).toBeCloseTo(sptt, 6);
      const net0 = new Float64Array(net.numNodes);
      for (let a = 0; a < net.numLinks; a++) {
        net0[net.from[a]!]! -= y[a]!;
        net0[net.to[a]!]! += y[a]!;
      }
      const isZone = new Set(Array.from(net.zoneNode));
      for (let z = 0; z < 10; z++) {
        let inflow = 0;
        let outflow = 0;
        for (let k = 0; k < 10; k++) {
          if (k === z) continue;
          inflow += od[k * 10 + z]!;
          outflow += od[z * 10 + k]!;
        }
        expect(net0[net.zoneNode[z]!]).toBeCloseTo(inflow - outflow, 9);
      }
      for (let v = 0; v < net.numNodes; v++) if (!isZone.has(v)) expect(Math.abs(net0[v]!)).toBeLessThan(1e-9);
    },
  );

  it('bucket queue falls back to the heap when labels span too many buckets, with the same labels', () => {
    const net = randomNet(11, 80, 200, 10, true);
    // One tiny thru arc makes the bucket width tiny against the other costs.
    for (let a = 0; a < net.numLinks; a++) net.fft[a] = a === 7 ? 1e-3 : 5 + net.fft[a]!;
    const sp = new ShortestPaths(buildCsr(net), 'buckets');
    const ref = new ShortestPaths(buildCsr(net), 'heap');
    sp.setCosts(net.fft);
    ref.setCosts(net.fft);
    expect(sp.bucketWidth).toBeGreaterThan(0); // buckets chosen at first (span within the 2^20 cap) ...
    for (let o = 0; o < 10; o++) {
      sp.run(net.zoneNode[o]!);
      ref.run(net.zoneNode[o]!);
      expect(Array.from(sp.dist)).toEqual(Array.from(ref.dist));
    }
    expect(sp.bucketWidth).toBe(0); // ... and abandoned after too many empty buckets
    // 'auto' sees the wide label span in its probe tree and takes the heap from the start.
    const auto = new ShortestPaths(buildCsr(net));
    auto.setCosts(net.fft);
    expect(auto.bucketWidth).toBe(0);
  });

  it('auto keeps the bucket queue where labels span few buckets (Chicago-size network at free flow)', () => {
    const c = generateChicagoLike(1, 0.05);
    const g = buildCsr(c.net);
    const sp = new ShortestPaths(g);
    const ref = new ShortestPaths(g, 'heap');
    const costs = linkCosts(c.net, new Float64Array(c.net.numLinks), new Float64Array(c.net.numLinks));
    sp.setCosts(costs);
    ref.setCosts(costs);
    expect(sp.bucketWidth).toBeGreaterThan(0);
    for (let o = 0; o < 20; o++) {
      sp.run(g.zoneNode[o]!);
      ref.run(g.zoneNode[o]!);
      expect(Array.from(sp.dist)).toEqual(Array.from(ref.dist));
    }
    expect(sp.bucketWidth).toBeGreaterThan(0);
  });

  it('origins sharing their only connector share one tree: same flows and SPTT as one tree per origin', () => {
    const c = generateChicagoLike(2, 0.05);
    const g = buildCsr(c.net);
    const plan = planAon(g);
    // 344 single-connector zones of the generator share 236-ish roots; the 43 two-connector zones stay alone.
    expect(plan.numUnits).toBeLessThan(c.net.numZones);
    expect(plan.unitStart[plan.numUnits]).toBe(c.net.numZones);
    const sp = new ShortestPaths(g);
    sp.setCosts(linkCosts(c.net, new Float64Array(c.net.numLinks).fill(300), new Float64Array(c.net.numLinks)));
    const a = new Float64Array(c.net.numLinks);
    const b = new Float64Array(c.net.numLinks);
    const sa = allOrNothing(sp, c.demand.od, 0, c.net.numZones, a);
    const sb = aonUnits(sp, plan, c.demand.od, 0, plan.numUnits, b);
    expect(sb).toBeCloseTo(sa, 3);
    for (let l = 0; l < c.net.numLinks; l++) expect(b[l]).toBeCloseTo(a[l]!, 6);
  });

  it('throws a clear error when a destination with demand is unreachable', () => {
    // Line 0 → 1 → 2 where node 1 is zone 2 (no through traffic): zone 3 (node 2) is unreachable from zone 1.
    const net = randomNet(2, 3, 0, 3, true);
    const line: Network = { ...net, numLinks: 2, from: Int32Array.from([0, 1]), to: Int32Array.from([1, 2]) };
    const sp = new ShortestPaths(buildCsr(line));
    sp.setCosts(new Float64Array(2).fill(1));
    const od = new Float64Array(9);
    od[0 * 3 + 2] = 5;
    expect(() => allOrNothing(sp, od, 0, 3, new Float64Array(2))).toThrowError(/zone 3 .* unreachable from zone 1/);
    od[0 * 3 + 2] = 0;
    od[0 * 3 + 1] = 5;
    const y = new Float64Array(2);
    allOrNothing(sp, od, 0, 3, y);
    expect(Array.from(y)).toEqual([5, 0]);
  });
});
