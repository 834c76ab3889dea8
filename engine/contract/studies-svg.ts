/**
 * SVG charts of stored studies, shared by the committee report and the viewer: the optimise study's cost vs P(met)
 * chart with its Pareto front, and bars of sensitivity indices (Sobol' S1 and ST with their interval whiskers, or
 * Morris μ*). Pure functions returning SVG text.
 */
import { esc } from './markdown.ts';
import { niceTicks } from './svg.ts';

const fmt = (v: number) => String(+v.toPrecision(6));
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/**
 * Cost vs min-over-targets P̂ of every candidate, the Pareto front as a step line, the required p as a dashed line and
 * the recommended setting ringed.
 * @example paretoChart({ title: 't', p: 0.8, points: [{ cost: 1, minP: 0.5, front: true }] }).startsWith('<svg') // => true
 */
export function paretoChart(o: {
  title: string;
  p: number;
  points: Array<{ cost: number; minP: number; front: boolean; best?: boolean; label?: string }>;
  width?: number;
  height?: number;
  /** Axis title of the cost (default: the CLI's generic wording) and the tooltip word for the required line. */
  xLabel?: string;
  requiredLabel?: string;
  /** How a cost is written on ticks and tooltips (default: 6 significant digits). */
  fmtCost?: (v: number) => string;
}): string {
  const fc = o.fmtCost ?? fmt;
  const W = o.width ?? 520;
  const H = o.height ?? 300;
  const m = { l: 52, r: 16, t: 30, b: 40 };
  const costs = o.points.map((q) => q.cost);
  let c0 = Math.min(0, ...costs);
  let c1 = Math.max(...costs, c0 + 1e-9);
  const ticks = niceTicks(c0, c1);
  c0 = Math.min(c0, ticks[0]!);
  c1 = Math.max(c1, ticks[ticks.length - 1]!);
  const X = (c: number) => m.l + ((c - c0) / (c1 - c0 || 1)) * (W - m.l - m.r);
  const Y = (p: number) => H - m.b - p * (H - m.t - m.b);
  const parts: string[] = [];
  for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1])
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(t)}" y2="${Y(t)}" stroke="#e3e8ee"/><text x="${m.l - 6}" y="${Y(t) + 3}" font-size="10" text-anchor="end" fill="#444">${t * 100}%</text>`,
    );
  for (const t of ticks)
    parts.push(
      `<text x="${X(t).toFixed(1)}" y="${H - m.b + 14}" font-size="10" text-anchor="middle" fill="#444">${esc(fc(t))}</text>`,
    );
  parts.push(
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 6}" font-size="10" text-anchor="middle">${esc(o.xLabel ?? 'cost (lever units × cost per unit)')}</text>`,
  );
  parts.push(
    `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(o.p)}" y2="${Y(o.p)}" stroke="#c0392b" stroke-dasharray="4 3"><title>${esc(o.requiredLabel ?? 'required P(met)')} ${pct(o.p)}</title></line>`,
  );
  const front = o.points.filter((q) => q.front).sort((a, b) => a.cost - b.cost);
  if (front.length > 1) {
    let d = `M${X(front[0]!.cost).toFixed(1)},${Y(front[0]!.minP).toFixed(1)}`;
    for (const q of front.slice(1)) d += ` H${X(q.cost).toFixed(1)} V${Y(q.minP).toFixed(1)}`;
    parts.push(`<path d="${d}" fill="none" stroke="#1f6fb2" stroke-width="1.5"/>`);
  }
  for (const q of o.points) {
    const tip = `${q.label ?? ''} cost ${fc(q.cost)}, min P(met) ${pct(q.minP)}`.trim();
    parts.push(
      `<circle cx="${X(q.cost).toFixed(1)}" cy="${Y(q.minP).toFixed(1)}" r="${q.front ? 4 : 3}" fill="${q.front ? '#1f6fb2' : '#9aa5b1'}"><title>${esc(tip)}</title></circle>`,
    );
    if (q.best)
      parts.push(
        `<circle cx="${X(q.cost).toFixed(1)}" cy="${Y(q.minP).toFixed(1)}" r="8" fill="none" stroke="#c0392b" stroke-width="2"><title>recommended</title></circle>`,
      );
  }
  parts.push(`<text x="8" y="16" font-size="12" font-weight="600">${esc(o.title)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui,sans-serif">${parts.join('')}</svg>`;
}

/** One row of an index bar chart: a parameter and its bars (one per series), each with an optional interval. */
export interface IndexBarRow {
  label: string;
  bars: Array<{ value: number; ci?: [number, number] }>;
}

/**
 * Horizontal bars of sensitivity indices, one group per parameter (e.g. S1 and ST), with interval whiskers. Values are
 * drawn from 0 (a slightly negative estimate is a bar of width 0 with its whisker); the axis runs to 1 or the largest
 * interval end.
 * @example indexBarChart({ title: 't', series: [{ name: 'S1', colour: '#1f6fb2' }], rows: [{ label: 'a', bars: [{ value: 0.5, ci: [0.4, 0.6] }] }] }).includes('<line') // => true
 */
export function indexBarChart(o: {
  title: string;
  series: Array<{ name: string; colour: string }>;
  rows: IndexBarRow[];
  width?: number;
  /** Axis maximum (default: 1 or the largest value or interval end, for Sobol' indices). */
  max?: number;
  format?: (v: number) => string;
}): string {
  const W = o.width ?? 520;
  const k = Math.max(1, o.series.length);
  const bh = 9;
  const row = k * bh + 10;
  const m = { l: 170, r: 16, t: 36, b: 24 };
  const H = m.t + m.b + row * Math.max(1, o.rows.length);
  const ends = o.rows.flatMap((r) => r.bars.flatMap((b) => [b.value, ...(b.ci ?? [])])).filter(Number.isFinite);
  const hi = o.max ?? Math.max(1, ...ends);
  const X = (v: number) => m.l + (Math.min(Math.max(v, 0), hi) / (hi || 1)) * (W - m.l - m.r);
  const f = o.format ?? ((v: number) => v.toFixed(2));
  const parts: string[] = [];
  for (const t of niceTicks(0, hi, 5))
    parts.push(
      `<line x1="${X(t).toFixed(1)}" x2="${X(t).toFixed(1)}" y1="${m.t - 4}" y2="${H - m.b}" stroke="#e3e8ee"/><text x="${X(t).toFixed(1)}" y="${H - m.b + 13}" font-size="10" text-anchor="middle" fill="#444">${esc(f(t))}</text>`,
    );
  o.rows.forEach((r, i) => {
    const y = m.t + i * row;
    parts.push(`<text x="${m.l - 6}" y="${y + row / 2 + 3}" font-size="11" text-anchor="end">${esc(r.label)}</text>`);
    r.bars.forEach((b, j) => {
      const s = o.series[j] ?? { name: '', colour: '#888' };
      const yb = y + 5 + j * bh;
      if (!Number.isFinite(b.value)) return;
      const tip = `${r.label} ${s.name} ${f(b.value)}${b.ci && b.ci.every(Number.isFinite) ? ` [${f(b.ci[0])}, ${f(b.ci[1])}]` : ''}`;
      parts.push(
        `<rect class="ix-bar" data-series="${esc(s.name)}" x="${m.l}" y="${yb}" width="${(X(b.value) - m.l).toFixed(1)}" height="${bh - 2}" fill="${s.colour}"><title>${esc(tip)}</title></rect>`,
      );
      if (b.ci && b.ci.every(Number.isFinite)) {
        const [a, c] = [X(b.ci[0]), X(b.ci[1])];
        const ym = yb + (bh - 2) / 2;
        parts.push(
          `<path class="ix-ci" d="M${a.toFixed(1)},${ym - 3}V${ym + 3}M${a.toFixed(1)},${ym}H${c.toFixed(1)}M${c.toFixed(1)},${ym - 3}V${ym + 3}" stroke="#222" fill="none"/>`,
        );
      }
    });
  });
  parts.push(`<text x="8" y="14" font-size="12" font-weight="600">${esc(o.title)}</text>`);
  parts.push(
    `<text x="8" y="28" font-size="10" fill="#555">${o.series.map((s, i) => `<tspan${i ? ' dx="8"' : ''} fill="${s.colour}">■ ${esc(s.name)}</tspan>`).join('')}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui,sans-serif">${parts.join('')}</svg>`;
}
