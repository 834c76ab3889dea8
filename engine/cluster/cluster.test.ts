/**
 * The cluster against a real redis-server (Debian package; .ci/run installs it) and real `twin worker` processes:
 * results bit-identical to the local pool, and the failures of issue #19 (a worker or the coordinator killed, Redis
 * restarted, a worker of another code version, a job that kills its worker every time). Nothing is mocked.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store.ts';
import { tmpDir, twin } from '../test/helpers.ts';
import { haveRedis, startTestRedis, type TestRedis } from './test-redis.ts';
import {
  dump,
  doneAtLeast,
  FAST_STALL,
  liveWorkers,
  runStatus,
  scenario as scenarioIn,
  spawnTwin,
  VERSION,
  waitFor,
  type Proc,
} from './test-support.ts';

const dir = tmpDir('twin-cluster-');
const scenario = (name: string, delayMs: number, replications: number) => scenarioIn(dir, name, delayMs, replications);

const procs: Proc[] = [];
function startWorker(url: string, env: Record<string, string> = {}): Proc {
  const p = spawnTwin(['worker', '--redis', url, '--threads', '1'], { ...FAST_STALL, ...env });
  procs.push(p);
  return p;
}
async function startWorkers(url: string, n: number, env: Record<string, string> = {}): Promise<Proc[]> {
  const before = await liveWorkers(url);
  const ws = Array.from({ length: n }, () => startWorker(url, env));
  await waitFor(`${n} workers`, async () => (await liveWorkers(url)) >= before + n);
  return ws;
}

const redises: TestRedis[] = [];
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const r of redises) await r.stop(true);
});

// CI installs redis-server, so there a missing server fails the suite instead of skipping it.
describe.runIf(haveRedis() || process.env.CI)('cluster (real redis-server and twin worker processes)', () => {
  let redis: TestRedis;
  const local = path.join(dir, 'local.sqlite');
  const small = scenario('small', 20, 10);
  const slow = scenario('slow', 120, 12);

  beforeAll(async () => {
    redis = await startTestRedis();
    redises.push(redis);
    // The references: the same scenarios on the local pool (run 1: small, run 2: slow).
    for (const f of [small, slow]) expect(twin(['run', f, '--db', local, '--threads', '2'], VERSION).status).toBe(0);
    await startWorkers(redis.url, 3);
  }, 120_000);

  it('refuses a bad URL, an unreachable Redis, a wrong password and an evicting Redis: exit 2 before any job', async () => {
    const db = path.join(dir, 'refused.sqlite');
    const secured = await startTestRedis(['--requirepass', 's3cret']);
    const evicting = await startTestRedis(['--maxmemory-policy', 'allkeys-lru']);
    redises.push(secured, evicting);
    const cases: Array<[string, RegExp]> = [
      ['http://127.0.0.1:1', /use redis:\/\/ or rediss:\/\//],
      ['not a url', /is not a URL/],
      ['redis://127.0.0.1:1', /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/],
      [`redis://:wrong@127.0.0.1:${secured.port}`, /refused the credentials/],
      [evicting.url, /maxmemory-policy allkeys-lru.*CONFIG SET maxmemory-policy noeviction/],
    ];
    for (const [url, msg] of cases) {
      const r = twin(['run', small, '--db', db, '--cluster', url], VERSION);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/wrong/); // the password is never printed
    }
    const w = twin(['worker', '--redis', 'redis://127.0.0.1:1']);
    expect(w.status).toBe(2);
    expect(w.stderr).toMatch(/cannot reach Redis/);
    const store = openStore(db);
    expect(store.listRuns()).toHaveLength(0);
    store.close();
  }, 240_000); // ten CLI processes

  it('a run on coordinator + 3 workers is bit-identical to the local pool', async () => {
    const db = path.join(dir, 'three.sqlite');
    const r = twin(['run', small, '--db', db, '--cluster', redis.url], VERSION);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/3 cluster worker\(s\)/);
    const a = dump(local, 1);
    const b = dump(db, 1);
    expect(b.series).toBe(a.series);
    expect(b.outputs).toEqual(a.outputs);
    expect(b.outputs).toHaveLength(30);
    expect(b.artifacts).toBe(a.artifacts);
  }, 120_000);

  it('SIGKILL of a worker mid-run: its jobs come back, the run completes bit-identical, no duplicate rows', async () => {
    const db = path.join(dir, 'killworker.sqlite');
    const victim = await startWorkers(redis.url, 1);
    const coord = spawnTwin(['run', slow, '--db', db, '--cluster', redis.url]);
    await waitFor('some progress', () => doneAtLeast(coord, 4));
    // The newest worker is busy by now (4 workers, 2 queue jobs each, 36 jobs of 120 ms).
    victim[0]!.child.kill('SIGKILL');
    expect(await coord.exit, coord.out()).toBe(0);
    const a = dump(local, 2);
    const b = dump(db, 1);
    expect(b.series).toBe(a.series);
    expect(b.outputs).toEqual(a.outputs);
    expect(new Set(b.outputs.map((o) => o.split(':')[0])).size).toBe(36);
    expect(b.artifacts).toBe(a.artifacts);
  }, 120_000);

  it('SIGKILL of the coordinator: --resume ID --cluster finishes the run bit-identical', async () => {
    const db = path.join(dir, 'killcoord.sqlite');
    const coord = spawnTwin(['run', slow, '--db', db, '--cluster', redis.url]);
    await waitFor('some progress', () => doneAtLeast(coord, 6));
    coord.child.kill('SIGKILL');
    await coord.exit;
    expect(runStatus(db, 1)).toBe('running');
    const r = twin(['run', '--resume', '1', '--db', db, '--cluster', redis.url], VERSION);
    expect(r.status, r.stderr).toBe(0);
    const a = dump(local, 2);
    const b = dump(db, 1);
    expect(b.series).toBe(a.series);
    expect(b.outputs).toEqual(a.outputs);
  }, 120_000);

  it('Redis restarted mid-run: the run continues (or fails clearly and resumes), bit-identical', async () => {
    const db = path.join(dir, 'restart.sqlite');
    const coord = spawnTwin(['run', slow, '--db', db, '--cluster', redis.url]);
    await waitFor('some progress', () => doneAtLeast(coord, 6));
    await redis.stop(true);
    await new Promise((r) => setTimeout(r, 500));
    await redis.restart();
    const code = await coord.exit;
    if (code !== 0) {
      expect(coord.out()).toMatch(/run 1 failed: .*(Redis|queue job)/);
      const r = twin(['run', '--resume', '1', '--db', db, '--cluster', redis.url], VERSION);
      expect(r.status, r.stderr).toBe(0);
    }
    const a = dump(local, 2);
    const b = dump(db, 1);
    expect(b.series).toBe(a.series);
    expect(b.outputs).toEqual(a.outputs);
  }, 120_000);

  it('a worker of another code version is refused, with the reason on both sides', async () => {
    const own = await startTestRedis();
    redises.push(own);
    const [w] = await startWorkers(own.url, 1, { TWIN_CODE_VERSION: 'other' });
    const db = path.join(dir, 'refused-version.sqlite');
    const r = twin(['run', small, '--db', db, '--cluster', own.url], VERSION);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/run 1 failed: .*refused: .*code version .* differs from this worker's "other"/);
    await waitFor('the worker log', () => /refused: worker .* will not run job/.test(w!.out()), 10_000);
  }, 120_000);

  it('a job that kills its worker on every attempt fails the run naming the job', async () => {
    const own = await startTestRedis();
    redises.push(own);
    await startWorkers(own.url, 1, { TWIN_TESTBED_EXIT_ON: '2018:3:1,2018:3:2,2018:3:3' });
    const db = path.join(dir, 'throws.sqlite');
    const r = twin(['run', small, '--db', db, '--cluster', own.url], VERSION);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/run 1 failed: job #\d+ \(model testbed, year 2018, replication 3\) failed 3 times/);
  }, 120_000);
});
