/**
 * The `traffic-dynamic` family on the real Zibo network (data/zibo): contract checks, conservation of the loaded
 * vehicles, the adaptive-signal what-if, and the replay memory budget (< 50 MB at the default sample share).
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../lib/rng.ts';
import { artifactBytes, defaultDynamicParams, runDynamicPeak } from './index.ts';
import { trafficDynamicModel, trafficDynamicParamsSchema } from './model.ts';
import { buildDynNetwork, gridNetworkSpec } from './network.ts';

const job = { model: 'traffic-dynamic', years: [2019], replication: 0, attempt: 1, seed: 7 };

describe('traffic-dynamic on Zibo', () => {
  const p = trafficDynamicParamsSchema.parse({});
  const inputs = trafficDynamicModel.loadInputs(p);
  const out = trafficDynamicModel.run(p, inputs, job, createRng(7));
  const val = (id: string): number => Number(out.series.find((s) => s.metric === id && s.entity === 'city')!.values[0]);

  it('emits the peak indicators for the year, city-wide, and top-10 bottleneck links', () => {
    for (const id of ['traffic.peakDelayVehH', 'traffic.queueMinutesTop10', 'traffic.peakMeanTravelTimeMin', 'traffic.peakTrips']) {
      const s = out.series.find((x) => x.metric === id)!;
      expect(s.periods).toEqual(['2019']);
      expect(Number.isFinite(Number(s.values[0]))).toBe(true);
    }
    expect(val('traffic.peakTrips')).toBeGreaterThan(10000);
    expect(val('traffic.peakDelayVehH')).toBeGreaterThan(0);
    const links = out.series.filter((s) => s.metric === 'traffic.linkQueueVehMin');
    expect(links.length).toBe(10);
    expect(links.every((s) => /^link:\d+$/.test(s.entity))).toBe(true);
    // the top-10 sum is the sum of the ten link values
    const sum = links.reduce((a, s) => a + Number(s.values[0]), 0);
    expect(sum).toBeCloseTo(val('traffic.queueMinutesTop10'), 6);
  });

  it('keeps the replay (and the link series) far below 50 MB at the default sample share', () => {
    const replay = out.artifacts!.replay as { vehicle: Int32Array; link: Int32Array; enterSec: Float32Array; exitSec: Float32Array };
    expect(replay.vehicle.length).toBeGreaterThan(1000);
    expect(artifactBytes(replay) + artifactBytes(out.artifacts!.linkSeries)).toBeLessThan(50e6);
    // rows of a vehicle are in time order and chain link to link
    for (let r = 1; r < Math.min(replay.vehicle.length, 5000); r++) {
      if (replay.vehicle[r] === replay.vehicle[r - 1]) expect(replay.enterSec[r]!).toBeCloseTo(replay.exitSec[r - 1]!, 2);
      expect(replay.exitSec[r]!).toBeGreaterThanOrEqual(replay.enterSec[r]!);
    }
  });

  it('is reproducible for a seed and parameters are strict', () => {
    const again = trafficDynamicModel.run(p, inputs, job, createRng(7));
    expect(again.series.map((s) => Array.from(s.values))).toEqual(out.series.map((s) => Array.from(s.values)));
    expect(() => trafficDynamicParamsSchema.parse({ signals: { cycle: 90 } })).toThrow();
  });
});

describe('runDynamicPeak', () => {
  it('loads OD demand by stochastic route choice and conserves every vehicle', () => {
    const net = buildDynNetwork(gridNetworkSpec({ size: 6, blockM: 200, lanes: 2, freeSpeedKmPerH: 50, capacityVehPerHPerLane: 1800 }));
    const od = [
      { originNode: 0, destNode: 35, veh: 900 },
      { originNode: 5, destNode: 30, veh: 700 },
      { originNode: 35, destNode: 0, veh: 400.5 },
    ];
    const res = runDynamicPeak(net, { kind: 'od', od, linkCostS: net.freeTimeS }, { ...defaultDynamicParams(), sampleShare: 0.2 }, createRng(3));
    const L = res.loading;
    expect(L.released + L.notReleased).toBe(L.enterS.length);
    expect(L.arrived + L.onNetwork + L.waitingAtOrigin).toBe(L.released);
    expect(Math.abs(L.enterS.length - 2000.5)).toBeLessThan(60); // stochastic rounding of 2000.5 expected trips
    expect(res.indicators.arrived).toBe(L.arrived);
    expect(res.replay!.sampleShare).toBe(0.2);
  });
  it('the adaptive what-if does not increase delay on an unbalanced junction load', () => {
    const net = buildDynNetwork(gridNetworkSpec({ size: 4, blockM: 200, lanes: 1, freeSpeedKmPerH: 50, capacityVehPerHPerLane: 1800 }));
    // heavy west→east through the middle, light north→south
    const od = [
      { originNode: 1, destNode: 13, veh: 2600 },
      { originNode: 4, destNode: 7, veh: 300 },
    ];
    const base = { ...defaultDynamicParams(), sampleShare: 0, routeChoice: { draws: 1, sigma: 0 } };
    const fixed = runDynamicPeak(net, { kind: 'od', od, linkCostS: net.freeTimeS }, base, createRng(5));
    const adaptive = runDynamicPeak(net, { kind: 'od', od, linkCostS: net.freeTimeS }, { ...base, signals: { ...base.signals, mode: 'adaptive' } }, createRng(5));
    expect(adaptive.indicators.delayVehH).toBeLessThan(fixed.indicators.delayVehH);
  });
});
