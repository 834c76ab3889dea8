/**
 * The report for the expert committee and leadership (`twin report RUN|latest [--compare RUN2] --out report.pdf|html`):
 * the targets table with statuses, the key charts with P10–P90 bands (one per target metric, plus each model's city
 * indicators), district map snapshots, and the assumptions list (assumed targets and every parameter whose source is an
 * assumption, with the run's value). One self-contained HTML page (inline SVG, no scripts, no network); PDF is that
 * page printed by a headless Chromium found on the machine.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDistricts } from '../../data/index.ts';
import { getPath, modelParams } from '../api/params.ts';
import { scenarioModels } from '../scenario.ts';
import type { Store } from '../store.ts';
import { loadTargets, MET_THRESHOLD, MISSED_THRESHOLD } from '../targets.ts';
import { DOC_CSS } from './modelcard.ts';
import {
  bandChart,
  districtMap,
  esc,
  type BandSeries,
  type MapFeature,
  type SeriesRow,
  type TargetDef,
  type TargetEval,
} from '../contract/index.ts';

export interface ReportOptions {
  compare?: number;
  targets?: TargetDef[];
  /** Most band charts in the report. */
  maxCharts?: number;
  /** Most maps in the report. */
  maxMaps?: number;
}

const isDistrict = (e: string) => /^37\d{4}$/.test(e);
const pct = (x: number | null | undefined) =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : `${Math.round(100 * x)}%`;
const num = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : String(+x.toPrecision(3));

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

function runHeader(store: Store, id: number): { html: string; scenario: Record<string, unknown> } {
  const r = store.run(id)!;
  const scenario = JSON.parse(r.scenarioJson).scenario as Record<string, unknown>;
  const html = `<table class="kv"><tbody>
<tr><td>run</td><td>${r.id} — ${esc(r.status)}${r.error ? ` (${esc(r.error)})` : ''}</td></tr>
<tr><td>scenario</td><td>${esc(r.scenarioName)}${scenario.description ? ` — ${esc(scenario.description)}` : ''}</td></tr>
<tr><td>scenario hash · seed · replications</td><td><code>${esc(r.scenarioHash)}</code> · ${r.seed} · ${r.replications}</td></tr>
<tr><td>code version · threads</td><td><code>${esc(r.codeVersion)}</code> · ${r.threads}</td></tr>
<tr><td>started · finished</td><td>${esc(r.startedAt.slice(0, 19))} · ${esc(r.finishedAt?.slice(0, 19) ?? '—')}</td></tr>
</tbody></table>`;
  return { html, scenario };
}

/**
 * The report of a run as one self-contained HTML page.
 * @example writeFileSync('report.html', reportHtml(store, 3, { compare: 2 }))
 */
export function reportHtml(store: Store, runId: number, opts: ReportOptions = {}): string {
  const targets = opts.targets ?? loadTargets();
  const run = store.run(runId);
  if (!run) throw new Error(`no run ${runId} in ${store.file}`);
  const cmp = opts.compare !== undefined ? store.run(opts.compare) : undefined;
  if (opts.compare !== undefined && !cmp) throw new Error(`no run ${opts.compare} in ${store.file} to compare with`);
  const series = store.series(runId);
  const cseries = cmp ? store.series(cmp.id) : [];
  const evals = new Map(store.targetEvals(runId).map((e) => [e.targetId, e]));
  const cevals = new Map(cmp ? store.targetEvals(cmp.id).map((e) => [e.targetId, e] as [string, TargetEval]) : []);
  const byKey = groupBy(series, (r) => `${r.metric}\u0000${r.entity}`);
  const cByKey = groupBy(cseries, (r) => `${r.metric}\u0000${r.entity}`);
  const metrics = new Map(scenarioModels().flatMap((m) => (m.metrics ?? []).map((x) => [x.id, x] as const)));
  const label = (id: number, name: string) => `run ${id} (${name})`;
  const h = runHeader(store, runId);
  const ch = cmp ? runHeader(store, cmp.id) : undefined;

  // Targets table.
  const counts: Record<string, number> = {};
  const trows = targets
    .map((t) => {
      const e = evals.get(t.id);
      const st = e?.status ?? 'no-data';
      counts[st] = (counts[st] ?? 0) + 1;
      const c = cevals.get(t.id);
      const cmpCells = cmp
        ? `<td class="${c?.status ?? 'no-data'}">${pct(c?.pMet)} ${esc(c?.status ?? 'no-data')}</td><td>${
            e && c && Number.isFinite(e.pMet) && Number.isFinite(c.pMet)
              ? `${e.pMet - c.pMet >= 0 ? '+' : ''}${Math.round(100 * (e.pMet - c.pMet))} pt`
              : '—'
          }</td>`
        : '';
      return `<tr><td><b>${esc(t.title)}</b>${t.titleZh ? `<br><span class="muted">${esc(t.titleZh)}</span>` : ''}<br><code class="muted">${esc(t.id)}</code></td>
<td>${esc(t.source)}</td><td>${esc(t.deadline)}</td><td>${esc(t.comparator)} ${num(t.threshold)} ${esc(t.unit)}</td>
<td>${num(e?.valueP50)} <span class="muted">(${num(e?.valueP10)}–${num(e?.valueP90)})</span></td>
<td>${esc(e?.dateP50 ?? '—')} / ${esc(e?.dateP90 ?? '—')}</td><td class="${st}"><b>${pct(e?.pMet)}</b> ${esc(st)}</td>${cmpCells}</tr>`;
    })
    .join('\n');
  const summary = ['met', 'at-risk', 'missed', 'no-data']
    .map((s) => `<span class="${s}" style="padding:1px 6px">${s}: ${counts[s] ?? 0}</span>`)
    .join(' ');

  // Key charts: every target's metric first, then each model's city-level indicators.
  const chartKeys: Array<{ metric: string; entity: string; target?: TargetDef }> = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const k = `${t.metric}\u0000${t.entity}`;
    if (seen.has(k) || !byKey.has(k)) continue;
    seen.add(k);
    chartKeys.push({ metric: t.metric, entity: t.entity, target: t });
  }
  for (const [k, rows] of byKey) {
    if (seen.has(k) || rows[0]!.entity !== 'city') continue;
    seen.add(k);
    chartKeys.push({ metric: rows[0]!.metric, entity: 'city' });
  }
  const maxCharts = opts.maxCharts ?? 16;
  const charts = chartKeys.slice(0, maxCharts).map(({ metric, entity, target }) => {
    const k = `${metric}\u0000${entity}`;
    const info = metrics.get(metric);
    const svg = bandChart({
      title: `${info?.title ?? metric}${entity !== 'city' ? ` — ${entity}` : ''}`,
      unit: info?.unit ?? target?.unit ?? '',
      series: bandOf(byKey.get(k)!, label(runId, run.scenarioName)),
      compare: cmp && cByKey.has(k) ? bandOf(cByKey.get(k)!, label(cmp.id, cmp.scenarioName)) : undefined,
      threshold: target?.threshold,
      deadline: target?.deadline,
    });
    return `<figure>${svg}<figcaption><code>${esc(metric)}</code> · ${esc(entity)}${target ? ` · target <code>${esc(target.id)}</code>` : ''}</figcaption></figure>`;
  });

  // Map snapshots: metrics with values per district, at their last period.
  let features: MapFeature[] = [];
  try {
    features = loadDistricts().map((d) => ({ code: d.code, name: d.nameEn, polygon: d.polygon }));
  } catch {
    features = [];
  }
  const districtMetrics = [
    ...groupBy(
      series.filter((r) => isDistrict(r.entity)),
      (r) => r.metric,
    ).entries(),
  ];
  districtMetrics.sort(
    (a, b) => Number(targets.some((t) => t.metric === b[0])) - Number(targets.some((t) => t.metric === a[0])),
  );
  const maps = features.length
    ? districtMetrics.slice(0, opts.maxMaps ?? 4).map(([metric, rows]) => {
        const last = rows.reduce((m, r) => (r.period > m ? r.period : m), '');
        const vals = new Map(rows.filter((r) => r.period === last).map((r) => [r.entity, r.p50]));
        const info = metrics.get(metric);
        let diff = '';
        if (cmp) {
          const cv = new Map(
            cseries
              .filter((r) => r.metric === metric && r.period === last && isDistrict(r.entity))
              .map((r) => [r.entity, r.p50]),
          );
          const d = new Map([...vals].filter(([k]) => cv.has(k)).map(([k, v]) => [k, v - cv.get(k)!]));
          if (d.size)
            diff = districtMap(features, d, {
              title: `${info?.title ?? metric}, ${last}: run ${runId} − run ${cmp.id}`,
              unit: info?.unit ?? '',
              diverging: true,
            });
        }
        return `<figure>${districtMap(features, vals, { title: `${info?.title ?? metric}, ${last} (P50)`, unit: info?.unit ?? '' })}<figcaption><code>${esc(metric)}</code> by district, ${esc(last)}</figcaption></figure>${diff ? `<figure>${diff}<figcaption>difference of medians</figcaption></figure>` : ''}`;
      })
    : [];

  // Assumptions: assumed targets, then every parameter whose description names an assumption, with this run's value.
  const assumedTargets = targets.filter((t) => t.source === 'assumption');
  const cmpScenario = ch?.scenario;
  const paramRows: string[] = [];
  const differs: string[] = [];
  const ran = JSON.parse(run.scenarioJson).modelIds as string[];
  for (const m of scenarioModels().filter((x) => ran.includes(x.id))) {
    for (const p of modelParams(m)) {
      const v = getPath(h.scenario[m.id], p.path);
      const changed = JSON.stringify(v) !== JSON.stringify(p.default);
      const cv = cmpScenario ? getPath(cmpScenario[m.id], p.path) : undefined;
      const fmt = (x: unknown) => (typeof x === 'number' ? String(+x.toPrecision(6)) : JSON.stringify(x));
      if (cmpScenario && JSON.stringify(cv) !== JSON.stringify(v))
        differs.push(
          `<tr><td><code>${esc(m.id)}.${esc(p.path)}</code></td><td>${esc(fmt(v))}</td><td>${esc(fmt(cv))}</td><td>${esc(p.description)}</td></tr>`,
        );
      if (/assum/i.test(p.description) || changed) {
        paramRows.push(
          `<tr class="${changed ? 'chg' : ''}"><td><code>${esc(m.id)}.${esc(p.path)}</code></td><td>${esc(fmt(v))}${changed ? ` <span class="muted">(default ${esc(fmt(p.default))})</span>` : ''}</td><td>${esc(p.description)}</td></tr>`,
        );
      }
    }
  }

  const cmpHead = cmp ? `<th>P(met) run ${cmp.id}</th><th>Δ</th>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Zibo twin report — run ${runId}</title><link rel="icon" href="data:,">
<style>${DOC_CSS}@page{size:A4;margin:12mm}</style></head><body>
<h1>Zibo New Smart City 2017–2021 — digital twin report</h1>
<p class="muted">Run ${runId}${cmp ? ` compared with run ${cmp.id}` : ''} · generated ${esc(new Date().toISOString().slice(0, 16).replace('T', ' '))} UTC</p>
<div class="${cmp ? 'grid' : ''}"><div><h3>Run ${runId}</h3>${h.html}</div>${ch ? `<div><h3>Compared with run ${cmp!.id}</h3>${ch.html}</div>` : ''}</div>
<h2>Plan targets</h2>
<p>${summary}</p>
<p class="muted">P(met) = share of replications meeting the threshold at the deadline; status met ≥ ${MET_THRESHOLD * 100}%, at risk ${MISSED_THRESHOLD * 100}–${MET_THRESHOLD * 100}%, missed &lt; ${MISSED_THRESHOLD * 100}% (engine/targets.ts). Value at the deadline: P50 (P10–P90). Date: projected month the threshold is first met and then held, P50 / P90.</p>
<table><thead><tr><th>target</th><th>source</th><th>deadline</th><th>threshold</th><th>value at deadline</th><th>date P50 / P90</th><th>P(met) · status</th>${cmpHead}</tr></thead><tbody>
${trows}
</tbody></table>
<h2 class="pb">Key indicators</h2>
<p class="muted">Median (line) and P10–P90 band over ${run.replications} replications; red: target threshold and deadline.${cmp ? ` Dashed: run ${cmp.id}.` : ''}</p>
${charts.length ? `<div class="grid">${charts.join('\n')}</div>` : '<p>This run has no aggregated series (it did not finish).</p>'}
${maps.length ? `<h2 class="pb">Map snapshots</h2><div class="grid">${maps.join('\n')}</div>` : ''}
<h2 class="pb">Assumptions</h2>
<h3>Targets the plan states without a figure or date (assumed by the team)</h3>
${assumedTargets.length ? `<ul>${assumedTargets.map((t) => `<li><b>${esc(t.title)}</b> (<code>${esc(t.id)}</code>): ${esc(t.comparator)} ${num(t.threshold)} ${esc(t.unit)} by ${esc(t.deadline)}. <span class="muted">${esc(t.sourceText)}</span></li>`).join('')}</ul>` : '<p>None.</p>'}
<h3>Model parameters that are assumptions or changed in this scenario</h3>
${paramRows.length ? `<table><thead><tr><th>parameter</th><th>value</th><th>meaning · unit · source</th></tr></thead><tbody>${paramRows.join('')}</tbody></table>` : '<p>None.</p>'}
${cmp ? `<h3>Parameters that differ between run ${runId} and run ${cmp.id}</h3>${differs.length ? `<table><thead><tr><th>parameter</th><th>run ${runId}</th><th>run ${cmp.id}</th><th>meaning</th></tr></thead><tbody>${differs.join('')}</tbody></table>` : '<p>None: the runs differ only in seed or replications.</p>'}` : ''}
</body></html>`;
}

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
 * @example findChromium() // → '/usr/bin/chromium' (or undefined)
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
