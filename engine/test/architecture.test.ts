/**
 * The architecture rules of DESIGN.md, read from the sources: every import, `export … from`, `import type` and
 * dynamic `import('…')` specifier of every .ts/.mjs file under engine/, models/, data/ and viewer/ (node_modules and
 * dist skipped), found with the TypeScript compiler's own pre-processor (`ts.preProcessFile`, so imports inside
 * comments and strings are not counted and no regex guesses at syntax), resolved to files, and checked:
 *
 *  1. models/ imports nothing of engine/ or viewer/;
 *  2. engine/ imports nothing of viewer/;
 *  3. viewer/ imports of engine/ go to the contract only;
 *  4. engine/contract/ imports nothing of ours outside engine/contract/ and no Node built-in (`node:*` or bare `fs`…);
 *  5. outside engine/contract/, the contract is imported through engine/contract/index.ts only (one path per thing);
 *  6. data/ imports nothing of engine/, models/ or viewer/ (its build scripts use data/ and npm packages only);
 *  7. a model family (models/<name>/, sub-folders included) uses another family only through that family's
 *     index.ts, never its internals; shared code lives in models/lib/. The models' root files (models/types.ts,
 *     models/registry.ts, which wires every model definition) are not a family and may import any of them;
 *  8. no import cycle anywhere (Tarjan's strongly connected components over the whole graph; the cycle is printed).
 *
 * Test files (`*.test.ts`) are exempt from rules 1–7, because a test may drive the real engine around a model (a
 * model test loading a what-if through the engine's scenario loader); they still count for rule 8. Test-support
 * files that are not `*.test.ts` (engine/test/*.ts, viewer/test/*.ts) obey every rule.
 * Limits: a dynamic import whose argument is not a string literal is invisible here (none exist today); type-only
 * imports count like any other, so a cycle made only of `import type` still fails (it still couples the files).
 */
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ENGINE_ROOT } from '../paths.ts';

/** Folders whose sources are checked. */
const ROOTS = ['engine', 'models', 'data', 'viewer'];
const SKIP_DIRS = new Set(['node_modules', 'dist']);

/** One resolved import of a source file. */
interface Edge {
  from: string;
  /** Repo-relative file for our own files; `node:<name>` for a built-in; the package name otherwise. */
  to: string;
  kind: 'file' | 'builtin' | 'package' | 'missing';
  specifier: string;
}

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/**
 * The import specifiers of one source text, in order: static imports, `import type`, `export … from`, and dynamic
 * `import('…')` with a literal argument.
 * @example importSpecifiers("import a from './a.ts'; // import b from './b.ts'") // → ['./a.ts']
 */
function importSpecifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/**
 * Resolve one specifier of `from` (repo-relative, POSIX separators) against the set of files that exist, the way
 * NodeNext + allowImportingTsExtensions does here: exact file, `.js` written for a `.ts` file, no extension, or a
 * folder's index.ts.
 */
function resolve(from: string, specifier: string, exists: (p: string) => boolean): Edge {
  if (specifier.startsWith('node:')) return { from, to: specifier, kind: 'builtin', specifier };
  if (!specifier.startsWith('.')) {
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
    if (BUILTINS.has(name)) return { from, to: `node:${name}`, kind: 'builtin', specifier };
    return { from, to: name, kind: 'package', specifier };
  }
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.mjs$/, '.mts'),
    `${base}.ts`,
    `${base}/index.ts`,
  ];
  const hit = candidates.find((c) => exists(c));
  return hit ? { from, to: hit, kind: 'file', specifier } : { from, to: base, kind: 'missing', specifier };
}

/** The import graph of a set of sources: file → its resolved imports. */
function buildGraph(sources: ReadonlyMap<string, string>, exists: (p: string) => boolean): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const [file, text] of sources)
    graph.set(
      file,
      importSpecifiers(text).map((s) => resolve(file, s, exists)),
    );
  return graph;
}

const under = (file: string, dir: string): boolean => file === dir || file.startsWith(`${dir}/`);
const isTest = (file: string): boolean => file.endsWith('.test.ts');
/** `models/<name>` for a file inside a model family; undefined for models/lib, models/*.ts and everything else. */
function modelFamily(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] !== 'models' || parts.length < 3 || parts[1] === 'lib') return undefined;
  return `models/${parts[1]}`;
}

/** Every import that breaks rules 1–7, as `from -> to: rule`. */
function layerViolations(graph: ReadonlyMap<string, Edge[]>): string[] {
  const out: string[] = [];
  for (const [from, edges] of graph) {
    if (isTest(from)) continue;
    for (const e of edges) {
      const bad = (rule: string) => out.push(`${from} -> ${e.to}: ${rule}`);
      if (e.kind === 'missing') {
        bad(`"${e.specifier}" resolves to no file`);
        continue;
      }
      const to = e.to;
      if (under(from, 'engine/contract')) {
        if (e.kind === 'builtin') bad('the contract must not use Node built-ins (the viewer bundles it)');
        else if (e.kind === 'file' && !under(to, 'engine/contract'))
          bad('the contract imports nothing of ours outside engine/contract/');
      } else if (e.kind === 'file' && under(to, 'engine/contract') && to !== 'engine/contract/index.ts') {
        bad('import the contract through engine/contract/index.ts');
      }
      if (e.kind !== 'file') continue;
      if (under(from, 'models') && (under(to, 'engine') || under(to, 'viewer')))
        bad('models import nothing of engine/ or viewer/');
      if (under(from, 'engine') && under(to, 'viewer')) bad('the engine imports nothing of viewer/');
      if (under(from, 'viewer') && under(to, 'engine') && !under(to, 'engine/contract'))
        bad('the viewer imports only engine/contract/ of the engine');
      if (under(from, 'data') && (under(to, 'engine') || under(to, 'models') || under(to, 'viewer')))
        bad('data imports nothing of engine/, models/ or viewer/');
      const fam = modelFamily(to);
      const ownFam = modelFamily(from);
      if (ownFam && fam && ownFam !== fam && to !== `${fam}/index.ts`)
        bad(`another model family is used through ${fam}/index.ts only (shared code belongs in models/lib/)`);
    }
  }
  return out.sort();
}

/**
 * Import cycles: the strongly connected components with more than one file (or a file importing itself), each
 * printed as one concrete cycle `a -> b -> a`. Tarjan's algorithm, iterative so deep graphs cannot overflow the stack.
 */
function importCycles(graph: ReadonlyMap<string, Edge[]>): string[] {
  const next = (v: string) => (graph.get(v) ?? []).filter((e) => e.kind === 'file' && graph.has(e.to)).map((e) => e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of [...graph.keys()].sort()) {
    if (index.has(root)) continue;
    const work: Array<{ v: string; succ: string[]; i: number }> = [];
    const enter = (v: string) => {
      index.set(v, counter);
      low.set(v, counter++);
      stack.push(v);
      onStack.add(v);
      work.push({ v, succ: next(v), i: 0 });
    };
    enter(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      if (top.i < top.succ.length) {
        const w = top.succ[top.i++]!;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.v);
        if (comp.length > 1 || next(top.v).includes(top.v)) components.push(comp.sort());
      }
    }
  }
  // One concrete cycle per component: breadth-first from its first file back to itself, inside the component.
  return components.map((comp) => {
    const inComp = new Set(comp);
    const start = comp[0]!;
    const prev = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of next(v).filter((x) => inComp.has(x))) {
        if (w === start) {
          const cycle = [start];
          for (let u = v; u !== start; u = prev.get(u)!) cycle.unshift(u);
          cycle.unshift(start);
          return cycle.join(' -> ');
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    return comp.join(' <-> ');
  });
}

/** All checked sources of the repository, repo-relative with POSIX separators. */
function repoSources(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const d of readdirSync(path.join(ENGINE_ROOT, rel), { withFileTypes: true })) {
      const child = `${rel}/${d.name}`;
      if (d.isDirectory()) {
        if (!SKIP_DIRS.has(d.name)) walk(child);
      } else if (/\.(ts|mjs)$/.test(d.name) && !d.name.endsWith('.d.ts')) {
        out.set(child, readFileSync(path.join(ENGINE_ROOT, child), 'utf8'));
      }
    }
  };
  for (const r of ROOTS) walk(r);
  return out;
}

/** Every file under the checked roots (any extension), so imports of JSON or CSS resolve as well. */
function repoFiles(): Set<string> {
  const out = new Set<string>();
  const walk = (rel: string) => {
    for (const d of readdirSync(path.join(ENGINE_ROOT, rel), { withFileTypes: true })) {
      const child = `${rel}/${d.name}`;
      if (d.isDirectory()) {
        if (!SKIP_DIRS.has(d.name)) walk(child);
      } else out.add(child);
    }
  };
  for (const r of ROOTS) walk(r);
  return out;
}

describe('the import checker itself', () => {
  it('reads static, type-only, re-export and dynamic imports, and ignores comments and strings', () => {
    const text = [
      "import a from './a.ts';",
      "import type { B } from './b.ts';",
      "export * from './c.ts';",
      "export { d } from './d.ts';",
      "const e = await import('./e.ts');",
      "// import z from './commented.ts';",
      'const s = "import y from \'./in-a-string.ts\'";',
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['./a.ts', './b.ts', './c.ts', './d.ts', './e.ts']);
  });

  it('resolves extensions, folder indexes, built-ins and packages', () => {
    const files = new Set(['engine/x.ts', 'engine/dir/index.ts', 'engine/y.ts']);
    const has = (p: string) => files.has(p);
    expect(resolve('engine/a.ts', './x.ts', has).to).toBe('engine/x.ts');
    expect(resolve('engine/a.ts', './y.js', has).to).toBe('engine/y.ts');
    expect(resolve('engine/a.ts', './dir', has).to).toBe('engine/dir/index.ts');
    expect(resolve('engine/a.ts', './nope.ts', has).kind).toBe('missing');
    expect(resolve('engine/a.ts', 'fs', has)).toMatchObject({ kind: 'builtin', to: 'node:fs' });
    expect(resolve('engine/a.ts', 'node:path', has).kind).toBe('builtin');
    expect(resolve('engine/a.ts', '@turf/turf', has)).toMatchObject({ kind: 'package', to: '@turf/turf' });
  });

  it('finds every kind of forbidden arrow and a cycle in a small synthetic graph', () => {
    const sources = new Map<string, string>([
      [
        'models/m/a.ts',
        "import { run } from '../../engine/run.ts';\nimport '../n/internal.ts';\nimport '../n/index.ts';",
      ],
      ['models/n/index.ts', "import './internal.ts';"],
      ['models/n/internal.ts', "import '../lib/x.ts';"],
      ['models/lib/x.ts', ''],
      ['engine/run.ts', "import '../viewer/src/ui.ts';\nimport './contract/index.ts';"],
      [
        'engine/contract/index.ts',
        "import './bundle.ts';\nimport { readFileSync } from 'node:fs';\nimport '../run.ts';",
      ],
      ['engine/contract/bundle.ts', ''],
      ['viewer/src/ui.ts', "import '../../engine/run.ts';\nimport '../../engine/contract/bundle.ts';"],
      ['data/build/b.ts', "import '../../models/lib/x.ts';"],
      ['models/m/a.test.ts', "import '../../engine/run.ts';"],
      ['engine/p.ts', "import './q.ts';"],
      ['engine/q.ts', "import './r.ts';"],
      ['engine/r.ts', "import './p.ts';"],
    ]);
    const graph = buildGraph(sources, (p) => sources.has(p));
    expect(layerViolations(graph)).toEqual(
      [
        'models/m/a.ts -> engine/run.ts: models import nothing of engine/ or viewer/',
        'models/m/a.ts -> models/n/internal.ts: another model family is used through models/n/index.ts only (shared code belongs in models/lib/)',
        'engine/run.ts -> viewer/src/ui.ts: the engine imports nothing of viewer/',
        'engine/contract/index.ts -> node:fs: the contract must not use Node built-ins (the viewer bundles it)',
        'engine/contract/index.ts -> engine/run.ts: the contract imports nothing of ours outside engine/contract/',
        'viewer/src/ui.ts -> engine/run.ts: the viewer imports only engine/contract/ of the engine',
        'viewer/src/ui.ts -> engine/contract/bundle.ts: import the contract through engine/contract/index.ts',
        'data/build/b.ts -> models/lib/x.ts: data imports nothing of engine/, models/ or viewer/',
      ].sort(),
    );
    // engine/run.ts -> viewer/src/ui.ts -> engine/run.ts and run -> contract -> run, and the p -> q -> r ring.
    const cycles = importCycles(graph);
    expect(cycles).toHaveLength(2);
    expect(cycles).toContain('engine/p.ts -> engine/q.ts -> engine/r.ts -> engine/p.ts');
    expect(cycles.find((c) => c.includes('engine/run.ts'))).toMatch(/^engine\/contract\/index\.ts -> engine\/run\.ts/);
  });

  it('reports no violation and no cycle for a graph that keeps the rules', () => {
    const sources = new Map<string, string>([
      ['engine/run.ts', "import '../models/m/index.ts';\nimport './contract/index.ts';"],
      ['engine/contract/index.ts', "import './bundle.ts';\nimport { z } from 'zod';"],
      ['engine/contract/bundle.ts', ''],
      ['models/m/index.ts', "import '../lib/x.ts';\nimport '../../data/index.ts';\nimport '../n/index.ts';"],
      ['models/n/index.ts', "import '../lib/x.ts';\nimport './sub/internal.ts';"],
      ['models/n/sub/internal.ts', "import '../../lib/x.ts';"],
      ['models/registry.ts', "import './n/sub/internal.ts';"],
      ['models/lib/x.ts', ''],
      ['data/index.ts', "import YAML from 'yaml';"],
      ['viewer/src/ui.ts', "import '../../engine/contract/index.ts';"],
    ]);
    const graph = buildGraph(sources, (p) => sources.has(p));
    expect(layerViolations(graph)).toEqual([]);
    expect(importCycles(graph)).toEqual([]);
  });
});

describe('the repository keeps the architecture rules', () => {
  const sources = repoSources();
  const files = repoFiles();
  const graph = buildGraph(sources, (p) => files.has(p));

  it('reads the whole source tree', () => {
    // A walk that silently found nothing would make the checks below pass vacuously.
    for (const r of ROOTS) expect([...sources.keys()].filter((f) => under(f, r)).length).toBeGreaterThan(5);
    expect(sources.has('engine/contract/index.ts')).toBe(true);
  });

  it('has no forbidden import arrow (rules 1-7)', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});
