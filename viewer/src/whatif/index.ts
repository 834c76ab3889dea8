/**
 * What-if and expert-review panel (issue 9), a self-contained add-on to the viewer: it adds two buttons to the top
 * bar and one side panel, talks only to the twin server's API, and opens results through the viewer's own URL
 * parameters (`?run=<what-if>&compare=<baseline>`), so the viewer's code is not touched beyond one import.
 *
 * - What-if: every parameter of each model in the baseline as a control (unit, range, source from the schema's
 *   description); Run posts `{ extends: 'baseline', <only the changed values> }`, follows progress over SSE, then
 *   opens the result in compare mode against the latest finished baseline run. "Save as YAML" writes
 *   scenarios/<name>.yaml through the API (validated there; never over an existing file).
 * - Expert review: links to each model's card for the shown run; a one-at-a-time tornado of a target's P(met).
 * In a static export (no API) the panel does not appear.
 */
import {
  esc,
  tornadoChart,
  type ParamInfo,
  type RunSummary,
  type SensitivityResult,
  type TargetDef,
} from '../../../engine/contract/index.ts';
import { onLangChange } from '../i18n/index.ts';
import { showStudyIndices } from '../studies/index.ts';
import { fill, s } from './strings.ts';
import { WHATIF_CSS } from './styles.ts';

interface Catalogue {
  model: string;
  title: string;
  params: ParamInfo[];
}
interface ApiFailure {
  status: number;
  error: string;
  issues?: Array<{ file: string; line?: number; path: string; message: string }>;
  retryAfter?: string | null;
}

async function api<T>(p: string, init?: RequestInit): Promise<T> {
  const res = await fetch(p, {
    ...init,
    headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}) },
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok)
    throw {
      status: res.status,
      error: String(body.error ?? res.statusText),
      issues: body.issues,
      retryAfter: res.headers.get('retry-after'),
    } as ApiFailure;
  return body as T;
}

type Tree = Record<string, unknown>;
/** The value at a dotted path of a parsed scenario (undefined where a level is missing). */
const getPath = (o: unknown, p: string): unknown =>
  p.split('.').reduce<unknown>((c, k) => (c !== null && typeof c === 'object' ? (c as Tree)[k] : undefined), o);
/** Sets a dotted path, creating the missing levels. */
function setPath(o: Tree, p: string, v: unknown): void {
  const ks = p.split('.');
  let c = o;
  for (const k of ks.slice(0, -1)) c = (c[k] ??= {}) as Tree;
  c[ks[ks.length - 1]!] = v;
}
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const st = {
  catalogue: [] as Catalogue[],
  base: {} as Record<string, unknown>,
  baseModels: [] as string[],
  /** model → path → edited value. */
  edits: new Map<string, Map<string, unknown>>(),
  targets: [] as TargetDef[],
  tab: 'whatif' as 'whatif' | 'review',
  es: null as EventSource | null,
  runId: null as number | null,
};

let panel: HTMLElement;

function control(m: string, p: ParamInfo): string {
  const base = getPath(st.base[m], p.path);
  const v = st.edits.get(m)?.get(p.path) ?? base;
  const id = `wi-${m}-${p.path}`;
  const attrs = `data-model="${esc(m)}" data-path="${esc(p.path)}" data-kind="${p.kind}"`;
  const range = p.min !== undefined || p.max !== undefined ? ` · ${s().range} ${p.min ?? '−∞'}…${p.max ?? '∞'}` : '';
  let input: string;
  if (p.kind === 'number' || p.kind === 'integer') {
    input = `<input id="${esc(id)}" type="number" ${attrs} value="${esc(v)}"${p.min !== undefined ? ` min="${p.min}"` : ''}${p.max !== undefined ? ` max="${p.max}"` : ''} step="${p.kind === 'integer' ? 1 : 'any'}">`;
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
  } else {
    input = `<code class="ro">${esc(JSON.stringify(v))}</code>`;
  }
  const changed = !same(v, base);
  return `<div class="wi-param${changed ? ' changed' : ''}"><label for="${esc(id)}">${esc(p.path)}</label>${input}
<div class="wi-desc">${esc(p.description)}${range} · ${s().default} ${esc(JSON.stringify(p.default))}</div></div>`;
}

function renderWhatIf(): string {
  const models = st.catalogue.filter((c) => st.baseModels.includes(c.model));
  const groups = models
    .map((c) => {
      const byGroup = new Map<string, ParamInfo[]>();
      for (const p of c.params) {
        const g = p.groups[0] ?? '';
        byGroup.set(g, [...(byGroup.get(g) ?? []), p]);
      }
      const n = st.edits.get(c.model)?.size ?? 0;
      const inner = [...byGroup]
        .map(([g, ps]) =>
          g
            ? `<details class="wi-group"><summary>${esc(g)}</summary>${ps.map((p) => control(c.model, p)).join('')}</details>`
            : ps.map((p) => control(c.model, p)).join(''),
        )
        .join('');
      return `<details class="wi-model" data-model="${esc(c.model)}"><summary>${esc(c.title)} <span class="muted">(${esc(c.model)})</span>${n ? ` <b class="wi-count">${n} ${s().changed}</b>` : ''}</summary>${inner}</details>`;
    })
    .join('');
  return `<p class="muted">${esc(s().intro)}</p>
<div class="wi-row"><label>${s().name} <input id="wi-name" value="what-if" maxlength="64"></label>
<label>${s().replications} <input id="wi-reps" type="number" min="1" max="10000" value="${esc(st.base.replications ?? 50)}"></label></div>
${groups}
<div class="wi-row"><button id="wi-run" class="accent">${s().run}</button><button id="wi-cancel" disabled>${s().cancel}</button><button id="wi-save">${s().save}</button><button id="wi-reset">${s().reset}</button></div>
<div id="wi-progress" hidden><progress id="wi-bar" max="1" value="0"></progress><div id="wi-status"></div></div>
<div id="wi-msg"></div>`;
}

function shownRun(): number | null {
  const v = (document.getElementById('run-select') as HTMLSelectElement | null)?.value;
  return v ? Number(v) : null;
}

function renderReview(): string {
  const run = shownRun();
  const q = run ? `?run=${run}` : '';
  const cards = st.catalogue
    .filter((c) => st.baseModels.includes(c.model))
    .map(
      (c) =>
        `<li><a href="api/models/${encodeURIComponent(c.model)}/card${q}" target="_blank" rel="noopener" class="wi-card" data-model="${esc(c.model)}">${esc(c.title)}</a></li>`,
    )
    .join('');
  const targets = st.targets.filter((t) => st.baseModels.includes(t.model));
  return `<h3>${s().modelCards}</h3><ul>${cards}</ul>
${run ? `<p><a href="api/runs/${run}/report.html" target="_blank" rel="noopener">${s().report}</a></p>` : ''}
<h3>${s().tornado}</h3>
<div class="wi-row"><label>${s().target} <select id="tn-target">${targets.map((t) => `<option value="${esc(t.id)}">${esc(t.id)} — ${esc(t.title)}</option>`).join('')}</select></label></div>
<div id="tn-gs"></div>
<div id="tn-params"></div>
<div class="wi-row"><label>${s().delta} <input id="tn-delta" type="number" min="0.05" max="0.9" step="0.05" value="0.2"></label>
<label>${s().replications} <input id="tn-reps" type="number" min="2" max="1000" value="20"></label>
<button id="tn-run" class="accent">${s().runTornado}</button></div>
<div id="tn-progress" hidden><progress id="tn-bar" max="1" value="0"></progress><div id="tn-status"></div></div>
<div id="tn-result"></div>`;
}

function renderTornadoParams(): void {
  const t = st.targets.find((x) => x.id === (document.getElementById('tn-target') as HTMLSelectElement | null)?.value);
  const box = document.getElementById('tn-params');
  if (!t || !box) return;
  // Beside the one-at-a-time tornado: the latest global (Sobol'/Morris) study of the target (viewer/src/studies/).
  const gs = document.getElementById('tn-gs');
  if (gs) void showStudyIndices(t.id, gs).catch((e: unknown) => console.warn('sensitivity study unavailable:', e));
  const ps =
    st.catalogue
      .find((c) => c.model === t.model)
      ?.params.filter((p) => ['number', 'integer', 'threePoint'].includes(p.kind)) ?? [];
  box.innerHTML = `<div class="muted">${s().params}</div>${ps
    .map(
      (p, i) =>
        `<label class="tn-p"><input type="checkbox" value="${esc(p.path)}"${i < 6 ? ' checked' : ''}> ${esc(p.path)}</label>`,
    )
    .join('')}`;
}

function render(): void {
  panel.querySelector('.wi-body')!.innerHTML = st.tab === 'whatif' ? renderWhatIf() : renderReview();
  panel
    .querySelectorAll<HTMLButtonElement>('.wi-tabs button')
    .forEach((b) => b.classList.toggle('active', b.dataset.tab === st.tab));
  panel.querySelector('.wi-title')!.textContent = st.tab === 'whatif' ? s().whatIf : s().review;
  if (st.tab === 'review') renderTornadoParams();
}

function readInput(el: HTMLInputElement | HTMLSelectElement): void {
  const m = el.dataset.model!;
  const p = el.dataset.path!;
  const kind = el.dataset.kind;
  const base = getPath(st.base[m], p);
  const cur = st.edits.get(m)?.get(p) ?? base;
  let v: unknown;
  if (kind === 'number' || kind === 'integer') v = el.value === '' ? base : Number(el.value);
  else if (kind === 'boolean') v = (el as HTMLInputElement).checked;
  else if (kind === 'threePoint') v = { ...(cur as object), [el.dataset.part!]: Number(el.value) };
  else v = el.value;
  const edits = st.edits.get(m) ?? new Map<string, unknown>();
  if (same(v, base)) edits.delete(p);
  else edits.set(p, v);
  st.edits.set(m, edits);
  el.closest('.wi-param')?.classList.toggle('changed', !same(v, base));
}

/** The edited scenario: extends the baseline and holds only the changed values. */
function scenarioBody(): Record<string, unknown> {
  const name = (document.getElementById('wi-name') as HTMLInputElement).value.trim() || 'what-if';
  const sc: Record<string, unknown> = { extends: 'baseline', name, description: 'What-if from the viewer panel' };
  for (const [m, edits] of st.edits) for (const [p, v] of edits) setPath(sc, `${m}.${p}`, v);
  return sc;
}

function message(html: string, kind: 'ok' | 'err' = 'ok'): void {
  const el = document.getElementById('wi-msg') ?? document.getElementById('tn-result');
  if (el) el.innerHTML = `<div class="wi-${kind}">${html}</div>`;
}

function failure(e: unknown): string {
  const f = e as ApiFailure;
  if (f?.status === 400 && f.issues?.length) {
    return `${esc(s().invalid)}<ul>${f.issues.map((i) => `<li><code>${esc(i.path || i.file)}</code>${i.line ? ` (${esc(i.file)}:${i.line})` : ''}: ${esc(i.message)}</li>`).join('')}</ul>`;
  }
  if (f?.status === 429) return esc(fill(s().busy, f.error));
  return esc(f?.error ?? String(e));
}

const etaText = (ms: number | null) =>
  ms === null ? '…' : ms > 90_000 ? `${Math.round(ms / 60_000)} min` : `${Math.max(1, Math.round(ms / 1000))} s`;

/** Follow a task's SSE stream until it ends. */
function follow(url: string, bar: string, status: string, onEnd: (state: string, error?: string) => void): void {
  st.es?.close();
  const es = new EventSource(url);
  st.es = es;
  const progress = document.getElementById(bar.replace('bar', 'progress'));
  if (progress) progress.hidden = false;
  es.addEventListener('progress', (ev) => {
    const p = JSON.parse((ev as MessageEvent).data) as { done: number; total: number; etaMs: number | null };
    const b = document.getElementById(bar) as HTMLProgressElement | null;
    if (b) {
      b.max = p.total;
      b.value = p.done;
    }
    const el = document.getElementById(status);
    if (el) el.textContent = fill(s().running, p.done, p.total, etaText(p.etaMs));
  });
  es.addEventListener('state', (ev) => {
    const d = JSON.parse((ev as MessageEvent).data) as { state: string; position: number | null; error?: string };
    const el = document.getElementById(status);
    if (d.state === 'queued' && el) el.textContent = fill(s().queued, (d.position ?? 0) + 1);
    if (['done', 'failed', 'cancelled'].includes(d.state)) {
      finished = true;
      onEnd(d.state, d.error);
    }
  });
  // The server ends the stream after the final state; close then, so the browser does not reconnect.
  let finished = false;
  es.addEventListener('error', () => {
    if (!finished) return;
    es.close();
    if (st.es === es) st.es = null;
  });
}

async function onRun(): Promise<void> {
  const reps = Number((document.getElementById('wi-reps') as HTMLInputElement).value);
  const runBtn = document.getElementById('wi-run') as HTMLButtonElement;
  const cancelBtn = document.getElementById('wi-cancel') as HTMLButtonElement;
  message('');
  try {
    runBtn.disabled = true;
    const r = await api<{ id: number; position: number }>('api/runs', {
      method: 'POST',
      body: JSON.stringify({ scenario: scenarioBody(), replications: reps }),
    });
    st.runId = r.id;
    cancelBtn.disabled = false;
    follow(`api/runs/${r.id}/events`, 'wi-bar', 'wi-status', async (state, error) => {
      runBtn.disabled = false;
      cancelBtn.disabled = true;
      if (state !== 'done')
        return message(esc(state === 'cancelled' ? s().cancelled : fill(s().failed, error ?? '')), 'err');
      message(esc(s().done));
      const runs = await api<RunSummary[]>('api/runs');
      const base = runs.find((x) => x.scenarioName === 'baseline' && x.status === 'done');
      if (!base) message(esc(s().noBaseline), 'err');
      const q = new URLSearchParams(location.search);
      q.set('run', String(r.id));
      if (base) q.set('compare', String(base.id));
      else q.delete('compare');
      location.search = q.toString();
    });
  } catch (e) {
    runBtn.disabled = false;
    message(failure(e), 'err');
  }
}

async function onSave(): Promise<void> {
  const body = scenarioBody();
  try {
    const r = await api<{ file: string }>('api/scenarios', {
      method: 'POST',
      body: JSON.stringify({ name: body.name, scenario: body }),
    });
    message(esc(fill(s().saved, r.file)));
  } catch (e) {
    message(failure(e), 'err');
  }
}

async function onTornado(): Promise<void> {
  const target = (document.getElementById('tn-target') as HTMLSelectElement).value;
  const params = [...document.querySelectorAll<HTMLInputElement>('#tn-params input:checked')].map((i) => i.value);
  const delta = Number((document.getElementById('tn-delta') as HTMLInputElement).value);
  const replications = Number((document.getElementById('tn-reps') as HTMLInputElement).value);
  const out = document.getElementById('tn-result')!;
  out.innerHTML = '';
  try {
    const r = await api<{ id: number; runs: number; replications: number }>('api/sensitivity', {
      method: 'POST',
      body: JSON.stringify({ target, params, delta, replications }),
    });
    out.innerHTML = `<p class="muted">${esc(fill(s().tornadoNote, r.runs, r.replications))}</p>`;
    follow(`api/sensitivity/${r.id}/events`, 'tn-bar', 'tn-status', async (state, error) => {
      if (state !== 'done') {
        out.innerHTML += `<div class="wi-err">${esc(fill(s().failed, error ?? state))}</div>`;
        return;
      }
      const res = (await api<{ result: SensitivityResult }>(`api/sensitivity/${r.id}`)).result;
      out.innerHTML += `<div class="tn-chart">${tornadoChart({ title: `P(met) — ${res.target.id}`, pBase: res.pBase, seP: res.seP, bars: res.bars, width: 380 })}</div>${
        res.skipped.length
          ? `<ul class="muted">${res.skipped.map((k) => `<li>${esc(k.param)}: ${esc(k.reason)}</li>`).join('')}</ul>`
          : ''
      }`;
    });
  } catch (e) {
    out.innerHTML = `<div class="wi-err">${failure(e)}</div>`;
  }
}

function open(tab: 'whatif' | 'review'): void {
  st.tab = tab;
  panel.hidden = false;
  render();
}

async function mount(): Promise<void> {
  if (document.querySelector('meta[name="twin-source"]')?.getAttribute('content') === 'static') return;
  if (new URLSearchParams(location.search).get('source') === 'static') return;
  try {
    await api('api/health');
  } catch {
    return; // a static host: no API, no panel
  }
  const [catalogue, baseline, targets] = await Promise.all([
    api<Catalogue[]>('api/params'),
    api<{ scenario: Record<string, unknown>; modelIds: string[] }>('api/scenarios/baseline'),
    api<TargetDef[]>('api/targets'),
  ]);
  st.catalogue = catalogue;
  st.base = baseline.scenario;
  st.baseModels = baseline.modelIds;
  st.targets = targets;

  const style = document.createElement('style');
  style.textContent = WHATIF_CSS;
  document.head.appendChild(style);
  panel = document.createElement('aside');
  panel.id = 'whatif-panel';
  panel.hidden = true;
  panel.innerHTML = `<div class="wi-head"><b class="wi-title"></b><span class="wi-tabs"><button data-tab="whatif"></button><button data-tab="review"></button></span><button class="wi-close"></button></div><div class="wi-body"></div>`;
  document.body.appendChild(panel);
  const bar = document.getElementById('topbar');
  const btn = (id: string, tab: 'whatif' | 'review') => {
    const b = document.createElement('button');
    b.id = id;
    b.addEventListener('click', () => (panel.hidden || st.tab !== tab ? open(tab) : (panel.hidden = true)));
    bar?.insertBefore(b, document.getElementById('present-btn'));
    return b;
  };
  const bWhat = btn('whatif-btn', 'whatif');
  const bReview = btn('review-btn', 'review');
  const texts = () => {
    bWhat.textContent = s().whatIf;
    bReview.textContent = s().review;
    panel.querySelector<HTMLButtonElement>('[data-tab="whatif"]')!.textContent = s().whatIf;
    panel.querySelector<HTMLButtonElement>('[data-tab="review"]')!.textContent = s().review;
    panel.querySelector<HTMLButtonElement>('.wi-close')!.textContent = s().close;
    if (!panel.hidden) render();
  };
  texts();
  onLangChange(texts);
  panel.addEventListener('click', (e) => {
    const el = e.target as HTMLElement;
    if (el.matches('.wi-close')) panel.hidden = true;
    else if (el.matches('.wi-tabs button')) open(el.dataset.tab as 'whatif' | 'review');
    else if (el.id === 'wi-run') void onRun();
    else if (el.id === 'wi-save') void onSave();
    else if (el.id === 'wi-reset') {
      st.edits.clear();
      render();
    } else if (el.id === 'wi-cancel' && st.runId !== null)
      void api(`api/runs/${st.runId}/cancel`, { method: 'POST', body: '{}' }).catch((x) => message(failure(x), 'err'));
    else if (el.id === 'tn-run') void onTornado();
  });
  panel.addEventListener('change', (e) => {
    const el = e.target as HTMLInputElement;
    if (el.dataset.path) readInput(el);
    if (el.id === 'tn-target') renderTornadoParams();
  });
}

void mount().catch((e: unknown) => console.warn('what-if panel unavailable:', e));
