/**
 * Where things are. The repository root is computed once, in models/lib/paths.mjs (the models and the build scripts
 * need it too, and models may not import the engine); it resolves from that file's location, so the CLI works from
 * any working directory, and stays right in the worker bundle (models/lib/worker-build.mjs keeps each module's own
 * import.meta.url).
 */
import path from 'node:path';
import { DIST_DIR, REPO_ROOT, SHARED_DIR as SHARED } from '../models/lib/paths.mjs';

/** The repository root (the folder holding package.json, engine/, models/, data/...). */
export const ENGINE_ROOT = REPO_ROOT;
/** Default SQLite store. */
export const DEFAULT_DB = path.join(ENGINE_ROOT, 'runs', 'twin.sqlite');
/** The bundled worker file piscina loads (built by engine/build-worker.mjs). */
export const WORKER_FILE = path.join(DIST_DIR, 'worker.mjs');
/** Shared outside reference data (beside the clone). */
export const SHARED_DIR = SHARED;
/** Scenarios folder (`extends:` resolves only inside it); TWIN_SCENARIOS_DIR overrides it for tests and site setups. */
export const SCENARIOS_ROOT = process.env.TWIN_SCENARIOS_DIR
  ? path.resolve(process.env.TWIN_SCENARIOS_DIR)
  : path.join(ENGINE_ROOT, 'scenarios');
