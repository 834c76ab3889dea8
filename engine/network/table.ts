/** CSV tables of network sources with errors that name the file, the line and the column, and say how to fix it. */
export { readTable, type Row } from '../../data/networks.ts';

/**
 * Parse a WKT `LINESTRING (x y, x y, ...)` into a flat array; null when the text is not one.
 * @example
 * parseWktLineString('LINESTRING (1 2, 3 4)') // => [1, 2, 3, 4]
 * parseWktLineString('POINT (1 2)') // => null
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
