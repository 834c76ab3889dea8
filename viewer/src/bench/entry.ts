/**
 * The benchmark page's entry (built only by `npm run bench:viewer`, `vite build --mode bench`; never part of the
 * viewer's production build): the viewer without runs, N synthetic vehicles (seeded random link chains, not model
 * results) replayed on the road network, and per-frame timings for viewer/bench.ts in `window.__twinBench`.
 * URL parameters: bench=<vehicles>, plus the viewer's lean, gpu, subpixel; runs=1 loads the runs of the data source
 * (the start-up benchmark: first meaningful view = globe drawn and targets shown) instead of the vehicles.
 */
import { bootApp } from '../app/boot.ts';
import { newReplay, startReplay } from '../app/vehicles.ts';
import { syntheticTrajectories } from '../replay.ts';
import type { AppState } from '../app/state.ts';

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
};
window.__twinBench = probe;

function startBench(app: AppState, n: number): void {
  const roads = app.geo.roads;
  if (!roads.length) throw new Error('bench needs roads (data/zibo/network)');
  const r = newReplay(app, roads, syntheticTrajectories(roads, n, 42));
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
    probe.jsMs.push(r.lastUpdateMs);
    probe.written.push(r.written);
    probe.active = r.active;
    last = now;
  });
}

const query = new URLSearchParams(location.search);
const vehicles = Number(query.get('bench') ?? 20000);
// runs=1: the start-up as the viewer does it (runs from the data source, targets panel), no synthetic vehicles.
const withRuns = query.get('runs') === '1';
bootApp({ loadRuns: withRuns, mark: (name) => (probe.marks[name] = performance.now()) })
  .then((app) => (withRuns ? undefined : startBench(app, vehicles)))
  .then(() => {
    probe.ready = true;
  })
  .catch((e: unknown) => {
    probe.error = String(e);
    probe.ready = true;
  });
