/**
 * Content hash of model outputs for bit-identity checks in benches (kernel-hashes.ts, network/bench-dynamic.ts):
 * typed arrays as their bytes, numbers as float64 bytes, objects with sorted keys — any change in any output bit
 * (NaN payload aside) changes the hash.
 */
import { createHash, type Hash } from 'node:crypto';

/**
 * Feed a value into a hash.
 * @example
 * import { createHash } from 'node:crypto';
 * const h = createHash('sha256'); feedHash(h, { b: 1, a: [2] }); const g = createHash('sha256'); feedHash(g, { a: [2], b: 1 });
 * h.digest('hex') === g.digest('hex') // => true
 */
export function feedHash(h: Hash, x: unknown): void {
  if (x === null || x === undefined) h.update(`<${String(x)}>`);
  else if (ArrayBuffer.isView(x)) {
    h.update(`<${x.constructor.name}:${x.byteLength}>`);
    h.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  } else if (typeof x === 'number') h.update(new Uint8Array(Float64Array.of(x).buffer));
  else if (typeof x === 'string' || typeof x === 'boolean') h.update(`${typeof x}:${String(x)};`);
  else if (Array.isArray(x)) {
    h.update(`[${x.length}`);
    for (const e of x) feedHash(h, e);
    h.update(']');
  } else if (typeof x === 'object') {
    const o = x as Record<string, unknown>;
    h.update('{');
    for (const k of Object.keys(o).sort()) {
      h.update(`${k}:`);
      feedHash(h, o[k]);
    }
    h.update('}');
  } else h.update(`?${typeof x}`);
}

/**
 * The sha256 (hex) of a value fed by feedHash.
 * @example digestOf(Float64Array.of(1)) === digestOf(Float64Array.of(1)) // => true
 * @example digestOf(Float64Array.of(1)) === digestOf(Float32Array.of(1)) // => false
 */
export function digestOf(x: unknown): string {
  const h = createHash('sha256');
  feedHash(h, x);
  return h.digest('hex');
}
