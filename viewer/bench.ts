/**
 * Viewer benchmark (`npm run bench:viewer`): builds the viewer, serves it on 127.0.0.1 and loads it in headless
 * Chromium with SOFTWARE GL (Mesa llvmpipe via ANGLE gl-egl; `VIEWER_GL=swiftshader` for SwiftShader), 1280×720,
 * with N synthetic moving vehicles (the benchmark page, viewer/src/bench/entry.ts, built with `vite build --mode bench`
 * into node_modules/.cache/viewer-bench, never into viewer/dist: seeded random link chains, not model results), in the
 * default and the lean ("low graphics") mode with the GPU replay, and lean with the JS-points replay (gpu=0). Prints medians of: first frame (ms from navigation start to
 * Cesium's first rendered frame), frame time, JS time per frame spent moving the vehicles (jsMs), and the main
 * thread's whole time per frame from Cesium's preUpdate to postRender (mainThreadMs: our update plus Cesium's own
 * JS and WebGL command submission).
 * Start-up (issue 18 §9): the bench page with `runs=1` loads the TEST FIXTURE runs (viewer/test/fixtures, synthetic,
 * written into the bench build's data/ as a static export) through the twin's own server (engine/server.ts, so with
 * its compression), `--start-runs N` times (default 3) in the default and the lean mode, and prints the medians of
 * first frame, targets shown and the first meaningful view (both: globe drawn and targets shown), goal ≤ 5 s.
 * Imported network (issue 17 §5): the 28k-link generated city (engine/network/generate-city.ts, spacing 950 m, grid
 * zones 2.75 km, imported once into data/.cache/networks like `npm run bench:city`) served as the server's roads
 * answer, drawn by the viewer's NetworkLayer with `--network-vehicles N` (default 100000) synthetic vehicles on it, in
 * the default and the lean mode: first frame with network and vehicles, JS per frame (replay update + the layer's
 * level choice), main-thread CPU per frame, and the time to draw the all-roads level after zooming to 15 km;
 * goals ≤ 4 ms per frame and ≤ 4 s first frame, printed MET / NOT MET.
 * Options: --vehicles N (default 20000), --seconds S sampling window (default 8), --no-build (reuse the last bench
 * build), --start-runs N, --start-only (only the start-up), --network-only (only the imported network),
 * --network-vehicles N.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT as repoRoot } from '../models/lib/paths.mjs';
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { guardedPage, launchBrowser } from './test/browser.ts';
import { writeFixture } from './test/fixtures/make-fixture.ts';
import type {} from './src/bench/entry.ts'; // window.__twinBench

const benchDist = path.join(repoRoot, 'node_modules/.cache/viewer-bench');
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const vehicles = arg('--vehicles', 20000);
const seconds = arg('--seconds', 8);
const startRuns = arg('--start-runs', 3);
const startOnly = process.argv.includes('--start-only');
const networkOnly = process.argv.includes('--network-only');
const networkVehicles = arg('--network-vehicles', 100000);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))] : NaN;
};

let nodeLine = '';
// 1. The vehicle update alone, in Node, with the same code and Cesium's real PointPrimitiveCollection (no WebGL is
//    touched by the update): process CPU time per update, so the figure is not inflated by a loaded machine's
//    wall clock as much as the in-browser timings are.
if (!startOnly && !networkOnly) {
  const { VehicleReplay, syntheticTrajectories } = await import('./src/replay.ts');
  const { buildGeo } = await import('./geo.ts');
  const roads = buildGeo(repoRoot).roads;
  const traj = syntheticTrajectories(roads, vehicles, 42);
  const fakeViewer = { scene: { primitives: { add() {}, remove() {} }, requestRender() {} } } as never;
  const r = new VehicleReplay(fakeViewer, roads, traj);
  const cpuMs: number[] = [];
  let t = traj.startSec + 600;
  for (let i = 0; i < 400; i++) {
    const c0 = process.cpuUsage();
    r.update(t);
    const c = process.cpuUsage(c0);
    if (i >= 100) cpuMs.push((c.user + c.system) / 1000); // after JIT warm-up
    t += (1 / 60) * 60; // 60 fps at 60x simulated speed
  }
  nodeLine = `JS-points path (gpu=0): vehicle update in Node (same code, Cesium PointPrimitiveCollection), ${r.active} of ${vehicles} on the network: CPU ${pct(cpuMs, 0).toFixed(2)} ms min, ${median(cpuMs).toFixed(2)} ms median, ${pct(cpuMs, 0.95).toFixed(2)} ms p95 per update`;
}

if (!process.argv.includes('--no-build')) {
  const r = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/vite/bin/vite.js'),
      'build',
      '--mode',
      'bench',
      '--outDir',
      benchDist,
      '--logLevel',
      'error',
    ],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// The fixture runs as a static export inside the bench build, served by the twin's server (compression included).
writeFixture(path.join(benchDist, 'data'));
const networkLines: string[] = [];
// The twin's server in its own process (engine/bench-serve.ts: the viewer imports only engine/contract/), with the
// 28k-link city's roads answer written into the build unless only the start-up is measured.
const cityName = 'bench-city-950-grid275km';
const serverProc: ChildProcess = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    path.join(repoRoot, 'engine/bench-serve.ts'),
    '--dir',
    benchDist,
    ...(startOnly ? [] : ['--network']),
  ],
  { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] },
);
const server = {
  url: await new Promise<string>((resolve, reject) => {
    let out = '';
    serverProc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^url (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    serverProc.once('exit', (code) => reject(new Error(`engine/bench-serve.ts exited (${code}):\n${out}`)));
  }),
  close: async () => {
    serverProc.stdin!.end();
    await new Promise((r) => serverProc.once('exit', r));
  },
};
const browser = await launchBrowser();
const startLines: string[] = [];
const rows: string[] = [];
const markLines: string[] = [];
const updateOnly: string[] = [];
const cpuLines: string[] = [];
let renderer = '';
try {
  // Start-up: first meaningful view = the later of the globe's first frame and the targets panel.
  for (const lean of networkOnly ? [] : [false, true]) {
    const ff: number[] = [],
      tg: number[] = [],
      mv: number[] = [],
      loads: number[] = [];
    for (let k = 0; k < startRuns; k++) {
      const { page, problems, context } = await guardedPage(browser);
      await page.goto(`${server.url}?source=static&runs=1&lean=${lean ? 1 : 0}`, { timeout: 180_000 });
      await page.waitForFunction(() => window.__twinBench?.ready, null, { timeout: 120_000 });
      const error = await page.evaluate(() => window.__twinBench.error);
      if (error) throw new Error(`bench page failed at start-up: ${error}`);
      const marks = await page.evaluate(() => window.__twinBench.marks);
      if (problems.length) throw new Error(`page problems at start-up:\n${problems.join('\n')}`);
      ff.push(marks.firstFrame);
      tg.push(marks.targets);
      mv.push(Math.max(marks.firstFrame, marks.targets));
      loads.push(os.loadavg()[0]);
      await context.close();
    }
    const s = (xs: number[]) =>
      `${(median(xs) / 1000).toFixed(2)} s (${xs.map((x) => (x / 1000).toFixed(1)).join(' / ')})`;
    const m = median(mv);
    startLines.push(
      `${lean ? 'lean' : 'default'}: first frame ${s(ff)}, targets ${s(tg)}, first meaningful view ${s(mv)} — goal ≤ 5 s: ${m <= 5000 ? 'MET' : 'NOT MET'} (load average ${loads.map((x) => x.toFixed(1)).join(' / ')})`,
    );
  }
  // default and lean as the app runs (GPU interpolation: one uniform per frame), and lean with the JavaScript
  // replay (gpu=0) rewriting every point every frame (subpixel=0): the CPU path's worst case.
  // The imported 28k-link city with networkVehicles vehicles.
  for (const lean of startOnly ? [] : [false, true]) {
    const mode = lean ? 'lean' : 'default';
    const { page, problems, context } = await guardedPage(browser);
    await page.goto(`${server.url}?source=static&network=1&bench=${networkVehicles}&lean=${lean ? 1 : 0}`, {
      timeout: 180_000,
    });
    await page.waitForFunction(() => window.__twinBench?.ready, null, { timeout: 300_000 });
    const error = await page.evaluate(() => window.__twinBench.error);
    if (error) throw new Error(`network bench page failed in ${mode} mode: ${error}`);
    const { marks, network } = await page.evaluate(() => ({
      marks: window.__twinBench.marks,
      network: window.__twinBench.network,
    }));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const cpu = async () =>
      Object.fromEntries(
        ((await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> }).metrics.map(
          (m) => [m.name, m.value],
        ),
      );
    await page.waitForTimeout(3000);
    await page.evaluate(() => {
      window.__twinBench.frameMs.length = 0;
      window.__twinBench.jsMs.length = 0;
    });
    const c0 = await cpu();
    await page.waitForTimeout(seconds * 1000);
    const b = await page.evaluate(() => ({
      frameMs: window.__twinBench.frameMs,
      jsMs: window.__twinBench.jsMs,
      active: window.__twinBench.active,
    }));
    const c1 = await cpu();
    const zoom = await page.evaluate(() => window.__twinBench.zoom(15_000));
    if (problems.length) throw new Error(`page problems in the network bench (${mode}):\n${problems.join('\n')}`);
    const frames = b.frameMs.length || 1;
    const js = median(b.jsMs),
      first = marks.networkFrame!;
    networkLines.push(
      `${mode}: ${network!.links} links, level ${network!.level} drawn (${network!.drawn} links) at the home view; ` +
        `${networkVehicles} vehicles (${b.active} on the network); first frame with network and vehicles ${(first / 1000).toFixed(2)} s ` +
        `(of which making the synthetic trajectories ${(marks.trajectoriesMs! / 1000).toFixed(2)} s) — goal ≤ 4 s: ${first <= 4000 ? 'MET' : 'NOT MET'}; ` +
        `JS per frame ${js.toFixed(2)} ms median, ${pct(b.jsMs, 0.95).toFixed(2)} ms p95 — goal ≤ 4 ms: ${js <= 4 ? 'MET' : 'NOT MET'}; ` +
        `frame ${median(b.frameMs).toFixed(0)} ms median (${frames} frames), main-thread CPU ${(((c1.TaskDuration - c0.TaskDuration) * 1000) / frames).toFixed(1)} ms per frame (script ${(((c1.ScriptDuration - c0.ScriptDuration) * 1000) / frames).toFixed(1)} ms); ` +
        `zoom to 15 km: level ${zoom.level} (${zoom.drawn} links) drawn in ${(zoom.ms / 1000).toFixed(2)} s; load average ${os.loadavg()[0]!.toFixed(1)}; ` +
        `milestones (ms since navigation start): ${Object.entries(marks)
          .map(([k, v]) => `${k} ${Math.round(v)}`)
          .join(', ')}`,
    );
    await context.close();
  }
  for (const { mode, lean, subpixel, gpu } of (startOnly || networkOnly
    ? []
    : [
        { mode: 'default', lean: false, subpixel: true, gpu: true },
        { mode: 'lean', lean: true, subpixel: true, gpu: true },
        { mode: 'lean-js', lean: true, subpixel: false, gpu: false },
      ]) as Array<{ mode: string; lean: boolean; subpixel: boolean; gpu?: boolean }>) {
    const { page, problems, context } = await guardedPage(browser);
    const t0 = Date.now();
    await page.goto(
      `${server.url}?source=static&bench=${vehicles}&lean=${lean ? 1 : 0}&subpixel=${subpixel ? 1 : 0}&gpu=${gpu ? 1 : 0}`,
    );
    await page.waitForFunction(() => window.__twinBench?.ready, null, { timeout: 120_000 });
    const error = await page.evaluate(() => window.__twinBench.error);
    if (error) throw new Error(`bench page failed in ${mode} mode: ${error}`);
    const marks = await page.evaluate(() => window.__twinBench.marks);
    const firstFrameMs = marks.firstFrame;
    markLines.push(
      `${mode}: ${Object.entries(marks)
        .map(([k, v]) => `${k} ${Math.round(v)} ms`)
        .join(', ')}`,
    );
    const readyMs = Date.now() - t0;
    if (!renderer) {
      renderer = await page.evaluate(() => {
        const gl = document.createElement('canvas').getContext('webgl2');
        const ext = gl?.getExtension('WEBGL_debug_renderer_info');
        return gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'unknown';
      });
    }
    // CPU time of the renderer's main thread (CDP Performance metrics in thread ticks): immune to the wall-clock
    // inflation of a shared, loaded 2-core machine.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const cpu = async () =>
      Object.fromEntries(
        ((await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> }).metrics.map(
          (m) => [m.name, m.value],
        ),
      );
    await page.waitForTimeout(3000); // warm-up: tiles, shaders, JIT
    await page.evaluate(() => {
      const b = window.__twinBench;
      b.frameMs.length = 0;
      b.jsMs.length = 0;
      b.renderMs.length = 0;
      b.written.length = 0;
    });
    const c0 = await cpu();
    await page.waitForTimeout(seconds * 1000);
    const b = await page.evaluate(() => {
      const { frameMs, jsMs, renderMs, written, active } = window.__twinBench;
      return { frameMs, jsMs, renderMs, written, active };
    });
    const c1 = await cpu();
    const framesCpu = b.frameMs.length || 1;
    cpuLines.push(
      `${mode}: main-thread CPU per frame ${(((c1.TaskDuration - c0.TaskDuration) * 1000) / framesCpu).toFixed(1)} ms, of which script ${(((c1.ScriptDuration - c0.ScriptDuration) * 1000) / framesCpu).toFixed(1)} ms (${framesCpu} frames)`,
    );
    // The same update with no rendering in between: the JS cost without software GL's rasteriser threads
    // competing for the 2 cores (with a GPU they would not).
    await page.evaluate(() => {
      window.__twinBench.frameMs.length = 0;
    });
    const only = await page.evaluate(() => window.__twinBench.updateOnly(60));
    updateOnly.push(
      `${mode}: wall ${median(only).toFixed(2)} ms median, ${pct(only, 0.95).toFixed(2)} ms p95 over ${only.length} back-to-back updates`,
    );
    if (problems.length) throw new Error(`page problems in ${mode} mode:\n${problems.join('\n')}`);
    const frame = median(b.frameMs);
    rows.push(
      [
        mode.padEnd(8),
        String(Math.round(firstFrameMs)).padStart(8),
        String(readyMs).padStart(8),
        frame.toFixed(1).padStart(9),
        (1000 / frame).toFixed(1).padStart(6),
        median(b.jsMs).toFixed(2).padStart(9),
        pct(b.jsMs, 0.95).toFixed(2).padStart(8),
        median(b.renderMs).toFixed(1).padStart(12),
        String(b.frameMs.length).padStart(7),
        String(b.active).padStart(7),
        String(median(b.written)).padStart(8),
      ].join(' '),
    );
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(
  `viewer bench: ${vehicles} moving vehicles (synthetic), 1280x720, headless Chromium, software GL: ${renderer}`,
);
console.log(
  `load average at end: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(`start-up, TEST FIXTURE runs from a static export through the twin server, ${startRuns} loads per mode:`);
for (const l of startLines) console.log(`  ${l}`);
if (networkLines.length) console.log(`imported network ${cityName} (generated city), software GL:`);
for (const l of networkLines) console.log(`  ${l}`);
if (startOnly || networkOnly) process.exit(0);
console.log('mode     firstFrameMs readyMs frameMsP50   fps  jsMsP50  jsMsP95 mainThreadMs  frames  active written');
for (const r of rows) console.log(r);
console.log(nodeLine);
console.log('main-thread CPU time per frame while replaying (thread ticks):');
for (const c of cpuLines) console.log(`  ${c}`);
console.log('vehicle update alone in the page (JS wall time, no rendering between calls):');
for (const u of updateOnly) console.log(`  ${u}`);
console.log('startup milestones (ms since navigation start):');
for (const m of markLines) console.log(`  ${m}`);
