/**
 * The Zibo greenhouse model run by the engine: per harvest year and weather replication, the greenhouse clusters'
 * production under manual and smart control. Reuse: weather is drawn once per (year, replication); the climate is
 * simulated once per (site temperature offset × design × control) and the crops once per climate, then scaled by
 * greenhouse counts — every greenhouse of one design, site and control sees the same weather and rules, so
 * simulating each of them separately would give identical numbers (README "Reuse").
 */
import { readFileSync } from 'node:fs';
import { loadSites } from '../../data/index.ts';
import type { JobSpec, ModelOutput, Rng, SeriesOut } from '../types.ts';
import {
  MANUAL_RULES,
  SMART_RULES,
  allocClimate,
  buildKernel,
  deriveClimateParams,
  simulateClimate,
  type ClimateDaily,
  type ClimateKernel,
  type ControlRules,
} from './climate.ts';
import {
  CUCUMBER_WINTER_SPRING,
  TOMATO_LONG_SEASON,
  runCrop,
  type CropResult,
  type GreenhouseCrop,
  type WaterOptions,
} from './crop.ts';
import { DESIGN_IDS, type DesignId, type GreenhouseParams } from './params.ts';
import {
  WeatherGenerator,
  allocDaily,
  allocHourly,
  solarDays,
  toHourly,
  ZIBO_LAT_DEG,
  type DailyWeather,
  type HourlyWeather,
  type SolarDays,
  type WeatherShocks,
} from './weather.ts';
import {
  epwSeasonHourly,
  parseEpw,
  parseNasaPowerCsv,
  toSeason,
  type DatedDaily,
  type EpwWeather,
} from './weather-files.ts';
import { resolveWeatherFile } from './weather-dir.ts';

/** A greenhouse cluster with its stock. */
export interface SiteStock {
  id: string;
  name: string;
  lon: number;
  lat: number;
  greenhouses: number;
  areaM2: number;
  typeMix: Record<DesignId, number>;
  cropMix: { tomato: number; cucumber: number };
  tempOffsetC: number;
}

/** Worker inputs: sites, per-design kernels, crops, rule sets, and real weather if a file was given. */
export interface GreenhouseInputs {
  sites: SiteStock[];
  kernels: Record<DesignId, ClimateKernel>;
  rules: { manual: ControlRules; smart: ControlRules };
  crops: { tomato: GreenhouseCrop; cucumber: GreenhouseCrop };
  water: { manual: WaterOptions; smart: WaterOptions };
  realDaily: DatedDaily | null;
  epw: EpwWeather | null;
  /** The calibrated generator (its daily climatology takes ~2 ms to build: once per worker, not per job). */
  weather: WeatherGenerator;
  /** Solar geometry by day of year at Zibo for the hourly disaggregation (~1 ms to build: once per worker). */
  solar: SolarDays;
}

const sIdx = (doy: number): number => (doy - 213 + 365) % 365;

/**
 * Read sites (data/zibo/sites.json via data/index.ts) and the optional weather file; build kernels and crops.
 * Throws naming the scenario field when a site id is unknown or a mix does not sum to 1.
 * @example
 * import { greenhouseParamsSchema } from './params.ts';
 * // The defaults: three sites, the weather generator (no real weather file).
 * const inputs = loadGreenhouseInputs(greenhouseParamsSchema.parse({}));
 * inputs.sites.map((s) => s.id) // => ['site:linzi-huangcheng', 'site:gaoqing', 'site:zichuan-zhaili']
 * [inputs.realDaily, inputs.epw] // => [null, null]
 */
export function loadGreenhouseInputs(p: GreenhouseParams): GreenhouseInputs {
  const known = new Map(
    loadSites()
      .filter((s) => s.kind === 'greenhouse')
      .map((s) => [s.id, s]),
  );
  const sites: SiteStock[] = [];
  for (const [id, st] of Object.entries(p.sites)) {
    const s = known.get(id);
    if (!s)
      throw new Error(
        `greenhouse.sites.${id}: no greenhouse site with this id in data/zibo/sites.json (known: ${[...known.keys()].join(', ')})`,
      );
    const tm = Object.values(st.typeMix).reduce((a, b) => a + b, 0);
    if (Math.abs(tm - 1) > 1e-6)
      throw new Error(`greenhouse.sites.${id}.typeMix: shares sum to ${tm.toFixed(4)}, must be 1`);
    const cm = st.cropMix.tomato + st.cropMix.cucumber;
    if (Math.abs(cm - 1) > 1e-6)
      throw new Error(`greenhouse.sites.${id}.cropMix: shares sum to ${cm.toFixed(4)}, must be 1`);
    sites.push({
      id,
      name: s.name,
      lon: s.lon,
      lat: s.lat,
      greenhouses: st.greenhouses,
      areaM2: st.greenhouses * st.areaPerGreenhouseM2,
      typeMix: st.typeMix,
      cropMix: st.cropMix,
      tempOffsetC: st.tempOffsetC,
    });
  }
  const kernels = {} as Record<DesignId, ClimateKernel>;
  for (const id of DESIGN_IDS) kernels[id] = buildKernel(deriveClimateParams({ id, ...p.designs[id] }));
  const common = { blanketFromDoy: p.blanketSeason.fromDoy, blanketToDoy: p.blanketSeason.toDoy };
  const manual: ControlRules = {
    ...MANUAL_RULES,
    ...common,
    manualVentHalfC: p.manual.ventHalfC,
    manualVentFullC: p.manual.ventFullC,
    manualVentCloseC: p.manual.ventCloseC,
    manualCheckH: p.manual.checkIntervalH,
  };
  const smart: ControlRules = {
    ...SMART_RULES,
    ...common,
    smartVentC: p.smart.ventDayC,
    smartNightVentC: p.smart.ventNightC,
    smartBlanketRatio: p.smart.blanketRatio,
  };
  const ct = p.crops.tomato;
  const cc = p.crops.cucumber;
  const tomato: GreenhouseCrop = {
    ...TOMATO_LONG_SEASON,
    tsum: ct.tsum,
    hi: ct.hi,
    fruitDmc: ct.fruitDmc,
    marketableShare: ct.marketableShare,
    transplantIndex: sIdx(ct.transplantDoy),
    endIndex: sIdx(ct.pulloutDoy),
  };
  const cucumber: GreenhouseCrop = {
    ...CUCUMBER_WINTER_SPRING,
    tsum: cc.tsum,
    hi: cc.hi,
    fruitDmc: cc.fruitDmc,
    marketableShare: cc.marketableShare,
    transplantIndex: sIdx(cc.transplantDoy),
    endIndex: sIdx(cc.pulloutDoy),
  };
  for (const [name, c] of [
    ['tomato', tomato],
    ['cucumber', cucumber],
  ] as const)
    if (c.endIndex <= c.transplantIndex)
      throw new Error(
        `greenhouse.crops.${name}: pulloutDoy must come after transplantDoy within the season 1 Aug … 31 Jul`,
      );
  let realDaily: DatedDaily | null = null;
  let epw: EpwWeather | null = null;
  if (p.weather.source !== 'generator') {
    if (!p.weather.file)
      throw new Error(`greenhouse.weather.file: required when weather.source is "${p.weather.source}"`);
    const resolved = resolveWeatherFile(p.weather.file);
    if (resolved.error !== undefined) throw new Error(resolved.error);
    const text = readFileSync(resolved.file, 'utf8');
    if (p.weather.source === 'nasa-power') realDaily = parseNasaPowerCsv(text, p.weather.file);
    else {
      epw = parseEpw(text, p.weather.file);
      realDaily = epw.daily;
    }
  }
  const ir = p.irrigation;
  const soil = { awc: ir.awc, rootZoneMm: ir.rootZoneMm, ddc: ir.drainage, wuc: 0.096 };
  const wManual: WaterOptions = {
    ...soil,
    mode: 'interval',
    coldIntervalDays: ir.manualColdIntervalDays,
    coldAmountMm: ir.manualColdAmountMm,
    warmIntervalDays: ir.manualWarmIntervalDays,
    warmAmountMm: ir.manualWarmAmountMm,
    sensorDepletion: ir.smartRefillDepletion,
  };
  const water = { manual: wManual, smart: { ...wManual, mode: 'sensor' as const } };
  return {
    sites,
    kernels,
    rules: { manual, smart },
    crops: { tomato, cucumber },
    water,
    realDaily,
    epw,
    weather: new WeatherGenerator(),
    solar: solarDays(ZIBO_LAT_DEG),
  };
}

/**
 * Smart adoption share for a harvest year: the value of that year, else of the last earlier year given, else 0.
 * @example adoptionShare({ '2017': 0.1, '2019': 0.3 }, 2018) // => 0.1
 */
export function adoptionShare(byYear: Record<string, number>, year: number): number {
  let best = -Infinity;
  let v = 0;
  for (const [k, s] of Object.entries(byYear)) {
    const y = Number(k);
    if (y <= year && y > best) {
      best = y;
      v = s;
    }
  }
  return v;
}

/** Season buffers of a job (daily weather, shifted copy, hourly weather, daily climate, ~0.2 MB). */
interface JobScratch {
  base: DailyWeather;
  shifted: DailyWeather;
  hourly: HourlyWeather;
  cl: ClimateDaily;
}

/**
 * Per-worker job buffers, keyed on the inputs object like the weather generator: every job overwrites what it
 * reads (weather and hourly arrays in full, climate days up to the last one it reads), so reusing them changes no
 * result and saves allocating and collecting ~0.2 MB per job.
 */
const scratchByInputs = new WeakMap<GreenhouseInputs, JobScratch>();
function jobScratch(inputs: GreenhouseInputs): JobScratch {
  let s = scratchByInputs.get(inputs);
  if (!s) {
    s = { base: allocDaily(365), shifted: allocDaily(365), hourly: allocHourly(365), cl: allocClimate(365) };
    scratchByInputs.set(inputs, s);
  }
  return s;
}

/** Results of one design × control climate and its two crops. */
interface Cell {
  tomato: CropResult;
  cucumber: CropResult;
  janMinC: number;
  trace: { tinC: number[]; parUmol: number[]; toutC: number[]; blanketOpen: number[] } | null;
}

/**
 * One job: harvest year `job.years[0]`, weather replication `job.replication`.
 * @example
 * import { greenhouseParamsSchema } from './params.ts';
 * import { createRng } from '../lib/rng.ts';
 * const params = greenhouseParamsSchema.parse({}); const inputs = loadGreenhouseInputs(params);
 * const job = { model: 'greenhouse', years: [2019], replication: 0, attempt: 1, seed: 1 };
 * const out = runGreenhouse(params, inputs, job, createRng(1));
 * const city = (id) => out.series.find((s) => s.metric === id && s.entity === 'city').values[0];
 * [city('greenhouse.yieldKgPerM2').toFixed(2), city('greenhouse.smartShare')] // => ['9.45', 0.06]
 */
export function runGreenhouse(p: GreenhouseParams, inputs: GreenhouseInputs, job: JobSpec, rng: Rng): ModelOutput {
  const year = job.years[0];
  const period = String(year);
  const scratch = jobScratch(inputs);
  const base = scratch.base;
  if (inputs.realDaily) toSeason(inputs.realDaily, year, base, inputs.epw !== null);
  else {
    const shocks: WeatherShocks = { winterShiftC: p.weather.winterShiftC, radiationFactor: p.weather.radiationFactor };
    const cw = p.weather.coldWave;
    if (cw.enabled && cw.years.includes(year))
      shocks.coldWave = { startDoy: cw.startDoy, lengthDays: cw.lengthDays, depthC: cw.depthC, overcast: cw.overcast };
    const hw = p.weather.heatWave;
    if (hw.enabled && hw.years.includes(year))
      shocks.heatWave = { startDoy: hw.startDoy, lengthDays: hw.lengthDays, amplitudeC: hw.amplitudeC };
    inputs.weather.generate(rng, 213, base, shocks);
  }
  const smartShare = adoptionShare(p.smart.adoptionByYear, year);
  const wantTrace = job.replication === 0;
  const traceIdx = sIdx(p.representativeDoy);
  const co2Smart = p.smart.co2EnrichmentPpm > 0 ? Math.max(p.co2AmbientPpm, p.smart.co2EnrichmentPpm) : p.co2AmbientPpm;
  // Climate per distinct temperature offset × design × control; cached in this job only.
  const cache = new Map<string, Cell>();
  const shifted = scratch.shifted;
  const hourly = scratch.hourly;
  const cl: ClimateDaily = scratch.cl;
  // The climate is read up to the last pull-out (crops), January (janInsideMinC) and the traced day: later days
  // (July with the default pull-out on 30 June) are not simulated, nor the diagnostics no output reads (night
  // minimum, blanket hours, ventilation loss); what is read is bit-identical to a full season.
  const climateDays = Math.min(
    365,
    Math.max(inputs.crops.tomato.endIndex, inputs.crops.cucumber.endIndex, sIdx(31), wantTrace ? traceIdx : 0) + 1,
  );
  const cellFor = (offset: number, design: DesignId, smart: boolean): Cell => {
    const key = `${offset}|${design}|${smart ? 's' : 'm'}`;
    let c = cache.get(key);
    if (c) return c;
    prepareHourly(offset);
    simulateClimate(
      inputs.kernels[design],
      smart ? inputs.rules.smart : inputs.rules.manual,
      {
        doy: shifted.doy,
        wet: shifted.wet,
        toutC: hourly.tempC,
        ghiWPerM2: hourly.ghiWPerM2,
        traceDay: wantTrace ? traceIdx : -1,
        days: climateDays,
        diagnostics: false,
      },
      cl,
    );
    let jan = 0;
    for (let d = 1; d <= 31; d++) jan += cl.tinMinC[sIdx(d)];
    const co2 = smart ? co2Smart : p.co2AmbientPpm;
    c = {
      tomato: runCrop(inputs.crops.tomato, cl, co2, smart ? inputs.water.smart : inputs.water.manual),
      cucumber: runCrop(inputs.crops.cucumber, cl, co2, smart ? inputs.water.smart : inputs.water.manual),
      janMinC: jan / 31,
      trace: wantTrace
        ? {
            tinC: Array.from(cl.traceTinC),
            parUmol: Array.from(cl.traceParUmol),
            toutC: Array.from(cl.traceToutC),
            blanketOpen: Array.from(cl.traceBlanketOpen),
          }
        : null,
    };
    cache.set(key, c);
    return c;
  };
  let preparedOffset = NaN;
  function prepareHourly(offset: number): void {
    if (offset === preparedOffset) return;
    for (let i = 0; i < 365; i++) {
      shifted.doy[i] = base.doy[i];
      shifted.tmaxC[i] = base.tmaxC[i] + offset;
      shifted.tminC[i] = base.tminC[i] + offset;
      shifted.sradMJPerM2[i] = base.sradMJPerM2[i];
      shifted.wet[i] = base.wet[i];
    }
    if (inputs.epw && offset === 0) epwSeasonHourly(inputs.epw, hourly);
    else if (inputs.epw) {
      epwSeasonHourly(inputs.epw, hourly);
      for (let i = 0; i < hourly.nHours; i++) hourly.tempC[i] += offset;
    } else toHourly(shifted, ZIBO_LAT_DEG, hourly, inputs.solar);
    preparedOffset = offset;
  }

  const series: SeriesOut[] = [];
  const push = (metric: string, entity: string, value: number): void => {
    series.push({ metric, entity, periods: [period], values: [value] });
  };
  let cityKg = 0;
  let cityArea = 0;
  let cityKgManual = 0;
  let cityKgSmart = 0;
  let cityCold = 0;
  let cityFrost = 0;
  let cityJan = 0;
  let cityGh = 0;
  let cityWaterManual = 0;
  let cityWaterSmart = 0;
  const cropKg = { tomato: 0, cucumber: 0 };
  const cropArea = { tomato: 0, cucumber: 0 };
  // Harvest timing: area-weighted days from transplanting to the first and to the last picking.
  const firstPick = { tomato: 0, cucumber: 0 };
  const lastPick = { tomato: 0, cucumber: 0 };
  const pickArea = { tomato: 0, cucumber: 0 };
  const artifactSites: unknown[] = [];
  for (const s of inputs.sites) {
    const area = s.areaM2;
    let kgManualPerM2 = 0; // yield per m² if every greenhouse were manual (mix-weighted)
    let kgSmartPerM2 = 0;
    let waterManual = 0;
    let waterSmart = 0;
    let cold = 0;
    let frost = 0;
    let jan = 0;
    let domDesign: DesignId = DESIGN_IDS[0];
    // Winter–spring cucumber needs warm nights the low-cost design cannot hold (its January minimum is ~4 °C):
    // growers put cucumber in the better houses, so the site's cucumber area is spread over the other designs.
    const warmShare = 1 - s.typeMix['simple-earth'];
    const cucWarm = warmShare > 0 ? Math.min(1, s.cropMix.cucumber / warmShare) : 0;
    for (const d of DESIGN_IDS) {
      const tshare = s.typeMix[d];
      if (tshare > s.typeMix[domDesign]) domDesign = d;
      if (tshare <= 0) continue;
      const cuc =
        d === 'simple-earth'
          ? warmShare > 0
            ? Math.max(0, s.cropMix.cucumber - warmShare) / s.typeMix[d]
            : s.cropMix.cucumber
          : cucWarm;
      const mix = { tomato: 1 - cuc, cucumber: cuc };
      for (const smart of [false, true]) {
        const cs = smart ? smartShare : 1 - smartShare;
        const cell = cellFor(s.tempOffsetC, d, smart);
        for (const crop of ['tomato', 'cucumber'] as const) {
          const w = tshare * mix[crop];
          if (w <= 0) continue;
          const r = cell[crop];
          if (smart) {
            kgSmartPerM2 += w * r.yieldKgPerM2;
            waterSmart += w * r.irrigationMm;
          } else {
            kgManualPerM2 += w * r.yieldKgPerM2;
            waterManual += w * r.irrigationMm;
          }
          cold += cs * w * r.coldDamageDays;
          frost += cs * w * (r.frostKilled ? 1 : 0);
          cropKg[crop] += area * cs * w * r.yieldKgPerM2;
          cropArea[crop] += area * cs * w;
          if (r.firstHarvestIndex >= 0) {
            const t0 = inputs.crops[crop].transplantIndex;
            firstPick[crop] += area * cs * w * (r.firstHarvestIndex - t0);
            lastPick[crop] += area * cs * w * (r.lastHarvestIndex - t0);
            pickArea[crop] += area * cs * w;
          }
        }
        jan += cs * tshare * cell.janMinC;
      }
    }
    const yieldPerM2 = (1 - smartShare) * kgManualPerM2 + smartShare * kgSmartPerM2;
    const entity = s.id;
    push('greenhouse.yieldKgPerM2', entity, yieldPerM2);
    push('greenhouse.productionT', entity, (yieldPerM2 * area) / 1000);
    push('greenhouse.smartShare', entity, smartShare);
    push('greenhouse.smartGainPct', entity, kgManualPerM2 > 0 ? (kgSmartPerM2 / kgManualPerM2 - 1) * 100 : 0);
    push('greenhouse.coldDamageDays', entity, cold);
    push('greenhouse.frostLossShare', entity, frost);
    push('greenhouse.janInsideMinC', entity, jan);
    push('greenhouse.irrigationMm', entity, (1 - smartShare) * waterManual + smartShare * waterSmart);
    push('greenhouse.waterSavingPct', entity, waterManual > 0 ? (1 - waterSmart / waterManual) * 100 : 0);
    cityWaterManual += waterManual * area;
    cityWaterSmart += waterSmart * area;
    cityKg += yieldPerM2 * area;
    cityArea += area;
    cityKgManual += kgManualPerM2 * area;
    cityKgSmart += kgSmartPerM2 * area;
    cityCold += cold * s.greenhouses;
    cityFrost += frost * area;
    cityJan += jan * s.greenhouses;
    cityGh += s.greenhouses;
    if (wantTrace) {
      const m = cellFor(s.tempOffsetC, domDesign, false).trace!;
      const sm = cellFor(s.tempOffsetC, domDesign, true).trace!;
      artifactSites.push({
        site: s.id,
        name: s.name,
        lon: s.lon,
        lat: s.lat,
        design: domDesign,
        hours: Array.from({ length: 24 }, (_, h) => h),
        toutC: m.toutC,
        manual: { tinC: m.tinC, parUmol: m.parUmol, blanketOpen: m.blanketOpen },
        smart: { tinC: sm.tinC, parUmol: sm.parUmol, blanketOpen: sm.blanketOpen },
      });
    }
  }
  push('greenhouse.yieldKgPerM2', 'city', cityArea > 0 ? cityKg / cityArea : 0);
  push('greenhouse.productionT', 'city', cityKg / 1000);
  push('greenhouse.smartShare', 'city', smartShare);
  push('greenhouse.smartGainPct', 'city', cityKgManual > 0 ? (cityKgSmart / cityKgManual - 1) * 100 : 0);
  push('greenhouse.coldDamageDays', 'city', cityGh > 0 ? cityCold / cityGh : 0);
  push('greenhouse.frostLossShare', 'city', cityArea > 0 ? cityFrost / cityArea : 0);
  push('greenhouse.janInsideMinC', 'city', cityGh > 0 ? cityJan / cityGh : 0);
  push(
    'greenhouse.irrigationMm',
    'city',
    cityArea > 0 ? ((1 - smartShare) * cityWaterManual + smartShare * cityWaterSmart) / cityArea : 0,
  );
  push('greenhouse.waterSavingPct', 'city', cityWaterManual > 0 ? (1 - cityWaterSmart / cityWaterManual) * 100 : 0);
  for (const crop of ['tomato', 'cucumber'] as const) {
    push('greenhouse.cropYieldKgPerM2', `crop:${crop}`, cropArea[crop] > 0 ? cropKg[crop] / cropArea[crop] : 0);
    push('greenhouse.firstHarvestDays', `crop:${crop}`, pickArea[crop] > 0 ? firstPick[crop] / pickArea[crop] : 0);
    push('greenhouse.lastHarvestDays', `crop:${crop}`, pickArea[crop] > 0 ? lastPick[crop] / pickArea[crop] : 0);
  }
  const out: ModelOutput = { series };
  if (wantTrace)
    out.artifacts = {
      greenhouseDay: {
        year,
        doy: p.representativeDoy,
        note: 'hourly inside air °C and PAR at canopy µmol m⁻² s⁻¹ of the dominant design per site, manual vs smart (local solar hours)',
        sites: artifactSites,
      },
    };
  return out;
}
