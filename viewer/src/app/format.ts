/**
 * Formatting shared by the panels: values with units, month labels, metric and target titles in the current language.
 */
import type { RunSummary, TargetDef } from '../data.ts';
import { lang, metricName } from '../i18n/index.ts';
import type { GeoSite } from '../../geo.ts';
import type { AppState } from './state.ts';

/** Whether a unit is a 0..1 share (shown as a percentage). @example isShare('share') // true */
export const isShare = (unit: string): boolean => /^share|0\.\.1|fraction/i.test(unit);

/** A value for display: shares as %, big numbers grouped, small ones with 1–2 decimals, missing as "—". @example fmt(0.5, 'share') // '50%' */
export function fmt(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (isShare(unit)) return `${(v * 100).toFixed(v > 0.995 && v < 1 ? 1 : 0)}%`;
  const a = Math.abs(v);
  return a >= 1000 ? Math.round(v).toLocaleString() : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** A metric's unit from the shown run's catalogue ('' when unknown). */
export const unitOf = (app: AppState, metric: string): string => app.a?.bundle.metrics[metric]?.unit ?? '';
/** A metric's long English title from the catalogue (the id when unknown). */
export const longTitleOf = (app: AppState, metric: string): string => app.a?.bundle.metrics[metric]?.title ?? metric;
/** A metric's short title in the current language. */
export const titleOf = (app: AppState, metric: string): string => metricName(metric, longTitleOf(app, metric));

/** A month in the current language. @example periodText('2019-12') // 'Dec 2019' or '2019年12月' */
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

/** A target's title in the current language. */
export const targetTitle = (td: TargetDef): string => (lang() === 'zh-CN' && td.titleZh ? td.titleZh : td.title);
/** A site's name in the current language. */
export const siteName = (s: GeoSite): string => (lang() === 'zh-CN' ? s.name : s.nameEn);

/** A district's name in the current language, or undefined when the code is not a district. */
export function districtName(app: AppState, code: string): string | undefined {
  const d = app.geo.districts.find((x) => x.code === code);
  return d && (lang() === 'zh-CN' ? d.name : d.nameEn);
}

/** A run in the selects and labels. @example runLabel(run) // '#3 baseline (2026-05-01 10:00)' */
export function runLabel(r: RunSummary): string {
  return `#${r.id} ${r.scenarioName} (${r.startedAt.slice(0, 16).replace('T', ' ')})`;
}
