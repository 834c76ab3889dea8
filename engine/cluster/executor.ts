/**
 * The coordinator's side of the cluster: a JobExecutor (the same interface as the local piscina pool) that sends each
 * batch through a BullMQ queue and waits for a worker's result. The coordinator stays the only store writer; a batch
 * delivered twice (a stalled worker's job redelivered) still completes once, because the queue job id is
 * deterministic and the result is taken from the queue job, once, then the job is removed.
 *
 * Completion is seen through QueueEvents (fast) and a poll of the in-flight jobs every POLL_MS (robust: events are
 * fire-and-forget, and a Redis restarted without persistence loses the jobs — the poll finds them gone and the
 * batch is rejected, so the dispatcher retries it like a batch whose worker died).
 */
import { hostname } from 'node:os';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerResult } from '../worker.ts';
import { ClusterError, openRedis } from './connection.ts';
import {
  CANCEL_CHANNEL,
  QUEUE_NAME,
  WORKER_KEY_PREFIX,
  batchJobId,
  fromWire,
  type BatchData,
  type Identity,
  type WireResult,
} from './protocol.ts';

/** How often in-flight jobs are checked besides the events, ms. */
const POLL_MS = 1000;
/**
 * Work per queue job, ms. A queue job costs a few ms of Redis round trips and JSON on both sides (measured by
 * bench:cluster), so ~1 s of work makes the hand-over well under 1 %, while a run still splits into many more queue
 * jobs than there are worker slots (the last batches finish close together).
 */
export const CLUSTER_BATCH_MS = 1000;
/** Most engine jobs per queue job: bounds one job's payload and result size (results travel in the return value). */
export const CLUSTER_MAX_BATCH_JOBS = 200;
/** In-flight floor: a coordinator started before its workers still keeps enough queue jobs waiting for them. */
const MIN_SLOTS = 4;
/** How often the live workers are counted again, ms: a worker that joins mid-run gets batches within this time. */
const RECOUNT_MS = 2000;
/** How long close() waits for cancelled running queue jobs to stop so that it can remove them, ms. */
const CANCEL_WAIT_MS = 15_000;

export interface ClusterExecutorOptions {
  url: string;
  /**
   * What the queue jobs belong to: the prefix of their ids and the name workers log (`run12` for stored run 12,
   * `sensitivity3` for a server task). Leftover queue jobs with this prefix are removed when the executor opens.
   */
  owner: string;
  identity: Identity;
  /** Log lines (workers seen, Redis trouble). */
  onLog?: (line: string) => void;
}

/** The JobExecutor shape of engine/run/dispatch.ts, plus close(). */
export interface ClusterExecutor {
  /** Job slots of the live workers (at least MIN_SLOTS), counted again every RECOUNT_MS. */
  readonly threads: number;
  readonly batchMs: number;
  readonly maxBatchJobs: number;
  execute(batch: { params: unknown; jobs: BatchData['jobs'] }, signal: AbortSignal): Promise<WorkerResult[]>;
  /**
   * Stop: pending waits are rejected, and queue jobs of cancelled batches that were running get up to
   * CANCEL_WAIT_MS to stop on their worker (told over pub/sub) and are then removed, so Redis keeps nothing of them.
   */
  close(): Promise<void>;
}

interface Waiter {
  resolve: (r: WorkerResult[]) => void;
  reject: (e: Error) => void;
}

/** Threads of the live workers (their heartbeats), at least 1. */
export async function liveWorkerThreads(
  conn: Redis,
): Promise<{ workers: number; threads: number; versions: string[] }> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await conn.scan(cursor, 'MATCH', `${WORKER_KEY_PREFIX}*`, 'COUNT', 100);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  let threads = 0;
  const versions = new Set<string>();
  for (const k of keys) {
    const v = await conn.get(k);
    if (!v) continue;
    const info = JSON.parse(v) as { threads: number; concurrency: number; identity: Identity };
    threads += info.concurrency;
    versions.add(info.identity.codeVersion);
  }
  return { workers: keys.length, threads, versions: [...versions] };
}

/**
 * Open the queue for one owner (a run, or a server task). Leftover queue jobs of the owner (a killed coordinator's)
 * are removed first, except running ones, whose results are simply not waited for.
 */
export async function createClusterExecutor(o: ClusterExecutorOptions): Promise<ClusterExecutor> {
  const conn = openRedis(o.url);
  const eventsConn = openRedis(o.url);
  const pub = openRedis(o.url);
  const onRedisError = (e: Error) => o.onLog?.(`Redis: ${e.message}`);
  conn.on('error', onRedisError);
  eventsConn.on('error', () => {});
  pub.on('error', () => {});
  const queue = new Queue<BatchData, WireResult[]>(QUEUE_NAME, {
    connection: conn,
    // Completed events carry the return value (a batch of results): a short stream keeps Redis memory small.
    streams: { events: { maxLen: 100 } },
  });
  const events = new QueueEvents(QUEUE_NAME, { connection: eventsConn, autorun: true });
  const waiters = new Map<string, Waiter>();

  const prefix = `${o.owner}-`;
  for (const state of ['waiting', 'delayed', 'prioritized', 'completed', 'failed'] as const) {
    const jobs = await queue.getJobs([state], 0, -1);
    for (const j of jobs) if (j?.id?.startsWith(prefix)) await j.remove().catch(() => {});
  }

  const { workers, threads, versions } = await liveWorkerThreads(conn);
  if (workers === 0)
    o.onLog?.('no cluster worker is connected yet; jobs wait in the queue until one starts (twin worker --redis URL)');
  else o.onLog?.(`${workers} cluster worker(s), ${threads} job slots, code version(s) ${versions.join(', ')}`);
  // The dispatcher reads `threads` after every batch: workers that join later widen the in-flight window.
  let slots = Math.max(MIN_SLOTS, threads);
  let lastWorkers = workers;
  let counting = false;
  const recount = setInterval(() => {
    if (counting) return;
    counting = true;
    liveWorkerThreads(conn)
      .then((live) => {
        if (live.workers !== lastWorkers) o.onLog?.(`${live.workers} cluster worker(s) now, ${live.threads} job slots`);
        lastWorkers = live.workers;
        // Never below what the run started with: a worker that leaves only makes queue jobs wait a little longer.
        slots = Math.max(slots, live.threads);
      })
      .catch(() => {}) // Redis down: keep the last count
      .finally(() => (counting = false));
  }, RECOUNT_MS);

  // One look at a job at a time: while Redis is down, polls would otherwise pile up behind the offline queue.
  const settling = new Set<string>();
  /** Ids whose add Redis acknowledged. */
  const queued = new Set<string>();
  /** Queue jobs of cancelled batches that could not be removed yet (running on a worker): removed by close(). */
  const cancelled = new Set<string>();
  const settle = async (id: string): Promise<void> => {
    if (settling.has(id)) return;
    settling.add(id);
    try {
      await settleOnce(id);
    } finally {
      settling.delete(id);
    }
  };
  const settleOnce = async (id: string): Promise<void> => {
    const w = waiters.get(id);
    // Not yet in Redis (its add is on the way): "unknown" would be read as lost.
    if (!w || !queued.has(id)) return;
    // State first, then the job: a job read while active and finished before its state was asked would have no
    // return value yet.
    const state = await queue.getJobState(id);
    if (process.env.TWIN_CLUSTER_DEBUG) o.onLog?.(`debug: ${id} ${state}`);
    const job =
      state === 'completed' || state === 'failed' ? await Job.fromId<BatchData, WireResult[]>(queue, id) : null;
    if (state === 'unknown' || ((state === 'completed' || state === 'failed') && !job)) {
      waiters.delete(id);
      queued.delete(id);
      w.reject(new Error(`queue job ${id} disappeared from Redis (was Redis restarted without persistence?)`));
      return;
    }
    if (!job) return;
    queued.delete(id);
    if (state === 'completed') {
      waiters.delete(id);
      const value = job.returnvalue;
      await job.remove().catch(() => {});
      try {
        w.resolve(fromWire(value));
      } catch (e) {
        w.reject(new Error(`queue job ${id} returned an unreadable result: ${(e as Error).message}`));
      }
    } else if (state === 'failed') {
      waiters.delete(id);
      const reason = job.failedReason || 'failed';
      await job.remove().catch(() => {});
      const refused = /refused:/.test(reason);
      // A refused job (other code version) is the user's to fix: a model-style error that is not retried.
      if (refused) w.resolve(batchFailure('WORKER_REFUSED', reason));
      else w.reject(new Error(reason));
    }
  };

  /** Remove a cancelled batch's queue job; one that is running (locked) is kept in `cancelled` for close(). */
  const dropCancelled = async (id: string): Promise<boolean> => {
    const state = await queue.getJobState(id);
    if (state === 'unknown') return true;
    if (state === 'active') return false;
    const job = await Job.fromId(queue, id);
    if (!job) return true;
    await job.remove();
    return true;
  };

  events.on('completed', ({ jobId }) => void settle(jobId).catch(() => {}));
  events.on('failed', ({ jobId }) => void settle(jobId).catch(() => {}));
  const poll = setInterval(() => {
    for (const id of [...waiters.keys()]) void settle(id).catch(() => {}); // Redis down: try again next time
  }, POLL_MS);

  const attempts = new Map<string, number>();
  return {
    get threads() {
      return slots;
    },
    batchMs: CLUSTER_BATCH_MS,
    maxBatchJobs: CLUSTER_MAX_BATCH_JOBS,
    execute: async (batch, signal) => {
      const base = batchJobId(o.owner, batch.params, batch.jobs, 0);
      const attempt = (attempts.get(base) ?? 0) + 1;
      attempts.set(base, attempt);
      const id = batchJobId(o.owner, batch.params, batch.jobs, attempt);
      const data: BatchData = { owner: o.owner, identity: o.identity, params: batch.params, jobs: batch.jobs };
      return new Promise<WorkerResult[]>((resolve, reject) => {
        const onAbort = () => {
          waiters.delete(id);
          cancelled.add(id);
          // Waiting: removed now. Running: its worker is told to stop (below) and close() removes the job after.
          void dropCancelled(id)
            .then((gone) => gone && cancelled.delete(id))
            .catch(() => {});
          void pub.publish(CANCEL_CHANNEL, JSON.stringify({ owner: o.owner, jobId: id })).catch(() => {});
          reject(new Error('cancelled'));
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        const done = (f: () => void) => {
          signal.removeEventListener('abort', onAbort);
          f();
        };
        waiters.set(id, { resolve: (r) => done(() => resolve(r)), reject: (e) => done(() => reject(e)) });
        queue
          .add('batch', data, {
            jobId: id,
            attempts: 1,
            removeOnComplete: { age: 24 * 3600 }, // removed by settle(); the age is a backstop for lost coordinators
            removeOnFail: { age: 24 * 3600 },
          })
          .then(() => {
            // Cancelled while the add was on its way: the job exists now and must not stay.
            if (cancelled.has(id))
              void dropCancelled(id)
                .then((gone) => gone && cancelled.delete(id))
                .catch(() => {});
            queued.add(id);
            return settle(id);
          }) // already finished (an earlier coordinator's identical job)
          .catch((e: Error) => {
            if (!waiters.has(id)) return;
            waiters.delete(id);
            done(() => reject(new Error(`could not queue job ${id}: ${e.message}`)));
          });
      });
    },
    close: async () => {
      clearInterval(poll);
      clearInterval(recount);
      for (const [, w] of waiters) w.reject(new Error('cluster executor closed'));
      waiters.clear();
      // Cancelled batches still running on a worker stop within moments (the worker aborts its pool task and fails
      // the queue job); remove them then, so that a cancelled run leaves nothing in Redis.
      const t0 = Date.now();
      while (cancelled.size && Date.now() - t0 < CANCEL_WAIT_MS) {
        for (const id of [...cancelled])
          if (await within(2000, dropCancelled(id), false).catch(() => false)) cancelled.delete(id);
        if (cancelled.size) await new Promise((r) => setTimeout(r, 200));
      }
      if (cancelled.size)
        o.onLog?.(
          `${cancelled.size} cancelled queue job(s) still running on a worker; Redis removes them after 24 h (${[...cancelled].slice(0, 3).join(', ')})`,
        );
      await events.close().catch(() => {});
      await queue.close().catch(() => {});
      conn.disconnect();
      eventsConn.disconnect();
      pub.disconnect();
    },
  };
}

/** `p`, or `fallback` after `ms` (a command to a Redis that is down waits for its return, for ever). */
function within<T>(ms: number, p: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** A batch answered with one model-style error (the dispatcher fails the run naming the batch's first job). */
function batchFailure(code: string, message: string): WorkerResult[] {
  return [{ ok: false, code, message }];
}

/** Where this coordinator runs, for worker logs. */
export const coordinatorName = `${hostname()}:${process.pid}`;

export { ClusterError };
