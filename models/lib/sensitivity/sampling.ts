/**
 * Low-discrepancy and Saltelli sampling for global sensitivity analysis.
 *
 * Sobol' sequence (Sobol' 1967) in base 2 with the Joe & Kuo (2008) direction numbers ("new-joe-kuo-6.21201", the
 * same table as scipy.stats.qmc.Sobol and SALib), generated in Gray-code order (Antonov & Saleev 1979; Bratley & Fox
 * 1988), unscrambled: point i of this generator equals point i of `scipy.stats.qmc.Sobol(d, scramble=False)`.
 * Dimension 1 is the van der Corput sequence; dimensions 2..40 use the primitive polynomials below, enough for a
 * Saltelli design of up to 20 parameters (which needs 2·d dimensions).
 *
 * Saltelli design (Saltelli 2002; Saltelli et al. 2010, "Variance based sensitivity analysis of model output. Design
 * and estimator for the total sensitivity index", Comput. Phys. Commun. 181:259–270): two independent N × d matrices A
 * (Sobol' columns 1..d) and B (columns d+1..2d), and for each parameter i the matrix A_B^i = A with column i taken
 * from B. The model is run N·(d + 2) times.
 */
import type { Rng } from '../rng.ts';

/**
 * Joe–Kuo primitive polynomials (as the integer with the leading and trailing 1 bits, e.g. 7 = x² + x + 1) and the
 * initial direction numbers m_1..m_s for dimensions 2..40.
 */
const JOE_KUO: ReadonlyArray<readonly number[]> = [
  [3, 1],
  [7, 1, 3],
  [11, 1, 3, 1],
  [13, 1, 1, 1],
  [19, 1, 1, 3, 3],
  [25, 1, 3, 5, 13],
  [37, 1, 1, 5, 5, 17],
  [41, 1, 1, 5, 5, 5],
  [47, 1, 1, 7, 11, 19],
  [55, 1, 1, 5, 1, 1],
  [59, 1, 1, 1, 3, 11],
  [61, 1, 3, 5, 5, 31],
  [67, 1, 3, 3, 9, 7, 49],
  [91, 1, 1, 1, 15, 21, 21],
  [97, 1, 3, 1, 13, 27, 49],
  [103, 1, 1, 1, 15, 7, 5],
  [109, 1, 3, 1, 15, 13, 25],
  [115, 1, 1, 5, 5, 19, 61],
  [131, 1, 3, 7, 11, 23, 15, 103],
  [137, 1, 3, 7, 13, 13, 15, 69],
  [143, 1, 1, 3, 13, 7, 35, 63],
  [145, 1, 3, 5, 9, 1, 25, 53],
  [157, 1, 3, 1, 13, 9, 35, 107],
  [167, 1, 3, 1, 5, 27, 61, 31],
  [171, 1, 1, 5, 11, 19, 41, 61],
  [185, 1, 3, 5, 3, 3, 13, 69],
  [191, 1, 1, 7, 13, 1, 19, 1],
  [193, 1, 3, 7, 5, 13, 19, 59],
  [203, 1, 1, 3, 9, 25, 29, 41],
  [211, 1, 3, 5, 13, 23, 1, 55],
  [213, 1, 3, 7, 3, 13, 59, 17],
  [229, 1, 3, 1, 3, 5, 53, 69],
  [239, 1, 1, 5, 5, 23, 33, 13],
  [241, 1, 1, 7, 7, 1, 61, 123],
  [247, 1, 1, 7, 9, 13, 61, 49],
  [253, 1, 3, 3, 5, 3, 55, 33],
  [285, 1, 3, 1, 15, 31, 13, 49, 245],
  [299, 1, 3, 5, 15, 31, 59, 63, 97],
  [301, 1, 3, 1, 11, 11, 11, 77, 249],
];

/** Most dimensions the built-in direction numbers support. */
export const SOBOL_MAX_DIMENSIONS = JOE_KUO.length + 1;

/** Bits per coordinate: points are multiples of 2^-BITS, at most 2^BITS points. */
const BITS = 30;

/** Direction numbers v[j][k] (scaled to BITS bits) for dimension j, bit k. */
function directionNumbers(dims: number): Uint32Array[] {
  const out: Uint32Array[] = [];
  for (let j = 0; j < dims; j++) {
    const v = new Uint32Array(BITS);
    if (j === 0) {
      for (let k = 0; k < BITS; k++) v[k] = 1 << (BITS - 1 - k);
    } else {
      const row = JOE_KUO[j - 1]!;
      const poly = row[0]!;
      const s = Math.floor(Math.log2(poly));
      // Middle coefficients a_1..a_{s-1} of the polynomial, as bits (the leading and trailing 1 dropped).
      const a = (poly >> 1) & ((1 << (s - 1)) - 1);
      for (let k = 0; k < s && k < BITS; k++) v[k] = row[k + 1]! << (BITS - 1 - k);
      for (let k = s; k < BITS; k++) {
        // Bratley & Fox recurrence: v_k = a_1 v_{k-1} ⊕ … ⊕ a_{s-1} v_{k-s+1} ⊕ v_{k-s} ⊕ (v_{k-s} >> s).
        let x = v[k - s]! ^ (v[k - s]! >>> s);
        for (let l = 1; l < s; l++) if ((a >> (s - 1 - l)) & 1) x ^= v[k - l]!;
        v[k] = x;
      }
    }
    out.push(v);
  }
  return out;
}

/**
 * The first `n` points of the unscrambled Sobol' sequence in `dims` dimensions, row-major (point i, dimension j at
 * i·dims + j), values in [0, 1). The first point is the origin (as in scipy; skip it with `skip: 1` if wanted).
 * @example sobolSequence(4, 2) // => Float64Array.of(0, 0, 0.5, 0.5, 0.75, 0.25, 0.25, 0.75)
 */
export function sobolSequence(n: number, dims: number, opts: { skip?: number } = {}): Float64Array {
  if (!Number.isInteger(dims) || dims < 1 || dims > SOBOL_MAX_DIMENSIONS)
    throw new Error(`Sobol' dimensions ${dims}: must be an integer in 1..${SOBOL_MAX_DIMENSIONS}`);
  const skip = opts.skip ?? 0;
  if (!Number.isInteger(n) || n < 0 || n + skip > 2 ** BITS)
    throw new Error(`Sobol' points ${n} (skip ${skip}): must be an integer with n + skip ≤ 2^${BITS}`);
  const v = directionNumbers(dims);
  const x = new Uint32Array(dims);
  const out = new Float64Array(n * dims);
  const scale = 2 ** -BITS;
  // Gray-code order: point i+1 differs from point i by the direction number of the lowest zero bit of i.
  for (let i = 0; i < n + skip; i++) {
    if (i >= skip) for (let j = 0; j < dims; j++) out[(i - skip) * dims + j] = x[j]! * scale;
    let c = 0;
    while ((i >> c) & 1) c++;
    if (c >= BITS) break;
    for (let j = 0; j < dims; j++) x[j] = (x[j]! ^ v[j]![c]!) >>> 0;
  }
  return out;
}

/** A model input with its range (uniform between lo and hi unless the caller transforms the unit sample). */
export interface Factor {
  name: string;
  lo: number;
  hi: number;
}

/** Saltelli's matrices, each n × d row-major in the factors' units. */
export interface SaltelliDesign {
  n: number;
  d: number;
  a: Float64Array;
  b: Float64Array;
  /** ab[i] = A with column i from B. */
  ab: Float64Array[];
}

/**
 * Check factor ranges (finite, lo < hi) and names; throws naming the factor and the fix.
 * @example
 * checkFactors([{ name: 'x1', lo: 0, hi: 1 }]) // => undefined
 * checkFactors([{ name: 'x1', lo: 1, hi: 1 }]) // throws 'x1'
 */
export function checkFactors(factors: readonly Factor[]): void {
  if (factors.length === 0) throw new Error('no factors: give at least one {name, lo, hi}');
  const seen = new Set<string>();
  for (const f of factors) {
    if (seen.has(f.name)) throw new Error(`factor "${f.name}" appears twice; names must be unique`);
    seen.add(f.name);
    if (!Number.isFinite(f.lo) || !Number.isFinite(f.hi) || !(f.lo < f.hi))
      throw new Error(`factor "${f.name}": range [${f.lo}, ${f.hi}] must be finite with lo < hi`);
  }
}

/**
 * Build the Saltelli design of N base samples: from the Sobol' sequence (default, 2·d ≤ 40 dimensions) or from a
 * seeded Rng (`rng` given: plain Monte Carlo, for bootstrap-free replication studies or more than 20 factors).
 * @example
 * const des = saltelliDesign([{ name: 'x', lo: 0, hi: 1 }, { name: 'y', lo: 10, hi: 20 }], 4);
 * des.ab.length // => 2
 * des.a // => Float64Array.of(0.5, 15, 0.75, 12.5, 0.25, 17.5, 0.375, 13.75)
 * des.b // => Float64Array.of(0.5, 15, 0.25, 12.5, 0.75, 17.5, 0.625, 18.75)
 */
export function saltelliDesign(factors: readonly Factor[], n: number, rng?: Rng): SaltelliDesign {
  checkFactors(factors);
  const d = factors.length;
  if (!Number.isInteger(n) || n < 2) throw new Error(`Saltelli base sample size ${n}: must be an integer ≥ 2`);
  let unit: Float64Array;
  if (rng) {
    unit = new Float64Array(n * 2 * d);
    for (let k = 0; k < unit.length; k++) unit[k] = rng.next();
  } else {
    if (2 * d > SOBOL_MAX_DIMENSIONS)
      throw new Error(`${d} factors need ${2 * d} Sobol' dimensions (max ${SOBOL_MAX_DIMENSIONS}); pass an rng`);
    // Skip the origin: it sits on the corner of every factor range, which some models cannot take.
    unit = sobolSequence(n, 2 * d, { skip: 1 });
  }
  const a = new Float64Array(n * d);
  const b = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) {
      const f = factors[j]!;
      const w = f.hi - f.lo;
      a[r * d + j] = f.lo + w * unit[r * 2 * d + j]!;
      b[r * d + j] = f.lo + w * unit[r * 2 * d + d + j]!;
    }
  }
  const ab: Float64Array[] = [];
  for (let i = 0; i < d; i++) {
    const m = a.slice();
    for (let r = 0; r < n; r++) m[r * d + i] = b[r * d + i]!;
    ab.push(m);
  }
  return { n, d, a, b, ab };
}
