/**
 * Every number a scenario can set has a finite upper bound: a value that drives work (requests per day, systems,
 * durations) must not be able to hang a run (issue: clouds.frontend.requestsPerDay2017: 1e13 validated and hung).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { scenarioSchema } from '../scenario.ts';

interface ZodLike {
  def?: { type: string; innerType?: ZodLike; in?: ZodLike; element?: ZodLike; valueType?: ZodLike };
  shape?: Record<string, ZodLike>;
  maxValue?: number | null;
}

/** Paths of number fields without a finite upper bound (walks objects, arrays, records and wrappers). */
function unboundedNumbers(t: ZodLike | undefined, at: string, out: string[] = []): string[] {
  const d = t?.def;
  if (!d) return out;
  if (['default', 'prefault', 'optional', 'nullable', 'readonly'].includes(d.type))
    return unboundedNumbers(d.innerType, at, out);
  if (d.type === 'pipe') return unboundedNumbers(d.in, at, out);
  if (d.type === 'object') for (const [k, v] of Object.entries(t!.shape!)) unboundedNumbers(v, `${at}.${k}`, out);
  else if (d.type === 'array') unboundedNumbers(d.element, `${at}[]`, out);
  else if (d.type === 'record') unboundedNumbers(d.valueType, `${at}{}`, out);
  else if (d.type === 'number') {
    const hi = t!.maxValue;
    if (hi == null || !Number.isFinite(hi) || hi >= Number.MAX_SAFE_INTEGER) out.push(at);
  }
  return out;
}

describe('scenario schema bounds', () => {
  it('the checker finds an unbounded number (so the real check can fail)', () => {
    const s = z.object({ a: z.number().max(3), b: z.object({ c: z.array(z.number().min(0)) }) });
    expect(unboundedNumbers(s as unknown as ZodLike, 's')).toEqual(['s.b.c[]']);
  });

  it('every number field of every model section has a finite upper bound', () => {
    expect(unboundedNumbers(scenarioSchema() as unknown as ZodLike, 'scenario')).toEqual([]);
  });
});
