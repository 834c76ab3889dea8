/**
 * The local server: the built viewer as static files plus a small JSON API over the store, on 127.0.0.1.
 *
 * API (all JSON): GET /api/runs → RunSummary[]; GET /api/runs/:id/bundle → RunBundle;
 * GET /api/runs/:id/artifacts/:model/:name/:year → the artifact (JSON; binary when it is bytes);
 * GET /api/scenarios → [{ name, file }]; GET /api/targets → TargetDef[]; GET /api/health;
 * GET /api/networks/:name/roads → NetworkRoads (an imported network's links and shapes, for the map; read from
 * data/networks/NAME/ only, the name checked by data/networks.ts checkNetworkName).
 * Answers are compressed (brotli, else gzip, by Accept-Encoding; engine/compress.ts): the JSON answers here and the
 * static files (compressed once per file and cached).
 * Runs, cancel, progress (SSE), saved what-ifs, parameters, model cards and sensitivity: engine/api/routes.ts.
 * Errors are JSON `{ error }` with a message a planner can act on. Paths are checked segment by segment (no `..`,
 * no encoded slashes) in the API, and by real path containment for static files. Before any of that, every request
 * passes engine/api/guard.ts: its Host must be one of the server's names, a state change must come from the server's
 * own pages, and the method must be one the path has (OPTIONS and 405 answer with `Allow`).
 */
import { createReadStream, existsSync, realpathSync, statSync, type Stats } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createApi } from './api/routes.ts';
import { actualsRoute } from './api/actuals-routes.ts';
import { ApiError, apiSegments, drain, runIdOf, sendError, sendJson, type Route } from './api/http.ts';
import { allowedHostNames, guardRequest } from './api/guard.ts';
import type { TaskQueueOptions } from './api/tasks.ts';
import type { ScenarioDirLimits } from './api/scenario-input.ts';
import type { RunBundle, TargetDef } from './contract/index.ts';
import { ENGINE_ROOT } from './paths.ts';
import { listScenarioNames, scenarioModels } from './scenario.ts';
import type { Store } from './store.ts';
import { loadTargets } from './targets.ts';
import { listActuals, reforecast } from './actuals.ts';
import { compressedFile, compressibleType, negotiateEncoding, sendCompressed } from './compress.ts';
import { toJson } from './contract/index.ts';
import { networkRoadsJson } from './network-roads.ts';

export const VIEWER_DIST = path.join(ENGINE_ROOT, 'viewer', 'dist');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.geojson': 'application/geo+json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.glb': 'model/gltf-binary',
  '.gltf': 'model/gltf+json',
  '.ktx2': 'image/ktx2',
  '.woff2': 'font/woff2',
  '.xml': 'application/xml',
  '.bin': 'application/octet-stream',
};

/** Build the bundle of one run from the store. */
export function runBundle(store: Store, runId: number): RunBundle | undefined {
  const run = store.run(runId);
  if (!run) return undefined;
  const metrics: RunBundle['metrics'] = {};
  for (const m of scenarioModels())
    for (const mi of m.metrics ?? []) metrics[mi.id] = { unit: mi.unit, title: mi.title, model: m.id };
  const { scenarioFile: _f, scenarioJson, error: _e, ...summary } = run;
  const targets = loadTargets();
  const actuals = listActuals(store);
  const stored = JSON.parse(scenarioJson) as { scenario: RunBundle['scenario']; networks?: RunBundle['networks'] };
  return {
    run: summary,
    scenario: stored.scenario,
    // Provenance: the network each traffic model ran on (the viewer draws an imported one's roads).
    ...(stored.networks ? { networks: stored.networks } : {}),
    series: store.series(runId),
    targets,
    evaluations: store.targetEvals(runId),
    metrics,
    artifacts: store.artifactList(runId),
    actuals,
    reforecast: actuals.length && run.status === 'done' ? reforecast(store, runId, targets) : null,
  };
}

export interface ServeOptions extends TaskQueueOptions {
  store: Store;
  host?: string;
  port?: number;
  viewerDir?: string;
  routes?: Route[];
  /** Plan targets (default data/plan/targets.yaml); tests pass their own. */
  targets?: TargetDef[];
  /** Where scenarios are listed, read and saved (default scenarios/). */
  scenariosDir?: string;
  /** Host names the server answers to besides loopback names and the bound address (`twin serve --allowed-host`). */
  allowedHosts?: string[];
  /** Limits on what-ifs saved into the scenarios folder from the browser (tests pass small ones). */
  scenarioLimits?: ScenarioDirLimits;
  /** Time a client has to send its request headers, in ms (default 15 s). */
  headersTimeoutMs?: number;
  /** Time a client has to send its whole request, headers and body, in ms (default 30 s). */
  requestTimeoutMs?: number;
}

/** Default time to send the request headers, in ms (engine/api/README.md states it). */
export const HEADERS_TIMEOUT_MS = 15_000;
/** Default time to send a whole request, in ms (engine/api/README.md states it). */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Start the server; resolves when listening.
 * @example const s = await serve({ store, port: 0 }); console.log(s.url); await s.close();
 */
export async function serve(
  opts: ServeOptions,
): Promise<{ url: string; port: number; close: () => Promise<void>; server: http.Server }> {
  const host = opts.host ?? '127.0.0.1';
  const viewerDir = opts.viewerDir ?? VIEWER_DIST;
  const store = opts.store;
  // One API (and so one task queue and one engine pool) per server.
  const api = createApi({
    store,
    targets: opts.targets,
    scenariosDir: opts.scenariosDir,
    threads: opts.threads,
    maxQueued: opts.maxQueued,
    pool: opts.pool,
    executorFor: opts.executorFor,
    scenarioLimits: opts.scenarioLimits,
  });
  const hosts = allowedHostNames(host, opts.allowedHosts);
  // Actuals and re-forecast (issue 10): engine/api/actuals-routes.ts.
  const routes: Route[] = [...(opts.routes ?? []), actualsRoute({ store, targets: opts.targets }), api.route];

  const headersTimeout = opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const server = http.createServer(
    {
      // A slow sender cannot hold a socket: headers within headersTimeout, the whole request within requestTimeout
      // (answered 408 and closed). Node checks these only every connectionsCheckingInterval (30 s by default, which
      // would double the stated limit), so check every second or sooner. Responses (event streams) may last.
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    async (req, res) => {
      try {
        // Concatenate rather than resolve, so `//name` stays a path instead of becoming a host name.
        const rawUrl = req.url ?? '/';
        const url = rawUrl.startsWith('/') ? new URL(`http://localhost${rawUrl}`) : new URL(rawUrl, 'http://localhost');
        let allow: string[] | undefined;
        try {
          ({ allow } = guardRequest(req, url, hosts));
        } catch (e) {
          // The body of a refused request is never read; discard it (bounded) so the answer reaches the client.
          drain(req);
          throw e;
        }
        if (req.method === 'OPTIONS') {
          // No CORS headers: a cross-origin preflight fails, which is the point.
          res.writeHead(204, { allow: (allow ?? ['GET', 'HEAD', 'OPTIONS']).join(', '), 'cache-control': 'no-store' });
          return void res.end();
        }
        for (const r of routes) if (await r(req, res, url)) return;
        if (url.pathname.startsWith('/api/')) return await handleApi(req, res, url, store, opts.scenariosDir);
        // Raw `..` segments never reach a file (the URL parser resolves them); encoded ones are refused explicitly.
        if (/%2e%2e|%2f|%5c/i.test(rawUrl.split('?')[0]!))
          return sendJson(res, 400, { error: 'encoded dots or slashes are not allowed in paths' });
        await serveStatic(req, res, viewerDir, url.pathname);
      } catch (e) {
        sendError(res, e);
      }
    },
  );
  server.headersTimeout = headersTimeout;
  server.requestTimeout = requestTimeout;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => resolve());
  });
  const addr = server.address() as { port: number };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}/`, // IPv6 literals in brackets
    port: addr.port,
    server,
    close: async () => {
      await api.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A JSON answer, compressed when the client accepts it (the bundle of a 200-replication run is megabytes). */
function sendJsonZ(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown): Promise<void> {
  return sendJsonText(req, res, status, toJson(body));
}

function sendJsonText(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  text: string,
): Promise<void> {
  return sendCompressed(
    req,
    res,
    status,
    { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    Buffer.from(text),
  );
}

async function handleApi(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  store: Store,
  scenariosDir?: string,
): Promise<void> {
  try {
    const parts = apiSegments(url.pathname);
    // HEAD is answered like GET (Node leaves the body out). The guard already answered 405 for every path it knows,
    // so another method here means a path nobody serves.
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new ApiError(404, `no API route ${req.method} ${url.pathname}`);
    if (parts[1] === 'health' && parts.length === 2) return sendJson(res, 200, { ok: true });
    if (parts[1] === 'runs' && parts.length === 2) return await sendJsonZ(req, res, 200, store.listRuns());
    if (parts[1] === 'networks' && parts.length === 4 && parts[3] === 'roads')
      return await sendJsonText(req, res, 200, networkRoadsJson(parts[2]!));
    if (parts[1] === 'scenarios' && parts.length === 2) {
      return sendJson(
        res,
        200,
        listScenarioNames(scenariosDir).map((name) => ({ name, file: `scenarios/${name}.yaml` })),
      );
    }
    if (parts[1] === 'targets' && parts.length === 2) return await sendJsonZ(req, res, 200, loadTargets());
    if (parts[1] === 'runs' && parts.length >= 4) {
      const id = runIdOf(parts[2]);
      if (!store.run(id)) throw new ApiError(404, `no run ${id}; GET /api/runs lists the runs`);
      if (parts[3] === 'bundle' && parts.length === 4) return await sendJsonZ(req, res, 200, runBundle(store, id));
      if (parts[3] === 'artifacts' && parts.length === 7) {
        const year = Number(parts[6]);
        const a = store.artifact(id, parts[4]!, parts[5]!, year);
        if (a === undefined)
          throw new ApiError(404, `run ${id} has no artifact ${parts[4]}/${parts[5]} for ${parts[6]}`);
        if (a instanceof Uint8Array) {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
          return void res.end(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
        }
        return await sendJsonZ(req, res, 200, a);
      }
    }
    throw new ApiError(404, `no API route ${url.pathname}`);
  } catch (e) {
    sendError(res, e);
  }
}

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Zibo twin</title>
<link rel="icon" href="data:,"><style>body{font:16px system-ui;background:#0b1220;color:#dbe4f0;margin:3em}</style></head>
<body><h1>Zibo smart-city twin</h1><p>The viewer is not built yet. Results are in the store; the API is at
<a href="/api/runs" style="color:#7cc4ff">/api/runs</a>.</p></body></html>`;

async function serveStatic(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  root: string,
  pathname: string,
): Promise<void> {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return sendJson(res, 400, { error: 'malformed URL encoding' });
  }
  if (rel.includes('\0')) return sendJson(res, 400, { error: 'malformed path' });
  if (!existsSync(path.join(root, 'index.html'))) {
    if (rel === '/' || rel === '/index.html') {
      res.writeHead(200, { 'content-type': MIME['.html']! });
      return void res.end(PLACEHOLDER);
    }
    return sendJson(res, 404, { error: `not found: ${pathname}` });
  }
  const rootReal = realpathSync(root);
  let file = path.resolve(rootReal, '.' + path.posix.normalize('/' + rel));
  if (rel.endsWith('/')) file = path.join(file, 'index.html');
  if (!existsSync(file)) return sendJson(res, 404, { error: `not found: ${pathname}` });
  const real = realpathSync(file);
  // No path traversal: the resolved real path must stay inside the viewer folder.
  if (real !== rootReal && !real.startsWith(rootReal + path.sep))
    return sendJson(res, 403, { error: 'forbidden path' });
  const st = statSync(real);
  if (st.isDirectory()) return serveStatic(req, res, root, pathname.replace(/\/?$/, '/'));
  await sendFile(req, res, real, st);
}

/** A checked file of the viewer folder: compressed (cached) when the type and the client allow, else streamed. */
async function sendFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, st: Stats): Promise<void> {
  const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const compressible = compressibleType(type);
  const enc = compressible && st.size >= 1024 ? negotiateEncoding(req.headers['accept-encoding']) : null;
  const z = enc ? await compressedFile(file, st, enc) : null;
  if (enc && z) {
    res.writeHead(200, {
      'content-type': type,
      'content-encoding': enc,
      vary: 'accept-encoding',
      'content-length': z.length,
    });
    return void res.end(z);
  }
  res.writeHead(200, {
    'content-type': type,
    'content-length': st.size,
    ...(compressible ? { vary: 'accept-encoding' } : {}),
  });
  createReadStream(file).pipe(res);
}
