/**
 * The viewer page's entry: starts the application (viewer/src/app/: state, timeline, map view, targets, charts,
 * compare, drill-downs, vehicle replay, presentation, PNG export).
 * URL parameters: run=<id>, compare=<id>, lang=en|zh-CN, lean=1, month=YYYY-MM, source=static, gpu=0 (JS-moved
 * replay points), subpixel=0 (move replay points every frame even when the move is under half a pixel).
 */
import { bootApp } from './app/boot.ts';

bootApp().catch((e: unknown) => {
  // A start-up failure (no WebGL, broken settings.json): say so where the targets would be, and stop "loading".
  console.error(e);
  const list = document.getElementById('targets-list');
  if (list) {
    list.textContent = String(e);
    list.setAttribute('role', 'alert');
  }
  document.getElementById('app')?.setAttribute('aria-busy', 'false');
});
