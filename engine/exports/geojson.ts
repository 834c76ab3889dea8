/**
 * GeoJSON of results for GIS tools (QGIS, ArcGIS, kepler.gl): district polygons and road links (WGS-84 lon/lat,
 * RFC 7946) with the run's results as flat properties `<metric>.<year>.p50` (and `.p10`, `.p90`), the value of the
 * last period of each year (December for monthly series), so one attribute table holds the whole plan period.
 */
import { loadDistricts, loadRoadNetwork } from '../../data/index.ts';
import { readNetworkFiles, SKETCH_NETWORK, type NetworkInfo } from '../../data/networks.ts';
import { parseWktLineString } from '../network/table.ts';
import type { SeriesRow } from '../contract/index.ts';
import type { Store } from '../store.ts';

interface Feature {
  type: 'Feature';
  id: string;
  properties: Record<string, string | number | boolean | null>;
  geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'LineString'; coordinates: number[][] };
}

export interface FeatureCollection {
  type: 'FeatureCollection';
  name: string;
  features: Feature[];
  /** Run provenance (a foreign member; GIS tools ignore it). */
  run: { id: number; scenarioName: string; scenarioHash: string; seed: number; replications: number };
  /** The road network the links come from (links export only): name, content hash, licence, attribution. */
  network?: NetworkInfo;
  /** Planar networks only: coordinates are local x/y metres, not lon/lat (RFC 7946 asks for WGS-84). */
  crs?: 'planar';
}

/** Per entity: property name → value, for the last period of each year. */
export function yearlyProperties(rows: SeriesRow[]): Map<string, Record<string, number>> {
  // Keep only the last period of each (metric, entity, year).
  const last = new Map<string, SeriesRow>();
  for (const r of rows) {
    const k = `${r.metric}\u0000${r.entity}\u0000${r.period.slice(0, 4)}`;
    const cur = last.get(k);
    if (!cur || r.period > cur.period) last.set(k, r);
  }
  const out = new Map<string, Record<string, number>>();
  for (const r of last.values()) {
    const p = out.get(r.entity) ?? {};
    const y = r.period.slice(0, 4);
    const round = (x: number) => (Number.isFinite(x) ? +x.toPrecision(6) : x);
    p[`${r.metric}.${y}.p10`] = round(r.p10);
    p[`${r.metric}.${y}.p50`] = round(r.p50);
    p[`${r.metric}.${y}.p90`] = round(r.p90);
    out.set(r.entity, p);
  }
  return out;
}

function runInfo(store: Store, runId: number): FeatureCollection['run'] {
  const r = store.run(runId);
  if (!r) throw new Error(`no run ${runId} in ${store.file}`);
  return {
    id: r.id,
    scenarioName: r.scenarioName,
    scenarioHash: r.scenarioHash,
    seed: r.seed,
    replications: r.replications,
  };
}

/**
 * The 8 districts with every district-level result.
 * @example
 * import { openStore } from '../store.ts';
 * // A run in a store in memory with district rows of one metric, as a finished run's aggregation writes them:
 * const store = openStore(':memory:');
 * const run = { scenarioName: 'baseline', scenarioFile: 'scenarios/baseline.yaml', scenarioHash: 'h',
 *   scenario: { scenario: {}, modelIds: ['rollout'], years: [2021] }, seed: 1, replications: 1, codeVersion: 'x', threads: 1 };
 * const id = store.createRun(run, []);
 * const row = (entity, period, p50) => ({ model: 'rollout', metric: 'extranet.liveShare', entity, period,
 *   p10: p50, p50, p90: p50, mean: p50, n: 1 });
 * store.writeResults(id, [row('370303', '2021-06', 0.5), row('370303', '2021-12', 0.9), row('370302', '2021-12', 0.7)], []);
 * const g = districtsGeoJson(store, id);
 * [g.name, g.features.length, g.features[1].properties.nameEn] // => ['zibo-districts-run-1', 8, 'Zhangdian']
 * // A year's value is its last period's (2021-12 for Zhangdian); districts without rows get no such property:
 * g.features[1].properties['extranet.liveShare.2021.p50'] // => 0.9
 * 'extranet.liveShare.2021.p50' in g.features[2].properties // => false
 */
export function districtsGeoJson(store: Store, runId: number): FeatureCollection {
  const run = runInfo(store, runId);
  const props = yearlyProperties(store.series(runId).filter((r) => /^37\d{4}$/.test(r.entity)));
  return {
    type: 'FeatureCollection',
    name: `zibo-districts-run-${runId}`,
    run,
    features: loadDistricts().map((d) => ({
      type: 'Feature',
      id: d.code,
      properties: {
        code: d.code,
        nameZh: d.nameZh,
        nameEn: d.nameEn,
        areaKm2: d.areaKm2,
        ...(props.get(d.code) ?? {}),
      },
      geometry: { type: 'Polygon', coordinates: d.polygon },
    })),
  };
}

/**
 * The road network a run's traffic ran on, from its stored provenance (`networks`), else its scenario's
 * `traffic.network`, else the sketch (runs stored before networks were selectable).
 */
export function runNetwork(store: Store, runId: number): { name: string; info: NetworkInfo | undefined } {
  const r = store.run(runId);
  if (!r) throw new Error(`no run ${runId} in ${store.file}`);
  const stored = JSON.parse(r.scenarioJson) as {
    scenario?: { traffic?: { network?: string }; 'traffic-dynamic'?: { traffic?: { network?: string } } };
    networks?: Record<string, NetworkInfo>;
  };
  const info = stored.networks?.traffic ?? stored.networks?.['traffic-dynamic'];
  const name =
    info?.name ??
    stored.scenario?.traffic?.network ??
    stored.scenario?.['traffic-dynamic']?.traffic?.network ??
    SKETCH_NETWORK;
  return { name, info };
}

/** One link to draw: attributes and its shape (lon/lat pairs, or planar x/y). */
interface DrawLink {
  linkId: number;
  name: string;
  linkType: string;
  lanes: number;
  lengthM: number;
  capacityVehPerHPerLane: number;
  freeSpeedKmPerH: number;
  districtCode: string;
  coordinates: number[][];
}

/** The links of a network with their shapes: the sketch's straight from→to lines, an import's WKT geometry. */
function drawLinks(name: string): { links: DrawLink[]; planar: boolean } {
  if (name === SKETCH_NETWORK) {
    const net = loadRoadNetwork();
    const nodes = new Map(net.nodes.map((n) => [n.nodeId, n]));
    return {
      planar: false,
      links: net.links.map((l) => {
        const a = nodes.get(l.fromNodeId)!;
        const b = nodes.get(l.toNodeId)!;
        return {
          ...l,
          coordinates: [
            [a.lon, a.lat],
            [b.lon, b.lat],
          ],
        };
      }),
    };
  }
  const f = readNetworkFiles(name);
  const nodes = new Map(f.nodes.map((n) => [n.nodeId, n]));
  return {
    planar: f.meta.crs === 'planar',
    links: f.links.map((l) => {
      const flat = parseWktLineString(l.geometry);
      const coordinates: number[][] = [];
      if (flat) for (let k = 0; k < flat.length; k += 2) coordinates.push([flat[k]!, flat[k + 1]!]);
      else {
        // No shape in the file: the straight line between the link's nodes.
        const a = nodes.get(l.fromNodeId)!;
        const b = nodes.get(l.toNodeId)!;
        coordinates.push([a.lon, a.lat], [b.lon, b.lat]);
      }
      return { ...l, coordinates };
    }),
  };
}

/**
 * Every road link of the run's network as a LineString (the network's shapes: an imported network's geometry, the
 * sketch's from-node → to-node lines) with its attributes and link-level results (`link:<id>`).
 * @example
 * import { openStore } from '../store.ts';
 * // A run without traffic results whose scenario names no network: the sketch's 724 links, attributes only.
 * const store = openStore(':memory:');
 * const run = { scenarioName: 'baseline', scenarioFile: 'scenarios/baseline.yaml', scenarioHash: 'h',
 *   scenario: { scenario: {}, modelIds: [], years: [2021] }, seed: 1, replications: 1, codeVersion: 'x', threads: 1 };
 * const l = linksGeoJson(store, store.createRun(run, []));
 * [l.name, l.features.length, l.features[0].id, l.features[0].geometry.type] // => ['zibo-links-run-1', 724, 'link:1', 'LineString']
 */
export function linksGeoJson(store: Store, runId: number): FeatureCollection {
  const run = runInfo(store, runId);
  const props = yearlyProperties(store.series(runId).filter((r) => r.entity.startsWith('link:')));
  const { name, info } = runNetwork(store, runId);
  const { links, planar } = drawLinks(name);
  return {
    type: 'FeatureCollection',
    name: `${name === SKETCH_NETWORK ? 'zibo' : name}-links-run-${runId}`,
    run,
    ...(info ? { network: info } : {}),
    ...(planar ? { crs: 'planar' as const } : {}),
    features: links.map((l) => ({
      type: 'Feature',
      id: `link:${l.linkId}`,
      properties: {
        linkId: l.linkId,
        name: l.name,
        linkType: l.linkType,
        lanes: l.lanes,
        lengthM: l.lengthM,
        capacityVehPerHPerLane: l.capacityVehPerHPerLane,
        freeSpeedKmPerH: l.freeSpeedKmPerH,
        districtCode: l.districtCode,
        ...(props.get(`link:${l.linkId}`) ?? {}),
      },
      geometry: { type: 'LineString', coordinates: l.coordinates },
    })),
  };
}
