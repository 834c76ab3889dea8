/**
 * Presentation mode for a meeting: full screen, a fixed sequence of steps (overview, rollout, clouds, traffic,
 * greenhouses, progress since the last meeting, targets), arrow keys / PageUp / PageDown to move, Esc to leave.
 */
import { t } from '../i18n/index.ts';
import { flyHome, monthOf } from '../globe.ts';
import { progressMonth, progressStepTitle, showProgressPanel } from '../progress/index.ts';
import { flyToConcern } from './camera.ts';
import { closeChart } from './chart.ts';
import { closeDrill } from './drill.ts';
import { renderMonth, showTargetOnMap } from './mapview.ts';
import { METRIC_ROLE, ROLLOUT_STEP_TARGET, targetOfModel, targetOnMetric } from './metrics.ts';
import { chartTarget } from './targets.ts';
import { setMonth } from './timeline.ts';
import { $, type AppState } from './state.ts';

/**
 * A step: its title, what it does (camera, month, chart), and what it shows: `key` selects the step's card and
 * targets (CSS on `body[data-step]`: the rollout card on the rollout step, the clouds card on the clouds step, the
 * targets of the step's model family only) and the map shows the step's target (set by `chartTarget`).
 */
interface Step {
  key: 'overview' | 'rollout' | 'clouds' | 'traffic' | 'greenhouse' | 'progress' | 'targets';
  title: () => string;
  run: (app: AppState) => void;
}

/** The last month of the plan period (the clock's stop). */
const planEnd = (app: AppState) => monthOf(app.viewer.clock.stopTime);

/** An overview step: home view, nothing open, the map's default metric, at `ym`. */
function overview(app: AppState, ym: string): void {
  flyHome(app.viewer);
  closeChart(app);
  closeDrill(app);
  showTargetOnMap(app, undefined);
  setMonth(app, ym);
}

const STEPS: readonly Step[] = [
  { key: 'overview', title: () => t().stepOverview, run: (app) => overview(app, planEnd(app)) },
  {
    key: 'rollout',
    title: () => t().stepRollout,
    run: (app) => {
      flyHome(app.viewer);
      closeDrill(app);
      chartTarget(
        app,
        app.a?.bundle.targets.find((x) => x.id === ROLLOUT_STEP_TARGET),
      );
      setMonth(app, '2018-12');
    },
  },
  {
    key: 'clouds',
    title: () => t().stepClouds,
    run: (app) => {
      flyToConcern(app, 'clouds', 'city');
      closeDrill(app);
      chartTarget(app, targetOnMetric(app.a?.bundle, METRIC_ROLE.cloudMigrated));
      setMonth(app, '2020-12');
    },
  },
  ...(['traffic', 'greenhouse'] as const).map((model): Step => ({
    key: model,
    title: () => (model === 'traffic' ? t().stepTraffic : t().stepGreenhouse),
    run: (app) => {
      flyToConcern(app, model, 'city');
      closeDrill(app);
      const td = targetOfModel(app.a?.bundle, model);
      if (!td) closeChart(app);
      chartTarget(app, td);
      setMonth(app, planEnd(app));
    },
  })),
  {
    key: 'progress',
    title: progressStepTitle,
    run: (app) => {
      overview(app, progressMonth());
      showProgressPanel(true);
    },
  },
  { key: 'targets', title: () => t().stepTargets, run: (app) => overview(app, planEnd(app)) },
];

/** Shows step `i` (clamped to the first and last). */
export function showStep(app: AppState, i: number): void {
  app.step = Math.max(0, Math.min(STEPS.length - 1, i));
  document.body.classList.toggle('focus-targets', app.step === STEPS.length - 1);
  document.body.dataset.step = STEPS[app.step].key;
  showProgressPanel(false);
  STEPS[app.step].run(app);
  $('present-title').textContent = STEPS[app.step].title();
  $('present-count').textContent = `${app.step + 1} / ${STEPS.length}`;
}

/** The title of the current presentation step, or the app's title outside presentation mode (for the PNG header). */
export function presentationTitle(app: AppState): string {
  return app.presenting ? STEPS[app.step].title() : t().appTitle;
}

/** Enters presentation mode at the first step (full screen where the browser allows it). */
export function enterPresentation(app: AppState): void {
  app.presenting = true;
  document.body.classList.add('presenting');
  $('present-bar').hidden = false;
  document.documentElement.requestFullscreen?.().catch(() => {
    /* not allowed without a user gesture: stay windowed */
  });
  showStep(app, 0);
  setTimeout(() => app.viewer.resize(), 50);
}

/** Leaves presentation mode. */
export function exitPresentation(app: AppState): void {
  app.presenting = false;
  showProgressPanel(false);
  document.body.classList.remove('presenting', 'focus-targets');
  delete document.body.dataset.step;
  showTargetOnMap(app, undefined);
  renderMonth(app);
  $('present-bar').hidden = true;
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  setTimeout(() => app.viewer.resize(), 50);
}
