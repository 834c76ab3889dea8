/**
 * A seeded synthetic network of ChicagoSketch size (933 nodes, 2,950 links, 387 zones, FIRST THRU NODE 388,
 * generalized cost with distance factor 0.04 and toll factor 0.02) for the performance bench, since the real
 * ChicagoSketch is not in ../shared. Layout: a 26 × 21 jittered grid of through nodes (1-mile blocks, an arterial
 * every 4th row/column, a faster "expressway" ring), 387 zone centroids each tied by a free-flow-time-0 connector
 * to its nearest grid node (43 zones get a second connector), and a gravity OD matrix (exponential deterrence on
 * straight-line distance) scaled so that the equilibrium is congested (mean v/c on loaded grid links near 1).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createRng } from '../lib/rng.ts';
import { makeDemand, refreshFixedCost, type Demand, type Network } from './network.ts';

export interface GeneratedCase {
  net: Network;
  demand: Demand;
  x: Float64Array;
  y: Float64Array;
}

/**
 * Generate the ChicagoSketch-size test network.
 * @example const { net, demand } = generateChicagoLike(1); net.numLinks // => 2950
 */
export function generateChicagoLike(seed = 1, demandScale = 1): GeneratedCase {
  const rng = createRng(seed);
  const W = 26;
  const H = 21;
  const numZones = 387;
  const numThru = W * H;
  const numNodes = numZones + numThru;
  const x = new Float64Array(numNodes);
  const y = new Float64Array(numNodes);
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const n = numZones + j * W + i;
      x[n] = i + (rng.next() - 0.5) * 0.4;
      y[n] = j + (rng.next() - 0.5) * 0.4;
    }
  }
  const from: number[] = [];
  const to: number[] = [];
  const cap: number[] = [];
  const len: number[] = [];
  const fft: number[] = [];
  const addLink = (a: number, b: number, capacity: number, speedMph: number, connector: boolean): void => {
    const d = Math.hypot(x[a]! - x[b]!, y[a]! - y[b]!);
    for (const [u, v] of [
      [a, b],
      [b, a],
    ] as const) {
      from.push(u);
      to.push(v);
      cap.push(capacity);
      len.push(d);
      fft.push(connector ? 0 : (d / speedMph) * 60);
    }
  };
  const cls = (line: number, max: number): 'exp' | 'art' | 'loc' =>
    line === 2 || line === max - 3 ? 'exp' : line % 4 === 0 ? 'art' : 'loc';
  const spec = { exp: [5400, 50], art: [2600, 35], loc: [1300, 25] } as const;
  for (let j = 0; j < H; j++) {
    for (let i = 0; i + 1 < W; i++) {
      const k = spec[cls(j, H)];
      addLink(numZones + j * W + i, numZones + j * W + i + 1, k[0] * (0.85 + 0.3 * rng.next()), k[1], false);
    }
  }
  for (let i = 0; i < W; i++) {
    for (let j = 0; j + 1 < H; j++) {
      const k = spec[cls(i, W)];
      addLink(numZones + j * W + i, numZones + (j + 1) * W + i, k[0] * (0.85 + 0.3 * rng.next()), k[1], false);
    }
  }
  // Zones scattered over the grid, denser near the centre (the "CBD").
  const prod = new Float64Array(numZones);
  const attr = new Float64Array(numZones);
  for (let z = 0; z < numZones; z++) {
    const r = 0.5 * Math.sqrt(rng.next());
    const t = 2 * Math.PI * rng.next();
    x[z] = Math.min(W - 1, Math.max(0, (W - 1) / 2 + r * (W - 1) * Math.cos(t) + (rng.next() - 0.5) * 4));
    y[z] = Math.min(H - 1, Math.max(0, (H - 1) / 2 + r * (H - 1) * Math.sin(t) + (rng.next() - 0.5) * 4));
    const centrality = Math.exp(-r * 3);
    prod[z] = Math.exp(rng.normal() * 0.5) * (0.5 + centrality);
    attr[z] = Math.exp(rng.normal() * 0.5) * (0.3 + 2 * centrality);
  }
  for (let z = 0; z < numZones; z++) {
    let best = -1;
    let second = -1;
    let bd = Infinity;
    let sd = Infinity;
    for (let n = numZones; n < numNodes; n++) {
      const d = Math.hypot(x[n]! - x[z]!, y[n]! - y[z]!);
      if (d < bd) {
        second = best;
        sd = bd;
        best = n;
        bd = d;
      } else if (d < sd) {
        second = n;
        sd = d;
      }
    }
    addLink(z, best, 49500, 25, true);
    if (z < 43) addLink(z, second, 49500, 25, true);
  }
  const numLinks = from.length;
  const od = new Float64Array(numZones * numZones);
  let sum = 0;
  for (let o = 0; o < numZones; o++) {
    for (let d = 0; d < numZones; d++) {
      if (o === d) continue;
      const dist = Math.hypot(x[o]! - x[d]!, y[o]! - y[d]!);
      const t = prod[o]! * attr[d]! * Math.exp(-dist / 6);
      od[o * numZones + d] = t;
      sum += t;
    }
  }
  // ChicagoSketch carries ~1.26 M trips on a network of this size; scale to 1.0 M × demandScale, rounded to 0.1.
  const k = (1.0e6 * demandScale) / sum;
  for (let i = 0; i < od.length; i++) od[i] = Math.round(od[i]! * k * 10) / 10;
  const nodeIds = new Int32Array(numNodes);
  for (let n = 0; n < numNodes; n++) nodeIds[n] = n + 1;
  const zoneNode = new Int32Array(numZones);
  for (let z = 0; z < numZones; z++) zoneNode[z] = z;
  const noThrough = new Uint8Array(numNodes);
  noThrough.fill(1, 0, numZones);
  const net: Network = {
    name: `chicago-like-${seed}`,
    numNodes,
    numLinks,
    numZones,
    nodeIds,
    zoneNode,
    noThrough,
    from: Int32Array.from(from),
    to: Int32Array.from(to),
    capacity: Float64Array.from(cap),
    length: Float64Array.from(len),
    fft: Float64Array.from(fft),
    b: new Float64Array(numLinks).fill(0.15),
    power: new Float64Array(numLinks).fill(4),
    toll: new Float64Array(numLinks),
    fixedCost: new Float64Array(numLinks),
    tollFactor: 0.02,
    distanceFactor: 0.04,
  };
  refreshFixedCost(net);
  return { net, demand: makeDemand(numZones, od), x, y };
}

/**
 * Write a network and demand as TNTP `_net` and `_trips` files (so other tools and the validate CLI can read them).
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
 * const fs = process.getBuiltinModule('node:fs');
 * const dir = fs.mkdtempSync(process.getBuiltinModule('node:os').tmpdir() + '/tntp-');
 * writeTntp(dir, { net, demand }); fs.readdirSync(dir).sort() // => ['two-routes_net.tntp', 'two-routes_trips.tntp']
 * const trips = fs.readFileSync(dir + '/two-routes_trips.tntp', 'utf8').split('\n');
 * trips.slice(0, 3) // => ['<NUMBER OF ZONES> 2', '<TOTAL OD FLOW> 1500', '<END OF METADATA>']
 * fs.rmSync(dir, { recursive: true });
 */
export function writeTntp(dir: string, c: { net: Network; demand: Demand }): void {
  mkdirSync(dir, { recursive: true });
  const { net, demand } = c;
  const firstThru = net.noThrough.indexOf(0) + 1;
  const head = [
    `<NUMBER OF ZONES> ${net.numZones}`,
    `<NUMBER OF NODES> ${net.numNodes}`,
    `<FIRST THRU NODE> ${firstThru}`,
    `<NUMBER OF LINKS> ${net.numLinks}`,
    `<TOLL FACTOR> ${net.tollFactor}`,
    `<DISTANCE FACTOR> ${net.distanceFactor}`,
    '<END OF METADATA>',
    '',
    '~\tinit_node\tterm_node\tcapacity\tlength\tfree_flow_time\tb\tpower\tspeed\ttoll\tlink_type\t;',
  ];
  const rows: string[] = [];
  for (let a = 0; a < net.numLinks; a++) {
    rows.push(
      `\t${net.from[a]! + 1}\t${net.to[a]! + 1}\t${net.capacity[a]}\t${net.length[a]}\t${net.fft[a]}\t${net.b[a]}\t${net.power[a]}\t0\t${net.toll[a]}\t1\t;`,
    );
  }
  writeFileSync(path.join(dir, `${net.name}_net.tntp`), head.concat(rows).join('\n') + '\n');
  const t: string[] = [
    `<NUMBER OF ZONES> ${demand.numZones}`,
    `<TOTAL OD FLOW> ${demand.total + demand.intrazonal}`,
    '<END OF METADATA>',
    '',
  ];
  for (let o = 0; o < demand.numZones; o++) {
    t.push(`Origin \t${o + 1}`);
    let line: string[] = [];
    for (let d = 0; d < demand.numZones; d++) {
      const q = demand.od[o * demand.numZones + d]!;
      if (q === 0) continue;
      line.push(`${d + 1} : ${q};`);
      if (line.length === 5) {
        t.push('    ' + line.join(' '));
        line = [];
      }
    }
    if (line.length) t.push('    ' + line.join(' '));
    t.push('');
  }
  writeFileSync(path.join(dir, `${net.name}_trips.tntp`), t.join('\n'));
}
