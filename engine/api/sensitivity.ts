/**
 * One-at-a-time sensitivity (tornado) of a target's P(met): the scenario is run once as is and twice per parameter,
 * with that parameter set low and high (default × (1 ∓ delta), clamped to its allowed range; integers rounded and moved
 * by at least 1; a three-point estimate scaled as a whole), everything else unchanged. Only the target's model runs.
 * All variants go through the normal engine on the server's shared pool, into a private in-memory store, so the
 * runs list is not cluttered and nothing is written to disk.
 *
 * Reading the bars: job seeds do not depend on the scenario (common random numbers, seed rule crn-v2), so every
 * variant sees the same random draws as the base run and the bars compare paired runs; still, a swing smaller than
 * about two standard errors of P(met) (reported as `seP`) is within the sampling noise of each estimate.
 */
import {
  deepMerge,
  type ParamInfo,
  type SensitivityResult,
  type TargetDef,
  type TornadoBar,
} from '../contract/index.ts';
import { startRun, planJobs } from '../run.ts';
import { loadScenario, scenarioModels, ScenarioError, SCENARIOS_DIR, type LoadedScenario } from '../scenario.ts';
import { openStore } from '../store.ts';
import { ApiError } from './http.ts';
import { getPath, overrideAt, variableParams } from './params.ts';
import { withScenarioFile, type ScenarioInput } from './scenario-input.ts';
import type { TaskContext } from './tasks.ts';

export interface SensitivityRequest {
  /** Target id from data/plan/targets.yaml. */
  target: string;
  /** Scenario to vary (default: the stored baseline). */
  scenario?: ScenarioInput;
  /** Dotted parameter paths in the target model's section; default: the first `maxParams` numeric parameters. */
  params?: string[];
  /** Relative change for low/high; default 0.2 (±20 %). */
  delta?: number;
  /** Replications per variant; default min(the scenario's, 40). */
  replications?: number;
}

export interface SensitivityPlan {
  target: TargetDef;
  model: string;
  delta: number;
  replications: number;
  base: LoadedScenario;
  variants: Array<{ param: ParamInfo; side: 'low' | 'high'; value: unknown; loaded: LoadedScenario | null }>;
  skipped: Array<{ param: string; reason: string }>;
}

/** Parameters varied when the request names none. */
export const MAX_DEFAULT_PARAMS = 6;

function vary(p: ParamInfo, delta: number): { low: unknown; high: unknown } | string {
  const clamp = (x: number) => Math.min(p.max ?? Infinity, Math.max(p.min ?? -Infinity, x));
  if (p.kind === 'threePoint') {
    const d = p.default as { a: number; m: number; b: number };
    const scale = (f: number) => ({ a: d.a * f, m: d.m * f, b: d.b * f });
    if (d.b === 0) return 'the three-point estimate is all zero; scaling it changes nothing';
    return { low: scale(1 - delta), high: scale(1 + delta) };
  }
  const d = p.default as number;
  let low: number;
  let high: number;
  if (d !== 0) {
    low = clamp(d * (1 - delta));
    high = clamp(d * (1 + delta));
  } else if (p.max !== undefined && p.min !== undefined) {
    low = clamp(d - delta * (p.max - p.min));
    high = clamp(d + delta * (p.max - p.min));
  } else return 'its default is 0 and it has no bounded range to scale by';
  if (p.kind === 'integer') {
    low = Math.min(Math.round(low), d - 1);
    high = Math.max(Math.round(high), d + 1);
    low = clamp(low);
    high = clamp(high);
  }
  if (low === d && high === d) return 'its allowed range leaves no room to vary it';
  return { low, high };
}

/**
 * Check a request and load every variant (fast, synchronous), so a bad request is a 400 before anything is queued.
 * @throws ApiError 400/404
 */
export function planSensitivity(req: SensitivityRequest, targets: TargetDef[], dir = SCENARIOS_DIR): SensitivityPlan {
  const target = targets.find((t) => t.id === req.target);
  if (!target)
    throw new ApiError(400, `unknown target "${req.target}"; GET /api/targets lists them`, {
      targets: targets.map((t) => t.id),
    });
  const model = scenarioModels().find((m) => m.id === target.model);
  if (!model)
    throw new ApiError(400, `target "${target.id}" concerns model "${target.model}", which is not registered yet`);
  const delta = req.delta ?? 0.2;
  if (typeof delta !== 'number' || !(delta > 0 && delta < 1))
    throw new ApiError(400, `delta must be a number between 0 and 1 (0.2 = ±20 %), got ${JSON.stringify(req.delta)}`);
  const all = variableParams(model);
  let chosen: ParamInfo[];
  if (req.params !== undefined) {
    if (!Array.isArray(req.params) || req.params.length === 0 || req.params.length > 20)
      throw new ApiError(400, 'params must be a list of 1 to 20 parameter paths');
    chosen = req.params.map((name) => {
      const p = all.find((x) => x.path === name);
      if (!p)
        throw new ApiError(
          400,
          `"${name}" is not a numeric parameter of ${model.id}; choose from: ${all.map((x) => x.path).join(', ')}`,
        );
      return p;
    });
  } else chosen = all.slice(0, MAX_DEFAULT_PARAMS);
  const input = req.scenario ?? { name: 'baseline' };

  return withScenarioFile(input, dir, (file) => {
    const load = (extra: Record<string, unknown>) =>
      loadScenario(file, {
        scenariosDir: dir,
        overrides: deepMerge({ models: [model.id] }, extra) as Record<string, unknown>,
      });
    let base: LoadedScenario;
    try {
      base = load({});
    } catch (e) {
      if (e instanceof ScenarioError)
        throw new ApiError(400, `the scenario is not valid: ${e.message}`, { issues: e.issues });
      throw e;
    }
    const maxReps = Math.min(base.scenario.replications, 40);
    const replications = req.replications ?? maxReps;
    if (!Number.isInteger(replications) || replications < 2 || replications > 1000)
      throw new ApiError(
        400,
        `replications must be an integer from 2 to 1000, got ${JSON.stringify(req.replications)}`,
      );
    const sectionValues = base.scenario[model.id];
    const variants: SensitivityPlan['variants'] = [];
    const skipped: SensitivityPlan['skipped'] = [];
    for (const p0 of chosen) {
      // Vary around the scenario's own value, not the schema default.
      const p = { ...p0, default: getPath(sectionValues, p0.path) };
      const v = vary(p, delta);
      if (typeof v === 'string') {
        skipped.push({ param: p.path, reason: v });
        continue;
      }
      for (const side of ['low', 'high'] as const) {
        const value = v[side];
        try {
          variants.push({
            param: p,
            side,
            value,
            loaded:
              JSON.stringify(value) === JSON.stringify(p.default) ? null : load(overrideAt(model.id, p.path, value)),
          });
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
          skipped.push({
            param: p.path,
            reason: `${side} value ${JSON.stringify(value)} is not allowed: ${e.issues[0]?.message}`,
          });
          for (let i = variants.length - 1; i >= 0; i--) if (variants[i]!.param.path === p.path) variants.splice(i, 1);
          break;
        }
      }
    }
    return { target, model: model.id, delta, replications, base, variants, skipped };
  });
}

/**
 * Run a planned sensitivity analysis on the pool.
 * @example const r = await runSensitivity(planSensitivity({ target: 'extranet-3-levels' }, targets), ctx); r.bars[0].swing
 */
export async function runSensitivity(plan: SensitivityPlan, ctx: TaskContext): Promise<SensitivityResult> {
  const t0 = performance.now();
  const store = openStore(':memory:');
  const reps = plan.replications;
  const jobsOf = (l: LoadedScenario) => planJobs(l, l.scenario.seed, reps).length;
  const runs = [plan.base, ...plan.variants.flatMap((v) => (v.loaded ? [v.loaded] : []))];
  const total = runs.reduce((s, l) => s + jobsOf(l), 0);
  let offset = 0;
  const pOf = async (l: LoadedScenario): Promise<number> => {
    const out = await startRun(l, store, ctx.pool, {
      replications: reps,
      targets: [plan.target],
      signal: ctx.signal,
      onProgress: (p) => {
        const elapsedMs = performance.now() - t0;
        const done = offset + p.done;
        ctx.onProgress({ done, total, elapsedMs, etaMs: done > 0 ? (elapsedMs / done) * (total - done) : null });
      },
    });
    if (out.status !== 'done') throw Object.assign(new Error(out.error ?? out.status), { status: out.status });
    offset += jobsOf(l);
    const e = store.targetEvals(out.runId).find((x) => x.targetId === plan.target.id);
    return e?.pMet ?? NaN;
  };
  try {
    const pBase = await pOf(plan.base);
    if (Number.isNaN(pBase)) {
      throw new Error(
        `target "${plan.target.id}" cannot be evaluated in this scenario (no ${plan.target.metric} for ${plan.target.entity} up to ${plan.target.deadline})`,
      );
    }
    const bars = new Map<string, TornadoBar>();
    for (const v of plan.variants) {
      const p = v.loaded ? await pOf(v.loaded) : pBase;
      const bar = bars.get(v.param.path) ?? {
        param: v.param.path,
        description: v.param.description,
        base: v.param.default,
        low: null,
        high: null,
        pLow: NaN,
        pHigh: NaN,
        swing: 0,
      };
      if (v.side === 'low') {
        bar.low = v.value;
        bar.pLow = p;
      } else {
        bar.high = v.value;
        bar.pHigh = p;
      }
      bar.swing = Math.abs(bar.pHigh - bar.pLow) || 0;
      bars.set(v.param.path, bar);
    }
    return {
      target: plan.target,
      model: plan.model,
      scenarioName: plan.base.scenario.name,
      scenarioHash: plan.base.hash,
      seed: plan.base.scenario.seed,
      replications: reps,
      delta: plan.delta,
      pBase,
      seP: Math.sqrt(Math.max(pBase * (1 - pBase), 1 / reps) / reps),
      bars: [...bars.values()].sort((a, b) => b.swing - a.swing),
      skipped: plan.skipped,
      runs: runs.length,
      elapsedMs: Math.round(performance.now() - t0),
    };
  } finally {
    store.close();
  }
}
