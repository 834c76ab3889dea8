/**
 * `twin worker`: a long-lived process on any machine with the same code version. A plain BullMQ Worker whose
 * processor awaits the local piscina pool (the event loop stays free to renew job locks: a CPU-bound processor would
 * lose its lock and the job would run twice), one queue job = one batch of engine jobs.
 *
 * It refuses (fails without retry) a job whose coordinator runs another code version or model registry, logging the
 * reason; the coordinator fails the run with the same message. A heartbeat key tells coordinators how many job slots
 * are connected. SIGINT/SIGTERM: stop taking jobs, finish the running ones, exit.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
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

export interface ClusterWorker {
  readonly name: string;
  /** Stop taking jobs, finish running ones, disconnect. */
  close(): Promise<void>;
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
      const { jobId } = JSON.parse(msg) as { runId: number; jobId: string };
      running.get(jobId)?.abort(new Error('cancelled by the coordinator'));
    } catch {
      /* not ours */
    }
  });

  const processor = async (job: Job<BatchData, WireResult[]>): Promise<WireResult[]> => {
    const why = identityMismatch(o.identity, job.data.identity);
    if (why) {
      const msg = `refused: worker ${name} will not run job ${job.id} of run ${job.data.runId}: the coordinator's ${why}; start every worker from the same commit as the coordinator`;
      log(msg);
      throw new UnrecoverableError(msg);
    }
    const ac = new AbortController();
    running.set(job.id!, ac);
    try {
      const results = await o.pool.runBatch({ params: job.data.params, jobs: job.data.jobs }, ac.signal);
      return toWire(results);
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

  return {
    name,
    close: async () => {
      clearInterval(timer);
      await worker.close();
      await conn.del(key).catch(() => {});
      sub.disconnect();
      conn.disconnect();
    },
  };
}
