/**
 * End-to-end: a REAL baseline run produced by the engine (`twin run scenarios/baseline.yaml --db <tmp>`), served by
 * `twin serve --db <tmp> --port 0`, opened in headless Chromium (software GL). Checks that the page loads the
 * baseline, the globe renders (non-blank by pixels), moving the timeline to 2019 changes the rollout colours
 * (state and pixels), every target of data/plan/targets.yaml is in the panel, the models' replay and greenhouse
 * artifacts drive the replay and the drill-down, presentation mode advances with the keyboard, and "export PNG"
 * writes a PNG file; it fails on any request leaving 127.0.0.1 and on any console
 * error. With UPDATE_SCREENSHOT=1 it rewrites the README screenshot viewer/screenshot.png.
 * Set VIEWER_E2E_DB=<sqlite with a finished baseline run> to reuse a store instead of running the baseline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import type { Browser } from 'playwright-core';
import { guardedPage, launchBrowser, type Guarded } from './browser.ts';
import {
  buildViewerIfStale,
  canvasStats,
  changedFraction,
  checkPng,
  districtColours,
  jumpToYear,
  repoRoot,
  targetIds,
  waitPresentStep,
  waitReady,
} from './checks.ts';

const twin = path.join(repoRoot, 'engine/bin/twin.mjs');
let tmp = '';
let server: ChildProcess | null = null;
let url = '';
let browser: Browser | null = null;
let g: Guarded;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'viewer-e2e-'));
  let db = process.env.VIEWER_E2E_DB ?? '';
  if (!db) {
    db = path.join(tmp, 'baseline.sqlite');
    const r = spawnSync(process.execPath, [twin, 'run', 'scenarios/baseline.yaml', '--db', db], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (r.status !== 0)
      throw new Error(`twin run scenarios/baseline.yaml failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  buildViewerIfStale();
  server = spawn(process.execPath, [twin, 'serve', '--db', db, '--port', '0'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`twin serve did not print its URL:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server!.stdout!.on('data', onData);
    server!.stderr!.on('data', onData);
    server!.once('exit', (code) => reject(new Error(`twin serve exited (${code}):\n${out}`)));
  });
  browser = await launchBrowser();
  g = await guardedPage(browser);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) server.kill('SIGINT');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('viewer on a real baseline run', () => {
  it('loads the baseline, renders, replays the timeline, lists every target, presents and exports a PNG', async () => {
    const { page, problems } = g;
    await page.goto(url);
    await waitReady(page);

    // The baseline run is the one shown.
    const runText = await page.$eval(
      '#run-select',
      (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent ?? '',
    );
    expect(runText).toMatch(/baseline/);

    // The globe is drawn: many distinct colours on the canvas (a blank or single-colour canvas has a handful).
    await page.waitForTimeout(2500);
    const s2017 = await canvasStats(page);
    expect(s2017.distinctColours).toBeGreaterThan(200);
    const css2017 = await districtColours(page);
    expect(Object.keys(css2017)).toHaveLength(8);

    // Timeline → 2019: the rollout colours change, in state and in pixels.
    await jumpToYear(page, 2019);
    const css2019 = await districtColours(page);
    const changedDistricts = Object.keys(css2019).filter((k) => css2019[k] !== css2017[k]).length;
    expect(changedDistricts).toBeGreaterThanOrEqual(4);
    const s2019 = await canvasStats(page);
    expect(changedFraction(s2017.grid, s2019.grid)).toBeGreaterThan(0.01);

    // Every plan target is listed.
    const planTargets = (
      YAML.parse(readFileSync(path.join(repoRoot, 'data/plan/targets.yaml'), 'utf8')) as {
        targets: Array<{ id: string }>;
      }
    ).targets.map((x) => x.id);
    const shown = await targetIds(page);
    expect([...shown].sort()).toEqual([...planTargets].sort());

    // Clicking a target opens its chart (uPlot canvas) — then the README screenshot.
    await page.click(`.target[data-target-id="${planTargets[0]}"]`);
    await page.waitForSelector('#chart-body canvas');
    await page.waitForTimeout(2500);
    // The README screenshot is rewritten only on request (UPDATE_SCREENSHOT=1), so `npm test` leaves the tree clean.
    await page.screenshot({
      path:
        process.env.UPDATE_SCREENSHOT === '1'
          ? path.join(repoRoot, 'viewer/screenshot.png')
          : path.join(os.tmpdir(), 'twin-e2e-screenshot.png'),
    });

    // The models' own artifacts: the dynamic traffic model's vehicle replay moves vehicles; the greenhouse model's
    // simulated day drives the cross-section (inside temperature in the HUD).
    expect(await page.isEnabled('#replay-btn')).toBe(true);
    await page.click('#replay-btn');
    await page.waitForFunction(
      () => Number(/· (\d+)/.exec(document.getElementById('replay-clock')!.textContent ?? '')?.[1] ?? 0) > 0,
      null,
      { timeout: 60_000 },
    );
    // Vehicles are drawn and move: with the camera still (after its flight) and the main clock paused, only the
    // replay changes pixels between two moments.
    await page.waitForTimeout(2500);
    const r1 = await canvasStats(page);
    await page.waitForTimeout(2000);
    const r2 = await canvasStats(page);
    expect(changedFraction(r1.grid, r2.grid, 8)).toBeGreaterThan(0.0005);
    await page.click('#replay-btn');
    await page.click('.target[data-target-id="greenhouse-yield"]');
    await page.waitForSelector('#chart-actions button');
    await page.click('#chart-actions button');
    await page.waitForFunction(() => /°C/.test(document.getElementById('drill-hud')!.textContent ?? ''), null, {
      timeout: 60_000,
    });
    await page.click('#drill-close');

    // Presentation mode: enter, advance and go back with the keyboard.
    await page.click('#present-btn');
    await waitPresentStep(page, 0);
    const title0 = await page.textContent('#present-title');
    await page.keyboard.press('ArrowRight');
    await waitPresentStep(page, 1);
    await page.keyboard.press('ArrowRight');
    await waitPresentStep(page, 2);
    expect(await page.textContent('#present-title')).not.toBe(title0);
    await page.keyboard.press('ArrowLeft');
    await waitPresentStep(page, 1);

    // Export the view as PNG (key P in presentation mode) → a file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('p')]);
    const file = path.join(tmp, download.suggestedFilename());
    await download.saveAs(file);
    checkPng(file);
    await page.keyboard.press('Escape');
    await waitPresentStep(page, -1);

    expect(problems, problems.join('\n')).toEqual([]);
  }, 180_000);
});
