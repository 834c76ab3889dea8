/**
 * `twin run --cluster URL`: the coordinator's session. Redis is checked (reachable, credentials, `noeviction`)
 * before anything is written or queued; the run is then executed exactly as locally (plan, dispatch, aggregate, one
 * SQLite writer), with the queue as its executor. Ctrl-C cancels: queued jobs are removed and running ones told to
 * stop; the run is kept for `--resume`.
 */
import type { RunOptions, RunOutcome } from '../run.ts';
import { checkRedis } from './connection.ts';
import { createClusterExecutor, type ClusterExecutor } from './executor.ts';
import { localIdentity } from './protocol.ts';

/** What a cluster session hands to the run: the executor and the usual run options (signal, progress, log). */
export type ClusterGo = (executor: ClusterExecutor, o: RunOptions) => Promise<RunOutcome>;

/**
 * Check Redis at `url`; throws ClusterError (one line, exit code 2) before any job runs when it is unusable.
 * Prints the warnings (a managed Redis that refuses CONFIG GET).
 */
export async function preflight(url: string): Promise<void> {
  for (const w of await checkRedis(url)) process.stderr.write(`warning: ${w}\n`);
}

/**
 * Execute run `runId` (already planned in the store) through the queue at `url`, with progress lines on stderr and
 * Ctrl-C as cancellation. Call `preflight` first.
 */
export async function runOnCluster(url: string, runId: number, label: string, go: ClusterGo): Promise<RunOutcome> {
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const executor = await createClusterExecutor({ url, owner: `run${runId}`, identity: localIdentity(), onLog: log });
  const ac = new AbortController();
  const onSigint = () => {
    log('\ncancelling: queued jobs are removed, running ones stopped; continue later with --resume');
    ac.abort(new Error('cancelled'));
  };
  process.once('SIGINT', onSigint);
  // Plain lines (a coordinator typically runs under a service manager or in a log): every 10 % or 5 s.
  let lastPct = -1;
  let lastT = 0;
  try {
    return await go(executor, {
      signal: ac.signal,
      onLog: log,
      onProgress: (p) => {
        const pct = Math.floor((100 * p.done) / Math.max(1, p.total));
        const now = Date.now();
        if (p.done === p.total || pct >= lastPct + 10 || now - lastT > 5000) {
          lastPct = pct;
          lastT = now;
          const eta = p.etaMs === null ? '?' : `${Math.round(p.etaMs / 1000)} s`;
          log(`${label} (cluster): ${p.done}/${p.total} jobs (${pct}%), ETA ${eta}, ${p.retries} retried`);
        }
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
    await executor.close();
  }
}
