/**
 * The viewer's application state: created once by `createAppState` when the globe, the geography and the map layers
 * exist, then passed to every module that reads or changes it (no module-level mutable globals, no half-built app).
 */
import type { Viewer } from 'cesium';
import type uPlot from 'uplot';
import type { DataSource, RunBundle, RunSummary, SeriesIndex, TargetDef } from '../data.ts';
import type { MapLayers } from '../layers.ts';
import type { SiteSettings } from '../settings.ts';
import type { VehicleReplay } from '../replay.ts';
import type { GpuVehicleReplay } from '../replay-gpu.ts';
import type { NetworkLayer } from '../network.ts';
import type { ZiboGeo } from '../../geo.ts';

/** A loaded run: its bundle and the index over its series. */
export interface RunView {
  bundle: RunBundle;
  ix: SeriesIndex;
}

/** Either vehicle replay: GPU-interpolated (default) or JS-moved points (`gpu=0`). */
export type Replay = VehicleReplay | GpuVehicleReplay;

/** Which thematic layers are shown (the layer check boxes). */
export interface LayerSwitches {
  rollout: boolean;
  clouds: boolean;
  traffic: boolean;
  greenhouse: boolean;
}

/** The chart panel's content, kept so the chart can be redrawn when the month or the compared run changes. */
export interface ChartSpec {
  metric: string;
  entity: string;
  target?: TargetDef;
  title: string;
}

/** The open three.js drill-down. */
export interface Drill {
  stop(): void;
  update?(s: unknown): void;
  kind: 'rack' | 'greenhouse';
}

/** The running vehicle replay and its clock (seconds after midnight, simulated seconds per wall second). */
export interface ReplayState {
  r: Replay;
  tSec: number;
  speed: number;
  lastWall: number;
  remove: () => void;
}

/** Everything the viewer's modules share. */
export interface AppState {
  readonly settings: SiteSettings;
  /** Lean ("low graphics") mode: fixed when the scene is created. */
  readonly lean: boolean;
  readonly params: URLSearchParams;
  readonly viewer: Viewer;
  readonly geo: ZiboGeo;
  readonly layers: MapLayers;
  /** The imported road network the shown run used, drawn instead of the sketch's roads (null: the sketch). */
  network: NetworkLayer | null;
  /** Where runs come from: null until opened (and in the bench page, which has no runs). */
  source: DataSource | null;
  runs: RunSummary[];
  /** The shown run, and the compared run (B) when compare mode is on. */
  a: RunView | null;
  b: RunView | null;
  /** The month under the timeline cursor, `YYYY-MM`. */
  month: string;
  districtMetric: string;
  /**
   * The target the map shows (its metric, scale 0 → threshold): set by selecting a target or a presentation step;
   * `districtMetric` is the metric it put in the select, so a later pick in the select (a different metric) wins.
   */
  mapTarget: { target: TargetDef; districtMetric: string } | null;
  roadMetric: string;
  show: LayerSwitches;
  chart: uPlot | null;
  chartSpec: ChartSpec | null;
  drill: Drill | null;
  replay: ReplayState | null;
  presenting: boolean;
  /** The presentation step shown (0-based). */
  step: number;
}

/** What the state is built from: the parts that exist once the globe has been created. */
export interface AppParts {
  settings: SiteSettings;
  lean: boolean;
  params: URLSearchParams;
  viewer: Viewer;
  geo: ZiboGeo;
  layers: MapLayers;
}

/**
 * The initial state: no run loaded, January 2017, every layer shown.
 * @example
 * // boot.ts passes the globe's viewer, the district/road geometry and the map layers; they are only carried along
 * const parts = { settings: {}, lean: true, params: new URLSearchParams('run=3'), viewer: null, geo: null, layers: null };
 * const app = createAppState(parts);
 * [app.month, app.a, app.runs, app.presenting, app.step] // => ['2017-01', null, [], false, 0]
 * app.show // => { rollout: true, clouds: true, traffic: true, greenhouse: true }
 * [app.lean, app.params.get('run')] // => [true, '3']
 */
export function createAppState(parts: AppParts): AppState {
  return {
    ...parts,
    network: null,
    source: null,
    runs: [],
    a: null,
    b: null,
    month: '2017-01',
    districtMetric: '',
    mapTarget: null,
    roadMetric: '',
    show: { rollout: true, clouds: true, traffic: true, greenhouse: true },
    chart: null,
    chartSpec: null,
    drill: null,
    replay: null,
    presenting: false,
    step: 0,
  };
}

/** The element with this id (the viewer's index.html has them all). @example $<HTMLSelectElement>('run-select') */
export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

/** Shows a short message at the bottom of the page for `ms` milliseconds. @example toast('exported') */
export function toast(msg: string, ms = 2500): void {
  const el = $('toast');
  el.textContent = msg;
  el.hidden = false;
  setTimeout(() => {
    el.hidden = true;
  }, ms);
}
