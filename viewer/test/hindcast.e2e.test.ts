/**
 * Hindcast and model cards in the Expert review (issues #21 item 5 and #18 item 4), end to end: a REAL run (the
 * baseline with only the rollout model, 10 replications, submitted over the API) with the shipped seed facts as
 * actuals, served by `serve()` with the built viewer, opened in headless Chromium.
 * - the review panel shows the hindcast: one row per matched actual with inside/outside as the engine computes it,
 *   and the family line with coverage and mean CRPS and the counts behind them, in English and in zh-CN;
 * - the zh-CN model card (served by the API, equations typeset by KaTeX with its fonts served from the project) has no
 *   Latin word outside an allow-list (units, codes, proper names); equations, code and the README quoted in English
 *   (marked lang="en") are not part of the scan.
 * Same guards as the other end-to-end tests: no request outside 127.0.0.1, no console error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { importActuals } from '../../engine/actuals.ts';
import { postJson, readSse } from '../../engine/api/test-client.ts';
import { fmtShare } from '../../engine/contract/index.ts';
import { hindcastRun } from '../../engine/hindcast.ts';
import { ENGINE_ROOT } from '../../engine/paths.ts';
import { serve } from '../../engine/server.ts';
import { openStore, type Store } from '../../engine/store.ts';
import { tmpDir } from '../../engine/test/helpers.ts';
import { guardedPage, launchBrowser, type Guarded } from './browser.ts';
import { buildViewerIfStale, waitReady } from './checks.ts';

let store: Store;
let srv: Awaited<ReturnType<typeof serve>>;
let browser: Browser | null = null;
let g: Guarded;
let runId = 0;
const dirs: string[] = [];

beforeAll(async () => {
  buildViewerIfStale();
  dirs.push(tmpDir('viewer-hindcast-'));
  store = openStore(path.join(dirs[0]!, 'twin.sqlite'));
  srv = await serve({ store, port: 0, threads: 2 });
  const r = await postJson(srv.port, '/api/runs', {
    scenario: { extends: 'baseline', models: ['rollout'] },
    replications: 10,
  });
  expect(r.status, r.text).toBe(202);
  runId = r.json.id;
  const evs = await readSse(srv.port, `/api/runs/${runId}/events`);
  expect(evs.at(-1)?.data.state).toBe('done');
  importActuals(store, path.join(ENGINE_ROOT, 'data', 'actuals', 'seed-facts.csv'));
  browser = await launchBrowser();
  g = await guardedPage(browser);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  store?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function openReview(page: Page, lang: 'en' | 'zh-CN'): Promise<void> {
  await page.goto(`${srv.url}?run=${runId}&lang=${lang}`);
  await waitReady(page);
  await page.click('#review-btn');
  await page.waitForSelector('#hc-box .hc-family[data-model="rollout"]', { timeout: 60_000 });
}

describe('hindcast in the Expert review', () => {
  it('shows a row per actual (inside/outside as computed), coverage and mean CRPS with their counts', async () => {
    const { page, problems } = g;
    const h = hindcastRun(store, runId);
    const f = h.families.find((x) => x.model === 'rollout')!;
    expect(f.nValues).toBeGreaterThan(0);

    await openReview(page, 'en');
    const inside = await page.$$eval('#hc-box .hc-row', (rs) => rs.map((r) => (r as HTMLElement).dataset.inside));
    expect(inside).toEqual(h.rows.filter((r) => r.inside !== null).map((r) => String(r.inside)));
    const coverage = await page.textContent('#hc-box .hc-family[data-model="rollout"] .hc-coverage');
    expect(coverage).toBe(`${fmtShare(f.coverage)} (n = ${f.nValues})`);
    const crps = await page.textContent('#hc-box .hc-family[data-model="rollout"] .hc-crps');
    expect(crps).toMatch(new RegExp(`\\(n = ${f.nValues}\\)$`));
    expect(crps).not.toMatch(/^—/);
    expect(await page.textContent('#hc-box h3')).toBe('Hindcast: projection bands against the actuals');

    await openReview(page, 'zh-CN');
    expect(await page.textContent('#hc-box h3')).toBe('回测：预测区间与实际值');
    expect(await page.textContent('#hc-box .hc-family[data-model="rollout"] .hc-coverage')).toBe(
      `${fmtShare(f.coverage)}（${f.nValues} 条）`,
    );
    expect(await page.textContent('#hc-box .hc-family[data-model="rollout"] td')).toBe('电子政务建设进度');
    // The model card links follow the page's language.
    expect(await page.getAttribute('a.wi-card[data-model="rollout"]', 'href')).toBe(
      `api/models/rollout/card?run=${runId}&lang=zh-CN`,
    );
    expect(problems, problems.join('\n')).toEqual([]);
  }, 120_000);
});

/**
 * Latin words allowed on the zh-CN model card: units, codes and abbreviations used as such in Chinese technical
 * documents, and proper names (methods and authors). Everything else fails.
 */
const LATIN_ALLOWED = new Set([
  // units and codes
  'kWh',
  'MWh',
  'GWh',
  'km',
  'h',
  'min',
  'kg',
  'mm',
  'ms',
  's',
  'W',
  'Mbit',
  'ppm',
  'UTC',
  'P10',
  'P50',
  'P90',
  'A',
  'B',
  'AB',
  'CPU',
  'vCPU',
  'RAM',
  'GB',
  'PUE',
  'OD',
  'CO2',
  'CO',
  'IoT',
  'README',
  'YAML',
  'ID',
  // symbols of the Bass diffusion's coefficients (innovation p, imitation q), as written in the literature
  'p',
  'q',
  // proper names: methods, models, libraries
  'KaTeX',
  'Beta',
  'PERT',
  'Bass',
  'BPR',
  'Beckmann',
  'Webster',
  'Erlang',
  'Frank',
  'Wolfe',
  'SIMPLE',
  'Algorithm',
  'Dial',
  'Sioux',
  'Falls',
  'TNTP',
  'GMNS',
  'SUMO',
]);

/** Visible text of the card outside equations (.katex), code and text quoted in English ([lang="en"]). */
function cardText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || ['SCRIPT', 'STYLE'].includes(el.tagName)) continue;
      if (el.closest('.katex, code, pre, [lang="en"]')) continue;
      parts.push(n.textContent ?? '');
    }
    return parts.join('\n');
  });
}

describe('model cards in zh-CN', () => {
  it('the rendered zh-CN cards have no Latin word outside the allow-list; equations typeset with KaTeX fonts', async () => {
    const { page, problems } = g;
    const found: string[] = [];
    for (const model of ['traffic', 'rollout', 'clouds', 'greenhouse', 'traffic-dynamic']) {
      await page.goto(`${srv.url}api/models/${model}/card?run=${runId}`);
      await page.waitForLoadState('networkidle');
      // KaTeX's stylesheet applied (its fonts, served by the twin, not a CDN) and every equation typeset.
      expect(await page.locator('.eq .katex').count(), model).toBeGreaterThan(0);
      expect(await page.locator('.katex-error').count(), model).toBe(0);
      const family = await page.$eval('.eq .katex', (e) => getComputedStyle(e).fontFamily);
      expect(family, model).toMatch(/KaTeX_Main/);
      expect(await page.evaluate(() => document.fonts.check('16px KaTeX_Main')), model).toBe(true);
      // °C is a unit; 1e-10 is a number.
      const text = (await cardText(page)).replace(/°C/g, ' ').replace(/\d(\.\d+)?e[-+]?\d+/g, ' ');
      for (const m of text.matchAll(/[A-Za-z][A-Za-z0-9_]*/g)) {
        if (LATIN_ALLOWED.has(m[0])) continue;
        const i = m.index ?? 0;
        found.push(
          `${model}: ${m[0]}  «${text.slice(Math.max(0, i - 15), i + m[0].length + 15).replace(/\s+/g, ' ')}»`,
        );
      }
    }
    expect(found, found.join('\n')).toEqual([]);
    expect(problems, problems.join('\n')).toEqual([]);
  }, 120_000);
});
