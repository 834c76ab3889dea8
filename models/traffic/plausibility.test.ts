/**
 * The plausibility check behind `traffic.longestPathMin` and its run-log warning (README "Plausibility").
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/rng.ts';
import { assign } from './assign.ts';
import { loadTrafficInputs, longestPath, runTraffic, ziboPeakHourCase } from './model.ts';
import { trafficParamsSchema } from './params.ts';

const p = trafficParamsSchema.parse({ outputs: { linkSeries: false } });
const inp = loadTrafficInputs(p);
const nz = inp.net.numZones;

describe('longest peak trip', () => {
  it('at free-flow costs with demand on every pair equals the largest cell of the free-flow skim', () => {
    const od = new Float64Array(nz * nz).fill(1);
    const cost = Float64Array.from(inp.net.fft, (t, a) => t + inp.net.fixedCost[a]!);
    const lp = longestPath(inp.graph, inp.net, od, cost);
    let max = 0;
    for (let o = 0; o < nz; o++)
      for (let d = 0; d < nz; d++) if (o !== d) max = Math.max(max, inp.skimMin[o * nz + d]!);
    expect(lp.timeMin).toBeCloseTo(max, 9);
    expect(lp.freeFlowMin).toBeCloseTo(max, 9);
    expect(inp.skimMin[lp.origin * nz + lp.destination]).toBeCloseTo(max, 9);
  });

  it('pairs without demand are ignored, and congestion only lengthens the trip', () => {
    const c = ziboPeakHourCase(p, inp, 2021, { demandFactor: 1.2, capacityGain: 0.1 });
    const r = assign(c.net, c.demand, { targetGap: 1e-5, keepLog: false }, inp.graph);
    const lp = longestPath(inp.graph, c.net, c.demand.od, r.cost);
    expect(lp.timeMin).toBeGreaterThan(lp.freeFlowMin);
    // Remove the demand of the longest pair: the next longest pair is reported, no longer than before.
    const od = Float64Array.from(c.demand.od);
    od[lp.origin * nz + lp.destination] = 0;
    const next = longestPath(inp.graph, c.net, od, r.cost);
    expect(next.origin * nz + next.destination).not.toBe(lp.origin * nz + lp.destination);
    expect(next.timeMin).toBeLessThanOrEqual(lp.timeMin);
    expect(longestPath(inp.graph, c.net, new Float64Array(nz * nz), r.cost).origin).toBe(-1);
  });

  it('the job warns exactly when its longest trip exceeds plausibility.maxPathMin', () => {
    const job = { model: 'traffic', years: [2021], replication: 0, attempt: 1, seed: 1 };
    const out = runTraffic(p, inp, job, createRng(1));
    const longest = out.series.find((s) => s.metric === 'traffic.longestPathMin')!.values[0]!;
    expect(out.warnings).toBeUndefined();
    const below = { ...p, plausibility: { maxPathMin: Math.floor(longest) - 1 } };
    const warned = runTraffic(below, inp, job, createRng(1));
    expect(warned.warnings).toHaveLength(1);
    expect(warned.warnings![0]).toContain(`takes ${longest.toFixed(0)} min at equilibrium`);
    const above = { ...p, plausibility: { maxPathMin: Math.ceil(longest) + 1 } };
    expect(runTraffic(above, inp, job, createRng(1)).warnings).toBeUndefined();
  });
});
