/**
 * `twin worker`: a long-lived process on any machine with the same code version. A plain BullMQ Worker whose
 * processor awaits the local piscina pool (the event loop stays free to renew job locks: a CPU-bound processor would
 * lose its lock and the job would run twice), one queue job = one batch of engine jobs.
 *
 * It refuses (fails without retry) a job whose coordinator runs another code version or model registry, logging the
 * reason; the coordinator fails the run with the same message. A heartbeat key tells coordinators how many job slots
 * are connected. SIGINT/SIGTERM: stop taking jobs, give the running batches a bounded time to finish, give back the
 * rest (moved to the queue's wait list, where another worker takes them at once), close, exit.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { JobPool } from '../pool.ts';
import { openRedis, redactUrl } from './connection.ts';
import {
  CANCEL_CHANNEL,
  QUEUE_NAME,
  WORKER_KEY_PREFIX,
  identityMismatch,
  toWire,
  type BatchData,
  type Identity,
  type WireResult,
} from './protocol.ts';

export interface ClusterWorkerOptions {
  url: string;
  pool: JobPool;
  identity: Identity;
  /** Queue jobs taken at once (default: 2 × pool threads, so each thread has its next batch ready). */
  concurrency?: number;
  /** Lock duration, ms: a job whose worker stops renewing its lock for this long is redelivered (BullMQ default 30 s). */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for, ms. */
  stalledIntervalMs?: number;
  log?: (line: string) => void;
}

/** How a close went: batches this worker finished (since it started), and batches given back to the queue. */
export interface CloseReport {
  finished: number;
  givenBack: number;
  /** False when Redis did not answer in time (the connections were dropped; stalled detection redelivers). */
  clean: boolean;
}

export interface ClusterWorker {
  readonly name: string;
  /** Queue jobs running now. */
  readonly running: number;
  /**
   * Stop taking jobs; running batches get `graceMs` to finish, then are stopped and given back to the queue (another
   * worker takes them at once); the heartbeat is removed and the connections closed. Resolves within about
   * graceMs + CLOSE_BACKSTOP_MS even when Redis is gone (a close that waited on a dead Redis hung for ever once).
   * A second call during a close gives back the running batches at once.
   */
  close(graceMs?: number): Promise<CloseReport>;
}

/** Default time running batches get to finish on SIGTERM, ms (a batch is ≈ 1 s of work: CLUSTER_BATCH_MS). */
export const CLOSE_GRACE_MS = 10_000;
/** Time Redis gets, after the grace time, to take the given-back batches and the heartbeat removal, ms. */
export const CLOSE_BACKSTOP_MS = 3000;
/** Abort reason of a batch stopped because its worker is closing (given back, not failed). */
const GIVE_BACK = 'worker closing: batch given back to the queue';

/** Resolves with `value` after `ms` (unref'd: it never keeps the process alive). */
function after<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());
}

/** Start a cluster worker; resolves once it is connected and taking jobs. */
export async function startClusterWorker(o: ClusterWorkerOptions): Promise<ClusterWorker> {
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const name = `${hostname()}:${process.pid}`;
  const concurrency = o.concurrency ?? Math.max(1, o.pool.threads * 2);
  const conn = openRedis(o.url);
  const sub = openRedis(o.url);
  conn.on('error', (e) => log(`Redis ${redactUrl(o.url)}: ${e.message}`));
  sub.on('error', () => {});
  const running = new Map<string, AbortController>();

  await sub.subscribe(CANCEL_CHANNEL);
  sub.on('message', (_ch, msg) => {
    try {
      const { jobId } = JSON.parse(msg) as { jobId: string };
      running.get(jobId)?.abort(new Error('cancelled by the coordinator'));
    } catch {
      /* not ours */
    }
  });

  let finished = 0;
  let givenBack = 0;
  const processor = async (job: Job<BatchData, WireResult[]>, token?: string): Promise<WireResult[]> => {
    const why = identityMismatch(o.identity, job.data.identity);
    if (why) {
      const msg = `refused: worker ${name} will not run job ${job.id} of ${job.data.owner}: the coordinator's ${why}; start every worker from the same commit as the coordinator`;
      log(msg);
      throw new UnrecoverableError(msg);
    }
    const ac = new AbortController();
    running.set(job.id!, ac);
    try {
      const results = await o.pool.runBatch({ params: job.data.params, jobs: job.data.jobs }, ac.signal);
      finished++;
      return toWire(results);
    } catch (e) {
      if (ac.signal.aborted && ac.signal.reason === GIVE_BACK) {
        // Back to the wait list with its lock released: the next free worker takes it now, not after a stall check.
        await job.moveToWait(token);
        givenBack++;
        log(`gave back job ${job.id} (${job.data.jobs.length} engine jobs of ${job.data.owner})`);
        throw new WaitingError();
      }
      if (ac.signal.aborted) log(`stopped job ${job.id} of ${job.data.owner}: ${(ac.signal.reason as Error).message}`);
      throw e;
    } finally {
      running.delete(job.id!);
    }
  };

  const worker = new Worker<BatchData, WireResult[]>(QUEUE_NAME, processor, {
    connection: conn,
    concurrency,
    lockDuration: o.lockDurationMs ?? 30_000,
    stalledInterval: o.stalledIntervalMs ?? 30_000,
    // A stalled job goes back to the queue this many times before it fails (a machine that dies twice on one job).
    maxStalledCount: 2,
    autorun: true,
  });
  worker.on('error', (e) => log(`worker: ${e.message}`));
  await worker.waitUntilReady();

  // Heartbeat: coordinators count connected job slots (and see code versions) from these keys.
  const key = `${WORKER_KEY_PREFIX}${name}`;
  const beat = () =>
    conn
      .set(key, JSON.stringify({ threads: o.pool.threads, concurrency, identity: o.identity }), 'PX', 15_000)
      .catch(() => {});
  await beat();
  const timer = setInterval(beat, 5000);
  log(
    `twin worker ${name}: ${o.pool.threads} thread(s), ${concurrency} job(s) at once, code ${o.identity.codeVersion}, queue ${QUEUE_NAME} on ${redactUrl(o.url)}`,
  );

  const giveBack = () => {
    for (const ac of running.values()) ac.abort(GIVE_BACK);
  };
  let closing: Promise<CloseReport> | null = null;
  return {
    name,
    get running() {
      return running.size;
    },
    close: (graceMs = CLOSE_GRACE_MS) => {
      if (closing) {
        giveBack();
        return closing;
      }
      closing = (async () => {
        clearInterval(timer);
        // worker.close() stops fetching at once and resolves when the running processors have returned.
        const closed = worker.close().then(
          () => true,
          () => false,
        );
        const grace = setTimeout(giveBack, graceMs);
        let clean = await Promise.race([closed, after(graceMs + CLOSE_BACKSTOP_MS, false)]);
        clearTimeout(grace);
        if (clean)
          clean = await Promise.race([
            conn.del(key).then(
              () => true,
              () => false,
            ),
            after(CLOSE_BACKSTOP_MS, false),
          ]);
        if (!clean) void worker.close(true).catch(() => {});
        sub.disconnect();
        conn.disconnect();
        return { finished, givenBack, clean };
      })();
      return closing;
    },
  };
}
