/**
 * Every JSDoc `@example` in engine/, models/, data/ and viewer/src/ is run: a tag at the start of a comment line, or
 * after the description in a one-line comment (`/** Doubles. @example g(2) // => 4 *\/`).
 *
 * An executable example is JavaScript (no TypeScript syntax) that uses the exports of its own module and checks
 * itself with trailing comments:
 *   expr // => expected        expr is evaluated (awaited) and must deep-equal expected (numbers to 1e-12 relative;
 *                              typed arrays by type and elements; NaN equals NaN)
 *   expr // throws 'text'      evaluating expr must throw an error whose message contains text
 * Lines without such a comment are set-up statements run before the checks below them, in the same scope; on a
 * check line, statements before the last `;` are set-up too (`const g = f(); g.x // => 3`).
 *
 * The module's own exports are in scope. Anything else the example needs (a params schema, `createRng`, a sibling
 * module's loader) comes from ES import lines at the very start of the example, one per line:
 *   import { createRng } from '../lib/rng.ts';       named (also `{ a as b }`), default (`import x from`) or
 *   import * as yaml from 'yaml';                    namespace; a relative specifier resolves against the source
 *                                                    file, a bare one as from this test; each is imported before
 *                                                    the example runs and its bindings shadow same-named exports.
 * The import lines are not part of the example's key (below): its first line after them is.
 *
 * Strict: an example with no `// =>` or `// throws` check fails this test, unless it is listed in one of two files:
 * - `jsdoc-examples.covered.txt`: examples that cannot run here in isolation (a worker pool, a server socket, a
 *   browser/DOM/Cesium, SUMO, a Vite build, a finished run in a store) but whose call a real test makes. Format
 *   `file :: first line of the example :: test file`; this test checks that the test file exists, is a `*.test.ts`,
 *   and contains the example's called function (the first `name(` / `new Name(` in the example that the source file
 *   exports), so an entry cannot point at a test that never calls it.
 * - `jsdoc-examples.pending.txt`: examples neither executable nor exercised by any test (each needs one). It may
 *   only shrink.
 * An entry in either list that is now executable, or whose example is gone, fails too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENGINE_ROOT } from '../paths.ts';

const ROOTS = ['engine', 'models', 'data', 'viewer/src'];
const PENDING_FILE = path.join(ENGINE_ROOT, 'engine', 'test', 'jsdoc-examples.pending.txt');
const COVERED_FILE = path.join(ENGINE_ROOT, 'engine', 'test', 'jsdoc-examples.covered.txt');

interface Example {
  /** Repo-relative file. */
  file: string;
  /** 1-based line of the `@example` tag. */
  line: number;
  code: string;
  /** Key in the pending list: file and the example's first line. */
  key: string;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|mts)$/.test(e.name) && !/\.(test|spec)\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** One import line of an example: where from, and its bindings as [local name, imported name or '*']. */
export interface ExampleImport {
  specifier: string;
  bindings: [local: string, imported: string][];
}

const IMPORT_LINE = /^import\s+(.+?)\s+from\s+(['"])([^'"]+)\2;?\s*$/;

/**
 * Splits the leading `import ... from '...';` lines off an example. Only value imports in one line: a default
 * binding, a namespace (`* as ns`) or named bindings (`{ a, b as c }`), or a default followed by one of the others.
 */
export function splitImports(code: string): { imports: ExampleImport[]; body: string } {
  const lines = code.split('\n');
  const imports: ExampleImport[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line.startsWith('import ')) break;
    const m = IMPORT_LINE.exec(line);
    if (!m) throw new Error(`unsupported import line in an example: ${line} (write it on one line, without 'type')`);
    const bindings: [string, string][] = [];
    const clause = m[1]!.trim();
    const parts = /^(?:([A-Za-z_$][\w$]*)\s*,\s*)?(\{[^}]*\}|\*\s*as\s+[A-Za-z_$][\w$]*|[A-Za-z_$][\w$]*)$/.exec(
      clause,
    );
    if (!parts || /^type\b/.test(clause)) throw new Error(`unsupported import clause in an example: ${line}`);
    if (parts[1]) bindings.push([parts[1], 'default']);
    const rest = parts[2]!;
    if (rest.startsWith('{')) {
      for (const item of rest
        .slice(1, -1)
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)) {
        const b = /^([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/.exec(item);
        if (!b) throw new Error(`unsupported import binding '${item}' in an example: ${line}`);
        bindings.push([b[2] ?? b[1]!, b[1]!]);
      }
    } else if (rest.startsWith('*')) bindings.push([rest.replace(/^\*\s*as\s+/, ''), '*']);
    else bindings.push([rest, 'default']);
    imports.push({ specifier: m[3]!, bindings });
  }
  return { imports, body: lines.slice(i).join('\n').trim() };
}

/** The `@example` blocks of one source file: from the tag to the next tag or the end of the comment. */
export function examplesOf(file: string, text: string): Example[] {
  const out: Example[] = [];
  const re = /\/\*\*[\s\S]*?\*\//g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const startLine = text.slice(0, m.index).split('\n').length;
    const lines = m[0]
      .replace(/^\/\*\*/, '')
      .replace(/\*\/$/, '')
      .split('\n')
      .map((l) => l.replace(/^\s*\* ?/, ''));
    let cur: { line: number; body: string[] } | null = null;
    const flush = () => {
      if (!cur) return;
      const code = cur.body.join('\n').trim();
      // The key skips the import lines: they say what the example needs, its first statement says what it shows.
      const first = code
        .split('\n')
        .find((l) => !l.trim().startsWith('import '))!
        .trim();
      out.push({ file, line: cur.line, code, key: `${file} :: ${first}` });
      cur = null;
    };
    lines.forEach((l, i) => {
      // A tag starts a line, or follows the description in a one-line comment (`/** Text. @example f() // => 1 */`).
      const tag = /^\s*@(\w+)\s?(.*)$/.exec(l) ?? (cur ? null : /^.*?\s@(example)\b\s?(.*)$/.exec(l));
      if (tag) {
        flush();
        if (tag[1] === 'example') cur = { line: startLine + i, body: [tag[2]!] };
      } else if (cur) cur.body.push(l);
    });
    flush();
  }
  return out;
}

const CHECK = /^(.*?)\s*\/\/\s*(=>|throws)\s+(.+?)\s*$/;

/** Whether the example carries at least one check. */
function isExecutable(code: string): boolean {
  return code.split('\n').some((l) => CHECK.test(l));
}

function isIdentifier(s: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(s);
}

/** Deep equality with a relative tolerance of 1e-12 on numbers; NaN equals NaN; typed arrays by type and values. */
function close(a: unknown, b: unknown, where = '$'): string | null {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return null;
    if (a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b))) return null;
    return `${where}: ${a} ≠ ${b}`;
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor)
      return `${where}: ${a?.constructor?.name} ≠ ${(b as object)?.constructor?.name}`;
    return close(Array.from(a as unknown as ArrayLike<number>), Array.from(b as unknown as ArrayLike<number>), where);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length)
      return `${where}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
    for (let i = 0; i < a.length; i++) {
      const d = close(a[i], b[i], `${where}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) return `${where}: keys ${ka.join(',')} ≠ ${kb.join(',')}`;
    for (const k of ka) {
      const d = close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${where}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
}

/** Splits `a; b; expr` into set-up `a; b;` and the final expression (top-level `;` only, outside strings). */
function splitLast(code: string): { setup: string; expr: string } {
  let depth = 0;
  let quote: string | null = null;
  let last = -1;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ';' && depth === 0) last = i;
  }
  return last < 0 ? { setup: '', expr: code } : { setup: code.slice(0, last + 1), expr: code.slice(last + 1) };
}

/** The body of an async function that runs the example and checks each `// =>` / `// throws` line. */
export function compileExample(code: string): string {
  const body: string[] = [];
  let n = 0;
  for (const raw of code.split('\n')) {
    const m = CHECK.exec(raw);
    if (!m) {
      body.push(raw);
      continue;
    }
    const { setup, expr } = splitLast(m[1]!);
    if (setup) body.push(setup);
    if (m[2] === '=>') body.push(`await __eq(${n++}, async () => (${expr}), () => (${m[3]}));`);
    else body.push(`await __throws(${n++}, async () => (${expr}), (${m[3]}));`);
  }
  return body.join('\n');
}

type AsyncFn = (...args: unknown[]) => Promise<void>;
const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => AsyncFn;

/** The module a specifier of an example names: relative ones against the example's source file. */
function resolveSpecifier(file: string, specifier: string): string {
  return specifier.startsWith('.')
    ? pathToFileURL(path.resolve(path.dirname(path.join(ENGINE_ROOT, file)), specifier)).href
    : specifier;
}

/** The names in scope of an example and their values: the module's exports, then its imports (these win). */
async function scopeOf(ex: Example, imports: ExampleImport[]): Promise<Map<string, unknown>> {
  const scope = new Map<string, unknown>();
  const mod = (await import(pathToFileURL(path.join(ENGINE_ROOT, ex.file)).href)) as Record<string, unknown>;
  for (const k of Object.keys(mod).filter(isIdentifier)) scope.set(k, mod[k]);
  for (const imp of imports) {
    const m = (await import(resolveSpecifier(ex.file, imp.specifier))) as Record<string, unknown>;
    for (const [local, imported] of imp.bindings) {
      if (imported !== '*' && !(imported in m))
        throw new Error(`${ex.file}:${ex.line}: '${imp.specifier}' has no export '${imported}'`);
      scope.set(local, imported === '*' ? m : m[imported]);
    }
  }
  return scope;
}

async function runExample(ex: Example): Promise<void> {
  const { imports, body } = splitImports(ex.code);
  const scope = await scopeOf(ex, imports);
  const names = [...scope.keys()];
  const failures: string[] = [];
  const eq = async (i: number, actual: () => Promise<unknown>, expected: () => unknown) => {
    const d = close(await actual(), expected());
    if (d) failures.push(`check ${i + 1}: ${d}`);
  };
  const throws = async (i: number, f: () => Promise<unknown>, text: string) => {
    try {
      await f();
    } catch (e) {
      if (!String((e as Error)?.message ?? e).includes(text))
        failures.push(`check ${i + 1}: threw "${(e as Error).message}", expected it to contain "${text}"`);
      return;
    }
    failures.push(`check ${i + 1}: did not throw (expected "${text}")`);
  };
  const fn = new AsyncFunction('__eq', '__throws', ...names, compileExample(body));
  await fn(eq, throws, ...names.map((k) => scope.get(k)));
  if (failures.length) throw new Error(`${ex.file}:${ex.line}: ${failures.join('; ')}\n${ex.code}`);
}

/**
 * The function an example is about: the first called name (`name(` or `new Name(`) that its source file exports
 * (`export function|class|const|let name`, `export async function name`, or `export { name }`). Null when none.
 */
export function calledExport(code: string, source: string): string | null {
  const exported = (name: string) => {
    const n = name.replace(/\$/g, '\\$');
    return (
      new RegExp(`export\\s+(?:declare\\s+)?(?:async\\s+)?(?:function\\*?|class|const|let)\\s+${n}\\b`).test(source) ||
      new RegExp(`export\\s*\\{[^}]*\\b${n}\\b[^}]*\\}`).test(source)
    );
  };
  for (const m of splitImports(code).body.matchAll(/([A-Za-z_$][\w$]*)\s*(?:<[^>()]*>)?\s*\(/g)) {
    if (exported(m[1]!)) return m[1]!;
  }
  return null;
}

/** One line of the covered list, checked: the reason it is wrong, or null. */
function coveredProblem(entry: { key: string; test: string }, byKey: Map<string, Example>): string | null {
  const ex = byKey.get(entry.key);
  if (!ex) return 'no such example (moved or changed? update the entry)';
  if (isExecutable(ex.code)) return 'the example is executable now: delete the entry';
  if (!/\.test\.ts$/.test(entry.test)) return `${entry.test} is not a *.test.ts file`;
  const testFile = path.join(ENGINE_ROOT, entry.test);
  let testText: string;
  try {
    testText = readFileSync(testFile, 'utf8');
  } catch {
    return `test file ${entry.test} not found`;
  }
  const fn = calledExport(ex.code, readFileSync(path.join(ENGINE_ROOT, ex.file), 'utf8'));
  if (!fn) return `no call of an export of ${ex.file} found in the example`;
  if (!new RegExp(`\\b${fn.replace(/\$/g, '\\$')}\\b`).test(testText)) return `${entry.test} never mentions ${fn}`;
  return null;
}

const all = ROOTS.flatMap((r) => sourceFiles(path.join(ENGINE_ROOT, r)))
  .sort()
  .flatMap((f) => examplesOf(path.relative(ENGINE_ROOT, f).split(path.sep).join('/'), readFileSync(f, 'utf8')));
const pending = new Set(
  readFileSync(PENDING_FILE, 'utf8')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !l.startsWith('#')),
);

const covered = readFileSync(COVERED_FILE, 'utf8')
  .split('\n')
  .map((l) => l.trimEnd())
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const i = l.lastIndexOf(' :: ');
    return { line: l, key: l.slice(0, i), test: l.slice(i + 4) };
  });
const coveredKeys = new Set(covered.map((c) => c.key));

describe('JSDoc @example blocks', () => {
  it('the extractor and the compiler do what the header says', () => {
    const src = '/**\n * Doc.\n * @example\n * const a = 2;\n * f(a); a * 3 // => 6\n * @param x\n */';
    const [ex] = examplesOf('x.ts', src);
    expect(ex).toMatchObject({ line: 3, code: 'const a = 2;\nf(a); a * 3 // => 6', key: 'x.ts :: const a = 2;' });
    expect(compileExample(ex!.code)).toBe('const a = 2;\nf(a);\nawait __eq(0, async () => ( a * 3), () => (6));');
    expect(examplesOf('y.ts', '/** Doubles. @example g(2) // => 4 */')).toMatchObject([
      { line: 1, code: 'g(2) // => 4' },
    ]);
    expect(isExecutable("f() // throws 'bad'")).toBe(true);
    expect(isExecutable('f() // → 3')).toBe(false);
    expect(close(0.1 + 0.2, 0.3)).toBeNull();
    expect(close(Int32Array.of(1), Float64Array.of(1))).not.toBeNull();
    expect(close({ a: [1, NaN] }, { a: [1, NaN] })).toBeNull();
  });

  it('import lines at the start of an example are split off, parsed and kept out of its key', async () => {
    const code =
      "import { createRng, mixSeed as mix } from '../lib/rng.ts';\nimport * as yaml from 'yaml';\nf() // => 1";
    expect(splitImports(code)).toEqual({
      imports: [
        {
          specifier: '../lib/rng.ts',
          bindings: [
            ['createRng', 'createRng'],
            ['mix', 'mixSeed'],
          ],
        },
        { specifier: 'yaml', bindings: [['yaml', '*']] },
      ],
      body: 'f() // => 1',
    });
    expect(splitImports("import d, { a } from './x.ts';\nd").imports).toEqual([
      {
        specifier: './x.ts',
        bindings: [
          ['d', 'default'],
          ['a', 'a'],
        ],
      },
    ]);
    expect(() => splitImports("import type { A } from './x.ts';")).toThrow('unsupported import');
    expect(() => splitImports("import {\n  a,\n} from './x.ts';")).toThrow('on one line');
    expect(examplesOf('m/a.ts', `/**\n * @example\n * ${code.split('\n').join('\n * ')}\n */`)[0]!.key).toBe(
      'm/a.ts :: f() // => 1',
    );
    // Resolved against the source file, imported before the body runs, and shadowing the module's own exports.
    const scope = await scopeOf(
      { file: 'models/clouds/model.ts', line: 1, code: '', key: '' },
      splitImports("import { createRng as runClouds } from '../lib/rng.ts';").imports,
    );
    const { createRng } = await import('../../models/lib/rng.ts');
    expect(scope.get('runClouds')).toBe(createRng);
    expect(typeof scope.get('prepareClouds')).toBe('function');
  });

  it('the covered list names the function the example calls, and a test that calls it', () => {
    const src = 'export function f() {}\nexport class Pool {}\nconst g = () => 1;\nexport { g };';
    expect(calledExport('const x = await f(1);', src)).toBe('f');
    expect(calledExport("import { h } from './h.ts';\nif (h()) new Pool(2)", src)).toBe('Pool');
    expect(calledExport('console.log(g())', src)).toBe('g');
    expect(calledExport('other(1)', src)).toBeNull();
    const byKey = new Map(all.map((e) => [e.key, e]));
    const ex = all.find((e) => !isExecutable(e.code) && e.file === 'engine/pool.ts')!;
    expect(coveredProblem({ key: ex.key, test: 'engine/engine.test.ts' }, byKey)).toBeNull();
    expect(coveredProblem({ key: ex.key, test: 'engine/no-such.test.ts' }, byKey)).toMatch('not found');
    expect(coveredProblem({ key: ex.key, test: 'models/lib/rng.test.ts' }, byKey)).toMatch('never mentions createPool');
    expect(coveredProblem({ key: ex.key, test: 'engine/pool.ts' }, byKey)).toMatch('not a *.test.ts');
    expect(coveredProblem({ key: 'x.ts :: f()', test: 'engine/engine.test.ts' }, byKey)).toMatch('no such example');
  });

  it('every covered entry is a non-executable example whose function its test file calls', () => {
    const byKey = new Map(all.map((e) => [e.key, e]));
    const problems = covered.flatMap((c) => {
      const p = coveredProblem(c, byKey);
      return p ? [`${c.line}: ${p}`] : [];
    });
    expect(problems, path.relative(ENGINE_ROOT, COVERED_FILE)).toEqual([]);
    expect(
      [...coveredKeys].filter((k) => pending.has(k)),
      'entries in both lists',
    ).toEqual([]);
  });

  it('every example is executable, covered, or listed as pending, and the pending list only shrinks', () => {
    const keys = new Set(all.map((e) => e.key));
    const bad = all
      .filter((e) => !isExecutable(e.code) && !pending.has(e.key) && !coveredKeys.has(e.key))
      .map((e) => `${e.file}:${e.line}`);
    expect(bad, 'examples without a `// =>` or `// throws` check (make them executable)').toEqual([]);
    const stale = [...pending].filter((k) => !keys.has(k) || all.some((e) => e.key === k && isExecutable(e.code)));
    expect(stale, `entries to delete from ${path.relative(ENGINE_ROOT, PENDING_FILE)}`).toEqual([]);
  });

  const runnable = all.filter((e) => isExecutable(e.code));
  it('there are executable examples to run', () => expect(runnable.length).toBeGreaterThan(10));
  for (const ex of runnable) it(`${ex.file}:${ex.line}`, () => runExample(ex), 20_000);
});
