/**
 * What-if and expert-review panel (issue 9), a self-contained add-on to the viewer: it adds two buttons to the top
 * bar and one side panel, talks only to the twin server's API, and opens results through the viewer's own URL
 * parameters (`?run=<what-if>&compare=<baseline>`), so the viewer's code is not touched beyond one import.
 *
 * - What-if: about ten curated levers first (levers.ts: sliders, × factor and year-table editors for year-by-year
 *   lists, named in Chinese/English from engine/contract/param-names.ts), then every parameter of each model in the
 *   baseline behind 「高级」/"Advanced" (controls.ts; unit, range, source from the schema's description; year-table
 *   cells checked like the server, a refused cell blocks Run and Save); shared edits in state.ts. Run posts `{ extends: 'baseline', <only the changed values> }`, follows progress over SSE, then
 *   opens the result in compare mode against the latest finished baseline run. "Save as YAML" writes
 *   scenarios/<name>.yaml through the API (validated there; never over an existing file).
 * - Expert review: links to each model's card for the shown run; a one-at-a-time tornado of a target's P(met).
 * In a static export (no API) the panel does not appear.
 */
import {
  esc,
  tornadoChart,
  type RunSummary,
  type SensitivityResult,
  type TargetDef,
} from '../../../engine/contract/index.ts';
import { mountHindcast } from '../hindcast.ts';
import { lang, onLangChange } from '../i18n/index.ts';
import { control, readCell, readInput } from './controls.ts';
import { changedCount, onLeverEvent, refreshParams, renderLevers } from './levers.ts';
import { nameOf, setPath, st, type Catalogue } from './state.ts';
import { showStudyIndices } from '../studies/index.ts';
import { fill, s } from './strings.ts';
import { WHATIF_CSS } from './styles.ts';

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

let panel: HTMLElement;

/** The advanced list: every parameter of every model the baseline runs, grouped, behind one disclosure. */
function renderAdvanced(): string {
  const models = st.catalogue.filter((c) => st.baseModels.includes(c.model));
  const total = models.reduce((a, c) => a + c.params.length, 0);
  const groups = models
    .map((c) => {
      const byGroup = new Map<string, typeof c.params>();
      for (const p of c.params) {
        // Group by the first path segment (named in param-names), single-segment parameters stand alone.
        const g = p.path.includes('.') ? p.path.split('.')[0]! : '';
        byGroup.set(g, [...(byGroup.get(g) ?? []), p]);
      }
      const inner = [...byGroup]
        .map(([g, ps]) =>
          g
            ? `<details class="wi-group"><summary>${esc(nameOf(c.model, g))}</summary>${ps.map((p) => control(c.model, p)).join('')}</details>`
            : ps.map((p) => control(c.model, p)).join(''),
        )
        .join('');
      return `<details class="wi-model" data-model="${esc(c.model)}"><summary>${esc(nameOf(c.model))} <b class="wi-count">${esc(changedCount(c.model))}</b></summary>${inner}</details>`;
    })
    .join('');
  return `<details id="wi-advanced"><summary>${esc(fill(s().advanced, total))}</summary>${groups}</details>`;
}

function renderWhatIf(): string {
  return `<p class="muted">${esc(s().intro)}</p>
<div class="wi-row"><label>${s().name} <input id="wi-name" value="what-if" maxlength="64"></label>
<label>${s().replications} <input id="wi-reps" type="number" min="1" max="10000" value="${esc(st.base.replications ?? 50)}"></label></div>
${renderLevers()}
${renderAdvanced()}
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
  const q = `?${run ? `run=${run}&` : ''}lang=${lang()}`;
  const cards = st.catalogue
    .filter((c) => st.baseModels.includes(c.model))
    .map(
      (c) =>
        `<li><a href="api/models/${encodeURIComponent(c.model)}/card${q}" target="_blank" rel="noopener" class="wi-card" data-model="${esc(c.model)}">${esc(c.title)}</a></li>`,
    )
    .join('');
  const targets = st.targets.filter((t) => st.baseModels.includes(t.model));
  return `<h3>${s().modelCards}</h3><ul>${cards}</ul>
${run ? `<p><a href="api/runs/${run}/report.html?lang=${lang()}" target="_blank" rel="noopener">${s().report}</a></p>` : ''}
<div id="hc-box" data-run="${run ?? ''}"></div>
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
        `<label class="tn-p" title="${esc(p.path)}"><input type="checkbox" value="${esc(p.path)}"${i < 6 ? ' checked' : ''}> ${esc(nameOf(t.model, p.path))}</label>`,
    )
    .join('')}`;
}

function render(): void {
  panel.querySelector('.wi-body')!.innerHTML = st.tab === 'whatif' ? renderWhatIf() : renderReview();
  panel
    .querySelectorAll<HTMLButtonElement>('.wi-tabs button')
    .forEach((b) => b.classList.toggle('active', b.dataset.tab === st.tab));
  panel.querySelector('.wi-title')!.textContent = st.tab === 'whatif' ? s().whatIf : s().review;
  if (st.tab === 'review') {
    renderTornadoParams();
    void mountHindcast(document.getElementById('hc-box')!, shownRun());
  }
}

/**
 * The edited scenario: extends the baseline and holds only the changed values. The dynamic traffic model embeds the
 * static section (scenario files share it with a YAML alias), so a change under `traffic` is written there too; the
 * dynamic replay then follows the same demand and signal rollout, as it does for a file like fast-signals.yaml.
 */
function scenarioBody(): Record<string, unknown> {
  const name = (document.getElementById('wi-name') as HTMLInputElement).value.trim() || 'what-if';
  const sc: Record<string, unknown> = { extends: 'baseline', name, description: 'What-if from the viewer panel' };
  for (const [m, edits] of st.edits)
    for (const [p, v] of edits) {
      setPath(sc, `${m}.${p}`, v);
      if (m === 'traffic' && st.baseModels.includes('traffic-dynamic')) setPath(sc, `traffic-dynamic.traffic.${p}`, v);
    }
  return sc;
}

/** Refuses Run and Save while a year-table cell holds a value the schema would refuse (named in the message). */
function blockedByInvalid(): boolean {
  if (!st.invalid.size) return false;
  message(
    `${esc(fill(s().cellsInvalid, st.invalid.size))}<ul>${[...st.invalid.values()].map((v) => `<li>${esc(v.message)}</li>`).join('')}</ul>`,
    'err',
  );
  return true;
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
  if (blockedByInvalid()) return;
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
  if (blockedByInvalid()) return;
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
      out.innerHTML += `<div class="tn-chart">${tornadoChart({ title: `P(met) — ${res.target.id}`, pBase: res.pBase, seP: res.seP, bars: res.bars.map((b) => ({ ...b, param: nameOf(res.target.model, b.param) })), width: 380 })}</div>${
        res.skipped.length
          ? `<ul class="muted">${res.skipped.map((k) => `<li>${esc(nameOf(res.target.model, k.param))}: ${esc(k.reason)}</li>`).join('')}</ul>`
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
      st.invalid.clear();
      st.factors.clear();
      render();
    } else if (el.matches('.wi-x2')) {
      const r = onLeverEvent(el, false);
      if (r) refreshParams(r.model, r.paths);
    } else if (el.id === 'wi-cancel' && st.runId !== null)
      void api(`api/runs/${st.runId}/cancel`, { method: 'POST', body: '{}' }).catch((x) => message(failure(x), 'err'));
    else if (el.id === 'tn-run') void onTornado();
  });
  panel.addEventListener('change', (e) => {
    const el = e.target as HTMLInputElement;
    // Views are redrawn after the focus has moved on (change fires before it does), so Tab through a table works.
    const later = (model: string, paths: string[]) => setTimeout(() => refreshParams(model, paths), 0);
    if (el.dataset.lever) {
      const r = onLeverEvent(el, false);
      if (r) later(r.model, r.paths);
    } else if (el.classList.contains('wi-cell')) {
      readCell(el);
      later(el.dataset.model!, [el.dataset.path!]);
    } else if (el.dataset.path) {
      readInput(el);
      later(el.dataset.model!, [el.dataset.path]);
    }
    if (el.id === 'tn-target') renderTornadoParams();
  });
  // A slider's number box follows it while dragging; the value is recorded on release (the change event).
  panel.addEventListener('input', (e) => {
    const el = e.target as HTMLElement;
    if (el.dataset.lever) onLeverEvent(el, true);
  });
  // The panel sits under the top bar whatever its height (it wraps on narrow screens) and inside the viewport.
  const place = () => {
    const top = Math.ceil(document.getElementById('topbar')?.getBoundingClientRect().bottom ?? 44) + 6;
    panel.style.top = `${top}px`;
  };
  place();
  window.addEventListener('resize', place);
  new ResizeObserver(place).observe(document.getElementById('topbar') ?? document.body);
}

void mount().catch((e: unknown) => console.warn('what-if panel unavailable:', e));
