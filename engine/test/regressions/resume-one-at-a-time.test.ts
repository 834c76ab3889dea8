// Regression (issue #16): two `twin run --resume RUN` of one run both recomputed it. The run's lock in the store now
// lets one process run it; a second concurrent resume exits 2 naming the owner, and a dead owner's lock is taken over.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunRecord } from '../../run.ts';
import { loadScenario } from '../../scenario.ts';
import { openStore, type Store } from '../../store.ts';
import { tmpDir, twin, twinAsync } from '../helpers.ts';

const dir = tmpDir('twin-lock-');
const db = path.join(dir, 'lock.sqlite');
let runId: number;
let store: Store;

beforeAll(() => {
  const file = path.join(dir, 'slow.yaml');
  // 100 jobs of 300 ms on one thread: ≥ 30 s of work, far longer than the second process needs to start.
  writeFileSync(
    file,
    'name: slow\nmodels: [testbed]\nperiod: { startYear: 2017, endYear: 2018 }\nseed: 9\nreplications: 50\ntestbed: { samples: 100, delayMs: 300 }\n',
  );
  store = openStore(db);
  runId = createRunRecord(loadScenario(file), store, 1);
});
afterAll(() => store?.close());

const waitFor = async (cond: () => boolean, ms: number): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('one --resume at a time per run', () => {
  it('refuses a second concurrent resume with exit 2 and takes over the lock of a killed owner', async () => {
    const first = twinAsync(['run', '--resume', String(runId), '--db', db, '--threads', '1']);
    const exited = new Promise<number | null>((r) => first.on('exit', (code, sig) => r(code ?? (sig ? -1 : null))));
    try {
      await waitFor(() => store.runLock(runId)?.pid === first.pid, 90_000);
      const second = twin(['run', '--resume', String(runId), '--db', db, '--threads', '1']);
      expect(second.status, second.stderr).toBe(2);
      expect(second.stderr).toContain(`run ${runId} is already being run by process ${first.pid}`);
      expect(second.stderr).not.toMatch(/\n\s+at /);
      // The first one is still the owner, still running.
      expect(store.runLock(runId)?.pid).toBe(first.pid);
    } finally {
      first.kill('SIGKILL');
    }
    await exited;
    // Killed without releasing: the lock names a dead process on this host, so it is stale and taken over.
    expect(store.runLock(runId)?.pid).toBe(first.pid);
    store.acquireRunLock(runId);
    expect(store.runLock(runId)?.pid).toBe(process.pid);
    store.releaseRunLock(runId);
    expect(store.runLock(runId)).toBeUndefined();
  }, 180_000);
});
