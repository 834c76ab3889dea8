/**
 * Helpers for the SUMO peer benchmark (bench.ts only; the model never calls SUMO): build the grid with netgenerate,
 * random trips with randomTrips.py + duarouter, run sumo micro / --mesosim, read the statistics block it prints, and
 * read a SUMO route file into our path table (grid links are named like SUMO's edges, e.g. `A0B0`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PathTable } from './routing.ts';

/**
 * True when the `sumo` binary is on PATH.
 * @example if (sumoAvailable()) console.log('SUMO found')
 */
export function sumoAvailable(): boolean {
  const r = spawnSync('sumo', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

/** SUMO_HOME for tools and XML schemas (Debian puts it at /usr/share/sumo). */
export function sumoHome(): string {
  return process.env.SUMO_HOME ?? '/usr/share/sumo';
}

/**
 * Generate the peer scenario in `dir` exactly as research/sumo-peer-grid.sh does (10×10, 200 m, 2 lanes, 13.89 m/s,
 * traffic lights, 10,000 trips over one hour, ≥ 300 m, seed 42, routed by duarouter).
 * @example buildSumoGrid('/tmp/zibo-sumo', { size: 10, blockM: 200, periodS: 0.36 })
 */
export function buildSumoGrid(
  dir: string,
  o: { size: number; blockM: number; periodS: number; endS: number },
): { net: string; routes: string } {
  const env = { ...process.env, SUMO_HOME: sumoHome() };
  const net = join(dir, `grid${o.size}.net.xml`);
  const routes = join(dir, `grid${o.size}.rou.xml`);
  execFileSync(
    'netgenerate',
    [
      '--grid',
      `--grid.number=${o.size}`,
      `--grid.length=${o.blockM}`,
      '--default.lanenumber=2',
      '--default.speed=13.89',
      '--default-junction-type=traffic_light',
      '--seed',
      '42',
      '-o',
      net,
    ],
    { env, stdio: 'pipe' },
  );
  execFileSync(
    'python3',
    [
      join(sumoHome(), 'tools', 'randomTrips.py'),
      '-n',
      net,
      '-b',
      '0',
      '-e',
      String(o.endS),
      '-p',
      String(o.periodS),
      '--min-distance',
      '300',
      '--seed',
      '42',
      '--validate',
      '-o',
      join(dir, `grid${o.size}.trips.xml`),
      '-r',
      routes,
    ],
    { env, stdio: 'pipe' },
  );
  if (!existsSync(routes)) throw new Error(`randomTrips.py did not write ${routes}`);
  return { net, routes };
}

/** The statistics SUMO prints with --duration-log.statistics. */
export interface SumoStats {
  mode: string;
  /** SUMO's own simulation duration (loop time), s. */
  durationS: number;
  /** Vehicle updates per second as SUMO reports (= vehicle·s per s at step 1 s). */
  ups: number;
  /** Wall time of the whole process, s (includes loading the network and routes). */
  wallS: number;
  /** User + system CPU time of the whole process, s (NaN without /usr/bin/time). */
  cpuS: number;
  inserted: number;
  running: number;
  /** Mean trip duration of arrived vehicles, s. */
  meanTravelTimeS: number;
  meanTimeLossS: number;
  meanRouteLengthM: number;
}

/**
 * Run sumo headless until every vehicle has arrived and parse its statistics.
 * @example const st = runSumo(net, routes, 'micro'); st.ups
 */
export function runSumo(net: string, routes: string, mode: 'micro' | 'meso' | 'meso-jc'): SumoStats {
  const args = [
    '-n',
    net,
    '-r',
    routes,
    '-b',
    '0',
    '--no-step-log',
    'true',
    '--duration-log.statistics',
    'true',
    '--seed',
    '42',
  ];
  if (mode !== 'micro') args.push('--mesosim', 'true');
  if (mode === 'meso-jc') args.push('--meso-junction-control', 'true');
  // Wrap in GNU time for the CPU seconds when it is there (Debian package `time`).
  const timed = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', 'ZCPU %U %S', 'sumo', ...args], {
        encoding: 'utf8',
        env: { ...process.env, SUMO_HOME: sumoHome() },
        maxBuffer: 64 << 20,
      })
    : spawnSync('sumo', args, {
        encoding: 'utf8',
        env: { ...process.env, SUMO_HOME: sumoHome() },
        maxBuffer: 64 << 20,
      });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    throw new Error(`sumo (${mode}) failed with exit ${r.status}: ${(r.stderr || r.stdout).slice(-500)}`);
  const txt = `${r.stdout}\n${r.stderr}`;
  const num = (re: RegExp): number => {
    const m = re.exec(txt);
    return m ? Number(m[1]) : NaN;
  };
  const stats = txt.slice(txt.indexOf('Statistics (avg'));
  const num2 = (re: RegExp): number => {
    const m = re.exec(stats);
    return m ? Number(m[1]) : NaN;
  };
  const cpu = /ZCPU ([\d.]+) ([\d.]+)/.exec(txt);
  return {
    mode,
    cpuS: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN,
    durationS: num(/Duration: ([\d.]+)s/),
    ups: num(/UPS: ([\d.]+)/),
    wallS,
    inserted: num(/Inserted: (\d+)/),
    running: num(/Running: (\d+)/),
    meanTravelTimeS: num2(/Duration: ([\d.]+)/),
    meanTimeLossS: num2(/TimeLoss: ([\d.]+)/),
    meanRouteLengthM: num2(/RouteLength: ([\d.]+)/),
  };
}

/**
 * Read a SUMO route file (`<vehicle depart=…><route edges="…"/>`) into paths over links named like SUMO edges.
 * @example
 * const fs = process.getBuiltinModule('node:fs');
 * const dir = fs.mkdtempSync(process.getBuiltinModule('node:os').tmpdir() + '/sumo-');
 * fs.writeFileSync(dir + '/grid.rou.xml', '<routes>\n' +
 *   '<vehicle id="0" depart="0.00"><route edges="A0B0 B0B1"/></vehicle>\n' +
 *   '<vehicle id="1" depart="0.36"><route edges="B1B0"/></vehicle>\n</routes>\n');
 * const linkIndex = new Map([['A0B0', 0], ['B0B1', 1], ['B1B0', 2]]); // net.linkIds of a grid, by index
 * const { paths, departS } = readSumoRoutes(dir + '/grid.rou.xml', linkIndex);
 * paths // => { start: Int32Array.of(0, 2, 3), links: Int32Array.of(0, 1, 2), veh: Float64Array.of(1, 1) }
 * departS // => Float64Array.of(0, 0.36)
 * fs.rmSync(dir, { recursive: true });
 */
export function readSumoRoutes(
  file: string,
  linkIndex: Map<string, number>,
): { paths: PathTable; departS: Float64Array } {
  const txt = readFileSync(file, 'utf8');
  const re = /<vehicle\b[^>]*\bdepart="([\d.]+)"[^>]*>\s*<route\b[^>]*\bedges="([^"]*)"/g;
  const starts: number[] = [0];
  const links: number[] = [];
  const dep: number[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(txt))) {
    for (const e of m[2]!.trim().split(/\s+/)) {
      const a = linkIndex.get(e);
      if (a === undefined) {
        const line = txt.slice(0, m.index).split('\n').length;
        throw new Error(
          `${file}:${line}: edge "${e}" is not a link of the grid; regenerate the routes for this network`,
        );
      }
      links.push(a);
    }
    starts.push(links.length);
    dep.push(Number(m[1]));
  }
  if (dep.length === 0) throw new Error(`${file}: no <vehicle> with a <route edges=…> found`);
  return {
    paths: { start: Int32Array.from(starts), links: Int32Array.from(links), veh: new Float64Array(dep.length).fill(1) },
    departS: Float64Array.from(dep),
  };
}
