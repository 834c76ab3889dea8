/**
 * Progress tracking in the viewer (issue 10): actual points and the re-forecast band on charts, behind / on track /
 * ahead in the targets panel with P(met) before → after the re-forecast, the "progress since the last meeting"
 * view (a presentation step and a top-bar button), and the "Import actuals" control (server only; hidden in a
 * static export). main.ts calls these functions at a few hooks; everything else lives here.
 */
import type { TargetDef } from '../../../engine/contract/index.ts';
import type { ChartBuild, ChartRun } from '../charts.ts';
import type { RunBundle, SeriesIndex } from '../data.ts';
import { metricName, onLangChange } from '../i18n/index.ts';
import { fmt, fmtDiff } from '../numbers.ts';
import { actualsOverlay, ACTUAL_COLOUR, REFORECAST_COLOUR } from './chart.ts';
import {
  actualsOf,
  meetingDates,
  progressBetween,
  reforecastSeries,
  targetProgress,
  type Actual,
  type ProgressStatus,
} from './status.ts';
import { fill, ps } from './strings.ts';

interface View {
  bundle: RunBundle;
  ix: SeriesIndex;
}
type Reforecast = NonNullable<RunBundle['reforecast']> & { runId?: number };

export interface ProgressHost {
  /** 'api' when served by the twin server; 'static' for an export (no import control, no re-forecast by date). */
  kind: 'api' | 'static';
  /** The shown run. */
  view(): View | null;
  /** Reload the shown run's bundle (after an import). */
  reload(): Promise<void>;
  toast(msg: string, ms?: number): void;
  /** Display name of an entity (district names from the geodata). */
  entityLabel(entity: string): string;
  /** Target title in the current language. */
  targetTitle(td: TargetDef): string;
}

const STATUS_CSS: Record<ProgressStatus | 'none', string> = {
  met: 'var(--good, #3ccf91)',
  behind: 'var(--bad, #ef5a5a)',
  'on-track': 'var(--good, #3ccf91)',
  ahead: 'var(--accent, #4fd1ff)',
  unclear: 'var(--muted, #8fa0bd)',
  none: 'var(--muted, #8fa0bd)',
};

const CSS = `
.target .progress { font-size: 12px; margin-top: 3px; color: var(--muted); font-variant-numeric: tabular-nums; }
.target .progress b { color: var(--pcol); }
.target .progress.none { font-style: italic; }
.target .reforecast { font-size: 12px; color: ${REFORECAST_COLOUR}; font-variant-numeric: tabular-nums; }
#progress-summary { font-size: 12px; color: var(--muted); margin: 0 0 8px; }
#progress-summary .warn { color: var(--warn, #f5b942); display: block; }
#actuals-file { display: none; }
#progress-panel { position: fixed; left: 380px; right: 320px; top: 70px; bottom: 70px; z-index: 35; overflow-y: auto; background: var(--panel); border: 1px solid ${ACTUAL_COLOUR}; border-radius: 6px; padding: 8px 12px; }
#progress-panel[hidden], #actuals-issues[hidden] { display: none; }
#progress-panel h3 { margin: 12px 0 6px; font-size: 15px; color: var(--muted); }
#progress-panel input[type="date"] { font: inherit; color: var(--text); background: #16223a; border: 1px solid var(--line); border-radius: 4px; padding: 2px 6px; color-scheme: dark; }
#progress-panel table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
#progress-panel td, #progress-panel th { padding: 3px 6px; border-bottom: 1px solid rgba(255,255,255,0.06); text-align: left; vertical-align: top; }
#progress-panel th { color: var(--muted); font-weight: 600; }
#progress-panel .st { font-weight: 700; }
#progress-panel .note { color: var(--muted); font-size: 12px; }
/* Presenting: the table is the point of this step, so it takes the width of the screen below the step bar. */
body.presenting #progress-panel { left: 24px; right: 24px; top: 140px; bottom: 64px; }
#progress-panel .note { white-space: nowrap; }
#actuals-issues { position: fixed; left: 50%; top: 90px; transform: translateX(-50%); width: min(760px, 90vw); max-height: 70vh; overflow-y: auto; z-index: 60; background: #2a1218; border: 1px solid var(--bad, #ef5a5a); border-radius: 6px; padding: 8px 12px; }
#actuals-issues table { width: 100%; border-collapse: collapse; font-size: 13px; }
#actuals-issues td { padding: 2px 6px; border-bottom: 1px solid rgba(255,255,255,0.06); vertical-align: top; }
`;

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${Math.round(v * 100)}%`);
const boundText = (a: Actual, unit: string) =>
  `${a.bound === '=' ? '' : `${a.bound === '>=' ? '≥' : '≤'} `}${fmt(a.value, unit)}`;
const unitOf = (b: RunBundle, metric: string) => b.metrics[metric]?.unit ?? '';

let host: ProgressHost | null = null;
let panel: HTMLElement | null = null;
let range: { from: string; to: string } | null = null;
/** Re-forecasts fetched by date for the panel: `${runId}|${until}` → result (the store only grows between imports). */
const rfCache = new Map<string, Promise<Reforecast | null>>();

// ---------- charts ----------

/**
 * What a chart of (metric, entity) gains: the re-forecast band as an extra run and the actual points.
 * @example
 * // in the viewer: runs.push(...pg.runs); renderChart(el, { ...spec, extend: pg.extend })
 * const actual = { metric: 'extranet.liveShare', scope: 'city', date: '2018-06-30', value: 0.42, unit: 'share',
 *   source: 'report', note: '', bound: '=' };
 * const band = (period, p50) => ({ metric: 'extranet.liveShare', entity: 'city', period, p10: p50 - 0.1, p50, p90: p50 + 0.1 });
 * const bands = [band('2018-12', 0.5), band('2018-06', 0.42)];
 * const reforecast = { until: '2018-06-30', ess: 40, replications: 50, used: 1, warning: null, evaluations: [], bands };
 * const pg = progressChart({ actuals: [actual], reforecast }, 'extranet.liveShare', 'city');
 * // the re-forecast band as one more run (labels in the current language, zh-CN by default)
 * const [rf] = pg.runs;
 * [pg.runs.length, rf.label, rf.colour] // => [1, '重新预测', '#7ee787']
 * [rf.series.periods, rf.series.p50] // => [['2018-06', '2018-12'], [0.42, 0.5]]
 * const build = { data: [[Date.parse('2018-01-15') / 1000], [0.3]], series: [{}, { label: 'run 1' }], bands: [], draw: [] };
 * pg.extend(build);
 * build.series.map((s) => s.label) // => [undefined, 'run 1', '实际']
 * progressChart({ actuals: [] }, 'extranet.liveShare', 'city').runs // => []
 */
export function progressChart(
  bundle: RunBundle,
  metric: string,
  entity: string,
): { runs: ChartRun[]; extend: (b: ChartBuild) => void } {
  const rf = reforecastSeries(bundle, metric, entity);
  const runs: ChartRun[] =
    rf && (bundle.reforecast?.used ?? 0) > 0 ? [{ label: ps().reforecast, series: rf, colour: REFORECAST_COLOUR }] : [];
  return {
    runs,
    extend: actualsOverlay(actualsOf(bundle, metric, entity), { actual: ps().actual, bound: ps().actualBound }),
  };
}

// ---------- targets panel ----------

/**
 * The lines a target card gains: its status from the latest actual against the projection band, and P(met) before →
 * after the re-forecast. `data-status` is behind / on-track / ahead / unclear, or none without an actual.
 * @example
 * import { SeriesIndex } from '../data.ts';
 * // The run's band for the month of the latest actual, and one reported actual below it:
 * const row = { model: 'rollout', metric: 'extranet.liveShare', entity: 'level:town', period: '2018-06', p10: 0.5, p50: 0.6,
 *   p90: 0.7, mean: 0.6, n: 10 };
 * const ix = new SeriesIndex([row]);
 * const actual = { metric: 'extranet.liveShare', scope: 'level:town', date: '2018-06-30', value: 0.4, bound: '=', source: 'city report' };
 * const bundle = { actuals: [actual] };
 * const td = { id: 'extranet-town', metric: 'extranet.liveShare', entity: 'level:town', comparator: '>=', threshold: 1, unit: 'share' };
 * // The card shows `<div class="target">…${targetProgressHtml(bundle, ix, td)}</div>`; in zh-CN, the default:
 * targetProgressHtml(bundle, ix, td) // => '<div class="progress" data-status="behind" style="--pcol:var(--bad, #ef5a5a)" title="city report">实际 2018-06-30: 40% · 预测区间 50%–70% → <b>落后</b></div>'
 * targetProgressHtml({ actuals: [] }, ix, td) // => '<div class="progress none" data-status="none"></div>'
 */
export function targetProgressHtml(bundle: RunBundle, ix: SeriesIndex, td: TargetDef): string {
  const s = ps();
  const tp = targetProgress(bundle, ix, td);
  const unit = td.unit;
  let line: string;
  if (tp) {
    line =
      `<div class="progress" data-status="${tp.status}" style="--pcol:${STATUS_CSS[tp.status]}" title="${esc(`${tp.actual.source}${tp.actual.note ? ` — ${tp.actual.note}` : ''}`)}">` +
      `${s.actualLabel} ${tp.actual.date}: ${boundText(tp.actual, unit)} · ${s.vsBand} ${fmt(tp.band.p10, unit)}–${fmt(tp.band.p90, unit)} → <b>${s[tp.status]}</b></div>`;
  } else {
    line = `<div class="progress none" data-status="none">${(bundle.actuals ?? []).length ? s.noActuals : ''}</div>`;
  }
  const rf = bundle.reforecast;
  const ev = rf && rf.used > 0 ? rf.evaluations.find((e) => e.targetId === td.id) : undefined;
  const rfLine = ev
    ? `<div class="reforecast" data-p-met-prior="${ev.pMetPrior}" data-p-met="${ev.pMet}" title="${esc(s.pMetAfter)}">${esc(s.pMetShort)} ${pct(ev.pMetPrior)} → <b>${pct(ev.pMet)}</b> (${s.reforecast})</div>`
    : '';
  return line + rfLine;
}

/**
 * The re-forecast summary above the targets list (actuals used, effective replications, the warning when too few).
 * @example renderProgressSummary(bundle)
 */
export function renderProgressSummary(bundle: RunBundle): void {
  const list = document.getElementById('targets-list');
  if (!list) return;
  let el = document.getElementById('progress-summary');
  if (!el) {
    el = document.createElement('div');
    el.id = 'progress-summary';
    list.parentElement!.insertBefore(el, list);
  }
  const rf = bundle.reforecast;
  el.innerHTML =
    rf && rf.used > 0
      ? `${esc(fill(ps().summary, rf.used, rf.until, rf.ess.toFixed(1), rf.replications))}${rf.warning ? `<span class="warn">⚠ ${esc(rf.warning)}</span>` : ''}`
      : '';
  el.hidden = !el.innerHTML;
}

// ---------- progress since the last meeting ----------

async function reforecastUntil(runId: number, until: string): Promise<Reforecast | null> {
  const k = `${runId}|${until}`;
  if (!rfCache.has(k)) {
    rfCache.set(
      k,
      fetch(`api/runs/${runId}/reforecast?until=${until}`, { headers: { accept: 'application/json' } })
        .then(async (r) => (r.ok ? ((await r.json()) as Reforecast) : null))
        .catch(() => null),
    );
  }
  return rfCache.get(k)!;
}

async function renderPanel(): Promise<void> {
  if (!panel || !host) return;
  const v = host.view();
  const s = ps();
  const b = v?.bundle;
  const actuals = b?.actuals ?? [];
  if (!range) range = meetingDates(actuals);
  const { from, to } = range;
  const head = `<div class="panel-head">
    <label>${esc(s.from)} <input type="date" id="progress-from" min="2017-01-01" max="2021-12-31" value="${from}"></label>
    <label>${esc(s.to)} <input type="date" id="progress-to" min="2017-01-01" max="2021-12-31" value="${to}"></label>
    <span class="spacer"></span><button id="progress-close">${esc(s.close)}</button></div>`;
  if (!v || !b) {
    panel.innerHTML = head;
    wirePanel();
    return;
  }
  const name = (m: string) => metricName(m, b.metrics[m]?.title ?? m);
  const st = (x: ProgressStatus | null) =>
    x ? `<span class="st" style="color:${STATUS_CSS[x]}">${esc(s[x])}</span>` : '—';
  const moved = progressBetween(b, v.ix, from, to);
  const movedRows = moved
    .map((m) => {
      const u = unitOf(b, m.metric);
      const before = m.before ? `${boundText(m.before, u)} <span class="note">${m.before.date}</span>` : '—';
      const change = m.change === null ? '' : fmtDiff(m.change, u);
      return `<tr data-metric="${esc(m.metric)}" data-entity="${esc(m.entity)}"><td>${esc(name(m.metric))}</td><td>${esc(host!.entityLabel(m.entity))}</td>
      <td>${before}</td><td>${boundText(m.after, u)} <span class="note">${m.after.date}</span></td><td>${change}</td>
      <td>${st(m.statusBefore)} → ${st(m.statusAfter)}</td></tr>`;
    })
    .join('');
  const movedTable =
    actuals.length === 0
      ? `<p class="note">${esc(s.noActualsAtAll)}</p>`
      : moved.length
        ? `<table id="progress-moved"><tr><th>${esc(s.thMetric)}</th><th>${esc(s.thEntity)}</th><th>${esc(s.thBefore)} (${from})</th><th>${esc(s.thAfter)} (${to})</th><th>${esc(s.thChange)}</th><th>${esc(s.thStatus)}</th></tr>${movedRows}</table>`
        : `<p class="note">${esc(s.nothingMoved)}</p>`;
  panel.innerHTML = `${head}<h3>${esc(s.stepProgress)}: ${from} → ${to}</h3>${movedTable}<div id="progress-targets"></div>`;
  wirePanel();

  // Targets whose status or P(met) moved: P(met) re-forecast on the actuals up to each date (server), else the bundle's.
  const runId = b.run.id;
  const [rfFrom, rfTo] =
    host.kind === 'api' && actuals.length
      ? await Promise.all([reforecastUntil(runId, from), reforecastUntil(runId, to)])
      : [null, null];
  if (host.view()?.bundle !== b || range.from !== from || range.to !== to) return; // changed meanwhile
  const movedTargets = new Set(moved.flatMap((m) => m.targets));
  const rows = b.targets
    .map((td) => {
      const p0 =
        rfFrom?.evaluations.find((e) => e.targetId === td.id)?.pMet ??
        (rfFrom ? null : b.reforecast?.evaluations.find((e) => e.targetId === td.id)?.pMetPrior);
      const p1 =
        rfTo?.evaluations.find((e) => e.targetId === td.id)?.pMet ??
        (rfTo ? null : b.reforecast?.evaluations.find((e) => e.targetId === td.id)?.pMet);
      const s0 = targetProgress(b, v.ix, td, from)?.status ?? null,
        s1 = targetProgress(b, v.ix, td, to)?.status ?? null;
      const dp = p0 !== null && p0 !== undefined && p1 !== null && p1 !== undefined ? p1 - p0 : 0;
      return { td, p0, p1, s0, s1, dp, show: movedTargets.has(td.id) || s0 !== s1 || Math.abs(dp) >= 0.005 };
    })
    .filter((r) => r.show)
    .sort((x, y) => Math.abs(y.dp) - Math.abs(x.dp));
  const tEl = panel.querySelector('#progress-targets');
  if (!tEl) return;
  tEl.innerHTML = rows.length
    ? `<h3>${esc(s.thTargets)}</h3><table>${rows
        .map(
          (r) => `<tr data-target-id="${esc(r.td.id)}"><td>${esc(host!.targetTitle(r.td))}</td>
        <td>${pct(r.p0)} → <b>${pct(r.p1)}</b>${r.dp ? ` <span class="${r.dp > 0 ? 'diff-up' : 'diff-down'}">(${fmtDiff(r.dp, 'share')})</span>` : ''}</td>
        <td>${st(r.s0)} → ${st(r.s1)}</td></tr>`,
        )
        .join('')}</table>${host.kind === 'static' ? `<p class="note">${esc(s.staticNote)}</p>` : ''}`
    : '';
}

function wirePanel(): void {
  const onDate = () => {
    const f = (document.getElementById('progress-from') as HTMLInputElement | null)?.value;
    const t = (document.getElementById('progress-to') as HTMLInputElement | null)?.value;
    if (!f || !t) return;
    range = f <= t ? { from: f, to: t } : { from: t, to: f };
    void renderPanel();
  };
  document.getElementById('progress-from')?.addEventListener('change', onDate);
  document.getElementById('progress-to')?.addEventListener('change', onDate);
  document.getElementById('progress-close')?.addEventListener('click', () => showProgressPanel(false));
}

/**
 * Show or hide the "progress since the last meeting" view (the dates default to the last two actual dates).
 * @example showProgressPanel(true)
 */
export function showProgressPanel(show: boolean): void {
  if (!panel) return;
  panel.hidden = !show;
  document.getElementById('progress-btn')?.classList.toggle('active', show);
  if (show) void renderPanel();
}

/** The month a progress view is about (the later date), for the timeline. @example progressMonth() // '2018-12' */
export function progressMonth(): string {
  const v = host?.view();
  return (range ?? meetingDates(v?.bundle.actuals ?? [])).to.slice(0, 7);
}

/** Call when the shown run changes: new defaults for the dates, refreshed panel. */
export function onProgressRun(): void {
  range = null;
  if (panel && !panel.hidden) void renderPanel();
}

// ---------- import ----------

function showIssues(error: string, issues: Array<{ line: number; field: string; message: string }>): void {
  let box = document.getElementById('actuals-issues');
  if (!box) {
    box = document.createElement('div');
    box.id = 'actuals-issues';
    document.body.appendChild(box);
  }
  const s = ps();
  box.innerHTML = `<div class="panel-head"><span>${esc(s.importFailed)}</span><span class="spacer"></span><button id="actuals-issues-close">${esc(s.close)}</button></div>
    <p>${esc(error)}</p><table>${issues.map((i) => `<tr><td>${esc(fill(s.line, i.line))}</td><td>${esc(i.field)}</td><td>${esc(i.message)}</td></tr>`).join('')}</table>`;
  box.hidden = false;
  document.getElementById('actuals-issues-close')!.addEventListener('click', () => {
    box!.hidden = true;
  });
}

async function importFile(file: File): Promise<void> {
  const h = host!;
  // The file's bytes as they are: the server checks the encoding (a GBK file is refused with a fix, not garbled).
  const res = await fetch(`api/actuals?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', accept: 'application/json' },
    body: file,
  });
  const body = (await res.json().catch(() => ({}))) as {
    imported?: number;
    error?: string;
    issues?: Array<{ line: number; field: string; message: string }>;
  };
  if (!res.ok) {
    showIssues(body.error ?? `HTTP ${res.status}`, body.issues ?? []);
    return;
  }
  document.getElementById('actuals-issues')?.setAttribute('hidden', '');
  rfCache.clear();
  range = null;
  await h.reload();
  h.toast(fill(ps().imported, body.imported ?? 0), 4000);
}

function applyTexts(): void {
  const s = ps();
  const imp = document.getElementById('actuals-import-btn');
  if (imp) {
    imp.textContent = s.importActuals;
    imp.title = s.importTitle;
  }
  const pb = document.getElementById('progress-btn');
  if (pb) pb.textContent = s.progressBtn;
  if (panel && !panel.hidden) void renderPanel();
}

/**
 * Mount the add-on once the data source is known: the Progress button and panel, and the "Import actuals" control
 * when served by the twin server (never in a static export, which has no API).
 * @example mountProgress({ kind: source.kind, view: () => app.a, reload: () => selectRun(id), toast, entityLabel, targetTitle })
 */
export function mountProgress(h: ProgressHost): void {
  if (host) return;
  host = h;
  const style = document.createElement('style');
  style.textContent = CSS;
  document.head.appendChild(style);
  const bar = document.getElementById('topbar');
  const before = document.getElementById('present-btn');
  const pb = document.createElement('button');
  pb.id = 'progress-btn';
  pb.addEventListener('click', () => showProgressPanel(!!panel?.hidden));
  bar?.insertBefore(pb, before);
  if (h.kind === 'api') {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'actuals-file';
    input.accept = '.csv,text/csv';
    const btn = document.createElement('button');
    btn.id = 'actuals-import-btn';
    btn.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const f = input.files?.[0];
      input.value = ''; // the same file can be chosen again after fixing it
      if (f) void importFile(f).catch((e: unknown) => h.toast(`${ps().importFailed}: ${String(e)}`, 6000));
    });
    bar?.insertBefore(btn, pb);
    bar?.insertBefore(input, pb);
  }
  panel = document.createElement('section');
  panel.id = 'progress-panel';
  panel.hidden = true;
  document.getElementById('app')?.appendChild(panel);
  applyTexts();
  onLangChange(applyTexts);
}

/**
 * Title of the presentation step.
 * @example
 * progressStepTitle() // => '上次会议以来的进展'
 */
export function progressStepTitle(): string {
  return ps().stepProgress;
}
