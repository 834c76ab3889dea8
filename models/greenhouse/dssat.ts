/**
 * Reader for DSSAT daily weather files (`.WTH`, DSSAT v3.5/v4 "ICASA" layout): `*WEATHER` title, an `@ INSI LAT
 * LONG ELEV ...` site header with one data line, then a column header (`@DATE SRAD TMAX TMIN RAIN ...`; some files
 * omit the `@`) and one line per day. Dates are YYDDD or YYYYDDD; −99 means missing.
 */

/** Parsed DSSAT weather. Arrays are aligned by day; `date` holds ISO dates (YYYY-MM-DD). */
export interface DssatWeather {
  site: { insi?: string; latDeg?: number; lonDeg?: number; elevM?: number };
  date: string[];
  sradMJPerM2: Float64Array;
  tmaxC: Float64Array;
  tminC: Float64Array;
  rainMm: Float64Array;
}

/**
 * Convert a year and 1-based day of year to an ISO date (UTC).
 * @example isoFromYearDoy(1994, 60) // => '1994-03-01'
 */
export function isoFromYearDoy(year: number, doy: number): string {
  const d = new Date(Date.UTC(year, 0, doy));
  return d.toISOString().slice(0, 10);
}

/**
 * Parse the text of a DSSAT `.WTH` file.
 * Two-digit years (YYDDD) are put in the century that brings them closest to `referenceYear` (e.g. the
 * experiment's sowing year); without it, YY < 30 → 20YY, otherwise 19YY (the usual DSSAT pivot).
 * Throws naming the file and line when a required column (DATE, SRAD, TMAX, TMIN) is missing or a value is bad.
 * @example
 * // The first lines of UFBR9401.WTH (SIMPLE's tomato experiment at Bradenton, Florida):
 * const text = [
 *   '*WEATHER : BRADENTON, FLORIDA',
 *   '@ INSI      LAT     LONG  ELEV   TAV   AMP REFHT WNDHT',
 *   '  UFBR   27.600  -82.600    10 -99.0 -99.0 -99.0 -99.0',
 *   '@DATE  SRAD  TMAX  TMIN  RAIN',
 *   '94001 14.98  20.0   8.9   0.0',
 *   '94002  6.94  25.0  15.0  18.5',
 * ].join('\n');
 * const w = parseWth(text, 'UFBR9401.WTH', 1994);
 * w.site // => { insi: 'UFBR', latDeg: 27.6, lonDeg: -82.6, elevM: 10 }
 * [w.date, w.tmaxC, w.rainMm] // => [['1994-01-01', '1994-01-02'], Float64Array.of(20, 25), Float64Array.of(0, 18.5)]
 * parseWth(text.replace('6.94', '-99'), 'UFBR9401.WTH') // throws 'UFBR9401.WTH:6: SRAD is missing'
 */
export function parseWth(text: string, file = '<wth>', referenceYear?: number): DssatWeather {
  const lines = text.split(/\r?\n/);
  const site: DssatWeather['site'] = {};
  let cols: string[] | null = null;
  let siteCols: string[] | null = null;
  const date: string[] = [];
  const srad: number[] = [];
  const tmax: number[] = [];
  const tmin: number[] = [];
  const rain: number[] = [];
  let idx = { date: -1, srad: -1, tmax: -1, tmin: -1, rain: -1 };
  for (let ln = 0; ln < lines.length; ln++) {
    const raw = lines[ln];
    const line = raw.trim();
    if (line === '' || line.startsWith('*') || line.startsWith('!')) continue;
    const tokens = line.replace(/^@/, '').trim().split(/\s+/);
    const first = tokens[0].toUpperCase();
    if (first === 'INSI') {
      siteCols = tokens.map((t) => t.toUpperCase());
      cols = null;
      continue;
    }
    if (first === 'DATE' || first === 'YRDOY') {
      cols = tokens.map((t) => t.toUpperCase());
      idx = {
        date: 0,
        srad: cols.indexOf('SRAD'),
        tmax: cols.indexOf('TMAX'),
        tmin: cols.indexOf('TMIN'),
        rain: cols.indexOf('RAIN'),
      };
      for (const k of ['srad', 'tmax', 'tmin'] as const) {
        if (idx[k] < 0)
          throw new Error(
            `${file}:${ln + 1}: weather header lacks column ${k.toUpperCase()}; a DSSAT .WTH needs DATE SRAD TMAX TMIN`,
          );
      }
      siteCols = null;
      continue;
    }
    if (line.startsWith('@')) {
      // Another header block (e.g. monthly averages) — ignore its data lines.
      cols = null;
      siteCols = null;
      continue;
    }
    if (siteCols) {
      const num = (name: string): number | undefined => {
        const i = siteCols!.indexOf(name);
        if (i < 0 || tokens[i] === undefined) return undefined;
        const v = Number(tokens[i]);
        return Number.isFinite(v) && v !== -99 ? v : undefined;
      };
      site.insi = tokens[0];
      site.latDeg = num('LAT');
      site.lonDeg = num('LONG');
      site.elevM = num('ELEV');
      siteCols = null;
      continue;
    }
    if (!cols) continue;
    const dcode = tokens[idx.date];
    if (!/^\d{5}$|^\d{7}$/.test(dcode))
      throw new Error(`${file}:${ln + 1}: bad DATE "${dcode}"; expected YYDDD or YYYYDDD`);
    let year: number;
    let doy: number;
    if (dcode.length === 7) {
      year = Number(dcode.slice(0, 4));
      doy = Number(dcode.slice(4));
    } else {
      const yy = Number(dcode.slice(0, 2));
      doy = Number(dcode.slice(2));
      if (referenceYear !== undefined) {
        const c = Math.round((referenceYear - yy) / 100) * 100;
        year = c + yy;
      } else year = yy < 30 ? 2000 + yy : 1900 + yy;
    }
    if (doy < 1 || doy > 366) throw new Error(`${file}:${ln + 1}: day of year ${doy} out of range 1–366`);
    const val = (i: number, name: string, required: boolean): number => {
      const t = tokens[i];
      const v = t === undefined ? NaN : Number(t);
      if (!Number.isFinite(v) || v <= -99) {
        if (required)
          throw new Error(
            `${file}:${ln + 1}: ${name} is missing or not a number ("${t ?? ''}"); fill the gap (e.g. from a nearby station) before running`,
          );
        return 0;
      }
      return v;
    };
    date.push(isoFromYearDoy(year, doy));
    srad.push(val(idx.srad, 'SRAD', true));
    tmax.push(val(idx.tmax, 'TMAX', true));
    tmin.push(val(idx.tmin, 'TMIN', true));
    rain.push(idx.rain >= 0 ? val(idx.rain, 'RAIN', false) : 0);
  }
  if (date.length === 0)
    throw new Error(
      `${file}: no daily weather lines found; expected a "@DATE SRAD TMAX TMIN ..." header followed by daily rows`,
    );
  for (let i = 1; i < date.length; i++) {
    if (date[i] <= date[i - 1])
      throw new Error(`${file}: dates not strictly increasing at ${date[i]} (after ${date[i - 1]})`);
  }
  return {
    site,
    date,
    sradMJPerM2: Float64Array.from(srad),
    tmaxC: Float64Array.from(tmax),
    tminC: Float64Array.from(tmin),
    rainMm: Float64Array.from(rain),
  };
}
