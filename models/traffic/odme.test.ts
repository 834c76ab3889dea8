import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readGmnsFolder } from './gmns.ts';
import { makeDemand } from './network.ts';
import { countFit, countsForHour, geh, odChange, odme, parseCounts } from './odme.ts';
import { sfExperiment } from './odme-sf.ts';
import { requireSharedData, SIOUX_FALLS_DIR } from './shared-data.ts';
import { readTntpFolder } from './tntp.ts';

const haveSf = requireSharedData(SIOUX_FALLS_DIR);
const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'gmns-small');

describe('counts file (pure parser)', () => {
  const net = readGmnsFolder(fixture).gmns.net;
  const id0 = net.linkIds![0]!;
  const from0 = net.nodeIds[net.from[0]!]!;
  const to0 = net.nodeIds[net.to[0]!]!;

  it('reads link ids or from/to node ids, hour, count, optional weight', () => {
    const rows = parseCounts(
      `link,from,to,hour,count,weight\n${id0},,,8,1200,2\n,${from0},${to0},9,800,\n`,
      'c.csv',
      net,
    );
    expect(rows).toEqual([
      { link: 0, hour: 8, count: 1200, weight: 2, line: 2 },
      { link: 0, hour: 9, count: 800, weight: 1, line: 3 },
    ]);
    expect(Array.from(countsForHour(rows, 9).count)).toEqual([800]);
    expect(() => countsForHour(rows)).toThrow(/hours 8, 9; choose one/);
  });

  it('names file, line, column, field and fix for bad input', () => {
    const bad = (text: string): string => {
      try {
        parseCounts(text, 'counts.csv', net);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(bad('link,hour,count\n999999,8,10\n')).toMatch(/^counts\.csv:2:1: link 999999 is not in network .*link_id/);
    expect(bad(`link,hour,count\n${id0},8,-5\n`)).toMatch(/^counts\.csv:2:\d+: count -5 is negative/);
    expect(bad(`link,hour,count\n${id0},8,12x\n`)).toMatch(/^counts\.csv:2:\d+: count "12x" is not a number/);
    expect(bad(`link,hour,count\n${id0},25,10\n`)).toMatch(/hour 25: must be an integer 0\.\.23/);
    expect(bad(`link,hour,count,weight\n${id0},8,10,0\n`)).toMatch(/weight 0: must be > 0/);
    expect(bad(`link,hour,count\n${id0},8,10\n${id0},8,11\n`)).toMatch(/:3:1: .*already counted on line 2/);
    expect(bad('link,count\n1,2\n')).toMatch(/no "hour" column/);
    expect(bad('hour,count\n1,2\n')).toMatch(/no "link" column and no "from" and "to"/);
    expect(bad('link,hour,count,speed\n1,2,3,4\n')).toMatch(/unknown column "speed"/);
    expect(bad(`from,to,hour,count\n${from0},${from0},8,10\n`)).toMatch(/no link from node/);
    expect(bad(`link,hour,count\n${id0},8\n`)).toMatch(/2 fields, the header has 3/);
    expect(bad('link,hour,count\n')).toMatch(/no count rows/);
  });

  it('GEH, fit and OD change measures on hand-checked numbers', () => {
    expect(geh(1100, 1000)).toBeCloseTo(Math.sqrt((2 * 100 ** 2) / 2100), 12);
    const counts = { link: Int32Array.from([0, 1]), count: Float64Array.from([100, 300]), weight: new Float64Array(2) };
    const fit = countFit(Float64Array.from([110, 300]), counts);
    expect(fit.rmse).toBeCloseTo(Math.sqrt(50), 12);
    expect(fit.r2).toBeCloseTo(1 - 100 / 20000, 12);
    expect(fit.gehBelow5).toBe(1);
    const ch = odChange(Float64Array.from([0, 10, 20, 0]), Float64Array.from([0, 20, 40, 0]), 2);
    expect(ch.correlation).toBeCloseTo(1, 12);
    expect(ch.maxFactor).toBe(2);
    expect(ch.totalFitted).toBe(60);
  });
});

describe.skipIf(!haveSf)('ODME on Sioux Falls (true OD = TNTP trips, counts on 30 % of links, σ = 0.3 prior)', () => {
  it('reaches GEH < 5 on ≥ 85 % of counted links and is closer to the truth on uncounted links, 3 seeds', () => {
    const c = readTntpFolder(SIOUX_FALLS_DIR);
    for (const seed of [1, 2, 3]) {
      const x = sfExperiment(c.net, c.demand, seed);
      const r = x.result;
      expect(x.counted.length).toBe(23);
      // The prior is genuinely off: most counted links start with GEH ≥ 5.
      expect(r.before.gehBelow5).toBeLessThan(0.5);
      expect(r.after.gehBelow5, `seed ${seed}`).toBeGreaterThanOrEqual(0.85);
      expect(r.after.rmse).toBeLessThan(r.before.rmse / 5);
      expect(r.objectiveAfter).toBeLessThan(r.objectiveBefore);
      // Uncounted links (the 53 others): RMSE of flows against the true UE flows falls.
      expect(x.uncountedRmseFitted, `seed ${seed}`).toBeLessThan(x.uncountedRmsePrior);
      // And the OD itself moved towards the truth while staying close to the prior's structure.
      expect(x.odRmseFitted).toBeLessThan(x.odRmsePrior);
      expect(r.change.correlation).toBeGreaterThan(0.95);
      // The fitted flows are an equilibrium of the fitted demand.
      expect(r.assignment.relativeGap).toBeLessThanOrEqual(1e-5);
    }
  });

  it('shortest-path route shares (no per-origin memory) also pass, and reruns are bit-identical', () => {
    const c = readTntpFolder(SIOUX_FALLS_DIR);
    const a = sfExperiment(c.net, c.demand, 2, { odme: { routeShares: 'shortest-path' } });
    expect(a.result.after.gehBelow5).toBeGreaterThanOrEqual(0.85);
    expect(a.uncountedRmseFitted).toBeLessThan(a.uncountedRmsePrior);
    const b = sfExperiment(c.net, c.demand, 2, { odme: { routeShares: 'shortest-path' } });
    expect(Array.from(b.result.demand.od)).toEqual(Array.from(a.result.demand.od));
  });

  it('counts that the prior already reproduces leave it unchanged', () => {
    const c = readTntpFolder(SIOUX_FALLS_DIR);
    const x = sfExperiment(c.net, c.demand, 4, { sigma: 0 });
    expect(x.result.before.gehBelow5).toBe(1);
    expect(x.result.change.meanAbsRelChange).toBeLessThan(0.01);
  });

  it('rejects a prior of the wrong size and counts on links that do not exist', () => {
    const c = readTntpFolder(SIOUX_FALLS_DIR);
    const one = { link: Int32Array.from([500]), count: Float64Array.from([1]), weight: Float64Array.from([1]) };
    expect(() => odme(c.net, c.demand, one)).toThrow(/link index 500 outside/);
    expect(() => odme(c.net, makeDemand(2, new Float64Array(4)), one)).toThrow(/2 zones/);
  });
});
