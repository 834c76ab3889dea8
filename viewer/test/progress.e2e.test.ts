/**
 * Progress tracking end-to-end (issue 10): a REAL run (the baseline with only the rollout model, 30 replications,
 * submitted to the server as an edited scenario, so nothing is written to scenarios/), served by `serve()` with the
 * built viewer, opened in headless Chromium. Through the viewer's "Import actuals" control a CSV is imported;
 * then the extranet-town target turns "behind", the targets get P(met) before → after the re-forecast with the
 * few-effective-replications warning, the target's chart draws the actual points (magenta pixels on the uPlot
 * canvas, none before), and the presentation step "progress since the last meeting" lists what moved between the
 * last two actual dates. Same guards as e2e.test.ts: no request outside 127.0.0.1, no console error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { postJson, readSse } from '../../engine/api/test-client.ts';
import { runBundle, serve } from '../../engine/server.ts';
import { exportViewer } from '../../engine/exports/viewer-static.ts';
import { openStore, type Store } from '../../engine/store.ts';
import { tmpDir } from '../../engine/test/helpers.ts';
import { guardedPage, launchBrowser, serveDir, type Guarded } from './browser.ts';
import { buildViewerIfStale, waitPresentStep, waitReady } from './checks.ts';

const CSV = `metric,scope,date,value,unit,source,note,bound
extranet.liveShare,level:town,2018-03-31,0.02,share,E2E test (not a real figure),,=
extranet.liveShare,level:town,2018-06-30,0.05,share,E2E test (not a real figure),"at most 5 %",<=
services.onlineShare,370303,2018-06-30,0.70,share,E2E test (not a real figure),,=
`;

let store: Store;
let srv: Awaited<ReturnType<typeof serve>>;
let browser: Browser | null = null;
let g: Guarded;
let runId = 0;
const dirs: string[] = [];

beforeAll(async () => {
  buildViewerIfStale();
  dirs.push(tmpDir('viewer-progress-'));
  store = openStore(path.join(dirs[0]!, 'twin.sqlite'));
  srv = await serve({ store, port: 0, threads: 2 });
  const r = await postJson(srv.port, '/api/runs', {
    scenario: { extends: 'baseline', models: ['rollout'] },
    replications: 30,
  });
  expect(r.status, r.text).toBe(202);
  runId = r.json.id;
  const evs = await readSse(srv.port, `/api/runs/${runId}/events`);
  expect(evs.at(-1)?.data.state).toBe('done');
  browser = await launchBrowser();
  g = await guardedPage(browser);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  store?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Pixels of the actual points' colour (#ff4fd8) on the open chart's canvas. */
function actualPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('#chart-body canvas');
    if (!c) return -1;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 220 && d[i + 1] > 50 && d[i + 1] < 120 && d[i + 2] > 180) n++;
    return n;
  });
}
const status = (page: Page, id: string) =>
  page.getAttribute(`.target[data-target-id="${id}"] .progress`, 'data-status');

describe('progress tracking in the viewer', () => {
  it('imports actuals through the viewer: actual points on the chart, changed target status, re-forecast, progress view', async () => {
    const { page, problems } = g;
    await page.goto(`${srv.url}?lang=en`);
    await waitReady(page);

    // Before: no actuals, no points.
    expect(await status(page, 'extranet-town')).toBe('none');
    expect(await page.isVisible('#actuals-import-btn')).toBe(true);
    await page.click('.target[data-target-id="extranet-town"]');
    await page.waitForSelector('#chart-body canvas');
    await page.waitForTimeout(500);
    expect(await actualPixels(page)).toBe(0);

    // A file with a bad row is refused as a whole: the lines are listed, nothing changes.
    const bad = CSV + 'extranet.liveShare,level:twn,2018-06-30,85,share,E2E test,,=\n';
    await page.setInputFiles('#actuals-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.waitForSelector('#actuals-issues:not([hidden])');
    const issues = await page.textContent('#actuals-issues');
    expect(issues).toMatch(/nothing was stored/i);
    expect(issues).toMatch(/line 5\s*scope\s*unknown scope "level:twn"/);
    expect(issues).toMatch(/line 5\s*value.*write 0\.85, not 85/);
    expect(await status(page, 'extranet-town')).toBe('none');
    await page.click('#actuals-issues-close');
    // Chromium logs the refused request (HTTP 400) as a console error: that one is expected, nothing else.
    const refused = problems.filter((p) => /status of 400/.test(p) && /api\/actuals/.test(p));
    expect(refused).toHaveLength(1);
    problems.splice(problems.indexOf(refused[0]!), 1);

    // Import through the control (the hidden file input behind the button).
    await page.setInputFiles('#actuals-file', {
      name: 'progress-e2e.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    await page.waitForSelector('.target[data-target-id="extranet-town"] .progress[data-status="behind"]', {
      timeout: 30_000,
    });
    const line = await page.textContent('.target[data-target-id="extranet-town"] .progress');
    expect(line).toMatch(/2018-06-30: ≤ 5%.*band \d+%–\d+% → behind/);
    // A target without its own actual keeps "no actuals yet"; P(met) before → after on the targets.
    expect(await status(page, 'extranet-county')).toBe('none');
    expect(await page.textContent('.target[data-target-id="extranet-county"] .progress')).toMatch(/no actuals yet/);
    const moved = await page.$$eval(
      '.target .reforecast',
      (els) => els.filter((e) => e.getAttribute('data-p-met') !== e.getAttribute('data-p-met-prior')).length,
    );
    expect(moved).toBeGreaterThan(0);
    // 30 replications and far-off actuals: the warning is shown, not hidden.
    expect(await page.textContent('#progress-summary')).toMatch(/effective replications of 30.*unreliable/s);

    // The open chart was redrawn with the actual points (an observed value and a bound with its arrow).
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#chart-body .u-legend .u-label')].some((e) =>
        /actual \(stated bound\)/.test(e.textContent ?? ''),
      ),
    );
    await page.waitForTimeout(300);
    expect(await actualPixels(page)).toBeGreaterThan(40);
    const legend = await page.$$eval('#chart-body .u-legend .u-label', (els) => els.map((e) => e.textContent));
    expect(legend).toEqual(
      expect.arrayContaining(['actual', 'actual (stated bound)', 're-forecast P10', 're-forecast P90']),
    );

    // Presentation: the "progress since the last meeting" step (between the last two actual dates).
    await page.click('#present-btn');
    await waitPresentStep(page, 0);
    for (let i = 1; i <= 5; i++) {
      await page.keyboard.press('ArrowRight');
      await waitPresentStep(page, i);
    }
    expect(await page.textContent('#present-title')).toBe('Progress since the last meeting');
    expect(await page.isVisible('#progress-panel')).toBe(true);
    expect(await page.inputValue('#progress-from')).toBe('2018-03-31');
    expect(await page.inputValue('#progress-to')).toBe('2018-06-30');
    const rows = await page.$$eval('#progress-moved tr[data-metric]', (trs) =>
      trs.map((tr) => `${tr.getAttribute('data-metric')}|${tr.getAttribute('data-entity')}`),
    );
    expect(rows.sort()).toEqual(['extranet.liveShare|level:town', 'services.onlineShare|370303']);
    // In March the projection had no town live yet (band 0–0 %), so 2 % was ahead; "at most 5 %" in June is behind.
    expect(await page.textContent('#progress-moved tr[data-entity="level:town"]')).toMatch(
      /2% 2018-03-31\s*≤ 5% 2018-06-30\s*ahead → behind/,
    );
    // Targets' P(met) between the two dates, from the server's re-forecast by date.
    await page.waitForSelector('#progress-targets tr[data-target-id="online-370303-100"]');
    // Choosing other dates recomputes: nothing was reported in 2019.
    await page.fill('#progress-from', '2019-01-01');
    await page.fill('#progress-to', '2019-12-31');
    await page.dispatchEvent('#progress-to', 'change');
    await page.waitForFunction(() =>
      /No actuals were reported/.test(document.getElementById('progress-panel')!.textContent ?? ''),
    );
    await page.keyboard.press('ArrowRight');
    await waitPresentStep(page, 6);
    expect(await page.isVisible('#progress-panel')).toBe(false);
    await page.keyboard.press('Escape');

    expect(problems, problems.join('\n')).toEqual([]);
  }, 120_000);

  it('a static export of the run carries the actuals: statuses and points shown, no import control', async () => {
    const out = tmpDir('viewer-progress-export-');
    dirs.push(out);
    const bundle = runBundle(store, runId)!;
    expect(bundle.actuals).toHaveLength(3);
    exportViewer(out, [bundle], (b, ref) => store.artifact(b.run.id, ref.model, ref.name, ref.year));
    const files = await serveDir(out);
    const sg = await guardedPage(browser!);
    try {
      await sg.page.goto(`${files.url}?lang=en`);
      await waitReady(sg.page);
      expect(await sg.page.$('#actuals-import-btn')).toBeNull();
      expect(await sg.page.isVisible('#progress-btn')).toBe(true);
      expect(await status(sg.page, 'extranet-town')).toBe('behind');
      await sg.page.click('.target[data-target-id="extranet-town"]');
      await sg.page.waitForSelector('#chart-body canvas');
      await sg.page.waitForTimeout(500);
      expect(await actualPixels(sg.page)).toBeGreaterThan(40);
      // The progress view works from the bundle alone; P(met) by date needs the server, which it says.
      await sg.page.click('#progress-btn');
      await sg.page.waitForSelector('#progress-moved tr[data-entity="level:town"]');
      await sg.page.waitForFunction(() =>
        /needs the server/.test(document.getElementById('progress-targets')?.textContent ?? ''),
      );
      expect(sg.requests.some((u) => u.includes('/api/'))).toBe(false);
      expect(sg.problems, sg.problems.join('\n')).toEqual([]);
    } finally {
      await sg.context.close();
      await files.close();
    }
  }, 60_000);
});
