/**
 * `twin export RUN|latest --format json|csv|csv-dir|geojson|czml [--out PATH]` and
 * `twin export RUN --viewer DIR [--with RUN2,...]` (a static copy of the viewer with those runs).
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toJson } from '../contract/index.ts';
import { runBundle } from '../server.ts';
import { seriesCsv } from '../exports/csv.ts';
import { EXPORT_FORMATS, exportRun, type ExportFormat } from '../exports/index.ts';
import { exportViewer } from '../exports/viewer-static.ts';
import type { Store } from '../store.ts';
import { resolveRun, UsageError, withDbOption, withStore } from './common.ts';

const FORMATS = ['json', 'csv', ...EXPORT_FORMATS] as const;

/** `--viewer DIR`: every run is resolved before anything is written, so an unknown run leaves DIR untouched. */
function exportStaticViewer(store: Store, run: string, withRuns: string | undefined, dir: string): void {
  const args = [run, ...(withRuns ? withRuns.split(',') : [])];
  const bundles = args.map((a) => runBundle(store, resolveRun(store, a.trim()).id)!);
  exportViewer(path.resolve(dir), bundles, (b, ref) => store.artifact(b.run.id, ref.model, ref.name, ref.year));
  process.stdout.write(
    `wrote a static viewer with run(s) ${bundles.map((b) => b.run.id).join(', ')} to ${dir}; serve it with any static server, e.g. python3 -m http.server -d ${dir}\n`,
  );
}

/** Registers `twin export`. */
export function registerExport(program: Command): void {
  withDbOption(
    program
      .command('export')
      .description('export a run as JSON (the viewer bundle) or CSV (one row per series value)')
      .argument('<run>', 'run id or "latest"')
      .option(
        '--format <f>',
        'json, csv, csv-dir (one CSV per metric), geojson (districts and links), czml (rollout timeline)',
        'json',
      )
      .option('--out <file>', 'output file (default: stdout); a folder for csv-dir and geojson')
      .option('--metric <id>', 'czml: district metric to animate (default: extranet.liveShare)')
      .option(
        '--viewer <dir>',
        'write a static export of the viewer with this run (and any --with runs) into DIR, for any static file server',
      )
      .option(
        '--with <runs>',
        'with --viewer: more run ids to include, comma-separated (e.g. the baseline to compare against)',
      ),
  ).action(async (run: string, o) => {
    if (o.viewer) return withStore(o.db, (store) => exportStaticViewer(store, run, o.with, o.viewer), 'read');
    if (!(FORMATS as readonly string[]).includes(o.format))
      throw new UsageError(`--format must be ${FORMATS.join(', ')}; got "${o.format}"`);
    await withStore(
      o.db,
      (store) => {
        const id = resolveRun(store, run).id;
        if (o.format !== 'json' && o.format !== 'csv') {
          let files: string[];
          try {
            files = exportRun(store, id, o.format as ExportFormat, o.out, { metric: o.metric });
          } catch (e) {
            throw new UsageError((e as Error).message);
          }
          process.stdout.write(
            `wrote ${files.length} file(s): ${files.slice(0, 5).join(', ')}${files.length > 5 ? ', ...' : ''}\n`,
          );
          return;
        }
        const b = runBundle(store, id)!;
        const text = o.format === 'json' ? toJson(b) : seriesCsv(id, b.series);
        if (o.out) {
          if (existsSync(o.out) && statSync(o.out).isDirectory())
            throw new UsageError(
              `--out ${o.out} is a folder; name a file (e.g. ${path.join(o.out, `run-${id}.${o.format}`)})`,
            );
          mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
          writeFileSync(o.out, text);
          process.stdout.write(`wrote ${o.out}\n`);
        } else process.stdout.write(text);
      },
      'read',
    );
  });
}
