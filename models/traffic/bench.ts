/**
 * `npm run bench:traffic [-- <tntp-folder> ...] [--runs 3] [--threads 2] [--max-gap 1e-6] [--no-generated]`
 *
 * Time and iterations to relative gaps 1e-4, 1e-5, 1e-6 (BFW and Algorithm B from zero flow), single thread and on the AON worker
 * pool, medians of several runs. Networks: Sioux Falls (../shared), a generated ChicagoSketch-size network
 * (933 nodes, 2,950 links, 387 zones; generate.ts) and any TNTP folders given. Single-thread runs also report
 * process CPU time, which is less sensitive to other jobs on a shared machine than wall time.
 * A benchmark, not a test: it asserts nothing.
 */
import { existsSync } from 'node:fs';
import type { AssignResult } from './assign-result.ts';
import { assign } from './assign.ts';
import { generateChicagoLike } from './generate.ts';
import { assignParallel, createAonPool } from './pool.ts';
import { readTntpFolder } from './tntp.ts';
import { SIOUX_FALLS_DIR } from './shared-data.ts';
import type { Demand, Network } from './network.ts';

const args = process.argv.slice(2);
let runs = 3;
let threads = 2;
let maxGap = 1e-6;
let generated = true;
const folders: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--runs') runs = Number(args[++i]);
  else if (a === '--threads') threads = Number(args[++i]);
  else if (a === '--max-gap') maxGap = Number(args[++i]);
  else if (a === '--no-generated') generated = false;
  else folders.push(a);
}
const gaps = [1e-4, 1e-5, 1e-6].filter((g) => g >= maxGap);

interface Case {
  name: string;
  net: Network;
  demand: Demand;
}
const cases: Case[] = [];
if (existsSync(SIOUX_FALLS_DIR)) {
  const sf = readTntpFolder(SIOUX_FALLS_DIR);
  cases.push({ name: 'SiouxFalls', net: sf.net, demand: sf.demand });
} else console.log(`(${SIOUX_FALLS_DIR} missing: Sioux Falls skipped)`);
if (generated) {
  const g = generateChicagoLike(1, 0.2);
  cases.push({ name: 'chicago-like (generated, seed 1)', net: g.net, demand: g.demand });
}
for (const f of folders) {
  const c = readTntpFolder(f);
  cases.push({ name: c.name, net: c.net, demand: c.demand });
}

/** Per gap: [iterations, wall ms, cpu ms] when first reached. */
type Marks = Map<number, [number, number, number]>;

function tracker(): {
  marks: Marks;
  onIteration: (it: { iteration: number; relativeGap: number }) => void;
  start: () => void;
} {
  const marks: Marks = new Map();
  let t0 = 0;
  let c0 = process.cpuUsage();
  return {
    marks,
    start: () => {
      t0 = performance.now();
      c0 = process.cpuUsage();
    },
    onIteration: (it) => {
      for (const g of gaps) {
        if (!marks.has(g) && it.relativeGap <= g) {
          const c = process.cpuUsage(c0);
          marks.set(g, [it.iteration, performance.now() - t0, (c.user + c.system) / 1000]);
        }
      }
    },
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
};

const pool = await createAonPool(threads);
console.log(
  `BFW and Algorithm B (bush.ts) from zero flow; medians of ${runs} runs; pool = ${threads} worker threads (B: gap evaluation on the pool, overlapped with the next sweep); Node ${process.version}`,
);
console.log(
  '| network | algorithm | mode | ' +
    gaps.map((g) => `to ${g.toExponential(0)}: it / wall ms / cpu ms`).join(' | ') +
    ' |',
);
console.log('| --- | --- | --- | ' + gaps.map(() => '---').join(' | ') + ' |');
for (const c of cases) {
  // Warm the JIT and the workers once (not timed).
  assign(c.net, c.demand, { targetGap: 1e-3, maxIterations: 30 });
  await assignParallel(c.net, c.demand, pool, { targetGap: 1e-3, maxIterations: 30 });
  assign(c.net, c.demand, { algorithm: 'b', targetGap: 1e-3, maxIterations: 5 });
  await assignParallel(c.net, c.demand, pool, { algorithm: 'b', targetGap: 1e-3, maxIterations: 5 });
  for (const algorithm of ['bfw', 'b'] as const)
    for (const mode of ['1 thread', `pool ×${threads}`]) {
      const all: Marks[] = [];
      for (let r = 0; r < runs; r++) {
        const t = tracker();
        const opts = {
          algorithm,
          targetGap: maxGap,
          maxIterations: algorithm === 'b' ? 300 : 3000,
          keepLog: false,
          onIteration: t.onIteration,
        };
        t.start();
        let res: AssignResult;
        if (mode === '1 thread') res = assign(c.net, c.demand, opts);
        else res = await assignParallel(c.net, c.demand, pool, opts);
        void res;
        all.push(t.marks);
      }
      const cells = gaps.map((g) => {
        const got = all.map((m) => m.get(g)).filter((x): x is [number, number, number] => !!x);
        if (got.length < all.length) return `not reached (${algorithm === 'b' ? 300 : 3000} it)`;
        const cpu = mode === '1 thread' ? median(got.map((x) => x[2])).toFixed(0) : '–';
        return `${median(got.map((x) => x[0]))} / ${median(got.map((x) => x[1])).toFixed(0)} / ${cpu}`;
      });
      console.log(`| ${c.name} | ${algorithm === 'b' ? 'B' : 'BFW'} | ${mode} | ${cells.join(' | ')} |`);
    }
}
await pool.close();
