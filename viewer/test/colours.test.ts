/**
 * The map's colour scales (issue 18 item 3): progress toward a threshold, the fixed symmetric A − B scale with its
 * neutral band, and one meaning per colour (the difference palette does not reuse the runs' chart colours).
 */
import { describe, expect, it } from 'vitest';
import { ACTUAL_COLOUR, REFORECAST_COLOUR } from '../src/progress/chart.ts';
import {
  css,
  DIFF_NEUTRAL,
  diffColour,
  diffScale,
  niceCeil,
  niceFloor,
  progressScale,
  REACHED,
  ROLE_COLOUR,
  scaleColour,
  shareColour,
} from '../src/colours.ts';

const hex = (c: number[]) => `#${c.map((x) => x.toString(16).padStart(2, '0')).join('')}`;
/** Squared RGB distance between a colour and a CSS hex colour. */
const dist = (c: number[], h: string) =>
  c.reduce((s, x, i) => s + (x - parseInt(h.slice(1 + 2 * i, 3 + 2 * i), 16)) ** 2, 0);

describe('progress scale', () => {
  it('runs from the lowest district value (rounded down) to the threshold; values meeting it are "reached"', () => {
    const s = progressScale([0.34, 0.8, 0.99], true, { threshold: 1, comparator: '>=' });
    expect(s).toEqual({ from: 0.3, to: 1, threshold: 1, comparator: '>=' });
    expect(scaleColour(s, 1)).toEqual(REACHED);
    expect(scaleColour(s, 0.99)).not.toEqual(REACHED);
    // Progress is monotone in lightness below the threshold.
    const lum = (c: number[]) => 0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2];
    expect(lum(scaleColour(s, 0.9))).toBeGreaterThan(lum(scaleColour(s, 0.5)));
  });
  it('a "≤" target counts down to its threshold; shares without a target run 0 → 100 %', () => {
    const s = progressScale([1.2, 1.9], false, { threshold: 1.5, comparator: '<=' });
    expect(s.from).toBe(1.9);
    expect(s.to).toBe(1.5);
    expect(scaleColour(s, 1.4)).toEqual(REACHED);
    expect(scaleColour(s, 1.9)).toEqual(shareColour(0));
    expect(progressScale([0.99, 1], true, null)).toEqual({ from: 0, to: 1, threshold: null, comparator: '>=' });
  });
  it('a metric already past the threshold everywhere still gets a scale below it', () => {
    const s = progressScale([0.98, 0.99], true, { threshold: 0.7, comparator: '>=' });
    expect(s.from).toBeLessThan(0.7);
  });
  it('rounds to readable ticks', () => {
    expect(niceFloor(0.734, true)).toBe(0.7);
    expect(niceFloor(137, false)).toBe(100);
    expect(niceCeil(0.13)).toBe(0.2);
    expect(niceCeil(3.1)).toBe(5);
  });
});

describe('difference scale', () => {
  it('shares: fixed ±20 pp, differences within ±1 pp drawn neutral, not blown up', () => {
    const { scale, band } = diffScale([], true);
    expect(scale).toBe(0.2);
    expect(band).toBe(0.01);
    expect(diffColour(0.0013, scale, band)).toEqual(DIFF_NEUTRAL);
    expect(diffColour(-0.0099, scale, band)).toEqual(DIFF_NEUTRAL);
    expect(diffColour(0.02, scale, band)).not.toEqual(DIFF_NEUTRAL);
    // Symmetric: +d and −d are the same share of the way to their ends; the ends saturate at the scale.
    const far = (d: number) => dist(diffColour(d, scale, band), hex(DIFF_NEUTRAL));
    expect(Math.sqrt(far(0.1) / far(0.2))).toBeCloseTo(Math.sqrt(far(-0.1) / far(-0.2)), 2);
    expect(diffColour(0.2, scale, band)).toEqual(diffColour(0.5, scale, band));
    expect(far(0.05)).toBeLessThan(far(0.15));
  });
  it('other metrics: a round quarter of their range, neutral within 5 % of it', () => {
    expect(diffScale([10, 14], false)).toEqual({ scale: 1, band: 0.05 });
  });
  it('"A higher" and "A lower" do not reuse the chart colours of the runs or the actuals (one meaning per colour)', () => {
    for (const end of [diffColour(1, 1, 0), diffColour(-1, 1, 0)])
      for (const run of [ROLE_COLOUR.runA, ROLE_COLOUR.runB, ACTUAL_COLOUR, REFORECAST_COLOUR])
        expect(dist(end, run), `${css(end)} vs ${run}`).toBeGreaterThan(60 ** 2);
  });
});
