/**
 * Bass diffusion (Bass 1969) and the linear-ramp alternative.
 *
 * Hazard f(t)/(1 − F(t)) = p + q·F(t). Closed form F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)·e^{−(p+q)t}),
 * adoption rate peaks at t* = ln(q/p)/(p + q) (when q > p). p (innovation) and q (imitation) are rates per unit of t.
 * Discrete form (Euler step Δt): N_{k+1} = N_k + Δt·(p + q·N_k/m)(m − N_k).
 * Estonian X-Road logs show near-linear e-government uptake (Solvak et al. 2019), hence `linearRamp`.
 */

/**
 * Bass cumulative adoption share F(t); 0 for t ≤ 0. With p = 0.1 and q = 0.5 per year, 12 % adopt in the first year.
 * @example bassF(1, 0.1, 0.5).toFixed(4) // => '0.1205'
 */
export function bassF(t: number, p: number, q: number): number {
  if (t <= 0) return 0;
  const e = Math.exp(-(p + q) * t);
  return (1 - e) / (1 + (q / p) * e);
}

/**
 * Inverse of the Bass CDF: the time at which share F is reached, t = −ln((1 − F)/(1 + (q/p)F))/(p + q).
 * Used to draw individual adoption times (F = U ~ uniform gives a time distributed as the Bass curve).
 * @example bassInverse(bassF(2, 0.1, 0.5), 0.1, 0.5) // => 2
 */
export function bassInverse(f: number, p: number, q: number): number {
  if (f <= 0) return 0;
  if (f >= 1) return Infinity;
  return -Math.log((1 - f) / (1 + (q / p) * f)) / (p + q);
}

/**
 * Time of the peak adoption rate, ln(q/p)/(p + q); 0 when q ≤ p (the rate only falls).
 * @example
 * // Textbook innovation and imitation coefficients p = 0.03, q = 0.38: the adoption rate peaks after ≈ 6.2 years.
 * bassPeakTime(0.03, 0.38).toFixed(2) // => '6.19'
 * bassPeakTime(0.5, 0.3) // => 0
 */
export function bassPeakTime(p: number, q: number): number {
  return q > p ? Math.log(q / p) / (p + q) : 0;
}

/**
 * Discrete Bass model with step `dt`: fills `out[k]` with N_k/m at t = k·dt (out[0] = 0). No allocation.
 * @example
 * // Steps of 0.01 year approach the closed form F(1) = 0.1205:
 * const f = new Float64Array(1001); bassDiscrete(0.1, 0.5, 0.01, f); f[100].toFixed(4) // => '0.1203'
 * Math.abs(f[100] - bassF(1, 0.1, 0.5)) < 1e-3 // => true
 */
export function bassDiscrete(p: number, q: number, dt: number, out: Float64Array): Float64Array {
  let n = 0;
  out[0] = 0;
  for (let k = 1; k < out.length; k++) {
    n += dt * (p + q * n) * (1 - n);
    out[k] = n;
  }
  return out;
}

/**
 * Linear ramp from `s0` at t = 0 with slope `ratePerUnit`, clamped to [0, 1].
 * @example linearRamp(2, 0.72, 0.12) // => 0.96
 */
export function linearRamp(t: number, s0: number, ratePerUnit: number): number {
  const s = s0 + ratePerUnit * Math.max(0, t);
  return s < 0 ? 0 : s > 1 ? 1 : s;
}
