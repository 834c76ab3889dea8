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

/**
 * Latin words allowed on the zh-CN page: units (SI and the plan's), codes and proper names. Everything else (an
 * English label, a raw parameter id, uPlot's "Time", an English date) fails the scan.
 */
const LATIN_ALLOWED = new Set([
  // units
  'kWh',
  'MWh',
  'GWh',
  'km',
  'h',
  'min',
  'kg',
  'ha',
  'mm',
  't',
  'd',
  // codes and abbreviations used as such in Chinese documents
  'PNG',
  'P10',
  'P50',
  'P90',
  'A',
  'B',
  'vs',
  'AB',
  'CPU',
  'EN',
  'Esc',
  'm',
  'SE',
  // proper names (map credits)
  'Cesium',
  'Natural',
  'Earth',
  'II',
]);

/** The visible text of the page (text nodes whose element is rendered) plus the options of the visible selects. */
async function visibleText(page: Page, skip: string): Promise<string> {
  return page.evaluate((skipSel) => {
    const parts: string[] = [];
    const skipEls = [...document.querySelectorAll(skipSel)];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || ['SCRIPT', 'STYLE'].includes(el.tagName)) continue;
      if (skipEls.some((s) => s.contains(el))) continue;
      if (el.tagName === 'OPTION') {
        const sel = el.closest('select');
        if (sel && sel.checkVisibility()) parts.push(n.textContent ?? '');
        continue;
      }
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      if (el.closest('.visually-hidden')) continue;
      parts.push(n.textContent ?? '');
    }
    return parts.join('\n');
  }, skip);
}

/** Latin words of `text` not in the allow-list, with a little context each. */
function latinWords(text: string): string[] {
  const bad = new Map<string, string>();
  for (const m of text.matchAll(/[A-Za-z][A-Za-z0-9_.]*/g)) {
    const w = m[0].replace(/\.$/, '');
    if (LATIN_ALLOWED.has(w) || bad.has(w)) continue;
    const i = m.index ?? 0;
    bad.set(w, `${w}  «${text.slice(Math.max(0, i - 15), i + w.length + 15).replace(/\s+/g, ' ')}»`);
  }
  return [...bad.values()];
}

describe('zh-CN page speaks Chinese', () => {
  it('the rendered zh-CN page (single run, compare, a chart, presentation) has no Latin word outside the allow-list', async () => {
    const { page, problems, context } = await guardedPage(browser!);
    await page.goto(`${site!.url}?run=1`);
    await waitReady(page);
    // Scenario names are the planners' own text (here the fixture's English names): not part of the scan.
    const userText = '#run-select, #compare-select, #run-label, #banner';
    const found: string[] = [];
    const scan = async (where: string) => {
      for (const w of latinWords(await visibleText(page, userText)))
        if (!found.some((f) => f.split(': ')[1]?.split(' ')[0] === w.split(' ')[0])) found.push(`${where}: ${w}`);
    };
    await scan('start');
    await page.click('.target[data-target-id="greenhouse-yield"]');
    await page.waitForSelector('#chart-body canvas');
    await scan('chart');
    await page.selectOption('#compare-select', '2');
    await page.waitForFunction(() => document.body.textContent!.includes('B:'));
    await scan('compare');
    await page.selectOption('#compare-select', '');
    await page.click('#present-btn');
    await waitPresentStep(page, 0);
    await page.keyboard.press('ArrowRight');
    await waitPresentStep(page, 1);
    await scan('presentation');
    await page.keyboard.press('Escape');
    expect([...new Set(found)], [...new Set(found)].join('\n')).toEqual([]);
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  }, 240_000);
});
