import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createRng } from '../lib/rng.ts';
import type { ModelOutput } from '../types.ts';
import { hierarchyFromTree, hierarchyTotals, loadHierarchy } from '../lib/divisions.ts';
import { rolloutMetrics, rolloutModel } from './index.ts';
import { prepareRollout, runRollout } from './model.ts';
import { rolloutParamsSchema, type RolloutParams } from './params.ts';
import path from 'node:path';
import { REPO_ROOT } from '../lib/paths.mjs';

const YEARS = [2017, 2018, 2019, 2020, 2021];
const job = (seed: number, years = YEARS) => ({ model: 'rollout', years, replication: seed, attempt: 1, seed });
const small = loadHierarchy(new URL('./fixtures/small/', import.meta.url).pathname);
const zibo = loadHierarchy();
const get = (o: ModelOutput, metric: string, entity: string) => {
  const s = o.series.find((x) => x.metric === metric && x.entity === entity);
  if (!s) throw new Error(`no series ${metric} / ${entity}`);
  return s;
};
const run = (p: RolloutParams, h = zibo, seed = 1) => runRollout(p, prepareRollout(p, h), job(seed), createRng(seed));

describe('division tree', () => {
  it('the real tree has 8 counties, 88 towns and 2,931 villages; the fixture has the same shape', () => {
    expect(hierarchyTotals(zibo)).toEqual({ counties: 8, towns: 88, villages: 2931 });
    expect(hierarchyTotals(small)).toEqual({ counties: 2, towns: 6, villages: 18 });
    expect(zibo.counties.map((c) => c.code)).toEqual([
      '370302',
      '370303',
      '370304',
      '370305',
      '370306',
      '370321',
      '370322',
      '370323',
    ]);
  });
  it('names the file and the field when the tree is malformed', () => {
    expect(() => hierarchyFromTree({ code: '37', children: [] }, 'x.json')).toThrow(/x\.json: children: no city node/);
    expect(() => hierarchyFromTree({ code: '3703', children: [{ code: '12', children: [] }] }, 'x.json')).toThrow(
      /3703\.children\[0\]\.code/,
    );
  });
});

describe('rollout model outputs', () => {
  const p = rolloutParamsSchema.parse({});
  const out = run(p);

  it('emits monthly periods 2017-01 … 2021-12 and only catalogued metrics; a one-year job emits 12 months', () => {
    const s = get(out, 'extranet.liveShare', 'city');
    expect(s.periods.length).toBe(60);
    expect(s.periods[0]).toBe('2017-01');
    expect(s.periods[59]).toBe('2021-12');
    const ids = new Set(rolloutMetrics.map((m) => m.id));
    for (const x of out.series) expect(ids.has(x.metric), x.metric).toBe(true);
    const one = runRollout(p, prepareRollout(p, zibo), job(1, [2018]), createRng(1));
    expect(get(one, 'extranet.liveShare', 'city').periods).toEqual(
      Array.from({ length: 12 }, (_, i) => `2018-${String(i + 1).padStart(2, '0')}`),
    );
    // The same replication gives the same 2018 values whatever the job's years.
    expect(Array.from(get(one, 'extranet.liveShare', 'city').values)).toEqual(Array.from(s.values).slice(12, 24));
  });

  it('emits every (metric, entity) that data/plan/targets.yaml evaluates on the rollout model', () => {
    const targets = (
      parse(readFileSync(path.join(REPO_ROOT, 'data/plan/targets.yaml'), 'utf8')) as {
        targets: { model: string; metric: string; entity: string; id: string }[];
      }
    ).targets.filter((t) => t.model === 'rollout');
    expect(targets.length).toBeGreaterThan(10);
    for (const t of targets) expect(() => get(out, t.metric, t.entity), t.id).not.toThrow();
  });

  it('keeps the output to a few thousand values per job', () => {
    const n = out.series.reduce((s, x) => s + x.values.length, 0);
    expect(n).toBeGreaterThan(1000);
    expect(n).toBeLessThan(5000);
  });

  it('shares lie in [0, 1] and live/linked/connected shares never fall', () => {
    for (const s of out.series) {
      if (!s.metric.endsWith('Share')) continue;
      for (let i = 0; i < s.values.length; i++) {
        expect(s.values[i]).toBeGreaterThanOrEqual(0);
        expect(s.values[i]).toBeLessThanOrEqual(1);
        if (i > 0)
          expect(s.values[i]! + 1e-12, `${s.metric} ${s.entity} ${s.periods[i]}`).toBeGreaterThanOrEqual(
            s.values[i - 1]!,
          );
      }
    }
  });

  it('conserves nodes: per-county series add up to the city series every month', () => {
    const t = hierarchyTotals(zibo);
    const n3 = 1 + p.departments.count + t.counties + t.towns;
    const nPlat = 2 + t.counties + t.towns + t.villages;
    const lcity = get(out, 'extranet.liveShare', 'level:city').values;
    const city3 = get(out, 'extranet.liveShare', 'city').values;
    const platCity = get(out, 'platform.liveShare', 'city').values;
    const prov = get(out, 'platform.liveShare', 'level:province').values;
    const cityLvl = get(out, 'platform.liveShare', 'level:city').values;
    for (let m = 0; m < 60; m++) {
      let ext = lcity[m]! * (1 + p.departments.count);
      let plat = prov[m]! + cityLvl[m]!;
      for (const c of zibo.counties) {
        const villages = c.towns.reduce((s, x) => s + x.villages, 0);
        ext += get(out, 'extranet.liveShare', c.code).values[m]! * (1 + c.towns.length);
        plat += get(out, 'platform.liveShare', c.code).values[m]! * (1 + c.towns.length + villages);
      }
      expect(ext).toBeCloseTo(city3[m]! * n3, 6);
      expect(plat).toBeCloseTo(platCity[m]! * nPlat, 6);
    }
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const a = run(p, zibo, 5);
    const b = run(p, zibo, 5);
    const c = run(p, zibo, 6);
    expect(Array.from(get(a, 'extranet.liveShare', 'level:town').values)).toEqual(
      Array.from(get(b, 'extranet.liveShare', 'level:town').values),
    );
    expect(get(a, 'extranet.finishYear', 'city').values[0]).not.toBe(get(c, 'extranet.finishYear', 'city').values[0]);
  });

  it('finish dates agree with the monthly series (decimal year of the last node)', () => {
    const fy = get(out, 'extranet.finishYear', 'level:town').values[0]!;
    const s = get(out, 'extranet.liveShare', 'level:town');
    const firstFull = Array.from(s.values).findIndex((v) => v >= 1);
    // The month in which the share first reaches 1 contains the finish date.
    const [y, mo] = s.periods[firstFull]!.split('-').map(Number) as [number, number];
    expect(fy).toBeGreaterThan(y + (mo - 1) / 12 - 0.01);
    expect(fy).toBeLessThanOrEqual(y + mo / 12 + 0.01);
  });
});

describe('online services', () => {
  it('city items are at 100 % from end 2017 and every district is above 70 % at end 2017 (plan state)', () => {
    const p = rolloutParamsSchema.parse({});
    for (const seed of [1, 2, 3]) {
      const o = run(p, zibo, seed);
      const city = get(o, 'services.onlineShare', 'city').values;
      for (let m = 11; m < 60; m++) expect(city[m]).toBe(1);
      for (const c of zibo.counties)
        expect(get(o, 'services.onlineShare', c.code).values[11]).toBeGreaterThanOrEqual(0.7);
    }
  });
  it('the interlinked supply caps the share: with towns unlinked, a district cannot exceed the district-hall weight', () => {
    // Extranet works start only in mid-2019, so no town is linked in 2018; district halls carry 60 % of items.
    const p = rolloutParamsSchema.parse({
      startDate: '2019-06-01',
      platform: { itemWeights: { county: 0.6, town: 0.3, village: 0.1 } },
    });
    const o = run(p, zibo, 3);
    for (const c of zibo.counties) {
      const v = get(o, 'services.onlineShare', c.code).values;
      expect(v[23]).toBeLessThanOrEqual(0.6 + 1e-12);
      expect(v[59]).toBeGreaterThan(0.6);
    }
  });
  it('the linear ramp reaches 100 % at a finite date; with finite items Bass shares are whole items out of itemsPerDistrict', () => {
    const lin = run(
      rolloutParamsSchema.parse({ services: { curve: 'linear', linearRatePerYear: 0.3, districtSigma: 0 } }),
      zibo,
      4,
    );
    for (const c of zibo.counties) expect(get(lin, 'services.onlineShare', c.code).values[59]).toBe(1);
    const bass = run(rolloutParamsSchema.parse({ services: { districtSigma: 0, itemsPerDistrict: 50 } }), zibo, 4);
    for (const c of zibo.counties) {
      const v = get(bass, 'services.onlineShare', c.code).values[59]!;
      expect(Math.abs(v * 50 - Math.round(v * 50))).toBeLessThan(1e-9);
    }
  });
});

describe('crews per county', () => {
  it('a county override changes only that county, and an unknown code is an error naming the allowed codes', () => {
    const base = rolloutParamsSchema.parse({});
    const more = rolloutParamsSchema.parse({ crews: { countyOverrides: { '370323': { villagePerCounty: 12 } } } });
    const a = run(base, zibo, 8);
    const b = run(more, zibo, 8);
    expect(get(b, 'platform.finishYear', '370323').values[0]).toBeLessThan(
      get(a, 'platform.finishYear', '370323').values[0]! - 0.2,
    );
    expect(get(b, 'platform.finishYear', '370302').values[0]).toBe(get(a, 'platform.finishYear', '370302').values[0]);
    // Unknown codes are refused by the schema (validate time), naming the allowed codes.
    expect(() => rolloutParamsSchema.parse({ crews: { countyOverrides: { '370399': { perCounty: 3 } } } })).toThrow(
      /370399.*370302, 370303/,
    );
    expect(() => rolloutParamsSchema.parse({ crews: { countyOverrides: { Yiyuan: { perCounty: 3 } } } })).toThrow(
      /county code/,
    );
  });
});

describe('sharing rule switch', () => {
  it('with the rule off no task waits for the sharing platform; with it on, departments do', () => {
    const off = run(rolloutParamsSchema.parse({ sharing: { rule: 'off' } }), zibo, 2);
    expect(get(off, 'extranet.waitDays', 'cause:sharing').values[0]).toBe(0);
    const on = run(rolloutParamsSchema.parse({ sharing: { rule: 'departments' } }), zibo, 2);
    expect(get(on, 'extranet.waitDays', 'cause:sharing').values[0]).toBeGreaterThan(0);
  });
});

describe('model definition', () => {
  it('is registered-ready: id, grain run, strict schema with defaults, loadInputs reads the real tree', () => {
    expect(rolloutModel.id).toBe('rollout');
    expect(rolloutModel.grain).toBe('run');
    expect(() => rolloutParamsSchema.parse({ crews: { cities: 3 } })).toThrow();
    expect(() => rolloutParamsSchema.parse({ durationsDays: { village: { a: 5, m: 3, b: 10 } } })).toThrow(/a ≤ m ≤ b/);
    const p = rolloutParamsSchema.parse({});
    expect(rolloutModel.loadInputs(p).graph.n).toBe(2 + 60 + 16 + 176 + 2931);
  });
});

describe('finish dates are exact decimal years of the schedule', () => {
  it('the 3-level finish equals the latest of the level finishes; the admin domain finishes after the public one', () => {
    const o = run(rolloutParamsSchema.parse({}), zibo, 11);
    const f = (e: string) => get(o, 'extranet.finishYear', e).values[0]!;
    expect(f('city')).toBeCloseTo(Math.max(f('level:city'), f('level:county'), f('level:town')), 12);
    expect(Math.max(f('domain:public'), f('domain:admin'))).toBeLessThanOrEqual(f('city') + 1e-12);
    // Every node's administrative domain follows its own public domain, so the admin domain finishes last.
    expect(f('domain:admin')).toBeGreaterThanOrEqual(f('domain:public'));
  });
});
