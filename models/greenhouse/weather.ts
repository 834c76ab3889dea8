/**
 * Stochastic daily weather for Zibo (Richardson-type generator) and hourly disaggregation.
 *
 * Daily model (day d, month m(d)):
 * - wet/dry state: first-order Markov chain, P(wet | dry) = p(1 − r), P(wet | wet) = p + r(1 − p), so the long-run
 *   wet frequency is the tabulated p and r is the lag-1 persistence.
 * - Tmax = μmax(d) + δmax·(wet − p) + σ'max(d)·z₁,  Tmin = μmin(d) + δmin·(wet − p) + σ'min(d)·z₂,
 *   clearness kt = kt_dry(d)·(wet ? w : 1) + σk(d)·z₃ (clipped to 0.03–0.80), SRAD = kt·Ra(d);
 *   μ: mean-preserving daily interpolation of the monthly normals; σ' chosen so the total daily-anomaly SD
 *   (wet/dry contrast included) equals the tabulated SD; kt_dry so that the monthly mean SRAD equals the table.
 * - z = AR(1) anomalies: z_t = φ z_{t−1} + √(1−φ²) ε_t, with correlated innovations (Tmax–Tmin; Tmax–kt,
 *   positive in summer and negative in winter).
 * Shocks: a cold wave (box of `lengthDays` days, −depth on Tmax and Tmin, optionally overcast) and a heat wave.
 * Hourly: temperature cosine from Tmin at sunrise to Tmax at 14:00 and back to the next Tmin (WAVE/De Wit scheme);
 * radiation = daily SRAD × the hour's share of extraterrestrial radiation (constant daily clearness).
 */
import type { Rng } from '../lib/rng.ts';
import { GENERATOR_CONSTANTS, ZIBO_NORMALS, meanPreservingDaily, monthOfDoy, type MonthNormal } from './normals.ts';
import { extraterrestrialDailyMJ, hourlyRadiationWeights, sunriseSolarH } from './solar.ts';

/** Zibo city centre, degrees. */
export const ZIBO_LAT_DEG = 36.8;
export const ZIBO_LON_DEG = 118.05;

/** A run of consecutive days (non-leap calendar: day-of-year 1–365). */
export interface DailyWeather {
  n: number;
  /** Day of year of each day (1–365). */
  doy: Int16Array;
  tmaxC: Float64Array;
  tminC: Float64Array;
  sradMJPerM2: Float64Array;
  /** 1 = wet (precipitation ≥ 0.1 mm, overcast), 0 = dry. */
  wet: Uint8Array;
}

/**
 * Allocate a daily series of n days.
 * @example const w = allocDaily(365); w.tmaxC.length // => 365
 */
export function allocDaily(n: number): DailyWeather {
  return {
    n,
    doy: new Int16Array(n),
    tmaxC: new Float64Array(n),
    tminC: new Float64Array(n),
    sradMJPerM2: new Float64Array(n),
    wet: new Uint8Array(n),
  };
}

/** Scenario switches applied on top of the stochastic weather. */
export interface WeatherShocks {
  /** Cold outbreak, e.g. the January 2021 wave (6–8 Jan 2021 in Shandong). */
  coldWave?: { startDoy: number; lengthDays: number; depthC: number; overcast: boolean };
  /** Summer heat wave: Tmax + amplitude, Tmin + 0.7·amplitude, dry and clear. */
  heatWave?: { startDoy: number; lengthDays: number; amplitudeC: number };
  /** Uniform shift of Tmax/Tmin in December–February, °C (a colder or milder winter). */
  winterShiftC?: number;
  /** Multiplier on daily radiation (e.g. haze or a brighter year), –. */
  radiationFactor?: number;
}

const inWindow = (doy: number, start: number, len: number): boolean => {
  const k = (doy - start + 365) % 365;
  return k < len;
};

/**
 * Calibrated generator: precomputes the daily climatology once, then `generate` fills a `DailyWeather` without
 * allocating.
 * @example
 * const g = new WeatherGenerator();
 * const w = allocDaily(365);
 * // One calendar year from 1 January. Runs pass createRng(seed); this stand-in always draws u = 0.5 and z = 0.
 * g.generate({ next: () => 0.5, normal: () => 0 }, 1, w);
 * [w.doy[0], w.doy[364]] // => [1, 365]
 * // 15 January and 15 July without random anomalies, °C:
 * [w.tmaxC[14].toFixed(1), w.tminC[14].toFixed(1), w.tmaxC[195].toFixed(1)] // => ['2.8', '-8.0', '32.7']
 */
export class WeatherGenerator {
  readonly latDeg: number;
  private readonly muMax: Float64Array;
  private readonly muMin: Float64Array;
  private readonly sdMax: Float64Array;
  private readonly sdMin: Float64Array;
  private readonly ktDry: Float64Array;
  private readonly sdKt: Float64Array;
  private readonly pWet: Float64Array;
  private readonly ra: Float64Array;
  /** Day-of-year correlation of Tmax and clearness innovations, and √(1 − ρ²). */
  private readonly rhoTR: Float64Array;
  private readonly sTR: Float64Array;

  constructor(normals: readonly MonthNormal[] = ZIBO_NORMALS, latDeg = ZIBO_LAT_DEG) {
    if (normals.length !== 12)
      throw new Error(`WeatherGenerator: normals table needs 12 months, got ${normals.length}`);
    this.latDeg = latDeg;
    const C = GENERATOR_CONSTANTS;
    this.muMax = meanPreservingDaily(normals.map((x) => x.tmaxC));
    this.muMin = meanPreservingDaily(normals.map((x) => x.tminC));
    const p = meanPreservingDaily(normals.map((x) => x.pWet));
    const sdMaxTot = meanPreservingDaily(normals.map((x) => x.tmaxSdC));
    const sdMinTot = meanPreservingDaily(normals.map((x) => x.tminSdC));
    const cv = meanPreservingDaily(normals.map((x) => x.sradCv));
    this.rhoTR = new Float64Array(365);
    this.sTR = new Float64Array(365);
    for (let d = 0; d < 365; d++) {
      const winter = Math.cos((2 * Math.PI * (d + 1 - 355)) / 365); // 1 at the winter solstice, −1 at midsummer
      const rho =
        (C.tmaxRadCorrWinter + C.tmaxRadCorrSummer) / 2 + ((C.tmaxRadCorrWinter - C.tmaxRadCorrSummer) / 2) * winter;
      this.rhoTR[d] = rho;
      this.sTR[d] = Math.sqrt(1 - rho * rho);
    }
    this.ra = new Float64Array(365);
    for (let d = 0; d < 365; d++) this.ra[d] = extraterrestrialDailyMJ(latDeg, d + 1);
    // Monthly mean clearness = table SRAD / monthly mean Ra, spread over the month mean-preservingly.
    const ktMonth = normals.map((x, m) => {
      let s = 0;
      let c = 0;
      for (let d = 0; d < 365; d++)
        if (monthOfDoy(d + 1) === m) {
          s += this.ra[d];
          c++;
        }
      return x.sradMJPerM2 / (s / c);
    });
    const ktMean = meanPreservingDaily(ktMonth);
    this.pWet = p;
    this.sdMax = new Float64Array(365);
    this.sdMin = new Float64Array(365);
    this.ktDry = new Float64Array(365);
    this.sdKt = new Float64Array(365);
    const w = C.wetClearnessRatio;
    for (let d = 0; d < 365; d++) {
      const pq = p[d] * (1 - p[d]);
      this.sdMax[d] = Math.sqrt(Math.max(0.01, sdMaxTot[d] ** 2 - C.wetTmaxShiftC ** 2 * pq));
      this.sdMin[d] = Math.sqrt(Math.max(0.01, sdMinTot[d] ** 2 - C.wetTminShiftC ** 2 * pq));
      this.ktDry[d] = ktMean[d] / (1 - p[d] + p[d] * w);
      const delta = this.ktDry[d] * (1 - w);
      this.sdKt[d] = Math.sqrt(Math.max(1e-4, (cv[d] * ktMean[d]) ** 2 - delta * delta * pq));
    }
  }

  /** Climatological mean Tmax/Tmin (°C) and SRAD (MJ m⁻²) of a day of year, for diagnostics and tests. */
  climatology(doy: number): { tmaxC: number; tminC: number; sradMJPerM2: number } {
    const d = doy - 1;
    const p = this.pWet[d];
    const w = GENERATOR_CONSTANTS.wetClearnessRatio;
    return { tmaxC: this.muMax[d], tminC: this.muMin[d], sradMJPerM2: this.ktDry[d] * (1 - p + p * w) * this.ra[d] };
  }

  /**
   * Fill `out` with `out.n` consecutive days starting at `startDoy` (wrapping from 365 to 1).
   * @example
   * // 1 August → 31 July, one greenhouse season (a run passes createRng(seed) as the generator):
   * const g = new WeatherGenerator();
   * const w = g.generate({ next: () => 0.5, normal: () => 0 }, 213, allocDaily(365));
   * [w.doy[0], w.doy[152], w.doy[153], w.doy[364]] // => [213, 365, 1, 212]
   */
  generate(rng: Rng, startDoy: number, out: DailyWeather, shocks?: WeatherShocks): DailyWeather {
    const C = GENERATOR_CONSTANTS;
    const phiT = C.tempLag1;
    const phiR = C.radLag1;
    const sT = Math.sqrt(1 - phiT * phiT);
    const sR = Math.sqrt(1 - phiR * phiR);
    const rho12 = C.tmaxTminCorr;
    const s12 = Math.sqrt(1 - rho12 * rho12);
    const rho13 = this.rhoTR;
    const r = C.wetPersistence;
    const w = C.wetClearnessRatio;
    // Start the chains from their stationary distributions so day 1 is not special.
    let z1 = rng.normal();
    let z2 = rho12 * z1 + s12 * rng.normal();
    const d0 = startDoy - 1;
    let z3 = rho13[d0] * z1 + Math.sqrt(1 - rho13[d0] * rho13[d0]) * rng.normal();
    let wet = rng.next() < this.pWet[d0] ? 1 : 0;
    const rf = shocks?.radiationFactor ?? 1;
    for (let i = 0; i < out.n; i++) {
      const d = (d0 + i) % 365;
      const p = this.pWet[d];
      if (i > 0) {
        const pw = wet ? p + r * (1 - p) : p * (1 - r);
        wet = rng.next() < pw ? 1 : 0;
        const e1 = rng.normal();
        const e2 = rho12 * e1 + s12 * rng.normal();
        const e3 = rho13[d] * e1 + this.sTR[d] * rng.normal();
        z1 = phiT * z1 + sT * e1;
        z2 = phiT * z2 + sT * e2;
        z3 = phiR * z3 + sR * e3;
      }
      let tmax = this.muMax[d] + C.wetTmaxShiftC * (wet - p) + this.sdMax[d] * z1;
      let tmin = this.muMin[d] + C.wetTminShiftC * (wet - p) + this.sdMin[d] * z2;
      let kt = this.ktDry[d] * (wet ? w : 1) + this.sdKt[d] * z3;
      const doy = d + 1;
      let isWet = wet;
      if (shocks) {
        const cw = shocks.coldWave;
        if (cw && cw.lengthDays > 0 && inWindow(doy, cw.startDoy, cw.lengthDays)) {
          tmax -= cw.depthC;
          tmin -= cw.depthC;
          if (cw.overcast) {
            isWet = 1;
            kt = Math.min(kt, this.ktDry[d] * 0.3);
          }
        }
        const hw = shocks.heatWave;
        if (hw && hw.lengthDays > 0 && inWindow(doy, hw.startDoy, hw.lengthDays)) {
          tmax += hw.amplitudeC;
          tmin += 0.7 * hw.amplitudeC;
          isWet = 0;
          kt = Math.max(kt, this.ktDry[d]);
        }
        if (shocks.winterShiftC && (doy <= 59 || doy >= 335)) {
          tmax += shocks.winterShiftC;
          tmin += shocks.winterShiftC;
        }
      }
      if (kt < 0.03) kt = 0.03;
      else if (kt > 0.8) kt = 0.8;
      if (tmin > tmax - 0.5) {
        // keep a minimal diurnal range; split the overlap symmetrically
        const mid = (tmin + tmax) / 2;
        tmin = mid - 0.25;
        tmax = mid + 0.25;
      }
      out.doy[i] = doy;
      out.tmaxC[i] = tmax;
      out.tminC[i] = tmin;
      out.sradMJPerM2[i] = kt * this.ra[d] * rf;
      out.wet[i] = isWet;
    }
    return out;
  }
}

/** Hourly outside weather, 24 values per day, hour h = solar time h:00–h+1:00 (temperature at h + 0.5). */
export interface HourlyWeather {
  nHours: number;
  tempC: Float64Array;
  /** Mean global horizontal irradiance over the hour, W m⁻². */
  ghiWPerM2: Float64Array;
}

/**
 * Allocate hourly arrays for n days.
 * @example allocHourly(365).tempC.length // => 8760
 */
export function allocHourly(nDays: number): HourlyWeather {
  return { nHours: nDays * 24, tempC: new Float64Array(nDays * 24), ghiWPerM2: new Float64Array(nDays * 24) };
}

const wScratch = new Float64Array(24);
const TMAX_HOUR = 14;

/**
 * Solar geometry of every day of year (1–365) at one latitude, for `toHourly`: sunrise, the hourly radiation shares
 * and the hourly temperature-curve terms. These depend on the day of year only, yet cost ~70 trig calls per day;
 * a worker builds the table once (the greenhouse model keeps it on its inputs) instead of per job. Every entry is
 * computed by the same functions and expressions as `toHourly` without a table, so results are bit-identical.
 */
export interface SolarDays {
  latDeg: number;
  /** Sunrise, solar hours, by day of year [doy] (index 0 unused). */
  sunriseH: Float64Array;
  /** Share of the day's extraterrestrial radiation per hour, [doy·24 + h]. */
  weights: Float64Array;
  /** Hourly temperature curve when the next day is day doy+1 (365 → 1): segment [doy·24 + h] (0 = before sunrise,
   * 1 = sunrise → 14:00, 2 = after 14:00) and its cosine term 1 ± cos(πf). */
  segment: Uint8Array;
  cosTerm: Float64Array;
}

/**
 * Build the solar table for a latitude (≈ 1 ms).
 * @example const s = solarDays(36.8); s.sunriseH[355].toFixed(2) // => '7.18'
 */
export function solarDays(latDeg: number): SolarDays {
  const sunriseH = new Float64Array(366);
  const weights = new Float64Array(366 * 24);
  const segment = new Uint8Array(366 * 24);
  const cosTerm = new Float64Array(366 * 24);
  for (let doy = 1; doy <= 365; doy++) sunriseH[doy] = sunriseSolarH(latDeg, doy);
  for (let doy = 1; doy <= 365; doy++) {
    hourlyRadiationWeights(latDeg, doy, wScratch);
    weights.set(wScratch, doy * 24);
    const tr = sunriseH[doy];
    const trNext = sunriseH[(doy % 365) + 1];
    for (let h = 0; h < 24; h++) {
      const t = h + 0.5;
      const j = doy * 24 + h;
      if (t < tr) {
        const f = (t + 24 - TMAX_HOUR) / (24 + tr - TMAX_HOUR);
        segment[j] = 0;
        cosTerm[j] = 1 + Math.cos(Math.PI * f);
      } else if (t <= TMAX_HOUR) {
        const f = (t - tr) / (TMAX_HOUR - tr);
        segment[j] = 1;
        cosTerm[j] = 1 - Math.cos(Math.PI * f);
      } else {
        const f = (t - TMAX_HOUR) / (24 + trNext - TMAX_HOUR);
        segment[j] = 2;
        cosTerm[j] = 1 + Math.cos(Math.PI * f);
      }
    }
  }
  return { latDeg, sunriseH, weights, segment, cosTerm };
}

/**
 * Disaggregate daily weather to hours (see module doc). `out` must hold 24·n values. With `solar` (built by
 * `solarDays` for the same latitude) the per-day geometry is read from the table: same numbers, no trig per job.
 * @example
 * // One January day, −6 to 4 °C, 10 MJ m⁻² of sun: the curve peaks at 14:00 solar time, no sun before dawn.
 * const daily = allocDaily(2);
 * daily.doy.set([15, 16]); daily.tmaxC.fill(4); daily.tminC.fill(-6); daily.sradMJPerM2.fill(10);
 * const h = toHourly(daily, 36.8, allocHourly(daily.n));
 * h.tempC[14].toFixed(2) // => '3.98'
 * [h.ghiWPerM2[5], h.ghiWPerM2[12].toFixed(1)] // => [0, '433.3']
 * // The day's hourly GHI (W m⁻² = Wh m⁻² per hour) adds up to the daily total:
 * (h.ghiWPerM2.subarray(0, 24).reduce((s, x) => s + x, 0) * 3600 / 1e6).toFixed(6) // => '10.000000'
 */
export function toHourly(daily: DailyWeather, latDeg: number, out: HourlyWeather, solar?: SolarDays): HourlyWeather {
  const n = daily.n;
  const tab = solar !== undefined && solar.latDeg === latDeg ? solar : null;
  for (let i = 0; i < n; i++) {
    const doy = daily.doy[i];
    const tmin = daily.tminC[i];
    const tmax = daily.tmaxC[i];
    const tmaxPrev = i > 0 ? daily.tmaxC[i - 1] : tmax;
    const tminNext = i + 1 < n ? daily.tminC[i + 1] : tmin;
    const e = (daily.sradMJPerM2[i] * 1e6) / 3600;
    if (tab !== null && doy >= 1 && doy <= 365 && i + 1 < n && daily.doy[i + 1] === (doy % 365) + 1) {
      // Tabulated day (the next day follows in the calendar, so the afternoon decline ends at its sunrise).
      const o = doy * 24;
      const seg = tab.segment;
      const cosTerm = tab.cosTerm;
      const wts = tab.weights;
      for (let h = 0; h < 24; h++) {
        const sg = seg[o + h];
        const c = cosTerm[o + h];
        out.tempC[i * 24 + h] =
          sg === 0
            ? tmin + ((tmaxPrev - tmin) * c) / 2
            : sg === 1
              ? tmin + ((tmax - tmin) * c) / 2
              : tminNext + ((tmax - tminNext) * c) / 2;
        out.ghiWPerM2[i * 24 + h] = e * wts[o + h];
      }
      continue;
    }
    const tr = sunriseSolarH(latDeg, doy);
    const trNext = i + 1 < n ? sunriseSolarH(latDeg, daily.doy[i + 1]) : tr;
    hourlyRadiationWeights(latDeg, doy, wScratch);
    for (let h = 0; h < 24; h++) {
      const t = h + 0.5;
      let v: number;
      if (t < tr) {
        // night before sunrise: tail of yesterday's decline from Tmax(prev) at 14:00 to Tmin at sunrise
        const f = (t + 24 - TMAX_HOUR) / (24 + tr - TMAX_HOUR);
        v = tmin + ((tmaxPrev - tmin) * (1 + Math.cos(Math.PI * f))) / 2;
      } else if (t <= TMAX_HOUR) {
        const f = (t - tr) / (TMAX_HOUR - tr);
        v = tmin + ((tmax - tmin) * (1 - Math.cos(Math.PI * f))) / 2;
      } else {
        const f = (t - TMAX_HOUR) / (24 + trNext - TMAX_HOUR);
        v = tminNext + ((tmax - tminNext) * (1 + Math.cos(Math.PI * f))) / 2;
      }
      out.tempC[i * 24 + h] = v;
      out.ghiWPerM2[i * 24 + h] = e * wScratch[h];
    }
  }
  return out;
}
