import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool } from './pool.ts';
import { aggregateRun, planJobs, resumeRun, startRun, type JobExecutor } from './run.ts';
import { loadScenario } from './scenario.ts';
import { openStore, type Store } from './store.ts';
import { loadTargets } from './targets.ts';
import { TEST_MODELS_ENV } from './testbed-model.ts';
import { tmpDir, twin, twinAsync } from './test/helpers.ts';

const dir = tmpDir('twin-engine-');
const targets = loadTargets();

function scenarioFile(name: string, body: string): string {
  const f = path.join(dir, `${name}.yaml`);
  writeFileSync(f, `name: ${name}\nmodels: [testbed]\nperiod: { startYear: 2017, endYear: 2019 }\n${body}`);
  return f;
}

/** Every stored aggregate of a run, as text with full precision (bit-level comparison via exact decimal round trip). */
function dump(store: Store, runId: number): string {
  return JSON.stringify(
    store.series(runId).map((r) => [r.metric, r.entity, r.period, r.p10, r.p50, r.p90, r.mean, r.n]),
  );
}

const pools: Array<ReturnType<typeof createPool>> = [];
function pool(threads: number) {
  const p = createPool({ threads });
  pools.push(p);
  return p;
}
/** Run with a fresh pool whose workers see the fault-injection variable (workers copy the environment at start). */
async function withExitOn<T>(spec: string, fn: (p: ReturnType<typeof createPool>) => Promise<T>): Promise<T> {
  process.env.TWIN_TESTBED_EXIT_ON = spec;
  try {
    const p = createPool({ threads: 2 });
    try {
      return await fn(p);
    } finally {
      await p.close();
    }
  } finally {
    delete process.env.TWIN_TESTBED_EXIT_ON;
  }
}

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('engine', () => {
  it('plans jobs with seeds that depend on identity only, not on the replication count', () => {
    const l = loadScenario(scenarioFile('plan', 'replications: 4\n'));
    const a = planJobs(l, 1, 4);
    const b = planJobs(l, 1, 8);
    expect(a.length).toBe(3 * 4);
    const seedOf = (js: typeof a, y: number, r: number) => js.find((j) => j.year === y && j.replication === r)!.seed;
    expect(seedOf(a, 2018, 3)).toBe(seedOf(b, 2018, 3));
    expect(new Set(b.map((j) => j.seed)).size).toBe(b.length);
    expect(planJobs(l, 2, 4)[0]!.seed).not.toBe(a[0]!.seed);
  });

  it("honours a model's replication cap (traffic-dynamic runs at most maxReplications per year)", () => {
    const f = path.join(dir, 'cap.yaml');
    writeFileSync(
      f,
      'name: cap\nmodels: [traffic-dynamic, testbed]\nreplications: 8\ntraffic-dynamic: { maxReplications: 3 }\n',
    );
    const l = loadScenario(f);
    const jobs = planJobs(l, 1, 8);
    expect(jobs.filter((j) => j.model === 'traffic-dynamic').length).toBe(5 * 3);
    expect(jobs.filter((j) => j.model === 'testbed').length).toBe(5 * 8);
    expect(
      jobs
        .filter((j) => j.model === 'traffic-dynamic')
        .map((j) => j.replication)
        .sort(),
    ).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
  });

  it('gives bit-identical stored results with 1 and 2 threads', async () => {
    const l = loadScenario(scenarioFile('det', 'replications: 12\ntestbed: { samples: 20000, walkSteps: 12 }\n'));
    const s1 = openStore(path.join(dir, 'det1.sqlite'));
    const s2 = openStore(path.join(dir, 'det2.sqlite'));
    const o1 = await startRun(l, s1, pool(1), { targets });
    const o2 = await startRun(l, s2, pool(2), { targets });
    expect(o1.status).toBe('done');
    expect(o2.status).toBe('done');
    const d1 = dump(s1, o1.runId);
    expect(d1).toBe(dump(s2, o2.runId));
    // Not trivially equal: the π estimates vary across replications and are close to π.
    const pi = s1.series(o1.runId, { metric: 'testbed.pi' })[0]!;
    expect(pi.n).toBe(12);
    expect(pi.p90).toBeGreaterThan(pi.p10);
    expect(Math.abs(pi.mean - Math.PI)).toBeLessThan(0.02);
    // A different master seed changes results.
    const o3 = await startRun(l, s2, pool(2), { targets, seed: 7 });
    expect(dump(s2, o3.runId)).not.toBe(d1);
  });

  it('retries a job whose worker died and ends with the same results as a clean run', async () => {
    const l = loadScenario(scenarioFile('crashy', 'replications: 6\n'));
    const store = openStore(path.join(dir, 'retry.sqlite'));
    const clean = await startRun(l, store, pool(2), { targets });
    const logs: string[] = [];
    const b = await withExitOn('2018:2:1,2018:2:2,2019:5:1', (p) =>
      startRun(l, store, p, { targets, onLog: (x) => logs.push(x) }),
    );
    expect(b.status).toBe('done');
    const retried = store.jobs(b.runId).filter((j) => j.attempts > 1);
    expect(retried.map((j) => [j.year, j.replication, j.attempts])).toEqual([
      [2018, 2, 3],
      [2019, 5, 2],
    ]);
    expect(logs.filter((x) => x.startsWith('retrying job')).length).toBe(3);
    expect(dump(store, b.runId)).toBe(dump(store, clean.runId));
  });

  it('batches short jobs with results identical to one job per task; a worker dying mid-batch re-runs its jobs alone', async () => {
    // Testbed jobs of a few µs: after the first 4, the engine sends 8 per task. Tiny on purpose: batch sizes come
    // from measured wall time, and on a loaded machine 0.3 ms jobs measured over 30 ms and were never batched.
    const l = loadScenario(scenarioFile('batched', 'replications: 16\ntestbed: { samples: 100 }\n'));
    const store = openStore(path.join(dir, 'batched.sqlite'));
    const single = await startRun(l, store, pool(2), { targets, maxBatch: 1 });
    const batched = await startRun(l, store, pool(2), { targets });
    expect(batched.status).toBe('done');
    expect(dump(store, batched.runId)).toBe(dump(store, single.runId));
    const logs: string[] = [];
    const crashed = await withExitOn('2019:12:1', (p) =>
      startRun(l, store, p, { targets, onLog: (x) => logs.push(x) }),
    );
    expect(crashed.status).toBe('done');
    expect(logs.some((x) => x.startsWith('worker died during a batch'))).toBe(true);
    // Only the job that killed its worker used up attempts (batch attempt not counted; alone it crashed once more).
    const retried = store.jobs(crashed.runId).filter((j) => j.attempts > 1);
    expect(retried.map((j) => [j.year, j.replication, j.attempts])).toEqual([[2019, 12, 2]]);
    expect(dump(store, crashed.runId)).toBe(dump(store, single.runId));
  });

  it('aggregates a model as soon as its jobs are done: stored rows and target evaluations equal a full aggregation at the end', async () => {
    const f = path.join(dir, 'two-models.yaml');
    writeFileSync(f, 'name: two-models\nmodels: [testbed, clouds]\nreplications: 6\n');
    const l = loadScenario(f);
    const store = openStore(path.join(dir, 'early.sqlite'));
    const logs: string[] = [];
    const out = await startRun(l, store, pool(2), { targets, onLog: (x) => logs.push(x) });
    expect(out.status).toBe('done');
    // The first model's jobs all finish while the second model's still run.
    expect(logs.some((x) => x.startsWith(`aggregated ${l.modelIds[0]} `))).toBe(true);
    const ref = aggregateRun(store, out.runId, l.modelIds, 6, targets);
    const stored = store.series(out.runId);
    expect(stored.length).toBe(ref.rows.length);
    const row = (r: {
      model: string;
      metric: string;
      entity: string;
      period: string;
      p10: number;
      p50: number;
      p90: number;
      mean: number;
      n: number;
    }) => [r.model, r.metric, r.entity, r.period, r.p10, r.p50, r.p90, r.mean, r.n].join('|');
    expect(new Set(stored.map(row))).toEqual(new Set(ref.rows.map(row)));
    // The store keeps "no value" as SQL NULL (NaN in memory).
    const ev = (e: { targetId: string; pMet: number | null; status: string }) =>
      `${e.targetId}|${e.pMet === null || Number.isNaN(e.pMet) ? '-' : e.pMet}|${e.status}`;
    expect(store.targetEvals(out.runId).map(ev).sort()).toEqual(ref.evals.map(ev).sort());
  });

  it('fails the run naming the job when its worker dies 3 times', async () => {
    const l = loadScenario(scenarioFile('doomed', 'replications: 3\n'));
    const store = openStore(path.join(dir, 'doomed.sqlite'));
    const out = await withExitOn('2017:1:1,2017:1:2,2017:1:3', (p) => startRun(l, store, p, { targets }));
    expect(out.status).toBe('failed');
    expect(out.error).toMatch(/job #1 \(model testbed, year 2017, replication 1\) failed 3 times \(worker died/);
    expect(store.run(out.runId)!.status).toBe('failed');
  });

  it('cancels on abort, keeps finished jobs, and resume completes with results equal to a clean run', async () => {
    const l = loadScenario(scenarioFile('slow', 'replications: 10\ntestbed: { delayMs: 40 }\n'));
    const store = openStore(path.join(dir, 'cancel.sqlite'));
    const p = pool(2);
    const ac = new AbortController();
    const out = await startRun(l, store, p, {
      targets,
      signal: ac.signal,
      onProgress: (pr) => {
        if (pr.done >= 6) ac.abort();
      },
    });
    expect(out.status).toBe('cancelled');
    const kept = store.jobCounts(out.runId).done;
    expect(kept).toBeGreaterThanOrEqual(6);
    expect(kept).toBeLessThan(30);
    const resumed = await resumeRun(out.runId, store, p, { targets });
    expect(resumed.status).toBe('done');
    const ref = await startRun(l, store, p, { targets });
    expect(dump(store, out.runId)).toBe(dump(store, ref.runId));
    expect(store.jobs(out.runId).every((j) => j.status === 'done')).toBe(true);
  });

  it('survives SIGKILL of the CLI mid-run: --resume finishes with identical results and no duplicate rows', async () => {
    const f = scenarioFile('killme', 'replications: 10\ntestbed: { delayMs: 60 }\n');
    const db = path.join(dir, 'kill.sqlite');
    const child = twinAsync(['run', f, '--db', db, '--threads', '2']);
    // Wait until some jobs are stored, then kill -9.
    const store = openStore(db);
    await new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        const run = store.latestRun();
        const n = run ? store.jobCounts(run.id).done : 0;
        if (n >= 5) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        } else if (Date.now() - t0 > 60_000) {
          clearInterval(poll);
          reject(new Error('no job finished within 60 s'));
        }
      }, 20);
    });
    await new Promise((r) => child.once('exit', r));
    const run = store.latestRun()!;
    expect(run.status).toBe('running');
    const before = store.jobCounts(run.id);
    expect(before.done).toBeGreaterThanOrEqual(5);
    expect(before.done).toBeLessThan(before.total);
    const r = twin(['run', '--resume', String(run.id), '--db', db, '--threads', '2']);
    expect(r.status, r.stderr).toBe(0);
    const ref = twin(['run', f, '--db', db, '--threads', '1']);
    expect(ref.status, ref.stderr).toBe(0);
    const refId = store.latestRun()!.id;
    expect(refId).not.toBe(run.id);
    expect(dump(store, run.id)).toBe(dump(store, refId));
    const dupJobs = store.db.prepare(`SELECT COUNT(*) c FROM job_outputs WHERE run_id=?`).get(run.id) as { c: number };
    expect(dupJobs.c).toBe(before.total);
    expect(store.series(run.id).length).toBe(store.series(refId).length);
    // Resuming a finished run is refused with exit code 2.
    expect(twin(['run', '--resume', String(run.id), '--db', db]).status).toBe(2);
    store.close();
    expect(existsSync(db)).toBe(true);
  });
});

describe('common random numbers', () => {
  it('the crn seed is shared by scenarios and years but changes with the master seed and replication', async () => {
    const { crnSeed } = await import('./run.ts');
    expect(crnSeed(1, 'traffic', 3)).toBe(crnSeed(1, 'traffic', 3));
    expect(crnSeed(2, 'traffic', 3)).not.toBe(crnSeed(1, 'traffic', 3));
    expect(crnSeed(1, 'traffic', 4)).not.toBe(crnSeed(1, 'traffic', 3));
    expect(crnSeed(1, 'greenhouse', 3)).not.toBe(crnSeed(1, 'traffic', 3));
  });
});

describe('executor seam and test-only models', () => {
  it('runs on any JobExecutor: the worker entry called in-process stores the same results as the pool', async () => {
    const { default: runTask } = await import('./worker.ts');
    // Not a stand-in for the pool: the real worker function, run on the main thread (as a queue consumer would).
    const inProcess: JobExecutor = {
      threads: 1,
      execute: async (batch) => {
        const out = runTask(batch.jobs.length === 1 ? { job: batch.jobs[0]!, params: batch.params } : batch);
        return Array.isArray(out) ? out : [out];
      },
    };
    const l = loadScenario(scenarioFile('seam', 'replications: 6\n'));
    const store = openStore(path.join(dir, 'seam.sqlite'));
    const viaPool = await startRun(l, store, pool(2), { targets });
    const viaSeam = await startRun(l, store, inProcess, { targets });
    expect(viaSeam.status).toBe('done');
    expect(dump(store, viaSeam.runId)).toBe(dump(store, viaPool.runId));
  });

  it('refuses the testbed model without TWIN_TEST_MODELS=1, naming the switch', () => {
    const f = scenarioFile('gated', 'replications: 2\n');
    process.env[TEST_MODELS_ENV] = '0';
    try {
      expect(() => loadScenario(f)).toThrow(/unknown model "testbed".*TWIN_TEST_MODELS=1/);
    } finally {
      process.env[TEST_MODELS_ENV] = '1';
    }
    expect(loadScenario(f).modelIds).toEqual(['testbed']);
  });
});
