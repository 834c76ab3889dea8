// Regression (issue #16): a cancel sent right after a run is started over the API, while the server's pool is still
// starting, used to be lost (the abort listener was added to an already aborted signal): the run computed every job
// and then ended "cancelled" with no results. Now the run ends cancelled at once, with (almost) no job run.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, raw, readSse } from '../../api/test-client.ts';
import { serve } from '../../server.ts';
import { openStore, type Store } from '../../store.ts';
import { tmpDir } from '../helpers.ts';

const dir = tmpDir('twin-cancel-');
let store: Store;
let srv: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  const scenarios = path.join(dir, 'scenarios');
  const viewer = path.join(dir, 'viewer');
  mkdirSync(scenarios);
  mkdirSync(viewer);
  writeFileSync(path.join(viewer, 'index.html'), '<!doctype html><title>viewer</title>');
  // 80 jobs of ≥ 50 ms each on 2 threads: at least 2 s of work if the cancel were lost.
  writeFileSync(
    path.join(scenarios, 'slow.yaml'),
    'name: slow\nmodels: [testbed]\nperiod: { startYear: 2017, endYear: 2018 }\nseed: 5\nreplications: 40\ntestbed: { samples: 100, delayMs: 50 }\n',
  );
  store = openStore(path.join(dir, 'cancel.sqlite'));
  // A fresh server: its pool starts on the first run, so the cancel below arrives before the pool is ready.
  srv = await serve({ store, port: 0, viewerDir: viewer, scenariosDir: scenarios, targets: [], threads: 2 });
});

afterAll(async () => {
  await srv?.close();
  store?.close();
});

describe('cancel right after start', () => {
  it('ends the run cancelled without computing it, finished jobs kept, and it can be resumed', async () => {
    const started = await postJson(srv.port, '/api/runs', { scenario: 'slow' });
    expect(started.status).toBe(202);
    const id = started.json.id as number;
    const cancel = await postJson(srv.port, `/api/runs/${id}/cancel`, {});
    expect(cancel.status).toBe(202);
    const events = await readSse(srv.port, `/api/runs/${id}/events`);
    expect(events.at(-1)!.data.state).toBe('cancelled');
    const run = store.run(id)!;
    expect(run.status).toBe('cancelled');
    const counts = store.jobCounts(id);
    expect(counts.total).toBe(80);
    // At most the tasks that were in flight when the cancel landed (2 × threads); before the fix all 80 ran.
    expect(counts.done).toBeLessThanOrEqual(4);
    expect(store.series(id)).toEqual([]);
    // Nothing holds the run any more: a later resume may take it.
    expect(store.runLock(id)).toBeUndefined();
    const again = await raw(srv.port, 'GET', `/api/runs/${id}`);
    expect(again.status).toBe(200);
  });
});
