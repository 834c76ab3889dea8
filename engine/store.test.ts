/**
 * The store's methods that replaced SQL written elsewhere (actuals, job statistics, transactions), on an in-memory
 * SQLite database, and the statement cache (a statement is prepared once per store, not per call).
 */
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
});
