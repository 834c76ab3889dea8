/**
 * Every JSDoc `@example` in engine/, models/, data/ and viewer/src/ is run.
 *
 * An executable example is JavaScript (no TypeScript syntax) that uses the exports of its own module and checks
 * itself with trailing comments:
 *   expr // => expected        expr is evaluated (awaited) and must deep-equal expected (numbers to 1e-12 relative;
 *                              typed arrays by type and elements; NaN equals NaN)
 *   expr // throws 'text'      evaluating expr must throw an error whose message contains text
 * Lines without such a comment are set-up statements run before the checks below them, in the same scope; on a
 * check line, statements before the last `;` are set-up too (`const g = f(); g.x // => 3`).
 *
 * Strict: an example with no `// =>` or `// throws` check fails this test, unless it is listed in
 * `jsdoc-examples.pending.txt` (examples written before this mechanism; each needs a store, a pool, a browser or
 * real files to run). That list may only shrink: an entry that is now executable, or whose example is gone, fails too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENGINE_ROOT } from '../paths.ts';

const ROOTS = ['engine', 'models', 'data', 'viewer/src'];
const PENDING_FILE = path.join(ENGINE_ROOT, 'engine', 'test', 'jsdoc-examples.pending.txt');

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
      const first = code.split('\n')[0]!.trim();
      out.push({ file, line: cur.line, code, key: `${file} :: ${first}` });
      cur = null;
    };
    lines.forEach((l, i) => {
      const tag = /^\s*@(\w+)\s?(.*)$/.exec(l);
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

async function runExample(ex: Example): Promise<void> {
  const mod = (await import(pathToFileURL(path.join(ENGINE_ROOT, ex.file)).href)) as Record<string, unknown>;
  const names = Object.keys(mod).filter(isIdentifier);
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
  const fn = new AsyncFunction('__eq', '__throws', ...names, compileExample(ex.code));
  await fn(eq, throws, ...names.map((k) => mod[k]));
  if (failures.length) throw new Error(`${ex.file}:${ex.line}: ${failures.join('; ')}\n${ex.code}`);
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

describe('JSDoc @example blocks', () => {
  it('the extractor and the compiler do what the header says', () => {
    const src = '/**\n * Doc.\n * @example\n * const a = 2;\n * f(a); a * 3 // => 6\n * @param x\n */';
    const [ex] = examplesOf('x.ts', src);
    expect(ex).toMatchObject({ line: 3, code: 'const a = 2;\nf(a); a * 3 // => 6', key: 'x.ts :: const a = 2;' });
    expect(compileExample(ex!.code)).toBe('const a = 2;\nf(a);\nawait __eq(0, async () => ( a * 3), () => (6));');
    expect(isExecutable("f() // throws 'bad'")).toBe(true);
    expect(isExecutable('f() // → 3')).toBe(false);
    expect(close(0.1 + 0.2, 0.3)).toBeNull();
    expect(close(Int32Array.of(1), Float64Array.of(1))).not.toBeNull();
    expect(close({ a: [1, NaN] }, { a: [1, NaN] })).toBeNull();
  });

  it('every example is executable or listed as pending, and the pending list only shrinks', () => {
    const keys = new Set(all.map((e) => e.key));
    const bad = all.filter((e) => !isExecutable(e.code) && !pending.has(e.key)).map((e) => `${e.file}:${e.line}`);
    expect(bad, 'examples without a `// =>` or `// throws` check (make them executable)').toEqual([]);
    const stale = [...pending].filter((k) => !keys.has(k) || all.some((e) => e.key === k && isExecutable(e.code)));
    expect(stale, `entries to delete from ${path.relative(ENGINE_ROOT, PENDING_FILE)}`).toEqual([]);
  });

  const runnable = all.filter((e) => isExecutable(e.code));
  it('there are executable examples to run', () => expect(runnable.length).toBeGreaterThan(10));
  for (const ex of runnable) it(`${ex.file}:${ex.line}`, () => runExample(ex), 20_000);
});
