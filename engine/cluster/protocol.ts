/**
 * What travels between the coordinator and the cluster workers: one queue job = one batch of engine jobs of one
 * model with one parameter set (plain data with derived seeds, so batching and redelivery change no result), and the
 * identity both sides must share (code version and model registry).
 *
 * Results go back as the job's return value: each engine job's output already is compact bytes (v8 + deflate,
 * engine/codec.ts), sent base64 inside BullMQ's JSON; artifacts (replication 0 only) as v8 bytes the same way.
 */
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { z } from 'zod';
import type { JobSpec } from '../../models/types.ts';
import type { WorkerResult } from '../worker.ts';
import { scenarioModels } from '../scenario.ts';
import { codeVersion } from '../run/plan.ts';

/** The BullMQ queue all runs share (jobs carry their run id). */
export const QUEUE_NAME = 'twin-jobs';
/** Pub/sub channel on which the coordinator tells workers to stop a run's running jobs. */
export const CANCEL_CHANNEL = 'twin:cancel';
/** Key prefix of worker heartbeats (`twin:worker:<host>:<pid>` → JSON, expires unless renewed). */
export const WORKER_KEY_PREFIX = 'twin:worker:';

/** Who may run a job: workers refuse jobs whose identity differs from their own. */
export interface Identity {
  codeVersion: string;
  /** sha256 (16 hex) of the model registry: ids, grains and parameter schemas. */
  registry: string;
}

/**
 * This process's identity. `TWIN_CODE_VERSION` overrides the `git describe` version (for machines without the git
 * checkout, and for the test that shows a worker of another version is refused).
 */
export function localIdentity(): Identity {
  const reg = scenarioModels().map((m) => ({
    id: m.id,
    grain: m.grain,
    schema: z.toJSONSchema(m.paramsSchema as z.ZodType, { io: 'input', unrepresentable: 'any' }),
  }));
  const registry = createHash('sha256').update(JSON.stringify(reg)).digest('hex').slice(0, 16);
  return { codeVersion: process.env.TWIN_CODE_VERSION || codeVersion(), registry };
}

/** Why an identity is refused, or null when it matches. */
export function identityMismatch(mine: Identity, theirs: Identity): string | null {
  if (mine.codeVersion !== theirs.codeVersion)
    return `code version ${JSON.stringify(theirs.codeVersion)} differs from this worker's ${JSON.stringify(mine.codeVersion)}`;
  if (mine.registry !== theirs.registry)
    return `model registry ${theirs.registry} differs from this worker's ${mine.registry} (other models or parameters)`;
  return null;
}

/** A queue job's data. */
export interface BatchData {
  /** What the batch belongs to, for logs: `run12` (a stored run) or `sensitivity3` (a server task). */
  owner: string;
  identity: Identity;
  params: unknown;
  jobs: JobSpec[];
}

/** A worker result as JSON-safe data. */
export type WireResult =
  | { ok: true; output: string; artifacts?: string; ms: number }
  | { ok: false; code: string; message: string; stack?: string };

/** Encode results for the queue's JSON return value. */
export function toWire(results: WorkerResult[]): WireResult[] {
  return results.map((r) =>
    r.ok
      ? {
          ok: true,
          output: Buffer.from(r.output).toString('base64'),
          ...(r.artifacts ? { artifacts: serialize(r.artifacts).toString('base64') } : {}),
          ms: r.ms,
        }
      : r,
  );
}

/**
 * Decode results sent by `toWire` (bytes identical to what the local pool returns).
 * @example fromWire(toWire([{ ok: true, output: new Uint8Array([1, 2]), ms: 3 }]))[0] // => { ok: true, output: new Uint8Array([1, 2]), ms: 3 }
 */
export function fromWire(results: WireResult[]): WorkerResult[] {
  return results.map((r) =>
    r.ok
      ? {
          ok: true,
          output: new Uint8Array(Buffer.from(r.output, 'base64')),
          ...(r.artifacts
            ? { artifacts: deserialize(Buffer.from(r.artifacts, 'base64')) as Record<string, unknown> }
            : {}),
          ms: r.ms,
        }
      : r,
  );
}

/**
 * Deterministic queue job id of a batch: the same batch enqueued twice (resume, retry of an add) is one job. The
 * parameters are part of the hash as well as the seeds: what-ifs share their seeds (common random numbers), so run 3
 * of one store and run 3 of another store, or two runs of one sensitivity study, never share a job unless they would
 * compute the same bytes.
 * @example batchJobId('run7', { a: 1 }, [], 1).startsWith('run7-') // => true
 * @example batchJobId('run7', { a: 1 }, [], 1) === batchJobId('run7', { a: 2 }, [], 1) // => false
 */
export function batchJobId(owner: string, params: unknown, jobs: JobSpec[], attempt: number): string {
  const ids = jobs.map((j) => `${j.model}.${j.years.join('-')}.${j.replication}.${j.seed}`).join(',');
  const h = createHash('sha256')
    .update(JSON.stringify(params) ?? '')
    .update('\0')
    .update(ids)
    .digest('hex');
  return `${owner}-${h.slice(0, 20)}-a${attempt}`;
}
