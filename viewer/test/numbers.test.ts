/**
 * The one formatting module (viewer/src/numbers.ts): counts as integers, shares as %, share differences in
 * 百分点 / pp, money in 万元 / 亿元, energy in kWh / MWh / GWh, translated unit labels, months in each language.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../src/i18n/index.ts';
import { fmt, fmtDiff, fmtUnit, monthText, periodText, unitText } from '../src/numbers.ts';

afterEach(() => setLang('zh-CN'));

describe('numbers (zh-CN)', () => {
  it('counts are integers, shares are %, differences of shares are 百分点', () => {
    setLang('zh-CN');
    expect(fmt(334.5, 'systems')).toBe('335');
    expect(fmtUnit(334.5, 'systems')).toBe('335 个');
    expect(fmtUnit(15120.4, 'hosts')).toBe('15,120 台');
    expect(fmt(0.864, 'share')).toBe('86%');
    expect(fmtUnit(0.25, 'share')).toBe('25%');
    expect(fmtDiff(0.031, 'share')).toBe('+3.1 百分点');
    expect(fmtDiff(-0.25, 'share')).toBe('−25 百分点');
    expect(fmtDiff(0, 'share')).toBe('±0.0 百分点');
  });
  it('money in 元 / 万元 / 亿元 and energy in kWh / MWh / GWh, per month where the unit says so', () => {
    setLang('zh-CN');
    expect(fmtUnit(459_615, 'CNY/month')).toBe('46.0 万元/月');
    expect(fmtUnit(2.5e8, 'CNY')).toBe('2.50 亿元');
    expect(fmtUnit(800, 'CNY')).toBe('800 元');
    expect(fmtUnit(15_120, 'kWh/month')).toBe('15.1 MWh/月');
    expect(fmtUnit(3.2e6, 'kWh')).toBe('3.20 GWh');
    expect(fmtUnit(420, 'kWh')).toBe('420 kWh');
  });
  it('unit labels are Chinese; ratios and shares carry none; months read 2018年12月', () => {
    setLang('zh-CN');
    expect(unitText('ratio')).toBe('');
    expect(unitText('veh/h')).toBe('辆/小时');
    expect(unitText('d')).toBe('天');
    expect(fmtUnit(1.47, 'ratio')).toBe('1.47');
    expect(periodText('2018-12')).toBe('2018年12月');
    expect(monthText(Date.UTC(2019, 11, 15) / 1000)).toBe('2019年12月');
    expect(fmt(null, 'share')).toBe('—');
  });
});

describe('numbers (en)', () => {
  it('the same rules in English: pp, k CNY / M CNY, MWh, Dec 2018', () => {
    setLang('en');
    expect(fmtDiff(0.031, 'share')).toBe('+3.1 pp');
    expect(fmtUnit(459_615, 'CNY/month')).toBe('459.6 k CNY/month');
    expect(fmtUnit(2.5e8, 'CNY')).toBe('250.00 M CNY');
    expect(fmtUnit(15_120, 'kWh/month')).toBe('15.1 MWh/month');
    expect(fmtUnit(15120.4, 'hosts')).toBe('15,120 hosts');
    expect(periodText('2018-12')).toBe('Dec 2018');
  });
});
