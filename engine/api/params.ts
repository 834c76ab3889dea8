/**
 * The parameter catalogue: every leaf of every model's scenario section, read from its zod schema, with the default,
 * the allowed range, and the `.describe()` text (unit and source). The what-if panel builds its controls from it and
 * the sensitivity analysis picks its parameters from it; nothing here knows a model's internals.
 */
import type { ModelDefinition } from '../../models/types.ts';
import type { ParamInfo } from '../contract/index.ts';
import { scenarioModels } from '../scenario.ts';

/**
 * A node of zod 4's internal schema tree (`def`, `shape`, `minValue`, …) or a default value beside it. The walk reads
 * fields that differ by schema type and that zod does not type publicly, so the one loose type is named here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- zod's internal def tree is untyped by design
type Loose = any;

const WRAPPERS = ['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'];

function unwrap(t: Loose): { t: Loose; description: string } {
  let description = t?.description ?? '';
  while (t?.def && (WRAPPERS.includes(t.def.type) || t.def.type === 'pipe')) {
    t = t.def.type === 'pipe' ? t.def.in : t.def.innerType;
    if (!description && t?.description) description = t.description;
  }
  return { t, description };
}

const finite = (x: unknown): number | undefined =>
  typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < Number.MAX_SAFE_INTEGER ? x : undefined;

function isThreePoint(t: Loose): boolean {
  if (t?.def?.type !== 'object') return false;
  const keys = Object.keys(t.shape).sort().join(',');
  return keys === 'a,b,m' && ['a', 'm', 'b'].every((k) => unwrap(t.shape[k]).t?.def?.type === 'number');
}

function walk(model: string, node: Loose, defaults: Loose, prefix: string[], groups: string[], out: ParamInfo[]): void {
  const { t, description } = unwrap(node);
  const type = t?.def?.type;
  const p = prefix.join('.');
  if (type === 'object' && !isThreePoint(t)) {
    const g = prefix.length ? [...groups, description || prefix[prefix.length - 1]!] : groups;
    for (const k of Object.keys(t.shape)) walk(model, t.shape[k], defaults?.[k], [...prefix, k], g, out);
    return;
  }
  const base = { model, path: p, default: defaults, description, groups };
  if (type === 'object') out.push({ ...base, kind: 'threePoint', min: finite(unwrap(t.shape.a).t.minValue) });
  else if (type === 'number')
    out.push({ ...base, kind: t.isInt ? 'integer' : 'number', min: finite(t.minValue), max: finite(t.maxValue) });
  else if (type === 'enum') out.push({ ...base, kind: 'enum', options: Object.values(t.def.entries).map(String) });
  else if (type === 'boolean') out.push({ ...base, kind: 'boolean' });
  else if (type === 'string') out.push({ ...base, kind: /\d{4}-/.test(String(defaults)) ? 'date' : 'string' });
  else out.push({ ...base, kind: 'list', ...yearTableOf(t) });
}

/** A record keyed by year ("2019") whose values are numbers: the value rule; else nothing. */
function yearRule(t: Loose): { min?: number; max?: number; integer: boolean } | undefined {
  if (t?.def?.type !== 'record') return undefined;
  const key = t.def.keyType;
  // The key schema itself decides: it accepts a year and refuses a word (models spell the year regex differently).
  if (!key?.safeParse?.('2019')?.success || key.safeParse('x').success) return undefined;
  const v = unwrap(t.def.valueType).t;
  if (v?.def?.type !== 'number') return undefined;
  return { min: finite(v.minValue), max: finite(v.maxValue), integer: Boolean(v.isInt) };
}

/** `{ yearTable }` for a year-by-year list or a map of them (e.g. per county), else `{}`. */
function yearTableOf(t: Loose): Pick<ParamInfo, 'yearTable'> {
  const flat = yearRule(t);
  if (flat) return { yearTable: { ...flat, byKey: false } };
  const nested = t?.def?.type === 'record' ? yearRule(unwrap(t.def.valueType).t) : undefined;
  return nested ? { yearTable: { ...nested, byKey: true } } : {};
}

/**
 * Parameters of one model (defaults from parsing an empty section, so they are exactly what a run would use).
 * @example
 * // paramCatalogue() holds modelParams(m) of every scenario model m
 * const rollout = paramCatalogue().find((c) => c.model === 'rollout').params;
 * const crews = rollout.find((p) => p.path === 'crews.perCounty');
 * [crews.kind, crews.default, crews.min, crews.max] // => ['integer', 2, 1, 100]
 * crews.description // => 'Crews per district/county for county and town nodes; count; assumption.'
 */
export function modelParams(m: ModelDefinition): ParamInfo[] {
  const defaults = (m.paramsSchema as Loose).parse({});
  const out: ParamInfo[] = [];
  walk(m.id, m.paramsSchema, defaults, [], [], out);
  return out;
}

/** The catalogue of every model a scenario may configure. */
export function paramCatalogue(): Array<{ model: string; title: string; params: ParamInfo[] }> {
  return scenarioModels().map((m) => ({ model: m.id, title: m.title, params: modelParams(m) }));
}

/** Numeric parameters a one-at-a-time sensitivity analysis can vary. */
export function variableParams(m: ModelDefinition): ParamInfo[] {
  return modelParams(m).filter((p) => p.kind === 'number' || p.kind === 'integer' || p.kind === 'threePoint');
}

/** Read a value at a dotted path. */
export function getPath(obj: unknown, p: string): unknown {
  let cur: unknown = obj;
  for (const k of p.split('.')) cur = (cur as Record<string, unknown> | null | undefined)?.[k];
  return cur;
}

/**
 * A nested override object that sets one dotted path (for `loadScenario(..., { overrides })`).
 * @example overrideAt('rollout', 'crews.perCounty', 3) // => { rollout: { crews: { perCounty: 3 } } }
 */
export function overrideAt(model: string, p: string, value: unknown): Record<string, unknown> {
  let v: unknown = value;
  const keys = [model, ...p.split('.')];
  for (let i = keys.length - 1; i >= 0; i--) v = { [keys[i]!]: v };
  return v as Record<string, unknown>;
}
