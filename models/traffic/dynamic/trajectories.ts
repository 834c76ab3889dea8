/**
 * Trajectory recording of sampled vehicles for the link transmission model (ltm.ts): one row per link traversal,
 * logged when the vehicle leaves the link (so rows arrive in exit order), then grouped by vehicle at the end.
 *
 * Layout while running: parallel growable columns (tw*), one row per finished traversal, in exit order. Per sampled
 * vehicle (internal index, i.e. rank in departure order): vOrdinal = its entry ordinal on the current link and
 * vExitsAtEntry = that link's exit count when it entered, so "vehicles ahead of it at entry" = the difference.
 */
import { GrowableF32, GrowableI32 } from './buffers.ts';
import type { DynNetwork } from './network.ts';

/**
 * Sampled trajectories, columnar, one row per link traversal, rows grouped by vehicle in time order (the shape the
 * viewer's replay reads). A traversal is three space–time points on link `link[r]`: (0 m, enterSec), the point where the
 * vehicle joined the queue (queuePosM, queueSec; NaN when it never queued) and (link length, exitSec); the vehicle moves
 * linearly between them. exitSec is the end of the run for vehicles still travelling then.
 */
export interface Trajectories {
  /** Input index of the vehicle of each row. */
  vehicle: Int32Array;
  /** Rows of the k-th sampled vehicle: offsets[k] .. offsets[k+1]). */
  offsets: Uint32Array;
  link: Int32Array;
  enterSec: Float32Array;
  exitSec: Float32Array;
  queueSec: Float32Array;
  queuePosM: Float32Array;
}

/** The traversal log of the sampled vehicles of one loading run. */
export class TrajectoryLog {
  private readonly vehicle = new GrowableI32(1024);
  private readonly link = new GrowableI32(1024);
  private readonly enter = new GrowableF32(1024);
  private readonly exit = new GrowableF32(1024);
  private readonly queueT = new GrowableF32(1024);
  private readonly queueX = new GrowableF32(1024);
  /** Per vehicle (internal index): the link's exit count when it entered its current link, and its entry ordinal. */
  private readonly vExitsAtEntry: Int32Array;
  private readonly vOrdinal: Int32Array;

  /** @param numVehicles vehicles of the run (internal indices 0 … numVehicles − 1). */
  constructor(numVehicles: number) {
    this.vExitsAtEntry = new Int32Array(numVehicles);
    this.vOrdinal = new Int32Array(numVehicles);
  }

  /** Vehicle v (internal index) entered a link whose exit count is `exits`, as its `ordinal`-th entry (from 0). */
  entered(v: number, exits: number, ordinal: number): void {
    this.vExitsAtEntry[v] = exits;
    this.vOrdinal[v] = ordinal;
  }

  /**
   * Record a sampled vehicle's traversal of link a, with the point where it joined the queue if it was delayed: it
   * drove at v_f from entry until it met the tail of the vehicles that were ahead of it at entry (assumed to leave at
   * a constant rate until it reached the head, spaced 1/k_j apart). `inputIndex` is the vehicle's input index.
   */
  traversal(net: DynNetwork, v: number, inputIndex: number, a: number, tIn: number, tOut: number): void {
    const D = tOut - tIn;
    const L = net.lengthM[a]!;
    const vf = net.freeSpeedMPerS[a]!;
    let qt = NaN;
    let qx = NaN;
    if (D > net.freeTimeS[a]! + 0.5) {
      const ahead = this.vOrdinal[v]! - this.vExitsAtEntry[v]!;
      const q = Math.max(0, ahead) / net.jamDensityVehPerM[a]!;
      const denom = vf - q / D;
      let tj = denom > 1e-9 ? (L - (q * tOut) / D + vf * tIn) / denom : tIn + net.freeTimeS[a]!;
      if (!(tj >= tIn)) tj = tIn;
      if (tj > tOut) tj = tOut;
      const xj = Math.min(L, vf * (tj - tIn));
      if (xj < L - 0.5 && tj < tOut - 0.5) {
        qt = tj;
        qx = xj;
      }
    }
    this.row(inputIndex, a, tIn, tOut, qt, qx);
  }

  /** A vehicle still on link a at the end of the run: its traversal ends at tEnd, no queue point. */
  unfinished(inputIndex: number, a: number, tIn: number, tEnd: number): void {
    this.row(inputIndex, a, tIn, tEnd, NaN, NaN);
  }

  private row(inputIndex: number, a: number, tIn: number, tOut: number, qt: number, qx: number): void {
    this.vehicle.push(inputIndex);
    this.link.push(a);
    this.enter.push(tIn);
    this.exit.push(tOut);
    this.queueT.push(qt);
    this.queueX.push(qx);
  }

  /**
   * Counting sort of the exit-ordered log into per-vehicle blocks (stable: time order kept per vehicle).
   * @param numInputVehicles vehicles of the input (input indices 0 … numInputVehicles − 1).
   */
  group(numInputVehicles: number): Trajectories {
    const nV = numInputVehicles;
    const vs = this.vehicle.view();
    const n = vs.length;
    const cnt = new Uint32Array(nV + 1);
    for (let r = 0; r < n; r++) cnt[vs[r]! + 1]!++;
    let nv = 0;
    for (let v = 0; v < nV; v++) if (cnt[v + 1]! > 0) nv++;
    const slot = new Int32Array(nV).fill(-1);
    const offsets = new Uint32Array(nv + 1);
    let k = 0;
    for (let v = 0; v < nV; v++) {
      if (cnt[v + 1]! === 0) continue;
      slot[v] = k;
      offsets[k + 1] = offsets[k]! + cnt[v + 1]!;
      k++;
    }
    const fill = offsets.slice(0, nv);
    const out: Trajectories = {
      vehicle: new Int32Array(n),
      offsets,
      link: new Int32Array(n),
      enterSec: new Float32Array(n),
      exitSec: new Float32Array(n),
      queueSec: new Float32Array(n),
      queuePosM: new Float32Array(n),
    };
    const ls = this.link.view();
    const en = this.enter.view();
    const ex = this.exit.view();
    const qt = this.queueT.view();
    const qx = this.queueX.view();
    for (let r = 0; r < n; r++) {
      const j = fill[slot[vs[r]!]!]!++;
      out.vehicle[j] = vs[r]!;
      out.link[j] = ls[r]!;
      out.enterSec[j] = en[r]!;
      out.exitSec[j] = ex[r]!;
      out.queueSec[j] = qt[r]!;
      out.queuePosM[j] = qx[r]!;
    }
    return out;
  }
}
