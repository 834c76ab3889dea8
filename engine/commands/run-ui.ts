/**
 * Running scenarios from a terminal (`twin run`, `twin start`): the worker pool, a progress bar (or plain lines when
 * stderr is not a terminal), Ctrl-C as cancellation, and the exit code of a run's outcome.
 */
import cliProgress from 'cli-progress';
// @ts-expect-error plain ESM build script without types
import { buildWorker } from '../build-worker.mjs';
import { createPool, type JobPool } from '../pool.ts';
import type { Progress, RunOptions, RunOutcome } from '../run.ts';

function progressReporter(label: string): { onProgress: (p: Progress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} jobs | {percentage}% | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      onProgress: (p) => {
        if (!started) {
          bar.start(p.total, p.done);
          started = true;
        } else bar.update(p.done);
      },
      stop: () => started && bar.stop(),
    };
  }
  // Not a terminal (CI, logs): a plain line at most every 10 % or 5 s.
  let lastPct = -1;
  let lastT = 0;
  return {
    onProgress: (p) => {
      const pct = Math.floor((100 * p.done) / Math.max(1, p.total));
      const now = Date.now();
      if (p.done === p.total || pct >= lastPct + 10 || now - lastT > 5000) {
        lastPct = pct;
        lastT = now;
        const eta = p.etaMs === null ? '?' : `${Math.round(p.etaMs / 1000)} s`;
        process.stderr.write(`${label}: ${p.done}/${p.total} jobs (${pct}%), ETA ${eta}\n`);
      }
    },
    stop: () => {},
  };
}

/**
 * Run (or resume) on a fresh pool with progress and Ctrl-C handling; returns the outcome.
 * @example const out = await runWithUi(2, 'baseline', (pool, ui) => startRun(loaded, store, pool, ui));
 */
export async function runWithUi(
  threads: number,
  label: string,
  go: (pool: JobPool, o: RunOptions) => Promise<RunOutcome>,
): Promise<RunOutcome> {
  await buildWorker();
  const pool = createPool({ threads });
  const ac = new AbortController();
  const onSigint = () => {
    process.stderr.write('\ncancelling: finished jobs are kept; continue later with --resume\n');
    ac.abort(new Error('cancelled'));
  };
  process.once('SIGINT', onSigint);
  const ui = progressReporter(label);
  try {
    return await go(pool, {
      signal: ac.signal,
      onProgress: ui.onProgress,
      onLog: (l) => process.stderr.write(`${l}\n`),
    });
  } finally {
    ui.stop();
    process.off('SIGINT', onSigint);
    await pool.close().catch(() => {});
  }
}

/**
 * Print a run's outcome and return its exit code: 0 done, 130 cancelled, 1 failed.
 * @example
 * outcomeCode({ runId: 3, status: 'done' }) // => 0
 * outcomeCode({ runId: 3, status: 'cancelled' }) // => 130
 * outcomeCode({ runId: 3, status: 'failed', error: 'job #4 (model traffic, year 2018, replication 1): no equilibrium' }) // => 1
 */
export function outcomeCode(o: RunOutcome): number {
  if (o.status === 'done') {
    process.stdout.write(`run ${o.runId} done\n`);
    return 0;
  }
  if (o.status === 'cancelled') {
    process.stderr.write(`run ${o.runId} cancelled; continue with: twin run --resume ${o.runId}\n`);
    return 130;
  }
  process.stderr.write(`run ${o.runId} failed: ${o.error}\n`);
  return 1;
}
