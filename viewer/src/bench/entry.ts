/**
 * The benchmark page's entry (built only by `npm run bench:viewer`, `vite build --mode bench`; never part of the
 * viewer's production build): the viewer without runs, N synthetic vehicles (seeded random link chains, not model
 * results) replayed on the road network, and per-frame timings for viewer/bench.ts in `window.__twinBench`.
 * URL parameters: bench=<vehicles>, plus the viewer's lean, gpu, subpixel; runs=1 loads the runs of the data source
 * (the start-up benchmark: first meaningful view = globe drawn and targets shown) instead of the vehicles.
 */
import { Cartesian3, Math as CesiumMath } from 'cesium';
import { bootApp } from '../app/boot.ts';
import { newReplay, startReplay } from '../app/vehicles.ts';
import { syntheticTrajectories } from '../replay.ts';
import { netRoads, NetworkLayer, type NetRoad } from '../network.ts';
import type { NetworkRoads } from '../../../engine/contract/index.ts';
import type { AppState, Replay } from '../app/state.ts';

/** What viewer/bench.ts reads from the page. */
export interface BenchProbe {
  /** True once the vehicles run (or `error` is set). */
  ready: boolean;
  error: string | null;
  /** Milestones in ms since navigation start: moduleStart, settings, globeCreated, firstFrame, fullQuality, targets. */
  marks: Record<string, number>;
  frameMs: number[];
  /** Vehicle update per frame (ms), Cesium preUpdate→postRender per frame (ms), points rewritten per frame. */
  jsMs: number[];
  renderMs: number[];
  written: number[];
  vehicles: number;
  active: number;
  /** Runs the vehicle update `n` times back to back (no rendering), returns each call's ms. */
  updateOnly(n: number): number[];
  /** Network bench: links of the network, links drawn at the shown level, the level. */
  network: { links: number; drawn: number; level: number } | null;
  /** Network bench: flies the camera to `heightM` over the city; resolves with ms until that level is drawn. */
  zoom(heightM: number): Promise<{ ms: number; level: number; drawn: number }>;
}

declare global {
  interface Window {
    __twinBench: BenchProbe;
  }
}

const probe: BenchProbe = {
  ready: false,
  error: null,
  marks: { moduleStart: performance.now() },
  frameMs: [],
  jsMs: [],
  renderMs: [],
  written: [],
  vehicles: 0,
  active: 0,
  updateOnly: () => [],
  network: null,
  zoom: () => Promise.reject(new Error('no network')),
};
window.__twinBench = probe;

function startBench(app: AppState, n: number): void {
  const roads = app.geo.roads;
  if (!roads.length) throw new Error('bench needs roads (data/zibo/network)');
  probeReplay(app, newReplay(app, roads, syntheticTrajectories(roads, n, 42)), n, () => 0);
}

/** The first frame on which `ok()` holds (a render is requested so that one comes). */
function frameWhere(app: AppState, ok: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const off = app.viewer.scene.postRender.addEventListener(() => {
      if (!ok()) return app.viewer.scene.requestRender();
      off();
      resolve();
    });
    app.viewer.scene.requestRender();
  });
}

/**
 * The imported-network bench (issue 17 §5): the network served as bench-network.json (written by viewer/bench.ts
 * from a generated city), drawn by the viewer's NetworkLayer, with `n` synthetic vehicles on its drawn roads.
 * Marks: networkFetched, trajectories (synthetic data made; not viewer work), networkFrame (first frame with the
 * network's level and the vehicles drawn).
 */
async function startNetworkBench(app: AppState, n: number, pending: Promise<NetworkRoads>): Promise<void> {
  const net = await pending;
  probe.marks.networkFetched = performance.now();
  const roads = netRoads(net);
  const layer = new NetworkLayer(app.viewer, { name: net.name, attribution: net.attribution, roads }, () => true);
  app.network = layer;
  probe.marks.networkLayer = performance.now();
  const drivable: NetRoad[] = roads.filter((r) => !r.hidden);
  const t0 = performance.now();
  const traj = syntheticTrajectories(drivable, n, 42);
  probe.marks.trajectoriesMs = performance.now() - t0;
  const r = newReplay(app, drivable, traj);
  probe.marks.replayBuilt = performance.now();
  probeReplay(app, r, n, () => layer.lastFrameMs);
  await frameWhere(app, () => layer.ready);
  probe.marks.networkFrame = performance.now();
  probe.network = { links: roads.length, drawn: layer.drawn[layer.level] ?? 0, level: layer.level };
  probe.zoom = async (heightM) => {
    const t1 = performance.now();
    const c = app.viewer.camera.positionCartographic;
    app.viewer.camera.setView({
      destination: Cartesian3.fromRadians(c.longitude, c.latitude + 0.004, heightM),
      orientation: { heading: 0, pitch: CesiumMath.toRadians(-60), roll: 0 },
    });
    await frameWhere(app, () => layer.ready && app.viewer.camera.positionCartographic.height < heightM * 1.01);
    return { ms: performance.now() - t1, level: layer.level, drawn: layer.drawn[layer.level] ?? 0 };
  };
}

/** Starts the replay and records per-frame timings; `extraJsMs` adds other per-frame JS of ours (the network layer). */
function probeReplay(app: AppState, r: Replay, n: number, extraJsMs: () => number): void {
  const state = startReplay(app, r, 60);
  probe.vehicles = n;
  probe.updateOnly = (k: number) => {
    const out: number[] = [];
    const t0 = state.tSec;
    for (let i = 0; i < k; i++) {
      r.update(t0 + i * 0.5);
      out.push(r.lastUpdateMs);
    }
    return out;
  };
  let last = performance.now();
  let frameStart = 0;
  app.viewer.scene.preUpdate.addEventListener(() => {
    frameStart = performance.now();
  });
  app.viewer.scene.postRender.addEventListener(() => {
    const now = performance.now();
    probe.frameMs.push(now - last);
    probe.renderMs.push(now - frameStart);
    probe.jsMs.push(r.lastUpdateMs + extraJsMs());
    probe.written.push(r.written);
    probe.active = r.active;
    last = now;
  });
}

const query = new URLSearchParams(location.search);
const vehicles = Number(query.get('bench') ?? 20000);
// runs=1: the start-up as the viewer does it (runs from the data source, targets panel), no synthetic vehicles.
const withRuns = query.get('runs') === '1';
// network=1: the imported-network bench; the network is requested at once, like the viewer's run data.
const networkP =
  query.get('network') === '1'
    ? fetch('bench-network.json').then(async (res) => {
        if (!res.ok) throw new Error(`bench-network.json: HTTP ${res.status}`);
        return (await res.json()) as NetworkRoads;
      })
    : null;
networkP?.catch(() => {}); // reported by startNetworkBench
bootApp({ loadRuns: withRuns, mark: (name) => (probe.marks[name] = performance.now()) })
  .then((app) =>
    withRuns ? undefined : networkP ? startNetworkBench(app, vehicles, networkP) : startBench(app, vehicles),
  )
  .then(() => {
    probe.ready = true;
  })
  .catch((e: unknown) => {
    probe.error = String(e);
    probe.ready = true;
  });
