/**
 * The in-memory road network and demand that every part of the traffic model shares: readers (TNTP, GMNS) produce
 * it, the CSR graph and the assignment consume it. Links are directed; nodes and zones are 0-based indices inside
 * the model, with the external ids kept for output.
 *
 * Cost of a link (TNTP "BPR" form with generalized cost):
 *   c_a(v) = fft_a · (1 + B_a · (v / cap_a)^power_a) + tollFactor · toll_a + distanceFactor · length_a
 * The constant part (toll, distance) is precomputed in `fixedCost`.
 */

/** A directed road network in structure-of-arrays form. */
export interface Network {
  /** Human name (file stem or folder), for messages. */
  name: string;
  numNodes: number;
  numLinks: number;
  numZones: number;
  /** External node id of each node index (TNTP: 1-based numbers; GMNS: node_id). */
  nodeIds: Int32Array;
  /** Node index of each zone (TNTP: zone z is node z). */
  zoneNode: Int32Array;
  /** 1 where a node is a zone centroid that paths may start or end at but not pass through. */
  noThrough: Uint8Array;
  /** Tail and head node index of each link. */
  from: Int32Array;
  to: Int32Array;
  /** Capacity, veh per period (TNTP file units; GMNS: veh/h for the direction). */
  capacity: Float64Array;
  /** Length (TNTP file units, often miles; GMNS: km). */
  length: Float64Array;
  /** Free-flow travel time (TNTP file units, usually min; GMNS: min). */
  fft: Float64Array;
  /** BPR B and power per link. */
  b: Float64Array;
  power: Float64Array;
  toll: Float64Array;
  /** Flow-independent part of the cost: tollFactor·toll + distanceFactor·length. */
  fixedCost: Float64Array;
  tollFactor: number;
  distanceFactor: number;
  /** Optional external link ids (GMNS link_id); TNTP links are numbered by file order. */
  linkIds?: Int32Array;
}

/** Origin–destination demand for one period. Dense zone × zone matrix, intrazonal cells ignored by assignment. */
export interface Demand {
  numZones: number;
  /** od[o * numZones + d], veh per period. */
  od: Float64Array;
  /** Sum of off-diagonal cells (what assignment loads). */
  total: number;
  /** Sum of the diagonal (intrazonal, never assigned). */
  intrazonal: number;
}

/**
 * Build a Demand from a dense matrix, computing totals and rejecting negative or non-finite cells.
 * @example const d = makeDemand(2, Float64Array.from([0, 10, 5, 0])); d.total // => 15
 */
export function makeDemand(numZones: number, od: Float64Array): Demand {
  if (od.length !== numZones * numZones)
    throw new Error(`demand matrix has ${od.length} cells, expected ${numZones}×${numZones}`);
  let total = 0;
  let intrazonal = 0;
  for (let o = 0; o < numZones; o++) {
    for (let d = 0; d < numZones; d++) {
      const q = od[o * numZones + d]!;
      if (!(q >= 0) || !Number.isFinite(q))
        throw new Error(`demand ${o + 1}→${d + 1} is ${q}; must be a finite number ≥ 0`);
      if (o === d) intrazonal += q;
      else total += q;
    }
  }
  return { numZones, od, total, intrazonal };
}

/**
 * Recompute `fixedCost` from toll, length and the two factors (after editing any of them).
 * @example
 * const net = { numLinks: 2, toll: Float64Array.of(0, 5), length: Float64Array.of(10, 20), tollFactor: 1,
 *   distanceFactor: 0, fixedCost: new Float64Array(2) };
 * refreshFixedCost(net); net.fixedCost // => Float64Array.of(0, 5)
 * // Charge 0.04 per unit of length on top of the tolls:
 * net.distanceFactor = 0.04; refreshFixedCost(net); net.fixedCost // => Float64Array.of(0.4, 5.8)
 */
export function refreshFixedCost(net: Network): void {
  for (let a = 0; a < net.numLinks; a++)
    net.fixedCost[a] = net.tollFactor * net.toll[a]! + net.distanceFactor * net.length[a]!;
}

/**
 * Link cost c_a(v) for every link (generalized: BPR time + fixed part), written into `out`.
 * `power` 4 gets a multiplication fast path (the common case); other powers use Math.pow (0^0 = 1, harmless).
 * @example
 * // Two links with the fields this reads (parseTntpNet and loadTrafficInputs give whole Networks):
 * const net = { numLinks: 2, fft: Float64Array.of(10, 6), b: Float64Array.of(0.15, 0.15), power: Float64Array.of(4, 4),
 *   capacity: Float64Array.of(1000, 500), fixedCost: Float64Array.of(0, 2) };
 * // Link 0 at capacity: 10·(1 + 0.15) = 11.5; link 1 empty: its free-flow time plus the fixed cost.
 * linkCosts(net, Float64Array.of(1000, 0), new Float64Array(2)) // => Float64Array.of(11.5, 8)
 */
export function linkCosts(net: Network, flow: ArrayLike<number>, out: Float64Array): Float64Array {
  const { fft, b, power, capacity, fixedCost } = net;
  for (let a = 0; a < net.numLinks; a++) {
    const x = flow[a]! / capacity[a]!;
    const p = power[a]!;
    let xp: number;
    if (p === 4) {
      const x2 = x * x;
      xp = x2 * x2;
    } else xp = Math.pow(x, p);
    out[a] = fft[a]! * (1 + b[a]! * xp) + fixedCost[a]!;
  }
  return out;
}

/**
 * (v/cap)^p and (v/cap)^(p−1) of a BPR term into `out[0]`, `out[1]` (power 4 by multiplication; r^(p−1) = 0 at r = 0).
 * Shared by the exact line search (assign.ts) and Algorithm B's cost updates (bush.ts), so both use the same bits.
 * @example
 * const o = new Float64Array(2); bprPowers(0.5, 4, o); o // => Float64Array.of(0.0625, 0.125)
 * bprPowers(0, 4, o); o // => Float64Array.of(0, 0)
 */
export function bprPowers(r: number, p: number, out: Float64Array): void {
  if (p === 4) {
    const r3 = r * r * r;
    out[1] = r3;
    out[0] = r3 * r;
  } else {
    const rp = Math.pow(r, p);
    out[0] = rp;
    out[1] = r > 0 ? rp / r : 0;
  }
}

/**
 * Beckmann objective Z(v) = Σ_a ∫_0^{v_a} c_a(w) dw
 *   = Σ_a fft_a·(v_a + B_a·v_a^{p+1} / ((p+1)·cap_a^p)) + fixed_a·v_a.
 * @example
 * // Two links with the fields this reads (parseTntpNet and loadTrafficInputs give whole Networks):
 * const net = { numLinks: 2, fft: Float64Array.of(10, 6), b: Float64Array.of(0.15, 0.15), power: Float64Array.of(4, 4),
 *   capacity: Float64Array.of(1000, 500), fixedCost: Float64Array.of(0, 2) };
 * // Link 0: 10·(1000 + 0.15·1000⁵/(5·1000⁴)) = 10,300; link 1: 6·(200 + 0.15·200⁵/(5·500⁴)) + 2·200 = 1,600.9216.
 * beckmann(net, Float64Array.of(1000, 200)) // => 11900.9216
 */
export function beckmann(net: Network, flow: ArrayLike<number>): number {
  const { fft, b, power, capacity, fixedCost } = net;
  let z = 0;
  for (let a = 0; a < net.numLinks; a++) {
    const v = flow[a]!;
    const p = power[a]!;
    const x = v / capacity[a]!;
    const xp = p === 4 ? x * x * x * x : Math.pow(x, p);
    z += fft[a]! * (v + (b[a]! * v * xp) / (p + 1)) + fixedCost[a]! * v;
  }
  return z;
}

/**
 * Derivative of each link cost with respect to its flow, dc_a/dv_a = fft·B·p·v^{p−1}/cap^p (0 at v = 0 when p > 1).
 * Used by the conjugate directions (the Hessian of the Beckmann objective is this diagonal).
 * @example
 * // Two links with the fields this reads (parseTntpNet and loadTrafficInputs give whole Networks):
 * const net = { numLinks: 2, fft: Float64Array.of(10, 6), b: Float64Array.of(0.15, 0.15), power: Float64Array.of(4, 4),
 *   capacity: Float64Array.of(1000, 500), fixedCost: Float64Array.of(0, 2) };
 * // dc/dv = fft·B·p·v³/cap⁴: 10·0.15·4/1000 at capacity; 0 on an empty link.
 * linkCostDerivatives(net, Float64Array.of(1000, 0), new Float64Array(2)) // => Float64Array.of(0.006, 0)
 */
export function linkCostDerivatives(net: Network, flow: ArrayLike<number>, out: Float64Array): Float64Array {
  const { fft, b, power, capacity } = net;
  for (let a = 0; a < net.numLinks; a++) {
    const p = power[a]!;
    const v = flow[a]!;
    if (p === 0 || b[a] === 0 || v <= 0) {
      out[a] = 0;
      continue;
    }
    const c = capacity[a]!;
    const x = v / c;
    const xpm1 = p === 4 ? x * x * x : Math.pow(x, p - 1);
    out[a] = (fft[a]! * b[a]! * p * xpm1) / c;
  }
  return out;
}
