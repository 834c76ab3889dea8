/**
 * Actual progress over the API (issue 10): import a CSV of actuals, list them, re-forecast a run on them.
 *
 * | method | path | answer |
 * | --- | --- | --- |
 * | POST | /api/actuals[?name=file.csv] | body: the CSV text (`content-type: text/csv`, UTF-8, ≤ 5 MB) → 200 `{ imported: n }`; 400 `{ error, issues: [{ line, field, message }] }` and nothing stored when any row is bad |
 * | GET | /api/actuals | every stored actual (oldest first) |
 * | GET | /api/runs/:id/reforecast?until=YYYY-MM-DD | the run re-forecast on the actuals observed up to `until` (default: the end of the plan) |
 *
 * Validation is exactly the CLI's (`twin actuals import`): the body is written to a private temporary file and
 * imported by `importActuals`, which checks every row before anything is written (one transaction). Provenance in the
 * store says `POST /api/actuals (<name>)` instead of the temporary path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ActualsError, importActuals, listActuals, MAX_ACTUALS_BYTES, PLAN_END, reforecast } from '../actuals.ts';
import type { TargetDef } from '../contract/index.ts';
import type { Store } from '../store.ts';
import { loadTargets } from '../targets.ts';
import { ApiError, apiSegments, runIdOf, sendError, sendJson, type Route } from './http.ts';

export interface ActualsRouteOptions {
  store: Store;
  /** Plan targets for the re-forecast (default: data/plan/targets.yaml, read per request like the bundle does). */
  targets?: TargetDef[];
  /** Largest CSV body accepted, in bytes (default: the CLI's file limit, 5 MB). */
  maxBytes?: number;
}

/** Content types a CSV upload may carry (browsers on Windows label .csv files application/vnd.ms-excel). */
const CSV_TYPES = /^(text\/csv|text\/plain|application\/csv|application\/vnd\.ms-excel)\b/i;

/**
 * Read a CSV request body of at most `limit` bytes as UTF-8.
 * @throws ApiError 415 (not CSV), 413 (too large), 400 (empty or not UTF-8)
 */
async function readCsvBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const type = String(req.headers['content-type'] ?? '');
  const refuse = (e: ApiError): never => {
    // Discard the rest of the body (bounded) so the answer reaches the client.
    let seen = 0;
    req.on('data', (c: Buffer) => {
      seen += c.length;
      if (seen > 4 * limit) req.destroy();
    });
    req.resume();
    throw e;
  };
  if (!CSV_TYPES.test(type))
    refuse(
      new ApiError(415, `send the CSV file as the request body with content-type: text/csv, got "${type || 'none'}"`),
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    refuse(
      new ApiError(
        413,
        `the CSV is ${declared} bytes; the limit is ${limit} bytes (split the file)`,
        {},
        { connection: 'close' },
      ),
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', resolve);
    req.on('error', reject);
  });
  if (size > limit)
    throw new ApiError(
      413,
      `the CSV is over the limit of ${limit} bytes (split the file)`,
      {},
      { connection: 'close' },
    );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ApiError(
      400,
      'the CSV is not UTF-8 text; save it as "CSV UTF-8" (Excel: Save As → CSV UTF-8) and import it again',
      {
        issues: [{ line: 0, field: '', message: 'not UTF-8' }],
      },
    );
  }
  if (!text.trim())
    throw new ApiError(400, 'the request body is empty; send the CSV text', {
      issues: [{ line: 1, field: '', message: 'empty body' }],
    });
  return text;
}

/** The upload's name for provenance: letters, digits, `._-` and CJK only, at most 100 characters. */
function uploadName(raw: string | null): string {
  const n = (raw ?? '').replace(/[^\w.\-\u4e00-\u9fff]/g, '_').slice(0, 100);
  return n || 'request body';
}

/**
 * The route for `/api/actuals` and `/api/runs/:id/reforecast`; returns false for every other path.
 * @example await serve({ store, routes: [actualsRoute({ store })] }); // POST /api/actuals with a CSV body
 */
export function actualsRoute(opts: ActualsRouteOptions): Route {
  const { store } = opts;
  const limit = opts.maxBytes ?? MAX_ACTUALS_BYTES;

  async function importCsv(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const text = await readCsvBody(req, limit);
    const name = uploadName(url.searchParams.get('name'));
    // The CLI's validator reads files: give it a private temporary one (mode 0600 in a 0700 folder).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'twin-actuals-upload-'));
    const file = path.join(dir, 'upload.csv');
    try {
      writeFileSync(file, text, { mode: 0o600 });
      let imported = 0;
      // One transaction: the import (itself all-or-nothing) and the provenance rewrite succeed or fail together.
      store.transaction(() => {
        imported = importActuals(store, file);
        store.relabelActualsFile(file, `POST /api/actuals (${name})`);
      });
      sendJson(res, 200, { imported });
    } catch (e) {
      if (e instanceof ActualsError) {
        const issues = e.issues.map(({ line, field, message }) => ({ line, field, message }));
        const rows = new Set(issues.map((i) => i.line)).size;
        throw new ApiError(
          400,
          `${name}: ${issues.length} problem(s) on ${rows} line(s); nothing was imported. Fix the lines listed in "issues" and import the whole file again.`,
          { issues },
        );
      }
      throw e;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  function untilOf(url: URL): string {
    const u = url.searchParams.get('until');
    if (u === null || u === '') return PLAN_END;
    const d = new Date(`${u}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(u) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== u) {
      throw new ApiError(400, `until must be an ISO date YYYY-MM-DD, got "${u}"`);
    }
    return u;
  }

  return async (req, res, url) => {
    if (!url.pathname.startsWith('/api/')) return false;
    try {
      const p = apiSegments(url.pathname);
      const m = req.method ?? 'GET';
      if (p[1] === 'actuals' && p.length === 2) {
        if (m === 'POST') await importCsv(req, res, url);
        else if (m === 'GET' || m === 'HEAD') sendJson(res, 200, listActuals(store));
        else
          throw new ApiError(405, `${m} is not supported on /api/actuals; GET lists the actuals, POST imports a CSV`);
        return true;
      }
      if (p[1] === 'runs' && p.length === 4 && p[3] === 'reforecast') {
        if (m !== 'GET' && m !== 'HEAD') throw new ApiError(405, `${m} is not supported on ${url.pathname}; use GET`);
        const id = runIdOf(p[2]);
        const run = store.run(id);
        if (!run) throw new ApiError(404, `no run ${id}; GET /api/runs lists the runs`);
        if (run.status !== 'done')
          throw new ApiError(409, `run ${id} is ${run.status}; a re-forecast needs a finished run`);
        const until = untilOf(url);
        sendJson(res, 200, reforecast(store, id, opts.targets ?? loadTargets(), until));
        return true;
      }
      return false;
    } catch (e) {
      sendError(res, e);
      return true;
    }
  };
}
