/**
 * Growable typed arrays for outputs whose size is known only at the end (series rows, trajectory waypoints).
 * Capacity doubles, so a run does O(log n) allocations in all, never one per step.
 */

/**
 * @example
 * const b = new GrowableI32(1); b.push(7); b.push(-2); b.toArray() // => Int32Array.of(7, -2)
 * b.length // => 2
 */
export class GrowableI32 {
  private buf: Int32Array;
  length = 0;
  constructor(initial = 1024) {
    this.buf = new Int32Array(Math.max(1, initial));
  }
  push(x: number): void {
    if (this.length === this.buf.length) {
      const nb = new Int32Array(this.buf.length * 2);
      nb.set(this.buf);
      this.buf = nb;
    }
    this.buf[this.length++] = x;
  }
  /** A view of the filled part (shares memory). */
  view(): Int32Array {
    return this.buf.subarray(0, this.length);
  }
  /** A right-sized copy. */
  toArray(): Int32Array {
    return this.buf.slice(0, this.length);
  }
}

/** @example const b = new GrowableF32(4); b.push(1.5); b.toArray() // => Float32Array.of(1.5) */
export class GrowableF32 {
  private buf: Float32Array;
  length = 0;
  constructor(initial = 1024) {
    this.buf = new Float32Array(Math.max(1, initial));
  }
  push(x: number): void {
    if (this.length === this.buf.length) {
      const nb = new Float32Array(this.buf.length * 2);
      nb.set(this.buf);
      this.buf = nb;
    }
    this.buf[this.length++] = x;
  }
  view(): Float32Array {
    return this.buf.subarray(0, this.length);
  }
  toArray(): Float32Array {
    return this.buf.slice(0, this.length);
  }
}

/** @example const b = new GrowableU16(4); b.push(3); b.toArray() // => Uint16Array.of(3) */
export class GrowableU16 {
  private buf: Uint16Array;
  length = 0;
  constructor(initial = 1024) {
    this.buf = new Uint16Array(Math.max(1, initial));
  }
  push(x: number): void {
    if (this.length === this.buf.length) {
      const nb = new Uint16Array(this.buf.length * 2);
      nb.set(this.buf);
      this.buf = nb;
    }
    this.buf[this.length++] = x;
  }
  view(): Uint16Array {
    return this.buf.subarray(0, this.length);
  }
  toArray(): Uint16Array {
    return this.buf.slice(0, this.length);
  }
}
