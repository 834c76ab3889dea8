/**
 * From path flows to discrete vehicles with departure times.
 *
 * Each path's expected flow f_p is integerised by stochastic rounding (⌊f_p⌋ plus one more with probability
 * f_p − ⌊f_p⌋), so totals are unbiased; each vehicle draws its departure time from a piecewise-uniform profile
 * (share of trips per slice). Both draws use the job's seeded rng.
 */
import type { Rng } from '../../lib/rng.ts';
import type { VehicleSet } from './ltm.ts';
import type { PathTable } from './routing.ts';

/** Departure profile: `shares[k]` of all trips leave uniformly within [startS + k·sliceS, startS + (k+1)·sliceS). */
export interface DepartureProfile {
  startS: number;
  sliceS: number;
  shares: number[];
}

/**
 * Morning peak 06:30–09:30 in 15-minute slices, peaking 07:30–08:00. **Assumption** (shape typical of Chinese city
 * AM peaks in floating-car data; to be replaced by Zibo detector counts): peak-hour share (07:15–08:15) 0.45.
 */
export const DEFAULT_AM_PROFILE: DepartureProfile = {
  startS: 6.5 * 3600,
  sliceS: 900,
  shares: [0.04, 0.06, 0.08, 0.1, 0.12, 0.12, 0.11, 0.1, 0.08, 0.07, 0.06, 0.06],
};

/**
 * Largest share of trips departing in any window of `windowS` seconds (sliding by slices), e.g. the peak-hour share.
 * @example peakWindowShare(DEFAULT_AM_PROFILE, 3600) // => 0.45
 */
export function peakWindowShare(p: DepartureProfile, windowS: number): number {
  const k = Math.max(1, Math.round(windowS / p.sliceS));
  const tot = p.shares.reduce((x, y) => x + y, 0);
  let best = 0;
  for (let i = 0; i + k <= p.shares.length; i++) {
    let s = 0;
    for (let j = i; j < i + k; j++) s += p.shares[j]!;
    best = Math.max(best, s);
  }
  if (k > p.shares.length) best = tot;
  return best / tot;
}

/**
 * Discrete vehicles on the given paths, departures drawn from the profile.
 * @example
 * // Two paths (links 0, 1 and link 2) carrying 3 and 2 vehicles:
 * const paths = { start: Int32Array.of(0, 2, 3), links: Int32Array.of(0, 1, 2), veh: Float64Array.of(3, 2) };
 * // A run passes createRng(seed); u = 0.5 puts every departure in the middle of its draw.
 * const vs = vehiclesFromPaths(paths, DEFAULT_AM_PROFILE, { next: () => 0.5 });
 * [vs.count, vs.path] // => [5, Int32Array.of(0, 0, 0, 1, 1)]
 * // Middle of the profile's middle: 06:30 + 1.5 h + 450 s (seconds after midnight).
 * vs.departS[0] // => 28350
 */
export function vehiclesFromPaths(paths: PathTable, profile: DepartureProfile, rng: Rng): VehicleSet {
  const nP = paths.veh.length;
  const shares = profile.shares;
  if (shares.length === 0 || shares.some((x) => !(x >= 0)))
    throw new Error('departure profile: shares must be ≥ 0 and not empty');
  const tot = shares.reduce((x, y) => x + y, 0);
  if (!(tot > 0)) throw new Error('departure profile: shares sum to 0');
  const cdf = new Float64Array(shares.length);
  let acc = 0;
  for (let k = 0; k < shares.length; k++) cdf[k] = acc += shares[k]! / tot;
  let n = 0;
  const perPath = new Int32Array(nP);
  for (let p = 0; p < nP; p++) {
    const f = paths.veh[p]!;
    if (!(f >= 0)) throw new Error(`path ${p}: flow ${f} must be ≥ 0`);
    const fl = Math.floor(f);
    perPath[p] = fl + (rng.next() < f - fl ? 1 : 0);
    n += perPath[p]!;
  }
  const departS = new Float64Array(n);
  const path = new Int32Array(n);
  let v = 0;
  for (let p = 0; p < nP; p++) {
    for (let k = 0; k < perPath[p]!; k++) {
      const u = rng.next();
      let sl = 0;
      while (sl < cdf.length - 1 && cdf[sl]! <= u) sl++;
      departS[v] = profile.startS + (sl + rng.next()) * profile.sliceS;
      path[v] = p;
      v++;
    }
  }
  return { count: n, departS, path, pathStart: paths.start, pathLinks: paths.links };
}
