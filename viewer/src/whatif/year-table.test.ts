/** Year-table rules of the what-if panel (the server's schema check, the × factor shortcut) and the compare SE. */
import { describe, expect, it } from 'vitest';
import { pMetDiffSe } from './compare-se.ts';
import { checkCell, scaleTable, tableYears, valueForYear } from './year-table.ts';

const share = { min: 0, max: 1, integer: false, byKey: false };

describe('year-table editor rules', () => {
  it('refuses what the schema refuses and accepts the rest', () => {
    expect(checkCell('0.35', share)).toEqual({ value: 0.35 });
    expect(checkCell(' 1 ', share)).toEqual({ value: 1 });
    expect(checkCell('1.5', share)).toEqual({ problem: { kind: 'aboveMax', max: 1 } });
    expect(checkCell('-0.1', share)).toEqual({ problem: { kind: 'belowMin', min: 0 } });
    expect(checkCell('abc', share)).toEqual({ problem: { kind: 'notNumber' } });
    expect(checkCell('', share)).toEqual({ problem: { kind: 'empty' } });
    expect(checkCell('2.5', { integer: true, byKey: false })).toEqual({ problem: { kind: 'notInteger' } });
    expect(checkCell('1e3', { integer: true, byKey: false })).toEqual({ value: 1000 });
  });

  it('scales a table by a factor, capping at the maximum and naming the capped years', () => {
    const base = { '2017': 0.1, '2018': 0.2, '2019': 0.35, '2020': 0.5, '2021': 0.6 };
    const r = scaleTable(base, 2, share);
    expect(r.table).toEqual({ '2017': 0.2, '2018': 0.4, '2019': 0.7, '2020': 1, '2021': 1 });
    expect(r.capped).toEqual(['2021']);
    expect(scaleTable(base, 3, share).table['2017']).toBe(0.3);
    expect(scaleTable({ '2019': 3 }, 1.5, { integer: true, byKey: false }).table['2019']).toBe(5);
    expect(() => scaleTable(base, -1, share)).toThrow(RangeError);
  });

  it('fills the period and carries the latest earlier value into missing years', () => {
    expect(tableYears({ startYear: 2017, endYear: 2019 }, [{ '2016': 0 }])).toEqual(['2016', '2017', '2018', '2019']);
    expect(valueForYear({ '2017': 0.1, '2019': 0.35 }, '2018')).toBe(0.1);
    expect(valueForYear({ '2017': 0.1, '2019': 0.35 }, '2016')).toBe(0);
  });
});

describe('compare: SE of a P(met) difference', () => {
  it('is the binomial SE with one success and one failure added, never 0 at the edges', () => {
    expect(pMetDiffSe(0.5, 50, 0.5, 50)).toBeCloseTo(Math.sqrt((2 * 0.25) / 52), 12);
    expect(pMetDiffSe(1, 50, 1, 50)).toBeGreaterThan(0.02);
    // More replications, narrower band.
    expect(pMetDiffSe(0.7, 400, 0.6, 400)).toBeLessThan(pMetDiffSe(0.7, 50, 0.6, 50) / 2);
  });
});
