/**
 * Actual points on a uPlot chart (via `ChartSpec.extend`): observed values as filled dots, stated bounds (`>=`/`<=`)
 * as hollow dots with an arrow pointing where the true value lies. The actuals' dates join the chart's x values
 * (other series get gaps there and span them), so each point sits at its own date.
 */
import type uPlot from 'uplot';
import type { ChartBuild } from '../charts.ts';
import type { Actual } from './status.ts';

/** Magenta: apart from the runs' blue and orange, the target's red and the re-forecast's green. */
export const ACTUAL_COLOUR = '#ff4fd8';
export const REFORECAST_COLOUR = '#7ee787';

const daySec = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

/**
 * The chart extension that draws `actuals`; a no-op when there are none.
 * @example
 * // in the viewer: renderChart(el, { ...spec, extend: actualsOverlay(actualsOf(bundle, metric, entity), labels) })
 * const sec = (date) => Date.parse(`${date}T00:00:00Z`) / 1000;
 * const build = { data: [[sec('2018-01-15'), sec('2018-07-15')], [0.3, 0.5]], series: [{}, { label: 'run 1' }], bands: [], draw: [] };
 * const actual = { metric: 'extranet.liveShare', scope: 'city', date: '2018-06-30', value: 0.42, unit: 'share',
 *   source: 'report', note: '', bound: '=' };
 * actualsOverlay([actual], { actual: 'actual', bound: 'bound' })(build);
 * // the actual's date joins the x values, the run's line gets a gap there, the actual a column of its own
 * build.data // => [[sec('2018-01-15'), sec('2018-06-30'), sec('2018-07-15')], [0.3, null, 0.5], [null, 0.42, null]]
 * build.series.map((s) => [s.label, s.spanGaps]) // => [[undefined, undefined], ['run 1', true], ['actual', undefined]]
 */
export function actualsOverlay(actuals: Actual[], labels: { actual: string; bound: string }): (b: ChartBuild) => void {
  return (b) => {
    if (!actuals.length) return;
    const xs = b.data[0] as number[];
    const px = actuals.map((a) => daySec(a.date));
    const all = [...new Set([...xs, ...px])].sort((x, y) => x - y);
    const pos = new Map(all.map((x, i) => [x, i]));
    for (let c = 1; c < b.data.length; c++) {
      const col: Array<number | null> = new Array(all.length).fill(null);
      const old = b.data[c]!;
      xs.forEach((x, i) => {
        col[pos.get(x)!] = old[i] ?? null;
      });
      b.data[c] = col;
    }
    b.data[0] = all;
    // Lines and bands continue across the inserted dates.
    for (let s = 1; s < b.series.length; s++) b.series[s]!.spanGaps = true;
    const eq: Array<number | null> = new Array(all.length).fill(null);
    const bd: Array<number | null> = new Array(all.length).fill(null);
    const arrows: Array<{ x: number; y: number; up: boolean }> = [];
    actuals.forEach((a, i) => {
      const k = pos.get(px[i]!)!;
      if (a.bound === '=') eq[k] = a.value;
      else {
        bd[k] = a.value;
        arrows.push({ x: px[i]!, y: a.value, up: a.bound === '>=' });
      }
    });
    const noLine = () => null;
    if (eq.some((v) => v !== null)) {
      b.data.push(eq);
      b.series.push({
        label: labels.actual,
        stroke: ACTUAL_COLOUR,
        width: 0,
        paths: noLine,
        points: { show: true, size: 11, width: 1.5, stroke: '#ffd6f5', fill: ACTUAL_COLOUR },
      });
    }
    if (arrows.length) {
      b.data.push(bd);
      b.series.push({
        label: labels.bound,
        stroke: ACTUAL_COLOUR,
        width: 0,
        paths: noLine,
        points: { show: true, size: 11, width: 2.5, stroke: ACTUAL_COLOUR, fill: '#0c1422' },
      });
      b.draw.push((u: uPlot) => {
        const ctx = u.ctx,
          r = devicePixelRatio;
        ctx.save();
        ctx.strokeStyle = ACTUAL_COLOUR;
        ctx.fillStyle = ACTUAL_COLOUR;
        ctx.lineWidth = 2 * r;
        for (const a of arrows) {
          const x = u.valToPos(a.x, 'x', true),
            y = u.valToPos(a.y, 'y', true);
          const d = (a.up ? -1 : 1) * r;
          // Shaft from the dot's edge, then the head: "the true value is above / below this".
          ctx.beginPath();
          ctx.moveTo(x, y + 6 * d);
          ctx.lineTo(x, y + 18 * d);
          ctx.stroke();
          ctx.beginPath();
          ctx.moveTo(x - 5 * r, y + 16 * d);
          ctx.lineTo(x, y + 23 * d);
          ctx.lineTo(x + 5 * r, y + 16 * d);
          ctx.closePath();
          ctx.fill();
        }
        ctx.restore();
      });
    }
  };
}
