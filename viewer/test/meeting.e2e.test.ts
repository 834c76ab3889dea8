/**
 * For the meeting room (issue 18), on the static export of two TEST FIXTURE runs (synthetic; no engine needed)
 * (the map's colours, legend and presentation steps: map.e2e.test.ts):
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
import { buildViewerIfStale, checkPng, pngAreaStats, repoRoot, waitPresentStep, waitReady } from './checks.ts';

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
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), action()]);
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

describe('targets panel', () => {
  it('counts by status at the top, sorted by risk, district A/B targets as one grid, opaque panels when presenting', async () => {
    const { page, problems, context } = await guardedPage(browser!);
    await page.goto(`${site!.url}?run=1`);
    await waitReady(page);
    const bundle = fixtureBundle(1, 'x', 0).bundle;
    const status = new Map(bundle.evaluations.map((e) => [e.targetId, e.status]));
    const expected: Record<string, number> = {};
    for (const td of bundle.targets) {
      const s = status.get(td.id) ?? 'no-data';
      expected[s] = (expected[s] ?? 0) + 1;
    }
    // Counts at the top match the run's evaluations.
    const counts = await page.$$eval('#targets-counts .count', (els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-status'), Number(e.querySelector('b')!.textContent)])),
    );
    for (const k of ['met', 'at-risk', 'missed']) expect(counts[k], k).toBe(expected[k] ?? 0);
    const countsBox = await page.locator('#targets-counts').boundingBox();
    const listBox = await page.locator('#targets-list').boundingBox();
    expect(countsBox!.y).toBeLessThan(listBox!.y);

    // Cards (and the grid as one block) go from the riskiest to the safest.
    const risk: Record<string, number> = { missed: 0, 'at-risk': 1, 'no-data': 2, met: 3 };
    const order = await page.$$eval('#targets-list > .target, #targets-list > .target-grid', (els) =>
      els.map((e) =>
        e.classList.contains('target-grid')
          ? [...e.querySelectorAll('.target')].map((c) => c.getAttribute('data-status') ?? '')
          : [e.getAttribute('data-status') ?? ''],
      ),
    );
    const ranks = order.map((sts) => Math.min(...sts.map((s) => risk[s])));
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));

    // The per-district A/B targets: one grid, a row per district, a cell per target (no separate cards).
    const gridTargets = bundle.targets.filter(
      (td) => td.metric === 'services.onlineShare' && /^\d{6}$/.test(td.entity),
    );
    expect(gridTargets.length).toBeGreaterThan(0);
    const cells = await page.$$eval('.target-grid td.target', (els) =>
      els.map((e) => e.getAttribute('data-target-id')),
    );
    expect([...cells].sort()).toEqual(gridTargets.map((td) => td.id).sort());
    const districts = new Set(gridTargets.map((td) => td.entity));
    expect(await page.locator('.target-grid tbody tr').count()).toBe(districts.size);
    // Every target is still in the panel exactly once.
    const all = await page.$$eval('#targets-list .target', (els) => els.map((e) => e.getAttribute('data-target-id')));
    expect([...all].sort()).toEqual(bundle.targets.map((td) => td.id).sort());

    // Presentation: the panels over the globe are opaque.
    await page.click('#present-btn');
    await waitPresentStep(page, 0);
    for (const sel of ['#targets-panel', '#side-panel', '#timebar']) {
      const bg = await page.$eval(sel, (e) => getComputedStyle(e).backgroundColor);
      expect(bg, `${sel} background`).toMatch(/^rgb\(/);
    }
    await page.keyboard.press('Escape');
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  }, 240_000);
});

describe('presentation layout', () => {
  it('at 1280×720, 1600×900 and 1920×1080 no panel overlaps another and the map keeps ≥ 50 % of its column', async () => {
    const area = (r: { x: number; y: number; width: number; height: number }) => r.width * r.height;
    const overlap = (
      a: { x: number; y: number; width: number; height: number },
      b: { x: number; y: number; width: number; height: number },
    ) =>
      Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
      Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
    for (const [width, height] of [
      [1280, 720],
      [1600, 900],
      [1920, 1080],
    ]) {
      const { page, problems, context } = await guardedPage(browser!, { width, height });
      await page.goto(`${site!.url}?run=1`);
      await waitReady(page);
      await page.click('#present-btn');
      await waitPresentStep(page, 0);
      await page.keyboard.press('ArrowRight'); // the rollout step: map colours and its target's chart
      await waitPresentStep(page, 1);
      await page.waitForSelector('#chart-body canvas');
      await page.waitForTimeout(2000);
      const boxes = await page.evaluate(() =>
        Object.fromEntries(
          [
            '#targets-panel',
            '#side-panel',
            '#chart-panel',
            '#present-bar',
            '#kpi-strip',
            '#timebar',
            '#drill',
            '#globe',
          ].map((s) => {
            const e = document.querySelector(s) as HTMLElement;
            const r = e.getBoundingClientRect();
            const shown = e.checkVisibility() && r.width > 0 && r.height > 0;
            return [s, shown ? { x: r.x, y: r.y, width: r.width, height: r.height } : null];
          }),
        ),
      );
      const where = `${width}×${height}`;
      expect(boxes['#chart-panel'], `${where}: chart shown`).not.toBeNull();
      expect(boxes['#kpi-strip'], `${where}: KPI strip shown`).not.toBeNull();
      const panels = Object.entries(boxes).filter(([s, b]) => s !== '#globe' && b) as Array<
        [string, { x: number; y: number; width: number; height: number }]
      >;
      for (let i = 0; i < panels.length; i++)
        for (let j = i + 1; j < panels.length; j++)
          expect(
            overlap(panels[i][1], panels[j][1]),
            `${where}: ${panels[i][0]} overlaps ${panels[j][0]}`,
          ).toBeLessThan(4);
      // The map's column: between the targets and side panels, from the header rows (step bar and KPI strip
      // across the top) to the time bar.
      const tp = boxes['#targets-panel']!,
        sp = boxes['#side-panel']!,
        pb = boxes['#present-bar']!,
        kp = boxes['#kpi-strip']!,
        tb = boxes['#timebar']!;
      const top = Math.max(pb.y + pb.height, kp.y + kp.height);
      expect(kp.width, `${where}: KPI strip across the top`).toBeGreaterThan(0.9 * width);
      const column = {
        x: tp.x + tp.width,
        y: top,
        width: sp.x - (tp.x + tp.width),
        height: tb.y - top,
      };
      const g = boxes['#globe']!;
      const covered = panels.reduce((s, [, b]) => s + overlap(g, b), 0);
      const visible = overlap(g, column) - covered;
      expect(visible / area(column), `${where}: map's visible share of its column`).toBeGreaterThanOrEqual(0.5);
      // Everything fits the screen: no panel runs past the viewport.
      for (const [s, b] of panels) {
        expect(b.x + b.width, `${where}: ${s} right edge`).toBeLessThanOrEqual(width + 1);
        expect(b.y + b.height, `${where}: ${s} bottom edge`).toBeLessThanOrEqual(height + 1);
      }
      await page.screenshot({
        path:
          process.env.UPDATE_SCREENSHOT === '1'
            ? path.join(repoRoot, `viewer/presentation-${width}x${height}.png`)
            : path.join(tmp, `presentation-${width}x${height}.png`),
      });
      expect(problems, problems.join('\n')).toEqual([]);
      await context.close();
    }
  }, 420_000);
});
