/**
 * Zod building blocks shared by the scenario sections of the monthly models (rollout, clouds): an ISO date and a
 * three-point (Beta-PERT) estimate.
 */
import { z } from 'zod';

/** ISO date `YYYY-MM-DD`. */
export const isoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'an ISO date YYYY-MM-DD');

/**
 * A three-point estimate (optimistic a ≤ most likely m ≤ pessimistic b).
 * @example threePoint({ a: 5, m: 10, b: 30 }, 'days; assumption')
 */
export function threePoint(def: { a: number; m: number; b: number }, describe: string) {
  return z
    .strictObject({
      a: z.number().min(0).default(def.a).describe('optimistic'),
      m: z.number().min(0).default(def.m).describe('most likely'),
      b: z.number().min(0).default(def.b).describe('pessimistic'),
    })
    .refine((t) => t.a <= t.m && t.m <= t.b, { message: 'needs a ≤ m ≤ b' })
    .prefault({})
    .describe(describe);
}
