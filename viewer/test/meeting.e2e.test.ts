/**
 * For the meeting room (issue 18), on the static export of two TEST FIXTURE runs (synthetic; no engine needed):
 * - exports show the map: the "Export PNG" button, its 2× twin and the presentation's "P" key write PNGs whose globe
 *   area is not uniform (pixels, not just the file signature), the 2× one at twice the width;
 * - the zh-CN page speaks Chinese: the rendered text of the visible page has no Latin word outside an allow-list of
 *   units, codes and proper names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { exportViewer } from '../../engine/exports/viewer-static.ts';
import { fixtureBundle } from './fixtures/make-fixture.ts';
import { guardedPage, launchBrowser, serveDir } from './browser.ts';
import { buildViewerIfStale, checkPng, pngAreaStats, waitPresentStep, waitReady } from './checks.ts';

let tmp = '';
let site: { url: string; close: () => Promise<void> } | null = null;
let browser: Browser | null = null;

beforeAll(async () => {
  buildViewerIfStale();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'viewer-meeting-'));
  const runs = [
    fixtureBundle(1, 'TEST FIXTURE baseline (synthetic)', 0),
    fixtureBundle(2, 'TEST FIXTURE slower (synthetic)', 6),
  ];
  exportViewer(
    path.join(tmp, 'site'),
    runs.map((r) => r.bundle),
    (b, ref) =>
      (runs.find((r) => r.bundle.run.id === b.run.id)!.artifacts as Record<string, unknown>)[
        `${ref.model}-${ref.name}-${ref.year}`
      ],
  );
  site = await serveDir(path.join(tmp, 'site'));
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Clicks `selector` or presses `key`, saves the download and returns the file path. */
async function download(page: Page, action: () => Promise<void>): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), action()]);
  const file = path.join(tmp, d.suggestedFilename());
  await d.saveAs(file);
  checkPng(file);
  return file;
}

/** The globe area of an export is a map, not a flat fill: many colours and visible contrast. */
function expectMapPixels(s: { distinctColours: number; lumaStd: number }, what: string): void {
  expect(s.distinctColours, `${what}: distinct colours in the globe area`).toBeGreaterThan(150);
  expect(s.lumaStd, `${what}: luminance deviation in the globe area`).toBeGreaterThan(8);
}

describe('exports show the map', () => {
  it('button (screen and 2×) and presentation "P" write PNGs whose globe area is not uniform', async () => {
    const { page, problems, context } = await guardedPage(browser!);
    await page.goto(`${site!.url}?run=1`);
    await waitReady(page);
    await page.waitForTimeout(1500);

    const screen = await download(page, () => page.click('#png-btn'));
    const s1 = await pngAreaStats(page, screen, 56);
    expectMapPixels(s1, 'Export PNG');
    const globeW = await page.$eval('#globe', (e) => Math.round(e.getBoundingClientRect().width));
    expect(Math.abs(s1.width - globeW)).toBeLessThanOrEqual(2);

    const twice = await download(page, () => page.click('#png2x-btn'));
    const s2 = await pngAreaStats(page, twice, 112);
    expectMapPixels(s2, 'Export PNG 2×');
    expect(Math.abs(s2.width - 2 * s1.width)).toBeLessThanOrEqual(2);

    await page.click('#present-btn');
    await waitPresentStep(page, 0);
    await page.keyboard.press('ArrowRight');
    await waitPresentStep(page, 1);
    await page.waitForTimeout(2500); // the camera flight of the step
    const pres = await download(page, () => page.keyboard.press('p'));
    const s3 = await pngAreaStats(page, pres, 56);
    expectMapPixels(s3, 'presentation "P"');
    await page.keyboard.press('Escape');
    await waitPresentStep(page, -1);

    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  }, 240_000);
});
