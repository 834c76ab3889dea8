/**
 * Calendar arithmetic for monthly models. Time inside the rollout and clouds models is a real number of days since
 * 2017-01-01 00:00 (day 0), the start of the plan period. Everything here is pure and allocation-free after module load.
 */

/** The plan period starts here; day 0 of every schedule. */
export const ORIGIN_YEAR = 2017;
/** Last year the lookup tables cover (schedules may run past the plan period; finish dates beyond it are still real). */
export const LAST_TABLE_YEAR = 2040;

const MS_PER_DAY = 86_400_000;
const ORIGIN_MS = Date.UTC(ORIGIN_YEAR, 0, 1);
const N_MONTHS = (LAST_TABLE_YEAR - ORIGIN_YEAR + 1) * 12;

/** `MONTH_START[k]` = day of the first day of month k (k = 0 → 2017-01); one extra entry closes the last month. */
const MONTH_START = new Float64Array(N_MONTHS + 1);
for (let k = 0; k <= N_MONTHS; k++) {
  MONTH_START[k] = (Date.UTC(ORIGIN_YEAR + Math.floor(k / 12), k % 12, 1) - ORIGIN_MS) / MS_PER_DAY;
}

/** `DAY_MONTH[j]` = month index containing integer day j (the day that starts at j). */
const DAY_MONTH = new Uint16Array(MONTH_START[N_MONTHS]!);
for (let k = 0; k < N_MONTHS; k++) DAY_MONTH.fill(k, MONTH_START[k]!, MONTH_START[k + 1]!);

/**
 * Day number (days since 2017-01-01) of an ISO date `YYYY-MM-DD` (midnight at its start).
 * @example dayOf('2017-02-01') // => 31
 */
export function dayOf(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`"${iso}" is not an ISO date YYYY-MM-DD`);
  return (Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - ORIGIN_MS) / MS_PER_DAY;
}

/**
 * Day number of the first day of month `monthIndex` (0 = 2017-01); works past the table through plain Date maths.
 * @example monthStartDay(12) // => dayOf('2018-01-01')
 */
export function monthStartDay(monthIndex: number): number {
  if (monthIndex >= 0 && monthIndex <= N_MONTHS) return MONTH_START[monthIndex]!;
  return (Date.UTC(ORIGIN_YEAR, monthIndex, 1) - ORIGIN_MS) / MS_PER_DAY;
}

/**
 * Day number of the end of month `monthIndex` (= start of the next month): "live by the end of 2018-12" means
 * finish ≤ monthEndDay(23).
 * @example monthEndDay(0) // => 31
 */
export function monthEndDay(monthIndex: number): number {
  return monthStartDay(monthIndex + 1);
}

/**
 * Index of the first month whose end is at or after `day` (the month in which something finishing at `day` is first
 * counted as done). Days past the table give the table length (beyond any reported month).
 * @example
 * monthOfFinish(31) // => 0
 * monthOfFinish(31.5) // => 1
 */
export function monthOfFinish(day: number): number {
  if (!(day <= MONTH_START[N_MONTHS]!)) return N_MONTHS;
  if (day <= 0) return 0;
  // Month boundaries are whole days, so (j, j + 1] with j = ⌈day⌉ − 1 lies inside one month.
  return DAY_MONTH[Math.ceil(day) - 1]!;
}

/**
 * Month of the calendar (1–12) in which `day` lies.
 * @example calendarMonthOf(dayOf('2017-02-10')) // => 2
 */
export function calendarMonthOf(day: number): number {
  const k = monthOfFinish(Math.floor(day) + 1);
  return (k % 12) + 1;
}

/**
 * Days in month `monthIndex` (0 = 2017-01).
 * @example
 * daysInMonth(37) // => 29
 * daysInMonth(25) // => 28
 */
export function daysInMonth(monthIndex: number): number {
  return monthStartDay(monthIndex + 1) - monthStartDay(monthIndex);
}

/**
 * Decimal year of a day number: 2018-12-31 ends at 2019.0; mid-2018 ≈ 2018.5. Used for finish dates so P10/P50/P90
 * over replications are ordinary numbers.
 * @example
 * decimalYear(dayOf('2019-01-01')) // => 2019
 * decimalYear(dayOf('2018-07-02')).toFixed(3) // => '2018.499'
 */
export function decimalYear(day: number): number {
  if (!Number.isFinite(day)) return day;
  let y = ORIGIN_YEAR + Math.floor(day / 365.2425);
  // Correct the estimate by at most one year either way.
  for (;;) {
    const start = (Date.UTC(y, 0, 1) - ORIGIN_MS) / MS_PER_DAY;
    const end = (Date.UTC(y + 1, 0, 1) - ORIGIN_MS) / MS_PER_DAY;
    if (day < start) y--;
    else if (day >= end) y++;
    else return y + (day - start) / (end - start);
  }
}

/**
 * Period labels `YYYY-MM` for the months of the given years, and the index of their first month.
 * @example monthPeriods([2017, 2018]).labels.length // => 24
 */
export function monthPeriods(years: readonly number[]): { labels: string[]; firstMonth: number } {
  const y0 = Math.min(...years);
  const y1 = Math.max(...years);
  if (y0 < ORIGIN_YEAR || y1 > LAST_TABLE_YEAR)
    throw new Error(`years ${y0}–${y1} outside ${ORIGIN_YEAR}–${LAST_TABLE_YEAR}`);
  const labels: string[] = [];
  for (let y = y0; y <= y1; y++) for (let m = 1; m <= 12; m++) labels.push(`${y}-${String(m).padStart(2, '0')}`);
  return { labels, firstMonth: (y0 - ORIGIN_YEAR) * 12 };
}

/**
 * Add whole calendar months to an ISO date and return the day number (day of month clamped to the target month).
 * @example addMonthsDay('2018-01-31', 1) // => dayOf('2018-02-28')
 */
export function addMonthsDay(iso: string, months: number): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`"${iso}" is not an ISO date YYYY-MM-DD`);
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1 + months;
  const last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
  const d = Math.min(Number(m[3]), last);
  return (Date.UTC(y, mo, d) - ORIGIN_MS) / MS_PER_DAY;
}
