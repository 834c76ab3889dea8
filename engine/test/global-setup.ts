// Builds the worker bundle once before the tests: pool tests load dist/worker.mjs (Node 20 cannot load .ts workers).
// @ts-expect-error plain ESM build script without types
import { buildWorker } from '../build-worker.mjs';

export default async function setup(): Promise<void> {
  await buildWorker();
}
