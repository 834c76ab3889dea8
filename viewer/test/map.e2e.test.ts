/**
 * A map that tells the story (issue 18 item 3), on the static export of two TEST FIXTURE runs (synthetic; no engine
 * needed), checked on the globe's pixels and on the colours the map layers report per district:
 * - a target whose metric progresses colours the districts differently at 2018-12, 2019-12 and 2021-12;
 * - selecting another target recolours the districts and retitles the legend;
 * - a difference map of a run against itself is all neutral; against another run, differences inside the stated
 *   neutral band are neutral and the others are not;
 * - a presentation step shows its own metric in the legend, its own card and targets, and the KPI strip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { exportViewer } from '../../engine/exports/viewer-static.ts';
import { css, DIFF_NEUTRAL, diffScale } from '../src/colours.ts';
import { fixtureBundle } from './fixtures/make-fixture.ts';
import { guardedPage, launchBrowser, serveDir } from './browser.ts';
import {
  buildViewerIfStale,
  canvasStats,
  changedFraction,
  districtColours,
  jumpToYear,
  repoRoot,
  waitPresentStep,
  waitReady,
} from './checks.ts';

let tmp = '';
let site: { url: string; close: () => Promise<void> } | null = null;
let browser: Browser | null = null;
const runs = [
  fixtureBundle(1, 'TEST FIXTURE baseline (synthetic)', 0),
  fixtureBundle(2, 'TEST FIXTURE slower (synthetic)', 6),
];

beforeAll(async () => {
  buildViewerIfStale();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'viewer-map-'));
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

const targetDef = (id: string) => runs[0].bundle.targets.find((td) => td.id === id)!;
const legendTitle = (page: Page) => page.$eval('#legend-card .legend-title', (e) => e.textContent ?? '');
const shownMetric = (page: Page) => page.$eval('#district-values', (e) => e.getAttribute('data-metric') ?? '');
const differing = (x: Record<string, string>, y: Record<string, string>) =>
  Object.keys(x).filter((k) => x[k] !== y[k]).length;

/** Selects a target in the panel, waits for the map to show it, closes the chart (so only the map is compared). */
async function selectTarget(page: Page, id: string): Promise<void> {
  await page.click(`#targets-list .target[data-target-id="${id}"]`);
  await page.waitForFunction(
    (title) => document.querySelector('#legend-card .legend-title')?.textContent?.startsWith(title),
    targetDef(id).titleZh ?? targetDef(id).title,
  );
  await page.click('#chart-close');
  await page.waitForTimeout(3000); // the camera flight to the target's scope
}

/** Share of globe pixels (160×90 grid) in the violet of "A higher": absent from the base map and the other layers. */
const violetShare = (grid: number[]) =>
  grid.filter((c) => {
    const r = (c >> 16) & 255,
      g = (c >> 8) & 255,
      b = c & 255;
    return b > r + 40 && b > g + 50;
  }).length / grid.length;

describe('map tells the story', () => {
  it('a progressing target: the districts differ at 2018-12, 2019-12 and 2021-12 (colours and pixels)', async () => {
    const { page, problems, context } = await guardedPage(browser!);
    await page.goto(`${site!.url}?run=1`);
    await waitReady(page);
    await selectTarget(page, 'extranet-3-levels');
    expect(await shownMetric(page)).toBe('extranet.liveShare');
    const at: Record<string, { css: Record<string, string>; grid: number[] }> = {};
    for (const y of [2018, 2019, 2021]) {
      await jumpToYear(page, y);
      at[y] = { css: await districtColours(page), grid: (await canvasStats(page)).grid };
      expect(Object.values(at[y].css).every((c) => c !== 'none')).toBe(true);
    }
    expect(differing(at[2018].css, at[2019].css)).toBeGreaterThanOrEqual(4);
    expect(differing(at[2019].css, at[2021].css)).toBeGreaterThanOrEqual(2);
    expect(changedFraction(at[2018].grid, at[2019].grid)).toBeGreaterThan(0.01);
    expect(changedFraction(at[2019].grid, at[2021].grid)).toBeGreaterThan(0.003);
    // The legend: title, unit, a progress scale whose last tick is the target's threshold, the "reached" colour.
    const ticks = await page.$$eval('#legend-card .legend-bar[data-scale="progress"] + .legend-ticks span', (els) =>
      els.map((e) => e.textContent ?? ''),
    );
    expect(ticks.at(-1)).toBe('100%');
    expect(await page.textContent('#legend-card .legend-reached')).toBe('已达标 (≥ 100%)');
    expect(await page.textContent('#legend-card .legend-unit')).toContain('%');
    if (process.env.UPDATE_SCREENSHOT === '1') {
      await jumpToYear(page, 2018);
      await page.screenshot({ path: path.join(repoRoot, 'viewer/map-legend.png') });
    }
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  }, 240_000);

  it('selecting a different target changes the district colours and the legend title', async () => {
    const { page, problems, context } = await guardedPage(browser!);
    await page.goto(`${site!.url}?run=1`);
    await waitReady(page);
    // Two city-wide targets (same camera view) on different district metrics, compared at the same month.
    await selectTarget(page, 'extranet-3-levels');
    await jumpToYear(page, 2019);
    const first = { title: await legendTitle(page), css: await districtColours(page), s: await canvasStats(page) };
    await selectTarget(page, 'online-city');
    expect(await shownMetric(page)).toBe('services.onlineShare');
    await jumpToYear(page, 2019);
    const second = { title: await legendTitle(page), css: await districtColours(page), s: await canvasStats(page) };
    expect(second.title).not.toBe(first.title);
    expect(second.title).toContain(targetDef('online-city').titleZh);
    expect(differing(first.css, second.css)).toBeGreaterThanOrEqual(4);
    expect(changedFraction(first.s.grid, second.s.grid)).toBeGreaterThan(0.01);
    // A metric chosen in the select wins over the target: its own title.
    await page.selectOption('#district-metric', 'extranet.liveShare');
    await page.waitForFunction(
      () => document.getElementById('district-values')?.dataset.metric === 'extranet.liveShare',
    );
    expect(await legendTitle(page)).toBe('外网节点开通率');
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  }, 240_000);

  it('difference map: A = B is all neutral; A vs B is neutral exactly inside the stated band', async () => {
    const { page, problems, context } = await guardedPage(browser!);
    const neutral = css(DIFF_NEUTRAL);
    await page.goto(`${site!.url}?run=1&compare=1`);
    await waitReady(page);
    await page.waitForSelector('#legend-card .legend-bar[data-scale="diff"]');
    for (const y of [2018, 2019]) {
      await jumpToYear(page, y);
      const same = await districtColours(page);
      expect(Object.keys(same)).toHaveLength(8);
      expect(
        Object.values(same).every((c) => c === neutral),
        JSON.stringify(same),
      ).toBe(true);
    }
    const sameGrid = (await canvasStats(page)).grid;
    expect(violetShare(sameGrid)).toBeLessThan(0.001);
    // The legend states the band: "|A−B| below 1 percentage point" is grey.
    expect(await page.textContent('#legend-card .legend-note')).toContain('1.0 百分点');

    await page.selectOption('#compare-select', '2');
    await page.waitForFunction(() => document.getElementById('run-label')?.textContent?.includes('vs #2'));
    await page.waitForTimeout(1500);
    const diffGrid = (await canvasStats(page)).grid;
    expect(violetShare(diffGrid)).toBeGreaterThan(0.02);
    // Expected from the two bundles: which districts differ by less than the band at each month.
    const { band } = diffScale([], true);
    const p50 = (k: number, code: string, ym: string) =>
      runs[k].bundle.series.find((s) => s.metric === 'extranet.liveShare' && s.entity === code && s.period === ym)!.p50;
    let inBand = 0,
      outBand = 0;
    for (const y of [2018, 2019, 2021]) {
      await jumpToYear(page, y);
      const colours = await districtColours(page);
      for (const [code, colour] of Object.entries(colours)) {
        const d = p50(0, code, `${y}-12`) - p50(1, code, `${y}-12`);
        if (Math.abs(d) <= band) {
          inBand++;
          expect(colour, `${code} ${y}-12: A−B ${d}`).toBe(neutral);
        } else {
          outBand++;
          expect(colour, `${code} ${y}-12: A−B ${d}`).not.toBe(neutral);
        }
      }
    }
    // The fixture has both kinds (a test that cannot fail is no test).
    expect(inBand).toBeGreaterThan(0);
    expect(outBand).toBeGreaterThan(0);
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  }, 240_000);

  it('presentation: each step shows its own metric in the legend, its card and targets, and the KPI strip', async () => {
    const { page, problems, context } = await guardedPage(browser!);
    await page.goto(`${site!.url}?run=1`);
    await waitReady(page);
    await page.click('#present-btn');
    await waitPresentStep(page, 0);
    // The KPI strip: the run's met / at risk / missed counts and headline figures with units.
    const bundle = runs[0].bundle;
    const counts = await page.$$eval('#kpi-strip .kpi.count', (els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-status'), Number(e.querySelector('b')!.textContent)])),
    );
    for (const st of ['met', 'at-risk', 'missed'])
      expect(counts[st], st).toBe(bundle.evaluations.filter((e) => e.status === st).length);
    expect(await page.locator('#kpi-strip .kpi.figure').count()).toBeGreaterThanOrEqual(3);

    await page.keyboard.press('ArrowRight');
    await waitPresentStep(page, 1);
    expect(await legendTitle(page)).toBe(targetDef('extranet-3-levels').titleZh);
    expect(await shownMetric(page)).toBe('extranet.liveShare');
    expect(await page.isVisible('#rollout-card')).toBe(true);
    expect(await page.isVisible('#clouds-card')).toBe(false);
    const visibleModels = () =>
      page.$$eval('#targets-list > [data-model]', (els) =>
        els.filter((e) => (e as HTMLElement).checkVisibility()).map((e) => e.getAttribute('data-model')),
      );
    expect(new Set(await visibleModels())).toEqual(new Set(['rollout']));

    await page.keyboard.press('ArrowRight');
    await waitPresentStep(page, 2);
    const clouds = bundle.targets.find((td) => td.metric === 'clouds.migratedShare')!;
    expect(await legendTitle(page)).toBe(clouds.titleZh);
    expect(await page.isVisible('#rollout-card')).toBe(false);
    expect(await page.isVisible('#clouds-card')).toBe(true);
    expect(new Set(await visibleModels())).toEqual(new Set(['clouds']));
    // A city-wide target: the districts are left uncoloured, the legend gives its value at the month.
    expect(Object.values(await districtColours(page)).every((c) => c === 'none')).toBe(true);
    expect(await page.textContent('#legend-card .legend-value')).toMatch(/\d+%/);

    await page.keyboard.press('ArrowRight');
    await waitPresentStep(page, 3);
    expect(await page.textContent('#legend-card .legend-title.roads')).toBe('路段饱和度');
    expect(new Set(await visibleModels())).toEqual(new Set(['traffic']));
    await page.keyboard.press('Escape');
    await waitPresentStep(page, -1);
    expect(problems, problems.join('\n')).toEqual([]);
    await context.close();
  }, 240_000);
});
