/**
 * `twin export RUN --format geojson|czml|csv-dir --out PATH`: results for other tools.
 * - csv-dir: a folder with one CSV per metric, targets.csv and README.txt (engine/exports/csv-dir.ts);
 * - geojson: a folder with districts.geojson and links.geojson (engine/exports/geojson.ts);
 * - czml: one .czml file of the rollout timeline by district (engine/exports/czml.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../store.ts';
import { writeCsvDir } from './csv-dir.ts';
import { rolloutCzml } from './czml.ts';
import { districtsGeoJson, linksGeoJson } from './geojson.ts';

export const EXPORT_FORMATS = ['csv-dir', 'geojson', 'czml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Write an export; returns the paths written.
 * @throws Error with a message for the user (bad --out, missing series).
 * @example
 * import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { openStore } from '../store.ts';
 * // A run in a store in memory with district rows of one metric, as a finished run's aggregation writes them:
 * const store = openStore(':memory:');
 * const run = { scenarioName: 'baseline', scenarioFile: 'scenarios/baseline.yaml', scenarioHash: 'h',
 *   scenario: { scenario: {}, modelIds: ['rollout'], years: [2021] }, seed: 1, replications: 1, codeVersion: 'x', threads: 1 };
 * const id = store.createRun(run, []);
 * const row = (entity, period, p50) => ({ model: 'rollout', metric: 'extranet.liveShare', entity, period,
 *   p10: p50, p50, p90: p50, mean: p50, n: 1 });
 * store.writeResults(id, [row('370303', '2021-06', 0.5), row('370303', '2021-12', 0.9), row('370302', '2021-12', 0.7)], []);
 * const dir = mkdtempSync(`${tmpdir()}/twin-export-`);
 * exportRun(store, id, 'czml', `${dir}/rollout.czml`) // => [`${dir}/rollout.czml`]
 * JSON.parse(readFileSync(`${dir}/rollout.czml`, 'utf8'))[0].id // => 'document'
 * exportRun(store, id, 'czml', `${dir}/rollout.json`) // throws 'must be a .czml file'
 * exportRun(store, id, 'geojson', undefined) // throws '--out is required for --format geojson'
 * rmSync(dir, { recursive: true });
 */
export function exportRun(
  store: Store,
  runId: number,
  format: ExportFormat,
  out: string | undefined,
  opts: { metric?: string } = {},
): string[] {
  if (!out)
    throw new Error(`--out is required for --format ${format} (${format === 'czml' ? 'a .czml file' : 'a folder'})`);
  if (format === 'csv-dir') return writeCsvDir(store, runId, out).map((f) => path.join(out, f));
  if (format === 'geojson') {
    mkdirSync(out, { recursive: true });
    const d = path.join(out, 'districts.geojson');
    const l = path.join(out, 'links.geojson');
    writeFileSync(d, JSON.stringify(districtsGeoJson(store, runId)));
    writeFileSync(l, JSON.stringify(linksGeoJson(store, runId)));
    return [d, l];
  }
  if (!/\.czml$/i.test(out)) throw new Error(`--out for --format czml must be a .czml file, got "${out}"`);
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  writeFileSync(out, JSON.stringify(rolloutCzml(store, runId, opts.metric)));
  return [out];
}
