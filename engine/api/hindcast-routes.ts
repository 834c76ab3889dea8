/**
 * The hindcast of a run and the model cards' equation assets over the API (issue #21 item 5, #18 item 4).
 *
 * | method | path | answer |
 * | --- | --- | --- |
 * | GET | /api/runs/:id/hindcast | the run's P10–P90, inside/outside and CRPS for every stored actual, coverage and mean CRPS per model family (`HindcastResponse` of engine/contract; NaN as null); 409 when the run is not finished |
 * | GET | /api/assets/katex/:file, /api/assets/katex/fonts/:file | KaTeX's stylesheet and fonts from node_modules/katex/dist (nothing else), so model cards render equations offline |
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { HindcastResponse } from '../contract/index.ts';
import { hindcastRun } from '../hindcast.ts';
import { scenarioModels } from '../scenario.ts';
import type { Store } from '../store.ts';
import { ApiError, apiSegments, runIdOf, sendError, sendJson, type Route } from './http.ts';

/** The one folder the asset route serves from: KaTeX's distribution (CSS and fonts). */
export const KATEX_DIST = path.dirname(createRequire(import.meta.url).resolve('katex/dist/katex.min.css'));

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/**
 * The file of KaTeX's dist folder a request names, or undefined: only `katex.min.css` / `katex.css` at the top and
 * font files under `fonts/`, names of letters, digits, `_`, `-` and `.` (so nothing outside the folder can be named).
 * @example katexAsset(['katex.min.css']).endsWith('/katex/dist/katex.min.css') // => true
 * @example katexAsset(['katex.min.js']) // => undefined
 */
export function katexAsset(rest: string[]): string | undefined {
  const ok = (s: string | undefined) => s !== undefined && /^[\w.-]+$/.test(s) && !s.startsWith('.');
  let file: string | undefined;
  if (rest.length === 1 && /^katex(\.min)?\.css$/.test(rest[0]!)) file = path.join(KATEX_DIST, rest[0]!);
  else if (rest.length === 2 && rest[0] === 'fonts' && ok(rest[1]) && TYPES[path.extname(rest[1]!)])
    file = path.join(KATEX_DIST, 'fonts', rest[1]!);
  if (!file || !file.startsWith(KATEX_DIST + path.sep) || !existsSync(file) || !statSync(file).isFile())
    return undefined;
  return file;
}

/**
 * The route for `/api/runs/:id/hindcast` and `/api/assets/katex/…`; returns false for every other path.
 */
export function hindcastRoute(store: Store): Route {
  return (req, res, url) => {
    if (!url.pathname.startsWith('/api/runs/') && !url.pathname.startsWith('/api/assets/')) return false;
    try {
      const p = apiSegments(url.pathname);
      const m = req.method ?? 'GET';
      const isHindcast = p[1] === 'runs' && p.length === 4 && p[3] === 'hindcast';
      const isAsset = p[1] === 'assets' && p[2] === 'katex';
      if (!isHindcast && !isAsset) return false;
      if (m !== 'GET' && m !== 'HEAD') throw new ApiError(405, `${m} is not supported on ${url.pathname}; use GET`);
      if (isHindcast) {
        const id = runIdOf(p[2]);
        const run = store.run(id);
        if (!run) throw new ApiError(404, `no run ${id}; GET /api/runs lists the runs`);
        if (run.status !== 'done')
          throw new ApiError(409, `run ${id} is ${run.status}; a hindcast needs a finished run`);
        const h = hindcastRun(store, id);
        const catalogue = new Map(scenarioModels().flatMap((x) => (x.metrics ?? []).map((mi) => [mi.id, mi.unit])));
        const units = Object.fromEntries(h.rows.map((r) => [r.metric, catalogue.get(r.metric) ?? '']));
        const body: HindcastResponse = { ...h, units };
        sendJson(res, 200, body);
        return true;
      }
      const file = katexAsset(p.slice(3));
      if (!file)
        throw new ApiError(404, `no KaTeX asset "${p.slice(3).join('/')}" (only katex.min.css and fonts/* are served)`);
      // KaTeX's files change only with its version: let the browser keep them for a day.
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)]!, 'cache-control': 'public, max-age=86400' });
      res.end(m === 'HEAD' ? undefined : readFileSync(file));
      return true;
    } catch (e) {
      sendError(res, e);
      return true;
    }
  };
}
