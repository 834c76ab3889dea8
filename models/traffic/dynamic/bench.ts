/**
 * Peer benchmark: the 10×10 signalised grid (200 m blocks, 2 lanes per direction, 50 km/h, 10,000 trips over one
 * hour) in this model and — when `sumo` is installed — in SUMO micro (Krauß, 1 s steps) and SUMO meso, side by side in
 * one run, on the very same routes (SUMO's duarouter routes are read into our model).
 *
 *   npm run bench:traffic-dynamic [-- --require-sumo] [-- --reps 5] [-- --keep]
 *
 * Speed = vehicle·seconds simulated per wall-clock second (SUMO prints it as UPS at step 1 s). Ours: median of
 * `--reps` timed runs after one warm-up run (the first, cold run is printed too). SUMO runs once per mode (its micro
 * run dominates the bench time). Each tool is also timed in CPU seconds, which is steadier on a shared machine.
 * Last line (machine-readable): `vs-sumo micro=<ratio> meso=<ratio> traveltime-diff-pct=<signed %>` where meso is
 * SUMO `--mesosim` with `--meso-junction-control` (the meso mode that obeys the signals; plain --mesosim ignores them
 * and is printed for information).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../lib/rng.ts';
import { simulate, type LoadingResult, type VehicleSet } from './ltm.ts';
import { buildDynNetwork, gridNetworkSpec } from './network.ts';
import { randomTrips } from './routing.ts';
import { buildSignalPlan, DEFAULT_SIGNALS } from './signals.ts';
import { buildSumoGrid, readSumoRoutes, runSumo, sumoAvailable, type SumoStats } from './sumo.ts';

const args = process.argv.slice(2);
const requireSumo = args.includes('--require-sumo');
const keep = args.includes('--keep');
const repsArg = args.indexOf('--reps');
const reps = repsArg >= 0 ? Math.max(1, Number(args[repsArg + 1])) : 5;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const mega = (x: number): string => (Number.isFinite(x) ? `${(x / 1e6).toFixed(2)} M` : 'n/a');

// 13.89 m/s as SUMO's grid uses = 50.004 km/h.
const spec = gridNetworkSpec({
  size: 10,
  blockM: 200,
  lanes: 2,
  freeSpeedKmPerH: 13.89 * 3.6,
  capacityVehPerHPerLane: 1800,
});
const net = buildDynNetwork(spec);
const hasSumo = sumoAvailable();
if (!hasSumo && requireSumo) {
  console.error(
    'bench:traffic-dynamic: `sumo` is not on PATH and --require-sumo was given. Install it with: apt-get install -y sumo sumo-tools',
  );
  process.exit(2);
}

let veh: VehicleSet;
let routeSource: string;
let dir = '';
let sumoFiles: { net: string; routes: string } | null = null;
if (hasSumo) {
  dir = mkdtempSync(join(tmpdir(), 'zibo-sumo-bench-'));
  sumoFiles = buildSumoGrid(dir, { size: 10, blockM: 200, periodS: 0.36, endS: 3600 });
  const { paths, departS } = readSumoRoutes(
    sumoFiles.routes,
    new Map(net.linkIds.map((id, i) => [id, i] as [string, number])),
  );
  veh = {
    count: departS.length,
    departS,
    path: Int32Array.from(departS, (_, i) => i),
    pathStart: paths.start,
    pathLinks: paths.links,
  };
  routeSource = `SUMO randomTrips.py + duarouter (seed 42), read from ${sumoFiles.routes}`;
} else {
  const { paths, departS } = randomTrips(
    net,
    { count: 10000, beginS: 0, periodS: 0.36, minDistanceM: 300 },
    createRng(42),
  );
  veh = {
    count: departS.length,
    departS,
    path: Int32Array.from(departS, (_, i) => i),
    pathStart: paths.start,
    pathLinks: paths.links,
  };
  routeSource = 'own randomTrips equivalent (seed 42; SUMO not installed)';
}

function runOurs(): { r: LoadingResult; wallS: number; cpuS: number } {
  const plan = buildSignalPlan(net, { ...DEFAULT_SIGNALS });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = simulate(net, veh, {
    dtS: 1,
    startS: 0,
    endS: 6 * 3600,
    gridlockTimeoutS: 600,
    onGridlock: 'error',
    seriesIntervalS: 60,
    sampleMask: null,
    signals: plan,
  });
  const wallS = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  return { r, wallS, cpuS: (cu.user + cu.system) / 1e6 };
}

const cold = runOurs();
const walls: number[] = [];
const cpus: number[] = [];
let last = cold;
for (let k = 0; k < reps; k++) {
  last = runOurs();
  walls.push(last.wallS);
  cpus.push(last.cpuS);
}
const r = last.r;
let ttSum = 0;
for (let v = 0; v < veh.count; v++) ttSum += r.arriveS[v]! - r.enterS[v]!;
const oursTt = ttSum / r.arrived;
const oursVehS = r.vehicleSeconds;
const oursUps = oursVehS / median(walls);
const oursUpsCpu = oursVehS / median(cpus);

console.log('# Dynamic loading peer benchmark: 10×10 signalised grid, 200 m, 2 lanes/dir, 50 km/h, 90 s fixed signals');
console.log(`routes: ${routeSource}; vehicles ${veh.count}`);
console.log(
  `ours: link transmission model, Δt 1 s, ${reps} timed runs after 1 warm-up (cold run ${fmt(cold.wallS, 3)} s wall)`,
);
let micro: SumoStats | null = null;
let mesoJc: SumoStats | null = null;
let meso: SumoStats | null = null;
if (sumoFiles) {
  micro = runSumo(sumoFiles.net, sumoFiles.routes, 'micro');
  mesoJc = runSumo(sumoFiles.net, sumoFiles.routes, 'meso-jc');
  meso = runSumo(sumoFiles.net, sumoFiles.routes, 'meso');
}
const rows: Array<[string, number, number, number, number, number, number]> = [
  ['ours (LTM, median)', median(walls), median(cpus), oursVehS, oursUps, r.arrived, oursTt],
];
for (const s of [micro, mesoJc, meso]) {
  if (!s) continue;
  const vehS = s.ups * s.durationS;
  rows.push([`SUMO ${s.mode}`, s.durationS, s.cpuS, vehS, s.ups, s.inserted - s.running, s.meanTravelTimeS]);
}
console.log('| run | sim wall (s) | CPU (s) | vehicle·s | veh·s per wall s | arrived | mean travel time (s) |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [name, w, c, vs, ups, arr, tt] of rows)
  console.log(`| ${name} | ${fmt(w, 3)} | ${fmt(c, 3)} | ${fmt(vs, 0)} | ${mega(ups)} | ${arr} | ${fmt(tt)} |`);
console.log(
  `ours: cold run ${mega(oursVehS / cold.wallS)} veh·s/s; CPU-time basis ${mega(oursUpsCpu)} veh·s per CPU s; mean free-flow route time ${fmt(r.freeFlowS.reduce((a, b) => a + b, 0) / veh.count)} s; origin wait ${fmt(r.originWaitVehS / veh.count, 2)} s/veh`,
);
if (micro && mesoJc && meso) {
  console.log(
    `SUMO micro mean time loss ${fmt(micro.meanTimeLossS)} s, route length ${fmt(micro.meanRouteLengthM, 0)} m; meso (no junction control) mean travel time ${fmt(meso.meanTravelTimeS)} s`,
  );
  const rMicro = oursUps / micro.ups;
  const rMeso = oursUps / mesoJc.ups;
  console.log(
    `ratios (wall): vs micro ${fmt(rMicro, 1)}×, vs meso-jc ${fmt(rMeso, 2)}×, vs meso ${fmt(oursUps / meso.ups, 2)}×; CPU basis (whole SUMO process incl. loading): vs micro ${fmt(oursUpsCpu / ((micro.ups * micro.durationS) / micro.cpuS), 1)}×, vs meso-jc ${fmt(oursUpsCpu / ((mesoJc.ups * mesoJc.durationS) / mesoJc.cpuS), 2)}×`,
  );
  const diff = ((oursTt - micro.meanTravelTimeS) / micro.meanTravelTimeS) * 100;
  if (!keep) rmSync(dir, { recursive: true, force: true });
  console.log(
    `vs-sumo micro=${rMicro.toFixed(1)} meso=${rMeso.toFixed(2)} traveltime-diff-pct=${diff >= 0 ? '+' : ''}${diff.toFixed(1)}`,
  );
} else {
  console.log('SUMO not installed (apt-get install -y sumo sumo-tools): our figures only.');
  console.log('vs-sumo micro=n/a meso=n/a traveltime-diff-pct=n/a');
}
