/**
 * Gridlock diagnosis of the link transmission model (ltm.ts): when no vehicle has moved for `gridlockTimeoutS`,
 * decide whether the network is jammed for good (every loaded link's head vehicle is ready and waits for a full link)
 * and name the jammed cycle of links, so a run ends with a message instead of a hang.
 */
import type { DynNetwork } from './network.ts';

/** Gridlock diagnosis. */
export interface GridlockInfo {
  timeS: number;
  stuckVehicles: number;
  /** A cycle of full links each waiting for the next (link indices), or the blocked links found. */
  links: number[];
  message: string;
}

/** Thrown on gridlock when `onGridlock` is `error`. */
export class GridlockError extends Error {
  readonly info: GridlockInfo;
  constructor(info: GridlockInfo) {
    super(info.message);
    this.name = 'GridlockError';
    this.info = info;
  }
}

/** What the diagnosis reads of the loading state, per link. */
export interface HeadState {
  /** Vehicles on the link. */
  count: Int32Array;
  /** Time the head vehicle reaches the stop line at free speed, s (its entry time + free-flow time). */
  hReady: Float64Array;
  /** The head vehicle's next link (−1: it leaves the network there). */
  hNext: Int32Array;
}

/**
 * The gridlock at time tNow, or null when some head vehicle is still driving freely (not stuck) or no head waits for
 * another link. Follows "the head of link a waits for link b" from a blocked link until a link repeats: that is the
 * jammed cycle (else the first blocked links are named).
 * @example
 * // Links AB and BA (the fields read), both loaded, each head vehicle ready and waiting for the other link:
 * const net = { numLinks: 2, linkIds: ['AB', 'BA'] };
 * const st = { count: Int32Array.of(20, 25), hReady: Float64Array.of(600, 610), hNext: Int32Array.of(1, 0) };
 * const info = diagnoseGridlock(net, st, 1234, 600); [info.stuckVehicles, info.links] // => [45, [0, 1]]
 * const e = new GridlockError(info); [e.name, e.info === info] // => ['GridlockError', true]
 * e.message.startsWith('gridlock at t=1234 s: 45 vehicles on 2 links have not moved for 600 s') // => true
 * e.message.includes('jammed cycle: AB → BA') // => true
 * // A head vehicle still driving freely (ready at 1300 s) means no gridlock yet:
 * diagnoseGridlock(net, { ...st, hReady: Float64Array.of(600, 1300) }, 1234, 600) // => null
 */
export function diagnoseGridlock(net: DynNetwork, h: HeadState, tNow: number, timeoutS: number): GridlockInfo | null {
  const { count, hReady, hNext } = h;
  const nL = net.numLinks;
  let stuck = 0;
  const blocked: number[] = [];
  for (let a = 0; a < nL; a++) {
    if (count[a] === 0) continue;
    if (hReady[a]! > tNow) return null; // someone still drives freely: not stuck
    stuck += count[a]!;
    if (hNext[a]! >= 0) blocked.push(a);
  }
  if (blocked.length === 0) return null;
  const seen = new Map<number, number>();
  const chain: number[] = [];
  let a = blocked[0]!;
  while (!seen.has(a) && chain.length <= nL) {
    seen.set(a, chain.length);
    chain.push(a);
    if (count[a] === 0 || hNext[a]! < 0) break;
    a = hNext[a]!;
  }
  const isCycle = seen.has(a) && chain.length > 0 && count[a]! > 0;
  const cyc = isCycle ? chain.slice(seen.get(a)!) : blocked.slice(0, 10);
  const names = cyc.slice(0, 10).map((x) => net.linkIds[x]);
  const message =
    `gridlock at t=${tNow.toFixed(0)} s: ${stuck} vehicles on ${blocked.length} links have not moved for ${timeoutS} s ` +
    `and every head vehicle waits for a full link; jammed ${isCycle ? 'cycle' : 'links'}: ${names.join(' → ')}` +
    `${cyc.length > 10 ? ' …' : ''}. Lower the demand, lengthen the loading period, or check turn restrictions and link storage there.`;
  return { timeS: tNow, stuckVehicles: stuck, links: cyc, message };
}
