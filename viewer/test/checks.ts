/**
 * Page-level checks shared by the end-to-end tests (real baseline through the server; fixture static export).
 */
import { expect } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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

/** Waits until the app is ready and the globe has drawn its first frame; fails if the viewer reported an error. @example await waitReady(page); */
export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__twin?.ready === true && window.__twin.firstFrameMs !== null, null, {
    timeout: 90_000,
  });
  const err = await page.evaluate(() => window.__twin.error);
  expect(err, 'viewer reported an error').toBeNull();
}

/** The globe canvas summarised by the page (distinct colours, mean, 160×90 grid). @example (await canvasStats(page)).distinctColours */
export async function canvasStats(
  page: Page,
): Promise<{ distinctColours: number; mean: [number, number, number]; grid: number[] }> {
  return page.evaluate(() => window.__twin.canvasStats());
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
  await page.waitForFunction((y) => window.__twin.month.startsWith(String(y)), year);
  await page.waitForTimeout(1500); // let the per-instance colours reach the next frames
}
