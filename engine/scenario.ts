/**
 * Scenario files: parse → resolve `extends` → deep-merge → validate (zod) → normalised scenario with a content hash.
 *
 * Scenario files are untrusted input: size limit, alias limit, no custom tags, duplicate keys rejected, and `extends`
 * only resolves to files inside the scenarios folder. Every problem becomes a `ScenarioIssue` naming the file, the
 * line, the field path, the bad value and what is allowed; the CLI prints them and exits with code 2.
 *
 * Merge rule (documented in README): objects merge key by key, recursively; arrays and scalars in the child replace
 * the parent's value whole; `null` in the child replaces too (and then fails validation where null is not allowed).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- this module walks zod's internal definitions (def, shape,
   minValue) and YAML nodes, which zod 4 and yaml do not type publicly; results leave it typed (Scenario). */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Document } from 'yaml';
import { z } from 'zod';
import { models } from '../models/registry.ts';
import type { ModelDefinition } from '../models/types.ts';
import { testModelHint, testModels } from './testbed-model.ts';
import { SCENARIOS_ROOT } from './paths.ts';
import { deepMerge } from './contract/index.ts';
import { SKETCH_NETWORK } from '../data/networks.ts';
import { networkProvenance } from './network/provenance.ts';

/** Largest scenario file accepted, in bytes (a real scenario is a few KB). */
export const MAX_SCENARIO_BYTES = 256 * 1024;
/** Longest `extends` chain accepted. */
export const MAX_EXTENDS_DEPTH = 8;

/** The folder `extends:` names resolve in. */
export const SCENARIOS_DIR = SCENARIOS_ROOT;

/** Models a scenario may configure: the production registry, plus the engine's self-test model in tests only. */
export function scenarioModels(): ModelDefinition[] {
  return [...models, ...testModels()];
}

/** One problem found in a scenario file. */
export interface ScenarioIssue {
  file: string;
  line?: number;
  column?: number;
  /** Dotted field path, e.g. `rollout.crewsPerCounty`. Empty for file-level problems. */
  path: string;
  message: string;
}

/** Thrown for any invalid scenario; carries every issue found. */
export class ScenarioError extends Error {
  readonly issues: ScenarioIssue[];
  constructor(issues: ScenarioIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ScenarioError';
    this.issues = issues;
  }
}

/** `file:line:col: field: message` — the one format every scenario error uses. */
export function formatIssue(i: ScenarioIssue): string {
  const rel = path.relative(process.cwd(), i.file) || i.file;
  const where = i.line ? `${rel}:${i.line}${i.column ? `:${i.column}` : ''}` : rel;
  return `${where}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
}

const metaSchema = {
  name: z
    .string()
    .min(1)
    .max(80)
    .regex(/^[A-Za-z0-9._ -]+$/, 'letters, digits, space, dot, dash, underscore')
    .describe('Scenario name shown in lists.'),
  description: z.string().max(2000).default('').describe('What this what-if changes and why.'),
  extends: z.string().optional().describe('Name of a scenario in scenarios/ this one overrides (e.g. "baseline").'),
  period: z
    .strictObject({
      startYear: z
        .number()
        .int()
        .min(2017)
        .max(2021)
        .default(2017)
        .describe('First simulated year (plan period 2017–2021).'),
      endYear: z
        .number()
        .int()
        .min(2017)
        .max(2021)
        .default(2021)
        .describe('Last simulated year (plan period 2017–2021).'),
    })
    .prefault({})
    .describe('Simulated years, inside the plan period 2017–2021.'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(4294967295)
    .default(20170915)
    .describe('Master seed; every job seed derives from it.'),
  replications: z.number().int().min(1).max(10000).default(50).describe('Monte Carlo replications per model and year.'),
  models: z
    .array(z.string())
    .min(1, 'list at least one model (or leave `models` out to run them all)')
    .optional()
    .describe('Model families to run; default: all production models (traffic, greenhouse, rollout, clouds, ...).'),
};

/** The zod schema of a whole scenario file (after merge). */
export function scenarioSchema(defs: ModelDefinition[] = scenarioModels()) {
  const sections: Record<string, z.ZodType> = {};
  for (const m of defs)
    sections[m.id] = (m.paramsSchema as any).prefault({}).describe(`Parameters of the ${m.title} model.`);
  return z.strictObject({ ...metaSchema, ...sections }).superRefine((s: any, ctx) => {
    if (s.period.endYear < s.period.startYear) {
      ctx.addIssue({
        code: 'custom',
        path: ['period', 'endYear'],
        message: `must be ≥ period.startYear (${s.period.startYear})`,
        input: s.period.endYear,
      });
    }
    if (s.models) {
      const known = defs.map((m) => m.id);
      s.models.forEach((id: string, k: number) => {
        if (!known.includes(id))
          ctx.addIssue({
            code: 'custom',
            path: ['models', k],
            message: `unknown model "${id}"${suggest(id, known)}; allowed: ${known.join(', ')}${testModelHint(id)}`,
            input: id,
          });
      });
    }
  });
}

/** A validated, merged scenario with defaults filled in. */
export interface Scenario {
  name: string;
  description: string;
  extends?: string;
  period: { startYear: number; endYear: number };
  seed: number;
  replications: number;
  models?: string[];
  [section: string]: unknown;
}

/** A scenario ready for the engine. */
export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  /** sha256 (hex, 16 chars) of the result-relevant content: period and model sections, not name/seed/replications. */
  hash: string;
  /** Model ids this scenario runs, in registry order. */
  modelIds: string[];
  years: number[];
}

interface ParsedFile {
  file: string;
  doc: Document;
  lines: LineCounter;
  data: Record<string, unknown>;
}

function parseFile(file: string): ParsedFile {
  if (!existsSync(file))
    throw new ScenarioError([
      { file, path: '', message: 'file not found; check the path (scenarios live in scenarios/*.yaml)' },
    ]);
  const st = statSync(file);
  if (!st.isFile()) throw new ScenarioError([{ file, path: '', message: 'not a regular file' }]);
  if (st.size > MAX_SCENARIO_BYTES) {
    throw new ScenarioError([
      {
        file,
        path: '',
        message: `file is ${st.size} bytes; scenario files are limited to ${MAX_SCENARIO_BYTES} bytes`,
      },
    ]);
  }
  const text = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  // Untrusted input: core schema only (no custom tags such as !!js/function), few aliases (billion-laughs), unique keys.
  const doc = parseDocument(text, {
    lineCounter: lines,
    schema: 'core',
    customTags: [],
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
  });
  const issues: ScenarioIssue[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = lines.linePos(e.pos[0]);
    const msg =
      e.code === 'TAG_RESOLVE_FAILED'
        ? `${e.message.split('\n')[0]}; custom YAML tags are not allowed in scenario files`
        : e.message.split('\n')[0];
    issues.push({ file, line: pos.line, column: pos.col, path: '', message: `YAML: ${msg}` });
  }
  if (issues.length) throw new ScenarioError(issues);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    throw new ScenarioError([
      { file, path: '', message: `YAML: ${(e as Error).message} (aliases are limited to 50 expansions)` },
    ]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError([
      {
        file,
        line: 1,
        path: '',
        message: 'a scenario must be a YAML mapping (name: ..., period: ..., sections per model)',
      },
    ]);
  }
  const proto = findForbiddenKey(data, []);
  if (proto) {
    const pf = { file, doc, lines, data: data as Record<string, unknown> };
    throw new ScenarioError([
      {
        file,
        ...(locate(pf, proto) ?? locate(pf, proto.slice(0, -1))),
        path: proto.join('.'),
        message: `the key "${proto[proto.length - 1]}" is not allowed in scenario files (it would reach object prototypes); remove it`,
      },
    ]);
  }
  return { file, doc, lines, data: data as Record<string, unknown> };
}

/** Keys that would touch object prototypes when merged (`__proto__` smuggles fields past the schema). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function findForbiddenKey(v: unknown, at: string[]): string[] | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  for (const k of Object.keys(v)) {
    if (FORBIDDEN_KEYS.has(k)) return [...at, k];
    const hit = findForbiddenKey((v as Record<string, unknown>)[k], [...at, k]);
    if (hit) return hit;
  }
  return undefined;
}

/** Where a field path sits in a file, if that file sets it (or its nearest parent object). */
function locate(pf: ParsedFile, p: ReadonlyArray<PropertyKey>): { line: number; column: number } | undefined {
  for (let n = p.length; n >= 0; n--) {
    const keyPath = p.slice(0, n).map((k) => (typeof k === 'number' ? k : String(k)));
    let node: any = n === 0 ? pf.doc.contents : pf.doc.getIn(keyPath, true);
    if (node && n > 0 && !isMap(node) && !isSeq(node) && node.range === undefined) node = undefined;
    if (node?.range) {
      const pos = pf.lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return undefined;
}

function fileSets(pf: ParsedFile, p: ReadonlyArray<PropertyKey>): boolean {
  let cur: any = pf.data;
  for (const k of p) {
    if (cur === null || typeof cur !== 'object' || !(String(k) in cur)) return false;
    cur = cur[k as any];
  }
  return true;
}

/** Resolve an `extends` name to a file inside the scenarios folder, or explain why not. */
function resolveExtends(name: unknown, from: ParsedFile, scenariosDir: string): string {
  const loc = locate(from, ['extends']);
  const issue = (message: string) => new ScenarioError([{ file: from.file, ...loc, path: 'extends', message }]);
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]+(\.ya?ml)?$/.test(name) || name.startsWith('.')) {
    throw issue(
      `${JSON.stringify(name)} is not a scenario name; use the name of a file in scenarios/ without folders, e.g. "baseline"`,
    );
  }
  const file = path.join(scenariosDir, /\.ya?ml$/.test(name) ? name : `${name}.yaml`);
  if (!existsSync(file)) {
    const known = listScenarioNames(scenariosDir);
    throw issue(
      `no scenario "${name}" in ${path.relative(process.cwd(), scenariosDir) || '.'}${suggest(name, known)}; available: ${known.join(', ')}`,
    );
  }
  const real = realpathSync(file);
  const root = realpathSync(scenariosDir);
  if (!real.startsWith(root + path.sep))
    throw issue(`"${name}" resolves outside the scenarios folder; extends may only name files in scenarios/`);
  return real;
}

/** Names of the scenario files in a folder (without .yaml). */
export function listScenarioNames(dir = SCENARIOS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !f.endsWith('.schema.yaml'))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(
        dp[j]! + 1,
        dp[j - 1]! + 1,
        prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** ` (did you mean "x"?)` when a close candidate exists, else ''. */
export function suggest(word: string, candidates: string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best && bestD <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

/** Unwrap defaults/optionals to the underlying zod type. */
function unwrap(t: any): any {
  while (t?.def && ['default', 'prefault', 'optional', 'nullable', 'readonly', 'pipe'].includes(t.def.type)) {
    t = t.def.type === 'pipe' ? t.def.in : t.def.innerType;
  }
  return t;
}

/** The zod type at a field path (through objects and arrays), if any; wrappers (default, optional) kept on the last step. */
function schemaAt(root: any, p: ReadonlyArray<PropertyKey>): any {
  let t = root;
  for (const k of p) {
    const u = unwrap(t);
    if (u?.def?.type === 'object') t = u.shape[String(k)];
    else if (u?.def?.type === 'array') t = u.def.element;
    else return undefined;
  }
  return t;
}

function describeAllowed(raw: any): string {
  // The description sits on the outermost wrapper (`.default(x).describe(...)`); the bounds on the inner type.
  const desc = raw?.description;
  const t = unwrap(raw);
  if (!t?.def) return '';
  const parts: string[] = [];
  const type = t.def.type;
  if (type === 'number') {
    const lo = t.minValue;
    const hi = t.maxValue;
    const bounded = (x: unknown) =>
      typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < Number.MAX_SAFE_INTEGER;
    parts.push(
      `${t.isInt ? 'an integer' : 'a number'}${bounded(lo) ? ` ≥ ${lo}` : ''}${bounded(hi) ? ` ≤ ${hi}` : ''}`,
    );
  } else if (type === 'enum')
    parts.push(
      `one of ${Object.values(t.def.entries)
        .map((v) => JSON.stringify(v))
        .join(', ')}`,
    );
  else if (type === 'boolean') parts.push('true or false');
  else if (type === 'string') parts.push('a string');
  else if (type === 'array') parts.push('a list');
  else if (type === 'object') parts.push('a mapping');
  const d = desc ?? t.description;
  if (d) parts.push(`(${d})`);
  return parts.join(' ');
}

function valueAt(data: unknown, p: ReadonlyArray<PropertyKey>): unknown {
  let cur: any = data;
  for (const k of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[k as any];
  }
  return cur;
}

function short(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Load, merge and validate a scenario file.
 * @throws ScenarioError listing every problem (file, line, field path, bad value, what is allowed).
 * @example
 * const s = loadScenario('scenarios/half-crews.yaml'); // extends baseline, halves the county crews
 * [s.scenario.extends, s.scenario.rollout.crews.perCounty, s.years] // => ['baseline', 1, [2017, 2018, 2019, 2020, 2021]]
 * // the hash depends on the merged content only: stable across loads, different from the parent's
 * [s.hash === loadScenario('scenarios/half-crews.yaml').hash, s.hash === loadScenario('scenarios/baseline.yaml').hash] // => [true, false]
 * loadScenario('scenarios/half-crews.yaml', { overrides: { replications: 5 } }).scenario.replications // => 5
 * loadScenario('scenarios/nope.yaml') // throws 'scenarios/nope.yaml: file not found'
 */
export function loadScenario(
  file: string,
  opts: { scenariosDir?: string; overrides?: Record<string, unknown> } = {},
): LoadedScenario {
  const scenariosDir = opts.scenariosDir ?? SCENARIOS_DIR;
  const abs = path.resolve(file);
  const chain: ParsedFile[] = [];
  const seen = new Set<string>();
  let cur: ParsedFile = parseFile(abs);
  seen.add(existsSync(abs) ? realpathSync(abs) : abs);
  chain.push(cur);
  while (cur.data.extends !== undefined) {
    const parentFile = resolveExtends(cur.data.extends, cur, scenariosDir);
    if (seen.has(parentFile)) {
      const names = [...chain.map((c) => path.basename(c.file)), path.basename(parentFile)].join(' → ');
      throw new ScenarioError([
        {
          file: cur.file,
          ...locate(cur, ['extends']),
          path: 'extends',
          message: `extends cycle: ${names}; remove one of the extends lines`,
        },
      ]);
    }
    seen.add(parentFile);
    if (chain.length >= MAX_EXTENDS_DEPTH) {
      throw new ScenarioError([
        {
          file: cur.file,
          ...locate(cur, ['extends']),
          path: 'extends',
          message: `extends chain longer than ${MAX_EXTENDS_DEPTH} files (${chain.length + 1} with ${path.basename(parentFile)}); merge some of the files`,
        },
      ]);
    }
    cur = parseFile(parentFile);
    chain.push(cur);
  }
  // Merge from the root ancestor down to the file itself; the child's name and description are its own.
  let merged: unknown = {};
  for (let i = chain.length - 1; i >= 0; i--) merged = deepMerge(merged, chain[i]!.data);
  const own = chain[0]!.data;
  (merged as any).description = own.description ?? '';
  if (own.name === undefined) delete (merged as any).name;
  if (opts.overrides) {
    const bad = findForbiddenKey(opts.overrides, []);
    if (bad)
      throw new ScenarioError([
        {
          file: abs,
          path: bad.join('.'),
          message: `the key "${bad[bad.length - 1]}" is not allowed (it would reach object prototypes); remove it`,
        },
      ]);
    merged = deepMerge(merged, opts.overrides);
  }

  const schema = scenarioSchema();
  const res = schema.safeParse(merged);
  if (!res.success) {
    const issues: ScenarioIssue[] = [];
    for (const zi of res.error.issues) {
      const p = zi.path as PropertyKey[];
      if (zi.code === 'unrecognized_keys') {
        for (const key of zi.keys) {
          const full = [...p, key];
          const owner = chain.find((c) => fileSets(c, full)) ?? chain[0]!;
          const allowed = Object.keys(unwrap(schemaAt(schema, p))?.shape ?? {});
          issues.push({
            file: owner.file,
            ...locate(owner, full),
            path: full.join('.'),
            message: `unknown key "${key}"${suggest(key, allowed)}; allowed keys here: ${allowed.join(', ')}${p.length === 0 ? testModelHint(key) : ''}`,
          });
        }
        continue;
      }
      const owner = chain.find((c) => fileSets(c, p)) ?? chain[0]!;
      const bad = valueAt(merged, p);
      const allowed = describeAllowed(schemaAt(schema, p));
      if (zi.code === 'invalid_key') {
        // A record key that fails its own check (e.g. a county code that does not exist): the key is the bad value.
        const why = zi.issues.map((k) => k.message).join('; ');
        issues.push({
          file: owner.file,
          ...locate(owner, p),
          path: p.join('.'),
          message: `key ${JSON.stringify(String(p[p.length - 1]))}: ${why}`,
        });
        continue;
      }
      const what = bad === undefined ? 'is required' : `has ${short(bad)}`;
      issues.push({
        file: owner.file,
        ...locate(owner, p),
        path: p.join('.'),
        message: `${what}: ${zi.message}${allowed ? `; allowed: ${allowed}` : ''}`,
      });
    }
    throw new ScenarioError(issues);
  }
  const scenario = res.data as Scenario;
  const production = models.map((m) => m.id);
  const modelIds = scenario.models
    ? scenarioModels()
        .map((m) => m.id)
        .filter((id) => scenario.models!.includes(id))
    : production;
  // Checks that need the file system (files named by the scenario exist inside their folders).
  const inputIssues: ScenarioIssue[] = [];
  for (const m of scenarioModels()) {
    if (!modelIds.includes(m.id) || !m.checkInputs) continue;
    for (const iss of m.checkInputs(scenario[m.id])) {
      const p = [m.id, ...iss.path];
      const owner = chain.find((c) => fileSets(c, p)) ?? chain[0]!;
      inputIssues.push({ file: owner.file, ...locate(owner, p), path: p.join('.'), message: iss.message });
    }
  }
  if (inputIssues.length) throw new ScenarioError(inputIssues);
  const years: number[] = [];
  for (let y = scenario.period.startYear; y <= scenario.period.endYear; y++) years.push(y);
  return { file: abs, scenario, hash: scenarioHash(scenario, modelIds), modelIds, years };
}

/**
 * Stable content hash of what determines results: period and the parameters of the models that run.
 * Name, description, seed and replication count are excluded (seed and count are stored beside the hash), so replication
 * k of a scenario is the same whatever the total count.
 */
export function scenarioHash(s: Scenario, modelIds: string[]): string {
  const content: Record<string, unknown> = { period: s.period, models: modelIds };
  for (const id of modelIds) content[id] = s[id];
  // An imported network is user data that can be re-imported under the same name: its content is part of what
  // determines results (the shipped sketch is code, covered by the code version, so older hashes stay valid).
  const imported = Object.entries(networkProvenance(s, modelIds)).filter(([, n]) => n.name !== SKETCH_NETWORK);
  if (imported.length) content.networks = Object.fromEntries(imported.map(([m, n]) => [m, n.contentHash]));
  return createHash('sha256').update(stableStringify(content)).digest('hex').slice(0, 16);
}

/**
 * JSON with object keys sorted at every level, so equal content gives equal text.
 * @example stableStringify({ b: 1, a: [2, { d: 1, c: 0 }] }) // => '{"a":[2,{"c":0,"d":1}],"b":1}'
 */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as any)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as any)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** JSON Schema of scenario files, for editor autocompletion (`npm run schema` writes scenarios/scenario.schema.json). */
export function scenarioJsonSchema(): unknown {
  // Production models only: the file is committed and editors offer it to planners (the testbed is test-only).
  const js = z.toJSONSchema(scenarioSchema(models) as any, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...js,
    title: 'Zibo twin scenario',
    description: 'A what-if of the Zibo New Smart City plan 2017–2021. See README.md, "Scenarios".',
  };
}
