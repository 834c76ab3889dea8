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
 * @example exportRun(store, 3, 'czml', 'out/rollout.czml') // → ['out/rollout.czml']
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
