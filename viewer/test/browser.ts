/**
 * Headless Chromium for the viewer tests and the bench (Debian `chromium` + playwright-core; never
 * `playwright install`). Recipe: ../shared/research/viewer.md §3. Software GL: Mesa llvmpipe through ANGLE
 * (`--use-angle=gl-egl`), SwiftShader as the fallback (`VIEWER_GL=swiftshader`).
 * Every page gets guards: a request to anything but 127.0.0.1 (or data:/blob:) and any console error or
 * uncaught exception is recorded in `problems`, which the tests assert empty.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium flags: software GL plus no background traffic; a refusing loopback proxy catches browser-level calls. @example chromium.launch({ args: chromiumArgs() }) */
export function chromiumArgs(): string[] {
  const gl =
    process.env.VIEWER_GL === 'swiftshader'
      ? ['--use-angle=swiftshader', '--enable-unsafe-swiftshader']
      : ['--use-angle=gl-egl', '--ignore-gpu-blocklist', '--enable-unsafe-swiftshader'];
  return [
    ...gl,
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--proxy-server=http://127.0.0.1:9',
    '--disable-features=Translate,OptimizationHints,MediaRouter',
  ];
}

/** @example const browser = await launchBrowser(); */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: install Debian chromium (apt-get install -y chromium libgl1-mesa-dri libegl-mesa0) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs() });
}

export interface Guarded {
  context: BrowserContext;
  page: Page;
  problems: string[];
  requests: string[];
}

/** A 1280×720 page whose off-host requests and console errors are recorded. @example const { page, problems } = await guardedPage(browser); */
export async function guardedPage(browser: Browser, viewport = { width: 1280, height: 720 }): Promise<Guarded> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('request', (req) => {
    const u = req.url();
    requests.push(u);
    if (u.startsWith('data:') || u.startsWith('blob:')) return;
    try {
      const host = new URL(u).hostname;
      if (host !== '127.0.0.1') problems.push(`off-host request: ${u}`);
    } catch {
      problems.push(`unparsable request URL: ${u}`);
    }
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (!req.url().startsWith('blob:')) problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  return { context, page, problems, requests };
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.xml': 'application/xml',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/**
 * A plain static file server on 127.0.0.1 (what a laptop at a meeting would use for a static export).
 * @example const s = await serveDir('/tmp/export'); await page.goto(s.url); await s.close();
 */
export async function serveDir(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = path.join(root, p);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
