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
import { comparatorText, fmt, fmtDiff, fmtUnit, targetTitle } from './format.ts';
import { setMonth } from './timeline.ts';
import { $, type AppState, type RunView } from './state.ts';

/** Renders the targets of the shown run (with the compared run's P(met) in compare mode). */
export function renderTargets(app: AppState): void {
  const a = app.a!;
  const evalOf = (v: RunView | null, id: string) => v?.bundle.evaluations.find((e) => e.targetId === id);
  const statusText: Record<string, string> = {
    met: t().statusMet,
    'at-risk': t().statusAtRisk,
    missed: t().statusMissed,
    'no-data': t().statusNoData,
  };
  $('targets-list').innerHTML = a.bundle.targets
    .map((td) => {
      const ev = evalOf(a, td.id),
        evb = evalOf(app.b, td.id);
      const st = ev?.status ?? 'no-data';
      const u = td.unit;
      const thr = `${comparatorText(td.comparator)} ${fmtUnit(td.threshold, u)}`;
      const bNums = evb
        ? `<span>B: ${fmt(evb.pMet, 'share')} <span class="${(ev?.pMet ?? 0) >= evb.pMet ? 'diff-up' : 'diff-down'}">(A−B ${fmtDiff((ev?.pMet ?? 0) - evb.pMet, 'share')})</span></span>`
        : '';
      return `<div class="target" data-target-id="${td.id}" style="--status:${STATUS_COLOUR[st]}">
      <div class="title">${targetTitle(td)}</div>
      <div class="meta"><span class="badge ${td.source}" title="${td.sourceText.replace(/"/g, '&quot;')}">${td.source === 'plan' ? t().sourcePlan : t().sourceAssumption}</span>
        <span>${t().deadline} ${td.deadline}</span><span>${thr}</span></div>
      <div class="nums"><span title="${t().projection}">${fmtUnit(ev?.valueP50, u)} [${fmtUnit(ev?.valueP10, u)}–${fmtUnit(ev?.valueP90, u)}]</span>
        <span>${t().pMet} <b>${fmt(ev?.pMet, 'share')}</b></span><span class="status">${statusText[st]}</span>${bNums}</div>
      ${targetProgressHtml(a.bundle, a.ix, td)}
    </div>`;
    })
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

/** Selects a target: highlights it, flies to its scope, moves to its deadline and charts it. */
export function focusTarget(app: AppState, td: TargetDef): void {
  document.querySelectorAll('.target.selected').forEach((e) => e.classList.remove('selected'));
  document.querySelector(`.target[data-target-id="${td.id}"]`)?.classList.add('selected');
  flyToConcern(app, td.model, td.scope);
  setMonth(app, td.deadline.slice(0, 7));
  openChart(app, td.metric, td.entity, td, targetTitle(td));
}

/** Charts a target, when the run has it. */
export function chartTarget(app: AppState, td: TargetDef | undefined): void {
  if (td) openChart(app, td.metric, td.entity, td, targetTitle(td));
}
