/**
 * SIMPLE crop model (Zhao, Liu, Asseng et al. 2019, "A SIMPLE crop model", Eur. J. Agron. 104:97–106,
 * doi:10.1016/j.eja.2019.01.009), implemented from the paper's equations and the conventions of its R code
 * (function `SIMPLE`, `ARIDFunction`, `petpt`): lagged cumulative sums for thermal time and biomass, stress on
 * day i−1 driving interception/senescence on day i, f(CO2) with the 0.01 factor (S_CO2 = 0.07 means 0.0007 ppm⁻¹).
 *
 * This module is the reference-faithful core used by `npm run validate:greenhouse`; the greenhouse crop model
 * (`crop.ts`) reuses the same response functions with greenhouse additions (transplanting, harvest flux, cold damage).
 */

/** Species parameters (paper Table 1a). Temperatures °C, RUE g MJ⁻¹, I50max* °C·d per unit stress. */
export interface SimpleSpecies {
  tbase: number;
  topt: number;
  rue: number;
  i50maxH: number;
  i50maxW: number;
  theat: number;
  text: number;
  /** CO2 sensitivity as tabulated (0.07 for tomato = 0.07 % per ppm, i.e. 0.0007 ppm⁻¹). */
  sCo2: number;
  sWater: number;
}

/** Cultivar parameters (paper Table 1b). */
export interface SimpleCultivar {
  tsum: number;
  hi: number;
  i50a: number;
  i50b: number;
  /** Maximum radiation interception (management parameter, 0.95 default in the paper). */
  fSolarMax: number;
}

/** One-layer soil bucket of the ARID index (paper §2.2; R `ARIDFunction`). */
export interface SimpleSoil {
  /** Available water capacity, m³ m⁻³. */
  awc: number;
  /** Runoff curve number (SCS), –. */
  rcn: number;
  /** Deep drainage coefficient, fraction per day. */
  ddc: number;
  /** Root zone depth, mm. */
  rzd: number;
  /** Water uptake coefficient, d⁻¹ (0.096 in the paper). */
  wuc: number;
}

/** Daily driving weather starting on the sowing day. */
export interface SimpleWeather {
  tmaxC: ArrayLike<number>;
  tminC: ArrayLike<number>;
  sradMJPerM2: ArrayLike<number>;
  /** Rain + irrigation, mm d⁻¹ (only needed with water stress on). */
  rainMm?: ArrayLike<number>;
  /** Day of year of each day (only used for diagnostics). */
  n: number;
}

export interface SimpleRunOptions {
  species: SimpleSpecies;
  cultivar: SimpleCultivar;
  co2Ppm: number;
  /** Water stress on (ARID bucket) or off (f(Water) = 1, e.g. drip-irrigated greenhouse). */
  waterStress: boolean;
  soil?: SimpleSoil;
  initial: { biomassKgPerHa: number; fSolar: number; thermalTime: number };
  /** Maximum number of days to simulate (harvest date − sowing date + 1); default 400 as the R code. */
  maxDays?: number;
}

/** Daily outputs, truncated at maturity (or harvest). All arrays have length `days`. */
export interface SimpleResult {
  days: number;
  thermalTime: Float64Array;
  fSolar: Float64Array;
  i50b: Float64Array;
  fTemp: Float64Array;
  fHeat: Float64Array;
  fWater: Float64Array;
  fCo2: number;
  arid: Float64Array;
  dBiomassKgPerHa: Float64Array;
  /** Biomass on day d = initial + Σ dBiomass of days before d (R convention), kg DM ha⁻¹. */
  biomassKgPerHa: Float64Array;
  /** Yield = biomass × HI, kg DM ha⁻¹. */
  yieldKgPerHa: Float64Array;
  /** Why the run ended: thermal time reached Tsum, interception collapsed, or the harvest date / weather ended. */
  endReason: 'tsum' | 'senescence' | 'harvest';
}

/**
 * Mean-temperature growth response f(Temp) (paper eq. 3): 0 below Tbase, linear to 1 at Topt, 1 above.
 * @example fTemp(16, 6, 26) // => 0.5
 */
export function fTemp(tmeanC: number, tbase: number, topt: number): number {
  if (tmeanC >= topt) return 1;
  const f = (tmeanC - tbase) / (topt - tbase);
  return f > 0 ? f : 0;
}

/**
 * Heat-stress response f(Heat) on daily Tmax (paper eq. 4): 1 up to Theat, linear to 0 at Text.
 * @example fHeat(38.5, 32, 45) // => 0.5
 */
export function fHeat(tmaxC: number, theat: number, text: number): number {
  if (tmaxC <= theat) return 1;
  if (tmaxC > text) return 0;
  const f = 1 - (tmaxC - theat) / (text - theat);
  return f > 0 ? f : 0;
}

/**
 * CO2 response f(CO2) (paper eq. 5 / R `CO2_Response`). S_CO2 is tabulated in % per ppm, hence the 0.01 that some
 * ports drop (they are then wrong by 100×). Saturates at 700 ppm.
 * @example fCo2(700, 0.07) // => 1.245
 */
export function fCo2(co2Ppm: number, sCo2: number): number {
  if (co2Ppm >= 700) return 1 + (sCo2 * 350) / 100;
  const f = 1 + 0.01 * sCo2 * (co2Ppm - 350);
  return f > 1 ? f : 1;
}

/**
 * Priestley–Taylor potential evapotranspiration as in the SIMPLE R code (`petpt`, after DSSAT), mm d⁻¹.
 * @example priestleyTaylorMm(20, 30, 18).toFixed(2) // => '4.62'
 */
export function priestleyTaylorMm(sradMJPerM2: number, tmaxC: number, tminC: number, albedo = 0.23): number {
  const td = 0.6 * tmaxC + 0.4 * tminC;
  const slang = sradMJPerM2 * 23.923;
  const eeq = slang * (2.04e-4 - 1.83e-4 * albedo) * (td + 29.0);
  let pt = eeq * 1.1;
  if (tmaxC > 35) pt = eeq * ((tmaxC - 35.0) * 0.05 + 1.1);
  else if (tmaxC < 5.0) pt = eeq * 0.01 * Math.exp(0.18 * (tmaxC + 20));
  return pt > 0.0001 ? pt : 0.0001;
}

/**
 * The ARID drought index per day (Woli et al. 2012, used by SIMPLE): one-layer bucket with SCS runoff, drainage
 * and transpiration TR = min(WUC·W, ETo); ARID = 1 − TR/ETo. Bucket starts full (RZD·AWC).
 * @example
 * const soil = { awc: 0.13, rcn: 65, ddc: 0.55, rzd: 400, wuc: 0.096 };
 * // A full bucket meets a hot dry day's demand: no drought.
 * const hotDay = { tmaxC: [30], tminC: [18], sradMJPerM2: [20], rainMm: [0], n: 1 };
 * aridIndex(hotDay, soil) // => Float64Array.of(0)
 * // A shallow bucket holding 1 mm cannot:
 * aridIndex(hotDay, { ...soil, awc: 0.01, rzd: 100 })[0].toFixed(2) // => '0.98'
 */
export function aridIndex(w: SimpleWeather, soil: SimpleSoil): Float64Array {
  const arid = new Float64Array(w.n);
  const s = 25400 / soil.rcn - 254; // SCS potential retention, mm
  let wat = soil.rzd * soil.awc;
  for (let i = 0; i < w.n; i++) {
    const eto = priestleyTaylorMm(w.sradMJPerM2[i], w.tmaxC[i], w.tminC[i]);
    const rain = w.rainMm ? w.rainMm[i] : 0;
    const ro = rain > 0.2 * s ? (rain - 0.2 * s) ** 2 / (rain + 0.8 * s) : 0;
    const wbd = rain - ro + wat;
    const dr = wbd / soil.rzd > soil.awc ? soil.rzd * soil.ddc * (wbd / soil.rzd - soil.awc) : 0;
    const wad = wbd - dr;
    const tr = Math.min(soil.wuc * wad, eto);
    wat = wad - tr;
    arid[i] = 1 - tr / eto;
  }
  return arid;
}

/**
 * Run SIMPLE for one crop from sowing. Weather arrays start on the sowing day; the run stops at the first of:
 * thermal time > Tsum (lagged), interception falling to ≤ 0.005 while declining, the end of the weather/maxDays.
 * @example
 * // The paper's tomato (Table 1a), a tomato cultivar, and 200 steady days of 16–28 °C at 18 MJ m⁻² d⁻¹.
 * const species = { tbase: 6, topt: 26, rue: 1, i50maxH: 100, i50maxW: 5, theat: 32, text: 45, sCo2: 0.07,
 *   sWater: 2.5 };
 * const cultivar = { tsum: 2800, hi: 0.68, i50a: 520, i50b: 400, fSolarMax: 0.95 };
 * const steady = (v) => new Float64Array(200).fill(v);
 * const weather = { n: 200, tmaxC: steady(28), tminC: steady(16), sradMJPerM2: steady(18), rainMm: steady(0) };
 * const initial = { biomassKgPerHa: 1, fSolar: 0.001, thermalTime: 0 };
 * const r = runSimple(weather, { species, cultivar, co2Ppm: 350, waterStress: false, initial });
 * [r.days, r.endReason] // => [176, 'tsum']
 * Math.round(r.yieldKgPerHa[r.days - 1]) // => 10916
 */
export function runSimple(w: SimpleWeather, o: SimpleRunOptions): SimpleResult {
  const sp = o.species;
  const cv = o.cultivar;
  const n = Math.min(w.n, o.maxDays ?? 400);
  if (o.waterStress && !o.soil)
    throw new Error('runSimple: water stress is on but no soil parameters were given (awc, rcn, ddc, rzd, wuc)');
  const arid = o.waterStress ? aridIndex({ ...w, n }, o.soil!) : new Float64Array(n);
  const tt = new Float64Array(n);
  const fT = new Float64Array(n);
  const fH = new Float64Array(n);
  const fW = new Float64Array(n);
  const fS = new Float64Array(n);
  const i50b = new Float64Array(n);
  const fc = fCo2(o.co2Ppm, sp.sCo2);
  let ttAcc = o.initial.thermalTime;
  for (let i = 0; i < n; i++) {
    const tmean = (w.tmaxC[i] + w.tminC[i]) / 2;
    tt[i] = ttAcc; // lagged: TT on day i sums dTT of days before i
    ttAcc += tmean > sp.tbase ? tmean - sp.tbase : 0;
    fT[i] = fTemp(tmean, sp.tbase, sp.topt);
    fH[i] = fHeat(w.tmaxC[i], sp.theat, sp.text);
    fW[i] = o.waterStress ? Math.max(0, 1 - sp.sWater * arid[i]) : 1;
  }
  fS[0] = o.initial.fSolar;
  i50b[0] = cv.i50b;
  let senescenceDay = n;
  for (let i = 1; i < n; i++) {
    const grow = Math.min(1, cv.fSolarMax / (1 + Math.exp(-0.01 * (tt[i] - cv.i50a))));
    const sen = Math.min(1, cv.fSolarMax / (1 + Math.exp(0.01 * (tt[i] - (cv.tsum - i50b[i - 1])))));
    // Severe drought on the previous day lowers interception (leaf rolling): fSolarWater = 0.9 + fWater when fWater ≤ 0.1.
    const fSolarWater = fW[i - 1] > 0.1 ? 1 : 0.9 + fW[i - 1];
    fS[i] = Math.min(grow, sen) * Math.min(fSolarWater, 1);
    // Heat and drought accelerate senescence; the R code keeps the larger of the two increments.
    const b1 = i50b[i - 1] + sp.i50maxW * (1 - fW[i - 1]);
    const b2 = i50b[i - 1] + sp.i50maxH * (1 - fH[i - 1]);
    i50b[i] = Math.max(0, b1, b2);
    if (fS[i] < fS[i - 1] && fS[i] <= 0.005 + 1e-6) {
      senescenceDay = i;
      break;
    }
  }
  let tsumDays = 0;
  for (let i = 0; i < n; i++) if (tt[i] <= cv.tsum) tsumDays++;
  const days = Math.min(tsumDays, senescenceDay);
  const endReason: SimpleResult['endReason'] =
    days === senescenceDay && senescenceDay < n ? 'senescence' : days < n ? 'tsum' : 'harvest';
  const dB = new Float64Array(days);
  const bio = new Float64Array(days);
  const yld = new Float64Array(days);
  let acc = o.initial.biomassKgPerHa;
  for (let i = 0; i < days; i++) {
    dB[i] = 10 * sp.rue * fS[i] * w.sradMJPerM2[i] * fc * fT[i] * Math.min(fH[i], fW[i]);
    bio[i] = acc;
    yld[i] = acc * cv.hi;
    acc += dB[i];
  }
  return {
    days,
    thermalTime: tt.slice(0, days),
    fSolar: fS.slice(0, days),
    i50b: i50b.slice(0, days),
    fTemp: fT.slice(0, days),
    fHeat: fH.slice(0, days),
    fWater: fW.slice(0, days),
    fCo2: fc,
    arid: arid.slice(0, days),
    dBiomassKgPerHa: dB,
    biomassKgPerHa: bio,
    yieldKgPerHa: yld,
    endReason,
  };
}
