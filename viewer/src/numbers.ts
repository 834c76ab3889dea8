/**
 * THE number formatting of the viewer (issue 18 item 5): every value shown with a unit goes through here, in the
 * current language. Rules: counts as integers (grouped), shares as %, differences of shares in 百分点 / pp, money in
 * 元 / 万元 / 亿元 (CNY, k CNY, M CNY in English), energy in kWh / MWh / GWh, and every unit label translated.
 * The panels import it through `app/format.ts`; the progress panel imports it directly (it must not import app/).
 */
import { lang } from './i18n/index.ts';

/** Whether a unit is a 0..1 share (shown as a percentage). @example isShare('share') // => true */
export const isShare = (unit: string): boolean => /^share|0\.\.1|fraction|^probability$|^0\/1$/i.test(unit);

/** Units whose values are counts of things (shown as integers). */
const COUNT_UNITS = /^(systems|hosts|servers|workers|veh|villages|towns|nodes|crews|count|items)$/i;
/** Whether a unit counts things. @example isCount('hosts') // => true */
export const isCount = (unit: string): boolean => COUNT_UNITS.test(unit);

/** Unit labels in Chinese (the English label is the unit itself unless listed in UNIT_EN). */
const UNIT_ZH: Record<string, string> = {
  systems: '个',
  hosts: '台',
  servers: '台',
  workers: '人',
  veh: '辆',
  villages: '个',
  'veh/h': '辆/小时',
  'veh·h': '车·小时',
  'veh·min': '车·分钟',
  'veh·km': '车·公里',
  'km/h': 'km/h',
  'decimal year': '年',
  d: '天',
  min: '分钟',
  h: '小时',
  'h/month': '小时/月',
  'kWh/month': 'kWh/月',
  kWh: 'kWh',
  'CNY/month': '元/月',
  CNY: '元',
  t: '吨',
  '1/yr': '次/年',
  ratio: '',
  '–': '',
  '%': '%',
  '°C': '°C',
  mm: 'mm',
  'kg/m²': 'kg/m²',
};
const UNIT_EN: Record<string, string> = { 'decimal year': '', ratio: '', '–': '', '1/yr': '/yr', veh: 'vehicles' };

/** A unit's label in the current language ('' for shares, ratios and dimensionless values). @example unitText('hosts') // => '台' */
export function unitText(unit: string): string {
  if (isShare(unit)) return '';
  if (lang() === 'zh-CN') return UNIT_ZH[unit] ?? unit;
  return UNIT_EN[unit] ?? unit;
}

const group = (v: number, digits = 0): string =>
  v.toLocaleString(lang() === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

/** Plain number: big ones grouped and rounded, small ones with 1–2 decimals. */
function plain(v: number): string {
  const a = Math.abs(v);
  return a >= 1000 ? group(Math.round(v)) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** Money (CNY, possibly per month) scaled to 元 / 万元 / 亿元 (zh) or CNY / k CNY / M CNY (en), with the unit. */
function money(v: number, unit: string): string {
  const per = unit.includes('/month') ? (lang() === 'zh-CN' ? '/月' : '/month') : '';
  const a = Math.abs(v);
  if (lang() === 'zh-CN') {
    if (a >= 1e8) return `${(v / 1e8).toFixed(2)} 亿元${per}`;
    if (a >= 1e4) return `${(v / 1e4).toFixed(1)} 万元${per}`;
    return `${Math.round(v)} 元${per}`;
  }
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)} M CNY${per}`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)} k CNY${per}`;
  return `${Math.round(v)} CNY${per}`;
}

/** Energy (kWh, possibly per month) scaled to kWh / MWh / GWh, with the unit. */
function energy(v: number, unit: string): string {
  const per = unit.includes('/month') ? (lang() === 'zh-CN' ? '/月' : '/month') : '';
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)} GWh${per}`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)} MWh${per}`;
  return `${Math.round(v)} kWh${per}`;
}

/**
 * A value for display WITHOUT its unit label (shares carry their "%"): shares as %, counts as integers, others
 * grouped with 1–2 decimals; missing as "—". Use `fmtUnit` where the unit must be shown.
 * @example fmt(0.5, 'share') // => '50%'
 * @example fmt(334.5, 'systems') // => '335'
 */
export function fmt(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (isShare(unit)) return `${(v * 100).toFixed(v > 0.995 && v < 1 ? 1 : 0)}%`;
  if (isCount(unit)) return group(Math.round(v));
  return plain(v);
}

/**
 * A value WITH its unit in the current language: money in 万元/亿元, energy in kWh/MWh, counts as integers.
 * @example fmtUnit(0.25, 'share') // => '25%'
 * @example fmtUnit(1500, 'kWh/month') // => '1.5 MWh/月'
 */
export function fmtUnit(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (/^CNY/.test(unit)) return money(v, unit);
  if (/^kWh/.test(unit)) return energy(v, unit);
  const u = unitText(unit);
  return u ? `${fmt(v, unit)} ${u}` : fmt(v, unit);
}

/**
 * A signed difference: shares in percentage points (百分点 / pp), others in their unit.
 * @example fmtDiff(0.031, 'share') // => '+3.1 百分点'
 */
export function fmtDiff(d: number | null | undefined, unit: string): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return '—';
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  if (isShare(unit)) {
    const pp = Math.abs(d * 100);
    return `${sign}${pp.toFixed(pp >= 10 ? 0 : 1)} ${lang() === 'zh-CN' ? '百分点' : 'pp'}`;
  }
  return `${sign}${fmtUnit(Math.abs(d), unit)}`;
}

/** A month in the current language. @example periodText('2019-12') // => '2019年12月' */
export function periodText(ym: string): string {
  const [y, m] = ym.split('-').map(Number);
  return lang() === 'zh-CN'
    ? `${y}年${m}月`
    : new Date(Date.UTC(y, m - 1, 15)).toLocaleDateString('en-GB', {
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      });
}

/** A time (seconds since the epoch) as its month in the current language (chart axes, the timeline's tics). @example monthText(Date.UTC(2019, 11, 15) / 1000) // => '2019年12月' */
export function monthText(sec: number): string {
  const d = new Date(sec * 1000);
  return periodText(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
}

/** A comparator as a maths sign. @example comparatorText('>=') // => '≥' */
export const comparatorText = (c: string): string => ({ '>=': '≥', '<=': '≤' })[c] ?? c;
