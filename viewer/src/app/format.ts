/**
 * Formatting shared by the panels: values with units, month labels, metric and target titles in the current language.
 */
import type { RunSummary, TargetDef } from '../data.ts';
import { lang, metricName } from '../i18n/index.ts';
import type { GeoSite } from '../../geo.ts';
import type { AppState } from './state.ts';

export { comparatorText, fmt, fmtDiff, fmtUnit, isCount, isShare, periodText, unitText } from '../numbers.ts';

/** A metric's unit from the shown run's catalogue ('' when unknown). */
export const unitOf = (app: AppState, metric: string): string => app.a?.bundle.metrics[metric]?.unit ?? '';
/** A metric's long English title from the catalogue (the id when unknown). */
export const longTitleOf = (app: AppState, metric: string): string => app.a?.bundle.metrics[metric]?.title ?? metric;
/** A metric's short title in the current language. */
export const titleOf = (app: AppState, metric: string): string => metricName(metric, longTitleOf(app, metric));

/** A target's title in the current language. */
export const targetTitle = (td: TargetDef): string => (lang() === 'zh-CN' && td.titleZh ? td.titleZh : td.title);
/** A site's name in the current language. */
export const siteName = (s: GeoSite): string => (lang() === 'zh-CN' ? s.name : s.nameEn);

/** A district's name in the current language, or undefined when the code is not a district. */
export function districtName(app: AppState, code: string): string | undefined {
  const d = app.geo.districts.find((x) => x.code === code);
  return d && (lang() === 'zh-CN' ? d.name : d.nameEn);
}

/**
 * A run in the selects and labels.
 * @example
 * runLabel({ id: 3, scenarioName: 'baseline', startedAt: '2026-05-01T10:00:00.000Z' }) // => '#3 baseline (2026-05-01 10:00)'
 */
export function runLabel(r: RunSummary): string {
  return `#${r.id} ${r.scenarioName} (${r.startedAt.slice(0, 16).replace('T', ' ')})`;
}
