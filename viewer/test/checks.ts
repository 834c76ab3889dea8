/**
 * Page-level checks shared by the end-to-end tests (real baseline through the server; fixture static export).
 */
import { expect } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../models/lib/paths.mjs';

/** The repository root (the one helper, models/lib/paths.mjs), re-exported for the viewer tests. */
export const repoRoot = REPO_ROOT;

/** Newest mtime (ms) of the files under `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Builds viewer/dist when it is missing or older than the viewer sources (so tests never run a stale build).
 * @example buildViewerIfStale();
 */
export function buildViewerIfStale(): void {
  const dist = path.join(repoRoot, 'viewer/dist/index.html');
  const fresh = () => {
    const src = Math.max(
      newest(path.join(repoRoot, 'viewer/src')),
      statSync(path.join(repoRoot, 'viewer/index.html')).mtimeMs,
      statSync(path.join(repoRoot, 'vite.config.ts')).mtimeMs,
      newest(path.join(repoRoot, 'data/zibo')),
    );
    return existsSync(dist) && statSync(dist).mtimeMs >= src;
  };
  if (fresh()) return;
  // Test files run in parallel processes: one builds (an atomic mkdir is the lock), the others wait for it.
  const lock = path.join(repoRoot, 'viewer/.build-lock');
  const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} held for 3 minutes: remove it if no build is running`);
      sleep(500);
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'],
      { cwd: repoRoot, stdio: 'inherit' },
    );
    if (r.status !== 0) throw new Error('vite build of the viewer failed');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Waits until the app has started (`#app` no longer `aria-busy`: runs loaded and the globe's first frame drawn);
 * fails if the page shows a load error (`role="alert"` in the targets panel).
 * @example await waitReady(page);
 */
export async function waitReady(page: Page): Promise<void> {
  await page.waitForSelector('#app[aria-busy="false"]', { state: 'attached', timeout: 90_000 });
  const err = await page.$eval('#targets-list', (e) => (e.getAttribute('role') === 'alert' ? e.textContent : null));
  expect(err, 'viewer reported an error').toBeNull();
}

/**
 * The globe as shown on screen (a screenshot of `#globe`) summarised on a 160×90 grid: distinct colours, mean RGB,
 * and the grid's colours (0xRRGGBB). @example (await canvasStats(page)).distinctColours
 */
export async function canvasStats(
  page: Page,
): Promise<{ distinctColours: number; mean: [number, number, number]; grid: number[] }> {
  const png = (await page.locator('#globe').screenshot()).toString('base64');
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = 160;
    c.height = 90;
    const ctx = c.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(img, 0, 0, 160, 90);
    const d = ctx.getImageData(0, 0, 160, 90).data;
    const seen = new Set<number>();
    const grid: number[] = [];
    const mean: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) {
      const rgb = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      seen.add(rgb);
      grid.push(rgb);
      mean[0] += d[i];
      mean[1] += d[i + 1];
      mean[2] += d[i + 2];
    }
    const n = d.length / 4;
    return { distinctColours: seen.size, mean: [mean[0] / n, mean[1] / n, mean[2] / n], grid };
  }, png);
}

/** The month under the timeline cursor (`datetime` of the period label). @example await viewerMonth(page) // '2019-12' */
export async function viewerMonth(page: Page): Promise<string> {
  return (await page.getAttribute('#period-label', 'datetime')) ?? '';
}

/** Each district's colour on the globe (code → CSS colour), from the page's list of district values. @example await districtColours(page) */
export async function districtColours(page: Page): Promise<Record<string, string>> {
  return page.$$eval('#district-values li', (lis) =>
    Object.fromEntries(lis.map((li) => [li.getAttribute('data-code') ?? '', li.getAttribute('data-colour') ?? ''])),
  );
}

/** The target ids listed in the targets panel, in order. @example await targetIds(page) */
export async function targetIds(page: Page): Promise<string[]> {
  return page.$$eval('#targets-list .target', (els) => els.map((e) => e.getAttribute('data-target-id') ?? ''));
}

/** Waits for presentation step `k` (0-based, from the "k+1 / n" counter), or for presentation mode off (`-1`). @example await waitPresentStep(page, 2) */
export async function waitPresentStep(page: Page, k: number): Promise<void> {
  await page.waitForFunction((step) => {
    const bar = document.getElementById('present-bar')!;
    if (step < 0) return bar.hidden;
    return !bar.hidden && document.getElementById('present-count')!.textContent?.startsWith(`${step + 1} / `);
  }, k);
}

/** Fraction of grid cells whose colour differs by more than `tol` in any channel. @example changedFraction([0xffffff], [0]) // 1 */
export function changedFraction(a: number[], b: number[], tol = 12): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i],
      y = b[i];
    if (
      Math.abs(((x >> 16) & 255) - ((y >> 16) & 255)) > tol ||
      Math.abs(((x >> 8) & 255) - ((y >> 8) & 255)) > tol ||
      Math.abs((x & 255) - (y & 255)) > tol
    )
      n++;
  }
  return n / a.length;
}

/** Checks a downloaded PNG: signature and a plausible size; returns its byte length. @example checkPng('/tmp/view.png') */
export function checkPng(file: string): number {
  const buf = readFileSync(file);
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(buf.length).toBeGreaterThan(20_000);
  // IHDR width/height: the exported view is at least the globe canvas.
  expect(buf.readUInt32BE(16)).toBeGreaterThan(300);
  expect(buf.readUInt32BE(20)).toBeGreaterThan(200);
  return buf.length;
}

/** Sets the timeline to a year through the UI (jump-to-year button) and waits for the month under the cursor. @example await jumpToYear(page, 2019); */
export async function jumpToYear(page: Page, year: number): Promise<void> {
  await page.click(`#year-buttons button[data-year="${year}"]`);
  await page.waitForFunction(
    (y) => document.getElementById('period-label')!.getAttribute('datetime')?.startsWith(String(y)),
    year,
  );
  await page.waitForTimeout(1500); // let the per-instance colours reach the next frames
}

/**
 * Pixels of a downloaded PNG (decoded by the page's browser), below a header of `headPx` rows: image size, distinct
 * colours on a 160×90 grid of that area and the standard deviation of its luminance (0–255). A black or single-colour
 * map gives a handful of colours and a deviation near 0. @example await pngAreaStats(page, '/tmp/view.png', 56)
 */
export async function pngAreaStats(
  page: Page,
  file: string,
  headPx: number,
): Promise<{ width: number; height: number; distinctColours: number; lumaStd: number }> {
  const b64 = readFileSync(file).toString('base64');
  return page.evaluate(
    async ([data, head]) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = 160;
      c.height = 90;
      const ctx = c.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(img, 0, head, img.width, img.height - head, 0, 0, 160, 90);
      const d = ctx.getImageData(0, 0, 160, 90).data;
      const seen = new Set<number>();
      let sum = 0,
        sum2 = 0;
      for (let i = 0; i < d.length; i += 4) {
        seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
        sum += y;
        sum2 += y * y;
      }
      const n = d.length / 4;
      return {
        width: img.width,
        height: img.height,
        distinctColours: seen.size,
        lumaStd: Math.sqrt(Math.max(0, sum2 / n - (sum / n) ** 2)),
      };
    },
    [b64, headPx] as const,
  );
}
