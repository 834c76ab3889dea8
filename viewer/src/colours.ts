/**
 * Colour scales of the dashboard theme (readable on a dark meeting-room screen; ordered by lightness so they
 * survive a grey-scale projector).
 */

type Rgb = [number, number, number];
const lerp = (a: number, b: number, f: number) => a + (b - a) * f;

function ramp(stops: Rgb[], f: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const g = x - i;
  return [0, 1, 2].map((k) => Math.round(lerp(stops[i][k], stops[i + 1][k], g))) as Rgb;
}

/** Share 0..1: dark slate (nothing live) → amber → teal-green (all live). */
const SHARE: Rgb[] = [
  [38, 50, 72],
  [120, 72, 150],
  [230, 140, 60],
  [250, 210, 80],
  [60, 200, 150],
];
/** Volume/capacity: green → yellow → red → dark red. */
const VC: Rgb[] = [
  [46, 204, 113],
  [241, 196, 15],
  [231, 76, 60],
  [120, 20, 40],
];
/** Difference A − B: blue (A lower) → grey → orange (A higher). */
const DIFF: Rgb[] = [
  [52, 120, 246],
  [90, 100, 120],
  [255, 140, 40],
];

/** @example shareColour(0.5) // => [230, 140, 60] */
export function shareColour(f: number): Rgb {
  return ramp(SHARE, f);
}
/**
 * Volume/capacity ratio: green when free-flowing, red at capacity, dark red from 1.2 on.
 * @example
 * vcColour(0) // => [46, 204, 113]
 * vcColour(1.0) // => [176, 48, 50]
 * [vcColour(1.2), vcColour(2)] // => [[120, 20, 40], [120, 20, 40]]
 */
export function vcColour(vc: number): Rgb {
  return ramp(VC, vc / 1.2);
}
/**
 * Signed difference scaled by `scale` (value at which the colour saturates).
 * @example
 * [diffColour(0, 0.2), diffColour(0.1, 0.2), diffColour(-0.1, 0.2)] // => [[90, 100, 120], [173, 120, 80], [71, 110, 183]]
 */
export function diffColour(d: number, scale: number): Rgb {
  return ramp(DIFF, 0.5 + 0.5 * (d / (scale || 1)));
}

/**
 * `rgb()` CSS string.
 * @example
 * css([1, 2, 3]) // => 'rgb(1,2,3)'
 */
export function css(c: Rgb): string {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Status colours of targets. */
export const STATUS_COLOUR: Record<string, string> = {
  met: '#3ccf91',
  'at-risk': '#f5b942',
  missed: '#ef5a5a',
  'no-data': '#6b7890',
};

/**
 * Normalises a metric value to 0..1 for colouring: shares are already 0..1; anything else is scaled to [lo, hi].
 * @example normalise(0.4, 'share', 0, 1) // => 0.4
 */
export function normalise(v: number, unit: string, lo: number, hi: number): number {
  if (/share|fraction|0\.\.1|ratio 0/i.test(unit) || (lo >= 0 && hi <= 1)) return v;
  return hi > lo ? (v - lo) / (hi - lo) : 0.5;
}
