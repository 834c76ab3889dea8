/**
 * Parallel assignment: the all-or-nothing step split by origin blocks across a piscina worker pool, with the graph,
 * demand, costs and block flows in SharedArrayBuffers (nothing is copied per iteration). Blocks are summed in block
 * order on the main thread, so results are bit-identical to `assign()` with the same `blocks` setting.
 *
 * Inside the engine, jobs already run one per worker, so the Zibo model uses the single-thread `assign()`; this pool
 * is for big networks run on their own (bench, validation of large TNTP cases).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Piscina } from 'piscina';
import { EquilibriumState, originBlocks, sumBlocks, type AssignOptions, type AssignResult } from './assign.ts';
import { buildCsr, planAon, type CsrGraph } from './graph.ts';
import type { Demand, Network } from './network.ts';
import type { AonTask } from './aon-worker.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const WORKER_OUT = path.resolve(here, '..', '..', 'dist', 'traffic-aon-worker.mjs');

/** A pool of AON workers. */
export interface AonPool {
  threads: number;
  close(): Promise<void>;
  /** @internal */
  piscina: Piscina<AonTask, number>;
}

/**
 * Bundle the worker (Node 20 cannot load .ts in worker threads) and start `threads` workers.
 * @example const pool = await createAonPool(2); const r = await assignParallel(net, demand, pool); await pool.close();
 */
export async function createAonPool(threads: number): Promise<AonPool> {
  await build({
    entryPoints: [path.join(here, 'aon-worker.ts')],
    outfile: WORKER_OUT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const piscina = new Piscina<AonTask, number>({
    filename: WORKER_OUT,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    // Run each task to completion on the worker that took it; Atomics wait keeps hand-off latency low.
    atomics: 'sync',
  });
  piscina.on('error', () => {});
  return { threads, piscina, close: () => piscina.destroy() };
}

function share<T extends Int32Array | Uint8Array | Float64Array>(a: T): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(a.byteLength);
  new (a.constructor as { new (b: SharedArrayBuffer): T })(sab).set(a);
  return sab;
}

let keySeq = 0;

/**
 * Same algorithm and result as `assign()`, with all-or-nothing blocks run on the pool.
 * @example const r = await assignParallel(net, demand, pool, { algorithm: 'bfw', targetGap: 1e-5 });
 */
export async function assignParallel(net: Network, demand: Demand, pool: AonPool, opts: AssignOptions = {}, graph?: CsrGraph): Promise<AssignResult> {
  const t0 = performance.now();
  const g = graph ?? buildCsr(net);
  const state = new EquilibriumState(net, demand, opts);
  if (opts.trackOrigins) throw new Error('assignParallel does not track origins; use assign()');
  const plan = planAon(g);
  const blockStart = originBlocks(plan.numUnits, opts.blocks ?? 16);
  const nb = blockStart.length - 1;
  const costSab = new SharedArrayBuffer(8 * net.numLinks);
  const cost = new Float64Array(costSab);
  const flowSab = new SharedArrayBuffer(8 * net.numLinks * nb);
  const blockFlows = new Float64Array(flowSab);
  const base = {
    key: `${process.pid}:${++keySeq}`,
    numNodes: g.numNodes,
    numLinks: g.numLinks,
    numZones: g.numZones,
    firstOut: share(g.firstOut),
    head: share(g.head),
    link: share(g.link),
    noThrough: share(g.noThrough),
    zoneNode: share(g.zoneNode),
    numUnits: plan.numUnits,
    unitStart: share(plan.unitStart),
    unitZones: share(plan.unitZones),
    unitRoot: share(plan.unitRoot),
    zoneConnSlot: share(plan.zoneConnSlot),
    od: share(demand.od),
    cost: costSab,
    blockFlows: flowSab,
  };
  const y = new Float64Array(net.numLinks);
  while (!state.done) {
    cost.set(state.cost);
    const tasks: Promise<number>[] = [];
    for (let b = 0; b < nb; b++) tasks.push(pool.piscina.run({ ...base, block: b, u0: blockStart[b]!, u1: blockStart[b + 1]! }));
    await Promise.all(tasks);
    sumBlocks(blockFlows, nb, y, net.numLinks);
    state.update(y);
  }
  return state.result(performance.now() - t0);
}
