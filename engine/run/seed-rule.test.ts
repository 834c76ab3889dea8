// Common random numbers across scenarios (issue #18 item 7b): job seeds no longer depend on the scenario content, so a
// what-if that changes only the rollout leaves the greenhouse results bit-identical; the rule is stored with each run
// and an old run (hash rule) keeps its own seeds when resumed.
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mixSeed } from '../../models/lib/rng.ts';
import { createPool } from '../pool.ts';
import { loadScenario } from '../scenario.ts';
import { openStore, type Store } from '../store.ts';
import { loadTargets } from '../targets.ts';
import { tmpDir } from '../test/helpers.ts';
import { createRunRecord, planJobs, resumeRun, SEED_RULE, startRun } from './index.ts';

const dir = tmpDir('twin-seedrule-');
const targets = loadTargets();
const pool = createPool({ threads: 2 });
afterAll(() => pool.close());

function file(name: string, body: string): string {
  const f = path.join(dir, `${name}.yaml`);
  writeFileSync(f, `name: ${name}\n${body}`);
  return f;
}

/** A model's stored aggregates as exact text (bit-level comparison through the exact decimal round trip). */
const dump = (store: Store, runId: number, model: string) =>
  JSON.stringify(
    store.series(runId, { model }).map((r) => [r.metric, r.entity, r.period, r.p10, r.p50, r.p90, r.mean, r.n]),
  );

describe('seed rule crn-v2', () => {
  it('two scenarios differing only in rollout parameters give bit-identical greenhouse series', async () => {
    const common = 'extends: baseline\nmodels: [greenhouse, rollout]\nreplications: 3\n';
    const base = loadScenario(file('crn-base', common));
    const half = loadScenario(file('crn-half', `${common}rollout:\n  crews: { perCounty: 1 }\n`));
    expect(half.hash).not.toBe(base.hash);
    const store = openStore(path.join(dir, 'crn.sqlite'));
    const a = await startRun(base, store, pool, { targets });
    const b = await startRun(half, store, pool, { targets });
    expect([a.status, b.status]).toEqual(['done', 'done']);
    const ga = dump(store, a.runId, 'greenhouse');
    expect(ga.length).toBeGreaterThan(100);
    expect(dump(store, b.runId, 'greenhouse')).toBe(ga);
    // The rollout itself did change (the what-if is not a no-op), and the runs record the rule.
    expect(dump(store, b.runId, 'rollout')).not.toBe(dump(store, a.runId, 'rollout'));
    expect(store.run(a.runId)!.seedRule).toBe(SEED_RULE);
    // Job seeds of the same (model, year, replication) are equal across the scenarios, distinct within one.
    const seeds = (l: typeof base) => planJobs(l, 1, 3).map((j) => `${j.model}/${j.year}/${j.replication}=${j.seed}`);
    expect(seeds(half)).toEqual(seeds(base));
    expect(new Set(planJobs(base, 1, 3).map((j) => j.seed)).size).toBe(planJobs(base, 1, 3).length);
    store.close();
  }, 240_000);

  it('a store written before the rule reads its runs as hash-v1, and resuming such a run keeps its stored seeds', async () => {
    const f = path.join(dir, 'old.sqlite');
    const l = loadScenario(
      file('old', 'models: [testbed]\nperiod: { startYear: 2017, endYear: 2018 }\nreplications: 4\n'),
    );
    let store = openStore(f);
    const id = createRunRecord(l, store, 2);
    store.close();
    // Make it an old store: drop the column (SQLite ≥ 3.35) and give the jobs the seeds the hash rule derived.
    const db = new Database(f);
    db.exec('ALTER TABLE runs DROP COLUMN seed_rule');
    const old = (y: number, r: number) => mixSeed(1, l.hash, 'testbed', y, r);
    const upd = db.prepare('UPDATE jobs SET seed=? WHERE run_id=? AND idx=?');
    const rows = db.prepare('SELECT idx, year, replication FROM jobs WHERE run_id=?').all(id) as Array<{
      idx: number;
      year: number;
      replication: number;
    }>;
    for (const j of rows) upd.run(old(j.year, j.replication), id, j.idx);
    db.close();

    store = openStore(f);
    expect(store.run(id)!.seedRule).toBe('hash-v1');
    const out = await resumeRun(id, store, pool, { targets });
    expect(out.status).toBe('done');
    expect(store.run(id)!.seedRule).toBe('hash-v1');
    expect(store.jobs(id).map((j) => j.seed)).toEqual(rows.map((j) => old(j.year, j.replication)));
    // The old seeds were used: a fresh run of the same scenario (crn-v2) gives other numbers.
    const fresh = await startRun(l, store, pool, { targets });
    expect(store.run(fresh.runId)!.seedRule).toBe('crn-v2');
    expect(dump(store, fresh.runId, 'testbed')).not.toBe(dump(store, id, 'testbed'));
    store.close();
  }, 120_000);
});
