/** CSV tables of network sources with errors that name the file, the line and the column, and say how to fix it. */
import { existsSync, readFileSync } from 'node:fs';
import { CsvError, parseCsv, type CsvTable } from '../../data/csv.ts';
import { NetworkInputError } from './errors.ts';

export interface Row {
  line: number;
  /** Trimmed cell text ('' when the column is absent or empty). */
  get: (col: string) => string;
  /** A finite number; throws naming file, line and column when it is not. */
  num: (col: string, fix?: string) => number;
  /** A number or null when empty. */
  optNum: (col: string) => number | null;
}

/**
 * Read a CSV file with the required columns (names compared case-insensitively).
 * @example const t = readTable('net/link.csv', ['from_node_id', 'to_node_id']); t.rows[0].num('from_node_id')
 */
export function readTable(file: string, required: readonly string[]): { rows: Row[]; has: (c: string) => boolean } {
  if (!existsSync(file))
    throw new NetworkInputError(file, '', 'file not found', `add ${file.split(/[\\/]/).pop()} to the folder`);
  let table: CsvTable;
  try {
    table = parseCsv(readFileSync(file, 'utf8'), file);
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    throw new NetworkInputError(file, `line ${e.line}, column ${e.column}`, e.detail, 'fix the quoting of that cell');
  }
  const { header, rows } = table;
  const h = header.map((x) => x.trim().toLowerCase());
  const missing = required.filter((c) => !h.includes(c));
  if (missing.length)
    throw new NetworkInputError(
      file,
      'line 1',
      `missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')} (header has: ${header.join(', ')})`,
      `add the column${missing.length > 1 ? 's' : ''} to the header and every row (GMNS names)`,
    );
  const idx = new Map(h.map((c, i) => [c, i]));
  return {
    has: (c) => idx.has(c),
    rows: rows.map((r) => {
      const get = (col: string): string => {
        const k = idx.get(col);
        return k === undefined ? '' : (r.cells[k] ?? '').trim();
      };
      const num = (col: string, fix = `give a number in column "${col}"`): number => {
        const raw = get(col);
        const v = Number(raw);
        if (raw === '' || !Number.isFinite(v))
          throw new NetworkInputError(file, `line ${r.line}, column "${col}"`, `"${raw}" is not a number`, fix);
        return v;
      };
      return {
        line: r.line,
        get,
        num,
        optNum: (col) => (get(col) === '' ? null : num(col)),
      };
    }),
  };
}

/**
 * Parse a WKT `LINESTRING (x y, x y, ...)` into a flat array; null when the text is not one.
 * @example parseWktLineString('LINESTRING (1 2, 3 4)') // [1, 2, 3, 4]
 */
export function parseWktLineString(text: string): number[] | null {
  const m = /^\s*LINESTRING\s*Z?\s*\(([^)]*)\)\s*$/i.exec(text);
  if (!m) return null;
  const out: number[] = [];
  for (const p of m[1]!.split(',')) {
    const xy = p.trim().split(/\s+/).map(Number);
    if (xy.length < 2 || !Number.isFinite(xy[0]) || !Number.isFinite(xy[1])) return null;
    out.push(xy[0]!, xy[1]!);
  }
  return out.length >= 4 ? out : null;
}
