/**
 * Hourly lumped energy balance of a Chinese solar greenhouse (日光温室), per m² of floor, three nodes:
 *
 *   Ca dTa/dt = f_air(1−f_w)·Iin + hw(Tw−Ta) + hs(Ts−Ta) − (Kcov + Gv)(Ta−To)
 *   Cw dTw/dt = f_w·Iin − hw(Tw−Ta) − Uw(Tw−To)
 *   Cs dTs/dt = (1−f_lat−f_air)(1−f_w)·Iin − hs(Ts−Ta) − ks(Ts−Tdeep)
 *
 *   Iin  = blanketOpen · τ_film · g(doy) · I_out (outside global horizontal, W m⁻²)
 *   Kcov = roofToFloor · (U_film,day when the blanket is rolled up | U_blanket,night when it is down)
 *   Gv   = ρ·cp·V·ACH/3600 (ventilation and leakage), V = volume per m² floor
 *
 * (research note §1c, after Xu et al. 2017/2024). With the control state held for a 15-minute step the system is
 * linear with constant inputs, so each step is integrated exactly: T(t+Δ) = E·T(t) + F·u with E = exp(AΔ),
 * F = ∫₀^Δ exp(As) ds, obtained once per (greenhouse type, blanket state, vent level) from the exponential of the
 * augmented matrix [[A, I], [0, 0]]Δ. This makes the closed-box energy balance and the night-time exponential
 * cooling exact, and costs ~20 multiplications per step.
 *
 * Control rule sets (their effect comes only through this physics):
 * - manual: blanket on a fixed clock by month ("late opening, early closing", Zhang Junhua et al. 2022), opened
 *   only 10:00–14:00 on wet/overcast days; in the blanket season vents checked once an hour, opened half at
 *   Ta > 28 °C, fully at > 31 °C, stepped down (full → half → shut) below
 *   22 °C (guides say vent tomato at 28–30 °C); outside it the front film is rolled up by day (To > 12 °C) and
 *   vents stay half open on mild nights (To > 15 °C).
 * - smart: blanket opened whenever the transmitted sunlight outweighs the extra heat loss of the bare film
 *   (τ·I ≥ (K_day − K_night)(Ta − To), two-factor radiation/ΔT rule of Liu et al. 2023);
 *   vents set every 15 min to the smallest opening that keeps Ta ≤ 28 °C by day and ≤ 18 °C at night
 *   (proportional venting).
 */

/** A greenhouse design as a planner describes it. */
export interface GreenhouseType {
  id: string;
  title: string;
  spanM: number;
  ridgeHeightM: number;
  /** North wall height, m. */
  northWallHeightM: number;
  northWallThicknessM: number;
  /** Effective thermal conductivity of the wall, W m⁻¹ K⁻¹ (rammed earth ≈ 0.5–0.8, brick 0.8, EPS board 0.04). */
  northWallConductivityWPerMK: number;
  /** Volumetric heat capacity of the wall, J m⁻³ K⁻¹ (earth/brick ≈ 1.4–1.7e6). */
  northWallHeatCapacityJPerM3K: number;
  /** Film + dust + condensation transmittance for global radiation at normal use, –. */
  filmTransmittance: number;
  /** Heat transfer of the bare film by day incl. sky radiation, W m⁻² K⁻¹ of roof. */
  filmUDayWPerM2K: number;
  /** Heat transfer of film + insulation blanket at night, W m⁻² K⁻¹ of roof. */
  blanketUWPerM2K: number;
  /** Leakage with everything closed, air changes per hour. */
  leakAch: number;
  /** Largest ventilation rate with top vents and the rolled-up front film fully open, h⁻¹. */
  maxVentAch: number;
}

/** Physics parameters per m² floor, derived from a `GreenhouseType` (or set directly in tests). */
export interface ClimateParams {
  caJPerKM2: number;
  cwJPerKM2: number;
  csJPerKM2: number;
  hwWPerKM2: number;
  hsWPerKM2: number;
  uwWPerKM2: number;
  ksWPerKM2: number;
  kDayWPerKM2: number;
  kNightWPerKM2: number;
  /** W K⁻¹ m⁻² per air change per hour (ρ cp V / 3600). */
  ventWPerKM2PerAch: number;
  leakAch: number;
  ventAch: readonly number[];
  filmTransmittance: number;
  /** Radiation fractions: to air, latent (lost), the rest of the non-wall part to soil. */
  fAir: number;
  fLatent: number;
  /** Wall share of transmitted light: mean and seasonal amplitude (max at winter solstice). */
  fWallMean: number;
  fWallAmp: number;
  /** Roof geometry gain over a horizontal surface: amplitude of the seasonal cosine (max at winter solstice). */
  geometryGainAmp: number;
  /** Deep soil temperature: mean and amplitude (°C), warmest on day `tDeepPeakDoy`. */
  tDeepMeanC: number;
  tDeepAmpC: number;
  tDeepPeakDoy: number;
  /** Clear-sky radiative extra loss of the cover, expressed as a depression of the outside temperature seen by the
   * cover conductance on dry (clear) days, °C (ASSUMPTION: sky ≈ 15–20 K below air, ~20 % of the cover conductance
   * radiative → ≈ 3 K; 0 on overcast days when the sky is as warm as the air). */
  skyDepressionC: number;
}

const RHO_CP_AIR = 1200; // J m⁻³ K⁻¹ (ρ 1.2 kg m⁻³ × cp 1005 J kg⁻¹ K⁻¹)

/**
 * The three designs of the baseline (ASSUMPTION: dimensions and materials typical of Shandong practice,
 * research note §1c/§2c: span 8–12 m, ridge 3.5–5 m, earth/brick walls 0.5–1.0 m; film τ 0.78–0.90; blanket U 1.8–3.0).
 */
export const GREENHOUSE_TYPES: Record<string, GreenhouseType> = {
  'shouguang-earth-wall': {
    id: 'shouguang-earth-wall',
    title: 'Standard Shandong (Shouguang-type) solar greenhouse, 1.0 m earth-brick north wall, straw/composite blanket',
    spanM: 10,
    ridgeHeightM: 4.5,
    northWallHeightM: 3.5,
    northWallThicknessM: 1.0,
    northWallConductivityWPerMK: 0.6,
    northWallHeatCapacityJPerM3K: 1.6e6,
    filmTransmittance: 0.88,
    filmUDayWPerM2K: 3.5,
    blanketUWPerM2K: 1.3,
    leakAch: 0.4,
    maxVentAch: 60,
  },
  'insulated-brick': {
    id: 'insulated-brick',
    title: 'Energy-saving design: 0.5 m brick wall with 0.1 m EPS outside, PO film, thick composite blanket',
    spanM: 10,
    ridgeHeightM: 4.8,
    northWallHeightM: 3.8,
    northWallThicknessM: 0.6,
    northWallConductivityWPerMK: 0.28,
    northWallHeatCapacityJPerM3K: 1.5e6,
    filmTransmittance: 0.9,
    filmUDayWPerM2K: 3.5,
    blanketUWPerM2K: 1.1,
    leakAch: 0.3,
    maxVentAch: 60,
  },
  'simple-earth': {
    id: 'simple-earth',
    title: 'Low-cost older design: 0.5 m earth wall, aged PE film, thin straw blanket',
    spanM: 8,
    ridgeHeightM: 3.5,
    northWallHeightM: 2.5,
    northWallThicknessM: 0.5,
    northWallConductivityWPerMK: 0.7,
    northWallHeatCapacityJPerM3K: 1.5e6,
    filmTransmittance: 0.78,
    filmUDayWPerM2K: 3.8,
    blanketUWPerM2K: 2.3,
    leakAch: 1.0,
    maxVentAch: 50,
  },
};

/**
 * Derive per-floor-m² physics from a design. Geometry: curved roof length ≈ 1.12·√(span² + ridge²) per span;
 * volume ≈ 0.65·ridge per m² floor; active wall layer = min(0.45 m, 0.6·thickness) (multi-day heat-penetration
 * depth of brick/earth); wall loss U = λ/thickness scaled by wall/floor area. Soil store 1.6e6 J K⁻¹ m⁻² (≈ 0.9 m of
 * soil at ρc 1.73 MJ m⁻³ K⁻¹, Vanthoor): the greenhouse soil profile that exchanges heat over days to weeks —
 * CALIBRATED together with the standard design's blanket U (1.3) and leakage (0.4 h⁻¹) so that the design rules of
 * research note §2c hold (see README; this is calibration, not independent validation).
 * Remaining constants from the research note's prototype (§1c): Ca 1.5e4, hw 2.1 W K⁻¹ per m² floor scaled by wall
 * area, hs 6, ks 2, f_air 0.55, f_lat 0.30.
 * @example
 * deriveClimateParams(GREENHOUSE_TYPES['shouguang-earth-wall']).kNightWPerKM2.toFixed(2) // => '1.60'
 */
export function deriveClimateParams(t: GreenhouseType): ClimateParams {
  const roofToFloor = (1.12 * Math.hypot(t.spanM, t.ridgeHeightM)) / t.spanM;
  const wallToFloor = t.northWallHeightM / t.spanM;
  const active = Math.min(0.45, 0.6 * t.northWallThicknessM);
  const heightMean = 0.65 * t.ridgeHeightM;
  const ventPerAch = (RHO_CP_AIR * heightMean) / 3600;
  const refWallToFloor = 0.35;
  return {
    caJPerKM2: 1.5e4 * (heightMean / (0.65 * 4.5)),
    cwJPerKM2: t.northWallHeatCapacityJPerM3K * active * wallToFloor,
    csJPerKM2: 1.6e6,
    hwWPerKM2: 2.1 * (wallToFloor / refWallToFloor),
    hsWPerKM2: 6,
    uwWPerKM2: (t.northWallConductivityWPerMK / t.northWallThicknessM) * wallToFloor,
    ksWPerKM2: 2,
    kDayWPerKM2: t.filmUDayWPerM2K * roofToFloor,
    kNightWPerKM2: t.blanketUWPerM2K * roofToFloor,
    ventWPerKM2PerAch: ventPerAch,
    leakAch: t.leakAch,
    // Fine steps so proportional (smart) venting does not overshoot downwards; manual uses 'half' (10 h⁻¹) and 'full'.
    ventAch: [t.leakAch, 1, 2, 3, 5, 7, 10, 14, 20, 28, 40, t.maxVentAch].filter(
      (a, i, arr) => i === 0 || (a > arr[0] && a <= t.maxVentAch),
    ),
    filmTransmittance: t.filmTransmittance,
    fAir: 0.55,
    fLatent: 0.3,
    fWallMean: 0.2,
    fWallAmp: 0.1,
    geometryGainAmp: 0.18,
    tDeepMeanC: 15,
    tDeepAmpC: 4,
    tDeepPeakDoy: 240,
    skyDepressionC: 3,
  };
}

/** Control rule set and its setpoints. */
export interface ControlRules {
  kind: 'manual' | 'smart';
  /** Blanket: fixed clock by month ('clock', manual) or light/ΔT rule ('light', smart). */
  blanket: 'clock' | 'light';
  /** Vents: hourly threshold checks ('hourly', manual) or proportional every 15 min ('proportional', smart). */
  vent: 'hourly' | 'proportional';
  /** Manual vent thresholds, °C (half open above, fully open above, closed below). */
  manualVentHalfC: number;
  manualVentFullC: number;
  manualVentCloseC: number;
  /** Interval between the grower's vent checks, h (multiples of 0.25). */
  manualCheckH: number;
  /** Smart vent setpoint by day, °C. */
  smartVentC: number;
  /** Smart vent setpoint at night (tomato night optimum 15–18 °C; warm nights only burn assimilates), °C. */
  smartNightVentC: number;
  /** Smart blanket: open when τI ≥ ratio·(Kday − Knight)(Ta − To). */
  smartBlanketRatio: number;
  /** Days of year (non-leap) when the blanket is used at night: from `blanketFromDoy` to `blanketToDoy` (wrapping). */
  blanketFromDoy: number;
  blanketToDoy: number;
}

/** Default manual practice (ASSUMPTION, research note §2b: late opening / early closing; hourly venting checks at 28/31 °C). */
export const MANUAL_RULES: ControlRules = {
  kind: 'manual',
  blanket: 'clock',
  vent: 'hourly',
  manualVentHalfC: 28,
  manualVentFullC: 31,
  manualVentCloseC: 22,
  manualCheckH: 0.5,
  smartVentC: 28,
  smartNightVentC: 18,
  smartBlanketRatio: 1.0,
  blanketFromDoy: 305,
  blanketToDoy: 90,
};

/** Default smart control (ASSUMPTION anchored on Liu et al. 2023 two-factor blanket rule, proportional venting at 28 °C). */
export const SMART_RULES: ControlRules = { ...MANUAL_RULES, kind: 'smart', blanket: 'light', vent: 'proportional' };

/** Manual blanket clock (local solar hours) by month Jan…Dec: [open, close]. */
const MANUAL_BLANKET_H: ReadonlyArray<readonly [number, number]> = [
  [8.5, 16.0],
  [8.0, 16.5],
  [7.5, 17.0],
  [7.0, 17.5],
  [7.0, 17.5],
  [7.0, 17.5],
  [7.0, 17.5],
  [7.0, 17.5],
  [7.0, 17.5],
  [7.5, 17.0],
  [8.0, 16.5],
  [8.5, 16.0],
];
const MONTH_START = [1, 32, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];

const STEPS_PER_HOUR = 4;
const DT_S = 3600 / STEPS_PER_HOUR;

/**
 * Layout of one regime's exact step in ClimateKernel.mats: T(t + Δt) = E·T(t) + F·u with the node vector
 * T = [air, wall, soil] and the input vector u = C⁻¹·(sources + conductances × boundary temperatures), same order.
 * REGIME_STRIDE numbers per regime (blanket·nVent + vent level): E row-major, then F row-major. E_WA = the weight of
 * the air temperature in the next wall temperature, and so on (row = node updated, column = node or input read).
 */
const REGIME_STRIDE = 18;
const E_AA = 0;
const E_AW = 1;
const E_AS = 2;
const E_WA = 3;
const E_WW = 4;
const E_WS = 5;
const E_SA = 6;
const E_SW = 7;
const E_SS = 8;
const F_AA = 9;
const F_AW = 10;
const F_AS = 11;
const F_WA = 12;
const F_WW = 13;
const F_WS = 14;
const F_SA = 15;
const F_SW = 16;
const F_SS = 17;

/**
 * Next air temperature of the regime at mats offset `at`: E row of air · T + F row of air · u (same products, same
 * order as the per-step code). Offsets are literals (E_AA … E_AS = 0 … 2, F_AA … F_AS = 9 … 11): a module constant
 * in a hot loop is reloaded on every use in V8, while this call is inlined.
 */
function airNext(
  mats: Float64Array,
  at: number,
  ta: number,
  tw: number,
  ts: number,
  uAir: number,
  uWall: number,
  uSoil: number,
): number {
  return (
    mats[at] * ta +
    mats[at + 1] * tw +
    mats[at + 2] * ts +
    mats[at + 9] * uAir +
    mats[at + 10] * uWall +
    mats[at + 11] * uSoil
  );
}

/** Precomputed exact step matrices for one greenhouse: 2 blanket states × vent levels, 18 numbers each (E, F). */
export interface ClimateKernel {
  params: ClimateParams;
  nVent: number;
  /** [(blanket·nVent + vent)·REGIME_STRIDE + E_AA … E_SS] = E row-major, [+ F_AA … F_SS] = F row-major. */
  mats: Float64Array;
  /** Conductance to outside of the air node per regime (Kcov + Gv), W K⁻¹ m⁻². */
  gOut: Float64Array;
  /** Cover conductance per blanket state [open, closed], W K⁻¹ m⁻². */
  kCov: Float64Array;
}

/**
 * Matrix exponential of an n×n matrix (row-major) by scaling and squaring with a Taylor series (adequate for the
 * small, well-conditioned matrices here; checked against the analytic 1-node solution in tests).
 * @example
 * expm(Float64Array.of(-1), 1)[0] // => Math.exp(-1)
 * // A 2×2 nilpotent matrix: exp([[0, 1], [0, 0]]) = [[1, 1], [0, 1]].
 * expm(Float64Array.of(0, 1, 0, 0), 2) // => Float64Array.of(1, 1, 0, 1)
 */
export function expm(m: Float64Array, n: number): Float64Array {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(m[i * n + j]);
    if (s > norm) norm = s;
  }
  const sq = Math.max(0, Math.ceil(Math.log2(norm / 0.25)));
  const scale = 2 ** -sq;
  const a = m.map((v) => v * scale);
  const res = new Float64Array(n * n);
  const term = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    res[i * n + i] = 1;
    term[i * n + i] = 1;
  }
  const tmp = new Float64Array(n * n);
  for (let k = 1; k <= 18; k++) {
    matmul(term, a, tmp, n);
    for (let i = 0; i < n * n; i++) {
      term[i] = tmp[i] / k;
      res[i] += term[i];
    }
  }
  for (let s = 0; s < sq; s++) {
    matmul(res, res, tmp, n);
    res.set(tmp);
  }
  return res;
}

function matmul(a: Float64Array, b: Float64Array, out: Float64Array, n: number): void {
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      out[i * n + j] = s;
    }
}

/**
 * Build the exact-step kernel of a greenhouse (run once per design; ~12 small matrix exponentials).
 * @example
 * const k = buildKernel(deriveClimateParams(GREENHOUSE_TYPES['shouguang-earth-wall']));
 * k.nVent // => 12
 */
export function buildKernel(p: ClimateParams, dtS = DT_S): ClimateKernel {
  const nVent = p.ventAch.length;
  const mats = new Float64Array(2 * nVent * REGIME_STRIDE);
  const gOut = new Float64Array(2 * nVent);
  const kCov = Float64Array.of(p.kDayWPerKM2, p.kNightWPerKM2);
  const C = [p.caJPerKM2, p.cwJPerKM2, p.csJPerKM2];
  for (let b = 0; b < 2; b++)
    for (let v = 0; v < nVent; v++) {
      const g = (b === 1 ? p.kNightWPerKM2 : p.kDayWPerKM2) + p.ventWPerKM2PerAch * p.ventAch[v];
      gOut[b * nVent + v] = g;
      // Conductance matrix G (W K⁻¹), A = −C⁻¹G
      const G = [
        [p.hwWPerKM2 + p.hsWPerKM2 + g, -p.hwWPerKM2, -p.hsWPerKM2],
        [-p.hwWPerKM2, p.hwWPerKM2 + p.uwWPerKM2, 0],
        [-p.hsWPerKM2, 0, p.hsWPerKM2 + p.ksWPerKM2],
      ];
      const M = new Float64Array(36);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) M[i * 6 + j] = (-G[i][j] / C[i]) * dtS;
        M[i * 6 + 3 + i] = dtS;
      }
      const X = expm(M, 6);
      const o = (b * nVent + v) * REGIME_STRIDE;
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) {
          // exp of [[A, I], [0, 0]]·Δt = [[E, F], [0, I]] (A = −C⁻¹G): E = e^{AΔt}, F = ∫ e^{As} ds.
          mats[o + E_AA + i * 3 + j] = X[i * 6 + j];
          mats[o + F_AA + i * 3 + j] = X[i * 6 + 3 + j];
        }
    }
  return { params: p, nVent, mats, gOut, kCov };
}

/** Daily inside climate of a season; arrays preallocated by `allocClimate`. */
export interface ClimateDaily {
  n: number;
  tinMaxC: Float64Array;
  tinMinC: Float64Array;
  tinMeanC: Float64Array;
  /** Minimum inside air while the sun is down (night minimum), °C. */
  tinNightMinC: Float64Array;
  /** Radiation reaching the canopy/floor (transmitted minus the wall's share), MJ m⁻² d⁻¹ — SIMPLE's SRAD. */
  canopyMJPerM2: Float64Array;
  /** Hours with inside air below 0 °C. */
  frostH: Float64Array;
  blanketOpenH: Float64Array;
  /** Heat lost by ventilation, MJ m⁻² d⁻¹ (diagnostic). */
  ventLossMJPerM2: Float64Array;
  /** Optional hourly trace of one day: inside air °C and PAR at canopy µmol m⁻² s⁻¹, 24 values each. */
  traceDay: number;
  traceTinC: Float64Array;
  traceParUmol: Float64Array;
  traceToutC: Float64Array;
  traceBlanketOpen: Uint8Array;
  /** Energy bookkeeping for tests: total absorbed solar (J m⁻²) and final node temperatures. */
  solarInJPerM2: number;
  state: Float64Array;
}

/**
 * Allocate climate outputs for n days (reuse across runs: `simulateClimate` overwrites every field).
 * @example const out = allocClimate(365); out.tinMinC.length // => 365
 */
export function allocClimate(n: number): ClimateDaily {
  return {
    n,
    tinMaxC: new Float64Array(n),
    tinMinC: new Float64Array(n),
    tinMeanC: new Float64Array(n),
    tinNightMinC: new Float64Array(n),
    canopyMJPerM2: new Float64Array(n),
    frostH: new Float64Array(n),
    blanketOpenH: new Float64Array(n),
    ventLossMJPerM2: new Float64Array(n),
    traceDay: -1,
    traceTinC: new Float64Array(24),
    traceParUmol: new Float64Array(24),
    traceToutC: new Float64Array(24),
    traceBlanketOpen: new Uint8Array(24),
    solarInJPerM2: 0,
    state: new Float64Array(3),
  };
}

/** One day's quarter-hour steps (air temperature after the step, vent level, blanket open) for the diagnostics pass. */
const stepTa = new Float64Array(24 * STEPS_PER_HOUR);
const stepVent = new Int32Array(24 * STEPS_PER_HOUR);
const stepOpen = new Uint8Array(24 * STEPS_PER_HOUR);

/** PAR photons per joule of global radiation: 0.47 PAR fraction × 4.57 µmol J⁻¹ (McCree). */
const PAR_UMOL_PER_J_GLOBAL = 0.47 * 4.57;

const monthOf = (doy: number): number => {
  let m = 11;
  while (m > 0 && MONTH_START[m] > doy) m--;
  return m;
};

/** Seasonal shape, 1 at the winter solstice (doy 355), −1 at the summer solstice. */
const winterShape = (doy: number): number => Math.cos((2 * Math.PI * (doy - 355)) / 365);

/** Options of a climate run. */
export interface ClimateRunOptions {
  /** Day of year of each day (1–365, non-leap), same length as `out.n`. */
  doy: ArrayLike<number>;
  /** Wet/overcast flag per day (manual practice keeps the blanket down longer). */
  wet: ArrayLike<number>;
  /** Hourly outside temperature °C and global horizontal W m⁻², 24·n values. */
  toutC: ArrayLike<number>;
  ghiWPerM2: ArrayLike<number>;
  /** Initial [air, wall, soil] °C; default 20, 22, 20 (1 August). */
  initialC?: readonly [number, number, number];
  /** Day index to trace hourly (−1 = none). */
  traceDay?: number;
  /** Test override: blanket forced closed all the time (dark nights, analytic cooling). */
  forceBlanketClosed?: boolean;
  /** Simulate only days 0 … days−1 (default `out.n`): a caller that reads no later day (the engine job stops at
   * the last pull-out) skips them; the days simulated are bit-identical to a full run, later days of `out` are
   * left as they were. */
  days?: number;
  /** false: skip the diagnostics no crop reads — tinNightMinC, blanketOpenH, ventLossMJPerM2 and solarInJPerM2 are
   * set to NaN (the engine job; ~15 % faster). Every other output is bit-identical. Default true. */
  diagnostics?: boolean;
}

/**
 * Simulate a season hour by hour (4 exact sub-steps per hour) and fill daily inside-climate summaries.
 * Speed (≈ 12 seasons per engine job): everything that does not depend on the node temperatures is computed once
 * per day or per hour, for both blanket states, with exactly the expressions (same operations, same order) the
 * per-step code used before, so results are bit-identical; the quarter-hour step picks the regime, does the 3×6
 * exact-step product and keeps what the crops read; diagnostics and the trace come from a per-day second pass over
 * the recorded steps (README §7).
 *
 * Data layout: the state T = [ta, tw, ts] (air, wall, soil, °C) lives in locals; a regime is (blanket state b: 0 open,
 * 1 closed) × vent level v, and its exact step is mats[(b·nVent + v)·REGIME_STRIDE …] (layout at REGIME_STRIDE),
 * copied into the locals eAA … fSS when the regime changes. stepTa/stepVent/stepOpen (module scratch, one day's
 * 96 quarter-hours) carry the day's steps to the diagnostics pass.
 * Invariants: rowAt is the mats offset of the values in eAA … fSS and gRow = gOut of that regime; belowAt likewise
 * for bAA … bFAS and gBelow; the inputs u depend only on the hour and the blanket state; every precomputed factor is
 * the leading sub-expression of the per-step formula it replaces (same operations, same order: bit-identical).
 * @example
 * const k = buildKernel(deriveClimateParams(GREENHOUSE_TYPES['shouguang-earth-wall']));
 * // Three clear January days: −5 °C outside, 400 W m⁻² from 9 to 15 h solar time, starting at 12 °C inside.
 * const toutC = new Float64Array(72).fill(-5);
 * const ghiWPerM2 = new Float64Array(72).map((_, i) => (i % 24 >= 9 && i % 24 < 15 ? 400 : 0));
 * const o = { doy: [15, 16, 17], wet: [0, 0, 0], toutC, ghiWPerM2, initialC: [12, 14, 14] };
 * const out = simulateClimate(k, SMART_RULES, o, allocClimate(3));
 * Array.from(out.tinMinC, (t) => t.toFixed(1)) // => ['9.2', '10.1', '10.7']
 * Array.from(out.tinMaxC, (t) => t.toFixed(1)) // => ['20.0', '20.6', '21.0']
 */
export function simulateClimate(
  k: ClimateKernel,
  rules: ControlRules,
  o: ClimateRunOptions,
  out: ClimateDaily,
): ClimateDaily {
  const p = k.params;
  const mats = k.mats;
  const stride = REGIME_STRIDE; // a local: read once, not per step
  const nVent = k.nVent;
  const ca = p.caJPerKM2;
  const cw = p.cwJPerKM2;
  const cs = p.csJPerKM2;
  let ta = o.initialC?.[0] ?? 20;
  let tw = o.initialC?.[1] ?? 22;
  let ts = o.initialC?.[2] ?? 20;
  const smartVent = rules.vent === 'proportional';
  const smartBlanket = rules.blanket === 'light';
  const forceClosed = !!o.forceBlanketClosed;
  const checkSteps = Math.max(1, Math.round(rules.manualCheckH * STEPS_PER_HOUR));
  // Rule setpoints as locals: read once, not per step.
  const ventFullC = rules.manualVentFullC;
  const ventHalfC = rules.manualVentHalfC;
  const ventCloseC = rules.manualVentCloseC;
  const dayVentC = rules.smartVentC;
  const nightVentC = rules.smartNightVentC;
  const fromDoy = rules.blanketFromDoy;
  const toDoy = rules.blanketToDoy;
  // Manual 'half open' = the vent level closest to 10 air changes per hour.
  let half = 0;
  for (let i = 1; i < nVent; i++) if (Math.abs(p.ventAch[i] - 10) < Math.abs(p.ventAch[half] - 10)) half = i;
  const traceDay = o.traceDay ?? -1;
  out.traceDay = traceDay;
  out.traceTinC.fill(0);
  out.traceParUmol.fill(0);
  const nDays = o.days ?? out.n;
  const diagnostics = o.diagnostics ?? true;
  if (!(nDays >= 0 && nDays <= out.n)) throw new Error(`simulateClimate: days ${nDays} outside 0…${out.n}`);
  const toutC = o.toutC;
  const ghiA = o.ghiWPerM2;
  const doyA = o.doy;
  const wetA = o.wet;
  const tinMaxC = out.tinMaxC;
  const tinMinC = out.tinMinC;
  const tinNightMinC = out.tinNightMinC;
  const tinMeanC = out.tinMeanC;
  const canopyMJPerM2 = out.canopyMJPerM2;
  const frostH = out.frostH;
  const blanketOpenH = out.blanketOpenH;
  const ventLossMJPerM2 = out.ventLossMJPerM2;
  let solarIn = 0;
  let vent = 0; // current vent level (manual keeps it between checks)
  let smartV = 0; // last smart vent level (warm start of the search)
  const gOut = k.gOut;
  const kCov = k.kCov;
  const kCovOpen = kCov[0];
  const kCovClosed = kCov[1];
  const uw = p.uwWPerKM2;
  const ksd = p.ksWPerKM2;
  const fLatent = p.fLatent;
  const ventPerAch = p.ventWPerKM2PerAch;
  const ventAch = p.ventAch;
  // Ventilation conductance per level (the first product of the step's ventilation-loss term).
  const ventG = new Float64Array(nVent);
  for (let v = 0; v < nVent; v++) ventG[v] = ventPerAch * ventAch[v];
  const dKnight = p.kDayWPerKM2 - p.kNightWPerKM2;
  const blanketGain = rules.smartBlanketRatio * dKnight;
  // Exact step of the current regime (blanket state × vent level) held in locals, named as in the REGIME_STRIDE
  // layout (eWA: weight of air in the next wall temperature); rowAt = its offset in mats, gRow its air conductance.
  let rowAt = -1;
  let eAA = 0,
    eAW = 0,
    eAS = 0,
    eWA = 0,
    eWW = 0,
    eWS = 0,
    eSA = 0,
    eSW = 0,
    eSS = 0;
  let fAA = 0,
    fAW = 0,
    fAS = 0,
    fWA = 0,
    fWW = 0,
    fWS = 0,
    fSA = 0,
    fSW = 0,
    fSS = 0;
  let gRow = 0;
  // Smart venting: air row (E, F) of the level below the current one, also held in locals (checked every step).
  let belowAt = -1;
  let bAA = 0,
    bAW = 0,
    bAS = 0,
    bFAA = 0,
    bFAW = 0,
    bFAS = 0;
  let gBelow = 0;
  const iinClosed = 0; // transmitted sun with the blanket down (kept as a variable: same expressions as when open)
  for (let d = 0; d < nDays; d++) {
    const doy = doyA[d];
    const m = monthOf(doy);
    const ws = winterShape(doy);
    const fw = p.fWallMean + p.fWallAmp * ws;
    const tau = p.filmTransmittance * (1 + p.geometryGainAmp * ws);
    const sAir = p.fAir * (1 - fw);
    const sSoil = (1 - p.fLatent - p.fAir) * (1 - fw);
    const tDeep = p.tDeepMeanC + p.tDeepAmpC * Math.cos((2 * Math.PI * (doy - p.tDeepPeakDoy)) / 365);
    const blanketSeason = fromDoy <= toDoy ? doy >= fromDoy && doy <= toDoy : doy >= fromDoy || doy <= toDoy;
    const wetDay = wetA[d] === 1;
    const skyDep = wetDay ? 0 : p.skyDepressionC;
    const openH = wetDay ? 10 : MANUAL_BLANKET_H[m][0];
    const closeH = wetDay ? 14 : MANUAL_BLANKET_H[m][1];
    // Per-day factors of the per-step expressions (each the leading sub-expression there, so values are identical).
    const solarF = sAir + fw + sSoil;
    const canopyF = 1 - fw;
    const gainF = 1 - fLatent * (1 - fw);
    const skyOpen = kCovOpen * skyDep;
    const skyClosed = kCovClosed * skyDep;
    const soilDeep = ksd * tDeep;
    // Blanket down: uAirBase and uSoil do not depend on the hour.
    const uAirBaseClosed = (sAir * iinClosed - skyClosed) / ca;
    const uSoilClosed = (sSoil * iinClosed + soilDeep) / cs;
    const solarClosed = solarF * iinClosed * DT_S;
    const canopyClosed = canopyF * iinClosed * DT_S;
    const traced = d === traceDay;
    let tmax = -Infinity;
    let tmin = Infinity;
    let tsum = 0;
    let canopy = 0;
    let frost = 0;
    const record = diagnostics || traced; // keep the day's steps for the diagnostics/trace pass below
    const taDayStart = ta;
    let checkCount = 0; // quarter-hours since the day's last manual vent check (a check every `checkSteps`)
    for (let h = 0; h < 24; h++) {
      const to = toutC[d * 24 + h];
      const ghi = ghiA[d * 24 + h];
      // Hourly inputs u = C⁻¹ (sources + conductances × boundary temperatures) for both blanket states; only the
      // air term depends on the vent level (uAir = uAirBase + gOut[level]·To/Ca).
      const iinOpen = tau * ghi;
      const toCa = to / ca;
      const uAirBaseOpen = (sAir * iinOpen - skyOpen) / ca;
      const uWallOpen = (fw * iinOpen + uw * to) / cw;
      const uWallClosed = (fw * iinClosed + uw * to) / cw;
      const uSoilOpen = (sSoil * iinOpen + soilDeep) / cs;
      const canopyOpen = canopyF * iinOpen * DT_S;
      const gain = iinOpen * gainF;
      const ventSet = ghi > 0 ? dayVentC : nightVentC;
      for (let s = 0; s < STEPS_PER_HOUR; s++) {
        // Manual vents: a check every `checkSteps` quarter-hours from midnight.
        if (!smartVent) {
          if (checkCount === 0) {
            if (ta > ventFullC) vent = nVent - 1;
            else if (ta > ventHalfC) vent = Math.max(vent, half);
            else if (ta < ventCloseC) vent = vent > half ? half : 0; // step down: full → half → shut
            if (!blanketSeason) {
              // Warm season practice: front film rolled up by day, vents half open on mild nights.
              if (h >= 7 && h < 18 && to > 12) vent = nVent - 1;
              else if (to > 15) vent = Math.max(vent, half);
            }
          }
          if (++checkCount === checkSteps) checkCount = 0;
        }
        // Blanket decision
        let open: boolean;
        if (forceClosed) open = false;
        else if (!blanketSeason) open = true;
        else if (!smartBlanket) {
          const t = h + (s + 0.5) / STEPS_PER_HOUR;
          open = t >= openH && t < closeH;
        } else open = ghi > 0 && gain >= blanketGain * (ta - to + skyDep);
        const b = open ? 0 : 1;
        const uAirBase = open ? uAirBaseOpen : uAirBaseClosed;
        const uWall = open ? uWallOpen : uWallClosed;
        const uSoil = open ? uSoilOpen : uSoilClosed;
        // Smart vent: smallest opening that keeps the next air temperature at or below the setpoint.
        let v = vent;
        if (smartVent) v = smartV < nVent ? smartV : 0;
        else if (blanketSeason && !open) v = vent = 0; // vents are shut when the blanket goes down and stay shut until a check opens them
        const bOff = b * nVent;
        let at = (bOff + v) * stride;
        if (at !== rowAt) {
          // The regime changed: load its exact step into locals (no typed-array reads per step otherwise). The same
          // load follows the smart search below: one block before the air product keeps the manual step as fast as
          // before (a single load after the search measured 4–6 % slower on the manual rules).
          rowAt = at;
          eAA = mats[at + E_AA];
          eAW = mats[at + E_AW];
          eAS = mats[at + E_AS];
          eWA = mats[at + E_WA];
          eWW = mats[at + E_WW];
          eWS = mats[at + E_WS];
          eSA = mats[at + E_SA];
          eSW = mats[at + E_SW];
          eSS = mats[at + E_SS];
          fAA = mats[at + F_AA];
          fAW = mats[at + F_AW];
          fAS = mats[at + F_AS];
          fWA = mats[at + F_WA];
          fWW = mats[at + F_WW];
          fWS = mats[at + F_WS];
          fSA = mats[at + F_SA];
          fSW = mats[at + F_SW];
          fSS = mats[at + F_SS];
          gRow = gOut[bOff + v];
        }
        let uAir = uAirBase + gRow * toCa;
        let na = eAA * ta + eAW * tw + eAS * ts + fAA * uAir + fAW * uWall + fAS * uSoil;
        if (smartVent) {
          // Smallest opening that keeps the next air temperature at or below the setpoint; warm-started from the
          // previous step's level (usually 0–1 level away).
          const vGuess = v;
          while (na > ventSet && v < nVent - 1) {
            v++;
            at = (bOff + v) * stride;
            uAir = uAirBase + gOut[bOff + v] * toCa;
            na = airNext(mats, at, ta, tw, ts, uAir, uWall, uSoil);
          }
          // After opening further the level below is the one just rejected (same numbers, same verdict): no check.
          if (v === vGuess)
            while (v > 0) {
              const atBelow = (bOff + v - 1) * stride;
              if (atBelow !== belowAt) {
                belowAt = atBelow;
                bAA = mats[atBelow + E_AA];
                bAW = mats[atBelow + E_AW];
                bAS = mats[atBelow + E_AS];
                bFAA = mats[atBelow + F_AA];
                bFAW = mats[atBelow + F_AW];
                bFAS = mats[atBelow + F_AS];
                gBelow = gOut[bOff + v - 1];
              }
              const uAirBelow = uAirBase + gBelow * toCa;
              const nb = bAA * ta + bAW * tw + bAS * ts + bFAA * uAirBelow + bFAW * uWall + bFAS * uSoil;
              if (nb > ventSet) break;
              v--;
              at = atBelow;
              uAir = uAirBelow;
              na = nb;
            }
          smartV = v;
          if (at !== rowAt) {
            // The search moved to another level: load it as above.
            rowAt = at;
            eAA = mats[at + E_AA];
            eAW = mats[at + E_AW];
            eAS = mats[at + E_AS];
            eWA = mats[at + E_WA];
            eWW = mats[at + E_WW];
            eWS = mats[at + E_WS];
            eSA = mats[at + E_SA];
            eSW = mats[at + E_SW];
            eSS = mats[at + E_SS];
            fAA = mats[at + F_AA];
            fAW = mats[at + F_AW];
            fAS = mats[at + F_AS];
            fWA = mats[at + F_WA];
            fWW = mats[at + F_WW];
            fWS = mats[at + F_WS];
            fSA = mats[at + F_SA];
            fSW = mats[at + F_SW];
            fSS = mats[at + F_SS];
            gRow = gOut[bOff + v];
          }
        }
        const nw = eWA * ta + eWW * tw + eWS * ts + fWA * uAir + fWW * uWall + fWS * uSoil;
        const ns = eSA * ta + eSW * tw + eSS * ts + fSA * uAir + fSW * uWall + fSS * uSoil;
        if (record) {
          const q = h * STEPS_PER_HOUR + s;
          stepTa[q] = na;
          stepVent[q] = v;
          stepOpen[q] = open ? 1 : 0;
        }
        ta = na;
        tw = nw;
        ts = ns;
        if (ta > tmax) tmax = ta;
        if (ta < tmin) tmin = ta;
        tsum += ta;
        if (ta < 0) frost += 1 / STEPS_PER_HOUR;
        canopy += open ? canopyOpen : canopyClosed;
      }
    }
    if (record) {
      // Diagnostics and the hourly trace from the day's recorded steps, with the expressions and summation order
      // of a single pass (kept out of the step loop, which the engine job runs without them).
      let prev = taDayStart;
      let tnight = Infinity;
      let openCount = 0;
      let ventLoss = 0;
      for (let h = 0; h < 24; h++) {
        const to = toutC[d * 24 + h];
        const ghi = ghiA[d * 24 + h];
        const dark = ghi <= 0;
        const iinOpen = tau * ghi;
        const solarOpen = solarF * iinOpen * DT_S;
        for (let s = 0; s < STEPS_PER_HOUR; s++) {
          const q = h * STEPS_PER_HOUR + s;
          const na = stepTa[q];
          const open = stepOpen[q] === 1;
          if (diagnostics) {
            const tMid = 0.5 * (prev + na);
            ventLoss += ventG[stepVent[q]] * (tMid - to) * DT_S;
            solarIn += open ? solarOpen : solarClosed;
            if (dark && na < tnight) tnight = na;
            if (open) openCount++;
          }
          if (traced) {
            const iin = open ? iinOpen : iinClosed;
            out.traceTinC[h] += na / STEPS_PER_HOUR;
            out.traceParUmol[h] += ((1 - fw) * iin * PAR_UMOL_PER_J_GLOBAL) / STEPS_PER_HOUR;
            if (s === 0) {
              out.traceToutC[h] = to;
              out.traceBlanketOpen[h] = open ? 1 : 0;
            }
          }
          prev = na;
        }
      }
      if (diagnostics) {
        tinNightMinC[d] = tnight;
        blanketOpenH[d] = openCount / STEPS_PER_HOUR;
        ventLossMJPerM2[d] = ventLoss / 1e6;
      }
    }
    if (!diagnostics) {
      tinNightMinC[d] = NaN;
      blanketOpenH[d] = NaN;
      ventLossMJPerM2[d] = NaN;
    }
    tinMaxC[d] = tmax;
    tinMinC[d] = tmin;
    tinMeanC[d] = tsum / (24 * STEPS_PER_HOUR);
    canopyMJPerM2[d] = canopy / 1e6;
    frostH[d] = frost;
  }
  out.solarInJPerM2 = diagnostics ? solarIn : NaN;
  out.state[0] = ta;
  out.state[1] = tw;
  out.state[2] = ts;
  return out;
}
