/** Language switching: zh-CN by default, English on toggle; strings live in one file per language. */
import { en, entityNamesEn, metricNamesEn, type Strings } from './en.ts';
import { entityNamesZh, metricNamesZh, zhCN } from './zh-CN.ts';

export type Lang = 'zh-CN' | 'en';
const tables: Record<Lang, Strings> = { 'zh-CN': zhCN, en };
let current: Lang = 'zh-CN';
const listeners: Array<() => void> = [];

/**
 * The current strings.
 * @example
 * t().appTitle // => '淄博新型智慧城市 · 数字孪生'
 */
export function t(): Strings {
  return tables[current];
}
/**
 * The current language: zh-CN until `setLang` switches it.
 * @example
 * lang() // => 'zh-CN'
 * setLang('en'); [lang(), metricName('clouds.hosts')] // => ['en', 'Cloud hosts']
 * setLang('zh-CN'); metricName('clouds.hosts') // => '云主机数'
 */
export function lang(): Lang {
  return current;
}
/**
 * Switch language and notify listeners.
 * @example
 * setLang('en'); t().appTitle // => 'Zibo New Smart City — digital twin'
 * setLang('zh-CN'); t().appTitle // => '淄博新型智慧城市 · 数字孪生'
 */
export function setLang(l: Lang): void {
  current = l;
  if (typeof document !== 'undefined') document.documentElement.lang = l; // absent in unit tests (Node)
  for (const f of listeners) f();
}
/**
 * Re-render on language change.
 * @example
 * // In the app: onLangChange(() => render()).
 * let calls = 0; onLangChange(() => calls++); setLang('en'); setLang('zh-CN');
 * calls // => 2
 */
export function onLangChange(f: () => void): void {
  listeners.push(f);
}

/**
 * Short name of a metric id in the current language (falls back to the catalogue title, then the id).
 * @example
 * metricName('clouds.hosts') // => '云主机数'
 * [metricName('no.such', 'Catalogue title'), metricName('no.such')] // => ['Catalogue title', 'no.such']
 */
export function metricName(id: string, fallback?: string): string {
  return (current === 'zh-CN' ? metricNamesZh[id] : metricNamesEn[id]) ?? fallback ?? id;
}

/**
 * Name of a non-geographic entity ('level:town', 'cloud:public', ...).
 * @example
 * entityName('level:town') // => '镇(街道)'
 * entityName('cloud:nowhere') // => 'nowhere'
 */
export function entityName(id: string): string {
  return (current === 'zh-CN' ? entityNamesZh[id] : entityNamesEn[id]) ?? id.replace(/^[a-z]+:/, '');
}
