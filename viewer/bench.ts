/**
 * Viewer benchmark (`npm run bench:viewer`): builds the viewer, serves it on 127.0.0.1 and loads it in headless
 * Chromium with SOFTWARE GL (Mesa llvmpipe via ANGLE gl-egl; `VIEWER_GL=swiftshader` for SwiftShader), 1280×720,
 * with N synthetic moving vehicles (bench mode `?bench=N`: seeded random link chains, not model results), in the
 * default and the lean ("low graphics") mode. Prints medians of: first frame (ms from navigation start to
 * Cesium's first rendered frame), frame time, JS time per frame spent moving the vehicles (jsMs), and the main
 * thread's whole time per frame from Cesium's preUpdate to postRender (mainThreadMs: our update plus Cesium's own
 * JS and WebGL command submission).
 * Options: --vehicles N (default 20000), --seconds S sampling window (default 8), --no-build.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { guardedPage, launchBrowser, serveDir } from './test/browser.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, def: number) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : def; };
const vehicles = arg('--vehicles', 20000);
const seconds = arg('--seconds', 8);

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))] : NaN; };

if (!process.argv.includes('--no-build')) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const server = await serveDir(path.join(repoRoot, 'viewer/dist'));
const browser = await launchBrowser();
const rows: string[] = [];
let renderer = '';
try {
  for (const mode of ['default', 'lean'] as const) {
    const { page, problems, context } = await guardedPage(browser);
    const t0 = Date.now();
    await page.goto(`${server.url}?bench=${vehicles}&lean=${mode === 'lean' ? 1 : 0}`);
    await page.waitForFunction(() => window.__twin?.ready && window.__twin.firstFrameMs !== null, null, { timeout: 120_000 });
    const firstFrameMs = await page.evaluate(() => window.__twin.firstFrameMs!);
    const readyMs = Date.now() - t0;
    if (!renderer) {
      renderer = await page.evaluate(() => {
        const gl = document.createElement('canvas').getContext('webgl2');
        const ext = gl?.getExtension('WEBGL_debug_renderer_info');
        return gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'unknown';
      });
    }
    await page.waitForTimeout(3000); // warm-up: tiles, shaders, JIT
    await page.evaluate(() => { const b = window.__twin.bench!; b.frameMs.length = 0; b.jsMs.length = 0; b.renderMs.length = 0; });
    await page.waitForTimeout(seconds * 1000);
    const b = await page.evaluate(() => window.__twin.bench!);
    if (problems.length) throw new Error(`page problems in ${mode} mode:\n${problems.join('\n')}`);
    const frame = median(b.frameMs);
    rows.push([mode.padEnd(8), String(Math.round(firstFrameMs)).padStart(8), String(readyMs).padStart(8),
      frame.toFixed(1).padStart(9), (1000 / frame).toFixed(1).padStart(6), median(b.jsMs).toFixed(2).padStart(9),
      pct(b.jsMs, 0.95).toFixed(2).padStart(8), median(b.renderMs).toFixed(1).padStart(12), String(b.frameMs.length).padStart(7), String(b.active).padStart(7)].join(' '));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`viewer bench: ${vehicles} moving vehicles (synthetic), 1280x720, headless Chromium, software GL: ${renderer}`);
console.log(`load average at end: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('mode     firstFrameMs readyMs frameMsP50   fps  jsMsP50  jsMsP95 mainThreadMs  frames  active');
for (const r of rows) console.log(r);
