/**
 * The generated benchmark city shared by `npm run bench:city` (bench-traffic.ts) and the dynamic-loading bench
 * (bench-dynamic.ts): its name, its generation and import into data/.cache/networks on first use, and the dynamic
 * loading options both benches run it with.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DynamicParams } from '../../models/traffic/dynamic/params.ts';
import type { trafficDynamicParamsSchema } from '../../models/traffic/dynamic/model.ts';
import { ENGINE_ROOT } from '../paths.ts';
import { generateCity } from './generate-city.ts';
import { importNetwork } from './import.ts';

const CACHE = path.join(ENGINE_ROOT, 'data', '.cache');

/**
 * The city's network name for a node spacing and a zone rule.
 * @example benchCityName(950, 'grid:2.75km') // => 'bench-city-950-grid275km'
 */
export function benchCityName(spacingM: number, zones: string): string {
  return `bench-city-${spacingM}-${zones.replace(/[^A-Za-z0-9]/g, '')}`;
}

/**
 * Generate and import the city once (cached under data/.cache/networks), and point the models at that folder
 * (they read the network a scenario names from TWIN_NETWORKS_DIR). Returns the network's name and folder.
 */
export async function ensureBenchCity(spacingM: number, zones: string): Promise<{ name: string; netRoot: string }> {
  const name = benchCityName(spacingM, zones);
  const netRoot = path.join(CACHE, 'networks');
  if (!existsSync(path.join(netRoot, name, 'network.json'))) {
    mkdirSync(CACHE, { recursive: true });
    const pbf = path.join(CACHE, `${name}.osm.pbf`);
    generateCity(pbf, { spacingM });
    await importNetwork(pbf, { name, root: netRoot, zones });
  }
  process.env.TWIN_NETWORKS_DIR = netRoot;
  return { name, netRoot };
}

/**
 * The loading options of the benches: the scenario's dynamic parameters with one route per OD pair (the routes are
 * given) and a gridlock that stops the loading instead of throwing.
 * @example
 * import { trafficDynamicParamsSchema } from '../../models/traffic/dynamic/model.ts';
 * benchDynamicParams(trafficDynamicParamsSchema.parse({})).onGridlock // => 'stop'
 */
export function benchDynamicParams(p: ReturnType<typeof trafficDynamicParamsSchema.parse>): DynamicParams {
  return {
    dtS: p.dtS,
    demandScale: 1,
    profile: p.profile,
    clearanceS: p.clearanceS,
    signals: { ...p.signals, mode: p.signals.mode === 'adaptive' ? 'adaptive' : 'fixed' },
    routeChoice: { draws: 1, sigma: 0 },
    sampleShare: p.sampleShare,
    seriesIntervalS: p.seriesIntervalS,
    gridlockTimeoutS: p.gridlockTimeoutS,
    onGridlock: 'stop',
  };
}
