/**
 * The report's hindcast section (issue #21 item 5): for every actual in the store, the run's P10–P90 at that date,
 * inside or outside, and the CRPS; per model family the coverage share of the P10–P90 band (nominal 80 %) and the mean
 * CRPS, each with the count of actuals behind it. zh-CN and en; numbers and units through engine/contract/format.ts.
 * The numbers come from engine/hindcast.ts (the same as `twin hindcast`); this file only lays them out.
 */
import { hindcastRun, type Hindcast } from '../hindcast.ts';
import type { Store } from '../store.ts';
import { crpsText, esc, fmtMonth, fmtNumber, fmtShare, fmtValue, modelName, type Lang } from '../contract/index.ts';

export { crpsText };

/** What the section needs from the report: names and units in the report's language. */
export interface HindcastContext {
  lang: Lang;
  /** A metric's name in the report's language. */
  metricName: (id: string) => string;
  /** An entity's (district, level, crop) name in the report's language. */
  entityName: (id: string) => string;
  /** A metric's unit (from the model catalogue; `fallback` is the actual's own unit). */
  unitOf: (metric: string, fallback: string) => string;
}

const T = {
  'zh-CN': {
    title: '回测：预测区间与实际值',
    note: '每条已录入的实际值与本次运行在该日期的 P10—P90 区间比较（区间外以红色标出）。CRPS（连续分级概率评分）衡量整个预测分布与实际值的距离，单位同指标，0 表示确定且准确；覆盖率为实际值落在 P10—P90 内的比例，名义值 80%。“至少/至多”类实际值只判断区间是否到达该界限，不计 CRPS。',
    none: '尚未录入实际进展，无法回测（twin actuals import）。',
    notDone: '回测需要已完成的运行。',
    unmatched: (n: number) => `${n} 条实际值在本次运行中没有对应的序列（其他模型、范围或日期），未计入。`,
    th: {
      metric: '指标',
      scope: '范围',
      date: '日期',
      actual: '实际值',
      band: 'P10—P90（P50）',
      inside: '在区间内',
      crps: 'CRPS',
      family: '模型族',
      matched: '匹配的实际值',
      coverage: '覆盖率（名义 80%）',
      meanCrps: '平均 CRPS',
      bounds: '界限类：区间到达',
    },
    yes: '是',
    no: '否',
    na: '无对应序列',
    of: (k: number, n: number) => `${k} / ${n}`,
    n: (n: number) => `（${n} 条）`,
    mixed: '（单位不同，未合计）',
    runs: (n: number) => `每个区间基于 ${n} 次重复。`,
  },
  en: {
    title: 'Hindcast: projection bands against the actuals',
    note: 'Every recorded actual against this run’s P10–P90 band at its date (outside in red). The CRPS (continuous ranked probability score) measures how far the whole forecast distribution is from the actual, in the metric’s unit; 0 means sure and exact. Coverage is the share of actuals inside P10–P90, nominal 80%. Actuals stated as a bound (“at least”, “at most”) only count as reached or not and have no CRPS.',
    none: 'No actuals recorded yet: nothing to hindcast (twin actuals import).',
    notDone: 'A hindcast needs a finished run.',
    unmatched: (n: number) =>
      `${n} actual${n === 1 ? '' : 's'} without a matching series in this run (other model, scope or date), left out.`,
    th: {
      metric: 'metric',
      scope: 'scope',
      date: 'date',
      actual: 'actual',
      band: 'P10–P90 (P50)',
      inside: 'inside',
      crps: 'CRPS',
      family: 'model family',
      matched: 'actuals matched',
      coverage: 'coverage (nominal 80%)',
      meanCrps: 'mean CRPS',
      bounds: 'bounds: band reaches',
    },
    yes: 'yes',
    no: 'no',
    na: 'no series',
    of: (k: number, n: number) => `${k} of ${n}`,
    n: (n: number) => ` (n = ${n})`,
    mixed: ' (mixed units, not added)',
    runs: (n: number) => `Each band is over ${n} replications.`,
  },
} as const;

const boundSign = (b: string) => (b === '>=' ? '≥ ' : b === '<=' ? '≤ ' : '');

/**
 * The hindcast section as HTML (an `<h3>` block for the report's actuals page).
 * @example hindcastHtml({ rows: [], families: [], unmatched: 0 }, { lang: 'en', metricName: (m) => m, entityName: (e) => e, unitOf: () => '' }).includes('No actuals recorded yet') // => true
 */
export function hindcastHtml(h: Hindcast & { replications?: number }, ctx: HindcastContext): string {
  const S = T[ctx.lang];
  const head = `<h3 id="hindcast">${esc(S.title)}</h3><p class="muted">${esc(S.note)}</p>`;
  if (!h.rows.length) return `${head}<p>${esc(S.none)}</p>`;
  const units = h.rows.map((r) => ctx.unitOf(r.metric, ''));
  const rows = h.rows
    .map((r, i) => {
      const unit = units[i]!;
      const v = (x: number) => fmtValue(x, unit, ctx.lang);
      const band = r.inside === null ? S.na : `${v(r.p10)} — ${v(r.p90)} (${v(r.p50)})`;
      const cls = r.inside === null ? 'no-data' : r.inside ? 'met' : 'missed';
      const inside = r.inside === null ? '—' : r.inside ? S.yes : S.no;
      return `<tr class="hc-row" data-inside="${r.inside === null ? 'na' : String(r.inside)}"><td>${esc(ctx.metricName(r.metric))}<br><code class="muted">${esc(r.metric)}</code></td><td>${esc(ctx.entityName(r.scope))}</td><td>${esc(fmtMonth(r.date, ctx.lang))}</td><td>${esc(boundSign(r.bound))}${esc(v(r.actual))}</td><td>${esc(band)}</td><td class="${cls}">${esc(inside)}</td><td>${esc(crpsText(r.crps, unit, ctx.lang))}</td></tr>`;
    })
    .join('');
  const th = S.th;
  const table = `<table class="hindcast"><thead><tr><th>${esc(th.metric)}</th><th>${esc(th.scope)}</th><th>${esc(th.date)}</th><th>${esc(th.actual)}</th><th>${esc(th.band)}</th><th>${esc(th.inside)}</th><th>${esc(th.crps)}</th></tr></thead><tbody>${rows}</tbody></table>`;
  const fams = h.families
    .map((f) => {
      // Mean CRPS in one unit only: a family whose observed values mix units has no meaningful sum.
      const valueUnits = new Set(
        h.rows.flatMap((r, i) => (r.model === f.model && r.bound === '=' && r.inside !== null ? [units[i]!] : [])),
      );
      const meanCrps =
        f.nValues === 0
          ? '—'
          : valueUnits.size === 1
            ? `${crpsText(f.meanCrps, [...valueUnits][0]!, ctx.lang)}${S.n(f.nValues)}`
            : `${fmtNumber(f.meanCrps)}${S.mixed}${S.n(f.nValues)}`;
      const coverage = f.nValues ? `${fmtShare(f.coverage)}${S.n(f.nValues)}` : '—';
      const bounds = f.nBounds ? S.of(f.boundsReached, f.nBounds) : '—';
      return `<tr class="hc-family" data-model="${esc(f.model)}"><td>${esc(modelName(f.model, ctx.lang))}</td><td>${f.matched}</td><td>${esc(coverage)}</td><td>${esc(meanCrps)}</td><td>${esc(bounds)}</td></tr>`;
    })
    .join('');
  const famTable = `<table class="hindcast-families"><thead><tr><th>${esc(th.family)}</th><th>${esc(th.matched)}</th><th>${esc(th.coverage)}</th><th>${esc(th.meanCrps)}</th><th>${esc(th.bounds)}</th></tr></thead><tbody>${fams}</tbody></table>`;
  const foot = [h.unmatched ? S.unmatched(h.unmatched) : '', h.replications ? S.runs(h.replications) : '']
    .filter(Boolean)
    .join(' ');
  return `${head}${famTable}${table}${foot ? `<p class="muted">${esc(foot)}</p>` : ''}`;
}

/**
 * The hindcast section of a stored run: the hindcast over every actual in the store, or a line saying why there is
 * none (no actuals, run not finished).
 */
export function reportHindcast(store: Store, runId: number, ctx: HindcastContext): string {
  const S = T[ctx.lang];
  const run = store.run(runId);
  if (!store.actuals().length) return hindcastHtml({ rows: [], families: [], unmatched: 0 }, ctx);
  if (run?.status !== 'done') return `<h3 id="hindcast">${esc(S.title)}</h3><p class="muted">${esc(S.notDone)}</p>`;
  try {
    return hindcastHtml(hindcastRun(store, runId), ctx);
  } catch (e) {
    // A run whose replications cannot be read back still gets its report, with the reason here.
    return `<h3 id="hindcast">${esc(S.title)}</h3><p class="muted">${esc((e as Error).message)}</p>`;
  }
}
