/**
 * The targets panel: every plan target with its source (plan or assumption), deadline, threshold, projected value,
 * P(met), status, the compared run's P(met) and the actuals' progress; a click focuses the target.
 */
import { t } from '../i18n/index.ts';
import { STATUS_COLOUR } from '../colours.ts';
import { renderProgressSummary, targetProgressHtml } from '../progress/index.ts';
import type { TargetDef } from '../data.ts';
import { flyToConcern } from './camera.ts';
import { openChart } from './chart.ts';
import { comparatorText, districtName, fmt, fmtUnit, targetTitle } from './format.ts';
import { showTargetOnMap } from './mapview.ts';
import { pMetDiffHtml } from '../whatif/compare-se.ts';
import { setMonth } from './timeline.ts';
import { $, type AppState, type RunView } from './state.ts';

/** Risk order of the statuses: the panel lists missed targets first, then at risk, no data, met. */
const RISK_ORDER: Record<string, number> = { missed: 0, 'at-risk': 1, 'no-data': 2, met: 3 };

/** The metric of the per-district A/B service targets, shown as one district × threshold grid. */
const GRID_METRIC = 'services.onlineShare';

/** Renders the targets of the shown run (with the compared run's P(met) in compare mode). */
export function renderTargets(app: AppState): void {
  const a = app.a!;
  const evalOf = (v: RunView | null, id: string) => v?.bundle.evaluations.find((e) => e.targetId === id);
  const statusOf = (td: TargetDef) => evalOf(a, td.id)?.status ?? 'no-data';
  const statusText: Record<string, string> = {
    met: t().statusMet,
    'at-risk': t().statusAtRisk,
    missed: t().statusMissed,
    'no-data': t().statusNoData,
  };
  const card = (td: TargetDef) => {
    const ev = evalOf(a, td.id),
      evb = evalOf(app.b, td.id);
    const st = ev?.status ?? 'no-data';
    const u = td.unit;
    const thr = `${comparatorText(td.comparator)} ${fmtUnit(td.threshold, u)}`;
    const bNums = evb
      ? `<span>B: ${fmt(evb.pMet, 'share')} ${pMetDiffHtml(ev?.pMet ?? 0, a.bundle.run.replications, evb.pMet, app.b!.bundle.run.replications)}</span>`
      : '';
    return `<div class="target" data-target-id="${td.id}" data-model="${td.model}" data-status="${st}" style="--status:${STATUS_COLOUR[st]}">
      <div class="title">${targetTitle(td)}</div>
      <div class="meta"><span class="badge ${td.source}" title="${td.sourceText.replace(/"/g, '&quot;')}">${td.source === 'plan' ? t().sourcePlan : t().sourceAssumption}</span>
        <span>${t().deadline} ${td.deadline}</span><span>${thr}</span></div>
      <div class="nums"><span title="${t().projection}">${fmtUnit(ev?.valueP50, u)} [${fmtUnit(ev?.valueP10, u)}–${fmtUnit(ev?.valueP90, u)}]</span>
        <span>${t().pMet} <b>${fmt(ev?.pMet, 'share')}</b></span><span class="status">${statusText[st]}</span>${bNums}</div>
      ${targetProgressHtml(a.bundle, a.ix, td)}
    </div>`;
  };
  // The per-district A/B targets (8 districts × 3 thresholds) as one grid; everything else as cards.
  const districtCodes = app.geo.districts.map((d) => d.code);
  const inGrid = (td: TargetDef) => td.metric === GRID_METRIC && districtCodes.includes(td.entity);
  const gridTargets = a.bundle.targets.filter(inGrid);
  const items: Array<{ risk: number; pMet: number; html: string }> = a.bundle.targets
    .filter((td) => !inGrid(td))
    .map((td) => ({ risk: RISK_ORDER[statusOf(td)], pMet: evalOf(a, td.id)?.pMet ?? 0, html: card(td) }));
  if (gridTargets.length) {
    const cols = [...new Map(gridTargets.map((td) => [`${td.threshold}|${td.deadline}`, td])).values()].sort(
      (x, y) => x.threshold - y.threshold || x.deadline.localeCompare(y.deadline),
    );
    const rows = districtCodes.filter((c) => gridTargets.some((td) => td.entity === c));
    const head = cols
      .map((c) => `<th>${comparatorText(c.comparator)} ${fmt(c.threshold, c.unit)}<br>${c.deadline.slice(0, 7)}</th>`)
      .join('');
    const body = rows
      .map((code) => {
        const cells = cols
          .map((c) => {
            const td = gridTargets.find(
              (x) => x.entity === code && x.threshold === c.threshold && x.deadline === c.deadline,
            );
            if (!td) return '<td></td>';
            const st = statusOf(td);
            return `<td class="target cell" data-target-id="${td.id}" data-status="${st}" style="--status:${STATUS_COLOUR[st]}" title="${targetTitle(td)} · ${statusText[st]}">${fmt(evalOf(a, td.id)?.pMet, 'share')}</td>`;
          })
          .join('');
        return `<tr><th>${districtName(app, code) ?? code}</th>${cells}</tr>`;
      })
      .join('');
    items.push({
      risk: Math.min(...gridTargets.map((td) => RISK_ORDER[statusOf(td)])),
      pMet: Math.min(...gridTargets.map((td) => evalOf(a, td.id)?.pMet ?? 0)),
      html: `<div class="target-grid" data-model="${gridTargets[0].model}"><div class="title">${t().districtGridTitle}</div>
        <table><thead><tr><th></th>${head}</tr></thead><tbody>${body}</tbody></table></div>`,
    });
  }
  items.sort((x, y) => x.risk - y.risk || x.pMet - y.pMet);
  $('targets-list').innerHTML = items.map((x) => x.html).join('');
  // Counts by status at the top of the panel.
  const counts: Record<string, number> = { met: 0, 'at-risk': 0, missed: 0, 'no-data': 0 };
  for (const td of a.bundle.targets) counts[statusOf(td)]++;
  let summary = document.getElementById('targets-counts');
  if (!summary) {
    summary = document.createElement('div');
    summary.id = 'targets-counts';
    $('targets-list').before(summary);
  }
  summary.innerHTML = (['missed', 'at-risk', 'met', 'no-data'] as const)
    .filter((k) => k !== 'no-data' || counts[k] > 0)
    .map(
      (k) =>
        `<span class="count" data-status="${k}" style="--status:${STATUS_COLOUR[k]}"><b>${counts[k]}</b> ${statusText[k]}</span>`,
    )
    .join('');
  renderProgressSummary(a.bundle);
  $('targets-list')
    .querySelectorAll<HTMLElement>('.target')
    .forEach((el) =>
      el.addEventListener('click', () => {
        const td = a.bundle.targets.find((x) => x.id === el.dataset.targetId)!;
        focusTarget(app, td);
      }),
    );
}

/**
 * Selects a target: highlights it, flies to its scope, colours the map by its metric (scale up to its threshold),
 * moves to its deadline and charts it.
 */
export function focusTarget(app: AppState, td: TargetDef): void {
  document.querySelectorAll('.target.selected').forEach((e) => e.classList.remove('selected'));
  document.querySelector(`.target[data-target-id="${td.id}"]`)?.classList.add('selected');
  flyToConcern(app, td.model, td.scope);
  showTargetOnMap(app, td);
  setMonth(app, td.deadline.slice(0, 7));
  openChart(app, td.metric, td.entity, td, targetTitle(td));
}

/** Charts a target and shows it on the map, when the run has it (a redraw follows with the next setMonth). */
export function chartTarget(app: AppState, td: TargetDef | undefined): void {
  showTargetOnMap(app, td);
  if (td) openChart(app, td.metric, td.entity, td, targetTitle(td));
}
