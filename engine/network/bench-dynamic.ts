/**
 * CPU time of the dynamic loading of the city's peak hour (issue 17 §5: ≥ 150,000 vehicles in ≤ 5 s), split into the
 * routing of every vehicle (`periodRoutes`) and the link transmission model (`runDynamicPeak`), with a hash of both
 * outputs so a speed-up can be checked for bit-identical results on the city itself (kernel-hashes.ts covers the grid
 * and the Zibo sketch). Step 4 of bench-traffic.ts on its own, repeated: the machine is shared, so it prints process
 * CPU seconds (process.cpuUsage, this thread only does the work) per round and their median, not wall time alone.
 *
 * The network is the one bench-traffic.ts generates and imports into data/.cache/networks (run `npm run bench:city --
 * --no-import --dynamic-only` once first, or let this script do it the same way).
 *
 * Usage: node --import tsx engine/network/bench-dynamic.ts [--demand-factor 1.45] [--rounds 3] [--spacing 950]
 *   [--zones grid:2.75km] [--old OLD_CHECKOUT]
 * With --old: the loading of OLD_CHECKOUT and of this checkout, interleaved, CPU medians and the median per-pair ratio.
 */
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRng } from '../../models/lib/rng.ts';
import { assign } from '../../models/traffic/assign.ts';
import { runDynamicPeak } from '../../models/traffic/dynamic/index.ts';
import {
  dynNetworkForCase,
  loadTrafficDynamicInputs,
  periodFactor,
  periodRoutes,
  trafficDynamicParamsSchema,
} from '../../models/traffic/dynamic/model.ts';
import { ziboPeakHourCase } from '../../models/traffic/model.ts';
import { digestOf } from '../bench/hash.ts';
import { benchDynamicParams, ensureBenchCity } from './bench-city.ts';

const { values } = parseArgs({
  options: {
    spacing: { type: 'string', default: '950' },
    zones: { type: 'string', default: 'grid:2.75km' },
    'demand-factor': { type: 'string', default: '1.45' },
    rounds: { type: 'string', default: '3' },
    // Another checkout (e.g. `git archive <commit> | tar -x -C /tmp/old`): its runDynamicPeak and this one's are run
    // alternately (old new, new old, …) on the same routes, so both see the same machine load.
    old: { type: 'string' },
  },
});
const spacingM = Number(values.spacing);
const demandFactor = Number(values['demand-factor']);
const rounds = Number(values.rounds);
const out = (s: string): boolean => process.stdout.write(s + '\n');
const load = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

const digest = (x: unknown): string => digestOf(x).slice(0, 16);
/** CPU seconds (user + system) of this process since `from`. */
const cpuS = (from: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
};
const med = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

out(`machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, Node ${process.version}, load average ${load()}`);
const { name } = await ensureBenchCity(spacingM, values.zones!);
const p = trafficDynamicParamsSchema.parse({ traffic: { network: name } });
const dinp = loadTrafficDynamicInputs(p);
const c = ziboPeakHourCase(p.traffic, dinp.static, 2019, { demandFactor, capacityGain: 0.1 });
const ue = assign(
  c.net,
  c.demand,
  { algorithm: 'bfw', targetGap: 1e-3, maxIterations: 200, keepLog: false, trackOrigins: true },
  dinp.static.graph,
);
const dynNet = dynNetworkForCase(dinp, c);
const dp = benchDynamicParams(p);
out(`network ${name}: ${dynNet.numNodes} nodes, ${dynNet.numLinks} links; demand × ${demandFactor}`);
if (values.old) {
  const oldMod = (await import(
    pathToFileURL(path.join(path.resolve(values.old), 'models/traffic/dynamic/index.ts')).href
  )) as { runDynamicPeak: typeof runDynamicPeak };
  const routes = periodRoutes(dinp, c, dynNet, ue.originFlow!, ue.cost, periodFactor(p), createRng(1));
  const cpu: Record<'old' | 'new', number[]> = { old: [], new: [] };
  const hashes: Record<'old' | 'new', Set<string>> = { old: new Set(), new: new Set() };
  for (let r = 0; r < rounds; r++) {
    const seq: ('old' | 'new')[] = r % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
    for (const which of seq) {
      const run = which === 'old' ? oldMod.runDynamicPeak : runDynamicPeak;
      const c0 = process.cpuUsage();
      const dyn = run(dynNet, { kind: 'paths', paths: routes.paths }, dp, createRng(2));
      cpu[which].push(cpuS(c0));
      hashes[which].add(digest(dyn));
    }
    out(`round ${r + 1}: old ${cpu.old[r]!.toFixed(2)} s, new ${cpu.new[r]!.toFixed(2)} s CPU; load ${load()}`);
  }
  const ratios = cpu.old.map((x, i) => cpu.new[i]! / x);
  out(
    `${routes.trips} vehicles; loading CPU median old ${med(cpu.old).toFixed(2)} s, new ${med(cpu.new).toFixed(2)} s; median ratio new/old ${med(ratios).toFixed(3)} (${ratios.map((x) => x.toFixed(2)).join(', ')}); hashes old ${[...hashes.old].join(',')} new ${[...hashes.new].join(',')}${[...hashes.old].join() === [...hashes.new].join() ? ' (identical)' : ' DIFFER'}`,
  );
  process.exit(0);
}
const routeCpu: number[] = [];
const loadCpu: number[] = [];
for (let r = 0; r < rounds; r++) {
  const c0 = process.cpuUsage();
  const routes = periodRoutes(dinp, c, dynNet, ue.originFlow!, ue.cost, periodFactor(p), createRng(1));
  routeCpu.push(cpuS(c0));
  const c1 = process.cpuUsage();
  const dyn = runDynamicPeak(dynNet, { kind: 'paths', paths: routes.paths }, dp, createRng(2));
  loadCpu.push(cpuS(c1));
  const ind = dyn.indicators;
  out(
    `round ${r + 1}: ${routes.trips} vehicles, ${ind.arrived} arrived, ${ind.unfinished} unfinished; routing ${routeCpu[r]!.toFixed(2)} s CPU, loading ${loadCpu[r]!.toFixed(2)} s CPU; hashes routes ${digest(routes)} loading ${digest(dyn)}; load ${load()}`,
  );
}
out(
  `median CPU: routing ${med(routeCpu).toFixed(2)} s + loading ${med(loadCpu).toFixed(2)} s = ${(med(routeCpu) + med(loadCpu)).toFixed(2)} s; goal ≤ 5 s`,
);
