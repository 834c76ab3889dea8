/**
 * The report for the expert committee and leadership (`twin report RUN|latest [--compare RUN2] [--lang en] --out
 * report.pdf|html`), zh-CN by default: a one-page summary (targets by status, the three biggest risks, what changed since
 * the last report), the targets table sorted by risk, a chart for every target not met, traffic and greenhouse charts,
 * the actuals and re-forecast, district maps at each target's deadline, and the parameters as grouped tables (changed
 * values first). One self-contained HTML page (inline SVG, no scripts, no network); PDF is that page printed by a
 * headless Chromium found on the machine. Numbers go through engine/contract/format.ts (shares as %, differences in
 * 百分点/pp, money in 万元/亿元, energy in kWh/MWh).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDistricts } from '../../data/index.ts';
import { listActuals, reforecast, type Reforecast } from '../actuals.ts';
import { getPath, modelParams } from '../api/params.ts';
import { scenarioModels } from '../scenario.ts';
import type { Store } from '../store.ts';
import { loadTargets } from '../targets.ts';
import { reportHindcast } from './hindcast.ts';
import { DOC_CSS } from './modelcard.ts';
import { entityLabel, metricLabel, STRINGS, type ReportStrings } from './i18n.ts';
import { studySections } from './studies.ts';
import {
  bandChart,
  districtMap,
  esc,
  fmtMonth,
  fmtNumber,
  fmtPp,
  fmtShare,
  fmtValue,
  fmtMoneyCny,
  fmtEnergyKwh,
  isShareUnit,
  paramName,
  unitLabel,
  type BandSeries,
  type Lang,
  type MapFeature,
  type RunSummary,
  type SeriesRow,
  type TargetDef,
  type TargetEval,
} from '../contract/index.ts';

export interface ReportOptions {
  /** A second run to compare with; also the "last report" of the summary when given. */
  compare?: number;
  targets?: TargetDef[];
  /** Language of the report (default zh-CN). */
  lang?: Lang;
  /** Most maps in the report. */
  maxMaps?: number;
  /** The time printed as "generated" (default now; tests fix it). */
  now?: Date;
}

const isDistrict = (e: string) => /^37\d{4}$/.test(e);
const STATUS_ORDER: Record<string, number> = { missed: 0, 'at-risk': 1, 'no-data': 2, met: 3 };
const STATUS_FILL: Record<string, string> = {
  met: '#4caf6a',
  'at-risk': '#f0b429',
  missed: '#d64541',
  'no-data': '#b8c0c8',
};
/** City-level indicators drawn in the traffic and greenhouse section, in this order when the run has them. */
const TRAFFIC_METRICS = [
  'traffic.meanSpeedKmPerH',
  'traffic.congestionIndex',
  'traffic.congestedLengthShare',
  'traffic.vhtVehH',
  'traffic.smartSignalShare',
  'traffic.peakMeanTravelTimeMin',
];
const GREENHOUSE_METRICS = [
  'greenhouse.productionT',
  'greenhouse.cropYieldKgPerM2',
  'greenhouse.yieldKgPerM2',
  'greenhouse.smartShare',
  'greenhouse.smartGainPct',
  'greenhouse.coldDamageDays',
  'greenhouse.frostLossShare',
];

function bandOf(rows: SeriesRow[], label: string): BandSeries {
  const s = [...rows].sort((a, b) => (a.period < b.period ? -1 : 1));
  return {
    label,
    periods: s.map((r) => r.period),
    p10: s.map((r) => r.p10),
    p50: s.map((r) => r.p50),
    p90: s.map((r) => r.p90),
  };
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const a = m.get(k);
    if (a) a.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/** Tick and label text of a chart axis for a unit: shares as whole %, money and energy scaled, else 3 digits. */
function axisFormat(unit: string, lang: Lang): (v: number) => string {
  const base = unit.replace(/\/month$/, '');
  if (isShareUnit(base)) return (v) => `${+(100 * v).toFixed(1)}%`;
  if (base === 'CNY') return (v) => fmtMoneyCny(v, lang);
  if (base === 'kWh') return (v) => fmtEnergyKwh(v);
  return (v) => fmtNumber(v);
}

/** The unit as the chart title shows it ('' for shares: the ticks say %). */
function unitTitle(unit: string, lang: Lang): string {
  const base = unit.replace(/\/month$/, '');
  if (isShareUnit(base) || base === 'CNY' || base === 'kWh')
    return /\/month$/.test(unit) ? (lang === 'zh-CN' ? '每月' : 'per month') : '';
  return unitLabel(unit, lang);
}

/** Shorten a title to fit a chart of 480 px: CJK characters count double. */
function fit(title: string, maxUnits = 70): string {
  let u = 0;
  let out = '';
  for (const ch of title) {
    u += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
    if (u > maxUnits) return out + '…';
    out += ch;
  }
  return out;
}

/** The last period of a series on or before an ISO date (`2018-12-31` → the row of `2018-12` or `2018`). */
function periodAt(periods: string[], isoDate: string): string | undefined {
  let best: string | undefined;
  for (const p of periods) {
    const end = /^\d{4}$/.test(p) ? `${p}-12-31` : /^\d{4}-\d{2}$/.test(p) ? `${p}-31` : p;
    if (end <= isoDate && (!best || p > best)) best = p;
  }
  return best;
}

type StoredRun = NonNullable<ReturnType<Store['run']>>;

/** The run the summary compares with: the named compare run, else the latest earlier finished run of the same scenario. */
function previousRun(store: Store, run: StoredRun, compare?: number): RunSummary | undefined {
  if (compare !== undefined) return store.run(compare);
  return store.listRuns().find((r) => r.id < run.id && r.status === 'done' && r.scenarioName === run.scenarioName);
}

/** Parameter values of a stored run, per model id. */
const scenarioOf = (r: StoredRun) => JSON.parse(r.scenarioJson).scenario as Record<string, unknown>;
const fmtParam = (x: unknown) =>
  x === undefined ? '—' : typeof x === 'number' ? String(+x.toPrecision(6)) : JSON.stringify(x);

/**
 * The report of a run as one self-contained HTML page, in zh-CN unless `lang: 'en'`.
 * @example writeFileSync('report.html', reportHtml(store, 3, { compare: 2, lang: 'en' }))
 */
export function reportHtml(store: Store, runId: number, opts: ReportOptions = {}): string {
  const lang: Lang = opts.lang ?? 'zh-CN';
  const S: ReportStrings = STRINGS[lang];
  const targets = opts.targets ?? loadTargets();
  const run = store.run(runId);
  if (!run) throw new Error(`no run ${runId} in ${store.file}`);
  const cmp = opts.compare !== undefined ? store.run(opts.compare) : undefined;
  if (opts.compare !== undefined && !cmp) throw new Error(`no run ${opts.compare} in ${store.file} to compare with`);
  const prevSummary = previousRun(store, run, opts.compare);
  const prev = prevSummary ? store.run(prevSummary.id) : undefined;
  const series = store.series(runId);
  const cseries = cmp ? store.series(cmp.id) : [];
  const evals = new Map(store.targetEvals(runId).map((e) => [e.targetId, e]));
  const cevals = new Map(cmp ? store.targetEvals(cmp.id).map((e) => [e.targetId, e] as [string, TargetEval]) : []);
  const pevals = new Map(prev ? store.targetEvals(prev.id).map((e) => [e.targetId, e] as [string, TargetEval]) : []);
  const byKey = groupBy(series, (r) => `${r.metric}\u0000${r.entity}`);
  const cByKey = groupBy(cseries, (r) => `${r.metric}\u0000${r.entity}`);
  const catalogue = new Map(scenarioModels().flatMap((m) => (m.metrics ?? []).map((x) => [x.id, x] as const)));
  let districts: Array<{ code: string; nameZh: string; nameEn: string; polygon: MapFeature['polygon'] }>;
  try {
    districts = loadDistricts();
  } catch {
    districts = [];
  }
  const dnames = new Map(districts.map((d) => [d.code, { zh: d.nameZh, en: d.nameEn }]));
  const mName = (id: string) => metricLabel(id, lang, catalogue.get(id)?.title);
  const eName = (id: string) => entityLabel(id, lang, dnames);
  const tTitle = (t: TargetDef) => (lang === 'zh-CN' && t.titleZh ? t.titleZh : t.title);
  const unitOf = (metric: string, t?: TargetDef) => catalogue.get(metric)?.unit ?? t?.unit ?? '';
  const runLabel = (r: RunSummary) => `${S.run} ${r.id} (${r.scenarioName})`;
  const st = (e: TargetEval | undefined) => e?.status ?? 'no-data';
  const pOf = (e: TargetEval | undefined) => (e && Number.isFinite(e.pMet) ? e.pMet : NaN);

  // Targets with their evaluation, riskiest first (missed, at risk, no data, met; then lowest P(met), earliest deadline).
  const rows = targets
    .map((t) => ({ t, e: evals.get(t.id) }))
    .sort(
      (a, b) =>
        STATUS_ORDER[st(a.e)]! - STATUS_ORDER[st(b.e)]! ||
        (pOf(a.e) || 0) - (pOf(b.e) || 0) ||
        (a.t.deadline < b.t.deadline ? -1 : a.t.deadline > b.t.deadline ? 1 : 0),
    );
  const counts: Record<string, number> = { met: 0, 'at-risk': 0, missed: 0, 'no-data': 0 };
  for (const r of rows) counts[st(r.e)] = (counts[st(r.e)] ?? 0) + 1;
  const notMet = rows.filter((r) => st(r.e) === 'missed' || st(r.e) === 'at-risk');

  // Actuals and the re-forecast (only for a finished run; a failure to weight is reported, not fatal).
  const actuals = listActuals(store);
  let rf: Reforecast | undefined;
  let rfError: string | undefined;
  if (run.status === 'done' && actuals.length) {
    try {
      rf = reforecast(store, runId, targets);
    } catch (e) {
      rfError = (e as Error).message;
    }
  }

  // ---- Page 1: summary.
  const statusBoxes = (['met', 'at-risk', 'missed', 'no-data'] as const)
    .map((k) => `<div class="box ${k}"><div class="n">${counts[k]}</div><div>${esc(S.status[k])}</div></div>`)
    .join('');
  // The same counts as one stacked bar, so the share of targets at risk is seen at a glance (print-safe SVG).
  const total = Math.max(1, rows.length);
  let x0 = 0;
  const statusBar = `<svg class="statusbar" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 18" width="100%" height="18" preserveAspectRatio="none">${(
    ['met', 'at-risk', 'missed', 'no-data'] as const
  )
    .map((k) => {
      const w = (600 * counts[k]!) / total;
      const r = `<rect x="${x0.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="18" fill="${STATUS_FILL[k]}"><title>${esc(S.status[k])}: ${counts[k]}</title></rect>`;
      x0 += w;
      return r;
    })
    .join('')}</svg>`;
  const risks = notMet.slice(0, 3);
  const riskHtml = risks.length
    ? `<ol class="risks">${risks
        .map(
          ({ t, e }) =>
            `<li><b>${esc(tTitle(t))}</b> <span class="tag ${st(e)}">${esc(S.status[st(e)]!)}</span><br><span class="muted">${esc(
              S.riskLine(fmtShare(e?.pMet), fmtMonth(t.deadline, lang), e?.dateP50 ? fmtMonth(e.dateP50, lang) : '—'),
            )}</span> <code class="muted">${esc(t.id)}</code></li>`,
        )
        .join('')}</ol>`
    : `<p>${esc(S.noRisks)}</p>`;

  const paramDiffs: Array<{ model: string; path: string; now: unknown; before: unknown; description: string }> = [];
  const diffAgainst = cmp ?? prev;
  const ran = JSON.parse(run.scenarioJson).modelIds as string[];
  const models = scenarioModels().filter((x) => ran.includes(x.id));
  if (diffAgainst) {
    const a = scenarioOf(run);
    const b = scenarioOf(diffAgainst);
    for (const m of models)
      for (const p of modelParams(m)) {
        const now = getPath(a[m.id], p.path);
        const before = getPath(b[m.id], p.path);
        if (JSON.stringify(now) !== JSON.stringify(before))
          paramDiffs.push({ model: m.id, path: p.path, now, before, description: p.description });
      }
  }
  let changesHtml: string;
  if (!prev) changesHtml = `<p>${esc(S.firstReport)}</p>`;
  else {
    const moved = targets
      .map((t) => ({ t, a: evals.get(t.id), b: pevals.get(t.id) }))
      .filter(({ a, b }) => st(a) !== st(b));
    const deltas = targets
      .map((t) => ({ t, d: pOf(evals.get(t.id)) - pOf(pevals.get(t.id)) }))
      .filter((x) => Number.isFinite(x.d) && Math.abs(x.d) >= 0.005)
      .sort((x, y) => Math.abs(y.d) - Math.abs(x.d))
      .slice(0, 3);
    changesHtml = `<p>${esc(S.changesAgainst(prev.id, prev.scenarioName))} ${esc(S.paramChanges(paramDiffs.length))}${
      paramDiffs.length
        ? `: ${paramDiffs
            .slice(0, 4)
            .map(
              (d) => `<code>${esc(d.model)}.${esc(d.path)}</code> ${esc(fmtParam(d.before))} → ${esc(fmtParam(d.now))}`,
            )
            .join('; ')}${paramDiffs.length > 4 ? ' …' : ''}`
        : ''
    }</p>
<p><b>${esc(S.statusChanges)}</b>: ${
      moved.length
        ? moved
            .map(
              ({ t, a, b }) =>
                `${esc(tTitle(t))} <span class="tag ${st(b)}">${esc(S.status[st(b)]!)}</span> → <span class="tag ${st(a)}">${esc(S.status[st(a)]!)}</span>`,
            )
            .join('；')
        : esc(S.noStatusChange)
    }</p>${
      deltas.length
        ? `<p><b>${esc(S.biggestMoves)}</b>: ${deltas
            .map(({ t, d }) => `${esc(tTitle(t))} ${esc(fmtPp(d, lang))}`)
            .join('；')}</p>`
        : ''
    }`;
  }
  const actualsLine = actuals.length
    ? esc(S.actualsLine(actuals.length, rf ? `${fmtNumber(rf.ess)} / ${rf.replications}` : '—'))
    : esc(S.noActuals);

  const kv = (k: string, v: string) => `<tr><td>${esc(k)}</td><td>${v}</td></tr>`;
  const scenarioDesc = scenarioOf(run).description as string | undefined;
  const header = `<table class="kv"><tbody>${kv(S.run, `${run.id} · ${esc(run.status)}${run.error ? ` (${esc(run.error)})` : ''}`)}${kv(
    S.scenario,
    `${esc(run.scenarioName)}${scenarioDesc ? ` — ${esc(scenarioDesc)}` : ''}`,
  )}${kv(`${S.replications} · ${S.seed} · ${S.seedRule}`, `${run.replications} · ${run.seed} · <code>${esc(run.seedRule)}</code>`)}${kv(
    `${S.codeVersion} · ${S.finished}`,
    `<code>${esc(run.codeVersion)}</code> · ${esc(run.finishedAt?.slice(0, 16).replace('T', ' ') ?? '—')}`,
  )}${cmp ? kv(S.comparedWith, esc(runLabel(cmp))) : ''}</tbody></table>`;

  const summary = `<section class="page summary" id="summary">
<h1>${esc(S.title)}</h1>
<p class="muted">${esc(S.generated)} ${esc((opts.now ?? new Date()).toISOString().slice(0, 16).replace('T', ' '))} UTC</p>
${header}
<h2>${esc(S.summary)}</h2>
<h3>${esc(S.byStatus)}</h3><div class="boxes">${statusBoxes}</div>${statusBar}
<h3>${esc(S.risks)}</h3>${riskHtml}
<h3>${esc(S.changes)}</h3>${changesHtml}
<p class="muted">${actualsLine}</p>
</section>`;

  // ---- Targets table.
  const cmpHead = cmp ? `<th>${esc(S.th.pMet)} ${esc(S.run)} ${cmp.id}</th><th>${esc(S.th.delta)}</th>` : '';
  const trows = rows
    .map(({ t, e }) => {
      const unit = t.unit;
      const c = cevals.get(t.id);
      const cmpCells = cmp
        ? `<td class="${st(c)}">${fmtShare(c?.pMet)} ${esc(S.status[st(c)]!)}</td><td>${esc(fmtPp(pOf(e) - pOf(c), lang))}</td>`
        : '';
      return `<tr><td><b>${esc(tTitle(t))}</b><br><code class="muted">${esc(t.id)}</code></td><td>${esc(S.source[t.source] ?? t.source)}</td><td>${esc(fmtMonth(t.deadline, lang))}</td><td>${esc(t.comparator === '>=' ? '≥' : '≤')} ${esc(fmtValue(t.threshold, unit, lang))}</td>
<td>${esc(fmtValue(e?.valueP50, unit, lang))} <span class="muted">(${esc(fmtValue(e?.valueP10, unit, lang))}–${esc(fmtValue(e?.valueP90, unit, lang))})</span></td>
<td>${esc(e?.dateP50 ? fmtMonth(e.dateP50, lang) : '—')} / ${esc(e?.dateP90 ? fmtMonth(e.dateP90, lang) : '—')}</td><td class="${st(e)}"><b>${fmtShare(e?.pMet)}</b> ${esc(S.status[st(e)]!)}</td>${cmpCells}</tr>`;
    })
    .join('\n');
  const targetsHtml = `<section class="page"><h2>${esc(S.targets)}</h2><p class="muted">${esc(S.targetsNote)}</p>
<table class="targets"><thead><tr><th>${esc(S.th.target)}</th><th>${esc(S.th.source)}</th><th>${esc(S.th.deadline)}</th><th>${esc(S.th.threshold)}</th><th>${esc(S.th.value)}</th><th>${esc(S.th.date)}</th><th>${esc(S.th.pMet)}</th>${cmpHead}</tr></thead><tbody>
${trows}
</tbody></table></section>`;

  // ---- Charts.
  const chart = (metric: string, entity: string, t?: TargetDef, caption?: string) => {
    const k = `${metric}\u0000${entity}`;
    const rowsK = byKey.get(k);
    if (!rowsK) return '';
    const unit = unitOf(metric, t);
    const svg = bandChart({
      title: fit(`${mName(metric)}${entity !== 'city' ? ` · ${eName(entity)}` : ''}`),
      unit: unitTitle(unit, lang),
      series: bandOf(rowsK, runLabel(run)),
      compare: cmp && cByKey.has(k) ? bandOf(cByKey.get(k)!, runLabel(cmp)) : undefined,
      threshold: t?.threshold,
      deadline: t?.deadline,
      deadlineText: t ? fmtMonth(t.deadline, lang) : undefined,
      format: axisFormat(unit, lang),
      labels: { target: S.targetWord, deadline: S.deadlineWord, band: S.band },
    });
    return `<figure class="chart" data-metric="${esc(metric)}" data-entity="${esc(entity)}"${t ? ` data-target="${esc(t.id)}"` : ''}>${svg}<figcaption>${caption ?? `<code>${esc(metric)}</code>`}</figcaption></figure>`;
  };
  const notMetCharts = notMet.map(({ t, e }) => {
    const c = chart(
      t.metric,
      t.entity,
      t,
      `<code>${esc(t.id)}</code> <b>${esc(tTitle(t))}</b> — P(${lang === 'zh-CN' ? '达成' : 'met'}) ${fmtShare(e?.pMet)}, ${esc(S.status[st(e)]!)}`,
    );
    return c || `<figure class="chart-missing"><p><b>${esc(tTitle(t))}</b>: ${esc(S.noSeries)}</p></figure>`;
  });
  const notMetHtml = `<section class="page"><h2>${esc(S.notMet)}</h2>${
    notMet.length
      ? `<p class="muted">${esc(S.notMetNote)}${cmp ? ` ╍ ${esc(runLabel(cmp))}` : ''}</p><div class="grid">${notMetCharts.join('\n')}</div>`
      : `<p>${esc(S.allMet)}</p>`
  }</section>`;

  const modelCharts = (prefix: string, preferred: string[]) => {
    // A preferred metric at city level, else at its first entity that is not a district or link (e.g. crop:tomato).
    const keys = [...byKey.keys()].map((k) => k.split('\u0000') as [string, string]);
    const entityOf = (m: string) =>
      byKey.has(`${m}\u0000city`)
        ? 'city'
        : keys.find(([km, e]) => km === m && !isDistrict(e) && !e.startsWith('link:'))?.[1];
    const have = preferred.filter((m) => entityOf(m)).map((m) => [m, entityOf(m)!] as [string, string]);
    const others = keys.filter(([m, e]) => e === 'city' && m.startsWith(prefix) && !preferred.includes(m));
    const list = [...have, ...others].slice(0, 4);
    return list.length
      ? `<div class="grid">${list.map(([m, e]) => chart(m, e, undefined, `${esc(mName(m))}${e !== 'city' ? ` · ${esc(eName(e))}` : ''} · <code>${esc(m)}</code>`)).join('\n')}</div>`
      : `<p class="muted">${esc(S.noModel)}</p>`;
  };
  const tgHtml = `<section class="page"><h2>${esc(S.trafficGreenhouse)}</h2>
<h3>${esc(S.traffic)}</h3>${modelCharts('traffic.', TRAFFIC_METRICS)}
<h3>${esc(S.greenhouse)}</h3>${modelCharts('greenhouse.', GREENHOUSE_METRICS)}</section>`;

  // ---- Actuals and re-forecast.
  const actualRows = actuals
    .map((a) => {
      const unit = catalogue.get(a.metric)?.unit ?? a.unit;
      const bound = a.bound === '>=' ? '≥ ' : a.bound === '<=' ? '≤ ' : '';
      return `<tr><td>${esc(mName(a.metric))}<br><code class="muted">${esc(a.metric)}</code></td><td>${esc(eName(a.scope))}</td><td>${esc(fmtMonth(a.date, lang))}</td><td>${esc(bound)}${esc(fmtValue(a.value, unit, lang))}</td><td class="muted">${esc(a.source)}</td></tr>`;
    })
    .join('');
  let rfHtml: string;
  if (rf) {
    const changed = rf.evaluations
      .filter((e) => Number.isFinite(e.pMet) && Number.isFinite(e.pMetPrior) && Math.abs(e.pMet - e.pMetPrior) >= 0.005)
      .sort((a, b) => Math.abs(b.pMet - b.pMetPrior) - Math.abs(a.pMet - a.pMetPrior));
    const tById = new Map(targets.map((t) => [t.id, t]));
    rfHtml = `<p>${esc(S.ess(fmtNumber(rf.ess), rf.replications))}${rf.warning ? ` — <b>${esc(rf.warning)}</b>` : ''}</p>${
      changed.length
        ? `<table><thead><tr><th>${esc(S.th.target)}</th><th>${esc(S.th.before)}</th><th>${esc(S.th.after)}</th><th>${esc(S.th.delta)}</th></tr></thead><tbody>${changed
            .map((e) => {
              const t = tById.get(e.targetId);
              return `<tr><td>${esc(t ? tTitle(t) : e.targetId)}</td><td>${fmtShare(e.pMetPrior)}</td><td class="${e.status}">${fmtShare(e.pMet)} ${esc(S.status[e.status] ?? e.status)}</td><td>${esc(fmtPp(e.pMet - e.pMetPrior, lang))}</td></tr>`;
            })
            .join('')}</tbody></table>`
        : `<p>${esc(S.unchangedReforecast)}</p>`
    }`;
  } else rfHtml = `<p class="muted">${esc(rfError ?? S.noReforecast)}</p>`;
  const actualsHtml = `<section class="page"><h2>${esc(S.actuals)}</h2><p class="muted">${esc(S.actualsNote)}</p>${
    actuals.length
      ? `<table><thead><tr><th>${esc(S.th.metric)}</th><th>${esc(S.th.scope)}</th><th>${esc(S.th.date2)}</th><th>${esc(S.th.actual)}</th><th>${esc(S.th.from)}</th></tr></thead><tbody>${actualRows}</tbody></table>`
      : `<p>${esc(S.noActuals)}</p>`
  }${rfHtml}${reportHindcast(store, runId, { lang, metricName: mName, entityName: eName, unitOf: (m, u) => unitOf(m) || u })}</section>`;

  // ---- Maps at each target's deadline: one per (metric, deadline month) with district series.
  const features: MapFeature[] = districts.map((d) => ({
    code: d.code,
    name: lang === 'zh-CN' ? d.nameZh : d.nameEn,
    polygon: d.polygon,
  }));
  const distByMetric = groupBy(
    series.filter((r) => isDistrict(r.entity)),
    (r) => r.metric,
  );
  const mapGroups = new Map<string, { metric: string; period: string; targets: TargetDef[] }>();
  for (const t of [...targets].sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0))) {
    const rowsM = distByMetric.get(t.metric);
    if (!rowsM) continue;
    const period = periodAt([...new Set(rowsM.map((r) => r.period))], t.deadline);
    if (!period) continue;
    const k = `${t.metric}\u0000${period}`;
    const g = mapGroups.get(k) ?? { metric: t.metric, period, targets: [] };
    g.targets.push(t);
    mapGroups.set(k, g);
  }
  let mapN = 0;
  const maps = features.length
    ? [...mapGroups.values()].slice(0, opts.maxMaps ?? 8).map(({ metric, period, targets: ts }) => {
        const unit = unitOf(metric, ts[0]);
        const share = isShareUnit(unit);
        const vals = new Map(
          distByMetric
            .get(metric)!
            .filter((r) => r.period === period)
            .map((r) => [r.entity, r.p50]),
        );
        const fmtV = share ? (v: number) => fmtShare(v) : axisFormat(unit, lang);
        const title = `${mName(metric)} · ${fmtMonth(period, lang)}`;
        const caption = `${esc(S.mapTargets)}: ${ts.map((t) => `${esc(tTitle(t))} (${esc(fmtMonth(t.deadline, lang))})`).join('；')}`;
        let diff = '';
        if (cmp) {
          const cv = new Map(
            cseries
              .filter((r) => r.metric === metric && r.period === period && isDistrict(r.entity))
              .map((r) => [r.entity, r.p50]),
          );
          const d = new Map([...vals].filter(([k]) => cv.has(k)).map(([k, v]) => [k, v - cv.get(k)!]));
          if (d.size) {
            const maxAbs = Math.max(...[...d.values()].map(Math.abs));
            // A fixed symmetric scale in steps of 5 points for shares, so a tiny difference stays pale.
            const a = share ? Math.max(0.05, Math.ceil(maxAbs * 20) / 20) : maxAbs || 1;
            diff = `<figure class="map">${districtMap(features, d, {
              title: `${title}: ${S.diffOf(run.id, cmp.id)}`,
              unit: '',
              diverging: true,
              domain: [-a, a],
              format: share ? (v) => fmtPp(v, lang) : (v) => fmtNumber(v),
              noData: S.noData,
              id: `d${mapN}`,
            })}<figcaption>${caption}</figcaption></figure>`;
          }
        }
        const svg = districtMap(features, vals, {
          title: `${title} (P50)`,
          unit: share ? '' : unitTitle(unit, lang),
          domain: share ? [0, 1] : undefined,
          format: fmtV,
          noData: S.noData,
          id: `m${mapN++}`,
        });
        return `<figure class="map" data-metric="${esc(metric)}" data-period="${esc(period)}">${svg}<figcaption>${caption}</figcaption></figure>${diff}`;
      })
    : [];
  const mapsHtml = maps.length
    ? `<section class="page"><h2>${esc(S.maps)}</h2><p class="muted">${esc(S.mapsNote)}</p><div class="grid">${maps.join('\n')}</div></section>`
    : '';

  // ---- Parameters: per model, per group (first path segment); changed values first, then the assumptions.
  const runScenario = scenarioOf(run);
  const cmpScenario = cmp ? scenarioOf(cmp) : undefined;
  const paramSections: string[] = [];
  // The parameter's short name in the report's language (engine/contract/param-names.ts) before its id.
  const paramLabel = (model: string, p: string) => {
    const n = paramName(model, p);
    return n ? `${esc(lang === 'zh-CN' ? n.zh : n.en)}<br>` : '';
  };
  for (const m of models) {
    const all = modelParams(m).map((p) => {
      const v = getPath(runScenario[m.id], p.path);
      const cv = cmpScenario ? getPath(cmpScenario[m.id], p.path) : undefined;
      const vsDefault = JSON.stringify(v) !== JSON.stringify(p.default);
      const vsCmp = cmpScenario !== undefined && JSON.stringify(v) !== JSON.stringify(cv);
      return { p, v, cv, changed: vsDefault || vsCmp, assumed: /assum/i.test(p.description) };
    });
    const shown = all.filter((x) => x.changed || x.assumed);
    if (!shown.length) continue;
    const groups = groupBy(shown, (x) => x.p.path.split('.')[0]!);
    const ordered = [...groups.entries()].sort(
      (a, b) => Number(b[1].some((x) => x.changed)) - Number(a[1].some((x) => x.changed)),
    );
    const body = ordered
      .map(([g, xs]) => {
        xs.sort((a, b) => Number(b.changed) - Number(a.changed));
        return `<tr class="group"><td colspan="${cmp ? 5 : 4}">${esc(g)}</td></tr>${xs
          .map(
            (x) =>
              `<tr class="${x.changed ? 'chg' : ''}"><td>${paramLabel(m.id, x.p.path)}<code>${esc(x.p.path)}</code></td><td>${esc(fmtParam(x.v))}</td>${cmp ? `<td>${esc(fmtParam(x.cv))}</td>` : ''}<td>${esc(fmtParam(x.p.default))}</td><td>${esc(x.p.description)}</td></tr>`,
          )
          .join('')}`;
      })
      .join('');
    paramSections.push(
      `<h3>${esc(m.title)} <code class="muted">${esc(m.id)}</code></h3><table class="params"><thead><tr><th>${esc(S.th.parameter)}</th><th>${esc(S.th.value2)}</th>${cmp ? `<th>${esc(S.run)} ${cmp.id}</th>` : ''}<th>${esc(S.th.default)}</th><th>${esc(S.th.meaning)}</th></tr></thead><tbody>${body}</tbody></table><p class="muted">${esc(S.otherDefaults(all.length - shown.length))}</p>`,
    );
  }
  const assumed = targets.filter((t) => t.source === 'assumption');
  const paramsHtml = `<section class="page"><h2>${esc(S.params)}</h2><p class="muted">${esc(S.paramsNote)}</p>${paramSections.join('\n') || `<p>${esc(S.none)}</p>`}
<h3>${esc(S.assumedTargets)}</h3>${
    assumed.length
      ? `<ul>${assumed.map((t) => `<li><b>${esc(tTitle(t))}</b> (<code>${esc(t.id)}</code>): ${esc(t.comparator === '>=' ? '≥' : '≤')} ${esc(fmtValue(t.threshold, t.unit, lang))}, ${esc(fmtMonth(t.deadline, lang))}</li>`).join('')}</ul>`
      : `<p>${esc(S.none)}</p>`
  }</section>`;

  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${esc(S.title)} — ${esc(S.run)} ${runId}</title><link rel="icon" href="data:,">
<style>${DOC_CSS}${REPORT_CSS}</style></head><body>
${summary}
${targetsHtml}
${notMetHtml}
${tgHtml}
${actualsHtml}
${mapsHtml}
${studySections(store, run.scenarioName, targets, lang)}
${paramsHtml}
</body></html>`;
}

/** Print layout of the report: A4 pages, the summary alone on page 1, fixed table columns that do not squeeze. */
const REPORT_CSS = `
@page{size:A4;margin:12mm}
.page{break-before:page}.page.summary{break-before:auto}
.boxes{display:flex;gap:10px;margin:6px 0 4px}.box{flex:1;border:1px solid #c9d2dc;border-radius:6px;padding:8px 10px;text-align:center;font-size:14px}
.box .n{font-size:32px;font-weight:700;line-height:1.1}
.tag{padding:0 6px;border-radius:3px;font-size:12px}ol.risks li{margin:6px 0}
table.targets td:nth-child(1){width:30%}table.params{table-layout:fixed}
table.params td:nth-child(1){width:24%;word-break:break-word}table.params td:nth-child(2),table.params td:nth-child(3){word-break:break-word}
table.params tr.group td{background:#eef3f8;font-weight:600}
figure.chart svg,figure.map svg{width:100%;height:auto}
@media print{.grid{grid-template-columns:1fr 1fr}}
`;

/** Where to look for a Chromium when none is configured. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

/**
 * The Chromium to print with: the explicit path, else $TWIN_CHROMIUM, else the first candidate that exists.
 * @example
 * findChromium('/no/such/chromium') // => undefined
 * findChromium(process.execPath) === process.execPath // => true
 * // with neither: $TWIN_CHROMIUM, else the first of CHROMIUM_CANDIDATES that exists ('/usr/bin/chromium' on Debian)
 */
export function findChromium(explicit?: string): string | undefined {
  for (const c of [explicit, process.env.TWIN_CHROMIUM]) if (c) return existsSync(c) ? c : undefined;
  return CHROMIUM_CANDIDATES.find((c) => existsSync(c));
}

/**
 * Print an HTML file to PDF with headless Chromium.
 * @throws Error with Chromium's output when it fails or times out.
 */
export async function printPdf(htmlFile: string, pdfFile: string, chromium: string, timeoutMs = 90_000): Promise<void> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'twin-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--no-pdf-header-footer',
    `--user-data-dir=${profile}`,
    `--print-to-pdf=${pdfFile}`,
    `file://${htmlFile}`,
  ];
  try {
    await new Promise<void>((resolve, reject) => {
      const p = spawn(chromium, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      p.stdout.on('data', (d) => (log += d));
      p.stderr.on('data', (d) => (log = (log + d).slice(-4000)));
      const timer = setTimeout(() => {
        p.kill('SIGKILL');
        reject(new Error(`${chromium} did not finish printing within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      p.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot start ${chromium}: ${e.message}`));
      });
      p.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0 && existsSync(pdfFile)) resolve();
        else
          reject(
            new Error(
              `${chromium} exited with code ${code} without writing ${pdfFile}:\n${log.trim().split('\n').slice(-8).join('\n')}`,
            ),
          );
      });
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export interface WriteReportResult {
  file: string;
  format: 'pdf' | 'html';
  /** Set when a PDF was asked for but HTML was written instead. */
  warning?: string;
}

/**
 * Write the report as `.html` or `.pdf` (by the extension of `out`). Without a Chromium, a PDF request writes the HTML
 * beside it and says why.
 * @example await writeReport(store, 3, { out: 'report.pdf', compare: 2 }) // → { file: 'report.pdf', format: 'pdf' }
 */
export async function writeReport(
  store: Store,
  runId: number,
  o: ReportOptions & { out: string; chromium?: string },
): Promise<WriteReportResult> {
  const out = path.resolve(o.out);
  const ext = path.extname(out).toLowerCase();
  if (ext !== '.pdf' && ext !== '.html' && ext !== '.htm')
    throw new Error(`--out must end in .pdf or .html, got "${o.out}"`);
  mkdirSync(path.dirname(out), { recursive: true });
  const html = reportHtml(store, runId, o);
  if (ext !== '.pdf') {
    writeFileSync(out, html);
    return { file: out, format: 'html' };
  }
  const chromium = findChromium(o.chromium);
  if (!chromium) {
    const htmlOut = out.replace(/\.pdf$/i, '.html');
    writeFileSync(htmlOut, html);
    const looked = o.chromium ?? process.env.TWIN_CHROMIUM ?? CHROMIUM_CANDIDATES.join(', ');
    return {
      file: htmlOut,
      format: 'html',
      warning: `no Chromium found (looked at ${looked}); wrote the HTML report instead: ${htmlOut}. Install one (Debian: apt-get install chromium) or pass --chromium PATH / set TWIN_CHROMIUM, or print the HTML from any browser.`,
    };
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'twin-report-'));
  try {
    const htmlFile = path.join(tmp, 'report.html');
    writeFileSync(htmlFile, html);
    await printPdf(htmlFile, out, chromium);
    return { file: out, format: 'pdf' };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
