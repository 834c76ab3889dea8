import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WEATHER_DIR } from './weather-dir.ts';
import { createRng } from '../lib/rng.ts';
import {
  GREENHOUSE_TYPES,
  MANUAL_RULES,
  SMART_RULES,
  allocClimate,
  buildKernel,
  deriveClimateParams,
  simulateClimate,
} from './climate.ts';
import { CUCUMBER_WINTER_SPRING, TOMATO_LONG_SEASON, runCrop } from './crop.ts';
import {
  adoptionShare,
  greenhouseModel,
  greenhouseParamsSchema,
  loadGreenhouseInputs,
  runGreenhouse,
} from './index.ts';
import { WeatherGenerator, allocDaily, allocHourly, toHourly } from './weather.ts';

const inputs = loadGreenhouseInputs(greenhouseParamsSchema.parse({}));
const job = (year: number, replication = 1) => ({
  model: 'greenhouse',
  years: [year],
  replication,
  attempt: 1,
  seed: 0,
});
const value = (out: ReturnType<typeof runGreenhouse>, metric: string, entity = 'city'): number => {
  const s = out.series.find((x) => x.metric === metric && x.entity === entity);
  if (!s) throw new Error(`no series ${metric} ${entity}`);
  return s.values[0] as number;
};
const runWith = (weather: Record<string, unknown>, seed: number, year = 2019) => {
  const p = greenhouseParamsSchema.parse({ weather });
  return runGreenhouse(p, loadGreenhouseInputs(p), job(year), createRng(seed));
};

describe('engine contract', () => {
  it('schema: defaults apply, unknown keys are errors at every level', () => {
    const p = greenhouseParamsSchema.parse({});
    expect(p.smart.adoptionByYear['2021']).toBe(0.15);
    expect(greenhouseParamsSchema.safeParse({ smart: { adoptionByYear: {}, foo: 1 } }).success).toBe(false);
    expect(greenhouseParamsSchema.safeParse({ sites: { 'site:gaoqing': { typeMix: { glass: 1 } } } }).success).toBe(
      false,
    );
    expect(greenhouseModel.grain).toBe('year');
  });
  it('a type mix that does not sum to 1 is rejected by the schema, naming the field', () => {
    const r = greenhouseParamsSchema.safeParse({
      sites: {
        'site:gaoqing': { typeMix: { 'shouguang-earth-wall': 0.5, 'insulated-brick': 0.1, 'simple-earth': 0.1 } },
      },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['sites', 'site:gaoqing', 'typeMix']);
    expect(r.error!.issues[0]!.message).toMatch(/must sum to 1/);
  });
  it('emits yield per m² for the city and every site, smart share, production; same seed → same output', () => {
    const p = greenhouseParamsSchema.parse({});
    const a = runGreenhouse(p, inputs, job(2020), createRng(42));
    const b = runGreenhouse(p, inputs, job(2020), createRng(42));
    expect(a.series).toEqual(b.series);
    for (const e of ['city', 'site:linzi-huangcheng', 'site:gaoqing', 'site:zichuan-zhaili']) {
      const y = value(a, 'greenhouse.yieldKgPerM2', e);
      expect(y).toBeGreaterThan(3);
      expect(y).toBeLessThan(20);
    }
    expect(value(a, 'greenhouse.smartShare')).toBe(0.1);
    expect(a.series.every((s) => s.periods.length === 1 && s.periods[0] === '2020')).toBe(true);
    // production = yield × area (Linzi: 500 × 800 m²)
    expect(value(a, 'greenhouse.productionT', 'site:linzi-huangcheng')).toBeCloseTo(
      (value(a, 'greenhouse.yieldKgPerM2', 'site:linzi-huangcheng') * 400000) / 1000,
      6,
    );
  });
  it('replication 0 carries the hourly representative-day artifact (24 h inside temperature and PAR per site, manual vs smart)', () => {
    const out = runGreenhouse(greenhouseParamsSchema.parse({}), inputs, job(2019, 0), createRng(1));
    const day = (out.artifacts as any).greenhouseDay;
    expect(day.sites).toHaveLength(3);
    for (const s of day.sites) {
      expect(s.manual.tinC).toHaveLength(24);
      expect(s.smart.parUmol).toHaveLength(24);
      expect(Math.max(...s.smart.parUmol)).toBeGreaterThan(0);
      expect(s.smart.parUmol[2]).toBe(0);
    }
    expect(
      runGreenhouse(greenhouseParamsSchema.parse({}), inputs, job(2019, 3), createRng(1)).artifacts,
    ).toBeUndefined();
  });
  it('adoption steps: missing years take the last earlier value', () => {
    expect(adoptionShare({ '2017': 0.1, '2019': 0.3 }, 2018)).toBe(0.1);
    expect(adoptionShare({ '2017': 0.1, '2019': 0.3 }, 2021)).toBe(0.3);
    expect(adoptionShare({ '2018': 0.1 }, 2017)).toBe(0);
  });
});

describe('real weather replay', () => {
  it('a NASA POWER daily file drives the model (no RNG use), and a missing file is a clear error', () => {
    const g = new WeatherGenerator();
    const w = g.generate(createRng(3), 213, allocDaily(365));
    const rows = ['-BEGIN HEADER-', 'test', '-END HEADER-', 'YEAR,MO,DY,T2M_MAX,T2M_MIN,ALLSKY_SFC_SW_DWN,PRECTOTCORR'];
    for (let k = 0; k < 365; k++) {
      const d = new Date(Date.UTC(2018, 7, 1 + k));
      rows.push(
        `${d.getUTCFullYear()},${d.getUTCMonth() + 1},${d.getUTCDate()},${w.tmaxC[k].toFixed(2)},${w.tminC[k].toFixed(2)},${w.sradMJPerM2[k].toFixed(3)},${w.wet[k] ? 2 : 0}`,
      );
    }
    // Weather files are read only from data/weather/ and named relative to it.
    const file = `test-power-${process.pid}.csv`;
    writeFileSync(path.join(WEATHER_DIR, file), rows.join('\n'));
    onTestFinished(() => rmSync(path.join(WEATHER_DIR, file), { force: true }));
    const p = greenhouseParamsSchema.parse({ weather: { source: 'nasa-power', file } });
    const inp = loadGreenhouseInputs(p);
    const a = runGreenhouse(p, inp, job(2019), createRng(1));
    const b = runGreenhouse(p, inp, job(2019), createRng(999));
    expect(a.series).toEqual(b.series); // replay: the weather comes from the file, not the RNG
    const y = value(a, 'greenhouse.yieldKgPerM2');
    expect(y).toBeGreaterThan(5);
    expect(y).toBeLessThan(15);
    expect(() => runGreenhouse(p, inp, job(2021), createRng(1))).toThrow(/no weather for 2020-08-01/);
    expect(() =>
      loadGreenhouseInputs(greenhouseParamsSchema.parse({ weather: { source: 'epw', file: 'nope.epw' } })),
    ).toThrow(/greenhouse\.weather\.file: no file "nope\.epw" in data\/weather\//);
  });
});

describe('what-ifs move in the right direction (same weather seeds)', () => {
  it('faster IoT adoption raises city yield; full adoption gives exactly the smart gain', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const pb = greenhouseParamsSchema.parse({});
      const pf = greenhouseParamsSchema.parse({ smart: { adoptionByYear: { '2017': 1 } } });
      const b = runGreenhouse(pb, inputs, job(2021), createRng(seed));
      const f = runGreenhouse(pf, inputs, job(2021), createRng(seed));
      expect(value(f, 'greenhouse.yieldKgPerM2')).toBeGreaterThan(value(b, 'greenhouse.yieldKgPerM2'));
      const p0 = greenhouseParamsSchema.parse({ smart: { adoptionByYear: { '2017': 0 } } });
      const z = runGreenhouse(p0, inputs, job(2021), createRng(seed));
      expect(value(f, 'greenhouse.yieldKgPerM2') / value(z, 'greenhouse.yieldKgPerM2') - 1).toBeCloseTo(
        value(z, 'greenhouse.smartGainPct') / 100,
        9,
      );
    }
  });
  it('a deep overcast cold wave raises cold damage and frost losses; a heat wave lowers yield', () => {
    let cold = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const b = runWith({}, seed, 2021);
      const c = runWith(
        { coldWave: { enabled: true, years: [2021], depthC: 12, lengthDays: 7, overcast: true } },
        seed,
        2021,
      );
      expect(value(c, 'greenhouse.coldDamageDays')).toBeGreaterThan(value(b, 'greenhouse.coldDamageDays'));
      expect(value(c, 'greenhouse.frostLossShare')).toBeGreaterThanOrEqual(value(b, 'greenhouse.frostLossShare'));
      cold += value(c, 'greenhouse.frostLossShare');
      const h = runWith(
        { heatWave: { enabled: true, years: [2021], startDoy: 120, lengthDays: 20, amplitudeC: 8 } },
        seed,
        2021,
      );
      expect(value(h, 'greenhouse.yieldKgPerM2')).toBeLessThan(value(b, 'greenhouse.yieldKgPerM2'));
    }
    expect(cold).toBeGreaterThan(0);
  });
  it('cheaper greenhouses yield less and suffer more cold damage', () => {
    const cheap = greenhouseParamsSchema.parse({
      sites: {
        'site:linzi-huangcheng': {
          typeMix: { 'shouguang-earth-wall': 0.2, 'insulated-brick': 0, 'simple-earth': 0.8 },
        },
      },
    });
    const ic = loadGreenhouseInputs(cheap);
    const p = greenhouseParamsSchema.parse({});
    for (let seed = 1; seed <= 3; seed++) {
      const b = runGreenhouse(p, inputs, job(2019), createRng(seed));
      const c = runGreenhouse(cheap, ic, job(2019), createRng(seed));
      expect(value(c, 'greenhouse.yieldKgPerM2', 'site:linzi-huangcheng')).toBeLessThan(
        value(b, 'greenhouse.yieldKgPerM2', 'site:linzi-huangcheng'),
      );
      expect(value(c, 'greenhouse.coldDamageDays', 'site:linzi-huangcheng')).toBeGreaterThan(
        value(b, 'greenhouse.coldDamageDays', 'site:linzi-huangcheng'),
      );
    }
  });
});

describe('irrigation acts through the SIMPLE water module', () => {
  it('sensor refills use less water than the fixed schedule; withholding water stresses the crop and lowers yield', () => {
    const g = new WeatherGenerator();
    const w = g.generate(createRng(8), 213, allocDaily(365));
    const h = toHourly(w, 36.8, allocHourly(365));
    const cl = simulateClimate(
      buildKernel(deriveClimateParams(GREENHOUSE_TYPES['shouguang-earth-wall'])),
      MANUAL_RULES,
      { doy: w.doy, wet: w.wet, toutC: h.tempC, ghiWPerM2: h.ghiWPerM2 },
      allocClimate(365),
    );
    const man = inputs.water.manual;
    const a = runCrop(TOMATO_LONG_SEASON, cl, 410, man);
    const s = runCrop(TOMATO_LONG_SEASON, cl, 410, inputs.water.smart);
    expect(s.irrigationMm).toBeLessThan(a.irrigationMm);
    expect(s.drainageMm).toBeLessThan(a.drainageMm);
    expect(Math.abs(s.yieldKgPerM2 / a.yieldKgPerM2 - 1)).toBeLessThan(0.02);
    const dry = runCrop(TOMATO_LONG_SEASON, cl, 410, { ...man, warmAmountMm: 5, coldAmountMm: 3 });
    expect(dry.waterStressDays).toBeGreaterThan(30);
    expect(dry.yieldKgPerM2).toBeLessThan(0.8 * a.yieldKgPerM2);
    expect(runCrop(TOMATO_LONG_SEASON, cl, 410).irrigationMm).toBe(0);
  });
});

describe('property tests (monotone physical responses)', () => {
  const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
  it('more radiation never lowers yield: crop model on a fixed inside climate, canopy radiation × 0.5…1.5', () => {
    const g = new WeatherGenerator();
    const k = buildKernel(deriveClimateParams(GREENHOUSE_TYPES['shouguang-earth-wall']));
    for (const seed of seeds) {
      const w = g.generate(createRng(seed), 213, allocDaily(365));
      const h = toHourly(w, 36.8, allocHourly(365));
      const cl = simulateClimate(
        k,
        seed % 2 ? MANUAL_RULES : SMART_RULES,
        { doy: w.doy, wet: w.wet, toutC: h.tempC, ghiWPerM2: h.ghiWPerM2 },
        allocClimate(365),
      );
      const base = Float64Array.from(cl.canopyMJPerM2);
      for (const crop of [TOMATO_LONG_SEASON, CUCUMBER_WINTER_SPRING]) {
        let prev = -1;
        for (const f of [0.5, 0.75, 1, 1.25, 1.5]) {
          for (let i = 0; i < 365; i++) cl.canopyMJPerM2[i] = base[i] * f;
          const y = runCrop(crop, cl, 410).yieldKgPerM2;
          expect(y).toBeGreaterThanOrEqual(prev);
          prev = y;
        }
        cl.canopyMJPerM2.set(base);
      }
    }
  });
  it('more radiation never lowers yield: whole chain (weather → climate → crops), radiation × 0.7…1.15', () => {
    // Beyond ≈ +15 % the extra heat (no shade screen in the model) brings heat stress and faster development in
    // August/September and June, and yield can fall — see README "Known limits".
    for (const seed of seeds.slice(0, 6)) {
      let prev = -1;
      for (const f of [0.7, 0.85, 1, 1.15]) {
        const y = value(runWith({ radiationFactor: f }, seed), 'greenhouse.yieldKgPerM2');
        expect(y).toBeGreaterThanOrEqual(prev);
        prev = y;
      }
    }
  });
  it('a colder winter never raises yield (winter shift +2 … −6 °C)', () => {
    for (const seed of seeds.slice(0, 6)) {
      let prev = Infinity;
      for (const s of [2, 0, -2, -4, -6]) {
        const y = value(runWith({ winterShiftC: s }, seed), 'greenhouse.yieldKgPerM2');
        expect(y).toBeLessThanOrEqual(prev);
        prev = y;
      }
    }
  });
  it('a better-insulated blanket never lowers the night minimum (every night Oct–Apr, random weather, same rules)', () => {
    // Same control on both sides; smart night venting is switched off here because it deliberately holds nights at
    // its 18 °C setpoint (a controlled variable, not an insulation outcome).
    const g = new WeatherGenerator();
    for (const rules of [MANUAL_RULES, { ...SMART_RULES, smartNightVentC: 60 }]) {
      for (const seed of seeds.slice(0, 4)) {
        const w = g.generate(createRng(seed), 213, allocDaily(365));
        const h = toHourly(w, 36.8, allocHourly(365));
        let prev: Float64Array | null = null;
        for (const u of [2.5, 1.8, 1.3, 0.9]) {
          const k = buildKernel(
            deriveClimateParams({ ...GREENHOUSE_TYPES['shouguang-earth-wall'], blanketUWPerM2K: u }),
          );
          const cl = simulateClimate(
            k,
            rules,
            { doy: w.doy, wet: w.wet, toutC: h.tempC, ghiWPerM2: h.ghiWPerM2 },
            allocClimate(365),
          );
          if (prev) for (let i = 60; i < 260; i++) expect(cl.tinNightMinC[i]).toBeGreaterThanOrEqual(prev[i] - 1e-9);
          prev = Float64Array.from(cl.tinNightMinC);
        }
      }
    }
  });
});
