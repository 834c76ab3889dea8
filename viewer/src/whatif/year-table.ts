/**
 * Year-by-year lists (`{ "2017": 0.1, "2018": 0.2, … }`) in the what-if panel: the value check the server applies
 * (the schema's range and integer rule, carried in the catalogue's `yearTable`), and the "× factor" shortcut that
 * turns "signals twice as fast" into a whole table. No DOM here, so the rules are unit-tested in Node.
 */
import type { ParamInfo } from '../../../engine/contract/index.ts';

/** The value rule of a year table (ParamInfo.yearTable). */
export type YearRule = NonNullable<ParamInfo['yearTable']>;
/** One year table: year ("2019") → value. */
export type YearTable = Record<string, number>;

/** Why a cell's text is refused, as data so the panel words it in the viewer's language. */
export type CellProblem =
  | { kind: 'empty' }
  | { kind: 'notNumber' }
  | { kind: 'notInteger' }
  | { kind: 'belowMin'; min: number }
  | { kind: 'aboveMax'; max: number };

/**
 * Checks one cell the way the server's schema does: a finite number, an integer when the rule says so, inside
 * [min, max]. Returns the number or the problem.
 * @example checkCell('1.5', { min: 0, max: 1, integer: false, byKey: false }) // => { problem: { kind: 'aboveMax', max: 1 } }
 * @example checkCell('0.4', { min: 0, max: 1, integer: false, byKey: false }) // => { value: 0.4 }
 */
export function checkCell(text: string, rule: YearRule): { value: number } | { problem: CellProblem } {
  const t = text.trim();
  if (t === '') return { problem: { kind: 'empty' } };
  const v = Number(t);
  if (!Number.isFinite(v)) return { problem: { kind: 'notNumber' } };
  if (rule.integer && !Number.isInteger(v)) return { problem: { kind: 'notInteger' } };
  if (rule.min !== undefined && v < rule.min) return { problem: { kind: 'belowMin', min: rule.min } };
  if (rule.max !== undefined && v > rule.max) return { problem: { kind: 'aboveMax', max: rule.max } };
  return { value: v };
}

/**
 * The baseline table times a factor, kept inside the rule: values above the maximum are capped at it (a share
 * doubled past 100 % means "all of it"), integers rounded, and the result rounded to 6 decimals so 0.1 × 3 stores as
 * 0.3 rather than 0.30000000000000004. Returns the table and the years that were capped.
 * @example scaleTable({ '2017': 0.1, '2021': 0.6 }, 2, { min: 0, max: 1, integer: false, byKey: false }) // => { table: { '2017': 0.2, '2021': 1 }, capped: ['2021'] }
 */
export function scaleTable(base: YearTable, factor: number, rule: YearRule): { table: YearTable; capped: string[] } {
  if (!Number.isFinite(factor) || factor < 0) throw new RangeError(`factor ${factor} is not a number ≥ 0`);
  const table: YearTable = {};
  const capped: string[] = [];
  for (const [year, v] of Object.entries(base)) {
    let x = Math.round(v * factor * 1e6) / 1e6;
    if (rule.integer) x = Math.round(x);
    if (rule.max !== undefined && x > rule.max) {
      x = rule.max;
      capped.push(year);
    }
    if (rule.min !== undefined && x < rule.min) x = rule.min;
    table[year] = x;
  }
  return { table, capped };
}

/**
 * The years a table editor shows: the scenario's period and every year the table already lists, ascending (a year
 * missing from the table takes the latest earlier value in the models, so the editor fills the period in).
 * @example tableYears({ startYear: 2017, endYear: 2019 }, [{ '2016': 0 }]) // => ['2016', '2017', '2018', '2019']
 */
export function tableYears(
  period: { startYear?: number; endYear?: number } | undefined,
  tables: YearTable[],
): string[] {
  const years = new Set<string>();
  const a = period?.startYear;
  const b = period?.endYear;
  if (a !== undefined && b !== undefined && b >= a && b - a < 100) for (let y = a; y <= b; y++) years.add(String(y));
  for (const t of tables) for (const k of Object.keys(t)) years.add(k);
  return [...years].sort();
}

/**
 * The value a model uses for a year: the table's own entry, else the latest earlier one, else 0 (the rule the traffic
 * and greenhouse models document for missing years).
 * @example valueForYear({ '2017': 0.1, '2019': 0.35 }, '2018') // => 0.1
 */
export function valueForYear(table: YearTable, year: string): number {
  if (table[year] !== undefined) return table[year]!;
  const earlier = Object.keys(table)
    .filter((k) => k < year)
    .sort();
  return earlier.length ? table[earlier[earlier.length - 1]!]! : 0;
}
