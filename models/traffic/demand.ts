/**
 * Peak-hour car demand: trip ends from zone population × car ownership, spread by a doubly constrained gravity model
 *   T_ij = a_i · O_i · b_j · D_j · exp(−β · t_ij),   i ≠ j   (intrazonal trips stay off the main-road network)
 * with t_ij the free-flow car time (min) from a shortest-path skim, and a_i, b_j from Furness (bi-proportional)
 * balancing so that Σ_j T_ij = O_i and Σ_i T_ij = D_j (Σ D scaled to Σ O first).
 * References: Ortúzar & Willumsen, *Modelling Transport* (4th ed. 2011) §5.4–5.5 (gravity, Furness).
 */
import { buildCsr, ShortestPaths, type CsrGraph } from './graph.ts';
import type { Network } from './network.ts';

/**
 * Zone-to-zone shortest free-flow cost matrix (network cost units; min for GMNS networks). Infinity when unreachable.
 * @example
 * // Zones 0 and 1 at nodes 0 and 1, a through node 2; links 0→2, 2→1 (5 min each), 0→1 (12 min), 1→0 (8 min).
 * // These are the fields it reads (parseTntpNet or loadTrafficInputs give whole Networks).
 * const net = { numNodes: 3, numLinks: 4, numZones: 2, zoneNode: Int32Array.of(0, 1), noThrough: new Uint8Array(3),
 *   from: Int32Array.of(0, 2, 0, 1), to: Int32Array.of(2, 1, 1, 0), fft: Float64Array.of(5, 5, 12, 8),
 *   fixedCost: new Float64Array(4) };
 * const skim = freeFlowSkim(net); const o = 0; const d = 1;
 * skim[o * net.numZones + d] // => 10
 * skim // => Float64Array.of(0, 10, 8, 0)
 */
export function freeFlowSkim(net: Network, graph: CsrGraph = buildCsr(net)): Float64Array {
  const nz = net.numZones;
  const sp = new ShortestPaths(graph);
  const cost = new Float64Array(net.numLinks);
  for (let a = 0; a < net.numLinks; a++) cost[a] = net.fft[a]! + net.fixedCost[a]!;
  sp.setCosts(cost);
  const skim = new Float64Array(nz * nz);
  for (let o = 0; o < nz; o++) {
    sp.run(net.zoneNode[o]!);
    for (let d = 0; d < nz; d++) skim[o * nz + d] = sp.dist[net.zoneNode[d]!]!;
  }
  return skim;
}

export interface FurnessResult {
  od: Float64Array;
  iterations: number;
  /** Largest relative row or column total error at the end. */
  maxRelError: number;
}

/**
 * Doubly constrained gravity with exponential deterrence, balanced by Furness iterations.
 * Origins/destinations with zero total get zero trips; unreachable pairs get none.
 * @example
 * // Three zones, minutes between them (intrazonal trips are not generated):
 * const skim = Float64Array.of(0, 10, 20, 10, 0, 15, 20, 15, 0);
 * const origins = Float64Array.from([100, 50, 30]);
 * const { od } = gravityFurness(origins, Float64Array.from([60, 90, 30]), skim, 0.08);
 * Array.from(od, (v) => v.toFixed(1)) // => ['0.0', '78.0', '22.0', '42.0', '0.0', '8.0', '18.0', '12.0', '0.0']
 * // Rows sum to the origins, columns to the destinations:
 * [od[0] + od[1] + od[2], od[0] + od[3] + od[6]].map((v) => v.toFixed(6)) // => ['100.000000', '60.000000']
 */
export function gravityFurness(
  origins: Float64Array,
  destinations: Float64Array,
  skim: Float64Array,
  betaPerMin: number,
  opts: { tolerance?: number; maxIterations?: number } = {},
): FurnessResult {
  const nz = origins.length;
  if (destinations.length !== nz || skim.length !== nz * nz)
    throw new Error('gravityFurness: origins, destinations and skim sizes differ');
  const tol = opts.tolerance ?? 1e-9;
  const maxIt = opts.maxIterations ?? 500;
  let sumO = 0;
  let sumD = 0;
  for (let i = 0; i < nz; i++) {
    sumO += origins[i]!;
    sumD += destinations[i]!;
  }
  const dest = Float64Array.from(destinations, (v) => (sumD > 0 ? (v * sumO) / sumD : 0));
  const f = new Float64Array(nz * nz);
  for (let i = 0; i < nz; i++) {
    for (let j = 0; j < nz; j++) {
      const t = skim[i * nz + j]!;
      f[i * nz + j] = i === j || !Number.isFinite(t) ? 0 : Math.exp(-betaPerMin * t);
    }
  }
  const a = new Float64Array(nz).fill(1);
  const b = new Float64Array(nz).fill(1);
  let err = Infinity;
  let it = 0;
  for (; it < maxIt && err > tol; it++) {
    for (let i = 0; i < nz; i++) {
      let s = 0;
      for (let j = 0; j < nz; j++) s += b[j]! * dest[j]! * f[i * nz + j]!;
      a[i] = s > 0 ? 1 / s : 0;
    }
    for (let j = 0; j < nz; j++) {
      let s = 0;
      for (let i = 0; i < nz; i++) s += a[i]! * origins[i]! * f[i * nz + j]!;
      b[j] = s > 0 ? 1 / s : 0;
    }
    // After the column step columns match exactly; measure the row error.
    err = 0;
    for (let i = 0; i < nz; i++) {
      if (origins[i]! <= 0) continue;
      let s = 0;
      for (let j = 0; j < nz; j++) s += a[i]! * origins[i]! * b[j]! * dest[j]! * f[i * nz + j]!;
      err = Math.max(err, Math.abs(s - origins[i]!) / origins[i]!);
    }
  }
  const od = new Float64Array(nz * nz);
  for (let i = 0; i < nz; i++)
    for (let j = 0; j < nz; j++) od[i * nz + j] = a[i]! * origins[i]! * b[j]! * dest[j]! * f[i * nz + j]!;
  return { od, iterations: it, maxRelError: err };
}
