/** `twin worker --redis URL`: take job batches from the cluster queue and run them on this machine's pool. */
import type { Command } from 'commander';
// @ts-expect-error plain ESM build script without types
import { buildWorker } from '../build-worker.mjs';
import { createPool, defaultThreads } from '../pool.ts';
import { int, UsageError, type Cli } from './common.ts';

/** Env overrides for tests and operators: lock duration and stalled-check interval of queue jobs, ms. */
const LOCK_ENV = 'TWIN_WORKER_LOCK_MS';
const STALLED_ENV = 'TWIN_WORKER_STALLED_MS';
/** Time running batches get to finish after SIGTERM/SIGINT before they are given back, ms (default 10 s). */
const GRACE_ENV = 'TWIN_WORKER_GRACE_MS';
/** Time the pool gets to stop its threads at exit, ms. */
const POOL_CLOSE_MS = 3000;

function envMs(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 100 || n > 3_600_000)
    throw new UsageError(`${name}=${v}: must be an integer number of ms from 100 to 3600000`);
  return n;
}

/**
 * Registers `twin worker`. Runs until SIGINT/SIGTERM; then it takes no new job, gives its running batches
 * TWIN_WORKER_GRACE_MS (10 s) to finish, gives back the rest to the queue (a second signal gives them back at once),
 * closes pool and connections and exits 0, within seconds even when Redis is gone. Exit code 2 when Redis is
 * unusable (bad URL, unreachable, wrong password, an evicting maxmemory-policy).
 */
export function registerWorker(program: Command, _cli: Cli): void {
  program
    .command('worker')
    .description('cluster worker: run job batches from a Redis queue (twin run --cluster) on this machine')
    .requiredOption('--redis <url>', 'Redis URL: redis://[user:password@]HOST:PORT[/DB] or rediss:// for TLS')
    .option('--threads <n>', 'worker threads (default: all cores)', int('--threads', 1, 256))
    .option('--concurrency <k>', 'queue jobs taken at once (default: 2 × threads)', int('--concurrency', 1, 1024))
    .action(async (o: { redis: string; threads?: number; concurrency?: number }) => {
      const lockDurationMs = envMs(LOCK_ENV);
      const stalledIntervalMs = envMs(STALLED_ENV);
      const graceMs = envMs(GRACE_ENV);
      // Loaded here so that other commands do not pay for BullMQ at start-up.
      const { checkRedis, ClusterError } = await import('../cluster/connection.ts');
      const { startClusterWorker, CLOSE_GRACE_MS } = await import('../cluster/worker-process.ts');
      const { localIdentity } = await import('../cluster/protocol.ts');
      try {
        for (const w of await checkRedis(o.redis)) process.stderr.write(`warning: ${w}\n`);
      } catch (e) {
        if (e instanceof ClusterError) throw new UsageError(e.message);
        throw e;
      }
      await buildWorker();
      const pool = createPool({ threads: o.threads ?? defaultThreads() });
      const worker = await startClusterWorker({
        url: o.redis,
        pool,
        identity: localIdentity(),
        concurrency: o.concurrency,
        lockDurationMs,
        stalledIntervalMs,
      });
      const say = (l: string) => process.stderr.write(`twin worker ${worker.name}: ${l}\n`);
      await new Promise<void>((resolve) => {
        let signalled = false;
        const onSignal = (sig: NodeJS.Signals) => {
          if (signalled) {
            say(`${sig} again: giving back the running batches now`);
            void worker.close();
            return;
          }
          signalled = true;
          say(
            `${sig}: taking no new jobs; ${worker.running} running batch(es) get ${((graceMs ?? CLOSE_GRACE_MS) / 1000).toFixed(0)} s to finish, then go back to the queue`,
          );
          resolve();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      const r = await worker.close(graceMs);
      await Promise.race([pool.close().catch(() => {}), new Promise((ok) => setTimeout(ok, POOL_CLOSE_MS).unref())]);
      say(
        `stopped: ${r.finished} batch(es) done, ${r.givenBack} given back${r.clean ? '' : '; Redis did not answer, so running jobs come back after the stall interval'}`,
      );
      // Nothing of this command is left to do: a handle a library keeps open (a reconnecting socket) must not keep
      // the process alive under a service manager waiting for it to stop.
      setTimeout(() => process.exit(), 1000).unref();
    });
}
