/**
 * piscina worker: all-or-nothing loading of one block of origins at the costs in shared memory, written into that
 * block's slice of the shared block-flow buffer (or, for Algorithm B's gap, only the block's Σ demand × shortest cost). The graph and workspace are built once per worker and graph key.
 */
import { aonUnits, ShortestPaths, spttUnits, type AonPlan, type CsrGraph } from './graph.ts';

/** One task: which graph (shared buffers) and which block. */
export interface AonTask {
  key: string;
  numNodes: number;
  numLinks: number;
  numZones: number;
  firstOut: SharedArrayBuffer;
  head: SharedArrayBuffer;
  link: SharedArrayBuffer;
  noThrough: SharedArrayBuffer;
  zoneNode: SharedArrayBuffer;
  numUnits: number;
  unitStart: SharedArrayBuffer;
  unitZones: SharedArrayBuffer;
  unitRoot: SharedArrayBuffer;
  zoneConnSlot: SharedArrayBuffer;
  od: SharedArrayBuffer;
  cost: SharedArrayBuffer;
  blockFlows: SharedArrayBuffer;
  block: number;
  /** Work-unit range of the block. */
  u0: number;
  u1: number;
  /**
   * Gap evaluation of Algorithm B: only Σ demand × shortest cost, no flows written, for each block between these
   * unit boundaries (u0 = cuts[0] < … < cuts[last] = u1); returns one sum per block. Several blocks per task so a
   * task per thread carries all the work at once (the main thread is busy with a sweep meanwhile).
   */
  spttCuts?: number[];
}

let cachedKey = '';
let sp: ShortestPaths | null = null;
let plan: AonPlan | null = null;
let od: Float64Array | null = null;
let cost: Float64Array | null = null;
let blockFlows: Float64Array | null = null;

/**
 * Run one block; returns the block's Σ demand × shortest cost (per block for `spttCuts` tasks). Called by piscina (pool.ts), not directly.
 * @example await piscina.run({ ...shared, block: 0, u0: 0, u1: 10 })
 */
export default function aonBlock(t: AonTask): number | number[] {
  if (t.key !== cachedKey || !sp) {
    const g: CsrGraph = {
      numNodes: t.numNodes,
      numLinks: t.numLinks,
      numZones: t.numZones,
      firstOut: new Int32Array(t.firstOut),
      head: new Int32Array(t.head),
      link: new Int32Array(t.link),
      noThrough: new Uint8Array(t.noThrough),
      zoneNode: new Int32Array(t.zoneNode),
    };
    sp = new ShortestPaths(g);
    plan = {
      numUnits: t.numUnits,
      unitStart: new Int32Array(t.unitStart),
      unitZones: new Int32Array(t.unitZones),
      unitRoot: new Int32Array(t.unitRoot),
      zoneConnSlot: new Int32Array(t.zoneConnSlot),
    };
    od = new Float64Array(t.od);
    cost = new Float64Array(t.cost);
    blockFlows = new Float64Array(t.blockFlows);
    cachedKey = t.key;
  }
  sp.setCosts(cost!);
  if (t.spttCuts) {
    const out: number[] = [];
    for (let i = 0; i + 1 < t.spttCuts.length; i++)
      out.push(spttUnits(sp, plan!, od!, t.spttCuts[i]!, t.spttCuts[i + 1]!));
    return out;
  }
  const out = blockFlows!.subarray(t.block * t.numLinks, (t.block + 1) * t.numLinks);
  out.fill(0);
  return aonUnits(sp, plan!, od!, t.u0, t.u1, out);
}
