/**
 * The chart panel: a metric's P10–P90 band and median over time for one entity, the compared run, the actuals and
 * their re-forecast, the target's threshold and deadline, and buttons to the matching drill-down.
 */
import { renderChart } from '../charts.ts';
import { ROLE_COLOUR } from '../colours.ts';
import { t } from '../i18n/index.ts';
import { isGreenhouse } from '../layers.ts';
import { progressChart } from '../progress/index.ts';
import type { TargetDef } from '../data.ts';
import { openGreenhouse, openRackHall } from './drill.ts';
import { fmt, isShare, titleOf, unitOf, unitText } from './format.ts';
import { monthText } from '../numbers.ts';
import { $, type AppState } from './state.ts';

/** The model a metric belongs to, from the run's metric catalogue (the id's prefix when it is not catalogued). */
export function modelOf(app: AppState, metric: string): string {
  return app.a?.bundle.metrics[metric]?.model ?? metric.split('.')[0];
}

/** Opens (or redraws) the chart of `metric` for `entity`, with a target's threshold and deadline when given. */
export function openChart(app: AppState, metric: string, entity: string, target?: TargetDef, title?: string): void {
  if (!app.a || !metric) return;
  app.chartSpec = { metric, entity, target, title: title ?? `${titleOf(app, metric)} · ${entity}` };
  const panel = $('chart-panel');
  panel.hidden = false;
  $('chart-title').textContent = app.chartSpec.title;
  app.chart?.destroy();
  const runs = [{ label: `A #${app.a.bundle.run.id}`, series: app.a.ix.get(metric, entity), colour: ROLE_COLOUR.runA }];
  if (app.b)
    runs.push({ label: `B #${app.b.bundle.run.id}`, series: app.b.ix.get(metric, entity), colour: ROLE_COLOUR.runB });
  const pg = progressChart(app.a.bundle, metric, entity); // actual points and the re-forecast band (issue 10)
  runs.push(...pg.runs);
  const body = $('chart-body');
  app.chart = renderChart(
    body,
    {
      title: titleOf(app, metric),
      unit: isShare(unitOf(app, metric)) ? '%' : unitText(unitOf(app, metric)),
      runs,
      target: target
        ? {
            threshold: target.threshold,
            deadline: target.deadline,
            comparator: target.comparator,
            label: t().targetLine,
            deadlineLabel: `${t().deadlineMarker} ${target.deadline}`,
          }
        : undefined,
      cursor: app.month,
      bandLabel: t().band,
      medianLabel: t().median,
      xLabel: t().timeAxis,
      xTick: monthText,
      yTick: (v) => fmt(v, unitOf(app, metric)),
      extend: pg.extend,
    },
    { width: body.clientWidth || 540, height: Math.max(180, (body.clientHeight || 280) - 50) },
  );
  const actions = $('chart-actions');
  actions.innerHTML = '';
  const site = app.geo.sites.find((s) => s.id === entity);
  const model = modelOf(app, metric);
  if (model === 'greenhouse' || (site && isGreenhouse(site))) {
    const bt = document.createElement('button');
    bt.textContent = t().openGreenhouse;
    bt.addEventListener('click', () => void openGreenhouse(app, entity));
    actions.appendChild(bt);
  }
  if (model === 'clouds') {
    const bt = document.createElement('button');
    bt.textContent = t().openRackHall;
    bt.addEventListener('click', () => void openRackHall(app));
    actions.appendChild(bt);
  }
}

/** Redraws the open chart (after the month or the compared run changed). */
export function redrawChart(app: AppState): void {
  const c = app.chartSpec;
  if (c) openChart(app, c.metric, c.entity, c.target, c.title);
}

/** Closes the chart panel. */
export function closeChart(app: AppState): void {
  app.chart?.destroy();
  app.chart = null;
  app.chartSpec = null;
  $('chart-panel').hidden = true;
}
