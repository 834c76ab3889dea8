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
 * @example const skim = freeFlowSkim(net); skim[o * net.numZones + d]
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
 * const { od } = gravityFurness(Float64Array.from([100, 50]), Float64Array.from([60, 90]), skim, 0.08);
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
