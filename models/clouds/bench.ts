/**
 * Benchmark of the clouds model alone, in-process: N replications 2017–2021 monthly, repeated; prints medians.
 *
 *   node --import tsx models/clouds/bench.ts [--reps 1000] [--repeat 5]
 *
 * The combined rollout + clouds benchmark over 2 worker threads is models/rollout/bench.ts.
 */
import os from 'node:os';
import { createRng, mixSeed } from '../lib/rng.ts';
import { scenarioParams } from '../lib/scenario-file.ts';
import { cloudsModel } from './index.ts';
import { cloudsParamsSchema } from './params.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const reps = arg('reps', 1000);
const repeat = arg('repeat', 5);
const p = scenarioParams('baseline', 'clouds', cloudsParamsSchema);
const t0 = performance.now();
const inputs = cloudsModel.loadInputs(p);
const loadMs = performance.now() - t0;
const wall: number[] = [];
const cpu: number[] = [];
let values = 0;
for (let k = 0; k < repeat; k++) {
  const c0 = process.cpuUsage();
  const t1 = performance.now();
  values = 0;
  for (let r = 0; r < reps; r++) {
    const seed = mixSeed(20170915, 'clouds', r);
    const o = cloudsModel.run(
      p,
      inputs,
      { model: 'clouds', years: [2017, 2018, 2019, 2020, 2021], replication: r, attempt: 1, seed },
      createRng(seed),
    );
    for (const s of o.series) values += s.values.length;
  }
  wall.push(performance.now() - t1);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`clouds, ${reps} replications, 2017–2021 monthly, ${repeat} repeats, in-process (Node ${process.version})`);
console.log(`  loadInputs                 ${loadMs.toFixed(0)} ms`);
console.log(
  `  wall                       median ${(median(wall) / 1000).toFixed(2)} s (${(median(wall) / reps).toFixed(2)} ms per replication)`,
);
console.log(`  CPU                        median ${(median(cpu) / 1000).toFixed(2)} s`);
console.log(`  series values per job      ${values / reps}`);
console.log(
  `  load average               ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
