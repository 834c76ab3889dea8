/**
 * Colour scales of the dashboard theme (readable on a dark meeting-room screen; ordered by lightness so they
 * survive a grey-scale projector). One meaning per colour across the charts and the map (issue 18):
 * - run A (the shown run, usually the baseline) is cyan, run B (the compared run) orange, in every chart;
 * - the target's threshold and deadline are red, target statuses green / amber / red / grey;
 * - the progress ramp of the map runs from dark slate through plum to gold, and a district that has reached the
 *   target's threshold is drawn in the status colour "met" (green);
 * - actual observations are magenta and the re-forecast light green (progress/chart.ts);
 * - differences A − B use their own diverging pair, olive (A lower) ↔ violet (A higher), with a grey neutral
 *   band: neither end reuses a run's colour (nor the actuals'), so "orange" never means both "B" and "A higher".
 */

type Rgb = [number, number, number];
const lerp = (a: number, b: number, f: number) => a + (b - a) * f;

function ramp(stops: Rgb[], f: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const g = x - i;
  return [0, 1, 2].map((k) => Math.round(lerp(stops[i][k], stops[i + 1][k], g))) as Rgb;
}

/** Colours of the roles shared by charts and map (CSS). */
export const ROLE_COLOUR: Readonly<Record<'runA' | 'runB' | 'target', string>> = {
  /** The shown run (A) in every chart. */
  runA: '#4fd1ff',
  /** The compared run (B) in every chart. */
  runB: '#ff9f43',
  /** A target's threshold line and deadline marker. */
  target: '#ef5a5a',
};

/** Status colours of targets. */
export const STATUS_COLOUR: Record<string, string> = {
  met: '#3ccf91',
  'at-risk': '#f5b942',
  missed: '#ef5a5a',
  'no-data': '#6b7890',
};

/** Progress 0..1 toward a target (or a share 0..1): dark slate (nothing) → plum → gold (nearly there). */
const PROGRESS: Rgb[] = [
  [38, 50, 72],
  [96, 62, 128],
  [168, 84, 140],
  [226, 170, 84],
  [246, 226, 130],
];
/** "Target reached": the status colour of a met target. */
export const REACHED: Rgb = [60, 207, 145];
/** Volume/capacity: green → yellow → red → dark red. */
const VC: Rgb[] = [
  [46, 204, 113],
  [241, 196, 15],
  [231, 76, 60],
  [120, 20, 40],
];
/** Difference A − B: olive (A lower) → grey → violet (A higher); the ends are the saturated colours. */
const DIFF_LOW: Rgb = [168, 170, 56];
const DIFF_HIGH: Rgb = [132, 112, 250];
/** Differences inside the neutral band: grey, the same grey in the legend. */
export const DIFF_NEUTRAL: Rgb = [104, 112, 128];

/** Progress ramp (no "reached" colour). @example shareColour(0) // => [38, 50, 72] */
export function shareColour(f: number): Rgb {
  return ramp(PROGRESS, f);
}

/**
 * Colour of progress `f` toward a threshold: the ramp below it, the "met" green once reached.
 * @example progressColour(1, true) // => REACHED
 */
export function progressColour(f: number, reached: boolean): Rgb {
  return reached ? REACHED : ramp(PROGRESS, f);
}

/** @example vcColour(1.0) // => [176, 48, 50] */
export function vcColour(vc: number): Rgb {
  return ramp(VC, vc / 1.2);
}

/**
 * A signed difference on a fixed symmetric scale: |d| below `neutralBand` is the neutral grey (noise is not blown
 * up into colour); beyond it the colour grows from a light tint to the saturated end at |d| = `scale`.
 * @example diffColour(0.001, 0.2, 0.01) // => DIFF_NEUTRAL
 * @example diffColour(0.2, 0.2, 0.01) // => [132, 112, 250]
 */
export function diffColour(d: number, scale: number, neutralBand = 0): Rgb {
  const s = scale > 0 ? scale : 1;
  const a = Math.abs(Number.isFinite(d) ? d : 0);
  if (a <= neutralBand) return DIFF_NEUTRAL;
  // From 25 % of the way to the end colour just outside the band, so the band's edge is visible.
  const f = 0.25 + 0.75 * Math.min(1, (a - neutralBand) / Math.max(1e-12, s - neutralBand));
  const end = d > 0 ? DIFF_HIGH : DIFF_LOW;
  return [0, 1, 2].map((k) => Math.round(lerp(DIFF_NEUTRAL[k], end[k], f))) as Rgb;
}

/**
 * CSS gradient stops of the difference scale for a legend bar from −scale to +scale, with the neutral band drawn
 * at its true width. @example diffGradient(0.2, 0.01).startsWith('rgb(168,170,56) 0%') // => true
 */
export function diffGradient(scale: number, neutralBand: number): string {
  const b = Math.min(49, (50 * neutralBand) / (scale || 1));
  const c = (d: number) => css(diffColour(d, scale, neutralBand));
  const e = scale * 1e-6;
  return [
    `${c(-scale)} 0%`,
    `${c(-neutralBand - e)} ${50 - b}%`,
    `${css(DIFF_NEUTRAL)} ${50 - b}%`,
    `${css(DIFF_NEUTRAL)} ${50 + b}%`,
    `${c(neutralBand + e)} ${50 + b}%`,
    `${c(scale)} 100%`,
  ].join(',');
}

/** CSS gradient stops of the progress ramp. @example progressGradient().startsWith('rgb(38,50,72) 0%,') // => true */
export function progressGradient(): string {
  return [0, 0.25, 0.5, 0.75, 1].map((f) => `${css(shareColour(f))} ${f * 100}%`).join(',');
}

/** `rgb()` CSS string. @example css([1, 2, 3]) // => 'rgb(1,2,3)' */
export function css(c: Rgb): string {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/**
 * Normalises a metric value to 0..1 for colouring: shares are already 0..1; anything else is scaled to [lo, hi].
 * @example normalise(0.4, 'share', 0, 1) // => 0.4
 */
export function normalise(v: number, unit: string, lo: number, hi: number): number {
  if (/share|fraction|0\.\.1|ratio 0/i.test(unit) || (lo >= 0 && hi <= 1)) return v;
  return hi > lo ? (v - lo) / (hi - lo) : 0.5;
}

/** A round number at or below `v` (shares to whole 10 %, others to one significant step). @example niceFloor(0.734, true) // => 0.7 */
export function niceFloor(v: number, share: boolean): number {
  if (share) return Math.floor(v * 10 + 1e-9) / 10;
  if (v === 0 || !Number.isFinite(v)) return 0;
  const step = 10 ** Math.floor(Math.log10(Math.abs(v)));
  return Math.floor(v / step) * step;
}

/** A round number at or above `v > 0` (1, 2 or 5 × a power of ten). @example niceCeil(0.13) // => 0.2 */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = v / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/**
 * How a district metric is coloured: a progress scale from `from` (the value farthest from the goal seen in the
 * plan period) to `to` (the target's threshold; for a "≤" target `from` is above `to`), with values that meet the
 * threshold in the "reached" colour; without a threshold, `to` is the top of the scale and nothing is "reached".
 */
export interface ProgressScale {
  from: number;
  to: number;
  /** The threshold and its comparator when the scale is a target's. */
  threshold: number | null;
  comparator: '>=' | '<=';
}

/**
 * The progress scale of a metric from all its district values over the plan period (fixed for the whole period, so
 * the months compare) and an optional target. Shares without a target run 0 → 100 %.
 * @example progressScale([0.2, 0.9], true, { threshold: 1, comparator: '>=' }) // => { from: 0.2, to: 1, threshold: 1, comparator: '>=' }
 */
export function progressScale(
  values: number[],
  share: boolean,
  target: { threshold: number; comparator: string } | null,
): ProgressScale {
  const finite = values.filter(Number.isFinite);
  const lo = finite.length ? Math.min(...finite) : 0,
    hi = finite.length ? Math.max(...finite) : 1;
  if (!target) {
    if (share) return { from: 0, to: 1, threshold: null, comparator: '>=' };
    return { from: niceFloor(lo, false), to: hi > lo ? hi : lo + 1, threshold: null, comparator: '>=' };
  }
  const thr = target.threshold;
  if (target.comparator === '<=') {
    const from = hi > thr ? hi : thr + (share ? 0.1 : Math.abs(thr) * 0.1 || 1);
    return { from, to: thr, threshold: thr, comparator: '<=' };
  }
  let from = niceFloor(lo, share);
  if (from >= thr) from = share ? Math.max(0, thr - 0.1) : thr - (Math.abs(thr) * 0.1 || 1);
  return { from, to: thr, threshold: thr, comparator: '>=' };
}

/** Colour of `v` on a progress scale. @example scaleColour(progressScale([0.2, 0.9], true, { threshold: 1, comparator: '>=' }), 1) // => REACHED */
export function scaleColour(s: ProgressScale, v: number): Rgb {
  const reached = s.threshold !== null && (s.comparator === '<=' ? v <= s.threshold : v >= s.threshold);
  return progressColour((v - s.from) / (s.to - s.from || 1), reached);
}

/**
 * The fixed, symmetric difference scale of a metric: shares saturate at ±20 percentage points with a neutral band
 * of ±1 point; other metrics at a round quarter of their range over both runs, neutral within 5 % of that.
 * @example diffScale([], true) // => { scale: 0.2, band: 0.01 }
 */
export function diffScale(values: number[], share: boolean): { scale: number; band: number } {
  if (share) return { scale: 0.2, band: 0.01 };
  const finite = values.filter(Number.isFinite);
  const range = finite.length ? Math.max(...finite) - Math.min(...finite) : 0;
  const scale = niceCeil(range / 4 || 1);
  return { scale, band: scale / 20 };
}
