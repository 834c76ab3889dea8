/**
 * Where things are. Resolved from this file's location so the CLI works from any working directory, and fixed at
 * bundle time for the worker (engine/build-worker.mjs keeps each module's own import.meta.url).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding package.json, engine/, models/, data/...). */
export const ENGINE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Default SQLite store. */
export const DEFAULT_DB = path.join(ENGINE_ROOT, 'runs', 'twin.sqlite');
/** The bundled worker file piscina loads. */
export const WORKER_FILE = path.join(ENGINE_ROOT, 'dist', 'worker.mjs');
/** Shared outside reference data (beside the clone). */
export const SHARED_DIR = path.resolve(ENGINE_ROOT, '..', 'shared');
/** Scenarios folder (`extends:` resolves only inside it); TWIN_SCENARIOS_DIR overrides it for tests and site setups. */
export const SCENARIOS_ROOT = process.env.TWIN_SCENARIOS_DIR
  ? path.resolve(process.env.TWIN_SCENARIOS_DIR)
  : path.join(ENGINE_ROOT, 'scenarios');
