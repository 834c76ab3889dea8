/**
 * The calibration table of the Zibo weather generator: monthly normals and daily-variability assumptions.
 *
 * Sources
 * - Tmax/Tmin means, precipitation days, sunshine hours: China Meteorological Administration 1971–2000 normals for
 *   Weifang (WMO 54843, 36.77°N 119.18°E, the neighbouring city east of Zibo, same latitude and plain), as quoted in
 *   the Wikipedia climate box (liquisearch.com/wei_fang/geography; research note §2d). No public Zibo station
 *   normals table was found; Zibo's annual mean 12.3–13.1 °C (city description) brackets Weifang's 13.05 °C.
 * - Global radiation: FAO-56 Ångström (a = 0.25, b = 0.50) from those sunshine hours and the monthly mean
 *   extraterrestrial radiation at 36.8°N (solar.ts), × 0.87 for the North China Plain's haze (ASSUMPTION: the
 *   research note says the Ångström estimate is an upper bound, observed ≈ 10–20 % lower). `normals.test.ts`
 *   recomputes the Ångström column from the sunshine hours.
 * - Daily standard deviations, wet/dry contrasts and persistence: ASSUMPTION (typical of Richardson-type generators
 *   for continental mid-latitude stations, Richardson 1981 WRR 17:182); replace with values fitted to CMA or NASA
 *   POWER daily data when available (`fitNormals` is not yet written; see README).
 */

/** One month of the table. SDs are of daily anomalies from the climatological daily mean. */
export interface MonthNormal {
  tmaxC: number;
  tminC: number;
  /** Mean daily global radiation, MJ m⁻² d⁻¹. */
  sradMJPerM2: number;
  /** Probability that a day is wet (≥ 0.1 mm), = precipitation days / days in month. */
  pWet: number;
  tmaxSdC: number;
  tminSdC: number;
  /** Coefficient of variation of daily radiation, –. */
  sradCv: number;
}

/** CMA 1971–2000, Weifang: mean daily maximum and minimum, °C. */
export const CMA_TMAX_C = [3.1, 5.8, 12.3, 20.2, 25.8, 30.1, 31.2, 30.1, 26.6, 20.7, 12.6, 5.7] as const;
export const CMA_TMIN_C = [-7.3, -5.3, 0.0, 6.9, 12.4, 18.1, 22.0, 21.1, 15.3, 8.9, 1.5, -4.6] as const;
/** CMA 1971–2000, Weifang: days with precipitation ≥ 0.1 mm. */
export const CMA_PRECIP_DAYS = [3.4, 3.9, 4.0, 5.6, 6.4, 8.4, 12.5, 10.2, 6.8, 5.9, 4.8, 3.7] as const;
/** CMA 1971–2000, Weifang: mean monthly sunshine hours. */
export const CMA_SUNSHINE_H = [
  176.4, 176.1, 215.6, 241.9, 267.7, 241.8, 208.8, 221.1, 222.9, 211.5, 179.6, 172.9,
] as const;
/** Ångström estimate at 36.8°N from the sunshine hours (FAO-56, a 0.25, b 0.50), MJ m⁻² d⁻¹ (see normals.test.ts). */
export const ANGSTROM_SRAD_MJ = [
  9.33, 12.18, 15.86, 19.91, 22.28, 21.99, 19.79, 19.18, 17.44, 13.83, 10.28, 8.58,
] as const;
/** Haze factor applied to the Ångström estimate (ASSUMPTION, research note §2d: observed ≈ 10–20 % lower). */
export const HAZE_FACTOR = 0.87;
export const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const TMAX_SD = [3.0, 3.3, 3.6, 3.5, 3.2, 2.8, 2.2, 2.0, 2.3, 2.7, 3.2, 3.0];
const TMIN_SD = [3.0, 3.0, 3.0, 2.7, 2.4, 2.0, 1.5, 1.5, 2.0, 2.7, 3.0, 3.0];
const SRAD_CV = [0.4, 0.4, 0.38, 0.35, 0.33, 0.35, 0.4, 0.38, 0.35, 0.35, 0.38, 0.4];

/** The Zibo calibration table (12 months, January first). */
export const ZIBO_NORMALS: readonly MonthNormal[] = CMA_TMAX_C.map((tmaxC, m) => ({
  tmaxC,
  tminC: CMA_TMIN_C[m],
  sradMJPerM2: Math.round(ANGSTROM_SRAD_MJ[m] * HAZE_FACTOR * 100) / 100,
  pWet: CMA_PRECIP_DAYS[m] / DAYS_IN_MONTH[m],
  tmaxSdC: TMAX_SD[m],
  tminSdC: TMIN_SD[m],
  sradCv: SRAD_CV[m],
}));

/** Persistence and cross-correlation of the generator (ASSUMPTION, Richardson 1981 typical magnitudes). */
export const GENERATOR_CONSTANTS = {
  /** Lag-1 autocorrelation of the wet/dry state: P(wet|wet) = p + r(1 − p). */
  wetPersistence: 0.3,
  /** Lag-1 autocorrelation of daily temperature anomalies. */
  tempLag1: 0.65,
  /** Lag-1 autocorrelation of clearness-index anomalies. */
  radLag1: 0.25,
  /** Correlation of Tmax and Tmin innovations. */
  tmaxTminCorr: 0.6,
  /** Correlation of Tmax and clearness innovations in midsummer (cloudy days are cool) … */
  tmaxRadCorrSummer: 0.35,
  /** … and at midwinter, negative: North China cold-air outbreaks come with clear skies (ASSUMPTION; without it the
   * greenhouse's inside-minimum slope on outside minimum rises from 0.42 to 0.49, observed 0.25–0.34). */
  tmaxRadCorrWinter: -0.2,
  /** Wet day minus dry day: Tmax, Tmin (°C); wet-day clearness as a fraction of dry-day clearness. */
  wetTmaxShiftC: -3.0,
  wetTminShiftC: 1.0,
  wetClearnessRatio: 0.45,
} as const;

/** First day of year (1-based, non-leap) of each month. */
export const MONTH_START_DOY: readonly number[] = [1, 32, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];

/**
 * Month index (0–11) of a 1-based non-leap day of year.
 * @example
 * monthOfDoy(31) // => 0
 * monthOfDoy(32) // => 1
 */
export function monthOfDoy(doy: number): number {
  let m = 11;
  while (m > 0 && MONTH_START_DOY[m] > doy) m--;
  return m;
}

/**
 * Turn 12 monthly means into 365 smooth daily values whose monthly means equal the inputs (piecewise-linear through
 * mid-month anchors, anchors corrected iteratively until each month's mean matches to 1e-9).
 * @example
 * const d = meanPreservingDaily([0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0]);
 * d[196].toFixed(2) // => '14.18'
 * // July (days 181–211, 0-based) keeps its mean of 10 (to 1e-9):
 * (d.subarray(181, 212).reduce((s, v) => s + v, 0) / 31).toFixed(6) // => '10.000000'
 */
export function meanPreservingDaily(monthly: ArrayLike<number>): Float64Array {
  const anchors = Float64Array.from(monthly as ArrayLike<number>);
  const mid = MONTH_START_DOY.map((s, m) => s - 1 + DAYS_IN_MONTH[m] / 2); // 0-based fractional day of mid-month
  const out = new Float64Array(365);
  for (let iter = 0; iter < 60; iter++) {
    for (let d = 0; d < 365; d++) {
      const t = d + 0.5;
      // find surrounding anchors cyclically
      let j = 11;
      for (let m = 0; m < 12; m++) if (mid[m] <= t) j = m;
      let k = (j + 1) % 12;
      let t0 = mid[j];
      let t1 = mid[k];
      if (t < mid[0]) {
        j = 11;
        k = 0;
        t0 = mid[11] - 365;
        t1 = mid[0];
      } else if (j === 11) t1 = mid[0] + 365;
      const f = (t - t0) / (t1 - t0);
      out[d] = anchors[j] * (1 - f) + anchors[k] * f;
    }
    let maxErr = 0;
    for (let m = 0; m < 12; m++) {
      let s = 0;
      for (let d = MONTH_START_DOY[m] - 1; d < MONTH_START_DOY[m] - 1 + DAYS_IN_MONTH[m]; d++) s += out[d];
      const err = monthly[m] - s / DAYS_IN_MONTH[m];
      anchors[m] += err;
      if (Math.abs(err) > maxErr) maxErr = Math.abs(err);
    }
    if (maxErr < 1e-9) break;
  }
  return out;
}
