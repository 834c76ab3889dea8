// The repository root, computed in one place for the engine, the models and the build scripts. Plain JavaScript so
// that build scripts run by plain `node` can import it; in the worker bundles each module keeps its own
// import.meta.url (models/lib/worker-build.mjs), so this still points at the sources.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding package.json, engine/, models/, data/...). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Build outputs (git-ignored): worker bundles. */
export const DIST_DIR = path.join(REPO_ROOT, 'dist');

/** Shared outside reference data (validation cases, research notes), beside the clone. */
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
