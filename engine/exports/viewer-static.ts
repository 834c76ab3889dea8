/**
 * Static export of the viewer with chosen runs (`twin export RUN --viewer DIR`): a folder that opens from any
 * static HTTP server, with no API. Layout:
 *   DIR/                      the built viewer (a copy of viewer/dist; relocatable build, `base: './'`)
 *   DIR/data/runs.json        RunSummary[]
 *   DIR/data/run-<id>.json    RunBundle
 *   DIR/data/run-<id>/<model>-<name>-<year>.json   each artifact listed in the bundle
 * DIR/index.html gets `<meta name="twin-source" content="static">` so the page reads data/ directly and never
 * probes the API. `file://` does not work (browsers block module scripts from origin null): serve DIR with any
 * static server, e.g. `python3 -m http.server -d DIR` or `npx vite preview --outDir DIR`.
 * When viewer/dist is missing it is built first (`vite build`, ~10 s).
 *
 * This module lives in the engine and imports no viewer code: it only copies the viewer's build output and writes
 * the run bundles as JSON (the viewer reads them through its own data layer).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { networksRoot, SKETCH_NETWORK } from '../../data/networks.ts';
import { networkRoadsJson } from '../network-roads.ts';
import type { RunBundle } from '../contract/index.ts';
import { ENGINE_ROOT } from '../paths.ts';

const repoRoot = ENGINE_ROOT;
/** Where `vite build` puts the viewer (vite.config.ts at the repository root). */
export const VIEWER_DIST_DIR = path.join(repoRoot, 'viewer', 'dist');

/** JSON with typed arrays as plain arrays (same rule as the server). */
function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    ArrayBuffer.isView(x) && !(x instanceof DataView) ? Array.from(x as unknown as ArrayLike<number>) : x,
  );
}

/**
 * Builds the viewer into viewer/dist when it is missing (synchronously, with the repo's vite).
 * @example ensureViewerBuilt(); // no-op when viewer/dist/index.html exists
 */
export function ensureViewerBuilt(distDir = VIEWER_DIST_DIR): void {
  if (existsSync(path.join(distDir, 'index.html'))) return;
  const vite = path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(path.join(distDir, 'index.html'))) {
    throw new Error(`building the viewer failed (exit ${r.status}); run \`npm run build:viewer\` to see why`);
  }
}

/**
 * Writes a static export of the viewer with `bundles` into `outDir`.
 * `artifacts(bundle, ref)` returns the artifact value (plain data or typed arrays) for each entry of
 * `bundle.artifacts`; return `undefined` to leave one out (it is then dropped from the exported bundle's list).
 * @example
 * exportViewer('out/viewer', [runBundle(store, 3)!], (b, r) => store.artifact(b.run.id, r.model, r.name, r.year));
 * // then: python3 -m http.server -d out/viewer 8000
 */
export function exportViewer(
  outDir: string,
  bundles: RunBundle[],
  artifacts: (bundle: RunBundle, ref: RunBundle['artifacts'][number]) => unknown,
  opts: { distDir?: string } = {},
): void {
  if (!bundles.length) throw new Error('exportViewer: no runs to export');
  const dist = opts.distDir ?? VIEWER_DIST_DIR;
  ensureViewerBuilt(dist);
  mkdirSync(outDir, { recursive: true });
  cpSync(dist, outDir, { recursive: true });
  const indexFile = path.join(outDir, 'index.html');
  const html = readFileSync(indexFile, 'utf8');
  if (!html.includes('name="twin-source"')) {
    writeFileSync(indexFile, html.replace('<head>', '<head>\n  <meta name="twin-source" content="static">'));
  }
  const dataDir = path.join(outDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path.join(dataDir, 'runs.json'), toJson(bundles.map((b) => b.run)));
  for (const b of bundles) {
    const id = b.run.id;
    const kept: RunBundle['artifacts'] = [];
    for (const ref of b.artifacts) {
      const value = artifacts(b, ref);
      if (value === undefined) continue;
      mkdirSync(path.join(dataDir, `run-${id}`), { recursive: true });
      writeFileSync(path.join(dataDir, `run-${id}`, `${ref.model}-${ref.name}-${ref.year}.json`), toJson(value));
      kept.push(ref);
    }
    writeFileSync(path.join(dataDir, `run-${id}.json`), toJson({ ...b, artifacts: kept }));
  }
  // The roads of the imported networks the runs used (the viewer draws them, issue 17); one no longer imported is
  // left out and the viewer shows the sketch with a message.
  const networks = new Set(bundles.flatMap((b) => Object.values(b.networks ?? {}).map((n) => n.name)));
  for (const name of networks) {
    if (name === SKETCH_NETWORK || !existsSync(path.join(networksRoot(), name, 'network.json'))) continue;
    writeFileSync(path.join(dataDir, `network-${name}.json`), networkRoadsJson(name));
  }
}
