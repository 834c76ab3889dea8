/**
 * What every static assignment returns (the Frank-Wolfe family in `assign.ts` and Algorithm B in `bush.ts`) and the
 * fixed origin blocks both use for a thread-count-independent summation order. A module of its own so that `assign.ts`
 * (which dispatches to Algorithm B) and `bush.ts` (which returns the same result) do not import each other.
 */

/** Frank-Wolfe family ('fw', 'cfw', 'bfw', `assign.ts`) or Dial's Algorithm B ('b', `bush.ts`). */
export type Algorithm = 'fw' | 'cfw' | 'bfw' | 'b';

/** One line of the convergence log. */
export interface IterationLog {
  iteration: number;
  /** Relative gap of the flows at the start of this iteration (NaN for iteration 1: no flows yet). */
  relativeGap: number;
  /** Beckmann objective of those flows. */
  objective: number;
  /** Total system travel cost Σ v·c(v) of those flows. */
  tstt: number;
  /** Step size taken (1 at iteration 1). */
  stepSize: number;
  /** Which direction was used. */
  direction: 'aon' | 'fw' | 'cfw' | 'bfw' | 'bush';
}

/** Result of an assignment. Link arrays are in network link order. */
export interface AssignResult {
  flow: Float64Array;
  /** Link cost c_a(flow). */
  cost: Float64Array;
  relativeGap: number;
  /** Average excess cost (Σ v·c − Σ y·c) / total demand. */
  averageExcessCost: number;
  objective: number;
  tstt: number;
  /** Shortest-path total travel cost at the final costs, Σ_od D·SP. */
  sptt: number;
  iterations: number;
  converged: boolean;
  algorithm: Algorithm;
  log: IterationLog[];
  /** Wall time spent, ms (measurement only; never feeds model outputs). */
  elapsedMs: number;
  /** Per-origin link flows (origin-major, numZones × numLinks) when `trackOrigins` was on. */
  originFlow?: Float64Array;
}

/**
 * Split origins 0..numZones into `blocks` contiguous ranges of near-equal size.
 * @example originBlocks(10, 3) // => Int32Array.of(0, 3, 7, 10)
 */
export function originBlocks(numZones: number, blocks: number): Int32Array {
  const k = Math.max(1, Math.min(blocks, numZones));
  const out = new Int32Array(k + 1);
  for (let b = 0; b <= k; b++) out[b] = Math.round((b * numZones) / k);
  return out;
}
