/**
 * The curated levers: about ten parameters a planner understands and changes, shown first with sliders, named in
 * Chinese and English, with unit, range (the schema's), the current and the baseline value. Year-by-year lists are a
 * "× factor" slider over the baseline's table plus the editable table itself.
 *
 * Why these: each exists in the scenario schema and is one of the what-ifs the plan's discussion keeps coming back to
 * (the shipped scenarios half-crews, funding-delayed, strict-sharing, fast-signals, iot-fast and
 * migration-team-doubled are one lever each). Demand growth is not a lever: car ownership comes from the data files,
 * not the scenario; peak trips per car is the demand lever the schema has.
 */
import { esc, type ParamInfo } from '../../../engine/contract/index.ts';
import { lang } from '../i18n/index.ts';
import { control, yearTableEditor } from './controls.ts';
import { fill, s } from './strings.ts';
import { baseValue, currentValue, nameOf, num, paramInfo, same, setEdit, st } from './state.ts';
import { scaleTable, valueForYear, type YearTable } from './year-table.ts';

type Text = { zh: string; en: string };

/** One curated lever. */
interface Lever {
  id: string;
  model: string;
  path: string;
  /** `slider`: a number; `select`: an enum; `factor`: × factor over year-by-year lists (path and `also`). */
  kind: 'slider' | 'select' | 'factor';
  /** Slider span, inside the schema's range (the number box beside it takes the schema's full range). */
  span?: [number, number];
  /** Slider step for non-integers (integers step by 1). */
  step?: number;
  unit?: Text;
  /** Names a factor lever by what it does rather than by its table. */
  label?: Text;
  /** Further year tables the factor scales with the main one (e.g. the per-county overrides). */
  also?: string[];
  /** Option labels of an enum. */
  options?: Record<string, Text>;
}

const t = (zh: string, en: string): Text => ({ zh, en });

export const LEVERS: Lever[] = [
  // Crews bound how many county/town and village tasks run at once: the half-crews what-if.
  { id: 'crews', model: 'rollout', path: 'crews.perCounty', kind: 'slider', span: [1, 10], unit: t('队', 'crews') },
  {
    id: 'village-crews',
    model: 'rollout',
    path: 'crews.villagePerCounty',
    kind: 'slider',
    span: [1, 20],
    unit: t('队', 'crews'),
  },
  // Funding dates slip: shifts every budget tranche (funding-delayed).
  {
    id: 'funding-delay',
    model: 'rollout',
    path: 'funding.delayMonths',
    kind: 'slider',
    span: [0, 24],
    unit: t('月', 'months'),
  },
  // The plan's "no sharing, no approval, no funding" rule (strict-sharing).
  {
    id: 'sharing-rule',
    model: 'rollout',
    path: 'sharing.rule',
    kind: 'select',
    options: {
      off: t('不执行', 'off'),
      departments: t('作用于部门项目', 'on department projects'),
      strict: t('严格:区县工程也须先接入', 'strict: county works wait too'),
    },
  },
  // Extranet items: how fast the departmental networks are merged in waves.
  {
    id: 'merge-interval',
    model: 'rollout',
    path: 'departments.waveIntervalMonths',
    kind: 'slider',
    span: [0, 12],
    unit: t('月', 'months'),
  },
  // Signal rollout speed, as a factor on the year-by-year share (citywide and the per-county overrides): fast-signals.
  {
    id: 'signals',
    model: 'traffic',
    path: 'signals.upgradedShare',
    also: ['signals.upgradedShareByDistrict'],
    kind: 'factor',
    label: t('智能信号推广速度', 'Smart-signal rollout speed'),
  },
  // Peak-trip rate: the demand lever of the traffic schema.
  {
    id: 'peak-trips',
    model: 'traffic',
    path: 'demand.peakTripsPerCar',
    kind: 'slider',
    span: [0.03, 0.08],
    step: 0.001,
    unit: t('车次/(车·小时)', 'veh/(car·h)'),
  },
  // Smart-greenhouse adoption, as a factor on the year-by-year share (iot-fast).
  {
    id: 'greenhouse-adoption',
    model: 'greenhouse',
    path: 'smart.adoptionByYear',
    kind: 'factor',
    label: t('智慧温室普及速度', 'Smart-greenhouse adoption speed'),
  },
  // Migration waves onto the two clouds (migration-team-doubled).
  {
    id: 'lanes-public',
    model: 'clouds',
    path: 'migration.lanesPublic',
    kind: 'slider',
    span: [1, 20],
    unit: t('路', 'lanes'),
  },
  {
    id: 'lanes-admin',
    model: 'clouds',
    path: 'migration.lanesAdmin',
    kind: 'slider',
    span: [1, 20],
    unit: t('路', 'lanes'),
  },
  // Cloud capacity: vCPU sold per physical core decides the hosts, their energy and cost.
  {
    id: 'overcommit',
    model: 'clouds',
    path: 'hosts.cpuOvercommit',
    kind: 'slider',
    span: [1, 6],
    step: 0.5,
    unit: t('倍', '×'),
  },
];

const zh = () => lang() === 'zh-CN';
const tx = (x: Text | undefined) => (x ? (zh() ? x.zh : x.en) : '');

/** Factor slider span (the number box beside it takes any factor ≥ 0). */
const FACTOR_SPAN: [number, number] = [0, 3];

/** The levers whose model the baseline runs and whose parameter the catalogue has. */
export const shownLevers = (): Lever[] =>
  LEVERS.filter((l) => st.baseModels.includes(l.model) && paramInfo(l.model, l.path));

function leverPaths(l: Lever): ParamInfo[] {
  return [l.path, ...(l.also ?? [])].map((p) => paramInfo(l.model, p)).filter((p): p is ParamInfo => !!p);
}

function renderLever(l: Lever): string {
  const p = paramInfo(l.model, l.path)!;
  const name = l.label ? tx(l.label) : nameOf(l.model, l.path);
  const unit = tx(l.unit);
  const ref = `data-lever="${esc(l.id)}"`;
  const changed = leverPaths(l).some((x) => !same(currentValue(l.model, x.path), baseValue(l.model, x.path)));
  let body: string;
  let baseText: string;
  if (l.kind === 'slider') {
    const v = Number(currentValue(l.model, l.path));
    const b = Number(baseValue(l.model, l.path));
    const step = p.kind === 'integer' ? 1 : (l.step ?? 'any');
    // The slider spans the lever's planning range, widened to hold the current value, inside the schema's range.
    const lo = Math.max(p.min ?? -Infinity, Math.min(l.span![0], v, b));
    const hi = Math.min(p.max ?? Infinity, Math.max(l.span![1], v, b));
    body = `<input type="range" class="wi-slider" ${ref} min="${lo}" max="${hi}" step="${step}" value="${esc(num(v))}">
<input type="number" class="wi-lever-num" ${ref} value="${esc(num(v))}"${p.min !== undefined ? ` min="${p.min}"` : ''}${p.max !== undefined ? ` max="${p.max}"` : ''} step="${step}"><span class="wi-unit">${esc(unit)}</span>`;
    baseText = `${s().baseline} ${num(b)}${unit ? ` ${unit}` : ''} · ${s().range} ${p.min ?? '−∞'}–${p.max ?? '∞'}`;
  } else if (l.kind === 'select') {
    const v = String(currentValue(l.model, l.path));
    const b = String(baseValue(l.model, l.path));
    const label = (o: string) => tx(l.options?.[o]) || o;
    body = `<select class="wi-lever-select" ${ref}>${(p.options ?? []).map((o) => `<option value="${esc(o)}"${o === v ? ' selected' : ''}>${esc(label(o))}</option>`).join('')}</select>`;
    baseText = `${s().baseline}${zh() ? ':' : ': '}${label(b)}`;
  } else {
    const f = st.factors.get(l.id) ?? 1;
    const capped = cappedYears(l, f);
    body = `<input type="range" class="wi-slider wi-factor" ${ref} min="${FACTOR_SPAN[0]}" max="${FACTOR_SPAN[1]}" step="0.1" value="${f}">
<input type="number" class="wi-lever-num wi-factor" ${ref} min="0" step="0.1" value="${num(f)}"><span class="wi-unit">${esc(s().factor)}</span>
<button type="button" class="wi-x2" ${ref} data-factor="2">×2</button>${yearTableEditor(l.model, leverPaths(l))}${
      capped.length
        ? `<div class="wi-desc wi-capped">${esc(fill(s().capped, paramInfo(l.model, l.path)!.yearTable?.max ?? '', capped.join(', ')))}</div>`
        : ''
    }`;
    baseText = `${s().factorHint} · ${nameOf(l.model, l.path)}`;
  }
  return `<div class="wi-lever${changed ? ' changed' : ''}" ${ref} title="${esc(p.description)}">
<div class="wi-lever-name">${esc(name)}${unit && l.kind === 'slider' ? ` <span class="wi-unit">(${esc(unit)})</span>` : ''}</div>
<div class="wi-lever-row">${body}</div>
<div class="wi-desc">${esc(baseText)}</div></div>`;
}

/** Years the factor pushes past the maximum of a factor lever's tables (for the note under the table). */
function cappedYears(l: Lever, f: number): string[] {
  const out = new Set<string>();
  for (const p of leverPaths(l)) {
    const rule = p.yearTable!;
    const base = baseValue(l.model, p.path);
    const tables: YearTable[] = rule.byKey
      ? Object.values((base ?? {}) as Record<string, YearTable>)
      : [(base ?? {}) as YearTable];
    for (const tb of tables) for (const y of scaleTable(tb, f, rule).capped) out.add(y);
  }
  return [...out].sort();
}

/** The curated section's HTML. */
export function renderLevers(): string {
  const ls = shownLevers();
  if (!ls.length) return '';
  return `<section id="wi-levers"><h3>${esc(s().levers)}</h3><p class="muted">${esc(s().leversIntro)}</p>${ls.map(renderLever).join('')}</section>`;
}

/** Applies a factor: every table of the lever becomes the baseline's (period filled in) times the factor. */
function applyFactor(l: Lever, f: number): void {
  st.factors.set(l.id, f);
  for (const p of leverPaths(l)) {
    const rule = p.yearTable!;
    const base = baseValue(l.model, p.path);
    const scale = (tb: YearTable) => scaleTable(fillPeriod(tb), f, rule).table;
    if (rule.byKey)
      setEdit(
        l.model,
        p.path,
        Object.fromEntries(Object.entries((base ?? {}) as Record<string, YearTable>).map(([k, tb]) => [k, scale(tb)])),
      );
    else setEdit(l.model, p.path, scale((base ?? {}) as YearTable));
    // A factor replaces whatever cells were refused before: they are rewritten from the baseline.
    for (const k of [...st.invalid.keys()]) if (k.startsWith(`${l.model}|${p.path}|`)) st.invalid.delete(k);
  }
}

/** A table with every year of the scenario's period (a missing year takes the latest earlier value). */
function fillPeriod(tb: YearTable): YearTable {
  const per = st.base.period as { startYear?: number; endYear?: number } | undefined;
  const out: YearTable = { ...tb };
  if (per?.startYear !== undefined && per.endYear !== undefined)
    for (let y = per.startYear; y <= per.endYear; y++) out[String(y)] = valueForYear(tb, String(y));
  return out;
}

/**
 * Handles an input or change event of a lever control: sliders move their number box live (`live`), the value is
 * recorded on change. Returns the model and paths whose views must be redrawn, or null when the event was not a
 * lever's.
 */
export function onLeverEvent(el: HTMLElement, live: boolean): { model: string; paths: string[] } | null {
  const id = el.dataset.lever;
  const l = LEVERS.find((x) => x.id === id);
  if (!l) return null;
  const row = el.closest('.wi-lever');
  if (el instanceof HTMLInputElement && (el.type === 'range' || el.type === 'number')) {
    // Keep the slider and its number box together while dragging or typing.
    row?.querySelectorAll<HTMLInputElement>(`input[data-lever="${id}"]`).forEach((x) => {
      if (x !== el && el.value !== '') x.value = el.value;
    });
    if (live) return null;
  }
  if (l.kind === 'factor') {
    const f = el.dataset.factor !== undefined ? Number(el.dataset.factor) : Number((el as HTMLInputElement).value);
    if (!Number.isFinite(f) || f < 0) return null;
    applyFactor(l, f);
  } else if (l.kind === 'select') {
    setEdit(l.model, l.path, (el as HTMLSelectElement).value);
  } else {
    const v = Number((el as HTMLInputElement).value);
    const p = paramInfo(l.model, l.path)!;
    // The number box may hold a value the schema refuses; the schema's range is enforced here as on the server.
    if ((el as HTMLInputElement).value === '' || !Number.isFinite(v)) return null;
    const clamped = Math.min(p.max ?? Infinity, Math.max(p.min ?? -Infinity, p.kind === 'integer' ? Math.round(v) : v));
    setEdit(l.model, l.path, clamped);
  }
  return { model: l.model, paths: leverPaths(l).map((p) => p.path) };
}

/**
 * Redraws every view of the given parameters in place (their levers and their rows in the advanced list), so the
 * panel's open sections and scroll position stay as they are.
 */
export function refreshParams(model: string, paths: string[]): void {
  const panel = document.getElementById('whatif-panel');
  if (!panel) return;
  // Redrawing replaces the inputs: remember which one had the focus (e.g. the next cell of a table) and restore it.
  const a = document.activeElement as HTMLElement | null;
  const keep =
    a && panel.contains(a) && (a.dataset.year || a.dataset.lever || a.dataset.path)
      ? ['model', 'path', 'key', 'year', 'lever', 'part']
          .filter((k) => a.dataset[k] !== undefined)
          .map((k) => `[data-${k}="${CSS.escape(a.dataset[k]!)}"]`)
          .join('') + `.${[...a.classList].filter((c) => c !== 'invalid' && c !== 'changed').join('.')}`
      : null;
  for (const l of shownLevers()) {
    if (l.model !== model || !leverPaths(l).some((p) => paths.includes(p.path))) continue;
    panel.querySelectorAll(`.wi-lever[data-lever="${l.id}"]`).forEach((el) => (el.outerHTML = renderLever(l)));
  }
  for (const p of paths) {
    const info = paramInfo(model, p);
    if (!info) continue;
    panel
      .querySelectorAll(`.wi-param[data-ref="${CSS.escape(`${model}|${p}`)}"]`)
      .forEach((el) => (el.outerHTML = control(model, info)));
  }
  if (keep) {
    const el = panel.querySelector<HTMLElement>(`${a!.tagName.toLowerCase()}${keep.replace(/\.$/, '')}`);
    if (el && el !== document.activeElement) el.focus();
  }
  const count = panel.querySelector(`.wi-model[data-model="${CSS.escape(model)}"] .wi-count`);
  if (count) count.textContent = changedCount(model);
}

/** The "N changed" note of a model's heading in the advanced list ('' when nothing changed). */
export function changedCount(model: string): string {
  const n = st.edits.get(model)?.size ?? 0;
  return n ? `${n} ${s().changed}` : '';
}
