/**
 * Online service items of one district as a finite set (issue #21): each item not yet online at the end of 2017
 * switches at its own time drawn from the uptake curve (inverse CDF of Bass, or uniform over the linear ramp), the
 * way the collaborative office's units switch. The district share is (items online) / (items), so it reaches exactly
 * 1 when the last item switches, and its mean over draws is the closed-form curve (anchor + (1 − anchor)·F(t)).
 * An optional mandate makes every item still offline at (deadline + the district's slip) switch then.
 */
import type { Rng } from '../lib/rng.ts';
import { bassInverse } from './bass.ts';
import { monthEndDay, monthOfFinish } from '../lib/calendar.ts';

const DAYS_PER_YEAR = 365.2425;
const DAYS_PER_MONTH = DAYS_PER_YEAR / 12;

/** Uptake curve of the items still offline at `startDay`, with the district's speed factor already applied. */
export interface ItemCurve {
  curve: 'bass' | 'linear';
  /** Bass p and q per year (speed factor included). */
  pPerYear: number;
  qPerYear: number;
  /** Linear ramp: share points per year (speed factor included). */
  linearRatePerYear: number;
}

/** Mandate: deadline (day number since 2017-01-01) and the district's slip past it in days (already drawn). */
export interface ItemMandate {
  deadlineDay: number;
  slipDays: number;
}

/**
 * Exponential slip of one district past a mandate deadline, in days, from a uniform `u` (mean `slipMeanMonths`):
 * the caller draws `u` whatever the mean, so the draw order does not depend on the parameter.
 * @example slipDays(1 - Math.exp(-1), 12).toFixed(2) // => '365.24'
 */
export function slipDays(u: number, slipMeanMonths: number): number {
  return -Math.log(1 - u) * slipMeanMonths * DAYS_PER_MONTH;
}

/**
 * Switch day (days since 2017-01-01) of one item still offline at `startDay`, from a uniform `u`: the Bass inverse
 * CDF, or a uniform time over the linear ramp that takes the remaining `1 − onlineShare` to 1; then capped by the
 * mandate (never before `startDay`). Infinity when the curve never gets there (zero rate, no mandate).
 * @example itemSwitchDay(0.5, 0, 0.5, { curve: 'linear', pPerYear: 0, qPerYear: 0, linearRatePerYear: 0.25 }, null) // => 365.2425
 */
export function itemSwitchDay(
  u: number,
  startDay: number,
  onlineShare: number,
  c: ItemCurve,
  mandate: ItemMandate | null,
): number {
  let years: number;
  if (c.curve === 'bass') years = bassInverse(u, c.pPerYear, c.qPerYear);
  else years = c.linearRatePerYear > 0 ? (u * (1 - onlineShare)) / c.linearRatePerYear : Infinity;
  let day = startDay + years * DAYS_PER_YEAR;
  if (mandate) {
    const forced = Math.max(startDay, mandate.deadlineDay + mandate.slipDays);
    if (forced < day) day = forced;
  }
  return day;
}

/**
 * Monthly share of a district's `nItems` service items online at the end of each grid month (`out`, length = grid
 * months). Until `startDay` (end 2017) the share ramps linearly from `janShare` to k0/nItems, k0 = round(anchor ·
 * nItems) items online at `startDay`; each of the nItems − k0 others switches at `itemSwitchDay` of one uniform draw
 * (nItems − k0 draws from `rng`, in item order). `counts` is scratch of length out.length + 1.
 */
export function serviceItemShares(
  nItems: number,
  anchor: number,
  janShare: number,
  startDay: number,
  c: ItemCurve,
  mandate: ItemMandate | null,
  rng: Rng,
  counts: Float64Array,
  out: Float64Array,
): Float64Array {
  const months = out.length;
  const k0 = Math.min(nItems, Math.max(0, Math.round(anchor * nItems)));
  const online0 = k0 / nItems;
  counts.fill(0);
  for (let i = k0; i < nItems; i++) {
    let m = monthOfFinish(itemSwitchDay(rng.next(), startDay, online0, c, mandate));
    if (m > months) m = months;
    counts[m]!++;
  }
  let cum = k0;
  for (let m = 0; m < months; m++) {
    const t = monthEndDay(m);
    cum += counts[m]!;
    out[m] = t < startDay ? janShare + ((online0 - janShare) * t) / startDay : cum / nItems;
  }
  return out;
}
