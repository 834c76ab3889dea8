/**
 * Zod building blocks shared by the scenario sections of the monthly models (rollout, clouds): an ISO date and a
 * three-point (Beta-PERT) estimate.
 */
import { z } from 'zod';

/** ISO date `YYYY-MM-DD`. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'an ISO date YYYY-MM-DD')
  // The regex lets 2018-02-30 through; a date must exist on the calendar (and stay in a range the models handle).
  .refine(isCalendarDate, { message: 'not a date on the calendar (e.g. February has 28 or 29 days)' })
  .refine((d) => d >= '2000-01-01' && d <= '2100-12-31', { message: 'must be between 2000-01-01 and 2100-12-31' });

/**
 * True when `YYYY-MM-DD` names a real day (leap years included).
 * @example
 * isCalendarDate('2020-02-29') // => true
 * isCalendarDate('2019-02-29') // => false
 */
export function isCalendarDate(iso: string): boolean {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * A three-point estimate (optimistic a ≤ most likely m ≤ pessimistic b).
 * @example
 * const t = threePoint({ a: 5, m: 10, b: 30 }, 'days; assumption');
 * t.parse({}) // => { a: 5, m: 10, b: 30 }
 * t.parse({ b: 40 }) // => { a: 5, m: 10, b: 40 }
 * t.parse({ m: 50 }) // throws 'a ≤ m ≤ b'
 */
export function threePoint(def: { a: number; m: number; b: number }, describe: string, max = 10 * def.b) {
  // Every value that drives work needs an upper bound (a huge duration or count must not hang a run); the default
  // allows ten times the default pessimistic value.
  return z
    .strictObject({
      a: z.number().min(0).max(max).default(def.a).describe('optimistic'),
      m: z.number().min(0).max(max).default(def.m).describe('most likely'),
      b: z.number().min(0).max(max).default(def.b).describe('pessimistic'),
    })
    .refine((t) => t.a <= t.m && t.m <= t.b, { message: 'needs a ≤ m ≤ b' })
    .prefault({})
    .describe(describe);
}
