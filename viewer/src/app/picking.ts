/**
 * Clicks on the globe: a district charts the district metric, a road link the road metric, a greenhouse its yield
 * (and opens the cross-section), the cloud centre its migrated share (and opens the rack hall).
 */
import { ScreenSpaceEventHandler, ScreenSpaceEventType } from 'cesium';
import { isCloud, isGreenhouse, type PickId } from '../layers.ts';
import { openChart } from './chart.ts';
import { openGreenhouse, openRackHall } from './drill.ts';
import { districtName, siteName, titleOf } from './format.ts';
import { METRIC_ROLE, targetOnMetric } from './metrics.ts';
import type { AppState } from './state.ts';

function onPick(app: AppState, id: PickId): void {
  if (id.kind === 'district')
    openChart(
      app,
      app.districtMetric,
      id.code,
      undefined,
      `${titleOf(app, app.districtMetric)} · ${districtName(app, id.code) ?? id.code}`,
    );
  else if (id.kind === 'link') openChart(app, app.roadMetric, `link:${id.id}`);
  else if (id.kind === 'site') {
    const s = app.geo.sites.find((x) => x.id === id.id);
    if (s && isCloud(s)) {
      const m = METRIC_ROLE.cloudMigrated;
      openChart(app, m, 'city', targetOnMetric(app.a?.bundle, m));
      void openRackHall(app);
    } else if (s && isGreenhouse(s)) {
      const m = METRIC_ROLE.greenhouseYield;
      openChart(app, m, s.id, undefined, `${siteName(s)} · ${titleOf(app, m)}`);
      void openGreenhouse(app, s.id);
    }
  }
}

/** Listens for left clicks on the globe and acts on what was picked. */
export function listenForPicks(app: AppState): void {
  const handler = new ScreenSpaceEventHandler(app.viewer.scene.canvas);
  handler.setInputAction((ev: { position: { x: number; y: number } }) => {
    const picked = app.viewer.scene.pick(ev.position as never) as { id?: unknown } | undefined;
    const id = picked?.id as PickId | undefined;
    if (id && typeof id === 'object' && 'kind' in id) onPick(app, id);
  }, ScreenSpaceEventType.LEFT_CLICK);
}
