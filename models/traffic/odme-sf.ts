/**
 * The Sioux Falls ODME experiment shared by the test and the bench: "true" OD = the TNTP trips; counts = its UE flows
 * on a seeded 30 % of the links; prior = the true OD with every cell × exp(σ·z), z ~ N(0, 1) seeded.
 */
import { createRng } from '../lib/rng.ts';
import { assign } from './assign.ts';
import type { AssignResult } from './assign-result.ts';
import { makeDemand, type Demand, type Network } from './network.ts';
import { odme, type LinkCounts, type OdmeOptions, type OdmeResult } from './odme.ts';

/** One run of the experiment with the measures the README reports. */
export interface SfExperiment {
  counted: number[];
  uncounted: number[];
  counts: LinkCounts;
  truth: AssignResult;
  prior: Demand;
  priorFlow: Float64Array;
  result: OdmeResult;
  /** RMSE of uncounted links' flows against the true UE flows, prior and fitted. */
  uncountedRmsePrior: number;
  uncountedRmseFitted: number;
  /** RMSE of OD cells (off-diagonal) against the true OD, prior and fitted. */
  odRmsePrior: number;
  odRmseFitted: number;
}

/**
 * Run the experiment: `share` of links counted (default 0.3), lognormal σ (default 0.3), one seed for both draws.
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
 * const x = sfExperiment(net, demand, 1, { share: 0.5 });
 * [x.result.before.gehBelow5, x.result.after.gehBelow5] // => [0, 1]
 */
export function sfExperiment(
  net: Network,
  trueDemand: Demand,
  seed: number,
  opts: { share?: number; sigma?: number; odme?: OdmeOptions } = {},
): SfExperiment {
  const m = net.numLinks;
  const nz = net.numZones;
  const rng = createRng(seed);
  const truth = assign(net, trueDemand, { algorithm: 'bfw', targetGap: 1e-5, keepLog: false });
  const idx = Array.from({ length: m }, (_, i) => i);
  for (let i = m - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const nCounted = Math.round((opts.share ?? 0.3) * m);
  const counted = idx.slice(0, nCounted).sort((a, b) => a - b);
  const isCounted = new Uint8Array(m);
  for (const a of counted) isCounted[a] = 1;
  const uncounted = idx.filter((a) => !isCounted[a]).sort((a, b) => a - b);
  const counts: LinkCounts = {
    link: Int32Array.from(counted),
    count: Float64Array.from(counted.map((a) => truth.flow[a]!)),
    weight: new Float64Array(counted.length).fill(1),
  };
  const sigma = opts.sigma ?? 0.3;
  const od = trueDemand.od.slice();
  for (let k = 0; k < od.length; k++) od[k] = od[k]! * Math.exp(sigma * rng.normal());
  const prior = makeDemand(nz, od);
  const priorFlow = assign(net, prior, { algorithm: 'bfw', targetGap: 1e-5, keepLog: false }).flow;
  const result = odme(net, prior, counts, opts.odme);
  const linkRmse = (f: Float64Array): number =>
    Math.sqrt(uncounted.reduce((s, a) => s + (f[a]! - truth.flow[a]!) ** 2, 0) / uncounted.length);
  const odRmse = (g: Float64Array): number => {
    let s = 0;
    for (let o = 0; o < nz; o++)
      for (let d = 0; d < nz; d++) if (o !== d) s += (g[o * nz + d]! - trueDemand.od[o * nz + d]!) ** 2;
    return Math.sqrt(s / (nz * (nz - 1)));
  };
  return {
    counted,
    uncounted,
    counts,
    truth,
    prior,
    priorFlow,
    result,
    uncountedRmsePrior: linkRmse(priorFlow),
    uncountedRmseFitted: linkRmse(result.assignment.flow),
    odRmsePrior: odRmse(prior.od),
    odRmseFitted: odRmse(result.demand.od),
  };
}
