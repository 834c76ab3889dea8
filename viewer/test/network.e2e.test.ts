/**
 * End-to-end, issue 17 in the viewer: a small city generated here (engine/network/generate-city.ts, written as
 * .osm.pbf) is imported as a GMNS network into a temporary networks folder, a traffic scenario (static + dynamic
 * model, one year, one replication) runs on it through the real CLI, and `twin serve` shows the run in headless
 * Chromium (software GL). Checks: the viewer draws that network (the globe says which network, level and link
 * count), the roads change the pixels of the map (same camera, traffic layer on vs off, and back on gives the same
 * picture), the vehicle replay runs on it, the server sent its roads compressed, and the page made no request off
 * 127.0.0.1 and logged no console error; a static export of the run carries the network's roads.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNetworkFiles } from '../../data/networks.ts';
import type { NetworkRoads } from '../../engine/contract/index.ts';
import { generateCity } from '../../engine/network/generate-city.ts';
import { importNetwork } from '../../engine/network/import.ts';
import { guardedPage, launchBrowser, type Guarded } from './browser.ts';
import { buildViewerIfStale, canvasStats, changedFraction, repoRoot, waitReady } from './checks.ts';

const twin = path.join(repoRoot, 'engine/bin/twin.mjs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'viewer-net-e2e-'));
const nets = path.join(tmp, 'networks');
const env = { ...process.env, TWIN_NETWORKS_DIR: nets, NO_COLOR: '1' };
const db = path.join(tmp, 'tiny.sqlite');
let server: ChildProcess | null = null;
let url = '';
let browser: Browser | null = null;
let g: Guarded;
let drawable = 0;

beforeAll(async () => {
  const pbf = path.join(tmp, 'tiny.osm.pbf');
  generateCity(pbf, { spacingM: 800, bbox: [117.98, 36.76, 118.08, 36.84], motorwayEvery: 12 });
  await importNetwork(pbf, { name: 'tiny', root: nets, zones: 'grid:2km' });
  drawable = readNetworkFiles('tiny', nets).links.filter((l) => !/connector|centroid/i.test(l.linkType)).length;
  const scenario = path.join(tmp, 'tiny.yaml');
  writeFileSync(
    scenario,
    `name: tiny-net
description: the peak hour on a small imported network
period: { startYear: 2017, endYear: 2017 }
seed: 7
replications: 1
models: [traffic, traffic-dynamic]
traffic: { network: tiny }
traffic-dynamic: { traffic: { network: tiny } }
`,
  );
  const r = spawnSync(process.execPath, [twin, 'run', scenario, '--db', db, '--threads', '2'], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`twin run failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  buildViewerIfStale();
  server = spawn(process.execPath, [twin, 'serve', '--db', db, '--port', '0'], {
    cwd: repoRoot,
    env,
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
        resolve(m[1]!);
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
  rmSync(tmp, { recursive: true, force: true });
});

/** The globe's data attributes: which network is drawn, at which level of detail, how many links. */
const drawn = (page: Guarded['page']) =>
  page.$eval('#globe', (e) => ({
    network: (e as HTMLElement).dataset.network ?? '',
    level: Number((e as HTMLElement).dataset.networkLevel ?? -1),
    links: Number((e as HTMLElement).dataset.networkLinks ?? 0),
  }));

describe('a run on an imported network, in the viewer', () => {
  it('draws the network’s roads, replays vehicles on them, no console errors', async () => {
    const { page, problems } = g;
    const roadsAnswers: Array<{ encoding: string | undefined; status: number }> = [];
    page.on('response', (res) => {
      if (/\/api\/networks\/tiny\/roads$/.test(res.url()))
        roadsAnswers.push({ encoding: res.headers()['content-encoding'], status: res.status() });
    });
    await page.goto(url);
    await waitReady(page);
    await page.waitForFunction(() => document.getElementById('globe')!.dataset.network === 'tiny', null, {
      timeout: 60_000,
    });
    expect(roadsAnswers).toEqual([{ encoding: 'br', status: 200 }]);

    // The replay runs on the network and the camera flies to it: close enough for the all-roads level.
    expect(await page.isEnabled('#replay-btn')).toBe(true);
    await page.click('#replay-btn');
    await page.waitForFunction(
      () => Number(/· (\d+)/.exec(document.getElementById('replay-clock')!.textContent ?? '')?.[1] ?? 0) > 0,
      null,
      { timeout: 60_000 },
    );
    await page.waitForFunction(() => document.getElementById('globe')!.dataset.networkLevel === '2', null, {
      timeout: 60_000,
    });
    const d = await drawn(page);
    expect(d.network).toBe('tiny');
    // Every road of the network is drawn at that level; the zone connectors are not.
    expect(d.links).toBe(drawable);
    expect(drawable).toBeGreaterThan(100);
    await page.click('#replay-btn'); // stop the vehicles: from here only the layer switch changes the picture
    await page.waitForTimeout(2000);

    // Same camera: with the roads, without them (traffic layer off), and with them again.
    const withRoads = await canvasStats(page);
    const trafficBox = page.locator('input[data-layer="traffic"]');
    await trafficBox.uncheck();
    await page.waitForTimeout(1500);
    const without = await canvasStats(page);
    await trafficBox.check();
    await page.waitForTimeout(1500);
    const again = await canvasStats(page);
    expect(changedFraction(withRoads.grid, without.grid)).toBeGreaterThan(0.02);
    expect(changedFraction(withRoads.grid, again.grid)).toBeLessThan(0.002);
    expect(problems).toEqual([]);
  }, 240_000);

  it('a static export of the run carries the network’s roads', () => {
    const out = path.join(tmp, 'export');
    const r = spawnSync(process.execPath, [twin, 'export', 'latest', '--db', db, '--viewer', out], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const roads = JSON.parse(readFileSync(path.join(out, 'data', 'network-tiny.json'), 'utf8')) as NetworkRoads;
    expect(roads.name).toBe('tiny');
    expect(roads.id.length).toBe(readNetworkFiles('tiny', nets).links.length);
  }, 300_000);
});
