/**
 * "Export PNG": the globe as drawn now, with the open drill-down and chart pasted in and a header naming the view,
 * the month and the run(s), downloaded as a file.
 */
import { t } from '../i18n/index.ts';
import { periodText, runLabel } from './format.ts';
import { presentationTitle } from './presentation.ts';
import { toast, type AppState } from './state.ts';

/** Draws the view into a PNG and downloads it (`zibo-twin-run<id>-<month>.png`). */
export function exportPng(app: AppState): void {
  const viewer = app.viewer;
  viewer.render(); // draw now, so the WebGL buffer is valid in this task (no preserveDrawingBuffer needed)
  const g = viewer.scene.canvas;
  const head = 56;
  const out = document.createElement('canvas');
  out.width = g.width;
  out.height = g.height + head;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#05080f';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(g, 0, head);
  const drillCanvas = document.querySelector<HTMLCanvasElement>('#drill-canvas canvas');
  if (drillCanvas)
    ctx.drawImage(
      drillCanvas,
      out.width - drillCanvas.width * 0.5 - 10,
      head + 10,
      drillCanvas.width * 0.5,
      drillCanvas.height * 0.5,
    );
  const chartCanvas = document.querySelector<HTMLCanvasElement>('#chart-body canvas');
  if (chartCanvas) {
    const w = Math.min(chartCanvas.width, out.width * 0.45),
      h = chartCanvas.height * (w / chartCanvas.width);
    ctx.fillStyle = 'rgba(12,20,34,0.9)';
    ctx.fillRect(out.width - w - 20, out.height - h - 20, w + 10, h + 10);
    ctx.drawImage(chartCanvas, out.width - w - 15, out.height - h - 15, w, h);
  }
  ctx.fillStyle = '#4fd1ff';
  ctx.font = '600 22px "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
  ctx.fillText(presentationTitle(app), 16, 34);
  ctx.fillStyle = '#e6ecf7';
  ctx.font = '16px "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
  const right = `${periodText(app.month)} · ${app.a ? runLabel(app.a.bundle.run) : ''}${app.b ? ` vs #${app.b.bundle.run.id}` : ''}`;
  ctx.fillText(right, Math.max(16, out.width - ctx.measureText(right).width - 16), 34);
  out.toBlob((blob) => {
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `zibo-twin-run${app.a?.bundle.run.id ?? ''}-${app.month}.png`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
    toast(t().exported);
  }, 'image/png');
}
