/**
 * The read-write part of the JSON API (the read-only routes live in engine/server.ts):
 *
 * | method | path | answer |
 * | --- | --- | --- |
 * | POST | /api/runs | `{ scenario: "name" }` or `{ scenario: {...} }` / `{ yaml: "..." }`, optional `replications`, `seed` → 202 `{ id, state, position, links }`; 400 with `issues`; 429 + Retry-After when the queue is full |
 * | GET | /api/runs/:id | the run summary with `live` state, progress, job counts, error |
 * | GET | /api/runs/:id/events | Server-Sent Events: `state` and `progress`; the stream ends after a final state |
 * | DELETE, POST | /api/runs/:id, /api/runs/:id/cancel | cancel a queued or running run → 202; 409 when already finished |
 * | GET | /api/runs/:id/targets | target definitions joined with this run's evaluations |
 * | GET | /api/runs/:id/series?metric=&entity=&model= | aggregated rows |
 * | GET | /api/runs/:id/report.html?compare=ID&lang=en | the printable report |
 * | GET | /api/runs/:id/hindcast | the hindcast on the stored actuals (engine/api/hindcast-routes.ts) |
 * | GET | /api/queue | running and waiting tasks, limits |
 * | GET | /api/params | every model's parameters: default, range, unit and source text |
 * | GET | /api/scenarios/:name | the stored YAML and its normalised form |
 * | POST | /api/scenarios | `{ name, scenario | yaml }` → 201; validated; no overwrite, never the baseline |
 * | GET | /api/models | models with metrics; `/api/models/:id/card?run=ID&lang=en` the model card (HTML, zh-CN by default; `&format=json`) |
 * | POST | /api/sensitivity | `{ target, params?, delta?, replications?, scenario? }` → 202; GET /api/sensitivity/:id, /events |
 * | GET, POST | /api/studies, /api/studies/levers, /api/studies/:id[/events\|/cancel] | stored studies; start and follow an optimise study (engine/api/studies.ts) |
 */
import type http from 'node:http';
import type { Lang, TargetDef } from '../contract/index.ts';
import { modelCard, modelCardHtml } from '../report/modelcard.ts';
import { reportHtml } from '../report/report.ts';
import { createRunRecord, resumeRun } from '../run.ts';
import { scenarioModels, SCENARIOS_DIR, type LoadedScenario } from '../scenario.ts';
import type { Store } from '../store.ts';
import { loadTargets } from '../targets.ts';
import { ApiError, apiSegments, objectBody, readJson, runIdOf, sendError, sendJson, type Route } from './http.ts';
import { hindcastRoute } from './hindcast-routes.ts';
import { paramCatalogue } from './params.ts';
import {
  loadScenarioInput,
  saveScenario,
  scenarioSource,
  type ScenarioDirLimits,
  type ScenarioInput,
} from './scenario-input.ts';
import { planSensitivity, runSensitivity, type SensitivityRequest } from './sensitivity.ts';
import { studyRoutes } from './studies.ts';
import { TaskQueue, type TaskEvent, type TaskKind, type TaskQueueOptions } from './tasks.ts';

export interface ApiOptions extends TaskQueueOptions {
  store: Store;
  /** Plan targets (default: data/plan/targets.yaml). */
  targets?: TargetDef[];
  /** Where scenarios are read and saved (default: scenarios/). */
  scenariosDir?: string;
  /** Open event streams allowed at once. */
  maxStreams?: number;
  /** Limits on what-ifs saved into the scenarios folder. */
  scenarioLimits?: ScenarioDirLimits;
}

export interface Api {
  route: Route;
  queue: TaskQueue;
  close(): Promise<void>;
}

/** Create a run record for a scenario, ready to be executed later by `resumeRun` (so a queued run has its id at once). */
function createQueuedRun(
  l: LoadedScenario,
  store: Store,
  threads: number,
  o: { replications?: number; seed?: number; edited: boolean },
): number {
  // An edited scenario lived in a temporary file only.
  return createRunRecord(l, store, threads, {
    replications: o.replications,
    seed: o.seed,
    scenarioFile: o.edited ? 'request body' : undefined,
  });
}

/** `?lang=zh-CN|en` of a card or report (zh-CN when absent). */
function langOf(url: URL): Lang {
  const l = url.searchParams.get('lang');
  if (l === null || l === '' || l === 'zh-CN' || l === 'en') return l === 'en' ? 'en' : 'zh-CN';
  throw new ApiError(400, `lang must be zh-CN or en, got "${l.slice(0, 20)}"`);
}

function intField(b: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new ApiError(400, `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

function scenarioInputOf(b: Record<string, unknown>): ScenarioInput {
  const s = b.scenario;
  if (typeof s === 'string') return { name: s };
  if (s && typeof s === 'object' && !Array.isArray(s)) return { scenario: s as Record<string, unknown> };
  if (typeof b.yaml === 'string') return { yaml: b.yaml };
  if (s !== undefined)
    throw new ApiError(
      400,
      `"scenario" must be a scenario name or a scenario object, got ${JSON.stringify(s).slice(0, 40)}`,
    );
  throw new ApiError(
    400,
    'say which scenario: { "scenario": "baseline" } for a stored one, or an edited one as { "scenario": { "extends": "baseline", ... } } or { "yaml": "..." }',
  );
}

/**
 * Build the API routes over a store, with one task queue (and one pool) for everything submitted.
 * @example const api = createApi({ store }); await serve({ store, routes: [api.route] }); ... await api.close();
 */
export function createApi(opts: ApiOptions): Api {
  const store = opts.store;
  const targets = opts.targets ?? loadTargets();
  const dir = opts.scenariosDir ?? SCENARIOS_DIR;
  const queue = new TaskQueue(opts);
  const maxStreams = opts.maxStreams ?? 64;
  let streams = 0;
  let sensSeq = 0;
  const studies = studyRoutes({ store, targets, dir, queue });

  const live = (kind: TaskKind, id: number) => {
    const t = queue.get(kind, id);
    return t
      ? {
          state: t.state,
          position: queue.position(kind, id),
          progress: t.progress,
          ...(t.error ? { error: t.error } : {}),
        }
      : null;
  };

  const runOr404 = (id: number) => {
    const r = store.run(id);
    if (!r) throw new ApiError(404, `no run ${id}; GET /api/runs lists the runs`);
    return r;
  };

  async function submitRun(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const b = objectBody(await readJson(req));
    const replications = intField(b, 'replications', 1, 10000);
    const seed = intField(b, 'seed', 0, 4294967295);
    const input = scenarioInputOf(b);
    const l = loadScenarioInput(input, dir);
    queue.assertCapacity();
    const id = createQueuedRun(l, store, queue.threads, { replications, seed, edited: input.name === undefined });
    const { position } = queue.submit({
      kind: 'run',
      id,
      state: 'queued',
      label: l.scenario.name,
      progress: null,
      submittedAt: new Date().toISOString(),
      onDropped: () => store.setRunStatus(id, 'cancelled', 'cancelled before it started'),
      exec: async ({ pool, signal, onProgress }) => {
        const out = await resumeRun(id, store, pool, { signal, onProgress, targets });
        return { status: out.status, error: out.error };
      },
    });
    sendJson(res, 202, {
      id,
      state: 'queued',
      position,
      scenarioName: l.scenario.name,
      scenarioHash: l.hash,
      links: {
        self: `api/runs/${id}`,
        events: `api/runs/${id}/events`,
        bundle: `api/runs/${id}/bundle`,
        cancel: `api/runs/${id}/cancel`,
      },
    });
  }

  function cancel(res: http.ServerResponse, kind: TaskKind, id: number, state: () => string | undefined): true {
    if (queue.cancel(kind, id)) {
      sendJson(res, 202, { id, state: queue.get(kind, id)!.state === 'cancelled' ? 'cancelled' : 'cancelling' });
      return true;
    }
    const s = state();
    if (s === 'running' && kind === 'study')
      throw new ApiError(
        409,
        `study ${id} is marked running but is not running in this server (it was started elsewhere or the server restarted); start it again`,
      );
    if (s === 'running')
      throw new ApiError(
        409,
        `run ${id} is marked running but is not running in this server (it was started elsewhere or the server restarted); continue it with \`twin run --resume ${id}\``,
      );
    throw new ApiError(409, `${kind} ${id} already finished (${s}); nothing to cancel`);
  }

  function stream(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    kind: TaskKind,
    id: number,
    finalState: () => Record<string, unknown>,
  ): true {
    if (streams >= maxStreams)
      throw new ApiError(
        429,
        `too many open progress streams (${maxStreams}); close other tabs and retry`,
        {},
        { 'retry-after': '5' },
      );
    const head = {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    };
    // HEAD gets the stream's headers only; holding it open would tie a socket to a run for nothing.
    if (req.method === 'HEAD') {
      res.writeHead(200, head);
      res.end();
      return true;
    }
    streams++;
    res.writeHead(200, head);
    res.write('retry: 3000\n\n');
    let closed = false;
    const finish = () => {
      if (closed) return;
      closed = true;
      streams--;
      clearInterval(beat);
      unsubscribe();
      res.end();
    };
    const send = (e: TaskEvent) => {
      if (closed) return;
      res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
      if (e.event === 'state' && ['done', 'failed', 'cancelled'].includes(String(e.data.state))) setImmediate(finish);
    };
    const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    beat.unref();
    let unsubscribe: () => void = () => {};
    req.on('close', finish);
    if (queue.get(kind, id)) unsubscribe = queue.subscribe(kind, id, send);
    else send({ event: 'state', data: finalState() });
    return true;
  }

  const hindcastAndAssets = hindcastRoute(store);
  const route: Route = async (req, res, url) => {
    if (!url.pathname.startsWith('/api/')) return false;
    // GET /api/runs/:id/hindcast and the model cards' KaTeX assets (engine/api/hindcast-routes.ts).
    if (await hindcastAndAssets(req, res, url)) return true;
    try {
      const p = apiSegments(url.pathname);
      // HEAD is answered like GET; Node leaves the body out.
      const m = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
      const [, a, b, c] = p;
      /** Answer JSON and mark the request handled. */
      const reply = (status: number, body: unknown): true => {
        sendJson(res, status, body);
        return true;
      };

      if (a === 'runs' && p.length === 2) {
        if (m === 'POST') {
          await submitRun(req, res);
          return true;
        }
        if (m === 'GET') {
          const list = store.listRuns().map((r) => ({ ...r, live: live('run', r.id) }));
          return reply(200, list);
        }
        throw new ApiError(405, `${m} is not supported on /api/runs; use GET to list or POST to start a run`);
      }
      if (a === 'runs' && p.length >= 3) {
        const id = runIdOf(b);
        const run = runOr404(id);
        if (p.length === 3) {
          if (m === 'DELETE') return cancel(res, 'run', id, () => store.run(id)?.status);
          if (m !== 'GET') throw new ApiError(405, `${m} is not supported on ${url.pathname}; DELETE cancels the run`);
          const { scenarioJson: _j, ...summary } = run;
          return reply(200, { ...summary, live: live('run', id), jobs: store.jobCounts(id) });
        }
        if (c === 'cancel' && p.length === 4) {
          if (m !== 'POST') throw new ApiError(405, 'POST /api/runs/:id/cancel cancels a run');
          return cancel(res, 'run', id, () => store.run(id)?.status);
        }
        if (m !== 'GET') return false;
        if (c === 'events' && p.length === 4) {
          return stream(req, res, 'run', id, () => {
            const r = store.run(id)!;
            return { kind: 'run', id, state: r.status, ...(r.error ? { error: r.error } : {}) };
          });
        }
        if (c === 'targets' && p.length === 4) {
          const evals = new Map(store.targetEvals(id).map((e) => [e.targetId, e]));
          return reply(200, {
            run: id,
            status: run.status,
            targets: targets.map((t) => ({ ...t, evaluation: evals.get(t.id) ?? null })),
          });
        }
        if (c === 'series' && p.length === 4) {
          const f = {
            model: url.searchParams.get('model') ?? undefined,
            metric: url.searchParams.get('metric') ?? undefined,
            entity: url.searchParams.get('entity') ?? undefined,
          };
          return reply(200, store.series(id, f));
        }
        if (c === 'report.html' && p.length === 4) {
          const cmp = url.searchParams.get('compare');
          const compare = cmp ? runIdOf(cmp) : undefined;
          if (compare !== undefined) runOr404(compare);
          const html = reportHtml(store, id, { compare, targets, lang: langOf(url) });
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          res.end(html);
          return true;
        }
        return false;
      }
      if (a === 'studies')
        return await studies.handle(req, url, p, m, {
          reply,
          stream: (fin) => stream(req, res, 'study', runIdOf(b), fin),
          cancel: (state) => cancel(res, 'study', runIdOf(b), state),
        });
      if (m !== 'GET' && m !== 'POST') throw new ApiError(405, `${m} is not supported on ${url.pathname}`);
      if (a === 'queue' && p.length === 2) {
        const tasks = queue.list().filter((t) => t.state === 'queued' || t.state === 'running');
        return reply(200, {
          threads: queue.threads,
          maxQueued: queue.maxQueued,
          tasks: tasks.map((t) => ({ kind: t.kind, id: t.id, label: t.label, state: t.state, progress: t.progress })),
        });
      }
      if (a === 'params' && p.length === 2) return reply(200, paramCatalogue());
      if (a === 'scenarios' && p.length === 2 && m === 'POST') {
        const body = objectBody(await readJson(req));
        const saved = saveScenario(body.name as string, scenarioInputOf(body), dir, opts.scenarioLimits);
        return reply(201, saved);
      }
      if (a === 'scenarios' && p.length === 3 && m === 'GET') {
        const s = scenarioSource(b!, dir);
        return reply(200, {
          name: s.name,
          yaml: s.yaml,
          hash: s.loaded.hash,
          modelIds: s.loaded.modelIds,
          scenario: s.loaded.scenario,
        });
      }
      if (a === 'models' && p.length === 2 && m === 'GET') {
        return reply(
          200,
          scenarioModels().map((x) => ({
            id: x.id,
            title: x.title,
            grain: x.grain,
            metrics: x.metrics ?? [],
            card: `api/models/${x.id}/card`,
          })),
        );
      }
      if (a === 'models' && p.length === 4 && c === 'card' && m === 'GET') {
        const r = url.searchParams.get('run');
        const runId = r ? runIdOf(r) : store.latestRun('done')?.id;
        if (r) runOr404(runId!);
        const card = modelCard(b!, store, runId);
        if (!card) throw new ApiError(404, `no model "${b}"; GET /api/models lists them`);
        if (url.searchParams.get('format') === 'json') return reply(200, card);
        const html = modelCardHtml(card, { lang: langOf(url) });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
        return true;
      }
      if (a === 'sensitivity' && p.length === 2 && m === 'POST') {
        const body = objectBody(await readJson(req)) as unknown as SensitivityRequest & {
          scenario?: unknown;
          yaml?: string;
        };
        const input =
          body.scenario === undefined && body.yaml === undefined
            ? undefined
            : scenarioInputOf(body as unknown as Record<string, unknown>);
        queue.assertCapacity();
        const plan = planSensitivity({ ...body, scenario: input }, targets, dir);
        const id = ++sensSeq;
        const { position } = queue.submit({
          kind: 'sensitivity',
          id,
          state: 'queued',
          label: `sensitivity of ${plan.target.id}`,
          progress: null,
          submittedAt: new Date().toISOString(),
          exec: async (ctx) => {
            try {
              return { status: 'done', result: await runSensitivity(plan, ctx) };
            } catch (e) {
              const status =
                (e as { status?: string }).status === 'cancelled' || ctx.signal.aborted ? 'cancelled' : 'failed';
              return { status, error: (e as Error).message };
            }
          },
        });
        const runs = 1 + plan.variants.filter((v) => v.loaded).length;
        return reply(202, {
          id,
          state: 'queued',
          position,
          runs,
          replications: plan.replications,
          skipped: plan.skipped,
          links: { self: `api/sensitivity/${id}`, events: `api/sensitivity/${id}/events` },
        });
      }
      if (a === 'sensitivity' && p.length >= 3) {
        const id = runIdOf(b);
        const t = queue.get('sensitivity', id);
        if (!t)
          throw new ApiError(
            404,
            `no sensitivity analysis ${id} in this server session; start one with POST /api/sensitivity`,
          );
        if (p.length === 3 && m === 'GET')
          return reply(200, { id, state: t.state, progress: t.progress, error: t.error, result: t.result ?? null });
        if (p.length === 4 && c === 'events' && m === 'GET')
          return stream(req, res, 'sensitivity', id, () => ({ id, state: t.state }));
        if (p.length === 4 && c === 'cancel' && m === 'POST') return cancel(res, 'sensitivity', id, () => t.state);
      }
      return false;
    } catch (e) {
      sendError(res, e);
      return true;
    }
  };

  return { route, queue, close: () => queue.close() };
}
