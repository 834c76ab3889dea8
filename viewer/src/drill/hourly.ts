/**
 * Reads the greenhouse model's hourly artifact (one simulated day) into plain arrays. The artifact's exact shape
 * belongs to the greenhouse model; this reader accepts column objects (`{ insideTempC: [...], ... }`), arrays of
 * hourly records (`[{ hour, insideTempC, ... }]`), and either nested one level (e.g. per site), matching columns by
 * name: inside temperature, outside temperature, PAR/light, blanket state.
 */
import { numArray } from '../data.ts';

export interface HourlyDay {
  hours: number[];
  insideTempC: number[];
  outsideTempC: number[];
  /** Light at canopy (PAR µmol/m²/s or W/m², as the artifact gives it); `lightUnit` says which. */
  light: number[];
  lightUnit: string;
  /** 1 = blanket down (closed), 0 = rolled up; empty when the artifact has none. */
  blanketClosed: number[];
  label: string;
}

const find = (o: Record<string, unknown>, re: RegExp) => Object.keys(o).find((k) => re.test(k));

function fromColumns(o: Record<string, unknown>, label: string): HourlyDay | null {
  const kIn = find(o, /^(inside|indoor|in|air)[_]?(air)?[_]?temp|^tin|insideT|tempIn/i);
  if (!kIn) return null;
  const inside = numArray(o[kIn]);
  const kOut = find(o, /^(outside|outdoor|out|ambient|ext)[_]?(air)?[_]?temp|^tout|outsideT|tempOut/i);
  const kLight = find(o, /par|light|radiation|rad|ppfd/i);
  const kBl = find(o, /blanket|cover|curtain/i);
  const kH = find(o, /^hours?$|^hourOfDay$|^h$/i);
  const n = inside.length;
  return {
    hours: kH ? numArray(o[kH]) : Array.from({ length: n }, (_, i) => i * (24 / n)),
    insideTempC: inside,
    outsideTempC: kOut ? numArray(o[kOut]) : [],
    light: kLight ? numArray(o[kLight]) : [],
    lightUnit: kLight ?? '',
    // `blanketOpen` (1 = rolled up) is stored inverted as blanketClosed.
    blanketClosed: kBl
      ? numArray(o[kBl]).map((v) => {
          const x = typeof v === 'boolean' ? Number(v) : v;
          return /open/i.test(kBl) ? 1 - x : x;
        })
      : [],
    label,
  };
}

/**
 * The greenhouse model's `greenhouseDay` artifact (models/greenhouse/model.ts): `{ year, doy, sites: [{ site, name,
 * hours, toutC, manual: { tinC, parUmol, blanketOpen }, smart: {...} }] }` → one HourlyDay per control variant for
 * the site `siteId` (or the first site). Falls back to {@link readHourly} for other shapes.
 * @example
 * const manual = { tinC: [8, 20], parUmol: [0, 600], blanketOpen: [0, 1] };
 * const smart = { tinC: [10, 22], parUmol: [0, 650], blanketOpen: [0, 1] };
 * const site = { site: 'site:linzi-huangcheng', name: 'Huangcheng', hours: [0, 12], toutC: [-6, 4], manual, smart };
 * const day = readGreenhouseDay({ year: 2019, doy: 15, sites: [site] }, 'site:linzi-huangcheng');
 * Object.keys(day.variants) // => ['manual', 'smart']
 * const v = day.variants.smart;
 * [v.insideTempC, v.outsideTempC, v.light, v.lightUnit] // => [[10, 22], [-6, 4], [0, 650], 'parUmol']
 * // blanketOpen is stored inverted: 1 = blanket down
 * [v.blanketClosed, v.label] // => [[1, 0], 'Huangcheng · 2019 day 15 · smart']
 * readGreenhouseDay({}) // => null
 */
export function readGreenhouseDay(
  a: unknown,
  siteId?: string,
): { site: string; variants: Record<string, HourlyDay> } | null {
  const o = (a ?? {}) as Record<string, unknown>;
  if (Array.isArray(o.sites) && o.sites.length) {
    const sites = o.sites as Array<Record<string, unknown>>;
    const s = sites.find((x) => x.site === siteId) ?? sites[0];
    const when = o.doy !== undefined ? ` · ${o.year ?? ''} day ${o.doy}` : '';
    const variants: Record<string, HourlyDay> = {};
    for (const [k, v] of Object.entries(s)) {
      if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
      const day = fromColumns(
        { hours: s.hours, toutC: s.toutC, ...(v as Record<string, unknown>) },
        `${String(s.name ?? s.site)}${when} · ${k}`,
      );
      if (day) variants[k] = day;
    }
    if (Object.keys(variants).length) return { site: String(s.site ?? ''), variants };
  }
  const day = readHourly(a);
  return day ? { site: siteId ?? '', variants: { '': day } } : null;
}

/**
 * @example readHourly({ insideTempC: [10, 11], outsideTempC: [-5, -4] }, 'site:linzi')?.insideTempC // => [10, 11]
 */
export function readHourly(a: unknown, label = ''): HourlyDay | null {
  if (Array.isArray(a) && a.length && typeof a[0] === 'object') {
    const recs = a as Array<Record<string, unknown>>;
    const cols: Record<string, unknown[]> = {};
    for (const k of Object.keys(recs[0])) cols[k] = recs.map((r) => r[k]);
    return fromColumns(cols, label);
  }
  if (a && typeof a === 'object') {
    const o = a as Record<string, unknown>;
    const direct = fromColumns(o, label);
    if (direct) return direct;
    for (const [k, v] of Object.entries(o)) {
      const nested = readHourly(v, label ? `${label} · ${k}` : k);
      if (nested) return nested;
    }
  }
  return null;
}
