/**
 * The `traffic-dynamic` family on the real Zibo network (data/zibo), wired to the static `traffic` model: it loads the
 * static model's OD of the same replication and year, its routes reproduce the UE link flows, the scenario files give
 * both models the same static parameters, the smart-signal what-ifs act on delay with common random numbers, and the
 * replay stays below the 50 MB budget.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../engine/scenario.ts';
import { createRng } from '../../lib/rng.ts';
import type { ModelOutput } from '../../types.ts';
import { assign } from '../assign.ts';
import { drawYear, runTraffic, ziboPeakHourCase } from '../model.ts';
import { artifactBytes, defaultDynamicParams, runDynamicPeak } from './index.ts';
import {
  dynNetworkForCase,
  periodFactor,
  periodRoutes,
  trafficDynamicModel,
  trafficDynamicParamsSchema,
  type TrafficDynamicInputs,
  type TrafficDynamicParams,
} from './model.ts';
import { buildDynNetwork, gridNetworkSpec } from './network.ts';
import { REPO_ROOT } from '../../lib/paths.mjs';

const SCENARIOS = path.join(REPO_ROOT, 'scenarios');
const job = (year: number, replication: number, seed: number) => ({
  model: 'traffic-dynamic',
  years: [year],
  replication,
  attempt: 1,
  seed,
  crnSeed: 4242 + replication,
});
const cityValue = (out: ModelOutput, id: string): number =>
  Number(out.series.find((s) => s.metric === id && s.entity === 'city')!.values[0]);
const section = (name: string): TrafficDynamicParams =>
  loadScenario(path.join(SCENARIOS, `${name}.yaml`)).scenario['traffic-dynamic'] as TrafficDynamicParams;

describe('traffic-dynamic on Zibo, wired to the static traffic model', () => {
  const p = trafficDynamicParamsSchema.parse({});
  let inputs: TrafficDynamicInputs;
  let out: ModelOutput;
  beforeAll(() => {
    inputs = trafficDynamicModel.loadInputs(p);
    out = trafficDynamicModel.run(p, inputs, job(2019, 0, 7), createRng(7));
  }, 60_000);

  it('loads exactly the static OD total of the same replication and year (common random numbers)', () => {
    const stat = runTraffic(p.traffic, inputs.static, { ...job(2019, 0, 99), model: 'traffic' }, createRng(99));
    const staticOd = cityValue(stat, 'traffic.demandVehPerH');
    expect(staticOd).toBeGreaterThan(50_000);
    expect(cityValue(out, 'traffic.peakHourOdVehPerH')).toBeCloseTo(staticOd, 6);
    // default periodTrips = peak-hour-over-period: the period's vehicles are the hour's trips, rounded once in total
    expect(Math.abs(cityValue(out, 'traffic.peakTrips') - staticOd)).toBeLessThanOrEqual(0.5);
    // a different replication draws a different demand level, in both models alike
    const stat1 = runTraffic(p.traffic, inputs.static, { ...job(2019, 1, 99), model: 'traffic' }, createRng(99));
    expect(cityValue(stat1, 'traffic.demandVehPerH')).not.toBeCloseTo(staticOd, 0);
  });

  it('routes every vehicle on the UE solution: loaded route counts reproduce the UE link flows', () => {
    const tp = p.traffic;
    const c = ziboPeakHourCase(tp, inputs.static, 2019, drawYear(tp, createRng(4242)));
    const ue = assign(
      c.net,
      c.demand,
      { algorithm: tp.assignment.algorithm, targetGap: tp.assignment.targetGap, trackOrigins: true, keepLog: false },
      inputs.static.graph,
    );
    const r = periodRoutes(
      inputs,
      c,
      dynNetworkForCase(inputs, c),
      ue.originFlow!,
      ue.cost,
      periodFactor(p),
      createRng(3),
    );
    const onLink = new Float64Array(c.net.numLinks);
    for (let k = 0; k < r.paths.veh.length; k++)
      for (let j = r.paths.start[k]!; j < r.paths.start[k + 1]!; j++) onLink[r.paths.links[j]!]! += r.paths.veh[k]!;
    let checked = 0;
    for (let a = 0; a < c.net.numLinks; a++) {
      const f = ue.flow[a]!;
      if (f < 500) continue;
      // multinomial route draws: sd ≈ √f; cumulative rounding of OD cells adds < 1 per cell
      expect(Math.abs(onLink[a]! - f)).toBeLessThan(Math.max(0.03 * f, 5 * Math.sqrt(f)));
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    expect(r.fallbackRoutes).toBeLessThan(0.001 * r.trips);
  });

  it('does not gridlock at the defaults and emits the peak indicators and top-10 bottleneck links', () => {
    expect(cityValue(out, 'traffic.peakGridlock')).toBe(0);
    // The loading runs until the network empties or 3 h after the last departure: this draw (85k trips) left 15 % on
    // the network after the old 1-hour clearance and now leaves at most a handful (README "Validation"); whatever is
    // left is reported with the link that holds it, as a warning and an artifact.
    const left = cityValue(out, 'traffic.peakUnfinished');
    expect(left).toBeLessThan(0.001 * cityValue(out, 'traffic.peakTrips'));
    if (left > 0) {
      expect(out.warnings?.[0]).toMatch(
        /the peak did not empty: \d+ vehicles .* at the cap .*(held in queues, most on link \d+|still driving .*, most on link \d+)/,
      );
      expect((out.artifacts!.unfinished as { vehicles: number }).vehicles).toBe(left);
    } else expect(out.warnings).toBeUndefined();
    for (const id of [
      'traffic.peakDelayVehH',
      'traffic.queueMinutesTop10',
      'traffic.peakMeanTravelTimeMin',
      'traffic.peakTrips',
    ]) {
      const s = out.series.find((x) => x.metric === id)!;
      expect(s.periods).toEqual(['2019']);
      expect(Number.isFinite(Number(s.values[0]))).toBe(true);
    }
    expect(cityValue(out, 'traffic.peakDelayVehH')).toBeGreaterThan(0);
    const links = out.series.filter((s) => s.metric === 'traffic.linkQueueVehMin');
    expect(links.length).toBe(10);
    expect(links.every((s) => /^link:\d+$/.test(s.entity))).toBe(true);
    const sum = links.reduce((a, s) => a + Number(s.values[0]), 0);
    expect(sum).toBeCloseTo(cityValue(out, 'traffic.queueMinutesTop10'), 6);
  });

  it('keeps the replay (and the link series) below 50 MB at the default sample share', () => {
    const replay = out.artifacts!.replay as {
      vehicle: Int32Array;
      link: Int32Array;
      enterSec: Float32Array;
      exitSec: Float32Array;
    };
    expect(replay.vehicle.length).toBeGreaterThan(1000);
    expect(artifactBytes(replay) + artifactBytes(out.artifacts!.linkSeries)).toBeLessThan(50e6);
    for (let r = 1; r < Math.min(replay.vehicle.length, 5000); r++) {
      if (replay.vehicle[r] === replay.vehicle[r - 1])
        expect(replay.enterSec[r]!).toBeCloseTo(replay.exitSec[r - 1]!, 2);
      expect(replay.exitSec[r]!).toBeGreaterThanOrEqual(replay.enterSec[r]!);
    }
  });

  it('is reproducible; with common random numbers the job seed does not change the result; params are strict', () => {
    const again = trafficDynamicModel.run(p, inputs, job(2019, 0, 12345), createRng(12345));
    expect(again.series.map((s) => Array.from(s.values))).toEqual(out.series.map((s) => Array.from(s.values)));
    expect(() => trafficDynamicParamsSchema.parse({ signals: { cycle: 90 } })).toThrow();
    expect(() => trafficDynamicParamsSchema.parse({ traffic: { demand: { peakTrips: 1 } } })).toThrow();
    expect(() => trafficDynamicParamsSchema.parse({ peakHourTripShare: 0.02 })).toThrow(); // the old duplicate demand knob is gone
  });

  it("adaptive signals lower peak delay: none (fixed) > the rollout's junctions > every junction (same draws)", () => {
    const delay = (mode: 'fixed' | 'adaptive') =>
      cityValue(
        trafficDynamicModel.run({ ...p, signals: { ...p.signals, mode } }, inputs, job(2019, 0, 7), createRng(7)),
        'traffic.peakDelayVehH',
      );
    const rollout = cityValue(out, 'traffic.peakDelayVehH');
    expect(rollout).toBeLessThan(delay('fixed'));
    expect(delay('adaptive')).toBeLessThan(rollout);
  }, 60_000);
});

describe('scenario files give traffic-dynamic the static traffic section', () => {
  it('in every scenario, traffic-dynamic.traffic equals traffic (YAML alias), so both models load the same case', () => {
    const dir = SCENARIOS;
    for (const name of ['baseline', 'fast-signals']) {
      const s = loadScenario(path.join(dir, `${name}.yaml`)).scenario;
      expect((s['traffic-dynamic'] as TrafficDynamicParams).traffic, name).toEqual(s.traffic);
    }
  });

  it('fast-signals lowers peak delay vs baseline for the same replication (common random numbers); equal in 2017', () => {
    const base = section('baseline');
    const fast = section('fast-signals');
    const inputs = trafficDynamicModel.loadInputs(base);
    const delay = (prm: TrafficDynamicParams, year: number, seed: number) =>
      cityValue(trafficDynamicModel.run(prm, inputs, job(year, 0, seed), createRng(seed)), 'traffic.peakDelayVehH');
    // 2017: both files have the same rollout; the job seeds differ (as the scenario hash makes them) but CRN makes the
    // runs identical, so the differences below are the what-if's, not sampling noise (±1 % between route samples).
    expect(delay(fast, 2017, 1)).toBe(delay(base, 2017, 2));
    // 2018 and 2019: 50 % / 100 % of signalised approaches upgraded instead of 20 % / 35 % (Zhangdian 70 / 100 vs 40 / 55)
    for (const year of [2018, 2019])
      expect(delay(fast, year, 1), String(year)).toBeLessThan(0.95 * delay(base, year, 2));
  }, 120_000);
});

describe('runDynamicPeak', () => {
  it('loads OD demand by stochastic route choice and conserves every vehicle', () => {
    const net = buildDynNetwork(
      gridNetworkSpec({ size: 6, blockM: 200, lanes: 2, freeSpeedKmPerH: 50, capacityVehPerHPerLane: 1800 }),
    );
    const od = [
      { originNode: 0, destNode: 35, veh: 900 },
      { originNode: 5, destNode: 30, veh: 700 },
      { originNode: 35, destNode: 0, veh: 400.5 },
    ];
    const res = runDynamicPeak(
      net,
      { kind: 'od', od, linkCostS: net.freeTimeS },
      { ...defaultDynamicParams(), sampleShare: 0.2 },
      createRng(3),
    );
    const L = res.loading;
    expect(L.released + L.notReleased).toBe(L.enterS.length);
    expect(L.arrived + L.onNetwork + L.waitingAtOrigin).toBe(L.released);
    expect(Math.abs(L.enterS.length - 2000.5)).toBeLessThan(60); // stochastic rounding of 2000.5 expected trips
    expect(res.indicators.arrived).toBe(L.arrived);
    expect(res.replay!.sampleShare).toBe(0.2);
  });
  it('the adaptive what-if does not increase delay on an unbalanced junction load', () => {
    const net = buildDynNetwork(
      gridNetworkSpec({ size: 4, blockM: 200, lanes: 1, freeSpeedKmPerH: 50, capacityVehPerHPerLane: 1800 }),
    );
    // heavy west→east through the middle, light north→south
    const od = [
      { originNode: 1, destNode: 13, veh: 2600 },
      { originNode: 4, destNode: 7, veh: 300 },
    ];
    const base = { ...defaultDynamicParams(), sampleShare: 0, routeChoice: { draws: 1, sigma: 0 } };
    const fixed = runDynamicPeak(net, { kind: 'od', od, linkCostS: net.freeTimeS }, base, createRng(5));
    const adaptive = runDynamicPeak(
      net,
      { kind: 'od', od, linkCostS: net.freeTimeS },
      { ...base, signals: { ...base.signals, mode: 'adaptive' } },
      createRng(5),
    );
    expect(adaptive.indicators.delayVehH).toBeLessThan(fixed.indicators.delayVehH);
    // adaptiveNode marks only some nodes: none marked = fixed, all signalised nodes marked = adaptive
    const none = runDynamicPeak(net, { kind: 'od', od, linkCostS: net.freeTimeS }, base, createRng(5), {
      adaptiveNode: new Uint8Array(net.numNodes),
    });
    const all = runDynamicPeak(net, { kind: 'od', od, linkCostS: net.freeTimeS }, base, createRng(5), {
      adaptiveNode: new Uint8Array(net.numNodes).fill(1),
    });
    expect(none.indicators.delayVehH).toBe(fixed.indicators.delayVehH);
    expect(all.indicators.delayVehH).toBe(adaptive.indicators.delayVehH);
  });
});
