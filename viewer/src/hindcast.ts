/**
 * The hindcast in the Expert review (issue #21 item 5): how the shown run's projections compare with the actuals now
 * known. Reads `GET /api/runs/:id/hindcast` (shape: HindcastResponse of engine/contract) and draws the per-family
 * coverage and mean CRPS with their counts, then one row per actual (P10–P90 at its date, inside/outside, CRPS).
 * Numbers through engine/contract's formats, names through the viewer's dictionary, zh-CN and en.
 */
import {
  crpsText,
  esc,
  fmtMonth,
  fmtNumber,
  fmtShare,
  fmtValue,
  modelName,
  type HindcastResponse,
} from '../../engine/contract/index.ts';
import { entityName, lang, metricName } from './i18n/index.ts';

const T = {
  'zh-CN': {
    title: '回测：预测区间与实际值',
    note: '已录入的实际值与本次运行在该日期的 P10–P90 区间比较；CRPS 为预测分布与实际值的距离（单位同指标，0 最好）；覆盖率名义值 80%。',
    loading: '正在计算回测…',
    none: '尚未录入实际进展，无法回测。',
    noRun: '先选择一个已完成的运行。',
    family: '模型族',
    matched: '匹配',
    coverage: '覆盖率',
    crps: '平均 CRPS',
    bounds: '界限到达',
    metric: '指标',
    date: '日期',
    actual: '实际值',
    band: 'P10–P90',
    inside: '区间内',
    yes: '是',
    no: '否',
    n: (n: number) => `（${n} 条）`,
    unmatched: (n: number) => `${n} 条实际值在本次运行中没有对应序列，未计入。`,
  },
  en: {
    title: 'Hindcast: projection bands against the actuals',
    note: 'Recorded actuals against this run’s P10–P90 band at their date; CRPS is the distance of the forecast distribution from the actual (metric units, 0 is best); nominal coverage 80%.',
    loading: 'Computing the hindcast…',
    none: 'No actuals recorded yet: nothing to hindcast.',
    noRun: 'Pick a finished run first.',
    family: 'model family',
    matched: 'matched',
    coverage: 'coverage',
    crps: 'mean CRPS',
    bounds: 'bounds reached',
    metric: 'metric',
    date: 'date',
    actual: 'actual',
    band: 'P10–P90',
    inside: 'inside',
    yes: 'yes',
    no: 'no',
    n: (n: number) => ` (n = ${n})`,
    unmatched: (n: number) => `${n} actual${n === 1 ? '' : 's'} without a matching series in this run, left out.`,
  },
} as const;

/** Numbers that were NaN on the server arrive as null. */
type Wire = HindcastResponse;

/**
 * The hindcast of a run as HTML for the review panel (pure: the answer of the API in, markup out).
 * @example hindcastPanelHtml({ rows: [], families: [], unmatched: 0, units: {}, runId: 1, replications: 10 }).includes('尚未录入实际进展') // => true
 */
export function hindcastPanelHtml(h: Wire): string {
  const l = lang();
  const S = T[l];
  const head = `<h3>${esc(S.title)}</h3><p class="muted">${esc(S.note)}</p>`;
  if (!h.rows.length) return `${head}<p class="hc-none">${esc(S.none)}</p>`;
  const unit = (m: string) => h.units[m] ?? '';
  const fams = h.families
    .map((f) => {
      const units = new Set(
        h.rows.filter((r) => r.model === f.model && r.bound === '=' && r.inside !== null).map((r) => unit(r.metric)),
      );
      const crps =
        f.nValues === 0
          ? '—'
          : `${units.size === 1 ? crpsText(f.meanCrps, [...units][0]!, l) : fmtNumber(f.meanCrps)}${S.n(f.nValues)}`;
      return `<tr class="hc-family" data-model="${esc(f.model)}"><td>${esc(modelName(f.model, l))}</td><td>${f.matched}</td><td class="hc-coverage">${f.nValues ? esc(`${fmtShare(f.coverage)}${S.n(f.nValues)}`) : '—'}</td><td class="hc-crps">${esc(crps)}</td><td>${f.nBounds ? `${f.boundsReached} / ${f.nBounds}` : '—'}</td></tr>`;
    })
    .join('');
  const rows = h.rows
    .filter((r) => r.inside !== null)
    .map((r) => {
      const u = unit(r.metric);
      const v = (x: number | null) => fmtValue(x, u, l);
      const sign = r.bound === '>=' ? '≥ ' : r.bound === '<=' ? '≤ ' : '';
      const place = /^37\d{4}$/.test(r.scope) ? r.scope : entityName(r.scope);
      return `<tr class="hc-row" data-inside="${String(r.inside)}"><td>${esc(metricName(r.metric))} · ${esc(place)}</td><td>${esc(fmtMonth(r.date, l))}</td><td>${esc(sign + v(r.actual))}</td><td>${esc(`${v(r.p10)} – ${v(r.p90)}`)}</td><td class="${r.inside ? 'wi-ok' : 'wi-err'}">${r.inside ? S.yes : S.no}</td><td>${esc(crpsText(r.crps, u, l))}</td></tr>`;
    })
    .join('');
  return `${head}<table class="hc-families"><thead><tr><th>${S.family}</th><th>${S.matched}</th><th>${S.coverage}</th><th>${S.crps}</th><th>${S.bounds}</th></tr></thead><tbody>${fams}</tbody></table>
<table class="hc-rows"><thead><tr><th>${S.metric}</th><th>${S.date}</th><th>${S.actual}</th><th>${S.band}</th><th>${S.inside}</th><th>CRPS</th></tr></thead><tbody>${rows}</tbody></table>${
    h.unmatched ? `<p class="muted">${esc(S.unmatched(h.unmatched))}</p>` : ''
  }`;
}

const CSS = `
#hc-box table { width: 100%; border-collapse: collapse; font-size: 12px; margin: 4px 0 8px; }
#hc-box th, #hc-box td { border-bottom: 1px solid var(--line, #1f2c44); padding: 2px 4px; text-align: left; vertical-align: top; }
#hc-box th { color: var(--muted, #8fa0bd); font-weight: 600; }
`;

/**
 * Fill `box` with the hindcast of `runId` (a line instead when no run is shown or the server answers an error).
 */
export async function mountHindcast(box: HTMLElement, runId: number | null): Promise<void> {
  const S = T[lang()];
  if (!document.getElementById('hc-style')) {
    const st = document.createElement('style');
    st.id = 'hc-style';
    st.textContent = CSS;
    document.head.appendChild(st);
  }
  if (!runId) {
    box.innerHTML = `<h3>${esc(S.title)}</h3><p class="muted">${esc(S.noRun)}</p>`;
    return;
  }
  box.innerHTML = `<h3>${esc(S.title)}</h3><p class="muted">${esc(S.loading)}</p>`;
  const res = await fetch(`api/runs/${runId}/hindcast`, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => ({}))) as Wire & { error?: string };
  // The panel may have been re-rendered for another run while this one loaded.
  if (box.dataset.run !== undefined && box.dataset.run !== String(runId)) return;
  box.innerHTML = res.ok
    ? hindcastPanelHtml(body)
    : `<h3>${esc(S.title)}</h3><p class="muted">${esc(body.error ?? res.statusText)}</p>`;
}
