/**
 * Zibo's district/county codes for scenario fields keyed by code: a key is valid only when data/zibo/districts.csv
 * has it (a regex such as /^3703\d\d$/ also accepts 370399 or the city's own 370300, which no model knows).
 */
import { z } from 'zod';
import { loadDistricts } from '../../data/index.ts';

let cached: string[] | undefined;

/**
 * The 8 county-level codes of Zibo, ascending (read once from data/zibo/districts.csv).
 * @example
 * countyCodes().length // => 8
 * countyCodes()[0] // => '370302'
 */
export function countyCodes(): string[] {
  cached ??= loadDistricts()
    .map((d) => d.code)
    .sort();
  return cached;
}

/** A zod string that must be one of Zibo's county codes; the message lists them. */
export function countyCodeKey() {
  return z.string().refine((c) => countyCodes().includes(c), {
    error: (iss) =>
      `unknown district/county code ${JSON.stringify(iss.input)}; Zibo's codes are ${countyCodes().join(', ')} (the city itself, 370300, is not a county)`,
  });
}
