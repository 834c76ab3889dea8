// The one way TypeScript gets into worker threads: Node 20 cannot load .ts in a worker, so a worker entry is bundled
// with esbuild to dist/<name>.mjs and the worker (piscina or worker_threads) starts on that file. Used by the engine
// pool (engine/build-worker.mjs), the traffic AON pool and the benches. Measured: ~10 ms per bundle; code run through
// tsx's loader hooks inside a worker ran several times slower, so no worker registers tsx.
// Plain JavaScript so that `node engine/build-worker.mjs` runs without tsx.
import { build } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DIST_DIR } from './paths.mjs';

// Each module keeps its own import.meta.url (rewritten to its source location), so data files resolve as in the
// sources and modules that compute paths from their own location (models/lib/paths.mjs) agree with the main thread.
const keepImportMetaUrl = {
  name: 'keep-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const src = await readFile(args.path, 'utf8');
      if (!src.includes('import.meta.url')) return undefined;
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: src.replaceAll('import.meta.url', url), loader: args.path.endsWith('ts') ? 'ts' : 'js' };
    });
  },
};

/**
 * Bundle a worker entry (a .ts or .mjs file, or its file: URL) to dist/<name>.mjs; returns the bundle's path.
 * Packages stay external and resolve from node_modules, which is why the bundle lives inside the repository.
 * @example const file = await buildWorkerEntry(new URL('./aon-worker.ts', import.meta.url), 'traffic-aon-worker');
 */
export async function buildWorkerEntry(entry, name) {
  const entryFile = entry instanceof URL || String(entry).startsWith('file:') ? fileURLToPath(entry) : String(entry);
  const outfile = path.join(DIST_DIR, `${name}.mjs`);
  const result = await build({
    entryPoints: [entryFile],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [keepImportMetaUrl],
    write: false,
  });
  // Several twin processes (a coordinator and its workers, parallel tests) build the same bundle at once while other
  // processes' worker threads load it: each file is written to a private temporary name and renamed into place
  // (atomic on one file system), and left alone when its content is already the same, so a loader never reads a
  // half-written bundle ("No handler function exported").
  await mkdir(DIST_DIR, { recursive: true });
  for (const f of result.outputFiles) {
    const old = await readFile(f.path).catch(() => null);
    if (old && Buffer.compare(old, Buffer.from(f.contents)) === 0) continue;
    const tmp = `${f.path}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(tmp, f.contents);
    await rename(tmp, f.path);
  }
  return outfile;
}
