/**
 * The project's one CSV reader and writer (RFC 4180). Data is the bottom layer, so models, the engine and the
 * viewer's build-time plugin can all import it; it imports nothing (not even node:fs), so it also runs in a browser.
 *
 * Reading: a leading UTF-8 BOM is dropped; rows end with LF, CRLF or a lone CR; a field in double quotes may hold
 * commas, line breaks and doubled quotes (`""` → `"`); blank lines are skipped; every row keeps the 1-based line on
 * which it starts, so callers can name `file:line` in their own errors. Malformed quoting (an unclosed quote, text
 * after a closing quote, a quote inside an unquoted field) throws a `CsvError` with file, line and column.
 *
 * Writing: `csvCell` quotes a cell only when it must (comma, quote, CR or LF), `csvLine` joins cells, `formatCsv`
 * writes a header and rows with LF (or CRLF, for Excel) line ends and a final line end.
 */

/** A malformed CSV text: `file` (as the caller named it), 1-based `line` and `column` of the fault. */
export class CsvError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = 'CsvError';
  }
}

/** One data row: the 1-based line on which it starts and its cells, untrimmed. */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** A parsed CSV: the header's cells and the data rows after it. */
export interface CsvTable {
  header: string[];
  rows: CsvRow[];
}

/** One data row as a record keyed by the header's column names. */
export interface CsvRecord {
  line: number;
  record: Record<string, string>;
}

/**
 * Splits CSV text into rows of cells (the header is the first row), each with the line on which it starts.
 * @example
 * parseCsvRows('a,b\r\n"x, y",2\n') // => [{ line: 1, cells: ['a', 'b'] }, { line: 2, cells: ['x, y', '2'] }]
 * @example
 * parseCsvRows('id,note\n1,"two\nlines"\n2,x\n')[2] // => { line: 4, cells: ['2', 'x'] }
 */
export function parseCsvRows(text: string, file = '<csv>'): CsvRow[] {
  const rows: CsvRow[] = [];
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const n = src.length;
  let cells: string[] = [];
  let line = 1;
  let lineStart = 0;
  let rowLine = 1;
  let i = 0;
  const endRow = (): void => {
    // A blank line (one empty unquoted cell) is skipped: files often end with one or separate blocks with one.
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
  };
  while (i <= n) {
    if (cells.length === 0) rowLine = line;
    if (i < n && src[i] === '"') {
      // Quoted field: runs to the next quote not doubled; may span lines.
      const openLine = line;
      const openCol = i - lineStart + 1;
      let cell = '';
      i++;
      for (;;) {
        if (i >= n) throw new CsvError(file, openLine, openCol, 'quoted field is never closed; add the closing "');
        const ch = src[i]!;
        if (ch === '"') {
          if (src[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (ch === '\n' || (ch === '\r' && src[i + 1] !== '\n')) {
          line++;
          lineStart = i + 1;
        }
        cell += ch;
        i++;
      }
      cells.push(cell);
      if (i < n && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r')
        throw new CsvError(
          file,
          line,
          i - lineStart + 1,
          `text after a closing quote; quote the whole field and double the quotes inside it ("")`,
        );
    } else {
      // Unquoted field: up to the next comma or line end.
      let j = i;
      while (j < n) {
        const ch = src[j]!;
        if (ch === ',' || ch === '\n' || ch === '\r') break;
        if (ch === '"')
          throw new CsvError(
            file,
            line,
            j - lineStart + 1,
            'quote inside an unquoted field; quote the whole field and double the quotes inside it ("")',
          );
        j++;
      }
      cells.push(src.slice(i, j));
      i = j;
    }
    if (i >= n) {
      endRow();
      break;
    }
    const sep = src[i]!;
    i++;
    if (sep === ',') continue;
    if (sep === '\r' && src[i] === '\n') i++;
    line++;
    lineStart = i;
    endRow();
    if (i >= n) break;
  }
  return rows;
}

/**
 * Parses CSV text into its header and data rows; a file with no rows has an empty header.
 * @example
 * parseCsv('a,b\n1,"x,y"\n') // => { header: ['a', 'b'], rows: [{ line: 2, cells: ['1', 'x,y'] }] }
 */
export function parseCsv(text: string, file = '<csv>'): CsvTable {
  const rows = parseCsvRows(text, file);
  const head = rows.shift();
  return { header: head ? head.cells : [], rows };
}

/**
 * Parses CSV text into records keyed by the (trimmed) header. Every row must have as many cells as the header;
 * `required` columns must be in the header. Errors name file, line and what to fix.
 * @example
 * parseCsvRecords('a,b\n1,2\n', 'x.csv') // => [{ line: 2, record: { a: '1', b: '2' } }]
 * @example
 * parseCsvRecords('a,b\n1\n', 'x.csv') // throws 'x.csv:2:1: row has 1 cells, the header has 2'
 */
export function parseCsvRecords(text: string, file = '<csv>', required: readonly string[] = []): CsvRecord[] {
  const { header: rawHeader, rows } = parseCsv(text, file);
  const header = rawHeader.map((h) => h.trim());
  for (const col of required)
    if (!header.includes(col))
      throw new CsvError(file, 1, 1, `missing column "${col}" (the header is: ${header.join(',') || 'empty'})`);
  return rows.map(({ line, cells }) => {
    if (cells.length !== header.length)
      throw new CsvError(
        file,
        line,
        1,
        `row has ${cells.length} cells, the header has ${header.length}; quote cells that hold commas`,
      );
    const record: Record<string, string> = {};
    for (let k = 0; k < header.length; k++) record[header[k]!] = cells[k]!;
    return { line, record };
  });
}

/**
 * One CSV cell: null, undefined and NaN are empty (a missing value, not the text "NaN"); quoted when it holds a
 * comma, a quote or a line break.
 * @example csvCell('a,b') // => '"a,b"'
 * @example csvCell('say "hi"') // => '"say ""hi"""'
 * @example csvCell(null) // => ''
 * @example csvCell(0.25) // => '0.25'
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * One CSV line (no line end) from its cells.
 * @example csvLine(['x', 1, null, 'a,b']) // => 'x,1,,"a,b"'
 */
export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',');
}

/**
 * A whole CSV text: header line, one line per row, each ended by `eol` (LF by default; CRLF for Excel users).
 * @example formatCsv(['a', 'b'], [[1, 'x'], [2, null]]) // => 'a,b\n1,x\n2,\n'
 * @example formatCsv(['a'], [['x']], '\r\n') // => 'a\r\nx\r\n'
 */
export function formatCsv(
  header: readonly string[],
  rows: Iterable<readonly unknown[]>,
  eol: '\n' | '\r\n' = '\n',
): string {
  let out = csvLine(header) + eol;
  for (const r of rows) out += csvLine(r) + eol;
  return out;
}
