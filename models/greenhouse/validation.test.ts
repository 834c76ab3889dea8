import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SIMPLE_REFERENCE_DIR, formatTable, validationTable } from './validation.ts';

if (!existsSync(SIMPLE_REFERENCE_DIR) && process.env.CI === 'true') {
  throw new Error(`CI=true but ${SIMPLE_REFERENCE_DIR} is missing: ../shared must be present beside the repo`);
}

describe('validation table (npm run validate:greenhouse), 4 replications per year', () => {
  it.skipIf(!existsSync(SIMPLE_REFERENCE_DIR))('every row passes', () => {
    const rows = validationTable({ replications: 4 });
    expect(rows.length).toBeGreaterThanOrEqual(11);
    expect(rows.filter((r) => !r.pass).map((r) => `${r.id}: ${r.value}`)).toEqual([]);
    expect(formatTable(rows)).toContain('| smart-gain |');
  });
  it('a missing SIMPLE folder makes its row fail (not silently pass)', () => {
    const rows = validationTable({ replications: 1, simpleDir: '/nonexistent/simple' });
    expect(rows.find((r) => r.id === 'simple-ufbr9401')!.pass).toBe(false);
  });
});
