/** `twin worker --redis URL`: take job batches from the cluster queue and run them on this machine's pool. */
import type { Command } from 'commander';
// @ts-expect-error plain ESM build script without types
import { buildWorker } from '../build-worker.mjs';
import { createPool, defaultThreads } from '../pool.ts';
import { int, UsageError, type Cli } from './common.ts';

/** Env overrides for tests and operators: lock duration and stalled-check interval of queue jobs, ms. */
const LOCK_ENV = 'TWIN_WORKER_LOCK_MS';
const STALLED_ENV = 'TWIN_WORKER_STALLED_MS';

function envMs(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 100 || n > 3_600_000)
    throw new UsageError(`${name}=${v}: must be an integer number of ms from 100 to 3600000`);
  return n;
}

/**
 * Registers `twin worker`. Runs until SIGINT/SIGTERM, then finishes its running jobs and exits 0. Exit code 2 when
 * Redis is unusable (bad URL, unreachable, wrong password, an evicting maxmemory-policy).
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
      // Loaded here so that other commands do not pay for BullMQ at start-up.
      const { checkRedis, ClusterError } = await import('../cluster/connection.ts');
      const { startClusterWorker } = await import('../cluster/worker-process.ts');
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
      await new Promise<void>((resolve) => {
        const stop = (sig: string) => {
          process.stderr.write(`twin worker ${worker.name}: ${sig}, finishing running jobs\n`);
          resolve();
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      await worker.close();
      await pool.close().catch(() => {});
    });
}
