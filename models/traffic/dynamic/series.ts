/**
 * Per-link time series of the link transmission model (ltm.ts): exits, mean occupancy, end-of-interval queue and
 * space-mean speed per link and interval, stored sparsely (only links touched in the interval get a row).
 *
 * Layout while running: per link, accumulators of the current interval — occVehS (∫ vehicles dt since the interval
 * start, brought up to occT[a]), ivExits, ivTravelS (Σ link travel times of the vehicles that left) — which the
 * loading updates on every push and pop (it holds the same typed arrays), and the list `touched` of links with a
 * vehicle or an exit in the interval (isTouched[a] = 1 while listed). At the interval's end every touched link gets one
 * row in the growable columns, its accumulators restart at 0, and links still loaded stay listed.
 * Invariant: intervalStart[k] = first row of interval k; intervalStart[numIntervals] = rows in all.
 */
import { GrowableI32, GrowableU16 } from './buffers.ts';
import type { DynNetwork } from './network.ts';

/**
 * Per-link time series in sparse columnar form: row r describes link `link[r]` during interval k where
 * intervalStart[k] ≤ r < intervalStart[k+1]. Only links with vehicles or exits in the interval have rows.
 */
export interface LinkSeries {
  intervalS: number;
  startS: number;
  numIntervals: number;
  intervalStart: Uint32Array;
  link: Int32Array;
  /** Vehicles leaving the link during the interval (flow = exits·3600/interval veh/h). */
  exitsVeh: Uint16Array;
  /** Mean number of vehicles on the link ×10 (density = value/10 / length). */
  meanVehX10: Uint16Array;
  /** Queued vehicles at the end of the interval: ready to leave (free-flow time passed) but not yet gone. */
  queueVeh: Uint16Array;
  /** Space-mean speed of the vehicles that left during the interval, km/h ×10 (free speed when none). */
  speedKmPerHX10: Uint16Array;
}

/** What the recorder reads of the loading: vehicles per link, and the queue of a link at a time. */
export interface QueueSource {
  readonly count: Int32Array;
  /** Vehicles on link a whose free-flow time has passed at time t (queued, not yet gone). */
  queuedAt(a: number, t: number): number;
}

/** The series of one loading run. */
export class LinkSeriesRecorder {
  readonly intervalS: number;
  readonly startS: number;
  readonly numIntervals: number;
  readonly intervalStart: Uint32Array;
  /** Per link: ∫ vehicles dt over the interval so far (up to occT), s; exits and Σ travel times in the interval. */
  readonly occVehS: Float64Array;
  readonly occT: Float64Array;
  readonly ivExits: Int32Array;
  readonly ivTravelS: Float64Array;
  /** Links with a vehicle or an exit in the current interval (nTouched of them), flagged in isTouched. */
  private readonly touched: Int32Array;
  private readonly isTouched: Uint8Array;
  private nTouched = 0;
  /** Index of the current interval and its end time, s. */
  private ivIndex = 0;
  ivEndS: number;
  private readonly sLink = new GrowableI32(4096);
  private readonly sExits = new GrowableU16(4096);
  private readonly sMean = new GrowableU16(4096);
  private readonly sQueue = new GrowableU16(4096);
  private readonly sSpeed = new GrowableU16(4096);

  /**
   * @param spanS simulated span (steps × Δt), s: the series has ceil(spanS / intervalS) intervals.
   */
  constructor(
    private readonly net: DynNetwork,
    private readonly src: QueueSource,
    startS: number,
    intervalS: number,
    spanS: number,
  ) {
    const nL = net.numLinks;
    this.intervalS = intervalS;
    this.startS = startS;
    this.numIntervals = Math.ceil(spanS / intervalS);
    this.intervalStart = new Uint32Array(this.numIntervals + 1);
    this.occVehS = new Float64Array(nL);
    this.occT = new Float64Array(nL).fill(startS);
    this.ivExits = new Int32Array(nL);
    this.ivTravelS = new Float64Array(nL);
    this.touched = new Int32Array(nL);
    this.isTouched = new Uint8Array(nL);
    this.ivEndS = startS + intervalS;
  }

  /** Link a got a vehicle: it has a row in this interval. */
  touch(a: number): void {
    if (this.isTouched[a] === 0) {
      this.isTouched[a] = 1;
      this.touched[this.nTouched++] = a;
    }
  }

  /** The step ending at tEnd is done: close the interval when it ended (within 1e-9 s). */
  advance(tEnd: number): void {
    if (tEnd >= this.ivEndS - 1e-9) {
      this.flush(this.ivEndS);
      this.ivEndS += this.intervalS;
    }
  }

  /** Close the current interval at time tB: one row per touched link, accumulators restart. */
  flush(tB: number): void {
    const { touched, occVehS, occT, ivExits, ivTravelS, isTouched } = this;
    const count = this.src.count;
    const net = this.net;
    const iv = this.intervalS;
    for (let k = 0; k < this.nTouched; k++) {
      const a = touched[k]!;
      occVehS[a]! += count[a]! * (tB - occT[a]!);
      occT[a] = tB;
      // Queue at tB: the FIFO prefix of vehicles whose free-flow time has passed.
      const qn = this.src.queuedAt(a, tB);
      this.sLink.push(a);
      this.sExits.push(Math.min(65535, ivExits[a]!));
      this.sMean.push(Math.min(65535, Math.round((occVehS[a]! / iv) * 10)));
      this.sQueue.push(Math.min(65535, qn));
      const sp =
        ivExits[a]! > 0 && ivTravelS[a]! > 0 ? (ivExits[a]! * net.lengthM[a]!) / ivTravelS[a]! : net.freeSpeedMPerS[a]!;
      this.sSpeed.push(Math.min(65535, Math.round(sp * 36)));
      ivExits[a] = 0;
      ivTravelS[a] = 0;
      occVehS[a] = 0;
    }
    // Loaded links stay in the list for the next interval.
    let m = 0;
    for (let k = 0; k < this.nTouched; k++) {
      const a = touched[k]!;
      if (count[a]! > 0) touched[m++] = a;
      else isTouched[a] = 0;
    }
    this.nTouched = m;
    this.ivIndex++;
    this.intervalStart[this.ivIndex] = this.sLink.length;
  }

  /** The series at the end of the run (time tFinal): the open interval is closed there, later ones stay empty. */
  finish(tFinal: number): LinkSeries {
    if (this.ivIndex < this.numIntervals && this.nTouched > 0) this.flush(Math.min(this.ivEndS, tFinal));
    while (this.ivIndex < this.numIntervals) {
      this.ivIndex++;
      this.intervalStart[this.ivIndex] = this.sLink.length;
    }
    return {
      intervalS: this.intervalS,
      startS: this.startS,
      numIntervals: this.numIntervals,
      intervalStart: this.intervalStart,
      link: this.sLink.toArray(),
      exitsVeh: this.sExits.toArray(),
      meanVehX10: this.sMean.toArray(),
      queueVeh: this.sQueue.toArray(),
      speedKmPerHX10: this.sSpeed.toArray(),
    };
  }
}
