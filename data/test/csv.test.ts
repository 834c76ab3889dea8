import { describe, expect, it } from 'vitest';
import { CsvError, csvCell, formatCsv, parseCsv, parseCsvRecords, parseCsvRows } from '../csv.ts';

/** The error a parse throws (fails the test when it throws none). */
function errorOf(f: () => unknown): CsvError {
  try {
    f();
  } catch (e) {
    if (e instanceof CsvError) return e;
    throw e;
  }
  throw new Error('expected a CsvError, none was thrown');
}

describe('data/csv reader', () => {
  it('quoted fields: commas, doubled quotes, empty quoted cells', () => {
    expect(parseCsvRows('a,b,c\n"x, y","say ""hi""",""\n').map((r) => r.cells)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', ''],
    ]);
  });

  it('drops a leading BOM only', () => {
    const t = parseCsv('\uFEFFid,name\n1,\uFEFFx\n');
    expect(t.header).toEqual(['id', 'name']);
    expect(t.rows[0]!.cells).toEqual(['1', '\uFEFFx']);
  });

  it('CRLF, LF and lone CR line ends give the same rows and line numbers', () => {
    const lf = parseCsvRows('a,b\n1,2\n3,4\n');
    expect(parseCsvRows('a,b\r\n1,2\r\n3,4\r\n')).toEqual(lf);
    expect(parseCsvRows('a,b\r1,2\r3,4')).toEqual(lf);
    expect(lf.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  it('embedded newlines stay in the cell and later rows keep their true line numbers', () => {
    const rows = parseCsvRows('id,note\r\n1,"two\r\nlines"\n2,"three\n\nlines"\n3,x');
    expect(rows.map((r) => r.cells)).toEqual([
      ['id', 'note'],
      ['1', 'two\r\nlines'],
      ['2', 'three\n\nlines'],
      ['3', 'x'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4, 7]);
  });

  it('skips blank lines but counts them, keeps rows of empty cells, keeps a trailing empty cell', () => {
    const rows = parseCsvRows('a,b\n\n1,2\n,\n3,\n\n');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 3, cells: ['1', '2'] },
      { line: 4, cells: ['', ''] },
      { line: 5, cells: ['3', ''] },
    ]);
    expect(parseCsv('')).toEqual({ header: [], rows: [] });
  });

  it('errors name file, line and column: unclosed quote, text after a quote, a stray quote', () => {
    const unclosed = errorOf(() => parseCsvRows('a,b\n1,2\n3,"open\nstill open\n', 'f.csv'));
    expect([unclosed.file, unclosed.line, unclosed.column]).toEqual(['f.csv', 3, 3]);
    expect(unclosed.message).toMatch(/^f\.csv:3:3: quoted field is never closed/);
    const after = errorOf(() => parseCsvRows('a,b\n"multi\nline"x,2\n', 'g.csv'));
    expect([after.line, after.column]).toEqual([3, 6]);
    const stray = errorOf(() => parseCsvRows('a,b\r\n1,2\r\n3,4"5\r\n', 'h.csv'));
    expect([stray.line, stray.column]).toEqual([3, 4]);
    expect(stray.message).toContain('double the quotes');
  });

  it('records: keyed by the trimmed header; wrong cell counts and missing columns are errors with the line', () => {
    expect(parseCsvRecords(' a , b\n1,"x,y"\n', 'r.csv')).toEqual([{ line: 2, record: { a: '1', b: 'x,y' } }]);
    const short = errorOf(() => parseCsvRecords('a,b\n1,2\n\n3\n', 'r.csv'));
    expect([short.line, short.message]).toEqual([
      4,
      'r.csv:4:1: row has 1 cells, the header has 2; quote cells that hold commas',
    ]);
    const missing = errorOf(() => parseCsvRecords('a,b\n1,2\n', 'r.csv', ['a', 'c']));
    expect(missing.message).toContain('missing column "c"');
    expect(missing.line).toBe(1);
  });
});

describe('data/csv writer', () => {
  it('quotes only what needs quoting; missing values are empty', () => {
    expect(['plain', 'a,b', 'q"q', 'l\nf', 'c\rr', 1.5, null, undefined, Number.NaN, 0].map(csvCell)).toEqual([
      'plain',
      '"a,b"',
      '"q""q"',
      '"l\nf"',
      '"c\rr"',
      '1.5',
      '',
      '',
      '',
      '0',
    ]);
  });

  it('round-trips awkward cells through formatCsv and parseCsv, with LF and CRLF', () => {
    const header = ['id', 'text', 'zh'];
    const rows = [
      ['1', 'comma, inside', '淄博'],
      ['2', 'quote " inside', ''],
      ['3', 'line\nbreak and\r\nCRLF', ' edge spaces '],
    ];
    for (const eol of ['\n', '\r\n'] as const) {
      const t = parseCsv(formatCsv(header, rows, eol));
      expect(t.header).toEqual(header);
      expect(t.rows.map((r) => r.cells)).toEqual(rows);
      expect(t.rows.map((r) => r.line)).toEqual([2, 3, 4]);
    }
  });
});
