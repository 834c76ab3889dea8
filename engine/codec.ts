/**
 * The stored form of a job output: v8 structured-clone bytes (typed arrays kept), deflated (repeated keys shrink).
 * Separate from store.ts so the worker can encode without loading SQLite: a worker encodes its job's output and
 * sends the bytes, which saves cloning thousands of small series objects across threads and re-encoding them on the
 * main thread (measured on a traffic job with 1,700 series: clone 3.2 ms, encode 1.3 ms).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { serialize, deserialize } from 'node:v8';
import type { ModelOutput } from '../models/types.ts';

/**
 * Encode a job output's series (artifacts are stored separately).
 * @example const bytes = encodeOutput({ series: [] }); decodeOutput(bytes).series // => []
 */
export function encodeOutput(o: ModelOutput): Buffer {
  return deflateRawSync(serialize({ series: o.series }), { level: 1 });
}

/**
 * Decode bytes written by `encodeOutput`.
 * @example decodeOutput(encodeOutput({ series: [] })).series.length // => 0
 */
export function decodeOutput(b: Uint8Array): ModelOutput {
  return deserialize(inflateRawSync(b)) as ModelOutput;
}
