/**
 * "Export PNG": the globe as drawn now, with the open drill-down and chart pasted in and a header naming the view,
 * the month and the run(s), downloaded as a file, at screen resolution or at 2×.
 *
 * Why the capture waits for a frame: the globe runs in request-render mode without `preserveDrawingBuffer`, so its
 * WebGL drawing buffer is only defined inside the task that rendered it; `viewer.render()` alone draws nothing when
 * no render was requested (the old export copied a cleared buffer: a black map). We request a render and copy the
 * canvas in the scene's `postRender` event, i.e. right after a completed frame.
 */
import type { Viewer } from 'cesium';
import { t } from '../i18n/index.ts';
import { periodText, runLabel } from './format.ts';
import { presentationTitle } from './presentation.ts';
import { toast, type AppState } from './state.ts';

/** Frames, and milliseconds, to wait at most for the globe's tiles at a new resolution before capturing anyway. */
const MAX_TILE_FRAMES = 60;
const MAX_TILE_WAIT_MS = 4000;

/** Resolves on the next completed frame of the scene, with a copy of the globe canvas taken inside that frame. */
function nextFrameCopy(viewer: Viewer): Promise<HTMLCanvasElement> {
  return new Promise((resolve) => {
    const remove = viewer.scene.postRender.addEventListener(() => {
      remove();
      const g = viewer.scene.canvas;
      const copy = document.createElement('canvas');
      copy.width = g.width;
      copy.height = g.height;
      copy.getContext('2d')!.drawImage(g, 0, 0);
      resolve(copy);
    });
    viewer.scene.requestRender();
  });
}

/** Resolves after the next completed frame (requesting one). */
function nextFrame(viewer: Viewer): Promise<void> {
  return new Promise((resolve) => {
    const remove = viewer.scene.postRender.addEventListener(() => {
      remove();
      resolve();
    });
    viewer.scene.requestRender();
  });
}

/**
 * A copy of the globe drawn at `scale` × its CSS size (1 = screen, 2 = 2×), taken right after a completed frame;
 * the viewer's own resolution is restored afterwards.
 */
export async function captureGlobe(viewer: Viewer, scale: number): Promise<HTMLCanvasElement> {
  const before = viewer.resolutionScale;
  viewer.resolutionScale = scale;
  try {
    // At a new resolution the globe refines its tiles over a few frames: wait for them (bounded).
    const t0 = performance.now();
    for (let i = 0; i < MAX_TILE_FRAMES && performance.now() - t0 < MAX_TILE_WAIT_MS; i++) {
      await nextFrame(viewer);
      if (viewer.scene.globe.tilesLoaded && i >= 1) break;
    }
    return await nextFrameCopy(viewer);
  } finally {
    viewer.resolutionScale = before;
    viewer.scene.requestRender();
  }
}

/**
 * Composes the export: a header (title, month, runs), the globe, and the open drill-down and chart scaled with it.
 * @returns the composed canvas (what the PNG holds)
 */
export async function composeExport(app: AppState, scale: number): Promise<HTMLCanvasElement> {
  const g = await captureGlobe(app.viewer, scale);
  const k = g.width / Math.max(1, app.viewer.scene.canvas.clientWidth); // output pixels per CSS pixel
  const head = Math.round(56 * k);
  const out = document.createElement('canvas');
  out.width = g.width;
  out.height = g.height + head;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#05080f';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(g, 0, head);
  const drillCanvas = document.querySelector<HTMLCanvasElement>('#drill-canvas canvas');
  if (drillCanvas && drillCanvas.width > 0) {
    const w = Math.min(drillCanvas.clientWidth * k * 0.6, out.width * 0.4),
      h = drillCanvas.height * (w / drillCanvas.width);
    ctx.drawImage(drillCanvas, out.width - w - 10 * k, head + 10 * k, w, h);
  }
  const chartCanvas = document.querySelector<HTMLCanvasElement>('#chart-body canvas');
  if (chartCanvas && chartCanvas.width > 0) {
    const w = Math.min(chartCanvas.clientWidth * k, out.width * 0.45),
      h = chartCanvas.height * (w / chartCanvas.width);
    ctx.fillStyle = 'rgb(12,20,34)';
    ctx.fillRect(out.width - w - 20 * k, out.height - h - 20 * k, w + 10 * k, h + 10 * k);
    ctx.drawImage(chartCanvas, out.width - w - 15 * k, out.height - h - 15 * k, w, h);
  }
  ctx.fillStyle = '#4fd1ff';
  ctx.font = `600 ${Math.round(22 * k)}px "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif`;
  ctx.fillText(presentationTitle(app), 16 * k, 34 * k);
  ctx.fillStyle = '#e6ecf7';
  ctx.font = `${Math.round(16 * k)}px "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif`;
  const right = `${periodText(app.month)} · ${app.a ? runLabel(app.a.bundle.run) : ''}${app.b ? ` vs #${app.b.bundle.run.id}` : ''}`;
  ctx.fillText(right, Math.max(16 * k, out.width - ctx.measureText(right).width - 16 * k), 34 * k);
  return out;
}

let busy = false;

/** Draws the view into a PNG at `scale` (1 = screen, 2 = 2×) and downloads it (`zibo-twin-run<id>-<month>[@2x].png`). */
export async function exportPng(app: AppState, scale = 1): Promise<void> {
  if (busy) return; // one export at a time: a second one would fight over the resolution
  busy = true;
  try {
    const out = await composeExport(app, scale);
    const blob = await new Promise<Blob | null>((r) => out.toBlob(r, 'image/png'));
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `zibo-twin-run${app.a?.bundle.run.id ?? ''}-${app.month}${scale === 1 ? '' : `@${scale}x`}.png`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
    toast(t().exported);
  } finally {
    busy = false;
  }
}
