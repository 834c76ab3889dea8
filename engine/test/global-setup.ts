// Before the tests: registers the test-only models (the testbed, engine/testbed-model.ts) for the test processes, the
// CLI children they spawn and their worker threads, which all inherit the environment; and builds the worker bundle
// once, as pool tests load dist/worker.mjs (Node 20 cannot load .ts workers).
// @ts-expect-error plain ESM build script without types
import { buildWorker } from '../build-worker.mjs';
import { TEST_MODELS_ENV } from '../testbed-model.ts';

export default async function setup(): Promise<void> {
  process.env[TEST_MODELS_ENV] = '1';
  await buildWorker();
}
