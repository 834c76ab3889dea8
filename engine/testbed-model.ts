/**
 * The engine's self-test model: small but real job functions (a Monte Carlo estimate of π and a seeded random walk),
 * plus fault injection used only by the engine's tests (a worker that exits on a chosen job attempt, set by the
 * environment variable TWIN_TESTBED_EXIT_ON; a job that takes a chosen time). It is not a model of Zibo: it is
 * registered only when TWIN_TEST_MODELS=1 (engine/test/global-setup.ts sets it for every test; `npm run bench:engine`
 * sets it for its own process), and scenarios run it only when they list it under `models:`.
 */
import { z } from 'zod';
import type { ModelDefinition } from '../models/types.ts';
import { leversTestModel } from './studies/levers-test-model.ts';

const schema = z.strictObject({
  samples: z
    .number()
    .int()
    .min(1)
    .max(100_000_000)
    .default(20_000)
    .describe('Monte Carlo draws per job for the π estimate; count.'),
  walkSteps: z.number().int().min(1).max(1000).default(12).describe('Months of the random walk series per job; count.'),
  burnIterations: z
    .number()
    .int()
    .min(0)
    .max(1_000_000_000)
    .default(0)
    .describe('Extra floating-point iterations per job (CPU load for benchmarks); count.'),
  delayMs: z.number().min(0).max(60_000).default(0).describe('Wall-clock delay per job (for kill/resume tests); ms.'),
});
export type TestbedParams = z.infer<typeof schema>;

/** The environment switch that registers the test-only models (read when the list is asked for). */
export const TEST_MODELS_ENV = 'TWIN_TEST_MODELS';

/**
 * The test-only models to register beside the production registry: the testbed when TWIN_TEST_MODELS=1, else none.
 * Worker threads copy the environment when they start, so a pool started after the switch registers it too.
 * @example
 * const was = process.env[TEST_MODELS_ENV]; // the test set-up switches it on
 * process.env[TEST_MODELS_ENV] = '1';
 * testModels().map((m) => m.id) // => ['testbed', 'leverstest']
 * delete process.env[TEST_MODELS_ENV];
 * testModels() // => []
 * if (was !== undefined) process.env[TEST_MODELS_ENV] = was;
 */
export function testModels(): ModelDefinition[] {
  return process.env[TEST_MODELS_ENV] === '1'
    ? [testbedModel as ModelDefinition, leversTestModel as ModelDefinition]
    : [];
}

/**
 * Why a model id or scenario section is refused when it names a test-only model while the switch is off ('' else):
 * appended to the unknown-model and unknown-key messages so the fix is in the message.
 */
export function testModelHint(id: string): string {
  return id === 'testbed' && testModels().length === 0
    ? `; "testbed" is the engine's self-test model, registered only in tests (set ${TEST_MODELS_ENV}=1 to use it)`
    : '';
}

/** Scratch buffer reused by every job in this thread, so the delay costs no allocation. */
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

export const testbedModel: ModelDefinition<TestbedParams, null> = {
  id: 'testbed',
  title: 'Engine self-test',
  grain: 'year',
  paramsSchema: schema,
  metrics: [
    { id: 'testbed.pi', unit: '1', title: 'Monte Carlo estimate of π' },
    { id: 'testbed.walk', unit: '1', title: 'Seeded random walk' },
    { id: 'testbed.burn', unit: '1', title: 'Checksum of the CPU burn loop' },
  ],
  loadInputs: () => null,
  run(p, _inputs, job, rng) {
    const year = job.years[0]!;
    // Fault injection comes from the environment, not the scenario, so a faulty run and a clean run share the scenario
    // hash and therefore every seed: TWIN_TESTBED_EXIT_ON="2018:2:1,2019:5:1" (year:replication:attempt).
    const exitOn = process.env.TWIN_TESTBED_EXIT_ON ?? '';
    if (exitOn && exitOn.split(',').includes(`${year}:${job.replication}:${job.attempt}`)) {
      // Simulates a crashed worker (segfault, OOM): the engine must retry the job on a fresh worker.
      process.exit(3);
    }
    if (p.delayMs > 0) Atomics.wait(sleepCell, 0, 0, p.delayMs);
    let inside = 0;
    for (let i = 0; i < p.samples; i++) {
      const x = rng.next();
      const y = rng.next();
      if (x * x + y * y < 1) inside++;
    }
    let acc = 0;
    for (let i = 0; i < p.burnIterations; i++) acc += Math.sqrt(i + acc * 1e-9);
    const periods: string[] = [];
    const walk: number[] = [];
    let level = 0;
    for (let m = 0; m < p.walkSteps; m++) {
      level += rng.normal();
      periods.push(`${year}-${String((m % 12) + 1).padStart(2, '0')}`);
      walk.push(level);
    }
    return {
      series: [
        { metric: 'testbed.pi', entity: 'city', periods: [String(year)], values: [(4 * inside) / p.samples] },
        { metric: 'testbed.walk', entity: 'city', periods, values: walk },
        { metric: 'testbed.burn', entity: 'city', periods: [String(year)], values: [acc] },
      ],
      artifacts: job.replication === 0 ? { summary: { year, inside } } : undefined,
    };
  },
};
