// Bundles engine/worker.ts (and the models it imports) to dist/worker.mjs through the one worker-build path
// (models/lib/worker-build.mjs): Node 20 cannot load .ts in worker threads. `npm run build:worker` runs this file.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorkerEntry } from '../models/lib/worker-build.mjs';

/** Build dist/worker.mjs (the engine pool's worker, engine/paths.ts WORKER_FILE); returns its path. */
export async function buildWorker() {
  return buildWorkerEntry(new URL('./worker.ts', import.meta.url), 'worker');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const out = await buildWorker();
  console.log(`built ${path.relative(process.cwd(), out)} in ${(performance.now() - t0).toFixed(0)} ms`);
}
