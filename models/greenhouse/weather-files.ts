/**
 * Readers for real weather a planner can supply instead of the generator:
 * - NASA POWER daily CSV (power.larc.nasa.gov "Daily" point download, lat 36.8 lon 118.05): a `-BEGIN HEADER-` …
 *   `-END HEADER-` block, then `YEAR,MO,DY,...` or `YEAR,DOY,...` columns with T2M_MAX, T2M_MIN,
 *   ALLSKY_SFC_SW_DWN (MJ m⁻² d⁻¹, or kW-hr m⁻² d⁻¹ when the header says so) and optionally PRECTOTCORR; −999 = missing.
 * - EnergyPlus EPW hourly files (e.g. CSWD `CHN_Shandong.Jinan.548230_CSWD.epw`): 8 header lines, then 8760 rows;
 *   dry-bulb °C is field 7, global horizontal Wh m⁻² field 14, liquid precipitation mm field 34 (1-based).
 * Both return `DatedDaily` so the model can cut out a greenhouse season (1 Aug → 31 Jul) for any year.
 */
import type { DailyWeather, HourlyWeather } from './weather.ts';

/** Daily weather with calendar dates (leap days kept in the data; `toSeason` drops 29 Feb). */
export interface DatedDaily {
  source: string;
  latDeg?: number;
  lonDeg?: number;
  date: string[];
  tmaxC: Float64Array;
  tminC: Float64Array;
  sradMJPerM2: Float64Array;
  rainMm: Float64Array;
}

function isoDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Parse a NASA POWER daily CSV. Missing values (−999) are errors naming the line, because silently filling them
 * would bias a replay; fill gaps before use.
 * @example
 * const text = 'YEAR,MO,DY,T2M_MAX,T2M_MIN,ALLSKY_SFC_SW_DWN,PRECTOTCORR\n' +
 *   '2017,1,1,4.1,-6.2,9.8,0\n2017,1,2,5.0,-5.1,7.5,1.2\n';
 * const w = parseNasaPowerCsv(text, 'POWER_Point_Daily.csv');
 * w.date // => ['2017-01-01', '2017-01-02']
 * [w.tminC, w.rainMm] // => [Float64Array.of(-6.2, -5.1), Float64Array.of(0, 1.2)]
 * parseNasaPowerCsv(text.replace('7.5', '-999'), 'p.csv') // throws 'p.csv:3: ALLSKY_SFC_SW_DWN missing'
 */
export function parseNasaPowerCsv(text: string, file = '<power.csv>'): DatedDaily {
  const lines = text.split(/\r?\n/);
  let i = 0;
  let kwh = false;
  let lat: number | undefined;
  let lon: number | undefined;
  if (lines[0]?.includes('-BEGIN HEADER-')) {
    for (i = 1; i < lines.length && !lines[i].includes('-END HEADER-'); i++) {
      const l = lines[i];
      if (/ALLSKY_SFC_SW_DWN/.test(l) && /kW-?hr/i.test(l)) kwh = true;
      const m = /Latitude\s+(-?[\d.]+)\s+Longitude\s+(-?[\d.]+)/i.exec(l);
      if (m) {
        lat = Number(m[1]);
        lon = Number(m[2]);
      }
    }
    if (i >= lines.length) throw new Error(`${file}: "-BEGIN HEADER-" without "-END HEADER-"`);
    i++;
  }
  const head = lines[i]?.split(',').map((s) => s.trim().toUpperCase());
  if (!head) throw new Error(`${file}: no column header after the POWER header block`);
  const col = (name: string): number => head.indexOf(name);
  const need = ['YEAR', 'T2M_MAX', 'T2M_MIN', 'ALLSKY_SFC_SW_DWN'];
  for (const n of need)
    if (col(n) < 0)
      throw new Error(
        `${file}:${i + 1}: column ${n} missing; download T2M_MAX, T2M_MIN, ALLSKY_SFC_SW_DWN (daily) from NASA POWER`,
      );
  const hasMoDy = col('MO') >= 0 && col('DY') >= 0;
  if (!hasMoDy && col('DOY') < 0) throw new Error(`${file}:${i + 1}: need MO and DY columns, or DOY`);
  const rainCol = col('PRECTOTCORR') >= 0 ? col('PRECTOTCORR') : col('PRECTOT');
  const out = {
    date: [] as string[],
    tmax: [] as number[],
    tmin: [] as number[],
    srad: [] as number[],
    rain: [] as number[],
  };
  for (let k = i + 1; k < lines.length; k++) {
    const l = lines[k].trim();
    if (l === '') continue;
    const c = l.split(',');
    const num = (j: number, name: string): number => {
      const v = Number(c[j]);
      if (!Number.isFinite(v) || v <= -999)
        throw new Error(`${file}:${k + 1}: ${name} missing (${c[j]}); fill the gap before replaying`);
      return v;
    };
    const y = num(col('YEAR'), 'YEAR');
    let date: string;
    if (hasMoDy) date = isoDate(y, num(col('MO'), 'MO'), num(col('DY'), 'DY'));
    else date = new Date(Date.UTC(y, 0, num(col('DOY'), 'DOY'))).toISOString().slice(0, 10);
    out.date.push(date);
    out.tmax.push(num(col('T2M_MAX'), 'T2M_MAX'));
    out.tmin.push(num(col('T2M_MIN'), 'T2M_MIN'));
    out.srad.push(num(col('ALLSKY_SFC_SW_DWN'), 'ALLSKY_SFC_SW_DWN') * (kwh ? 3.6 : 1));
    out.rain.push(rainCol >= 0 ? Math.max(0, Number(c[rainCol]) || 0) : 0);
  }
  if (out.date.length === 0) throw new Error(`${file}: no data rows`);
  return {
    source: file,
    latDeg: lat,
    lonDeg: lon,
    date: out.date,
    tmaxC: Float64Array.from(out.tmax),
    tminC: Float64Array.from(out.tmin),
    sradMJPerM2: Float64Array.from(out.srad),
    rainMm: Float64Array.from(out.rain),
  };
}

/** Hourly EPW content plus its daily summary. */
export interface EpwWeather {
  source: string;
  latDeg: number;
  lonDeg: number;
  /** Hourly dry bulb °C and global horizontal W m⁻² (Wh m⁻² over the hour), 8760 values from 1 Jan 01:00. */
  tempC: Float64Array;
  ghiWPerM2: Float64Array;
  daily: DatedDaily;
}

/**
 * Parse an EnergyPlus weather file (typical year). Dates use the file's own year field.
 * @example
 * // One day of a typical-year file: LOCATION, 7 more header lines, 24 hourly rows of 35 fields
 * // (year, month, day, hour, minute, flags, dry bulb °C at 6, …, global horizontal W m⁻² at 13, …).
 * const head = ['LOCATION,Jinan,SD,CHN,CSWD,548230,36.60,117.05,8.0,170.3', ...Array(7).fill('HEADER')];
 * const row = (h) => [2005, 1, 15, h + 1, 0, '?', h < 12 ? -4 : 3, 0, 0, 0, 0, 0, 0, h >= 8 && h < 16 ? 300 : 0];
 * const rows = Array.from({ length: 24 }, (_, h) => [...row(h), ...Array(21).fill(0)].join(','));
 * const e = parseEpw([...head, ...rows].join('\n'), 'one-day.epw');
 * [e.latDeg, e.tempC.length, e.daily.date[0], e.daily.tminC[0], e.daily.tmaxC[0]] // => [36.6, 24, '2005-01-15', -4, 3]
 * e.daily.sradMJPerM2[0] // => 8.64
 */
export function parseEpw(text: string, file = '<file.epw>'): EpwWeather {
  const lines = text.split(/\r?\n/);
  const loc = lines[0]?.split(',');
  if (!loc || loc[0].trim().toUpperCase() !== 'LOCATION')
    throw new Error(`${file}:1: not an EPW file (first line must start with LOCATION)`);
  const latDeg = Number(loc[6]);
  const lonDeg = Number(loc[7]);
  if (!Number.isFinite(latDeg) || !Number.isFinite(lonDeg))
    throw new Error(`${file}:1: LOCATION latitude/longitude not numeric`);
  const t: number[] = [];
  const g: number[] = [];
  const p: number[] = [];
  const dates: string[] = [];
  for (let k = 8; k < lines.length; k++) {
    const l = lines[k].trim();
    if (l === '') continue;
    const c = l.split(',');
    if (c.length < 22) throw new Error(`${file}:${k + 1}: ${c.length} fields, an EPW data row has 35`);
    const tv = Number(c[6]);
    const gv = Number(c[13]);
    if (!Number.isFinite(tv) || tv >= 99.9) throw new Error(`${file}:${k + 1}: dry-bulb temperature missing (${c[6]})`);
    if (!Number.isFinite(gv) || gv >= 9999)
      throw new Error(`${file}:${k + 1}: global horizontal radiation missing (${c[13]})`);
    t.push(tv);
    g.push(gv);
    const pv = Number(c[33]);
    p.push(Number.isFinite(pv) && pv < 999 ? pv : 0);
    dates.push(isoDate(Number(c[0]), Number(c[1]), Number(c[2])));
  }
  if (t.length % 24 !== 0) throw new Error(`${file}: ${t.length} hourly rows is not a whole number of days`);
  const nd = t.length / 24;
  const daily: DatedDaily = {
    source: file,
    latDeg,
    lonDeg,
    date: [],
    tmaxC: new Float64Array(nd),
    tminC: new Float64Array(nd),
    sradMJPerM2: new Float64Array(nd),
    rainMm: new Float64Array(nd),
  };
  for (let d = 0; d < nd; d++) {
    let mx = -Infinity;
    let mn = Infinity;
    let s = 0;
    let r = 0;
    for (let h = 0; h < 24; h++) {
      const v = t[d * 24 + h];
      if (v > mx) mx = v;
      if (v < mn) mn = v;
      s += g[d * 24 + h];
      r += p[d * 24 + h];
    }
    daily.date.push(dates[d * 24]);
    daily.tmaxC[d] = mx;
    daily.tminC[d] = mn;
    daily.sradMJPerM2[d] = (s * 3600) / 1e6;
    daily.rainMm[d] = r;
  }
  return { source: file, latDeg, lonDeg, tempC: Float64Array.from(t), ghiWPerM2: Float64Array.from(g), daily };
}

/**
 * Cut a greenhouse season (1 Aug of `harvestYear − 1` to 31 Jul of `harvestYear`, 365 days, 29 Feb dropped) out
 * of dated daily weather into `out`. A typical-year file (EPW) is used cyclically: month and day are matched and
 * the year is ignored when `cyclic` is true. Throws naming the first missing date.
 * @example
 * // Daily weather from 1 August 2018 for 365 days, Tmax = the day's index; the season harvested in 2019:
 * const date = Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(2018, 7, 1 + i)).toISOString().slice(0, 10));
 * const tmaxC = Float64Array.from(date, (_, i) => i);
 * const zeros = new Float64Array(365);
 * const power = { source: 'power.csv', date, tmaxC, tminC: zeros, sradMJPerM2: zeros, rainMm: zeros };
 * // `out` as allocDaily(365) of weather.ts makes it:
 * const out = { n: 365, doy: new Int16Array(365), tmaxC: new Float64Array(365), tminC: new Float64Array(365),
 *   sradMJPerM2: new Float64Array(365), wet: new Uint8Array(365) };
 * const s = toSeason(power, 2019, out);
 * [s.doy[0], s.tmaxC[0], s.doy[364], s.tmaxC[364]] // => [213, 0, 212, 364]
 * toSeason(power, 2020, out) // throws 'power.csv: no weather for 2019-08-01'
 */
export function toSeason(w: DatedDaily, harvestYear: number, out: DailyWeather, cyclic = false): DailyWeather {
  const index = new Map<string, number>();
  w.date.forEach((d, i) => index.set(cyclic ? d.slice(5) : d, i));
  let k = 0;
  const start = Date.UTC(harvestYear - 1, 7, 1);
  for (let day = 0; k < out.n; day++) {
    const dt = new Date(start + day * 86400000);
    const iso = dt.toISOString().slice(0, 10);
    const md = iso.slice(5);
    if (md === '02-29') continue;
    const i = index.get(cyclic ? md : iso);
    if (i === undefined)
      throw new Error(
        `${w.source}: no weather for ${iso}; the file must cover ${harvestYear - 1}-08-01 … ${harvestYear}-07-31 (or be a typical year)`,
      );
    const doyNonLeap =
      (Date.UTC(2001, Number(md.slice(0, 2)) - 1, Number(md.slice(3))) - Date.UTC(2001, 0, 1)) / 86400000 + 1;
    out.doy[k] = doyNonLeap;
    out.tmaxC[k] = w.tmaxC[i];
    out.tminC[k] = w.tminC[i];
    out.sradMJPerM2[k] = w.sradMJPerM2[i];
    out.wet[k] = w.rainMm[i] >= 0.1 ? 1 : 0;
    k++;
  }
  return out;
}

/**
 * Season-aligned hourly EPW values (1 Aug → 31 Jul of a typical year) into `out` (365·24 values).
 * @example
 * // A typical year whose hourly temperature is the day's index (0 = 1 January):
 * const tempC = Float64Array.from({ length: 8760 }, (_, i) => Math.floor(i / 24));
 * const epw = { source: 'typical.epw', tempC, ghiWPerM2: new Float64Array(8760) };
 * const h = epwSeasonHourly(epw, { nHours: 8760, tempC: new Float64Array(8760), ghiWPerM2: new Float64Array(8760) });
 * [h.tempC[0], h.tempC[24 * 152], h.tempC[24 * 153]] // => [212, 364, 0]
 */
export function epwSeasonHourly(e: EpwWeather, out: HourlyWeather): HourlyWeather {
  const nd = e.tempC.length / 24;
  if (nd < 365) throw new Error(`${e.source}: ${nd} days; a typical year needs 365`);
  const aug1 = 212; // 0-based day index of 1 August in a non-leap year
  for (let k = 0; k < 365; k++) {
    const d = (aug1 + k) % 365;
    for (let h = 0; h < 24; h++) {
      // EPW hour 1 = 00:00–01:00 clock time; we use it for solar hour 0 (≈ 8 min offset at 118°E, ignored).
      out.tempC[k * 24 + h] = e.tempC[d * 24 + h];
      out.ghiWPerM2[k * 24 + h] = e.ghiWPerM2[d * 24 + h];
    }
  }
  return out;
}
