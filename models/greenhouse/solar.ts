/**
 * Solar geometry for daily and hourly radiation: declination and eccentricity (Spencer 1971 Fourier series),
 * sunrise/sunset hour angle with the standard −0.833° apparent-horizon altitude (refraction 34′ + solar radius 16′,
 * the convention of almanac day lengths), and extraterrestrial radiation on a horizontal surface (FAO-56 eq. 21/28).
 * Times are local apparent solar time (noon = 12); Zibo clock time (UTC+8, 120°E) is ≈ 8 min ahead at 118.05°E.
 */

/** Solar constant, W m⁻² (FAO-56 uses 0.0820 MJ m⁻² min⁻¹ = 1366.7 W m⁻²). */
export const SOLAR_CONSTANT_W_PER_M2 = 1367;
const DEG = Math.PI / 180;

/**
 * Declination (rad) and inverse relative Earth–Sun distance factor for day of year (Spencer 1971; error < 0.0006 rad).
 * Writes into `out` (length ≥ 2) to keep hot paths allocation-free.
 * @example
 * // June solstice: declination ≈ 23.44°, Earth near aphelion (factor < 1).
 * const o = new Float64Array(2); solarDeclination(172, o); (o[0] / (Math.PI / 180)).toFixed(2) // => '23.45'
 * o[1].toFixed(4) // => '0.9674'
 */
export function solarDeclination(doy: number, out: Float64Array): Float64Array {
  const g = (2 * Math.PI * (doy - 1)) / 365;
  out[0] =
    0.006918 -
    0.399912 * Math.cos(g) +
    0.070257 * Math.sin(g) -
    0.006758 * Math.cos(2 * g) +
    0.000907 * Math.sin(2 * g) -
    0.002697 * Math.cos(3 * g) +
    0.00148 * Math.sin(3 * g);
  out[1] =
    1.00011 + 0.034221 * Math.cos(g) + 0.00128 * Math.sin(g) + 0.000719 * Math.cos(2 * g) + 0.000077 * Math.sin(2 * g);
  return out;
}

const scratch = new Float64Array(2);

/**
 * Day length in hours between sunrise and sunset (upper limb at the apparent horizon, altitude −0.833°).
 * @example
 * // Zibo's latitude on the June and December solstices (14 h 41 min and 9 h 38 min):
 * dayLengthH(36.8, 172).toFixed(2) // => '14.69'
 * dayLengthH(36.8, 355).toFixed(2) // => '9.64'
 */
export function dayLengthH(latDeg: number, doy: number, horizonAltDeg = -0.833): number {
  const dec = solarDeclination(doy, scratch)[0];
  const phi = latDeg * DEG;
  const c = (Math.sin(horizonAltDeg * DEG) - Math.sin(phi) * Math.sin(dec)) / (Math.cos(phi) * Math.cos(dec));
  if (c >= 1) return 0;
  if (c <= -1) return 24;
  return (2 * Math.acos(c)) / DEG / 15;
}

/**
 * Daily extraterrestrial radiation on a horizontal surface Ra, MJ m⁻² d⁻¹ (FAO-56 eq. 21, geometric sunset).
 * @example
 * // Mid-January and mid-July at Zibo, MJ m⁻² d⁻¹:
 * extraterrestrialDailyMJ(36.8, 15).toFixed(1) // => '17.0'
 * extraterrestrialDailyMJ(36.8, 196).toFixed(1) // => '40.9'
 */
export function extraterrestrialDailyMJ(latDeg: number, doy: number): number {
  const o = solarDeclination(doy, scratch);
  const dec = o[0];
  const phi = latDeg * DEG;
  const x = -Math.tan(phi) * Math.tan(dec);
  const ws = Math.acos(Math.max(-1, Math.min(1, x)));
  return (
    ((24 * 60) / Math.PI) *
    0.082 *
    o[1] *
    (ws * Math.sin(phi) * Math.sin(dec) + Math.cos(phi) * Math.cos(dec) * Math.sin(ws))
  );
}

/**
 * Fill `out[0..23]` with the share of the day's extraterrestrial radiation falling in each solar-time hour
 * (hour h covers h:00–h+1:00; integrated exactly over the hour, clipped at sunrise/sunset). Sums to 1.
 * Used to disaggregate daily global radiation to hours with a constant daily clearness index.
 * @example
 * // Mid-January: nothing before sunrise, the most in the hours around noon, and the day sums to 1.
 * const w = new Float64Array(24);
 * hourlyRadiationWeights(36.8, 15, w); [w[6], w[11].toFixed(3), w[12].toFixed(3)] // => [0, '0.156', '0.156']
 * w.reduce((s, x) => s + x, 0).toFixed(12) // => '1.000000000000'
 */
export function hourlyRadiationWeights(latDeg: number, doy: number, out: Float64Array): Float64Array {
  const dec = solarDeclination(doy, scratch)[0];
  const phi = latDeg * DEG;
  const a = Math.sin(phi) * Math.sin(dec);
  const b = Math.cos(phi) * Math.cos(dec);
  const ws = Math.acos(Math.max(-1, Math.min(1, -a / b)));
  let sum = 0;
  for (let h = 0; h < 24; h++) {
    // hour angle ω = (t − 12)·15°; ∫ (a + b cos ω) dω between the clipped limits.
    let w1 = (h - 12) * 15 * DEG;
    let w2 = (h + 1 - 12) * 15 * DEG;
    if (w1 < -ws) w1 = -ws;
    if (w2 > ws) w2 = ws;
    const v = w2 > w1 ? a * (w2 - w1) + b * (Math.sin(w2) - Math.sin(w1)) : 0;
    out[h] = v;
    sum += v;
  }
  if (sum > 0) for (let h = 0; h < 24; h++) out[h] /= sum;
  return out;
}

/**
 * Sunrise hour (local solar time) with the almanac horizon; sunset = 24 − sunrise.
 * @example sunriseSolarH(36.8, 355).toFixed(2) // => '7.18'
 */
export function sunriseSolarH(latDeg: number, doy: number): number {
  return 12 - dayLengthH(latDeg, doy) / 2;
}
