/**
 * A model's plausibility warnings (ModelOutput.warnings) reach the run log, with the job that raised them, through the
 * real worker pool and the real traffic model (its longest-trip check against `plausibility.maxPathMin`).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool } from './pool.ts';
import { startRun } from './run.ts';
import { loadScenario } from './scenario.ts';
import { openStore } from './store.ts';
import { loadTargets } from './targets.ts';
import { tmpDir } from './test/helpers.ts';

const dir = tmpDir('twin-warnings-');
const pool = createPool({ threads: 2 });
afterAll(() => pool.close());

/** Runs the traffic model for 2021 with the given path bound and returns the run log and the stored longest trips. */
async function runWithBound(maxPathMin: number): Promise<{ logs: string[]; longestP50: number }> {
  const f = path.join(dir, `bound-${maxPathMin}.yaml`);
  writeFileSync(
    f,
    `name: bound-${maxPathMin}\nmodels: [traffic]\nperiod: { startYear: 2021, endYear: 2021 }\nreplications: 2\n` +
      `traffic: { plausibility: { maxPathMin: ${maxPathMin} }, outputs: { linkSeries: false } }\n`,
  );
  const store = openStore(path.join(dir, `bound-${maxPathMin}.sqlite`));
  const logs: string[] = [];
  const out = await startRun(loadScenario(f), store, pool, { targets: loadTargets(), onLog: (l) => logs.push(l) });
  expect(out.status).toBe('done');
  const row = store.series(out.runId, { metric: 'traffic.longestPathMin' })[0]!;
  return { logs, longestP50: row.p50 };
}

describe('model warnings in the run log', () => {
  it('logs one warning per job whose longest trip exceeds the bound, and none under a loose bound', async () => {
    const strict = await runWithBound(60);
    const warnings = strict.logs.filter((l) => l.startsWith('warning: job '));
    // Both replications' longest trips (≈ 190 min even at free flow) are far above 60 min.
    expect(strict.longestP50).toBeGreaterThan(60);
    expect(warnings).toHaveLength(2);
    for (const w of warnings) {
      expect(w).toMatch(/model traffic, year 2021, replication [01]\)/);
      expect(w).toMatch(/above plausibility\.maxPathMin = 60 min/);
    }
    const loose = await runWithBound(1440);
    expect(loose.longestP50).toBe(strict.longestP50);
    expect(loose.logs.filter((l) => l.startsWith('warning: '))).toEqual([]);
  });
});
