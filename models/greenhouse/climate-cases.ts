/**
 * Reference weather cases for checking the greenhouse climate against the design rules of the research note §2c:
 * a typical January (CMA normals, every day at its climatological mean), a coldest-sunny spell, and five overcast
 * days. Used by climate.test.ts and by the validation table (`npm run validate:greenhouse`).
 */
import { extraterrestrialDailyMJ } from './solar.ts';
import { WeatherGenerator, allocDaily, allocHourly, toHourly, ZIBO_LAT_DEG, type DailyWeather } from './weather.ts';
import {
  GREENHOUSE_TYPES,
  MANUAL_RULES,
  allocClimate,
  buildKernel,
  deriveClimateParams,
  simulateClimate,
  type ClimateDaily,
  type ControlRules,
  type GreenhouseType,
} from './climate.ts';

/** Season day index (0 = 1 August) of a non-leap day of year. */
export const seasonIndex = (doy: number): number => (doy - 213 + 365) % 365;

/** Doy of the first day of the cold/overcast spell in the cases (10 January). */
export const SPELL_START_DOY = 10;
export const SPELL_DAYS = 5;

/**
 * A whole season (1 Aug → 31 Jul) with every day at the generator's climatology (dry), optionally with a spell.
 * @example
 * // Outside minimum on 15 January at the generator's climatology:
 * const w = climatologySeason(); w.tminC[seasonIndex(15)].toFixed(1) // => '-7.9'
 * w.n // => 365
 */
export function climatologySeason(spell?: 'cold-sunny' | 'overcast'): DailyWeather {
  const g = new WeatherGenerator();
  const w = allocDaily(365);
  for (let i = 0; i < 365; i++) {
    const doy = ((212 + i) % 365) + 1;
    const c = g.climatology(doy);
    w.doy[i] = doy;
    w.tmaxC[i] = c.tmaxC;
    w.tminC[i] = c.tminC;
    w.sradMJPerM2[i] = c.sradMJPerM2;
    w.wet[i] = 0;
  }
  if (spell) {
    for (let k = 0; k < SPELL_DAYS; k++) {
      const i = seasonIndex(SPELL_START_DOY + k);
      const ra = extraterrestrialDailyMJ(ZIBO_LAT_DEG, SPELL_START_DOY + k);
      if (spell === 'cold-sunny') {
        // A strong winter outbreak behind a cold front: clear, Tmin −14 °C, Tmax −4 °C (cf. Jan 2021, §2d/issue).
        w.tminC[i] = -14;
        w.tmaxC[i] = -4;
        w.sradMJPerM2[i] = 0.62 * ra;
      } else {
        // Overcast/snowy spell: clearness 0.2 (≈ 3 MJ m⁻²), small diurnal range.
        w.tminC[i] = -8;
        w.tmaxC[i] = -1;
        w.sradMJPerM2[i] = 0.2 * ra;
        w.wet[i] = 1;
      }
    }
  }
  return w;
}

/**
 * Run the climate of a design and rule set on a daily weather season.
 * @example
 * // Inside minimum on 15 January of the standard design under manual control:
 * const c = runClimateCase(climatologySeason()); c.tinMinC[seasonIndex(15)].toFixed(1) // => '11.2'
 */
export function runClimateCase(
  w: DailyWeather,
  type: GreenhouseType = GREENHOUSE_TYPES['shouguang-earth-wall'],
  rules: ControlRules = MANUAL_RULES,
): ClimateDaily {
  const h = toHourly(w, ZIBO_LAT_DEG, allocHourly(w.n));
  const k = buildKernel(deriveClimateParams(type));
  return simulateClimate(
    k,
    rules,
    { doy: w.doy, wet: w.wet, toutC: h.tempC, ghiWPerM2: h.ghiWPerM2 },
    allocClimate(w.n),
  );
}

/** Summary figures checked against the design rules. */
export interface JanuaryCheck {
  /** Typical January (days 1–31): mean of daily inside minima and maxima, max of maxima, °C. */
  janInsideMinMeanC: number;
  janInsideMaxMeanC: number;
  janInsideMaxMaxC: number;
  /** Coldest sunny days (spell): mean inside minus outside minimum, °C. */
  coldSunnyDeltaMinC: number;
  /** Fifth overcast day: inside minus outside minimum, °C. */
  overcastDay5DeltaMinC: number;
}

/**
 * Compute the January design-rule figures for a design and rule set.
 * @example
 * // 8–12 °C is the design rule for the standard Shandong greenhouse:
 * januaryCheck().janInsideMinMeanC.toFixed(1) // => '11.5'
 */
export function januaryCheck(
  type: GreenhouseType = GREENHOUSE_TYPES['shouguang-earth-wall'],
  rules: ControlRules = MANUAL_RULES,
): JanuaryCheck {
  const typical = climatologySeason();
  const c = runClimateCase(typical, type, rules);
  let smin = 0;
  let smax = 0;
  let mmax = -Infinity;
  // Skip the spell days in the typical run? The typical run has no spell; use all of January.
  for (let doy = 1; doy <= 31; doy++) {
    const i = seasonIndex(doy);
    smin += c.tinMinC[i];
    smax += c.tinMaxC[i];
    if (c.tinMaxC[i] > mmax) mmax = c.tinMaxC[i];
  }
  const cold = climatologySeason('cold-sunny');
  const cc = runClimateCase(cold, type, rules);
  let dsum = 0;
  for (let k = 0; k < SPELL_DAYS; k++) {
    const i = seasonIndex(SPELL_START_DOY + k);
    dsum += cc.tinMinC[i] - cold.tminC[i];
  }
  const ov = climatologySeason('overcast');
  const oc = runClimateCase(ov, type, rules);
  const i5 = seasonIndex(SPELL_START_DOY + SPELL_DAYS - 1);
  return {
    janInsideMinMeanC: smin / 31,
    janInsideMaxMeanC: smax / 31,
    janInsideMaxMaxC: mmax,
    coldSunnyDeltaMinC: dsum / SPELL_DAYS,
    overcastDay5DeltaMinC: oc.tinMinC[i5] - ov.tminC[i5],
  };
}
