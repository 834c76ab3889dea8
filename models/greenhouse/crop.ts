/**
 * Greenhouse vegetable crops with the SIMPLE equations (simple.ts) driven by the inside climate (climate.ts),
 * plus what SIMPLE lacks for a multi-pick greenhouse crop (research note §1a "Greenhouse adaptation", §1c):
 * - transplanting: the run starts at the transplant day with InitialTT and InitialFsolar of a seedling;
 * - harvest flux: after flowering (thermal time ≥ ttFloweringCd) a share HI of each day's biomass growth becomes
 *   fruit, picked `harvestLagDays` later (flowering → harvest 40–60 d, AGC 2019 "Truss development time");
 *   fruit still on the plant at pull-out is not marketable;
 * - cold rules: a chilling day (inside Tmin < chillC) is counted as a cold-damage day and accelerates
 *   senescence (I50B += i50maxColdCd); more than `frostKillH` hours below 0 °C kill the crop (season ends);
 * - fresh marketable yield = harvested fruit DM / fruit dry-matter content × marketable share.
 * The SIMPLE core (lagged sums, f(Temp), f(Heat), f(CO2) with the 0.01, I50B heat increments) is unchanged.
 */
import { fCo2, fHeat, fTemp, priestleyTaylorMm, type SimpleSpecies } from './simple.ts';
import type { ClimateDaily } from './climate.ts';

/** A greenhouse crop and its season. */
export interface GreenhouseCrop {
  id: string;
  species: SimpleSpecies;
  tsum: number;
  hi: number;
  i50a: number;
  i50b: number;
  fSolarMax: number;
  /** Season index (0 = 1 August) of transplanting and of pull-out. */
  transplantIndex: number;
  endIndex: number;
  initialBiomassKgPerHa: number;
  initialFSolar: number;
  initialTtCd: number;
  ttFloweringCd: number;
  harvestLagDays: number;
  chillC: number;
  i50maxColdCd: number;
  frostKillH: number;
  fruitDmc: number;
  marketableShare: number;
}

/** SIMPLE tomato species (Zhao et al. 2019 Table 1a). */
export const TOMATO_SPECIES: SimpleSpecies = {
  tbase: 6,
  topt: 26,
  rue: 1.0,
  i50maxH: 100,
  i50maxW: 5,
  theat: 32,
  text: 45,
  sCo2: 0.07,
  sWater: 2.5,
};
/** Provisional cucumber species (ASSUMPTION, research note §1a: not in SIMPLE; calibrate to local yields). */
export const CUCUMBER_SPECIES: SimpleSpecies = {
  tbase: 10,
  topt: 26,
  rue: 1.0,
  i50maxH: 100,
  i50maxW: 5,
  theat: 35,
  text: 45,
  sCo2: 0.07,
  sWater: 2.5,
};

/** Season index (0 = 1 August) of a non-leap day of year. */
const sIdx = (doy: number): number => (doy - 213 + 365) % 365;

/**
 * Long-season (overwintering) tomato: transplant 25 August, pull out 30 June (UNVERIFIED common Shandong practice,
 * research note §2a). Cultivar: HI 0.60 between SunnySD 0.68 and Agriset761 0.50, I50A 520/I50B 400 (SunnySD),
 * Tsum 4500 °C·d so a pruned indeterminate crop lasts the season (ASSUMPTION), fmax 0.90 (row gaps, §1a),
 * transplant InitialTT 250 °C·d / fSolar 0.05 (§1a), fruit DMC 0.06 (GreenLight), chilling below 5 °C (§1c).
 */
export const TOMATO_LONG_SEASON: GreenhouseCrop = {
  id: 'tomato',
  species: TOMATO_SPECIES,
  tsum: 4500,
  hi: 0.6,
  i50a: 520,
  i50b: 400,
  fSolarMax: 0.9,
  transplantIndex: sIdx(237),
  endIndex: sIdx(181),
  initialBiomassKgPerHa: 50,
  initialFSolar: 0.05,
  initialTtCd: 250,
  ttFloweringCd: 600,
  harvestLagDays: 50,
  chillC: 5,
  i50maxColdCd: 50,
  frostKillH: 2,
  fruitDmc: 0.06,
  marketableShare: 0.9,
};

/**
 * Winter–spring cucumber: transplant 10 January, pull out 30 June (ASSUMPTION). Species set provisional
 * (§1a), HI 0.6, I50A 400, I50B 300, Tsum 2400, fruit DMC 0.035 (UNVERIFIED typical 0.03–0.04), picking lag 12 d
 * (flowering → harvest 12 d in a Chinese modern greenhouse, tcsae.org/en/article/id/20051448, grade F), chilling below
 * 8 °C (ASSUMPTION). UNCALIBRATED: the research notes hold no firm (F) or derived (D) Shandong winter–spring cucumber
 * yield to fit, only grade-E farmer reports for the longer overwintering crop (README §6 "Cucumber"); every output that
 * includes cucumber says so in its metric title.
 */
export const CUCUMBER_WINTER_SPRING: GreenhouseCrop = {
  id: 'cucumber',
  species: CUCUMBER_SPECIES,
  tsum: 2400,
  hi: 0.6,
  i50a: 400,
  i50b: 300,
  fSolarMax: 0.9,
  transplantIndex: sIdx(10),
  endIndex: sIdx(181),
  initialBiomassKgPerHa: 30,
  initialFSolar: 0.05,
  initialTtCd: 150,
  ttFloweringCd: 350,
  harvestLagDays: 12,
  chillC: 8,
  i50maxColdCd: 50,
  frostKillH: 2,
  fruitDmc: 0.035,
  marketableShare: 0.9,
};

/**
 * Root-zone water and irrigation (SIMPLE's ARID bucket, research note §1a): ETo = Priestley–Taylor on the inside
 * canopy radiation and temperatures; TR = min(WUC·W, ETo); f(Water) = max(0, 1 − S_water·(1 − TR/ETo)).
 * Manual: fixed interval and amount by season (cold season Nov–Feb); smart: soil-moisture sensor refills the root
 * zone to field capacity when the depletion exceeds a share.
 */
export interface WaterOptions {
  /** Available water capacity (m³ m⁻³), root-zone depth (mm), drainage coefficient (d⁻¹), uptake coefficient (d⁻¹). */
  awc: number;
  rootZoneMm: number;
  ddc: number;
  wuc: number;
  mode: 'interval' | 'sensor';
  coldIntervalDays: number;
  coldAmountMm: number;
  warmIntervalDays: number;
  warmAmountMm: number;
  sensorDepletion: number;
}

/** Season outcome of one crop in one greenhouse. */
export interface CropResult {
  yieldKgPerM2: number;
  /** Total above-ground biomass at the end, kg DM ha⁻¹. */
  biomassKgPerHa: number;
  /** Season indices (0 = 1 Aug) of first and last picking, −1 if none. */
  firstHarvestIndex: number;
  lastHarvestIndex: number;
  coldDamageDays: number;
  heatStressDays: number;
  frostKilled: boolean;
  /** Irrigation applied and drained below the root zone over the crop's life, mm (= L m⁻²); 0 without `water`. */
  irrigationMm: number;
  drainageMm: number;
  /** Days with f(Water) < 1. */
  waterStressDays: number;
  /** Why the crop ended: pull-out date, thermal time, canopy collapse, frost. */
  endReason: 'pullout' | 'tsum' | 'senescence' | 'frost';
}

/** Per-call scratch: fruit set per day (kg DM/ha), reused to avoid allocation. */
const fruitScratch = new Float64Array(400);

/**
 * Run a greenhouse crop on daily inside climate (season indices 0…364 = 1 Aug … 31 Jul).
 * Without `water` the crop is never water-stressed (drip-irrigated, research note §0).
 * @example
 * // A steady inside climate (simulateClimate gives it in a run): 14–28 °C, 8 MJ m⁻² d⁻¹ at the canopy, no frost.
 * const day = (v) => new Float64Array(365).fill(v);
 * const climate = { n: 365, tinMinC: day(14), tinMaxC: day(28), tinMeanC: day(21), canopyMJPerM2: day(8),
 *   frostH: day(0) };
 * const r = runCrop(TOMATO_LONG_SEASON, climate, 410);
 * r.yieldKgPerM2.toFixed(2) // => '10.50'
 * [r.firstHarvestIndex, r.lastHarvestIndex] // => [98, 307]
 */
export function runCrop(c: GreenhouseCrop, cl: ClimateDaily, co2Ppm: number, water?: WaterOptions): CropResult {
  const sp = c.species;
  const fc = fCo2(co2Ppm, sp.sCo2);
  const start = c.transplantIndex;
  const end = Math.min(c.endIndex, cl.n - 1);
  let tt = c.initialTtCd;
  let i50b = c.i50b;
  let i50bPrev = c.i50b;
  let fS = c.initialFSolar;
  let fSPrev = c.initialFSolar;
  let biomass = c.initialBiomassKgPerHa;
  let prevHeat = 1;
  let prevCold = 0;
  let coldDays = 0;
  let heatDays = 0;
  let frost = false;
  let endReason: CropResult['endReason'] = 'pullout';
  const fruit = fruitScratch;
  let nFruit = 0;
  let lastDay = end;
  const wfc = water ? water.awc * water.rootZoneMm : 0;
  let soilW = wfc;
  let irrigated = 0;
  let drained = 0;
  let stressDays = 0;
  let prevWater = 1;
  for (let d = start; d <= end; d++) {
    const k = d - start;
    const tmax = cl.tinMaxC[d];
    const tmin = cl.tinMinC[d];
    const tmean = cl.tinMeanC[d];
    if (tt > c.tsum) {
      endReason = 'tsum';
      lastDay = d - 1;
      break;
    }
    if (k > 0) {
      // SIMPLE: interception from today's (lagged) TT and yesterday's I50B; I50B from yesterday's stress.
      const grow = Math.min(1, c.fSolarMax / (1 + Math.exp(-0.01 * (tt - c.i50a))));
      const sen = Math.min(1, c.fSolarMax / (1 + Math.exp(0.01 * (tt - (c.tsum - i50bPrev)))));
      fS = Math.min(grow, sen) * (prevWater > 0.1 ? 1 : 0.9 + prevWater);
      i50b =
        Math.max(0, i50bPrev + sp.i50maxH * (1 - prevHeat), i50bPrev + sp.i50maxW * (1 - prevWater)) +
        c.i50maxColdCd * prevCold;
      if (fS < fSPrev && fS <= 0.005) {
        endReason = 'senescence';
        lastDay = d - 1;
        break;
      }
    }
    const fh = fHeat(tmax, sp.theat, sp.text);
    let fw = 1;
    if (water) {
      const doy = ((d + 212) % 365) + 1;
      const coldSeason = doy >= 305 || doy <= 59;
      let irr = 0;
      if (water.mode === 'sensor') {
        if (soilW < (1 - water.sensorDepletion) * wfc) irr = wfc - soilW;
      } else {
        const every = coldSeason ? water.coldIntervalDays : water.warmIntervalDays;
        if (k % every === 0) irr = coldSeason ? water.coldAmountMm : water.warmAmountMm;
      }
      irrigated += irr;
      soilW += irr;
      if (soilW > wfc) {
        const dr = water.ddc * (soilW - wfc);
        drained += dr;
        soilW -= dr;
      }
      const eto = priestleyTaylorMm(cl.canopyMJPerM2[d], tmax, tmin);
      const tr = Math.min(water.wuc * soilW, eto);
      soilW -= tr;
      fw = Math.max(0, 1 - sp.sWater * (1 - tr / eto));
      if (fw < 1) stressDays++;
    }
    const dB = 10 * sp.rue * fS * cl.canopyMJPerM2[d] * fc * fTemp(tmean, sp.tbase, sp.topt) * Math.min(fh, fw);
    fruit[k] = tt >= c.ttFloweringCd ? c.hi * dB : 0;
    nFruit = k + 1;
    biomass += dB;
    tt += tmean > sp.tbase ? tmean - sp.tbase : 0;
    const cold = tmin < c.chillC ? 1 : 0;
    coldDays += cold;
    if (fh < 1) heatDays++;
    prevHeat = fh;
    prevWater = fw;
    prevCold = cold;
    i50bPrev = i50b;
    fSPrev = fS;
    if (cl.frostH[d] > c.frostKillH) {
      frost = true;
      endReason = 'frost';
      lastDay = d;
      break;
    }
  }
  // Cold-damage exposure counts the whole planned season: a crop killed by frost would have met the rest too.
  if (frost) for (let d = lastDay + 1; d <= end; d++) if (cl.tinMinC[d] < c.chillC) coldDays++;
  // Fruit set on day k is picked on day k + lag if the crop is still standing then.
  const lastK = lastDay - start;
  let harvested = 0;
  let first = -1;
  let last = -1;
  for (let k = 0; k < nFruit; k++) {
    if (fruit[k] <= 0) continue;
    const pick = k + c.harvestLagDays;
    if (pick > lastK) break;
    harvested += fruit[k];
    if (first < 0) first = start + pick;
    last = start + pick;
  }
  return {
    yieldKgPerM2: (harvested / 10000 / c.fruitDmc) * c.marketableShare,
    biomassKgPerHa: biomass,
    firstHarvestIndex: first,
    lastHarvestIndex: last,
    coldDamageDays: coldDays,
    heatStressDays: heatDays,
    frostKilled: frost,
    irrigationMm: irrigated,
    drainageMm: drained,
    waterStressDays: stressDays,
    endReason,
  };
}
