/**
 * Choosing the shown run (A) and the compared run (B): bundles are fetched from the data source (API or static
 * export) and indexed; the panels are redrawn.
 */
import { onProgressRun } from '../progress/index.ts';
import { SeriesIndex } from '../data.ts';
import { fillSelects, renderMonth } from './mapview.ts';
import { showRunNetwork } from './network-view.ts';
import { renderTargets } from './targets.ts';
import { $, type AppState, type RunView } from './state.ts';

async function loadRun(app: AppState, id: number): Promise<RunView> {
  if (!app.source) throw new Error('no data source is open');
  const bundle = await app.source.bundle(id);
  return { bundle, ix: new SeriesIndex(bundle.series) };
}

/** Shows run `id` (leaving compare mode if it was the compared run). */
export async function selectRun(app: AppState, id: number): Promise<void> {
  app.a = await loadRun(app, id);
  onProgressRun();
  if (app.b?.bundle.run.id === id) app.b = null;
  fillSelects(app);
  renderTargets(app);
  renderMonth(app);
  await showRunNetwork(app);
  $<HTMLButtonElement>('replay-btn').disabled = !app.a.bundle.artifacts.some((r) => r.name === 'replay');
}

/** Compares the shown run with run `id` (null: compare mode off). */
export async function selectCompare(app: AppState, id: number | null): Promise<void> {
  app.b = id === null ? null : await loadRun(app, id);
  fillSelects(app);
  renderTargets(app);
  renderMonth(app);
}
