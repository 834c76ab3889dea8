/**
 * `--cluster URL` for the commands that run engine runs on `twin worker` processes through Redis (serve, optimise,
 * sensitivity; `twin run` has its own coordinator): Redis is checked first (bad URL, unreachable, wrong password, an
 * evicting Redis: UsageError, exit 2, before any job), then each owner (a run, a study) opens its own queue executor
 * and the calling process stays the only store writer.
 */
import type { TaskExecutor } from '../api/tasks.ts';
// @ts-expect-error plain ESM build script without types
import { buildWorker } from '../build-worker.mjs';
import { createPool, type JobPool } from '../pool.ts';
import { UsageError } from './common.ts';

/**
 * The executor factory for a Redis URL, after the pre-flight checks.
 * @example await clusterExecutors('http://127.0.0.1:6379') // throws 'use redis:// or rediss://'
 */
export async function clusterExecutors(url: string): Promise<(owner: string) => Promise<TaskExecutor>> {
  // Loaded here so that a plain `twin serve` does not pay for BullMQ at start-up.
  const { ClusterError } = await import('../cluster/connection.ts');
  const { preflight } = await import('../cluster/coordinator.ts');
  const { createClusterExecutor } = await import('../cluster/executor.ts');
  const { localIdentity } = await import('../cluster/protocol.ts');
  try {
    await preflight(url);
  } catch (e) {
    if (e instanceof ClusterError) throw new UsageError(e.message);
    throw e;
  }
  const identity = localIdentity();
  return (owner) =>
    createClusterExecutor({
      url,
      owner,
      identity,
      onLog: (l) => process.stderr.write(`${owner} (cluster): ${l}\n`),
    });
}

/**
 * Where a study's candidate runs go: the local pool (`threads` threads), or, with `--cluster URL`, one queue executor
 * for the whole study (checked first: exit 2 on a bad URL). Either way the caller closes it.
 */
export async function studyExecutor(
  cluster: string | undefined,
  threads: number,
  owner: string,
): Promise<JobPool | TaskExecutor> {
  if (cluster !== undefined) return (await clusterExecutors(cluster))(`${owner}-${process.pid}`);
  await buildWorker();
  return createPool({ threads });
}
