/**
 * The server side of the viewer benchmark (`npm run bench:viewer`, viewer/bench.ts spawns it: the viewer may import
 * only engine/contract/, so the bench talks to the engine through a process, as the browser does). Serves DIR with
 * the twin's own server (engine/server.ts: static files with its compression, an empty store) and, with
 * `--network`, first writes the 28k-link generated city's roads answer to DIR/bench-network.json (generating and
 * importing the city into data/.cache/networks once, as `npm run bench:city` does). Prints `url <URL>` when
 * listening; stops on SIGTERM or when stdin closes.
 * Usage: node --import tsx engine/bench-serve.ts --dir DIR [--network]
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCity } from './network/generate-city.ts';
import { importNetwork } from './network/import.ts';
import { networkRoadsJson } from './network-roads.ts';
import { ENGINE_ROOT } from './paths.ts';
import { serve } from './server.ts';
import { openStore } from './store.ts';

/** The generated city the viewer bench draws: about 7,400 nodes, 28,000 links, 865 grid zones. */
export const BENCH_CITY = 'bench-city-950-grid275km';

const { values } = parseArgs({ options: { dir: { type: 'string' }, network: { type: 'boolean', default: false } } });
if (!values.dir) throw new Error('bench-serve: --dir DIR is required');
const dir = path.resolve(values.dir);
if (values.network) {
  const cache = path.join(ENGINE_ROOT, 'data', '.cache');
  const root = path.join(cache, 'networks');
  if (!existsSync(path.join(root, BENCH_CITY, 'network.json'))) {
    mkdirSync(root, { recursive: true });
    const pbf = path.join(cache, `${BENCH_CITY}.osm.pbf`);
    generateCity(pbf, { spacingM: 950 });
    await importNetwork(pbf, { name: BENCH_CITY, root, zones: 'grid:2.75km' });
  }
  writeFileSync(path.join(dir, 'bench-network.json'), networkRoadsJson(BENCH_CITY, root));
}
const tmp = mkdtempSync(path.join(os.tmpdir(), 'viewer-bench-'));
const store = openStore(path.join(tmp, 'empty.sqlite'));
const server = await serve({ store, port: 0, viewerDir: dir });
process.stdout.write(`url ${server.url}\n`);
const stop = async (): Promise<void> => {
  await server.close();
  store.close();
  rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
