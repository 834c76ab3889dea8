/**
 * Controls of single parameters in the what-if panel: the advanced list's control for every kind of parameter, and
 * the year-table editor (years × value, one row per series) used both there and by the curated levers.
 */
import { esc, type ParamInfo } from '../../../engine/contract/index.ts';
import { lang } from '../i18n/index.ts';
import { fill, s } from './strings.ts';
import { baseValue, countyName, currentValue, nameOf, num, same, setEdit, st } from './state.ts';
import { checkCell, tableYears, valueForYear, type CellProblem, type YearTable } from './year-table.ts';

const zh = () => lang() === 'zh-CN';

/** The key of a refused cell in `st.invalid`. */
export const cellKey = (m: string, p: string, key: string, year: string): string => `${m}|${p}|${key}|${year}`;

/** The series of a year-table parameter: `['', table]` for a flat one, `[county, table]` per key for a map. */
function series(v: unknown, byKey: boolean): Array<[string, YearTable]> {
  if (!v || typeof v !== 'object') return byKey ? [] : [['', {}]];
  return byKey ? Object.entries(v as Record<string, YearTable>) : [['', v as YearTable]];
}

/** The years an editor of these parameters shows (the scenario's period and every year listed anywhere). */
export function editorYears(m: string, paths: string[]): string[] {
  const tables: YearTable[] = [];
  for (const p of paths) {
    const byKey = paramInfoRule(m, p)?.byKey ?? false;
    for (const v of [baseValue(m, p), currentValue(m, p)]) for (const [, t] of series(v, byKey)) tables.push(t);
  }
  return tableYears(st.base.period as { startYear?: number; endYear?: number } | undefined, tables);
}

const paramInfoRule = (m: string, p: string) =>
  st.catalogue.find((c) => c.model === m)?.params.find((x) => x.path === p)?.yearTable;

/** The rows (baseline and editable) of one year-table parameter; `label` names the flat series. */
function tableRows(m: string, p: ParamInfo, years: string[], label: string): string {
  const byKey = p.yearTable!.byKey;
  const base = new Map(series(baseValue(m, p.path), byKey));
  const cur = new Map(series(currentValue(m, p.path), byKey));
  const keys = [...new Set([...base.keys(), ...cur.keys()])];
  return keys
    .map((key) => {
      const name = byKey ? countyName(key) : label;
      const b = base.get(key) ?? {};
      const c = cur.get(key) ?? b;
      const baseCells = years.map((y) => `<td>${num(valueForYear(b, y))}</td>`).join('');
      const cells = years
        .map((y) => {
          const bad = st.invalid.get(cellKey(m, p.path, key, y));
          const v = bad ? bad.text : num(valueForYear(c, y));
          const changed = !bad && valueForYear(c, y) !== valueForYear(b, y);
          return `<td><input class="wi-cell${bad ? ' invalid' : ''}${changed ? ' changed' : ''}" inputmode="decimal" data-model="${esc(m)}" data-path="${esc(p.path)}" data-key="${esc(key)}" data-year="${y}" value="${esc(v)}" aria-label="${esc(`${name} ${y}`)}"></td>`;
        })
        .join('');
      return `<tr class="wi-base-row"><th>${esc(s().baseline)}</th>${baseCells}</tr><tr><th title="${esc(name)}">${esc(name || s().now)}</th>${cells}</tr>`;
    })
    .join('');
}

/**
 * A year-table editor for one or more parameters of a model (a lever's main table and, e.g., its per-county
 * overrides): years across, a baseline row above each editable row, and the refused cells' messages below.
 */
export function yearTableEditor(m: string, ps: ParamInfo[]): string {
  const years = editorYears(
    m,
    ps.map((p) => p.path),
  );
  const head = `<tr><th>${esc(s().year)}</th>${years.map((y) => `<th>${y}</th>`).join('')}</tr>`;
  const rows = ps.map((p) => tableRows(m, p, years, p.yearTable!.byKey ? '' : s().citywide)).join('');
  const msgs = [...st.invalid]
    .filter(([k]) => ps.some((p) => k.startsWith(`${m}|${p.path}|`)))
    .map(([, v]) => `<li>${esc(v.message)}</li>`)
    .join('');
  const rule = ps[0]!.yearTable!;
  const range = `${s().range} ${rule.min ?? '−∞'}…${rule.max ?? '∞'}${rule.integer ? (zh() ? ',整数' : ', whole numbers') : ''}`;
  return `<div class="wi-ytable"><table><thead>${head}</thead><tbody>${rows}</tbody></table>
<div class="wi-desc">${esc(range)}</div>${msgs ? `<ul class="wi-cell-msg wi-err">${msgs}</ul>` : ''}</div>`;
}

function problemText(where: string, text: string, pr: CellProblem): string {
  const t = s();
  switch (pr.kind) {
    case 'empty':
      return fill(t.cellEmpty, where);
    case 'notNumber':
      return fill(t.cellNotNumber, where, text);
    case 'notInteger':
      return fill(t.cellNotInteger, where, text);
    case 'belowMin':
      return fill(t.cellBelow, where, text, pr.min);
    case 'aboveMax':
      return fill(t.cellAbove, where, text, pr.max);
  }
}

/**
 * Reads one year-table cell: a value the schema accepts becomes part of the edited table (the whole series is
 * written, the period filled in); a refused one is kept in the cell with a message and blocks Run and Save.
 */
export function readCell(el: HTMLInputElement): void {
  const m = el.dataset.model!;
  const p = el.dataset.path!;
  const key = el.dataset.key ?? '';
  const year = el.dataset.year!;
  const rule = paramInfoRule(m, p);
  if (!rule) return;
  const ck = cellKey(m, p, key, year);
  const r = checkCell(el.value, rule);
  if ('problem' in r) {
    const where = `${nameOf(m, p)}${key ? ` · ${countyName(key)}` : ''} · ${year}`;
    st.invalid.set(ck, { text: el.value, message: problemText(where, el.value.trim(), r.problem) });
    return;
  }
  st.invalid.delete(ck);
  const years = editorYears(m, [p]);
  const cur = currentValue(m, p);
  const fillIn = (t: YearTable): YearTable => Object.fromEntries(years.map((y) => [y, valueForYear(t, y)]));
  if (rule.byKey) {
    const all = { ...((cur as Record<string, YearTable>) ?? {}) };
    all[key] = { ...fillIn(all[key] ?? {}), [year]: r.value };
    setEdit(m, p, all);
  } else {
    setEdit(m, p, { ...fillIn((cur as YearTable) ?? {}), [year]: r.value });
  }
}

/** The advanced list's control of one parameter (named in the viewer's language; the id in a tooltip). */
export function control(m: string, p: ParamInfo): string {
  const base = baseValue(m, p.path);
  const v = currentValue(m, p.path);
  const id = `wi-${m}-${p.path}`;
  const attrs = `data-model="${esc(m)}" data-path="${esc(p.path)}" data-kind="${p.kind}"`;
  const range = p.min !== undefined || p.max !== undefined ? ` · ${s().range} ${p.min ?? '−∞'}…${p.max ?? '∞'}` : '';
  let input: string;
  if (p.kind === 'number' || p.kind === 'integer') {
    input = `<input id="${esc(id)}" type="number" ${attrs} value="${esc(num(v))}"${p.min !== undefined ? ` min="${p.min}"` : ''}${p.max !== undefined ? ` max="${p.max}"` : ''} step="${p.kind === 'integer' ? 1 : 'any'}">`;
  } else if (p.kind === 'enum') {
    input = `<select id="${esc(id)}" ${attrs}>${(p.options ?? []).map((o) => `<option${o === v ? ' selected' : ''}>${esc(o)}</option>`).join('')}</select>`;
  } else if (p.kind === 'boolean') {
    input = `<input id="${esc(id)}" type="checkbox" ${attrs}${v ? ' checked' : ''}>`;
  } else if (p.kind === 'date') {
    input = `<input id="${esc(id)}" type="date" ${attrs} value="${esc(v)}">`;
  } else if (p.kind === 'threePoint') {
    const t = v as { a: number; m: number; b: number };
    input = (['a', 'm', 'b'] as const)
      .map(
        (k) =>
          `<input type="number" class="tp" step="any" ${attrs} data-part="${k}" value="${esc(t?.[k])}" title="${k}">`,
      )
      .join('');
  } else if (p.yearTable) {
    input = yearTableEditor(m, [p]);
  } else {
    input = `<code class="ro">${esc(JSON.stringify(v))}</code>`;
  }
  const changed = !same(v, base);
  // In Chinese the schema's English source note moves into the tooltip; the visible line is range and default.
  const desc = zh() ? '' : `${esc(p.description)}`;
  return `<div class="wi-param${changed ? ' changed' : ''}" data-ref="${esc(`${m}|${p.path}`)}" title="${esc(`${p.path}: ${p.description}`)}"><label for="${esc(id)}">${esc(nameOf(m, p.path))}</label>${input}
<div class="wi-desc">${desc}${desc ? ' · ' : ''}${esc(range.replace(/^ · /, ''))}${range ? ' · ' : ''}${s().default} ${esc(p.yearTable ? '…' : JSON.stringify(p.default))}</div></div>`;
}

/** Reads a single-value control of the advanced list into the edits. */
export function readInput(el: HTMLInputElement | HTMLSelectElement): void {
  const m = el.dataset.model!;
  const p = el.dataset.path!;
  const kind = el.dataset.kind;
  const base = baseValue(m, p);
  const cur = currentValue(m, p);
  let v: unknown;
  if (kind === 'number' || kind === 'integer') v = el.value === '' ? base : Number(el.value);
  else if (kind === 'boolean') v = (el as HTMLInputElement).checked;
  else if (kind === 'threePoint') v = { ...(cur as object), [el.dataset.part!]: Number(el.value) };
  else v = el.value;
  setEdit(m, p, v);
}
