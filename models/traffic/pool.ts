/**
 * Parallel assignment: the all-or-nothing step split by origin blocks across a piscina worker pool, with the graph,
 * demand, costs and block flows in SharedArrayBuffers (nothing is copied per iteration). Blocks are summed in block
 * order on the main thread, so results are bit-identical to `assign()` with the same `blocks` setting.
 *
 * Inside the engine, jobs already run one per worker, so the Zibo model uses the single-thread `assign()`; this pool
 * is for big networks run on their own (bench, validation of large TNTP cases).
 */
import { Piscina } from 'piscina';
import { buildWorkerEntry } from '../lib/worker-build.mjs';
import { originBlocks, type AssignResult } from './assign-result.ts';
import { EquilibriumState, sumBlocks, type AssignOptions } from './assign.ts';
import { BushRun, BushSolver, type BushOptions } from './bush.ts';
import { buildCsr, planAon, type CsrGraph } from './graph.ts';
import type { Demand, Network } from './network.ts';
import type { AonTask } from './aon-worker.ts';

/** A pool of AON workers. */
export interface AonPool {
  threads: number;
  close(): Promise<void>;
  /** @internal */
  piscina: Piscina<AonTask, number | number[]>;
}

/**
 * Bundle the worker (models/lib/worker-build.mjs: Node 20 cannot load .ts in worker threads), start `threads` workers.
 * @example
 * // Zone 0 → zone 1 (nodes 0 and 1) by a fast route through node 2 (links 0→2, 2→1: 5 min, 1000 veh/h each) or
 * // a slow direct link (12 min, 500 veh/h); parseTntpNet or loadTrafficInputs make such Networks from files.
 * const net = { name: 'two-routes', numNodes: 3, numLinks: 3, numZones: 2, nodeIds: Int32Array.of(1, 2, 3),
 *   zoneNode: Int32Array.of(0, 1), noThrough: new Uint8Array(3), from: Int32Array.of(0, 2, 0),
 *   to: Int32Array.of(2, 1, 1), capacity: Float64Array.of(1000, 1000, 500), length: Float64Array.of(5, 5, 12),
 *   fft: Float64Array.of(5, 5, 12),
 *   b: Float64Array.of(0.15, 0.15, 0.15), power: Float64Array.of(4, 4, 4), toll: new Float64Array(3),
 *   fixedCost: new Float64Array(3), tollFactor: 0, distanceFactor: 0 };
 * const demand = { numZones: 2, od: Float64Array.of(0, 1500, 0, 0), total: 1500, intrazonal: 0 };
 * const pool = await createAonPool(2); const r = await assignParallel(net, demand, pool); await pool.close();
 * [r.converged, Array.from(r.flow, (v) => v.toFixed(0))] // => [true, ['1137', '1137', '363']]
 */
export async function createAonPool(threads: number): Promise<AonPool> {
  const filename = await buildWorkerEntry(new URL('./aon-worker.ts', import.meta.url), 'traffic-aon-worker');
  const piscina = new Piscina<AonTask, number | number[]>({
    filename,
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
 * @example
 * // Zone 0 → zone 1 (nodes 0 and 1) by a fast route through node 2 (links 0→2, 2→1: 5 min, 1000 veh/h each) or
 * // a slow direct link (12 min, 500 veh/h); parseTntpNet or loadTrafficInputs make such Networks from files.
 * const net = { name: 'two-routes', numNodes: 3, numLinks: 3, numZones: 2, nodeIds: Int32Array.of(1, 2, 3),
 *   zoneNode: Int32Array.of(0, 1), noThrough: new Uint8Array(3), from: Int32Array.of(0, 2, 0),
 *   to: Int32Array.of(2, 1, 1), capacity: Float64Array.of(1000, 1000, 500), length: Float64Array.of(5, 5, 12),
 *   fft: Float64Array.of(5, 5, 12),
 *   b: Float64Array.of(0.15, 0.15, 0.15), power: Float64Array.of(4, 4, 4), toll: new Float64Array(3),
 *   fixedCost: new Float64Array(3), tollFactor: 0, distanceFactor: 0 };
 * const demand = { numZones: 2, od: Float64Array.of(0, 1500, 0, 0), total: 1500, intrazonal: 0 };
 * const pool = await createAonPool(2);
 * const r = await assignParallel(net, demand, pool, { algorithm: 'bfw', targetGap: 1e-5 }); await pool.close();
 * [r.algorithm, r.relativeGap <= 1e-5] // => ['bfw', true]
 * Array.from(r.flow, (v) => v.toFixed(0)) // => ['1137', '1137', '363']
 */
export async function assignParallel(
  net: Network,
  demand: Demand,
  pool: AonPool,
  opts: AssignOptions = {},
  graph?: CsrGraph,
): Promise<AssignResult> {
  if (opts.algorithm === 'b') {
    if (opts.initialFlow || opts.trackOrigins)
      throw new Error("algorithm 'b' supports neither initialFlow nor trackOrigins");
    return assignBushParallel(net, demand, pool, opts, graph);
  }
  const t0 = performance.now();
  const g = graph ?? buildCsr(net);
  const state = new EquilibriumState(net, demand, opts);
  if (opts.trackOrigins) throw new Error('assignParallel does not track origins; use assign()');
  const plan = planAon(g);
  const blockStart = originBlocks(plan.numUnits, opts.blocks ?? 16);
  const nb = blockStart.length - 1;
  const { base, cost, blockFlows } = sharedTask(g, plan, demand, nb);
  const y = new Float64Array(net.numLinks);
  while (!state.done) {
    cost.set(state.cost);
    const tasks: Promise<unknown>[] = [];
    for (let b = 0; b < nb; b++)
      tasks.push(pool.piscina.run({ ...base, block: b, u0: blockStart[b]!, u1: blockStart[b + 1]! }));
    await Promise.all(tasks);
    sumBlocks(blockFlows, nb, y, net.numLinks);
    state.update(y);
  }
  return state.result(performance.now() - t0);
}

/**
 * Algorithm B (`bush.ts`) with its gap evaluation on the pool, overlapped with the next sweep: while the workers
 * compute Σ D·SP for the flows after sweep k, the main thread already runs sweep k + 1. If sweep k's flows meet the
 * target, they are returned and the extra sweep is discarded. Same blocks and summation order as the single-thread
 * `assignBush`, so the result is bit-identical to it.
 * @example
 * // Zone 0 → zone 1 (nodes 0 and 1) by a fast route through node 2 (links 0→2, 2→1: 5 min, 1000 veh/h each) or
 * // a slow direct link (12 min, 500 veh/h); parseTntpNet or loadTrafficInputs make such Networks from files.
 * const net = { name: 'two-routes', numNodes: 3, numLinks: 3, numZones: 2, nodeIds: Int32Array.of(1, 2, 3),
 *   zoneNode: Int32Array.of(0, 1), noThrough: new Uint8Array(3), from: Int32Array.of(0, 2, 0),
 *   to: Int32Array.of(2, 1, 1), capacity: Float64Array.of(1000, 1000, 500), length: Float64Array.of(5, 5, 12),
 *   fft: Float64Array.of(5, 5, 12),
 *   b: Float64Array.of(0.15, 0.15, 0.15), power: Float64Array.of(4, 4, 4), toll: new Float64Array(3),
 *   fixedCost: new Float64Array(3), tollFactor: 0, distanceFactor: 0 };
 * const demand = { numZones: 2, od: Float64Array.of(0, 1500, 0, 0), total: 1500, intrazonal: 0 };
 * const pool = await createAonPool(2);
 * const r = await assignBushParallel(net, demand, pool, { targetGap: 1e-5 }); await pool.close();
 * [r.algorithm, r.relativeGap <= 1e-5] // => ['b', true]
 * Array.from(r.flow, (v) => v.toFixed(0)) // => ['1137', '1137', '363']
 */
export async function assignBushParallel(
  net: Network,
  demand: Demand,
  pool: AonPool,
  opts: BushOptions = {},
  graph?: CsrGraph,
): Promise<AssignResult> {
  const t0 = performance.now();
  const g = graph ?? buildCsr(net);
  if (demand.numZones !== net.numZones) throw new Error(`demand has ${demand.numZones} zones, network ${net.numZones}`);
  const solver = new BushSolver(net, demand, g, opts.innerIterations ?? 1);
  const run = new BushRun(solver, opts);
  const bs = solver.blockStart;
  const nb = bs.length - 1;
  const { base, cost } = sharedTask(g, solver.plan, demand, 0);
  const per = originBlocks(nb, pool.threads);
  solver.initialise();
  for (;;) {
    const tstt = solver.snapshot();
    cost.set(solver.linkCost);
    // One task per thread, each a contiguous run of evaluation blocks: all of them start before the sweep below.
    const tasks: Promise<number | number[]>[] = [];
    for (let t = 0; t < per.length - 1; t++) {
      const cuts = Array.from(bs.subarray(per[t]!, per[t + 1]! + 1));
      tasks.push(pool.piscina.run({ ...base, block: 0, u0: cuts[0]!, u1: cuts[cuts.length - 1]!, spttCuts: cuts }));
    }
    // Speculative next sweep (it does not touch the snapshot being evaluated); wasted only on the last iteration.
    if (run.iteration + 1 < run.maxIterations) solver.sweep();
    const parts = (await Promise.all(tasks)).flat() as number[];
    let sptt = 0;
    for (let b = 0; b < nb; b++) sptt += parts[b]!;
    if (run.record(tstt, sptt)) break;
  }
  return run.result(performance.now() - t0);
}

/** Shared buffers of the graph, plan and demand for AON worker tasks, plus the cost and block-flow buffers. */
function sharedTask(g: CsrGraph, plan: ReturnType<typeof planAon>, demand: Demand, nb: number) {
  const costSab = new SharedArrayBuffer(8 * g.numLinks);
  const flowSab = new SharedArrayBuffer(8 * g.numLinks * Math.max(1, nb));
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
  return { base, cost: new Float64Array(costSab), blockFlows: new Float64Array(flowSab) };
}
