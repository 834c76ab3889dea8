/**
 * Before/after benchmark of the hot kernels (issue #15): loads the kernels of an old checkout and of this one into one
 * process and times them interleaved (old, new, new, old, …) on the same inputs, so both see the same machine load.
 * Not a test; prints medians and the pairwise-median ratio new/old per kernel.
 *
 *   git worktree add /tmp/old <commit>   # or: git archive <commit> | tar -x -C /tmp/old; ln -s $PWD/node_modules /tmp/old/
 *   node --import tsx engine/bench/kernel-ab-bench.ts /tmp/old [--rounds 15] [--only LTM]   # --only: kernels whose name has it
 *
 * Kernels: `simulate` (LTM) on the 10×10 peer-bench grid, `simulateClimate` for one season (manual and smart, as the
 * engine job runs it: diagnostics off, 334 days), `runRollout` for 50 baseline replications.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRng, mixSeed } from '../../models/lib/rng.ts';
import { ENGINE_ROOT } from '../paths.ts';

const args = process.argv.slice(2);
const oldRoot = args[0];
if (!oldRoot || oldRoot.startsWith('--')) {
  console.error('usage: node --import tsx engine/bench/kernel-ab-bench.ts OLD_CHECKOUT [--rounds N]');
  process.exit(2);
}
const ri = args.indexOf('--rounds');
const rounds = ri >= 0 ? Math.max(1, Number(args[ri + 1])) : 15;
const oi = args.indexOf('--only');
const only = oi >= 0 ? args[oi + 1]! : '';
const newRoot = ENGINE_ROOT;
const load = (root: string, rel: string) => import(pathToFileURL(path.join(path.resolve(root), rel)).href);
/** The first of `rels` that exists in `root` (modules moved between checkouts, e.g. rollout/divisions.ts -> lib/). */
const loadFirst = (root: string, ...rels: string[]) =>
  load(root, rels.find((r) => existsSync(path.join(path.resolve(root), r))) ?? rels[0]!);

type Case = { name: string; run: () => unknown };

async function cases(root: string): Promise<Case[]> {
  const ltm = await load(root, 'models/traffic/dynamic/ltm.ts');
  const network = await load(root, 'models/traffic/dynamic/network.ts');
  const routing = await load(root, 'models/traffic/dynamic/routing.ts');
  const signals = await load(root, 'models/traffic/dynamic/signals.ts');
  const net = network.buildDynNetwork(
    network.gridNetworkSpec({ size: 10, blockM: 200, lanes: 2, freeSpeedKmPerH: 50.004, capacityVehPerHPerLane: 1800 }),
  );
  const { paths, departS } = routing.randomTrips(
    net,
    { count: 10000, beginS: 0, periodS: 0.36, minDistanceM: 300 },
    createRng(42),
  );
  const veh = {
    count: departS.length,
    departS,
    path: Int32Array.from(departS, (_: unknown, i: number) => i),
    pathStart: paths.start,
    pathLinks: paths.links,
  };
  const ltmRun = () =>
    ltm.simulate(net, veh, {
      dtS: 1,
      startS: 0,
      endS: 6 * 3600,
      gridlockTimeoutS: 600,
      onGridlock: 'error',
      seriesIntervalS: 60,
      sampleMask: null,
      signals: signals.buildSignalPlan(net, { ...signals.DEFAULT_SIGNALS }),
    });

  const climate = await load(root, 'models/greenhouse/climate.ts');
  const weather = await load(root, 'models/greenhouse/weather.ts');
  const w = new weather.WeatherGenerator().generate(createRng(1), 213, weather.allocDaily(365));
  const h = weather.toHourly(w, 36.8, weather.allocHourly(365));
  const k = climate.buildKernel(climate.deriveClimateParams(climate.GREENHOUSE_TYPES['shouguang-earth-wall']));
  const out = climate.allocClimate(365);
  const opts = { doy: w.doy, wet: w.wet, toutC: h.tempC, ghiWPerM2: h.ghiWPerM2, days: 334, diagnostics: false };
  const season = (rules: unknown) => () => {
    for (let i = 0; i < 10; i++) climate.simulateClimate(k, rules, opts, out);
  };

  const rollout = await load(root, 'models/rollout/model.ts');
  const divisions = await loadFirst(root, 'models/lib/divisions.ts', 'models/rollout/divisions.ts');
  const params = await load(root, 'models/rollout/params.ts');
  const section = await loadFirst(root, 'engine/test/scenario-params.ts', 'models/rollout/scenario-section.ts');
  const rp = section.scenarioParams('baseline', 'rollout', params.rolloutParamsSchema);
  const rin = rollout.prepareRollout(rp, divisions.loadHierarchy());
  const years = [2017, 2018, 2019, 2020, 2021];
  const rolloutRun = () => {
    for (let r = 0; r < 50; r++) {
      const seed = mixSeed(20170915, 'rollout', r);
      rollout.runRollout(rp, rin, { model: 'rollout', years, replication: r, attempt: 1, seed }, createRng(seed));
    }
  };
  return [
    { name: 'LTM simulate, 10×10 grid, 10,000 trips', run: ltmRun },
    { name: 'simulateClimate ×10, manual, job mode', run: season(climate.MANUAL_RULES) },
    { name: 'simulateClimate ×10, smart, job mode', run: season(climate.SMART_RULES) },
    { name: 'runRollout ×50, baseline', run: rolloutRun },
  ];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
// CPU time of this process (user + system), ms: steadier than wall time on a machine shared with other work.
const timeMs = (f: () => unknown): number => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

const oldCases = await cases(oldRoot);
const newCases = await cases(newRoot);
console.log(`old ${path.resolve(oldRoot)} vs new ${newRoot}; ${rounds} rounds (old,new / new,old alternating)`);
console.log(
  `node ${process.version}, load average at start ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log('| kernel | old median (CPU ms) | new median (CPU ms) | median of new/old per round |');
console.log('| --- | --- | --- | --- |');
for (let c = 0; c < oldCases.length; c++) {
  const a = oldCases[c]!;
  const b = newCases[c]!;
  if (!a.name.includes(only)) continue;
  // warm-up (JIT)
  for (let i = 0; i < 3; i++) {
    a.run();
    b.run();
  }
  const to: number[] = [];
  const tn: number[] = [];
  const ratio: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let x: number;
    let y: number;
    if (r % 2 === 0) {
      x = timeMs(a.run);
      y = timeMs(b.run);
    } else {
      y = timeMs(b.run);
      x = timeMs(a.run);
    }
    to.push(x);
    tn.push(y);
    ratio.push(y / x);
  }
  console.log(`| ${a.name} | ${median(to).toFixed(1)} | ${median(tn).toFixed(1)} | ${median(ratio).toFixed(3)} |`);
}
console.log(
  `load average at end ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
