/**
 * The viewer's one data layer, with two sources:
 * - `api`: the twin server (`npm start` / `twin serve`): `api/runs`, `api/runs/:id/bundle`, `api/runs/:id/artifacts/:model/:name/:year`,
 *   `api/networks/:name/roads`;
 * - `static`: a static export (`twin export RUN --viewer DIR`): `data/runs.json`, `data/run-<id>.json`,
 *   `data/run-<id>/<model>-<name>-<year>.json`, `data/network-<name>.json`.
 * The export marks its index.html with `<meta name="twin-source" content="static">`, so an export never probes the
 * API (no 404 in the console); otherwise the API is tried first and `data/` is the fallback.
 * All URLs are relative, so the viewer works under any sub-path.
 */
import type { NetworkRoads, RunBundle, RunSummary, SeriesRow } from '../../engine/contract/index.ts';

export type { RunBundle, RunSummary, SeriesRow, TargetDef, TargetEval } from '../../engine/contract/index.ts';
export type ArtifactRef = RunBundle['artifacts'][number];

export interface DataSource {
  kind: 'api' | 'static';
  listRuns(): Promise<RunSummary[]>;
  bundle(id: number): Promise<RunBundle>;
  artifact(id: number, ref: ArtifactRef): Promise<unknown>;
  /** The roads of an imported network (engine/contract/network.ts). */
  networkRoads(name: string): Promise<NetworkRoads>;
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const type = res.headers.get('content-type') ?? '';
  // A static host with an SPA fallback answers unknown paths with index.html: that is not the API.
  if (!type.includes('json')) throw new Error(`${url}: not JSON (${type})`);
  return res.json();
}

/**
 * Path of an artifact file inside a static export, relative to the export's data/ folder.
 * @example
 * artifactFile(3, { model: 'greenhouse', name: 'hourly', year: 2019 }) // => 'run-3/greenhouse-hourly-2019.json'
 */
export function artifactFile(runId: number, ref: ArtifactRef): string {
  return `run-${runId}/${ref.model}-${ref.name}-${ref.year}.json`;
}

function apiSource(): DataSource {
  return {
    kind: 'api',
    listRuns: async () => (await getJson('api/runs')) as RunSummary[],
    bundle: async (id) => (await getJson(`api/runs/${id}/bundle`)) as RunBundle,
    artifact: (id, r) =>
      getJson(`api/runs/${id}/artifacts/${encodeURIComponent(r.model)}/${encodeURIComponent(r.name)}/${r.year}`),
    networkRoads: async (name) => (await getJson(`api/networks/${encodeURIComponent(name)}/roads`)) as NetworkRoads,
  };
}

function staticSource(): DataSource {
  return {
    kind: 'static',
    listRuns: async () => (await getJson('data/runs.json')) as RunSummary[],
    bundle: async (id) => (await getJson(`data/run-${id}.json`)) as RunBundle,
    artifact: (id, r) => getJson(`data/${artifactFile(id, r)}`),
    networkRoads: async (name) => (await getJson(`data/network-${encodeURIComponent(name)}.json`)) as NetworkRoads,
  };
}

/**
 * Opens the data source and lists the runs.
 * @example const { source, runs } = await openDataSource();
 */
export async function openDataSource(): Promise<{ source: DataSource; runs: RunSummary[] }> {
  const forced = document.querySelector('meta[name="twin-source"]')?.getAttribute('content');
  const param = new URLSearchParams(location.search).get('source');
  if (forced !== 'static' && param !== 'static') {
    const api = apiSource();
    try {
      return { source: api, runs: await api.listRuns() };
    } catch {
      /* fall back to the static export */
    }
  }
  const st = staticSource();
  return { source: st, runs: await st.listRuns() };
}

/**
 * The run the viewer opens first: the one the URL names, else the latest finished baseline, else the latest run.
 * @example firstRun([{ id: 1, status: 'done', scenarioName: 'baseline' }, { id: 2, status: 'done', scenarioName: 'x' }], NaN).id // => 1
 * @example firstRun([{ id: 1, status: 'done', scenarioName: 'baseline' }, { id: 2, status: 'done', scenarioName: 'x' }], 2).id // => 2
 */
export function firstRun(runs: RunSummary[], wanted: number): RunSummary | undefined {
  const sorted = [...runs].sort((x, y) => y.id - x.id);
  const done = sorted.filter((r) => r.status === 'done');
  return sorted.find((r) => r.id === wanted) ?? done.find((r) => r.scenarioName === 'baseline') ?? done[0] ?? sorted[0];
}

/**
 * The data source with an early fetch: `prefetch(id)` starts a run's bundle request while the globe is being created,
 * and the next `bundle(id)` (selectRun) takes that same request. It is handed out once: later calls fetch again, so a
 * bundle re-read after an actuals import or a finished run is never a stale copy.
 * @example
 * let n = 0;
 * const src = withBundleCache({ kind: 'static', bundle: async (id) => ({ id, fetch: ++n }) });
 * src.prefetch(3);
 * [(await src.bundle(3)).fetch, (await src.bundle(3)).fetch] // => [1, 2]
 */
export function withBundleCache(source: DataSource): DataSource & { prefetch(id: number): void } {
  const early = new Map<number, Promise<RunBundle>>();
  return {
    ...source,
    prefetch(id) {
      if (early.has(id)) return;
      const p = source.bundle(id);
      early.set(id, p);
      // A failed early fetch is dropped: selectRun then tries again.
      p.catch(() => early.delete(id));
    },
    bundle(id) {
      const p = early.get(id);
      if (p) {
        early.delete(id);
        return p;
      }
      return source.bundle(id);
    },
  };
}

/**
 * Opens the data source, lists the runs and starts fetching the first run's bundle (see firstRun) without waiting
 * for it: what the start-up calls before creating the globe, so the requests run while Cesium builds the scene.
 */
export async function prefetchFirstRun(wanted: number): Promise<{ source: DataSource; runs: RunSummary[] }> {
  const { source, runs } = await openDataSource();
  const cached = withBundleCache(source);
  const first = firstRun(runs, wanted);
  // Errors surface when selectRun awaits the same promise; here the request only starts.
  if (first) cached.prefetch(first.id);
  return { source: cached, runs };
}

/** Aggregated series of one (metric, entity), sorted by period. */
export interface Series {
  metric: string;
  entity: string;
  periods: string[];
  p10: number[];
  p50: number[];
  p90: number[];
}

/**
 * Index of a bundle's series rows by metric and entity, with step-hold lookup at a month.
 * @example
 * // rows as in bundle.series, in any order
 * const row = (metric, entity, period, p50) =>
 *   ({ model: 'm', metric, entity, period, p10: p50 / 2, p50, p90: 2 * p50, mean: p50, n: 50 });
 * const ix = new SeriesIndex([
 *   row('extranet.liveShare', '370303', '2019-12', 0.6),
 *   row('extranet.liveShare', '370303', '2019-01', 0.4),
 *   row('clouds.hosts', 'cloud:public', '2019', 5),
 * ]);
 * ix.metrics() // => ['clouds.hosts', 'extranet.liveShare']
 * ix.get('extranet.liveShare', '370303').periods // => ['2019-01', '2019-12']
 * // June 2019 holds January's value; a yearly series holds all year; nothing before the first period
 * ix.at('extranet.liveShare', '370303', '2019-06') // => { p10: 0.2, p50: 0.4, p90: 0.8, period: '2019-01' }
 * ix.at('clouds.hosts', 'cloud:public', '2019-03').p50 // => 5
 * ix.at('extranet.liveShare', '370303', '2018-06') // => undefined
 */
export class SeriesIndex {
  private map = new Map<string, Series>();
  private byMetric = new Map<string, Series[]>();
  constructor(rows: SeriesRow[]) {
    for (const r of rows) {
      const k = `${r.metric}|${r.entity}`;
      let s = this.map.get(k);
      if (!s) {
        s = { metric: r.metric, entity: r.entity, periods: [], p10: [], p50: [], p90: [] };
        this.map.set(k, s);
        const list = this.byMetric.get(r.metric) ?? [];
        list.push(s);
        this.byMetric.set(r.metric, list);
      }
      s.periods.push(r.period);
      s.p10.push(r.p10);
      s.p50.push(r.p50);
      s.p90.push(r.p90);
    }
    for (const s of this.map.values()) {
      const order = s.periods
        .map((_, i) => i)
        .sort((a, b) => (s.periods[a] < s.periods[b] ? -1 : s.periods[a] > s.periods[b] ? 1 : 0));
      s.periods = order.map((i) => s.periods[i]);
      s.p10 = order.map((i) => s.p10[i]);
      s.p50 = order.map((i) => s.p50[i]);
      s.p90 = order.map((i) => s.p90[i]);
    }
  }
  get(metric: string, entity: string): Series | undefined {
    return this.map.get(`${metric}|${entity}`);
  }
  metrics(): string[] {
    return [...this.byMetric.keys()].sort();
  }
  entities(metric: string): string[] {
    return (this.byMetric.get(metric) ?? []).map((s) => s.entity);
  }
  /** Series of a metric whose entity matches a predicate. */
  where(metric: string, pred: (entity: string) => boolean): Series[] {
    return (this.byMetric.get(metric) ?? []).filter((s) => pred(s.entity));
  }
  /**
   * Value in force at month `ym` ('YYYY-MM'): a yearly series gives its year's value; a monthly (or daily) series
   * the last period at or before the month; undefined before the first period.
   */
  at(
    metric: string,
    entity: string,
    ym: string,
  ): { p10: number; p50: number; p90: number; period: string } | undefined {
    const s = this.get(metric, entity);
    return s ? valueAt(s, ym) : undefined;
  }
}

/**
 * Step-hold lookup (see SeriesIndex.at).
 * @example
 * const s = { metric: 'm', entity: 'city', periods: ['2018', '2019-03', '2019-09'], p10: [1, 2, 3], p50: [1, 2, 3], p90: [1, 2, 3] };
 * valueAt(s, '2019-06') // => { p10: 2, p50: 2, p90: 2, period: '2019-03' }
 * // A year holds until the next period; before the first there is no value:
 * [valueAt(s, '2019-01').period, valueAt(s, '2017-12')] // => ['2018', undefined]
 */
export function valueAt(s: Series, ym: string): { p10: number; p50: number; p90: number; period: string } | undefined {
  const year = ym.slice(0, 4);
  let best = -1;
  for (let i = 0; i < s.periods.length; i++) {
    const p = s.periods[i];
    const ok = p.length === 4 ? p === year || p < year : p.slice(0, 7) <= ym;
    if (ok) best = i;
    else break;
  }
  if (best < 0) return undefined;
  return { p10: s.p10[best], p50: s.p50[best], p90: s.p90[best], period: s.periods[best] };
}

/**
 * Coerces an artifact array that may have crossed JSON as an index-keyed object (a typed array through
 * JSON.stringify) back into a number array.
 * @example numArray({ 0: 1, 1: 2 }) // => [1, 2]
 */
export function numArray(x: unknown): number[] {
  if (Array.isArray(x)) return x as number[];
  // Any typed array (a DataView has no elements to copy).
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return Array.from(x as Float64Array);
  if (x && typeof x === 'object') {
    const o = x as Record<string, number>;
    const n = Object.keys(o).length;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = Number(o[i]);
    return out;
  }
  return [];
}
