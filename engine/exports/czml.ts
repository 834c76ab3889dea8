/**
 * CZML of the rollout timeline, for any Cesium app (Cesium Sandcastle, a site's own viewer): the 8 districts as
 * polygons whose colour and extruded height follow a district-level rollout metric month by month (P50 over
 * replications), with the value as a time-dynamic property and in the description; a document clock spanning the run.
 * CZML 1.0: https://github.com/AnalyticalGraphicsInc/czml-writer/wiki/CZML-Guide
 */
import { loadDistricts } from '../../data/index.ts';
import type { Store } from '../store.ts';
import { ramp, type SeriesRow } from '../contract/index.ts';

/** Metrics tried, in order, when none is named. */
export const CZML_METRICS = ['extranet.liveShare', 'services.onlineShare', 'platform.liveShare'];

/** Metres of extrusion at a value of 1 (a full share). */
const HEIGHT_AT_ONE_M = 20_000;

/**
 * The time interval a period covers, ISO 8601: `2019-06` → `2019-06-01T00:00:00Z/2019-07-01T00:00:00Z`.
 * @example periodInterval('2019') // => '2019-01-01T00:00:00Z/2020-01-01T00:00:00Z'
 */
export function periodInterval(p: string): string {
  const y = Number(p.slice(0, 4));
  if (/^\d{4}$/.test(p)) return `${y}-01-01T00:00:00Z/${y + 1}-01-01T00:00:00Z`;
  const m = Number(p.slice(5, 7));
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return `${p}-01T00:00:00Z/${next}-01T00:00:00Z`;
}

function rgba(v: number): number[] {
  const c = ramp(v);
  return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16), 210];
}

/**
 * Build the CZML document (an array of packets) of a run.
 * @throws Error when the run has no district-level series of the metric.
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
 * const czml = rolloutCzml(store, id);
 * czml.map((p) => p.id) // => ['document', 'district-370302', 'district-370303']
 * czml[0].clock.interval // => '2021-06-01T00:00:00Z/2022-01-01T00:00:00Z'
 * czml[1].description[0].string // => '<p>Zichuan 2021-12: extranet.liveShare P50 0.700 (P10 0.700, P90 0.700)</p>'
 * rolloutCzml(store, id, 'platform.liveShare') // throws 'platform.liveShare'
 */
export function rolloutCzml(store: Store, runId: number, metric?: string): Array<Record<string, unknown>> {
  const run = store.run(runId);
  if (!run) throw new Error(`no run ${runId} in ${store.file}`);
  const all = store.series(runId).filter((r) => /^37\d{4}$/.test(r.entity));
  const chosen = metric ?? CZML_METRICS.find((m) => all.some((r) => r.metric === m));
  const rows = all.filter((r) => r.metric === chosen);
  if (!chosen || rows.length === 0) {
    const have = [...new Set(all.map((r) => r.metric))];
    throw new Error(
      `run ${runId} has no district-level series${metric ? ` of ${metric}` : ` of ${CZML_METRICS.join(', ')}`}; district metrics in this run: ${have.join(', ') || 'none'}`,
    );
  }
  const byDistrict = new Map<string, SeriesRow[]>();
  for (const r of rows) byDistrict.set(r.entity, [...(byDistrict.get(r.entity) ?? []), r]);
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const start = periodInterval(periods[0]!).split('/')[0]!;
  const end = periodInterval(periods[periods.length - 1]!).split('/')[1]!;
  const packets: Array<Record<string, unknown>> = [
    {
      id: 'document',
      name: `Zibo twin run ${runId} (${run.scenarioName}): ${chosen} by district`,
      version: '1.0',
      clock: {
        interval: `${start}/${end}`,
        currentTime: start,
        multiplier: 2_592_000,
        range: 'LOOP_STOP',
        step: 'SYSTEM_CLOCK_MULTIPLIER',
      },
    },
  ];
  for (const d of loadDistricts()) {
    const rs = (byDistrict.get(d.code) ?? []).sort((a, b) => (a.period < b.period ? -1 : 1));
    if (!rs.length) continue;
    const [outer, ...holes] = d.polygon;
    packets.push({
      id: `district-${d.code}`,
      name: `${d.nameZh} ${d.nameEn}`,
      availability: `${start}/${end}`,
      description: rs.map((r) => ({
        interval: periodInterval(r.period),
        string: `<p>${d.nameEn} ${r.period}: ${chosen} P50 ${r.p50.toFixed(3)} (P10 ${r.p10.toFixed(3)}, P90 ${r.p90.toFixed(3)})</p>`,
      })),
      polygon: {
        positions: { cartographicDegrees: outer!.flatMap(([lon, lat]) => [lon, lat, 0]) },
        ...(holes.length
          ? { holes: { cartographicDegrees: holes.map((h) => h.flatMap(([lon, lat]) => [lon, lat, 0])) } }
          : {}),
        material: { solidColor: { color: rs.map((r) => ({ interval: periodInterval(r.period), rgba: rgba(r.p50) })) } },
        extrudedHeight: rs.map((r) => ({
          interval: periodInterval(r.period),
          number: Math.max(1, r.p50 * HEIGHT_AT_ONE_M),
        })),
        outline: true,
        outlineColor: { rgba: [20, 20, 20, 255] },
      },
      properties: {
        code: d.code,
        metric: chosen,
        valueP50: rs.map((r) => ({ interval: periodInterval(r.period), number: r.p50 })),
      },
    });
  }
  return packets;
}
