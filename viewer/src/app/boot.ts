/**
 * Start-up: settings, language, the globe (lean or full effects), the geography and map layers, the controls, then
 * the runs (the requested one, else the latest finished baseline). While it starts, `#app` is `aria-busy="true"`;
 * it turns "false" once the runs are loaded (or failed, with the message in the targets panel, `role="alert"`)
 * and the globe has drawn its first frame.
 */
import { lang, entityName, onLangChange, setLang, t, type Lang } from '../i18n/index.ts';
import { createGlobe, enableFullEffects } from '../globe.ts';
import { MapLayers } from '../layers.ts';
import { loadSettings } from '../settings.ts';
import { mountProgress } from '../progress/index.ts';
import { firstRun, prefetchFirstRun, type DataSource, type RunSummary } from '../data.ts';
import type { ZiboGeo } from '../../geo.ts';
import { closeChart } from './chart.ts';
import { closeDrill } from './drill.ts';
import { districtName, targetTitle } from './format.ts';
import { renderMonth } from './mapview.ts';
import { listenForPicks } from './picking.ts';
import { exportPng } from './png.ts';
import { enterPresentation, exitPresentation, showStep } from './presentation.ts';
import { selectCompare, selectRun } from './runs.ts';
import { applyTexts } from './texts.ts';
import { onClockMonth, setMonth, togglePlay } from './timeline.ts';
import { toggleReplay } from './vehicles.ts';
import { $, createAppState, toast, type AppState } from './state.ts';

/** Start-up options; the viewer page uses the defaults, the benchmark page (viewer/src/bench/) its own. */
export interface BootOptions {
  /**
   * Called with a milestone's name when it is reached ('settings', 'globeCreated', 'firstFrame', 'fullQuality',
   * 'targets' = the first run's targets panel and map colours are drawn).
   */
  mark?: (name: string) => void;
  /** Load the runs from the data source (default true). */
  loadRuns?: boolean;
}

const NO_GEO: ZiboGeo = { sources: [], missing: ['geo/zibo.json'], districts: [], roads: [], sites: [] };

/**
 * Starts the viewer in the page's `#globe` and wires every control; resolves with the app state once the first
 * frame is drawn and the runs are loaded.
 * @example const app = await bootApp();
 */
export async function bootApp(opts: BootOptions = {}): Promise<AppState> {
  const mark = opts.mark ?? (() => {});
  const params = new URLSearchParams(location.search);
  const geoP = fetch('geo/zibo.json')
    .then(async (r) => (r.ok ? ((await r.json()) as ZiboGeo) : null))
    .catch(() => null);
  // The runs list and the first run's bundle are requested now, so they travel while the settings load and Cesium
  // builds the scene (issue 18 §9: they used to be requested only after the globe was created).
  const runsP = opts.loadRuns === false ? null : prefetchFirstRun(Number(params.get('run') ?? NaN));
  runsP?.catch(() => {}); // reported by loadRuns below
  const settings = await loadSettings();
  const lean = params.has('lean') ? params.get('lean') === '1' : settings.lean;
  const l = (params.get('lang') ?? settings.language) as Lang;
  setLang(l === 'en' ? 'en' : 'zh-CN');
  mark('settings');
  const viewer = createGlobe($('globe'), settings, lean);
  mark('globeCreated');
  const geo = (await geoP) ?? NO_GEO;
  const firstFrame = new Promise<void>((resolve) => {
    const removeFirst = viewer.scene.postRender.addEventListener(() => {
      mark('firstFrame');
      removeFirst();
      resolve();
      if (!lean) {
        // Progressive start: effects on after the first frame; the next rendered frame is the full-quality one.
        setTimeout(() => {
          enableFullEffects(viewer);
          const removeFull = viewer.scene.postRender.addEventListener(() => {
            mark('fullQuality');
            removeFull();
          });
        }, 0);
      }
    });
  });
  const app = createAppState({ settings, lean, params, viewer, geo, layers: new MapLayers(viewer, geo) });
  viewer.clock.onTick.addEventListener(() => onClockMonth(app));
  onLangChange(() => {
    applyTexts(app);
    app.viewer.timeline?.zoomTo(app.viewer.clock.startTime, app.viewer.clock.stopTime); // redraw the tic labels
  });
  wireControls(app);
  listenForPicks(app);
  applyTexts(app);

  if (runsP) {
    try {
      await loadRuns(app, await runsP);
    } catch (e) {
      const list = $('targets-list');
      list.textContent = `${t().loadFailed}: ${String(e)}`;
      list.setAttribute('role', 'alert');
    }
    const month = params.get('month') ?? '';
    setMonth(app, /^\d{4}-\d{2}$/.test(month) ? month : app.month);
    mark('targets');
  } else renderMonth(app);
  await firstFrame;
  $('app').setAttribute('aria-busy', 'false');
  return app;
}

async function loadRuns(app: AppState, { source, runs }: { source: DataSource; runs: RunSummary[] }): Promise<void> {
  app.source = source;
  mountProgress({
    kind: source.kind,
    view: () => app.a,
    toast,
    targetTitle,
    reload: async () => {
      if (app.a) await selectRun(app, app.a.bundle.run.id);
    },
    entityLabel: (e) => districtName(app, e) ?? entityName(e),
  });
  app.runs = [...runs].sort((x, y) => y.id - x.id);
  // The same choice prefetchFirstRun made, so selectRun finds its bundle already on the way.
  const first = firstRun(app.runs, Number(app.params.get('run') ?? NaN));
  if (!first) {
    $('targets-list').textContent = t().noRuns;
    return;
  }
  await selectRun(app, first.id);
  const cmp = Number(app.params.get('compare') ?? NaN);
  if (app.runs.some((r) => r.id === cmp)) await selectCompare(app, cmp);
}

function wireControls(app: AppState): void {
  $('play-btn').addEventListener('click', () => togglePlay(app));
  $<HTMLSelectElement>('speed-select').addEventListener('change', (e) => {
    app.viewer.clock.multiplier = Number((e.target as HTMLSelectElement).value);
  });
  $('lang-btn').addEventListener('click', () => setLang(lang() === 'zh-CN' ? 'en' : 'zh-CN'));
  $('lean-btn').addEventListener('click', () => {
    // MSAA and order-independent translucency are fixed when the scene is created: reload with the switch.
    const p = new URLSearchParams(location.search);
    p.set('lean', app.lean ? '0' : '1');
    p.set('lang', lang());
    p.set('month', app.month);
    if (app.a) p.set('run', String(app.a.bundle.run.id));
    location.search = p.toString();
  });
  $('present-btn').addEventListener('click', () => enterPresentation(app));
  $('present-next').addEventListener('click', () => showStep(app, app.step + 1));
  $('present-prev').addEventListener('click', () => showStep(app, app.step - 1));
  $('png-btn').addEventListener('click', () => void exportPng(app, 1));
  $('png2x-btn').addEventListener('click', () => void exportPng(app, 2));
  $('chart-close').addEventListener('click', () => closeChart(app));
  $('drill-close').addEventListener('click', () => closeDrill(app));
  $('replay-btn').addEventListener('click', () => void toggleReplay(app).catch((e: unknown) => toast(String(e), 5000)));
  $<HTMLSelectElement>('run-select').addEventListener(
    'change',
    (e) => void selectRun(app, Number((e.target as HTMLSelectElement).value)),
  );
  $<HTMLSelectElement>('compare-select').addEventListener('change', (e) => {
    const v = (e.target as HTMLSelectElement).value;
    void selectCompare(app, v ? Number(v) : null);
  });
  $<HTMLSelectElement>('district-metric').addEventListener('change', (e) => {
    app.districtMetric = (e.target as HTMLSelectElement).value;
    renderMonth(app);
  });
  $<HTMLSelectElement>('road-metric').addEventListener('change', (e) => {
    app.roadMetric = (e.target as HTMLSelectElement).value;
    renderMonth(app);
  });
  document.addEventListener('keydown', (e) => {
    if (!app.presenting) return;
    if (['ArrowRight', 'PageDown', ' ', 'Enter'].includes(e.key)) {
      e.preventDefault();
      showStep(app, app.step + 1);
    } else if (['ArrowLeft', 'PageUp', 'Backspace'].includes(e.key)) {
      e.preventDefault();
      showStep(app, app.step - 1);
    } else if (e.key === 'Escape') exitPresentation(app);
    else if (e.key === 'p') void exportPng(app, 1);
    else if (e.key === 'P') void exportPng(app, 2); // Shift+P: 2×
  });
}
