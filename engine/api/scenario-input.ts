/**
 * Scenarios that arrive over HTTP: a stored scenario's name, or an edited scenario (a JSON object or YAML text).
 * An edited scenario is validated exactly like the CLI validates a file: it is written to a private temporary file and
 * loaded with `loadScenario` (same size limit, YAML safety, `extends` only inside scenarios/, located issues); issue
 * locations in the temporary file are reported as `request body` with the line in the YAML text.
 *
 * Saving a what-if writes the same text to `scenarios/<name>.yaml` after validation: a safe file name, never the
 * baseline, never over an existing file, written atomically (temp file + exclusive link) so nothing half-written stays.
 */
import {
  existsSync,
  linkSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  listScenarioNames,
  loadScenario,
  MAX_SCENARIO_BYTES,
  ScenarioError,
  SCENARIOS_DIR,
  type LoadedScenario,
  type ScenarioIssue,
} from '../scenario.ts';
import { ApiError } from './http.ts';

/** How the request body names the file in issues about an edited scenario. */
export const REQUEST_FILE = 'request body';

/** Allowed names of saved what-ifs: lower-case letters, digits, dash, underscore; 2–64 characters; no dots. */
export const SAVE_NAME = /^[a-z0-9][a-z0-9_-]{1,63}$/;

/** Bounds on the scenarios folder that saving from the browser keeps (any page on the server could otherwise fill the disk). */
export interface ScenarioDirLimits {
  /** Most `.yaml` files the folder may hold after a save (default 200). */
  maxFiles?: number;
  /** Most bytes all `.yaml` files together may take after a save (default 8 MB). */
  maxTotalBytes?: number;
}

/** Default: at most 200 scenario files in the folder. */
export const MAX_SCENARIO_FILES = 200;
/** Default: at most 8 MB of scenario files in the folder (a what-if is a few hundred bytes; one file ≤ 256 KB). */
export const MAX_SCENARIOS_TOTAL_BYTES = 8 * 1024 * 1024;

/** Count and total size of the `.yaml` files in a folder. */
function yamlFilesIn(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.yaml')) continue;
    files++;
    bytes += statSync(path.join(dir, e.name)).size;
  }
  return { files, bytes };
}

/** Names that must never be written over from the browser. */
const PROTECTED = new Set(['baseline']);

export interface ScenarioInput {
  /** A stored scenario name (`baseline`, `half-crews`). */
  name?: string;
  /** An edited scenario as YAML text. */
  yaml?: string;
  /** An edited scenario as a JSON object (the same structure as the YAML file). */
  scenario?: Record<string, unknown>;
}

/** The YAML text of an edited scenario from a request body, or undefined when it names a stored scenario. */
export function scenarioText(input: ScenarioInput): string | undefined {
  if (typeof input.yaml === 'string') return input.yaml;
  if (input.scenario && typeof input.scenario === 'object' && !Array.isArray(input.scenario)) {
    // A what-if without a name gets one, so the run has a label in lists.
    return stringify({ name: 'what-if', ...input.scenario }, { lineWidth: 0 });
  }
  return undefined;
}

function scenarioFileOf(name: string, dir: string): string {
  if (!/^[A-Za-z0-9._-]{1,80}$/.test(name) || name.startsWith('.')) {
    throw new ApiError(
      400,
      `"${name}" is not a scenario name; use a name from GET /api/scenarios (letters, digits, dot, dash, underscore)`,
    );
  }
  const file = path.join(dir, `${name}.yaml`);
  if (!existsSync(file)) {
    throw new ApiError(404, `no scenario "${name}"; available: ${listScenarioNames(dir).join(', ')}`, {
      available: listScenarioNames(dir),
    });
  }
  return file;
}

function invalid(e: ScenarioError, tmpFile?: string): ApiError {
  const issues: ScenarioIssue[] = e.issues.map((i) =>
    tmpFile && i.file === tmpFile ? { ...i, file: REQUEST_FILE } : { ...i, file: path.basename(i.file) },
  );
  const lines = issues.map((i) => `${i.file}${i.line ? `:${i.line}` : ''}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
  return new ApiError(
    400,
    `the scenario is not valid (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${lines.join('; ')}`,
    { issues },
  );
}

/**
 * Load a scenario from a request, validated like `twin validate`.
 * @throws ApiError 400 with `issues` (file, line, path, message) for an invalid scenario; 404 for an unknown name.
 * @example
 * const loaded = loadScenarioInput({ scenario: { extends: 'baseline', name: 'x', rollout: { crews: { perCounty: 3 } } } });
 * [loaded.scenario.name, loaded.scenario.extends, loaded.scenario.rollout.crews.perCounty] // => ['x', 'baseline', 3]
 * const bad = { scenario: { extends: 'baseline', name: 'x', rollout: { crews: { perCounty: -3 } } } };
 * loadScenarioInput(bad) // throws 'request body:5: rollout.crews.perCounty: has -3: Too small'
 */
export function loadScenarioInput(input: ScenarioInput, dir = SCENARIOS_DIR): LoadedScenario {
  if (scenarioText(input) === undefined && typeof input.name !== 'string') {
    throw new ApiError(
      400,
      'say which scenario to run: { "scenario": "baseline" } for a stored one, or an edited one as { "scenario": { ... } } or { "yaml": "..." }',
    );
  }
  return withScenarioFile(input, dir, (file) => {
    try {
      return loadScenario(file, { scenariosDir: dir });
    } catch (e) {
      // A stored file's issues keep its own name; the temporary file's are renamed by withScenarioFile.
      if (e instanceof ScenarioError && scenarioText(input) === undefined) throw invalid(e);
      throw e;
    }
  });
}

/**
 * Validate and save an edited what-if as `scenarios/<name>.yaml`. The file's `name:` is set to the file name.
 * @throws ApiError 400 (bad name or invalid scenario), 409 (exists, protected, or the folder holds `maxFiles` files),
 * 413 (the folder would exceed `maxTotalBytes`).
 * @example
 * const fs = process.getBuiltinModule('node:fs');
 * const dir = fs.mkdtempSync(`${process.getBuiltinModule('node:os').tmpdir()}/twin-ex-`); // a scratch scenarios folder
 * const scenario = { period: { startYear: 2017, endYear: 2018 }, seed: 1, rollout: { crews: { perCounty: 3 } } };
 * const saved = saveScenario('more-crews', { scenario }, dir);
 * [saved.name, saved.file, fs.readdirSync(dir)] // => ['more-crews', 'scenarios/more-crews.yaml', ['more-crews.yaml']]
 * fs.readFileSync(`${dir}/more-crews.yaml`, 'utf8').endsWith('name: more-crews\n') // => true
 * saveScenario('more-crews', { scenario }, dir) // throws 'scenario "more-crews" already exists'
 * saveScenario('baseline', { scenario }) // throws '"baseline" is the plan baseline and cannot be overwritten'
 * fs.rmSync(dir, { recursive: true });
 */
export function saveScenario(
  name: string,
  input: ScenarioInput,
  dir = SCENARIOS_DIR,
  limits: ScenarioDirLimits = {},
): { name: string; file: string; hash: string } {
  if (typeof name !== 'string' || !SAVE_NAME.test(name)) {
    throw new ApiError(
      400,
      `"${String(name)}" is not a safe scenario name; use 2–64 lower-case letters, digits, "-" or "_" (e.g. "more-crews-2018")`,
    );
  }
  if (PROTECTED.has(name))
    throw new ApiError(
      409,
      `"${name}" is the plan baseline and cannot be overwritten from the browser; choose another name`,
    );
  const target = path.join(dir, `${name}.yaml`);
  if (existsSync(target))
    throw new ApiError(
      409,
      `scenario "${name}" already exists; choose another name (saved what-ifs are never overwritten)`,
    );
  let text = scenarioText(input);
  if (text === undefined)
    throw new ApiError(400, 'send the edited scenario as { "scenario": { ... } } or { "yaml": "..." }');
  // The file's name is its identity in lists; set it so the stored run and the file agree.
  if (input.scenario) text = stringify({ ...input.scenario, name }, { lineWidth: 0 });
  else if (!/^name\s*:/m.test(text)) text = `name: ${name}\n${text}`;
  const loaded = loadScenarioInput({ yaml: text }, dir);
  const maxFiles = limits.maxFiles ?? MAX_SCENARIO_FILES;
  const maxBytes = limits.maxTotalBytes ?? MAX_SCENARIOS_TOTAL_BYTES;
  const have = yamlFilesIn(dir);
  if (have.files >= maxFiles)
    throw new ApiError(
      409,
      `the scenarios folder already holds ${have.files} scenario files, the most a save from the browser may leave there is ${maxFiles}; delete what-ifs you no longer need from scenarios/ and save again`,
    );
  const header = `# yaml-language-server: $schema=./scenario.schema.json\n# Saved from the viewer's what-if panel on ${new Date().toISOString().slice(0, 10)}.\n`;
  const size = Buffer.byteLength(header + text);
  if (have.bytes + size > maxBytes)
    throw new ApiError(
      413,
      `saving this what-if (${size} bytes) would bring the scenarios folder to ${have.bytes + size} bytes, over its limit of ${maxBytes} bytes; delete what-ifs you no longer need from scenarios/ and save again`,
    );
  const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, header + text, { flag: 'wx' });
  try {
    // link() fails when the target exists: no overwrite even if two saves race.
    linkSync(tmp, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new ApiError(409, `scenario "${name}" already exists; choose another name`);
    throw e;
  } finally {
    unlinkSync(tmp);
  }
  return { name, file: `scenarios/${name}.yaml`, hash: loaded.hash };
}

/**
 * Call `fn` with a scenario file for the input: the stored file for a name, else a private temporary file holding
 * the edited text (removed afterwards). Lets callers load the same scenario with different overrides.
 * @example
 * withScenarioFile({ name: 'baseline' }, 'scenarios', (file) => file) // => 'scenarios/baseline.yaml'
 * const fs = process.getBuiltinModule('node:fs');
 * const seen = withScenarioFile({ yaml: 'name: x\n' }, 'scenarios', (file) => [fs.readFileSync(file, 'utf8'), file]);
 * [seen[0], fs.existsSync(seen[1])] // => ['name: x\n', false]
 */
export function withScenarioFile<T>(input: ScenarioInput, dir: string, fn: (file: string) => T): T {
  const text = scenarioText(input);
  if (text === undefined) {
    if (typeof input.name !== 'string')
      throw new ApiError(400, 'say which scenario: a stored name, or an edited one as { "scenario": { ... } }');
    return fn(scenarioFileOf(input.name, dir));
  }
  if (Buffer.byteLength(text) > MAX_SCENARIO_BYTES)
    throw new ApiError(
      413,
      `the scenario is ${Buffer.byteLength(text)} bytes; the limit is ${MAX_SCENARIO_BYTES} bytes`,
    );
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'twin-api-'));
  const file = path.join(tmp, 'scenario.yaml');
  try {
    writeFileSync(file, text);
    return fn(file);
  } catch (e) {
    if (e instanceof ScenarioError) throw invalid(e, file);
    throw e;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The stored YAML text of a scenario (for the what-if panel to start from). */
export function scenarioSource(
  name: string,
  dir = SCENARIOS_DIR,
): { name: string; yaml: string; loaded: LoadedScenario } {
  const file = scenarioFileOf(name, dir);
  const yaml = readFileSync(file, 'utf8');
  try {
    return { name, yaml, loaded: loadScenario(file, { scenariosDir: dir }) };
  } catch (e) {
    if (e instanceof ScenarioError) throw invalid(e);
    throw e;
  }
}
