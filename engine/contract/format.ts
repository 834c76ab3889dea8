/**
 * Number, unit and date formats for people (the committee report now, the viewer later): shares as %, differences of
 * shares in 百分点/pp, money in 元/万元/亿元 (CNY, k, m, bn in English), energy in kWh/MWh/GWh, counts as integers,
 * months as 2018年12月 / Dec 2018. One module so the report and the viewer print the same number the same way.
 * Pure functions, no Intl locale data needed (Node and browsers without full ICU print the same).
 */

/** The languages of the report and viewer. */
export type Lang = 'zh-CN' | 'en';

const DASH = '—';
const ok = (x: number | null | undefined): x is number => x !== null && x !== undefined && Number.isFinite(x);

/**
 * Digits grouped by thousands with a comma (both languages use it in tables).
 * @example groupDigits(1234567.25, 1) // => '1,234,567.3'
 */
export function groupDigits(x: number, decimals = 0): string {
  const s = Math.abs(x).toFixed(decimals);
  const [int, frac] = s.split('.');
  const g = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${x < 0 && Number(s) !== 0 ? '−' : ''}${g}${frac ? `.${frac}` : ''}`;
}

/**
 * A number with about `sig` significant digits, grouped, no exponent for everyday sizes; "—" when missing.
 * @example fmtNumber(0.012345) // => '0.0123'
 * @example fmtNumber(45961.5) // => '45,962'
 */
export function fmtNumber(x: number | null | undefined, sig = 3): string {
  if (!ok(x)) return DASH;
  if (x === 0) return '0';
  const mag = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, Math.min(6, sig - 1 - mag));
  return groupDigits(Number(x.toFixed(decimals)), decimals)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

/**
 * A count as an integer (systems, servers, vehicles): a replication mean of 334.5 systems prints as 335.
 * @example fmtCount(334.5) // => '335'
 */
export function fmtCount(x: number | null | undefined): string {
  return ok(x) ? groupDigits(Math.round(x)) : DASH;
}

/**
 * A 0..1 share as a percentage. Whole percent, one decimal near 0 and 1 so 99.6 % does not print as 100 %.
 * @example fmtShare(0.864) // => '86%'
 * @example fmtShare(0.996) // => '99.6%'
 */
export function fmtShare(x: number | null | undefined): string {
  if (!ok(x)) return DASH;
  const p = 100 * x;
  const fine = (p > 99 && p < 100) || (p > 0 && p < 1);
  return `${fine ? p.toFixed(1) : Math.round(p)}%`;
}

/**
 * A difference of two shares in percentage points (百分点), signed.
 * @example fmtPp(0.052, 'zh-CN') // => '+5.2 个百分点'
 * @example fmtPp(-0.05, 'en') // => '−5.0 pp'
 */
export function fmtPp(d: number | null | undefined, lang: Lang): string {
  if (!ok(d)) return DASH;
  const v = 100 * d;
  const s = `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(1)}`;
  return lang === 'zh-CN' ? `${s} 个百分点` : `${s} pp`;
}

/**
 * Money in CNY: 元 below 10,000, 万元 below 100 million, 亿元 above (CNY, k, m, bn in English).
 * @example fmtMoneyCny(459615, 'zh-CN') // => '46.0 万元'
 * @example fmtMoneyCny(2.5e8, 'zh-CN') // => '2.50 亿元'
 * @example fmtMoneyCny(459615, 'en') // => 'CNY 0.46 m'
 */
export function fmtMoneyCny(yuan: number | null | undefined, lang: Lang): string {
  if (!ok(yuan)) return DASH;
  const a = Math.abs(yuan);
  if (lang === 'zh-CN') {
    if (a >= 1e8) return `${(yuan / 1e8).toFixed(2)} 亿元`;
    if (a >= 1e4) return `${(yuan / 1e4).toFixed(1)} 万元`;
    return `${groupDigits(Math.round(yuan))} 元`;
  }
  if (a >= 1e9) return `CNY ${(yuan / 1e9).toFixed(2)} bn`;
  if (a >= 1e5) return `CNY ${(yuan / 1e6).toFixed(2)} m`;
  return `CNY ${groupDigits(Math.round(yuan))}`;
}

/**
 * Energy: kWh below 10 MWh, MWh below 10 GWh, GWh above.
 * @example fmtEnergyKwh(15120) // => '15.1 MWh'
 * @example fmtEnergyKwh(850) // => '850 kWh'
 */
export function fmtEnergyKwh(kwh: number | null | undefined): string {
  if (!ok(kwh)) return DASH;
  const a = Math.abs(kwh);
  if (a >= 1e7) return `${fmtNumber(kwh / 1e6)} GWh`;
  if (a >= 1e4) return `${fmtNumber(kwh / 1e3)} MWh`;
  return `${fmtNumber(kwh)} kWh`;
}

/** Whether a unit string means a 0..1 share. @example isShareUnit('share') // => true */
export const isShareUnit = (unit: string): boolean => /^(share|fraction|probability|0\.\.1)$/i.test(unit.trim());

const COUNT_UNITS = /^(systems|servers|hosts|workers|veh|vehicles|count|districts|towns|villages)$/i;
const UNIT_ZH: Record<string, string> = {
  systems: '个系统',
  servers: '台服务器',
  hosts: '台主机',
  workers: '人',
  veh: '辆',
  t: '吨',
  d: '天',
  min: '分钟',
  'km/h': '千米/时',
  'veh/h': '辆/时',
  'veh·h': '车·时',
  'veh·km': '车·千米',
  'kg/m²': '千克/平方米',
  mm: '毫米',
  '°C': '°C',
  'decimal year': '年',
};

/**
 * A unit as shown after a number in a language (units with a Chinese name get it; SI symbols stay).
 * @example unitLabel('veh/h', 'zh-CN') // => '辆/时'
 */
export function unitLabel(unit: string, lang: Lang): string {
  if (lang === 'zh-CN' && UNIT_ZH[unit]) return UNIT_ZH[unit]!;
  return unit === '1' || unit === '–' || unit === '-' ? '' : unit;
}

/**
 * A value with its unit, by the unit: shares as %, CNY as money, kWh as energy, counts as integers, a decimal year as
 * a month, anything else as a number and the unit's label.
 * @example fmtValue(0.864, 'share', 'zh-CN') // => '86%'
 * @example fmtValue(459615, 'CNY/month', 'zh-CN') // => '46.0 万元/月'
 * @example fmtValue(334.5, 'systems', 'en') // => '335 systems'
 * @example fmtValue(2019.96, 'decimal year', 'zh-CN') // => '2019年12月'
 */
export function fmtValue(x: number | null | undefined, unit: string, lang: Lang): string {
  if (!ok(x)) return DASH;
  const per = /^(.*)\/month$/.exec(unit);
  const base = per ? per[1]! : unit;
  const perText = per ? (lang === 'zh-CN' ? '/月' : '/month') : '';
  if (isShareUnit(base)) return fmtShare(x);
  if (base === '%') return `${fmtNumber(x, 3)}%`;
  if (base === 'CNY') return fmtMoneyCny(x, lang) + perText;
  if (base === 'kWh') return fmtEnergyKwh(x) + perText;
  if (base === 'decimal year') return fmtMonth(decimalYearMonth(x), lang);
  const u = unitLabel(base, lang);
  const n = COUNT_UNITS.test(base) ? fmtCount(x) : fmtNumber(x);
  return `${n}${u ? ` ${u}` : ''}${perText}`;
}

/**
 * The difference of two values of a unit: shares in 百分点/pp, everything else signed in the value's own format.
 * @example fmtDiff(0.05, 'share', 'en') // => '+5.0 pp'
 * @example fmtDiff(-1200, 'kWh', 'en') // => '−1,200 kWh'
 */
export function fmtDiff(d: number | null | undefined, unit: string, lang: Lang): string {
  if (!ok(d)) return DASH;
  if (isShareUnit(unit)) return fmtPp(d, lang);
  const body = fmtValue(Math.abs(d), unit, lang);
  return `${d > 0 ? '+' : d < 0 ? '−' : '±'}${body}`;
}

/** `YYYY-MM` of a decimal year (2019.96 → the month it falls in). @example decimalYearMonth(2019.96) // => '2019-12' */
export function decimalYearMonth(y: number): string {
  const year = Math.floor(y);
  const m = Math.min(12, Math.floor((y - year) * 12) + 1);
  return `${year}-${String(m).padStart(2, '0')}`;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A period (`2018`, `2018-12` or an ISO date `2018-12-31`) for people.
 * @example fmtMonth('2018-12', 'zh-CN') // => '2018年12月'
 * @example fmtMonth('2018-12-31', 'en') // => '31 Dec 2018'
 * @example fmtMonth('2019', 'zh-CN') // => '2019年'
 */
export function fmtMonth(period: string | null | undefined, lang: Lang): string {
  if (!period) return DASH;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(period);
  if (!m) return period;
  const [, y, mo, d] = m;
  if (lang === 'zh-CN') return `${y}年${mo ? `${Number(mo)}月` : ''}${d ? `${Number(d)}日` : ''}`;
  if (!mo) return y!;
  return `${d ? `${Number(d)} ` : ''}${MONTHS_EN[Number(mo) - 1]} ${y}`;
}
