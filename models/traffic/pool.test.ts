import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assign } from './assign.ts';
import { generateChicagoLike } from './generate.ts';
import { assignParallel, createAonPool, type AonPool } from './pool.ts';
import { readTntpFolder } from './tntp.ts';
import { requireSharedData, SIOUX_FALLS_DIR } from './shared-data.ts';

const haveSf = requireSharedData(SIOUX_FALLS_DIR);
let pool: AonPool;
beforeAll(async () => {
  pool = await createAonPool(2);
});
afterAll(async () => {
  await pool.close();
});

describe('all-or-nothing on the worker pool', () => {
  it.skipIf(!haveSf)('gives bit-identical flows, gap and log to the single-thread run (Sioux Falls)', async () => {
    const c = readTntpFolder(SIOUX_FALLS_DIR);
    const a = assign(c.net, c.demand, { targetGap: 1e-5, blocks: 8 });
    const b = await assignParallel(c.net, c.demand, pool, { targetGap: 1e-5, blocks: 8 });
    expect(b.iterations).toBe(a.iterations);
    expect(b.relativeGap).toBe(a.relativeGap);
    expect(Array.from(b.flow)).toEqual(Array.from(a.flow));
  });

  it('gives bit-identical flows on a generated network with blocked zones (20 iterations)', async () => {
    const c = generateChicagoLike(3, 0.1);
    const a = assign(c.net, c.demand, { maxIterations: 20, targetGap: 0 });
    const b = await assignParallel(c.net, c.demand, pool, { maxIterations: 20, targetGap: 0 });
    expect(Array.from(b.flow)).toEqual(Array.from(a.flow));
    expect(b.log.map((l) => l.relativeGap)).toEqual(a.log.map((l) => l.relativeGap));
  });
});
