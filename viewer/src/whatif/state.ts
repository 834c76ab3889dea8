/**
 * Shared state of the what-if panel: the parameter catalogue, the baseline scenario, and the planner's edits
 * (model → dotted path → value, holding only values that differ from the baseline), plus the year-table cells that
 * are currently refused. The curated levers, the year-table editors and the advanced list all read and write here,
 * so the three views of one parameter always agree.
 */
import type { ParamInfo, TargetDef } from '../../../engine/contract/index.ts';
import { paramName } from '../../../engine/contract/index.ts';
import { lang } from '../i18n/index.ts';

/** One model's entry of `GET /api/params`. */
export interface Catalogue {
  model: string;
  title: string;
  params: ParamInfo[];
}

type Tree = Record<string, unknown>;

export const st = {
  catalogue: [] as Catalogue[],
  /** The baseline scenario as the server parsed it (with defaults). */
  base: {} as Record<string, unknown>,
  baseModels: [] as string[],
  /** model → path → edited value. */
  edits: new Map<string, Map<string, unknown>>(),
  /** Refused year-table cells: `model|path|key|year` → the text typed (kept in the cell) and why it is refused. */
  invalid: new Map<string, { text: string; message: string }>(),
  /** Factor last applied by a factor lever (lever id → factor), shown in its input. */
  factors: new Map<string, number>(),
  targets: [] as TargetDef[],
  tab: 'whatif' as 'whatif' | 'review',
  es: null as EventSource | null,
  runId: null as number | null,
};

/** The value at a dotted path (undefined where a level is missing). */
export const getPath = (o: unknown, p: string): unknown =>
  p.split('.').reduce<unknown>((c, k) => (c !== null && typeof c === 'object' ? (c as Tree)[k] : undefined), o);

/** Sets a dotted path, creating the missing levels. */
export function setPath(o: Tree, p: string, v: unknown): void {
  const ks = p.split('.');
  let c = o;
  for (const k of ks.slice(0, -1)) c = (c[k] ??= {}) as Tree;
  c[ks[ks.length - 1]!] = v;
}

/** Structural equality of plain JSON values. */
export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The baseline's value of a parameter. */
export const baseValue = (m: string, p: string): unknown => getPath(st.base[m], p);

/** The value the what-if will run with: the edit, else the baseline's. */
export const currentValue = (m: string, p: string): unknown => st.edits.get(m)?.get(p) ?? baseValue(m, p);

/** Records a value; a value equal to the baseline's removes the edit (a what-if stores only what changes). */
export function setEdit(m: string, p: string, v: unknown): void {
  const edits = st.edits.get(m) ?? new Map<string, unknown>();
  if (same(v, baseValue(m, p))) edits.delete(p);
  else edits.set(p, v);
  st.edits.set(m, edits);
}

/** The catalogue entry of a parameter. */
export const paramInfo = (m: string, p: string): ParamInfo | undefined =>
  st.catalogue.find((c) => c.model === m)?.params.find((x) => x.path === p);

/** A parameter's (or group's, or model's) name in the viewer's language; the id only where the table has none. */
export function nameOf(m: string, p?: string): string {
  const n = paramName(m, p);
  if (!n) return p ?? m;
  return lang() === 'zh-CN' ? n.zh : n.en;
}

/** Numbers as the schema stores them, without float noise (0.30000000000000004 → 0.3). */
export const num = (v: unknown): string =>
  typeof v === 'number' && Number.isFinite(v) ? String(Math.round(v * 1e9) / 1e9) : String(v ?? '');

/** Zibo's district and county codes → names, for the per-county year tables. */
const COUNTIES: Record<string, [string, string]> = {
  '370302': ['淄川区', 'Zichuan'],
  '370303': ['张店区', 'Zhangdian'],
  '370304': ['博山区', 'Boshan'],
  '370305': ['临淄区', 'Linzi'],
  '370306': ['周村区', 'Zhoucun'],
  '370321': ['桓台县', 'Huantai'],
  '370322': ['高青县', 'Gaoqing'],
  '370323': ['沂源县', 'Yiyuan'],
};

/** A county's name in the viewer's language (the code where unknown). */
export const countyName = (code: string): string => COUNTIES[code]?.[lang() === 'zh-CN' ? 0 : 1] ?? code;
