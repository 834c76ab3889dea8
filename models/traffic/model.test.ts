import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadScenario } from '../../engine/scenario.ts';
import { createRng } from '../lib/rng.ts';
import { REPO_ROOT } from './shared-data.ts';
import { gravityFurness } from './demand.ts';
import { trafficModel } from './index.ts';
import { loadTrafficInputs, runTraffic, ziboPeakHourCase } from './model.ts';
import { shareForYear, trafficParamsSchema, type TrafficParams } from './params.ts';
import type { ModelOutput } from '../types.ts';

const base = trafficParamsSchema.parse({});
const inputs = loadTrafficInputs(base);
const job = (year: number, replication = 0) => ({
  model: 'traffic',
  years: [year],
  replication,
  attempt: 1,
  seed: 1000 + replication,
});
const value = (out: ModelOutput, metric: string, entity = 'city'): number => {
  const s = out.series.find((x) => x.metric === metric && x.entity === entity);
  if (!s) throw new Error(`no ${metric} for ${entity}`);
  return s.values[0]!;
};
const scenarioParams = (name: string): TrafficParams =>
  trafficParamsSchema.parse(
    (loadScenario(path.join(REPO_ROOT, 'scenarios', `${name}.yaml`)).scenario as unknown as { traffic: unknown })
      .traffic,
  );

describe('gravity with Furness balancing', () => {
  it('matches row and column totals and keeps intrazonal cells empty', () => {
    const skim = Float64Array.from([0, 10, 20, 10, 0, 15, 20, 15, 0]);
    const O = Float64Array.from([100, 50, 80]);
    const D = Float64Array.from([60, 90, 80]);
    const { od, maxRelError } = gravityFurness(O, D, skim, 0.1);
    expect(maxRelError).toBeLessThan(1e-9);
    for (let i = 0; i < 3; i++) {
      expect(od[i * 3 + i]).toBe(0);
      expect(od[i * 3]! + od[i * 3 + 1]! + od[i * 3 + 2]!).toBeCloseTo(O[i]!, 6);
      expect(od[i]! + od[3 + i]! + od[6 + i]!).toBeCloseTo(D[i]!, 6);
    }
    // Stronger deterrence keeps more trips short: zone 1 sends more to its near neighbour.
    const steep = gravityFurness(O, D, skim, 0.3).od;
    expect(steep[1]! / steep[2]!).toBeGreaterThan(od[1]! / od[2]!);
  });
});

describe('Zibo traffic model (peak hour, grain year)', () => {
  it('is a strict, fully defaulted scenario section', () => {
    expect(trafficModel.id).toBe('traffic');
    expect(trafficModel.grain).toBe('year');
    expect(() => trafficParamsSchema.parse({ demand: { peakTripsPerCr: 1 } })).toThrow();
    expect(shareForYear({ '2017': 0.1, '2019': 0.5 }, 2018)).toBe(0.1);
    expect(shareForYear({ '2017': 0.1, '2019': 0.5 }, 2016)).toBe(0);
  });

  it('reads the network, zones and car series; every zone pair is connected', () => {
    expect(inputs.net.numZones).toBe(88);
    expect(inputs.districts.length).toBe(8);
    for (let i = 0; i < inputs.skimMin.length; i++) {
      if (i % 89 !== 0) expect(Number.isFinite(inputs.skimMin[i]!)).toBe(true);
    }
  });

  it('emits the brief metric ids for city and every district, converged, with plausible peak-hour values', () => {
    const out = runTraffic(base, inputs, job(2017), createRng(1));
    expect(value(out, 'traffic.relativeGap')).toBeLessThanOrEqual(1e-5);
    for (const e of ['city', ...inputs.districts]) {
      for (const m of ['traffic.meanSpeedKmPerH', 'traffic.congestionIndex', 'traffic.vhtVehH', 'traffic.vktVehKm'])
        expect(Number.isFinite(value(out, m, e))).toBe(true);
      // Speeds between urban-congested and expressway free flow; congestion index ≥ 1 by construction.
      expect(value(out, 'traffic.meanSpeedKmPerH', e)).toBeGreaterThan(15);
      expect(value(out, 'traffic.meanSpeedKmPerH', e)).toBeLessThan(110);
      expect(value(out, 'traffic.congestionIndex', e)).toBeGreaterThanOrEqual(1);
    }
    // Mean speed is VKT/VHT.
    expect(value(out, 'traffic.meanSpeedKmPerH')).toBeCloseTo(
      value(out, 'traffic.vktVehKm') / value(out, 'traffic.vhtVehH'),
      9,
    );
    const links = out.series.filter((s) => s.metric === 'traffic.linkVc');
    expect(links.length).toBe(Array.from(inputs.connector).filter((c) => c === 0).length);
    expect(links[0]!.entity).toMatch(/^link:\d+$/);
    expect(out.series.length).toBeLessThan(50000);
  });

  it('demand grows with car ownership and population: 2021 has more trips and more VHT than 2017', () => {
    const a = runTraffic(base, inputs, job(2017), createRng(1));
    const b = runTraffic(base, inputs, job(2021), createRng(1));
    expect(value(b, 'traffic.demandVehPerH')).toBeGreaterThan(1.2 * value(a, 'traffic.demandVehPerH'));
    expect(value(b, 'traffic.vhtVehH')).toBeGreaterThan(value(a, 'traffic.vhtVehH'));
    expect(value(b, 'traffic.congestionIndex')).toBeGreaterThan(value(a, 'traffic.congestionIndex'));
  });

  it('the signal rollout upgrades the planned share of signalised links per district, monotone over years', () => {
    const draws = { demandFactor: 1, capacityGain: 0.1 };
    let prev = -1;
    for (const y of [2017, 2018, 2019, 2020, 2021]) {
      const c = ziboPeakHourCase(base, inputs, y, draws);
      expect(c.upgradedShare['370303']).toBeCloseTo(
        Math.round(shareForYear(base.signals.upgradedShareByDistrict['370303']!, y) * 194) / 194,
        12,
      );
      const n = c.upgraded.reduce((s, v) => s + v, 0);
      expect(n).toBeGreaterThanOrEqual(prev);
      prev = n;
      for (let a = 0; a < c.net.numLinks; a++)
        if (c.upgraded[a]) expect(c.net.capacity[a]).toBeCloseTo(inputs.net.capacity[a]! * 1.1, 9);
    }
  });

  it('fast-signals what-if lowers VHT in every replication (common random numbers) from 2018 on, equal in 2017', () => {
    const fast = scenarioParams('fast-signals');
    const baseline = scenarioParams('baseline');
    for (const year of [2017, 2019]) {
      for (let r = 0; r < 3; r++) {
        const b = runTraffic(baseline, inputs, job(year, r), createRng(r));
        const f = runTraffic(fast, inputs, job(year, r), createRng(r + 99));
        if (year === 2017) expect(value(f, 'traffic.vhtVehH')).toBeCloseTo(value(b, 'traffic.vhtVehH'), 6);
        else {
          expect(value(f, 'traffic.vhtVehH')).toBeLessThan(0.997 * value(b, 'traffic.vhtVehH'));
          expect(value(f, 'traffic.vhtVehH', '370303')).toBeLessThan(0.99 * value(b, 'traffic.vhtVehH', '370303'));
        }
      }
    }
  });

  it('replications differ (demand level and capacity gain drawn per replication); same job gives the same result', () => {
    const a = runTraffic(base, inputs, job(2019, 0), createRng(1));
    const a2 = runTraffic(base, inputs, job(2019, 0), createRng(1));
    const b = runTraffic(base, inputs, job(2019, 1), createRng(2));
    expect(value(a2, 'traffic.vhtVehH')).toBe(value(a, 'traffic.vhtVehH'));
    expect(value(b, 'traffic.vhtVehH')).not.toBe(value(a, 'traffic.vhtVehH'));
  });

  it('warm start: same equilibrium as from zero within the gap, fewer iterations, and the same bits whatever ran before', () => {
    const cold = trafficParamsSchema.parse({ assignment: { warmStart: false } });
    const iters = (o: ModelOutput): number => (o.artifacts!.peakHour as { iterations: number }).iterations;
    let itWarm = 0;
    let itCold = 0;
    for (let r = 0; r < 4; r++) {
      // Replication 0 carries the artifact with the iteration count; vary the draws through the CRN seed instead.
      const j = { ...job(2020, 0), crnSeed: 77 + r };
      const w = runTraffic(base, inputs, j, createRng(r));
      const c = runTraffic(cold, inputs, j, createRng(r));
      expect(value(w, 'traffic.relativeGap')).toBeLessThanOrEqual(base.assignment.targetGap);
      expect(Math.abs(value(w, 'traffic.vhtVehH') / value(c, 'traffic.vhtVehH') - 1)).toBeLessThan(2e-3);
      expect(Math.abs(value(w, 'traffic.vktVehKm') / value(c, 'traffic.vktVehKm') - 1)).toBeLessThan(2e-3);
      itWarm += iters(w);
      itCold += iters(c);
    }
    expect(itWarm).toBeLessThan(0.85 * itCold);
    // A fresh worker (new inputs, empty caches) that ran other years first gives the same bits.
    const fresh = loadTrafficInputs(base);
    runTraffic(base, fresh, job(2021, 3), createRng(5));
    const again = runTraffic(base, fresh, { ...job(2020, 0), crnSeed: 77 }, createRng(0));
    const first = runTraffic(base, inputs, { ...job(2020, 0), crnSeed: 77 }, createRng(0));
    expect(again.series).toEqual(first.series);
  });
});
