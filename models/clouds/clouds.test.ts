import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/rng.ts';
import type { ModelOutput } from '../types.ts';
import { loadHierarchy } from '../lib/divisions.ts';
import { scenarioParams } from '../../engine/test/scenario-params.ts';
import { cloudsMetrics, cloudsModel } from './index.ts';
import { linearPowerW, nextCutover, prepareClouds, runClouds } from './model.ts';
import { cloudsParamsSchema, type CloudsParams } from './params.ts';

const YEARS = [2017, 2018, 2019, 2020, 2021];
const codes = loadHierarchy().counties.map((c) => c.code);
const job = (seed: number) => ({ model: 'clouds', years: YEARS, replication: seed, attempt: 1, seed });
const run = (p: CloudsParams, seed = 1) => runClouds(p, prepareClouds(p, codes), job(seed), createRng(seed));
const get = (o: ModelOutput, metric: string, entity: string) => {
  const s = o.series.find((x) => x.metric === metric && x.entity === entity);
  if (!s) throw new Error(`no series ${metric} / ${entity}`);
  return s.values;
};

describe('power model', () => {
  it('the linear model with SPECpower end points stays within 2 W of the HP ML110 G4 table at every 10 % step', () => {
    const spec = JSON.parse(
      readFileSync(new URL('./fixtures/specpower-hp-ml110-g4.json', import.meta.url), 'utf8'),
    ) as { utilisation: number[]; powerW: number[] };
    spec.utilisation.forEach((u, i) =>
      expect(Math.abs(linearPowerW(u, 86, 117) - spec.powerW[i]!)).toBeLessThanOrEqual(2),
    );
  });
});

describe('cut-over windows', () => {
  it('cut-overs fall on the chosen weekday and never in a freeze month', () => {
    const freeze = new Uint8Array(13);
    freeze[2] = 1;
    expect(nextCutover(0.5, 6, new Uint8Array(13))).toBe(6); // 2017-01-07 is a Saturday
    // 2018-01-29 (day 393) → first Saturday outside February is 2018-03-03 (day 426).
    expect(nextCutover(393, 6, freeze)).toBe(426);
    for (let d = 0; d < 2000; d += 3.7) {
      const c = nextCutover(d, 6, freeze);
      expect(c).toBeGreaterThanOrEqual(d);
      expect(c % 7).toBe(6);
      const month = new Date(Date.UTC(2017, 0, 1 + c)).getUTCMonth() + 1;
      expect(month).not.toBe(2);
    }
  });
});

describe('clouds model', () => {
  const p = cloudsParamsSchema.parse({});
  const out = run(p);

  it('emits the catalogued metrics monthly 2017-01 … 2021-12, including the target series clouds.migratedShare/city', () => {
    const ids = new Set(cloudsMetrics.map((m) => m.id));
    for (const s of out.series) expect(ids.has(s.metric), s.metric).toBe(true);
    for (const e of ['cloud:public', 'cloud:admin', 'city'])
      expect(get(out, 'clouds.migratedShare', e).length).toBe(60);
    expect(out.series.find((s) => s.metric === 'clouds.hosts')!.periods[0]).toBe('2017-01');
    const n = out.series.reduce((s, x) => s + x.values.length, 0);
    expect(n).toBeLessThan(3000);
  });

  it('conserves systems: migrated + waiting + retired = inventory; migrated counts never fall and stand-alone servers never rise', () => {
    const total = get(out, 'clouds.systems', 'city')[0]!;
    const retired = get(out, 'clouds.systems', 'retired')[0]!;
    const pub = get(out, 'clouds.systems', 'cloud:public')[0]!;
    const adm = get(out, 'clouds.systems', 'cloud:admin')[0]!;
    expect(pub + adm + retired).toBe(total);
    const mig = get(out, 'clouds.systemsMigrated', 'city');
    const legacy = get(out, 'clouds.legacyServers', 'city');
    for (let m = 1; m < 60; m++) {
      expect(mig[m]).toBeGreaterThanOrEqual(mig[m - 1]!);
      expect(legacy[m]).toBeLessThanOrEqual(legacy[m - 1]!);
      expect(mig[m]).toBeLessThanOrEqual(pub + adm);
      expect(
        get(out, 'clouds.systemsMigrated', 'cloud:public')[m]! + get(out, 'clouds.systemsMigrated', 'cloud:admin')[m]!,
      ).toBe(mig[m]);
    }
    expect(get(out, 'clouds.migratedShare', 'city')[59]).toBeCloseTo(mig[59]! / (pub + adm), 12);
  });

  it('hosts follow H = ⌈ΣvCPU/(cores·overcommit·target)⌉ + spare (fixed inventory), and energy the linear power model × PUE', () => {
    const fixed = cloudsParamsSchema.parse({
      inventory: {
        systemsPerDepartment: { a: 2, m: 2, b: 2 },
        systemsPerCounty: { a: 10, m: 10, b: 10 },
        vcpuPublic: { a: 8, m: 8, b: 8 },
        vcpuAdmin: { a: 8, m: 8, b: 8 },
        vcpuBusyShare: { a: 0.25, m: 0.25, b: 0.25 },
      },
    });
    const o = run(fixed, 3);
    const h = fixed.hosts;
    for (const e of ['cloud:public', 'cloud:admin']) {
      const migrated = get(o, 'clouds.systemsMigrated', e);
      const hosts = get(o, 'clouds.hosts', e);
      const util = get(o, 'clouds.utilisation', e);
      const kwh = get(o, 'clouds.energyKwh', e);
      for (let m = 24; m < 60; m++) {
        const vcpu = migrated[m]! * 8;
        const need =
          Math.ceil(
            Math.max(
              vcpu / (h.coresPerHost * h.cpuOvercommit * h.targetUtilisation),
              (vcpu * 2) / (h.ramGbPerHost * h.ramOvercommit * h.ramTarget),
            ) - 1e-9,
          ) + h.spareHosts;
        expect(hosts[m]).toBe(Math.max(h.minHosts, need));
        expect(util[m]).toBeCloseTo((vcpu * 0.25) / (hosts[m]! * h.coresPerHost), 12);
        const hours = new Date(Date.UTC(2017, m + 1, 0)).getUTCDate() * 24;
        expect(kwh[m]).toBeCloseTo(
          (fixed.power.cloudPue *
            hosts[m]! *
            linearPowerW(util[m]!, fixed.power.cloudIdleW, fixed.power.cloudMaxW) *
            hours) /
            1000,
          6,
        );
      }
    }
  });

  it('stand-alone servers run at or below the 5–10 % utilisation observed before the cloud (Jinan); pooled hosts run far higher', () => {
    const legacy = get(out, 'clouds.utilisation', 'standalone');
    const cloud = get(out, 'clouds.utilisation', 'city');
    expect(legacy[0]).toBeLessThanOrEqual(0.1);
    expect(legacy[0]).toBeGreaterThan(0.03);
    expect(cloud[59]).toBeGreaterThan(3 * legacy[0]!);
  });

  it('once migration and clean-up are done, spend is at least 20 % below the stand-alone counterfactual (Jinan ≥ 20 %, F)', () => {
    const fast = cloudsParamsSchema.parse({ migration: { lanesPublic: 20, lanesAdmin: 20 } });
    for (const seed of [1, 2, 3]) {
      const o = run(fast, seed);
      expect(get(o, 'clouds.migratedShare', 'city')[59]).toBe(1);
      expect(get(o, 'clouds.savingShare', 'city')[59]).toBeGreaterThanOrEqual(0.2);
    }
  });

  it('front end: workers are re-sized each January and P(wait) meets the target in January when actual growth equals the plan', () => {
    const even = cloudsParamsSchema.parse({
      frontend: { growthPerYear: { a: 0.4, m: 0.4, b: 0.4 }, plannedGrowthPerYear: 0.4 },
    });
    const o = run(even, 2);
    const c = get(o, 'clouds.frontendServers', 'city');
    const pw = get(o, 'clouds.frontendPWait', 'city');
    for (let m = 0; m < 60; m++) {
      if (m % 12 !== 0) expect(c[m]).toBe(c[m - 1]);
      // With growth as planned, the load in every month stays at or below the December load it was sized for.
      expect(pw[m]).toBeLessThanOrEqual(even.frontend.pWaitTarget + 1e-9);
    }
    expect(c[59]).toBeGreaterThan(c[0]!);
  });

  it('model definition: id clouds, grain run, strict schema, loadInputs reads the real division tree', () => {
    expect(cloudsModel.id).toBe('clouds');
    expect(cloudsModel.grain).toBe('run');
    expect(() => cloudsParamsSchema.parse({ hosts: { cores: 4 } })).toThrow();
    expect(cloudsModel.loadInputs(p).countyCodes.length).toBe(8);
  });
});

describe('what-if: migration team doubled (200 replications, same seeds)', () => {
  function summarise(name: string) {
    const p = scenarioParams(name, 'clouds', cloudsParamsSchema);
    const inputs = prepareClouds(p, codes);
    let share2019 = 0;
    let pMet = 0;
    const fin: number[] = [];
    for (let r = 0; r < 200; r++) {
      const o = runClouds(p, inputs, job(7000 + r), createRng(7000 + r));
      share2019 += get(o, 'clouds.migratedShare', 'city')[35]!;
      if (get(o, 'clouds.migratedShare', 'city')[47]! >= 1) pMet++;
      fin.push(get(o, 'clouds.finishYear', 'city')[0]!);
    }
    fin.sort((a, b) => a - b);
    return { share2019: share2019 / 200, pMet: pMet / 200, finishP50: fin[100]! };
  }
  it('moves migration forward: higher share by end 2019, P(all by end 2020) not lower, earlier finish', () => {
    const base = summarise('baseline');
    const dbl = summarise('migration-team-doubled');
    expect(dbl.share2019).toBeGreaterThan(base.share2019 + 0.1);
    expect(dbl.pMet).toBeGreaterThanOrEqual(base.pMet);
    expect(dbl.finishP50).toBeLessThan(base.finishP50 - 0.3);
  });
});
