/**
 * The store's methods that replaced SQL written elsewhere (actuals, job statistics, transactions), on an in-memory
 * SQLite database, and the statement cache (a statement is prepared once per store, not per call).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, type ActualRecord } from './store.ts';

const newRun = {
  scenarioName: 's',
  scenarioFile: 's.yaml',
  scenarioHash: 'h',
  scenario: {},
  seed: 1,
  replications: 2,
  codeVersion: 'test',
  threads: 1,
};
const job = (idx: number, model: string) => ({
  idx,
  model,
  year: 2017,
  replication: idx,
  seed: idx,
  status: 'pending' as const,
  attempts: 0,
});
const actual = (date: string, value: number): ActualRecord => ({
  metric: 'services.onlineShare',
  scope: 'city',
  date,
  value,
  unit: 'share',
  source: 'test',
  note: '',
  bound: '=',
});

describe('Store', () => {
  it('inserts, lists (oldest first) and relabels actuals; a failing transaction stores nothing', () => {
    const store = openStore(':memory:');
    store.insertActuals([actual('2019-12-31', 0.8), actual('2018-12-31', 0.5)], '/tmp/upload.csv', '2026-01-01');
    expect(store.actuals().map((a) => [a.date, a.value])).toEqual([
      ['2018-12-31', 0.5],
      ['2019-12-31', 0.8],
    ]);
    expect(store.relabelActualsFile('/tmp/upload.csv', 'POST /api/actuals (x.csv)')).toBe(2);
    expect(store.relabelActualsFile('/tmp/upload.csv', 'again')).toBe(0);
    // A duplicate (UNIQUE metric, scope, date, bound) inside an outer transaction rolls back the whole of it.
    expect(() =>
      store.transaction(() => {
        store.insertActuals([actual('2020-12-31', 0.9)], 'b.csv', '2026-01-02');
        store.insertActuals([actual('2018-12-31', 0.6)], 'b.csv', '2026-01-02');
      }),
    ).toThrow(/UNIQUE/);
    expect(store.actuals()).toHaveLength(2);
    store.close();
  });

  it('reports job statistics per model and series counts', () => {
    const store = openStore(':memory:');
    const runId = store.createRun(newRun, [job(0, 'a'), job(1, 'a'), job(2, 'b')]);
    store.finishJob(runId, 0, 1, 10, new Uint8Array([1]));
    store.finishJob(runId, 1, 3, 30, new Uint8Array([2]));
    expect(store.jobStats(runId, 'a')).toEqual({ model: 'a', count: 2, sumMs: 40, meanMs: 20, maxMs: 30, retried: 1 });
    expect(store.jobStats(runId, 'none')).toEqual({
      model: 'none',
      count: 0,
      sumMs: null,
      meanMs: null,
      maxMs: null,
      retried: 0,
    });
    expect(store.modelJobStats(runId).map((m) => [m.model, m.count, m.sumMs])).toEqual([
      ['a', 2, 40],
      ['b', 1, null],
    ]);
    expect(store.seriesCount(runId)).toBe(0);
    store.writeResults(
      runId,
      [{ model: 'a', metric: 'm', entity: 'city', period: '2017', p10: 1, p50: 2, p90: 3, mean: 2, n: 2 }],
      [],
    );
    expect(store.seriesCount(runId)).toBe(1);
    expect(store.sizeBytes()).toBeGreaterThan(0);
    store.close();
  });

  it('prepares each statement once per store', () => {
    const store = openStore(':memory:');
    let prepared = 0;
    const prepare = store.db.prepare.bind(store.db);
    // Count the real prepare calls (no stand-in: the real statement is returned).
    (store.db as { prepare: typeof prepare }).prepare = ((sql: string) => {
      prepared++;
      return prepare(sql);
    }) as typeof prepare;
    for (let i = 0; i < 5; i++) {
      store.listRuns();
      store.run(1);
    }
    expect(prepared).toBe(2);
    store.close();
  });

  it('keeps studies: created running, finished with a result or an error, listed newest first and filtered', () => {
    const store = openStore(':memory:');
    const spec = { target: 'lin', method: 'sobol' };
    const a = store.createStudy({ kind: 'sensitivity', scenarioName: 'lt', baseRunId: null, targets: ['lin'], spec });
    const b = store.createStudy({
      kind: 'optimise',
      scenarioName: 'lt',
      baseRunId: 7,
      targets: ['t1', 't2'],
      spec: {},
    });
    const c = store.createStudy({ kind: 'sensitivity', scenarioName: 'other', baseRunId: null, targets: ['x'], spec });
    expect(store.study(a)).toMatchObject({ status: 'running', result: null, finishedAt: null, spec });
    // Nothing finished yet: no latest study.
    expect(store.latestStudy('sensitivity')).toBeUndefined();
    store.finishStudy(a, 'done', { outputs: [1, 2] });
    store.finishStudy(b, 'failed', null, 'run 3 failed: boom');
    store.finishStudy(c, 'cancelled', null, 'cancelled');
    expect(store.listStudies().map((x) => x.id)).toEqual([c, b, a]);
    expect(store.listStudies({ kind: 'optimise' })).toEqual([
      expect.objectContaining({
        id: b,
        baseRunId: 7,
        status: 'failed',
        error: 'run 3 failed: boom',
        targets: ['t1', 't2'],
      }),
    ]);
    expect(store.listStudies({ target: 't2' }).map((x) => x.id)).toEqual([b]);
    expect(store.listStudies({ target: 't' })).toEqual([]);
    expect(store.listStudies({ scenarioName: 'other' }).map((x) => x.id)).toEqual([c]);
    expect(store.latestStudy('sensitivity', { target: 'lin' })).toMatchObject({ id: a, result: { outputs: [1, 2] } });
    expect(store.latestStudy('sensitivity', { scenarioName: 'other' })).toBeUndefined();
    expect(store.latestStudy('optimise')).toBeUndefined();
    expect(store.study(a)!.finishedAt).not.toBeNull();
    expect(store.study(999)).toBeUndefined();
    store.close();
  });

  it('adds the studies table to a store written before it, and reads an old read-only store as having none', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'twin-store-studies-'));
    try {
      const file = path.join(dir, 'old.sqlite');
      const s0 = openStore(file);
      const runId = s0.createRun(newRun, []);
      s0.db.exec('DROP TABLE studies'); // what a store from before the studies table looks like
      s0.close();
      const ro = openStore(file, { access: 'readonly' });
      expect(ro.listStudies()).toEqual([]);
      expect(ro.study(1)).toBeUndefined();
      ro.close();
      const s1 = openStore(file);
      expect(s1.run(runId)?.scenarioName).toBe('s');
      const id = s1.createStudy({ kind: 'optimise', scenarioName: 's', baseRunId: runId, targets: ['t'], spec: {} });
      expect(s1.listStudies().map((x) => x.id)).toEqual([id]);
      s1.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
