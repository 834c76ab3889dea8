/**
 * Studies over HTTP: the viewer's "What would it take?" panel starts an optimise study (engine/studies/optimise.ts)
 * on the server's task queue and pool, follows it, and reads stored studies (optimise and sensitivity, also those
 * made by the CLI) from the store.
 *
 * | method | path | answer |
 * | --- | --- | --- |
 * | GET | /api/studies?kind=&scenario=&target= | stored studies, newest first, with `live` state while this server runs them |
 * | GET | /api/studies/levers?scenario=NAME | the curated levers with the scenario's current value of each, and the targets of its models |
 * | POST | /api/studies | `{ scenario: NAME, targets: [ID…], p, levers: [{ path, min, max, step?, costPerUnit }…], replications?, maxReplications?, confirm?, maxCandidates? }` → 202 `{ id, state, position, links }` |
 * | GET | /api/studies/:id | the study (spec, result) with `live` state and progress: candidates so far, best so far |
 * | GET | /api/studies/:id/events | Server-Sent Events: `state`, `progress` `{ done: candidates, total: most candidates }` |
 * | POST, DELETE | /api/studies/:id/cancel, /api/studies/:id | cancel → 202; 409 when finished |
 *
 * Validation is the CLI's (engine/studies/levers.ts): each lever is written as the `--lever` spec and parsed and
 * checked by the same functions, so an unknown path, MIN > MAX or a bad step is a 400 naming `levers[i]` and the
 * problem, before anything is queued or stored.
 */
import type http from 'node:http';
import type { StudyProgress, TargetDef } from '../contract/index.ts';
import { loadScenario, ScenarioError, type LoadedScenario } from '../scenario.ts';
import type { Store } from '../store.ts';
import { UsageError } from '../commands/common.ts';
import {
  checkParams,
  CURATED_LEVERS,
  curatedLevers,
  parseParamSpec,
  pickTargets,
  type StudyParam,
} from '../studies/levers.ts';
import { runOptimise, whatIfYaml } from '../studies/optimise.ts';
import { latestRunOf, optimiseData, specLevers, studyCandidate } from '../studies/records.ts';
import { StudyRunner } from '../studies/runner.ts';
import { ApiError, objectBody, readJson, runIdOf } from './http.ts';
import { withScenarioFile } from './scenario-input.ts';
import type { TaskQueue } from './tasks.ts';

/** What the study routes need from the API around them. */
export interface StudyRouteContext {
  store: Store;
  targets: TargetDef[];
  dir: string;
  queue: TaskQueue;
}

/** How a handler answers one request (the API's own reply, event stream and cancel helpers, bound to it). */
export interface StudyReply {
  reply: (status: number, body: unknown) => true;
  stream: (finalState: () => Record<string, unknown>) => true;
  cancel: (state: () => string | undefined) => true;
}

/** Bounds on a study submitted over HTTP (the CLI has none beyond its flags': a browser page should not fill a disk). */
export const STUDY_LIMITS = {
  levers: 8,
  targets: 10,
  n0: [4, 1000],
  nMax: [4, 4000],
  confirm: [4, 10000],
  candidates: [1, 500],
} as const;

/** A checked optimise request, ready to run. */
interface OptimisePlan {
  file: string;
  loaded: LoadedScenario;
  targets: TargetDef[];
  levers: StudyParam[];
  p: number;
  n0: number;
  nMax: number;
  confirm: number;
  maxCandidates: number;
}

function intOf(b: Record<string, unknown>, name: string, [min, max]: readonly [number, number], dflt: number): number {
  const v = b[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new ApiError(400, `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

const bad = (e: unknown): never => {
  if (e instanceof UsageError) throw new ApiError(400, e.message);
  if (e instanceof ScenarioError)
    throw new ApiError(400, `the scenario is not valid: ${e.message}`, { issues: e.issues });
  throw e;
};

/**
 * Check an optimise request as `twin optimise` checks its flags.
 * @throws ApiError 400 naming the field (`scenario`, `targets`, `p`, `levers[i]`, …), 404 for an unknown scenario.
 */
export function planOptimise(body: Record<string, unknown>, allTargets: TargetDef[], dir: string): OptimisePlan {
  if (typeof body.scenario !== 'string')
    throw new ApiError(
      400,
      'scenario must be the name of a stored scenario or saved what-if, e.g. "baseline" (a study runs it many times, so it must be saved first)',
    );
  const p = body.p ?? 0.8;
  if (typeof p !== 'number' || !(p > 0 && p < 1))
    throw new ApiError(400, `p must be a probability between 0 and 1, e.g. 0.8; got ${JSON.stringify(body.p)}`);
  const ids = body.targets;
  if (
    !Array.isArray(ids) ||
    ids.length === 0 ||
    ids.length > STUDY_LIMITS.targets ||
    ids.some((x) => typeof x !== 'string')
  )
    throw new ApiError(
      400,
      `targets must be a list of 1 to ${STUDY_LIMITS.targets} target ids (GET /api/targets lists them)`,
    );
  const raw = body.levers;
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > STUDY_LIMITS.levers)
    throw new ApiError(
      400,
      `levers must be a list of 1 to ${STUDY_LIMITS.levers} levers { path, min, max, step?, costPerUnit } (GET /api/studies/levers lists the curated ones)`,
    );
  const n0 = intOf(body, 'replications', STUDY_LIMITS.n0, 32);
  const nMax = intOf(body, 'maxReplications', STUDY_LIMITS.nMax, Math.min(8 * n0, STUDY_LIMITS.nMax[1]));
  if (nMax < n0) throw new ApiError(400, `maxReplications ${nMax} is below replications ${n0}`);
  const confirm = intOf(body, 'confirm', STUDY_LIMITS.confirm, 400);
  const maxCandidates = intOf(body, 'maxCandidates', STUDY_LIMITS.candidates, 200);
  // Each lever as the CLI's spec text, parsed by the CLI's parser: one rule for both.
  const specs = raw.map((l, i) => {
    const field = `levers[${i}]`;
    if (!l || typeof l !== 'object' || Array.isArray(l))
      throw new ApiError(400, `${field} must be an object { path, min, max, step?, costPerUnit }`);
    const o = l as Record<string, unknown>;
    if (typeof o.path !== 'string' || !o.path)
      throw new ApiError(400, `${field}.path must be a scenario parameter path, e.g. rollout.crews.perCounty`);
    for (const k of ['min', 'max', 'costPerUnit'] as const)
      if (typeof o[k] !== 'number' || !Number.isFinite(o[k]))
        throw new ApiError(400, `${field}.${k} must be a number, got ${JSON.stringify(o[k])}`);
    if (o.step !== undefined && (typeof o.step !== 'number' || !Number.isFinite(o.step)))
      throw new ApiError(400, `${field}.step must be a number, got ${JSON.stringify(o.step)}`);
    const text = `${o.path}=${o.min}:${o.max}${o.step !== undefined ? `:${o.step}` : ''}@${o.costPerUnit}`;
    try {
      return parseParamSpec(text, field, true);
    } catch (e) {
      return bad(e);
    }
  });
  return withScenarioFile({ name: body.scenario }, dir, (file) => {
    let loaded: LoadedScenario;
    try {
      loaded = loadScenario(file, { scenariosDir: dir });
    } catch (e) {
      return bad(e);
    }
    try {
      const targets = pickTargets(ids as string[], allTargets, loaded);
      const seen = new Set<string>();
      const levers = specs.flatMap((s, i) => {
        if (seen.has(s.path)) throw new UsageError(`levers[${i}] ${s.path}: given twice`);
        seen.add(s.path);
        return checkParams(file, loaded, [s], `levers[${i}]`, dir);
      });
      const models = new Set(targets.map((t) => t.model));
      levers.forEach((l, i) => {
        if (!models.has(l.path.split('.')[0]!))
          throw new UsageError(
            `levers[${i}] ${l.path}: its section is not a model of the targets (${[...models].join(', ')}); the candidate runs run only those models`,
          );
      });
      return { file, loaded, targets, levers, p, n0, nMax, confirm, maxCandidates };
    } catch (e) {
      return bad(e);
    }
  });
}

/**
 * The study routes; returns false for paths that are not theirs.
 * @example if (await studies.handle(req, url, segments, method, { reply, stream, cancel })) return true;
 */
export function studyRoutes(ctx: StudyRouteContext) {
  const { store, queue } = ctx;
  /** Live progress of the studies this server runs (the candidates table filling in). */
  const progress = new Map<number, StudyProgress>();

  const live = (id: number) => {
    const t = queue.get('study', id);
    return t
      ? {
          state: t.state,
          position: queue.position('study', id),
          progress: progress.get(id) ?? null,
          ...(t.error ? { error: t.error } : {}),
        }
      : null;
  };

  async function submit(req: http.IncomingMessage, out: StudyReply): Promise<true> {
    const body = objectBody(await readJson(req));
    if (body.kind !== undefined && body.kind !== 'optimise')
      throw new ApiError(
        400,
        `kind must be "optimise" (sensitivity studies are started with twin sensitivity), got ${JSON.stringify(body.kind)}`,
      );
    const plan = planOptimise(body, ctx.targets, ctx.dir);
    queue.assertCapacity();
    const name = plan.loaded.scenario.name;
    const spec = {
      targets: plan.targets.map((t) => t.id),
      p: plan.p,
      levers: specLevers(plan.levers),
      n0: plan.n0,
      nMax: plan.nMax,
      confirm: plan.confirm,
      maxCandidates: plan.maxCandidates,
      // The curated levers' costs are CNY; levers given by path may be in any unit.
      costUnit: plan.levers.every((l) => CURATED_LEVERS.some((c) => c.path === l.path)) ? 'CNY' : '1',
    };
    const id = store.createStudy({
      kind: 'optimise',
      scenarioName: name,
      baseRunId: latestRunOf(store, name),
      targets: spec.targets,
      spec,
    });
    const live: StudyProgress = { evaluated: 0, engineRuns: 0, best: null, candidates: [] };
    progress.set(id, live);
    const { position } = queue.submit({
      kind: 'study',
      id,
      state: 'queued',
      label: `what would it take: ${spec.targets.join(', ')}`,
      progress: null,
      submittedAt: new Date().toISOString(),
      onDropped: () => store.finishStudy(id, 'cancelled', null, 'cancelled before it started'),
      exec: async ({ pool, signal, onProgress }) => {
        const t0 = performance.now();
        const runner = new StudyRunner({
          file: plan.file,
          scenariosDir: ctx.dir,
          store,
          pool,
          targets: plan.targets,
          models: [...new Set(plan.targets.map((t) => t.model))],
          runOptions: { signal },
          onRun: () => (live.engineRuns = runner.runs.length),
        });
        try {
          // The row exists from submission (a queued study is listed), so it is finished here rather than by asStoredStudy.
          const res = await runOptimise({
            runner,
            levers: plan.levers,
            targets: plan.targets,
            p: plan.p,
            n0: plan.n0,
            nMax: plan.nMax,
            confirm: plan.confirm,
            maxCandidates: plan.maxCandidates,
            onCandidate: (c, k) => {
              const sc = studyCandidate(c, false, null);
              live.candidates.push(sc);
              live.evaluated = k;
              if (c.feasible && (!live.best || c.cost < live.best.cost)) live.best = sc;
              const elapsedMs = performance.now() - t0;
              onProgress({ done: k, total: plan.maxCandidates, elapsedMs, etaMs: null });
            },
          });
          let whatIf = null;
          if (res.best) {
            const wname = `${name}-optimised`;
            whatIf = {
              name: wname,
              file: null,
              yaml: whatIfYaml(
                name,
                wname,
                `Cheapest setting found by the viewer's "What would it take?" (study ${id}) with P(met) ≥ ${plan.p} for ${spec.targets.join(', ')}: cost ${+res.best.cost.toPrecision(6)}.`,
                plan.levers,
                res.best.values,
              ),
            };
          }
          store.finishStudy(id, 'done', optimiseData(res, whatIf));
          return { status: 'done' };
        } catch (e) {
          const status = signal.aborted ? 'cancelled' : 'failed';
          const error = (e as Error)?.message ?? String(e);
          store.finishStudy(id, status, null, error);
          return { status, error };
        }
      },
    });
    return out.reply(202, {
      id,
      state: 'queued',
      position,
      links: { self: `api/studies/${id}`, events: `api/studies/${id}/events`, cancel: `api/studies/${id}/cancel` },
    });
  }

  const studyOr404 = (id: number) => {
    const s = store.study(id);
    if (!s) throw new ApiError(404, `no study ${id}; GET /api/studies lists them`);
    return s;
  };

  return {
    async handle(req: http.IncomingMessage, url: URL, p: string[], m: string, out: StudyReply): Promise<boolean> {
      const [, , b, c] = p;
      if (p.length === 2) {
        if (m === 'POST') return submit(req, out);
        if (m !== 'GET')
          throw new ApiError(405, `${m} is not supported on /api/studies; GET lists, POST starts a study`);
        const kind = url.searchParams.get('kind');
        if (kind !== null && kind !== 'optimise' && kind !== 'sensitivity')
          throw new ApiError(400, `kind must be optimise or sensitivity, got "${kind}"`);
        const list = store.listStudies({
          kind: kind ?? undefined,
          scenarioName: url.searchParams.get('scenario') ?? undefined,
          target: url.searchParams.get('target') ?? undefined,
        });
        return out.reply(
          200,
          list.map((s) => ({ ...s, live: live(s.id) })),
        );
      }
      if (b === 'levers' && p.length === 3) {
        if (m !== 'GET') throw new ApiError(405, 'GET /api/studies/levers lists the curated levers');
        const name = url.searchParams.get('scenario') ?? 'baseline';
        const loaded = withScenarioFile({ name }, ctx.dir, (f) => {
          try {
            return loadScenario(f, { scenariosDir: ctx.dir });
          } catch (e) {
            return bad(e);
          }
        });
        const levers = curatedLevers().flatMap((l) => {
          const [model, ...rest] = l.path.split('.');
          if (!loaded.modelIds.includes(model!)) return [];
          let v: unknown = loaded.scenario[model!];
          for (const k of rest) v = (v as Record<string, unknown> | undefined)?.[k];
          return typeof v === 'number' ? [{ ...l, model, base: v }] : [];
        });
        // The targets a study of this scenario can aim at (its models'), from the server's own target list.
        const targets = ctx.targets.filter((t) => loaded.modelIds.includes(t.model));
        return out.reply(200, { scenario: name, modelIds: loaded.modelIds, levers, targets });
      }
      const id = runIdOf(b);
      const study = studyOr404(id);
      if (p.length === 3) {
        if (m === 'DELETE') return out.cancel(() => store.study(id)?.status);
        if (m !== 'GET') throw new ApiError(405, `${m} is not supported on ${url.pathname}; DELETE cancels the study`);
        return out.reply(200, { ...study, live: live(id) });
      }
      if (c === 'cancel' && p.length === 4) {
        if (m !== 'POST') throw new ApiError(405, 'POST /api/studies/:id/cancel cancels a study');
        return out.cancel(() => store.study(id)?.status);
      }
      if (c === 'events' && p.length === 4 && m === 'GET')
        return out.stream(() => {
          const s = store.study(id)!;
          return { kind: 'study', id, state: s.status, ...(s.error ? { error: s.error } : {}) };
        });
      return false;
    },
  };
}
