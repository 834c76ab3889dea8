/** Language switching: zh-CN by default, English on toggle; strings live in one file per language. */
import { en, type Strings } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type Lang = 'zh-CN' | 'en';
const tables: Record<Lang, Strings> = { 'zh-CN': zhCN, en };
let current: Lang = 'zh-CN';
const listeners: Array<() => void> = [];

/** The current strings. @example t().appTitle */
export function t(): Strings { return tables[current]; }
/** @example lang() // 'zh-CN' */
export function lang(): Lang { return current; }
/** Switch language and notify listeners. @example setLang('en') */
export function setLang(l: Lang): void {
  current = l;
  document.documentElement.lang = l;
  for (const f of listeners) f();
}
/** Re-render on language change. @example onLangChange(() => render()) */
export function onLangChange(f: () => void): void { listeners.push(f); }
