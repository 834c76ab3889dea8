/**
 * Shared pieces of the cluster tests (cluster.test.ts, cluster-ops.test.ts): testbed scenarios, what a run stored,
 * real `twin` child processes and polling. Imports no test framework, so plain scripts can use it too.
 */
import { type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { openStore } from '../store.ts';
import { twinAsync } from '../test/helpers.ts';
import { WORKER_KEY_PREFIX } from './protocol.ts';

/** Short lock and stall check so that a killed worker's jobs come back within seconds. */
export const FAST_STALL = { TWIN_WORKER_LOCK_MS: '1500', TWIN_WORKER_STALLED_MS: '500' };

/**
 * Every process of these tests claims one code version: `git describe --dirty` changes when a file is edited or
 * committed while the tests run, and workers started before would then (rightly) refuse the coordinator's jobs.
 */
export const VERSION = { TWIN_CODE_VERSION: 'cluster-test' };

/** The YAML of a testbed scenario over 2017–2019 whose jobs sleep `delayMs` each. */
export function scenarioYaml(name: string, delayMs: number, replications: number): string {
  return (
    `name: ${name}\nmodels: [testbed]\nperiod: { startYear: 2017, endYear: 2019 }\nreplications: ${replications}\n` +
    `testbed: { delayMs: ${delayMs}, samples: 5000 }\n`
  );
}

/** Write a testbed scenario file into `dir`; returns its path. */
export function scenario(dir: string, name: string, delayMs: number, replications: number): string {
  const f = path.join(dir, `${name}.yaml`);
  writeFileSync(f, scenarioYaml(name, delayMs, replications));
  return f;
}

/** Everything a run stored that must not depend on where jobs ran: aggregates, job outputs, artifacts. */
export function dump(
  db: string,
  runId: number,
): { series: string; outputs: string[]; artifacts: number; jobs: number } {
  const store = openStore(db);
  try {
    const series = JSON.stringify(
      store.series(runId).map((r) => [r.metric, r.entity, r.period, r.p10, r.p50, r.p90, r.mean, r.n]),
    );
    const blobs = store.jobOutputBlobs(runId, 'testbed');
    return {
      series,
      outputs: blobs.map((b) => `${b.idx}:${b.output.toString('base64')}`),
      artifacts: store.artifactList(runId).length,
      jobs: store.jobs(runId).length,
    };
  } finally {
    store.close();
  }
}

/** A stored run's status. */
export function runStatus(db: string, runId: number): string | undefined {
  const store = openStore(db);
  try {
    return store.run(runId)?.status;
  } finally {
    store.close();
  }
}

/** Finished jobs of a stored run. */
export function jobsDone(db: string, runId: number): number {
  const store = openStore(db);
  try {
    return store.jobs(runId).filter((j) => j.status === 'done').length;
  } finally {
    store.close();
  }
}

export interface Proc {
  child: ChildProcess;
  out: () => string;
  exit: Promise<number | null>;
}

/** Start the real CLI with the tests' code version; stdout and stderr are collected together. */
export function spawnTwin(args: string[], env: Record<string, string> = {}): Proc {
  const child = twinAsync(args, { ...VERSION, ...env });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => text, exit };
}

/** Poll `cond` every 100 ms; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Number of live worker heartbeats in Redis. */
export async function liveWorkers(url: string): Promise<number> {
  const c = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
  c.on('error', () => {});
  try {
    await c.connect();
    return (await c.keys(`${WORKER_KEY_PREFIX}*`)).length;
  } catch {
    return 0;
  } finally {
    c.disconnect();
  }
}

/** Progress lines say "k/N jobs": true once at least `k` jobs are done. */
export function doneAtLeast(p: Proc, k: number): boolean {
  return [...p.out().matchAll(/(\d+)\/\d+ jobs/g)].some((m) => Number(m[1]) >= k);
}
