// Bundles engine/worker.ts (and the models it imports) to dist/worker.mjs: Node 20 cannot load .ts in worker threads.
// Each module keeps its own import.meta.url (rewritten to its source location), so data files resolve as in the sources.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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

/** Build dist/worker.mjs; returns its path. */
export async function buildWorker() {
  const outfile = path.join(root, 'dist', 'worker.mjs');
  await build({
    entryPoints: [path.join(root, 'engine', 'worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [keepImportMetaUrl],
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const out = await buildWorker();
  console.log(`built ${path.relative(process.cwd(), out)} in ${(performance.now() - t0).toFixed(0)} ms`);
}
