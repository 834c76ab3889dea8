/**
 * The vehicle replay: the dynamic traffic model's vehicles of replication 0 (its `replay` artifact) moving on the
 * road network through the morning peak, looped; a clock shows the time of day and the vehicles on the network.
 */
import { t } from '../i18n/index.ts';
import { busiestSec, readReplayArtifact, VehicleReplay, type Trajectories } from '../replay.ts';
import { GpuVehicleReplay } from '../replay-gpu.ts';
import type { ArtifactRef } from '../data.ts';
import type { ZiboGeo } from '../../geo.ts';
import { flyToConcern } from './camera.ts';
import { flyToPoint } from '../globe.ts';
import { updatePlayLabel } from './timeline.ts';
import { $, toast, type AppState, type Replay, type ReplayState } from './state.ts';

/**
 * A replay of `traj` on the roads: GPU interpolation (default: no per-vehicle JavaScript per frame) or JS-moved
 * points (URL parameter `gpu=0`).
 */
export function newReplay(app: AppState, roads: ZiboGeo['roads'], traj: Trajectories): Replay {
  return app.params.get('gpu') === '0'
    ? new VehicleReplay(app.viewer, roads, traj)
    : new GpuVehicleReplay(app.viewer, roads, traj);
}

/** The replay artifact of the year under the cursor, else the nearest year's. */
function replayRef(app: AppState): ArtifactRef | undefined {
  const refs = (app.a?.bundle.artifacts ?? []).filter((r) => r.name === 'replay');
  const year = Number(app.month.slice(0, 4));
  return refs.find((r) => r.year === year) ?? refs.sort((x, y) => Math.abs(x.year - year) - Math.abs(y.year - year))[0];
}

/**
 * Starts a replay at `speed` simulated seconds per wall second from `fromSec` (the main clock pauses).
 * Returns the replay's state (also in `app.replay`).
 */
export function startReplay(app: AppState, r: Replay, speed: number, fromSec = r.traj.startSec): ReplayState {
  stopReplay(app);
  app.viewer.clock.shouldAnimate = false;
  updatePlayLabel(app);
  const state: ReplayState = { r, tSec: fromSec, speed, lastWall: performance.now(), remove: () => {} };
  const clockEl = $('replay-clock');
  clockEl.hidden = false;
  const subpixel = app.params.get('subpixel') !== '0';
  state.remove = app.viewer.scene.preUpdate.addEventListener(() => {
    const now = performance.now();
    // Half a pixel's ground size at the camera's height (conservative: farther ground has bigger pixels).
    const cam = app.viewer.camera,
      fovy = (cam.frustum as { fovy?: number }).fovy ?? 1;
    r.minMoveM = subpixel
      ? (cam.positionCartographic.height * Math.tan(fovy / 2)) / Math.max(1, app.viewer.canvas.clientHeight)
      : 0;
    state.tSec += ((now - state.lastWall) / 1000) * state.speed;
    state.lastWall = now;
    if (state.tSec > r.traj.endSec) state.tSec = r.traj.startSec; // loop the peak
    r.update(state.tSec);
    const h = Math.floor(state.tSec / 3600),
      m = Math.floor((state.tSec % 3600) / 60);
    clockEl.textContent = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')} · ${r.active} ${t().vehicles}`;
  });
  app.replay = state;
  $('replay-btn').textContent = t().replayExit;
  return state;
}

/** Stops the replay and removes its vehicles. */
export function stopReplay(app: AppState): void {
  if (!app.replay) return;
  app.replay.remove();
  app.replay.r.destroy();
  app.replay = null;
  $('replay-clock').hidden = true;
  $('replay-btn').textContent = t().replay;
  app.viewer.scene.requestRender();
}

/** The replay button: starts the shown run's replay at its busiest second, or stops the running one. */
export async function toggleReplay(app: AppState): Promise<void> {
  if (app.replay) return stopReplay(app);
  const ref = replayRef(app);
  if (!ref || !app.source || !app.a) return toast(t().replayNone);
  // On an imported network the vehicles drive on its roads (the artifact's link ids are that network's).
  const roads = app.network?.roads ?? app.geo.roads;
  const traj = readReplayArtifact(await app.source.artifact(app.a.bundle.run.id, ref), roads);
  if (app.network) {
    const [lon, lat, heightM] = app.network.view();
    flyToPoint(app.viewer, lon, lat, heightM);
  } else flyToConcern(app, 'traffic', 'city');
  startReplay(app, newReplay(app, roads, traj), 60, busiestSec(traj));
}
