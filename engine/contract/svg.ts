/**
 * Static SVG charts for reports and model cards (no browser or canvas needed, print sharp in PDF): a time series with
 * its P10–P90 band and target line, a district choropleth "map snapshot", and a tornado chart. Pure functions of
 * their inputs returning SVG text; the viewer can import them too.
 */
import { esc } from './markdown.ts';

/**
 * A period string or ISO date as a decimal year: `2019` → 2019.5 (mid-year), `2019-06` → 2019.458, `2018-12-31` → 2019.0.
 * @example
 * periodX('2020-01') // => 2020 + 1 / 24
 * [periodX('2019'), periodX('2018-12-31')] // => [2019.5, 2019]
 */
export function periodX(p: string): number {
  const y = /^(\d{4})$/.exec(p);
  if (y) return Number(y[1]) + 0.5;
  const m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) return Number(m[1]) + (Number(m[2]) - 0.5) / 12;
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(p);
  if (d) {
    const t = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]) + 1);
    const y0 = Date.UTC(Number(d[1]), 0, 1);
    return Number(d[1]) + (t - y0) / (Date.UTC(Number(d[1]) + 1, 0, 1) - y0);
  }
  return NaN;
}

/** Round-number ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

export interface BandSeries {
  label: string;
  periods: string[];
  p10: number[];
  p50: number[];
  p90: number[];
}

export interface BandChartOptions {
  title: string;
  unit: string;
  series: BandSeries;
  /** Second run drawn as a dashed median with a light band (compare mode). */
  compare?: BandSeries;
  threshold?: number;
  deadline?: string;
  width?: number;
  height?: number;
  /** Axis and label text of a value (default: 3 significant digits); the report passes the unit's format (shares as %). */
  format?: (v: number) => string;
  /** Words on the chart, for the report's language (default English). */
  labels?: { target?: string; deadline?: string; band?: string };
  /** Text for the deadline marker (default: the ISO date). */
  deadlineText?: string;
  /** Show the unit in parentheses after the title (default true). */
  showUnit?: boolean;
}

const fmtNum = (v: number) =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : String(+v.toPrecision(3));

/**
 * Time series with its P10–P90 band, median line, optional target threshold and deadline marker.
 * @example
 * const series = { label: 'run 3', periods: ['2018', '2019'], p10: [0.2, 0.5], p50: [0.3, 0.6], p90: [0.4, 0.7] };
 * const svg = bandChart({ title: 'Extranet live share', unit: 'share', series, threshold: 1, deadline: '2018-12-31' });
 * svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 230"') // => true
 * // the P10–P90 band (P10 forwards, P90 back) and the P50 line, at mid-2018 (x = 156) and mid-2019 (x = 364)
 * svg.match(/<polygon points="([^"]*)"/)[1] // => '156.0,128.0 364.0,77.0 364.0,111.0 156.0,162.0'
 * svg.match(/<polyline points="([^"]*)"/)[1] // => '156.0,145.0 364.0,94.0'
 * const texts = [...svg.matchAll(/>([^<>]+)</g)].map((m) => m[1]);
 * texts.slice(5, 9) // => ['2018', '2019', 'target 1', 'deadline 2018-12-31']
 * texts.slice(9) // => ['━ run 3 P50, band P10–P90', 'Extranet live share ', '(share)']
 */
export function bandChart(o: BandChartOptions): string {
  const W = o.width ?? 480;
  const H = o.height ?? 230;
  const m = { l: 52, r: 12, t: 26, b: 34 };
  const all = [o.series, ...(o.compare ? [o.compare] : [])];
  const xs = all.flatMap((s) => s.periods.map(periodX));
  if (o.deadline) xs.push(periodX(o.deadline));
  const ys = all.flatMap((s) => [...s.p10, ...s.p90, ...s.p50]).filter(Number.isFinite);
  if (o.threshold !== undefined) ys.push(o.threshold);
  let x0 = Math.floor(Math.min(...xs));
  let x1 = Math.ceil(Math.max(...xs));
  if (!(x1 > x0)) x1 = x0 + 1;
  let y0 = Math.min(...ys, 0 <= Math.min(...ys) && o.unit === 'share' ? 0 : Infinity);
  let y1 = Math.max(...ys);
  if (o.unit === 'share') {
    y0 = Math.min(0, y0);
    y1 = Math.max(1, y1);
  }
  if (!(y1 > y0)) {
    y0 -= 1;
    y1 += 1;
  } else {
    const pad = (y1 - y0) * 0.06;
    if (o.unit !== 'share') {
      y0 -= pad;
      y1 += pad;
    }
  }
  if (!Number.isFinite(x0) || !Number.isFinite(y0)) {
    x0 = 2017;
    x1 = 2022;
    y0 = 0;
    y1 = 1;
  }
  const X = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const f = o.format ?? fmtNum;
  const L = { target: 'target', deadline: 'deadline', band: 'P50, band P10–P90', ...o.labels };
  const parts: string[] = [];
  parts.push(
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="#fbfcfd" stroke="#c9d2dc"/>`,
  );
  for (const t of niceTicks(y0, y1, 4)) {
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(t).toFixed(1)}" y2="${Y(t).toFixed(1)}" stroke="#e3e8ee"/>`);
    parts.push(
      `<text x="${m.l - 4}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end" font-size="10" fill="#444">${esc(f(t))}</text>`,
    );
  }
  for (let yr = x0; yr <= x1; yr++) {
    parts.push(
      `<line x1="${X(yr).toFixed(1)}" x2="${X(yr).toFixed(1)}" y1="${H - m.b}" y2="${H - m.b + 4}" stroke="#444"/>`,
    );
    if (yr < x1)
      parts.push(
        `<text x="${X(yr + 0.5).toFixed(1)}" y="${H - m.b + 14}" text-anchor="middle" font-size="10" fill="#444">${yr}</text>`,
      );
  }
  const draw = (s: BandSeries, colour: string, dashed: boolean) => {
    const idx = s.periods
      .map((p, i) => ({ x: periodX(p), i }))
      .filter((q) => Number.isFinite(q.x))
      .sort((a, b) => a.x - b.x);
    if (!idx.length) return;
    const up = idx.map(({ x, i }) => `${X(x).toFixed(1)},${Y(s.p90[i]!).toFixed(1)}`);
    const down = idx.map(({ x, i }) => `${X(x).toFixed(1)},${Y(s.p10[i]!).toFixed(1)}`).reverse();
    parts.push(
      `<polygon points="${[...up, ...down].join(' ')}" fill="${colour}" fill-opacity="${dashed ? 0.12 : 0.22}" stroke="none"/>`,
    );
    const med = idx.map(({ x, i }) => `${X(x).toFixed(1)},${Y(s.p50[i]!).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline points="${med}" fill="none" stroke="${colour}" stroke-width="1.8"${dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
    if (idx.length === 1)
      parts.push(
        `<circle cx="${X(idx[0]!.x).toFixed(1)}" cy="${Y(s.p50[idx[0]!.i]!).toFixed(1)}" r="3" fill="${colour}"/>`,
      );
  };
  if (o.compare) draw(o.compare, '#8a5a00', true);
  draw(o.series, '#1f6fb2', false);
  if (o.threshold !== undefined) {
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(o.threshold).toFixed(1)}" y2="${Y(o.threshold).toFixed(1)}" stroke="#c0392b" stroke-dasharray="4 3"/>`,
    );
    parts.push(
      `<text x="${W - m.r - 2}" y="${(Y(o.threshold) - 3).toFixed(1)}" text-anchor="end" font-size="10" fill="#c0392b">${esc(L.target)} ${esc(f(o.threshold))}</text>`,
    );
  }
  if (o.deadline) {
    const dx = X(periodX(o.deadline)).toFixed(1);
    parts.push(`<line x1="${dx}" x2="${dx}" y1="${m.t}" y2="${H - m.b}" stroke="#c0392b" stroke-width="1.2"/>`);
    // Anchored so the label stays inside the chart when the deadline is near an edge.
    const anchor = Number(dx) > W - 80 ? 'end' : Number(dx) < 80 ? 'start' : 'middle';
    parts.push(
      `<text x="${dx}" y="${m.t - 3}" text-anchor="${anchor}" font-size="10" fill="#c0392b">${esc(L.deadline)} ${esc(o.deadlineText ?? o.deadline)}</text>`,
    );
  }
  const legend = [`<tspan fill="#1f6fb2">━ ${esc(o.series.label)} ${esc(L.band)}</tspan>`];
  if (o.compare) legend.push(`<tspan fill="#8a5a00" dx="10">╍ ${esc(o.compare.label)}</tspan>`);
  parts.push(`<text x="${m.l}" y="${H - 4}" font-size="10">${legend.join('')}</text>`);
  parts.push(
    `<text x="${m.l}" y="14" font-size="12" font-weight="600" fill="#111">${esc(o.title)}${o.showUnit === false || !o.unit ? '' : ` <tspan font-weight="400" fill="#555">(${esc(o.unit)})</tspan>`}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui,sans-serif">${parts.join('')}</svg>`;
}

export interface MapFeature {
  code: string;
  name: string;
  /** GeoJSON Polygon rings, lon/lat. */
  polygon: Array<Array<[number, number]>>;
}

const SEQ = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
const DIV = ['#b2182b', '#ef8a62', '#f7f7f7', '#67a9cf', '#2166ac'];

function hex(c: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number];
}

/**
 * A colour on a ramp, t in [0, 1].
 * @example ramp(0.5) // => '#6baed6'
 */
export function ramp(t: number, stops = SEQ): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const a = hex(stops[i]!);
  const b = hex(stops[i + 1]!);
  const f = u - i;
  return `#${a
    .map((v, k) =>
      Math.round(v + (b[k]! - v) * f)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/**
 * Choropleth of districts: a static "map snapshot" for print. `diverging` centres the colours on 0 (for differences).
 * @example
 * const zhangdian = { code: '370303', name: 'Zhangdian', polygon: [[[118, 36.7], [118.1, 36.7], [118.1, 36.9], [118, 36.7]]] };
 * const zichuan = { code: '370302', name: 'Zichuan', polygon: [[[117.9, 36.6], [118, 36.6], [118, 36.7], [117.9, 36.6]]] };
 * const svg = districtMap([zhangdian, zichuan], new Map([['370303', 0.8]]), { title: 'Services online, 2021', unit: 'share' });
 * // a district without a value is drawn grey and says so in its tooltip
 * [...svg.matchAll(/<path[^>]* fill="([^"]+)"/g)].map((m) => m[1]) // => ['#1c64a6', '#e0e0e0']
 * const texts = [...svg.matchAll(/>([^<>]+)</g)].map((m) => m[1]);
 * texts.slice(0, 4) // => ['Zhangdian: 0.8', 'Zichuan: no data', 'Zhangdian 0.8', 'Zichuan']
 * texts.slice(4) // => ['0', '1 share', 'Services online, 2021']
 */
export function districtMap(
  features: MapFeature[],
  values: Map<string, number>,
  o: {
    title: string;
    unit: string;
    diverging?: boolean;
    width?: number;
    height?: number;
    /** Value text on labels and legend (default: 3 significant digits). */
    format?: (v: number) => string;
    /** Fixed colour scale [lo, hi] (e.g. [0, 1] for shares), so maps at different dates compare. */
    domain?: [number, number];
    /** Tooltip text of a district without a value (default "no data"). */
    noData?: string;
    /** Unique id prefix of the legend gradient (several maps in one page). */
    id?: string;
  },
): string {
  const f = o.format ?? fmtNum;
  const W = o.width ?? 480;
  const H = o.height ?? 330;
  const pts = features.flatMap((f) => f.polygon.flat());
  const lat0 = pts.reduce((s, p) => s + p[1], 0) / Math.max(1, pts.length);
  const k = Math.cos((lat0 * Math.PI) / 180);
  const xs = pts.map((p) => p[0] * k);
  const ys = pts.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const top = 22;
  const legendH = 34;
  const s = Math.min((W - 20) / (maxX - minX), (H - top - legendH - 6) / (maxY - minY));
  const ox = (W - s * (maxX - minX)) / 2;
  const P = (p: [number, number]) =>
    `${(ox + (p[0] * k - minX) * s).toFixed(1)},${(top + (maxY - p[1]) * s).toFixed(1)}`;
  const vals = [...values.values()].filter(Number.isFinite);
  let lo = Math.min(...vals);
  let hi = Math.max(...vals);
  if (o.domain) {
    [lo, hi] = o.domain;
  } else if (o.diverging) {
    const a = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    lo = -a;
    hi = a;
  } else if (o.unit === 'share') {
    lo = Math.min(0, lo);
    hi = Math.max(1, hi);
  }
  if (!(hi > lo)) hi = lo + 1;
  const colourOf = (v: number | undefined) =>
    v === undefined || !Number.isFinite(v) ? '#e0e0e0' : ramp((v - lo) / (hi - lo), o.diverging ? DIV : SEQ);
  const parts: string[] = [];
  for (const ft of features) {
    const v = values.get(ft.code);
    const d = ft.polygon.map((ring) => `M${ring.map(P).join('L')}Z`).join('');
    parts.push(
      `<path d="${d}" fill="${colourOf(v)}" stroke="#333" stroke-width="0.8"><title>${esc(ft.name)}: ${v === undefined ? esc(o.noData ?? 'no data') : esc(f(v))}</title></path>`,
    );
  }
  for (const ft of features) {
    const ring = ft.polygon[0] ?? [];
    if (!ring.length) continue;
    const cx = ring.reduce((a, p) => a + p[0], 0) / ring.length;
    const cy = ring.reduce((a, p) => a + p[1], 0) / ring.length;
    const v = values.get(ft.code);
    const [x, y] = P([cx, cy]).split(',');
    parts.push(
      `<text x="${x}" y="${y}" text-anchor="middle" font-size="9" fill="#111" stroke="#fff" stroke-width="2.2" paint-order="stroke">${esc(ft.name)}${v !== undefined ? ` ${esc(f(v))}` : ''}</text>`,
    );
  }
  const lw = Math.min(240, W - 20);
  const stops = Array.from(
    { length: 11 },
    (_, i) => `<stop offset="${i * 10}%" stop-color="${ramp(i / 10, o.diverging ? DIV : SEQ)}"/>`,
  ).join('');
  const ly = H - legendH + 8;
  const gid = `lg${o.id ?? ''}`;
  parts.push(`<defs><linearGradient id="${esc(gid)}">${stops}</linearGradient></defs>`);
  parts.push(
    `<rect x="10" y="${ly}" width="${lw}" height="9" fill="url(#${esc(gid)})" stroke="#888" stroke-width="0.5"/>`,
  );
  parts.push(
    `<text x="10" y="${ly + 21}" font-size="10">${esc(f(lo))}</text><text x="${10 + lw}" y="${ly + 21}" font-size="10" text-anchor="end">${esc(f(hi))}${o.unit ? ` ${esc(o.unit)}` : ''}</text>`,
  );
  parts.push(`<text x="10" y="14" font-size="12" font-weight="600">${esc(o.title)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui,sans-serif">${parts.join('')}</svg>`;
}

export interface TornadoInput {
  title: string;
  pBase: number;
  seP?: number;
  bars: Array<{ param: string; low: unknown; high: unknown; pLow: number; pHigh: number }>;
}

/**
 * Tornado chart of P(met): one row per parameter, a bar from its low-value P to its high-value P around the base.
 * @example
 * const bars = [{ param: 'crews.perCounty', low: 1, high: 3, pLow: 0.2, pHigh: 0.9 }];
 * const svg = tornadoChart({ title: 'P(met) of extranet-3-levels', pBase: 0.6, bars });
 * // the low-value bar runs from 20 % to the base 60 %, the high-value bar from 60 % to 90 %
 * [...svg.matchAll(/<rect x="([^"]+)" y="44" width="([^"]+)"/g)].map((m) => [m[1], m[2]]) // => [['260.0', '140.0'], ['400.0', '105.0']]
 * const texts = [...svg.matchAll(/>([^<>]+)</g)].map((m) => m[1]);
 * texts.slice(6, 8) // => ['crews.perCounty', 'crews.perCounty = 1: P(met) 20%']
 * texts.slice(8, 10) // => ['crews.perCounty = 3: P(met) 90%', 'base 60%']
 */
export function tornadoChart(o: TornadoInput & { width?: number }): string {
  const W = o.width ?? 560;
  const row = 24;
  const m = { l: 190, r: 20, t: 40, b: 30 };
  const H = m.t + m.b + row * Math.max(1, o.bars.length);
  const X = (p: number) => m.l + p * (W - m.l - m.r);
  const parts: string[] = [];
  for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    parts.push(
      `<line x1="${X(t)}" x2="${X(t)}" y1="${m.t - 4}" y2="${H - m.b}" stroke="#e3e8ee"/><text x="${X(t)}" y="${H - m.b + 13}" font-size="10" text-anchor="middle" fill="#444">${t * 100}%</text>`,
    );
  }
  if (o.seP !== undefined && Number.isFinite(o.seP)) {
    const a = X(Math.max(0, o.pBase - 2 * o.seP));
    const b = X(Math.min(1, o.pBase + 2 * o.seP));
    parts.push(
      `<rect x="${a.toFixed(1)}" y="${m.t - 4}" width="${(b - a).toFixed(1)}" height="${H - m.b - m.t + 4}" fill="#999" fill-opacity="0.12"><title>±2 standard errors of P(met): differences inside are noise</title></rect>`,
    );
  }
  o.bars.forEach((b, i) => {
    const y = m.t + i * row;
    parts.push(`<text x="${m.l - 6}" y="${y + 15}" font-size="11" text-anchor="end">${esc(b.param)}</text>`);
    // The part of the bar from the base towards the low value is blue, towards the high value orange.
    const seg = (p: number, colour: string, label: string) => {
      const a = X(Math.min(o.pBase, p));
      const w = Math.max(1, Math.abs(X(p) - X(o.pBase)));
      parts.push(
        `<rect x="${a.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${row - 8}" fill="${colour}"><title>${esc(b.param)} = ${esc(JSON.stringify(label === 'low' ? b.low : b.high))}: P(met) ${(p * 100).toFixed(0)}%</title></rect>`,
      );
    };
    if (Number.isFinite(b.pLow)) seg(b.pLow, '#3b7dd8', 'low');
    if (Number.isFinite(b.pHigh)) seg(b.pHigh, '#e08a1e', 'high');
  });
  parts.push(
    `<line x1="${X(o.pBase)}" x2="${X(o.pBase)}" y1="${m.t - 6}" y2="${H - m.b}" stroke="#111" stroke-width="1.5"/>`,
  );
  parts.push(
    `<text x="${X(o.pBase)}" y="${m.t - 9}" font-size="10" text-anchor="middle">base ${(o.pBase * 100).toFixed(0)}%</text>`,
  );
  parts.push(`<text x="8" y="14" font-size="12" font-weight="600">${esc(o.title)}</text>`);
  parts.push(
    `<text x="8" y="28" font-size="10" fill="#555"><tspan fill="#3b7dd8">■ low value</tspan><tspan dx="8" fill="#e08a1e">■ high value</tspan></text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui,sans-serif">${parts.join('')}</svg>`;
}
