/**
 * Time-series charts with P10–P90 bands (uPlot), a target line and a deadline marker; in compare mode a second
 * run's P50 and band beside the first.
 */
import uPlot from 'uplot';
import type { Series } from './data.ts';

export interface ChartRun {
  label: string;
  series: Series | undefined;
  colour: string;
}
export interface ChartSpec {
  title: string;
  unit: string;
  runs: ChartRun[];
  target?: { threshold: number; deadline: string; comparator: string; label: string; deadlineLabel: string };
  /** Current timeline month 'YYYY-MM' (a thin cursor line). */
  cursor?: string;
  bandLabel: string;
  medianLabel: string;
  /** Legend label of the x values (uPlot's default is the English "Time"). */
  xLabel?: string;
  /** Tick text of an x value in seconds (uPlot's default uses English month names). */
  xTick?: (sec: number) => string;
  /** Tick and legend text of a y value (e.g. shares as %). */
  yTick?: (v: number) => string;
  /** Add-ons (e.g. actual points, viewer/src/progress/chart.ts): may re-align `data`, add series, bands and draw hooks before the y range is set. */
  extend?: (b: ChartBuild) => void;
}
/** The chart under construction, as handed to `ChartSpec.extend`: `data[0]` is x in seconds, one column per series. */
export interface ChartBuild {
  data: Array<Array<number | null>>;
  series: uPlot.Series[];
  bands: uPlot.Band[];
  draw: Array<(u: uPlot) => void>;
}

/**
 * Seconds since epoch of a period ('2019' → mid-year, '2019-06' → mid-month, '2019-06-15' → that day).
 * @example
 * periodSec('2019') // => Date.UTC(2019, 6, 1) / 1000
 * [periodSec('2019-06'), periodSec('2019-06-15')] // => [1560556800, 1560556800]
 */
export function periodSec(p: string): number {
  if (p.length === 4) return Date.UTC(Number(p), 6, 1) / 1000;
  if (p.length === 7) return Date.UTC(Number(p.slice(0, 4)), Number(p.slice(5, 7)) - 1, 15) / 1000;
  return Date.parse(`${p.slice(0, 10)}T00:00:00Z`) / 1000;
}

function withAlpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

/**
 * Draws (or redraws) a chart into `el`; returns the uPlot instance (call `.destroy()` before discarding).
 * @example renderChart(div, { title: 'Extranet', unit: 'share', runs: [{ label: 'run 1', series, colour: '#4fd1ff' }], bandLabel: 'P10–P90', medianLabel: 'P50' })
 */
export function renderChart(el: HTMLElement, spec: ChartSpec, size?: { width: number; height: number }): uPlot {
  const periods = [...new Set(spec.runs.flatMap((r) => r.series?.periods ?? []))].sort();
  const xs = periods.map(periodSec);
  const data: Array<Array<number | null>> = [xs];
  const series: uPlot.Series[] = [
    spec.xTick ? { label: spec.xLabel, value: (_u, v) => (v === null ? '—' : spec.xTick!(v)) } : { label: spec.xLabel },
  ];
  const bands: uPlot.Band[] = [];
  for (const r of spec.runs) {
    const idx = new Map((r.series?.periods ?? []).map((p, i) => [p, i]));
    const col = (arr: number[] | undefined) => periods.map((p) => (idx.has(p) && arr ? arr[idx.get(p)!] : null));
    const base = data.length;
    data.push(col(r.series?.p10), col(r.series?.p90), col(r.series?.p50));
    series.push(
      { label: `${r.label} P10`, stroke: withAlpha(r.colour, 0.35), width: 1, points: { show: false } },
      { label: `${r.label} P90`, stroke: withAlpha(r.colour, 0.35), width: 1, points: { show: false } },
      { label: `${r.label} ${spec.medianLabel}`, stroke: r.colour, width: 2.5, points: { show: periods.length < 8 } },
    );
    bands.push({ series: [base + 1, base], fill: withAlpha(r.colour, 0.22) });
  }
  if (spec.target) {
    data.push(periods.map(() => spec.target!.threshold));
    series.push({ label: spec.target.label, stroke: '#ef5a5a', width: 1.5, dash: [8, 5], points: { show: false } });
  }
  const extraDraw: Array<(u: uPlot) => void> = [];
  spec.extend?.({ data, series, bands, draw: extraDraw });
  const deadlineSec = spec.target ? Date.parse(`${spec.target.deadline}T00:00:00Z`) / 1000 : null;
  const cursorSec = spec.cursor ? periodSec(spec.cursor) : null;
  const allY = data
    .slice(1)
    .flat()
    .filter((v): v is number => v !== null && Number.isFinite(v));
  let yMin = Math.min(...allY),
    yMax = Math.max(...allY);
  if (!allY.length) {
    yMin = 0;
    yMax = 1;
  }
  const pad = (yMax - yMin) * 0.08 || Math.abs(yMax) * 0.1 || 1;
  const width = size?.width ?? Math.max(320, el.clientWidth || 480);
  const height = size?.height ?? Math.max(200, el.clientHeight - 60 || 240);
  const axisStyle = {
    stroke: '#aab6cc',
    grid: { stroke: 'rgba(170,182,204,0.12)' },
    ticks: { stroke: 'rgba(170,182,204,0.25)' },
  };
  const opts: uPlot.Options = {
    title: spec.unit ? `${spec.title} (${spec.unit})` : spec.title,
    width,
    height,
    series,
    bands,
    scales: {
      x: {
        time: true,
        range: (_u, lo, hi) => [Math.min(lo, Date.UTC(2017, 0, 1) / 1000), Math.max(hi, Date.UTC(2022, 0, 1) / 1000)],
      },
      y: { range: () => [yMin - pad, yMax + pad] },
    },
    axes: [
      spec.xTick ? { ...axisStyle, values: (_u, splits) => splits.map((v) => spec.xTick!(v)) } : { ...axisStyle },
      spec.yTick
        ? { ...axisStyle, size: 60, values: (_u, splits) => splits.map((v) => spec.yTick!(v)) }
        : { ...axisStyle, size: 60 },
    ],
    legend: { show: true },
    hooks: {
      draw: [
        (u) => {
          // Annotations on uPlot's own canvas: the deadline and the timeline cursor.
          const ctx = u.ctx;
          const mark = (sec: number, colour: string, text: string | null) => {
            const x = u.valToPos(sec, 'x', true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            ctx.save();
            ctx.strokeStyle = colour;
            ctx.lineWidth = 1.5 * devicePixelRatio;
            ctx.setLineDash(text ? [6 * devicePixelRatio, 4 * devicePixelRatio] : []);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            if (text) {
              ctx.fillStyle = colour;
              ctx.font = `${12 * devicePixelRatio}px sans-serif`;
              ctx.fillText(text, x + 4 * devicePixelRatio, u.bbox.top + 14 * devicePixelRatio);
            }
            ctx.restore();
          };
          if (deadlineSec !== null) mark(deadlineSec, '#ef5a5a', spec.target!.deadlineLabel);
          if (cursorSec !== null) mark(cursorSec, 'rgba(255,255,255,0.5)', null);
        },
        ...extraDraw,
      ],
    },
  };
  el.innerHTML = '';
  return new uPlot(opts, data as uPlot.AlignedData, el);
}
