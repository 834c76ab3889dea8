/**
 * The cluster in operation, against a real redis-server and real `twin worker` / `twin serve` processes (issue #19,
 * round 3): runs submitted over the API go through the cluster, a cancel across machines leaves nothing in Redis and
 * resumes bit-identically, a worker stops on SIGTERM giving back its batch, and a worker that joins mid-run gets
 * batches. Nothing is mocked.
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir, twin } from '../test/helpers.ts';
import { QUEUE_NAME, WORKER_KEY_PREFIX } from './protocol.ts';
import { haveRedis, startTestRedis, type TestRedis } from './test-redis.ts';
import {
  doneAtLeast,
  dump,
  FAST_STALL,
  jobsDone,
  liveWorkers,
  runStatus,
  scenario,
  scenarioYaml,
  spawnTwin,
  VERSION,
  waitFor,
  type Proc,
} from './test-support.ts';

const dir = tmpDir('twin-cluster-ops-');
const procs: Proc[] = [];
const redises: TestRedis[] = [];

function startWorker(url: string, args: string[] = [], env: Record<string, string> = {}): Proc {
  const p = spawnTwin(['worker', '--redis', url, '--threads', '1', ...args], { ...FAST_STALL, ...env });
  procs.push(p);
  return p;
}
async function startWorkers(url: string, n: number, args: string[] = [], env: Record<string, string> = {}) {
  const before = await liveWorkers(url);
  const ws = Array.from({ length: n }, () => startWorker(url, args, env));
  await waitFor(`${n} workers`, async () => (await liveWorkers(url)) >= before + n);
  return ws;
}

/** Start `twin serve --cluster URL` on a free port; resolves with its base URL. */
async function startServer(db: string, url: string): Promise<{ proc: Proc; base: string }> {
  const proc = spawnTwin(['serve', '--port', '0', '--db', db, '--cluster', url]);
  procs.push(proc);
  let base = '';
  await waitFor('the server URL', () => {
    base = /Zibo twin viewer: (http:\/\/\S+?)\/?$/m.exec(proc.out())?.[1] ?? '';
    return base !== '' || proc.child.exitCode !== null;
  });
  if (!base) throw new Error(`twin serve did not start:\n${proc.out()}`);
  return { proc, base };
}

async function api(base: string, method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`${base}${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}

/** Queue jobs of `owner` still in Redis: job hashes and entries of the queue's wait/active/failed/completed sets. */
async function leftovers(url: string, owner: string): Promise<string[]> {
  const c = new Redis(url);
  try {
    const k = `bull:${QUEUE_NAME}:`;
    const ids = [
      ...(await c.keys(`${k}${owner}-*`)),
      ...(await c.lrange(`${k}wait`, 0, -1)),
      ...(await c.lrange(`${k}active`, 0, -1)),
      ...(await c.zrange(`${k}failed`, 0, -1)),
      ...(await c.zrange(`${k}completed`, 0, -1)),
      ...(await c.zrange(`${k}prioritized`, 0, -1)),
    ];
    return ids.filter((id) => id.includes(`${owner}-`));
  } finally {
    c.disconnect();
  }
}

/** Queue jobs running now (BullMQ's active list). */
async function activeCount(c: Redis): Promise<number> {
  return c.llen(`bull:${QUEUE_NAME}:active`);
}

/** SIGTERM a worker and wait for its exit; returns exit code and seconds taken. */
async function stop(p: Proc): Promise<{ code: number | null; s: number }> {
  const t0 = Date.now();
  p.child.kill('SIGTERM');
  const code = await p.exit;
  return { code, s: (Date.now() - t0) / 1000 };
}

/** Batches a stopped worker says it finished ("stopped: N batch(es) done"). */
function batchesDone(p: Proc): number {
  const m = /stopped: (\d+) batch\(es\) done/.exec(p.out());
  if (!m) throw new Error(`no stop line in the worker's log:\n${p.out()}`);
  return Number(m[1]);
}

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const r of redises) await r.stop(true);
});

describe.runIf(haveRedis() || process.env.CI)('cluster operations (real redis-server, twin serve and workers)', () => {
  const local = path.join(dir, 'local.sqlite');
  const small = scenario(dir, 'small', 20, 10);
  const slow = scenario(dir, 'slow', 150, 30);
  const long = scenario(dir, 'long', 2500, 1);
  const wide = scenario(dir, 'wide', 1000, 10);

  beforeAll(() => {
    // The references on the local pool: run 1 small, 2 slow, 3 long, 4 wide.
    for (const f of [small, slow, long, wide])
      expect(twin(['run', f, '--db', local, '--threads', '2'], VERSION).status).toBe(0);
  }, 180_000);

  it('twin serve --cluster: a run submitted over the API runs on the workers, bit-identical to local', async () => {
    const redis = await startTestRedis();
    redises.push(redis);
    const [w] = await startWorkers(redis.url, 1);
    const db = path.join(dir, 'serve.sqlite');
    const { base } = await startServer(db, redis.url);
    const r = await api(base, 'POST', '/api/runs', { yaml: scenarioYaml('small', 20, 10) });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    const id = r.json.id as number;
    await waitFor('the run to finish', () => ['done', 'failed', 'cancelled'].includes(runStatus(db, id) ?? ''));
    expect(runStatus(db, id)).toBe('done');
    const a = dump(local, 1);
    const b = dump(db, id);
    expect(b.series).toBe(a.series);
    expect(b.outputs).toEqual(a.outputs);
    expect(b.outputs).toHaveLength(30);
    // The worker did the work: it says so when it stops.
    expect(await stop(w!)).toMatchObject({ code: 0 });
    expect(batchesDone(w!)).toBeGreaterThan(0);
  }, 180_000);

  it('cancel across machines: pending jobs removed, running ones stopped, nothing left in Redis, resume is bit-identical', async () => {
    const redis = await startTestRedis();
    redises.push(redis);
    const workers = await startWorkers(redis.url, 2);
    const db = path.join(dir, 'cancel.sqlite');
    const { base } = await startServer(db, redis.url);
    const r = await api(base, 'POST', '/api/runs', { yaml: scenarioYaml('slow', 150, 30) });
    expect(r.status).toBe(202);
    const id = r.json.id as number;
    const c = new Redis(redis.url);
    try {
      // Cancel while queue jobs both wait and run: 2 workers × 2 running, the window (2 × 4 slots) waiting.
      await waitFor('jobs done, running and waiting', async () => {
        const waiting = await c.llen(`bull:${QUEUE_NAME}:wait`);
        return jobsDone(db, id) >= 6 && (await activeCount(c)) >= 2 && waiting >= 1;
      });
      const x = await api(base, 'POST', `/api/runs/${id}/cancel`);
      expect(x.status).toBe(202);
      await waitFor(
        'the task to end',
        async () => (await api(base, 'GET', `/api/runs/${id}`)).json.live?.state === 'cancelled',
      );
      expect(runStatus(db, id)).toBe('cancelled');
      expect(jobsDone(db, id)).toBeLessThan(90);
      expect(await leftovers(redis.url, `run${id}`)).toEqual([]);
    } finally {
      c.disconnect();
    }
    // Each running batch was stopped on its worker, not left to finish.
    await waitFor('a worker to log a stopped job', () =>
      workers.some((w) => /stopped job run\d+-\w+-a1 of run\d+: cancelled by the coordinator/.test(w.out())),
    );
    const res = twin(['run', '--resume', String(id), '--db', db, '--cluster', redis.url], VERSION);
    expect(res.status, res.stderr).toBe(0);
    const a = dump(local, 2);
    const b = dump(db, id);
    expect(b.series).toBe(a.series);
    expect(b.outputs).toEqual(a.outputs);
    expect(b.outputs).toHaveLength(90);
  }, 180_000);

  it('SIGTERM: a worker gives back its running batch and exits within seconds; another worker completes it', async () => {
    const redis = await startTestRedis();
    redises.push(redis);
    const db = path.join(dir, 'sigterm.sqlite');
    // A short grace time, so that the batch (one job of 2.5 s) is given back rather than finished.
    const [leaving] = await startWorkers(redis.url, 1, [], { TWIN_WORKER_GRACE_MS: '300' });
    const coord = spawnTwin(['run', long, '--db', db, '--cluster', redis.url]);
    procs.push(coord);
    const c = new Redis(redis.url);
    try {
      await waitFor('a running queue job', async () => (await activeCount(c)) >= 1);
    } finally {
      c.disconnect();
    }
    const { code, s } = await stop(leaving!);
    expect(code).toBe(0);
    expect(s).toBeLessThan(8); // grace 0.3 s, then the give-back and the pool's close
    expect(leaving!.out()).toMatch(/gave back job run1-\w+-a1/);
    await startWorkers(redis.url, 1);
    expect(await coord.exit, coord.out()).toBe(0);
    // Given back, not failed: the coordinator saw no retry.
    expect(coord.out()).toMatch(/3\/3 jobs \(100%\).*, 0 retried/);
    const a = dump(local, 3);
    const b = dump(db, 1);
    expect(b.series).toBe(a.series);
    expect(b.outputs).toEqual(a.outputs);
  }, 180_000);

  it('a worker that joins mid-run widens the in-flight window and processes batches', async () => {
    const redis = await startTestRedis();
    redises.push(redis);
    const db = path.join(dir, 'late.sqlite');
    // The late worker is started first (a process takes seconds to start on a busy machine), then frozen with SIGSTOP
    // and its heartbeat removed: the coordinator starts seeing one worker, and SIGCONT makes the other join mid-run.
    const [late] = await startWorkers(redis.url, 1, ['--concurrency', '8']);
    late!.child.kill('SIGSTOP');
    const c = new Redis(redis.url);
    await c.del(...(await c.keys(`${WORKER_KEY_PREFIX}*`)));
    const [first] = await startWorkers(redis.url, 1);
    const coord = spawnTwin(['run', wide, '--db', db, '--cluster', redis.url]);
    procs.push(coord);
    await waitFor('some progress', () => doneAtLeast(coord, 2));
    expect(coord.out()).toMatch(/1 cluster worker\(s\), 2 job slots/);
    // At start: 1 worker × 2 slots, floored at 4 slots, so at most 8 queue jobs in flight (jobs of 1 s: one job per
    // queue job). The late worker takes up to 8 at once: more than 8 running together is only possible when the
    // window follows the live workers.
    late!.child.kill('SIGCONT');
    let maxActive = 0;
    const sampler = setInterval(() => void activeCount(c).then((n) => (maxActive = Math.max(maxActive, n))), 100);
    try {
      expect(await coord.exit, coord.out()).toBe(0);
    } finally {
      clearInterval(sampler);
      c.disconnect();
    }
    expect(coord.out()).toMatch(/2 cluster worker\(s\) now, 10 job slots/);
    expect(maxActive).toBeGreaterThan(8);
    const a = dump(local, 4);
    const b = dump(db, 1);
    expect(b.series).toBe(a.series);
    expect(b.outputs).toEqual(a.outputs);
    expect((await stop(first!)).code).toBe(0);
    expect((await stop(late!)).code).toBe(0);
    expect(batchesDone(first!)).toBeGreaterThan(0);
    expect(batchesDone(late!)).toBeGreaterThan(0);
  }, 240_000);
});
