/**
 * The worker thread: a thin dispatcher. It finds the model, loads its inputs once per (model, params), seeds the RNG,
 * calls the pure model and encodes its output for the store; a task holds one job or a batch of short ones. Errors
 * are returned as data (`ok: false`), because piscina flattens custom error classes.
 */
import { createRng } from '../models/lib/rng.ts';
import type { JobSpec, ModelOutput } from '../models/types.ts';
import { encodeOutput } from './codec.ts';
import { scenarioModels } from './scenario.ts';

export interface WorkerTask {
  job: JobSpec;
  params: unknown;
}

/** Several jobs of one model with the same parameters, run one after the other in one task (short jobs). */
export interface WorkerBatchTask {
  jobs: JobSpec[];
  params: unknown;
}

export type WorkerResult =
  /** `output`: the series encoded by `encodeOutput` (engine/codec.ts); artifacts only for replication 0 (the only ones stored). */
  | { ok: true; output: Uint8Array; artifacts?: ModelOutput['artifacts']; warnings?: string[]; ms: number }
  | { ok: false; code: string; message: string; stack?: string };

const inputsCache = new Map<string, unknown>();
const modelsById = new Map(scenarioModels().map((m) => [m.id, m]));

/** `paramsJson`: JSON of `params`, the inputs cache key (computed once per task, shared by a batch's jobs). */
function runJob(job: JobSpec, params: unknown, paramsJson: string): WorkerResult {
  const t0 = performance.now();
  const model = modelsById.get(job.model);
  if (!model)
    return { ok: false, code: 'UNKNOWN_MODEL', message: `model "${job.model}" is not registered in this worker` };
  try {
    const key = `${model.id}:${paramsJson}`;
    let inputs = inputsCache.get(key);
    if (inputs === undefined) {
      inputs = model.loadInputs(params);
      // Bounded: a worker serves one scenario at a time in practice; keep the last few.
      if (inputsCache.size > 8) inputsCache.delete(inputsCache.keys().next().value!);
      inputsCache.set(key, inputs);
    }
    const output = model.run(params, inputs, job, createRng(job.seed));
    // A fresh array of exactly the encoded bytes: cloning a view would copy its whole underlying buffer.
    const bytes = new Uint8Array(encodeOutput(output));
    const artifacts = job.replication === 0 ? output.artifacts : undefined;
    const warnings = output.warnings?.length ? output.warnings.map(String) : undefined;
    return { ok: true, output: bytes, artifacts, warnings, ms: performance.now() - t0 };
  } catch (e) {
    const err = e as Error;
    return { ok: false, code: 'MODEL_ERROR', message: err?.message ?? String(e), stack: err?.stack };
  }
}

/**
 * piscina entry: one job, or a batch (results in job order; a batch stops at the first model error, whose result is
 * the last one returned).
 */
export default function runTask(task: WorkerTask | WorkerBatchTask): WorkerResult | WorkerResult[] {
  const paramsJson = JSON.stringify(task.params);
  if ('jobs' in task) {
    const out: WorkerResult[] = [];
    for (const job of task.jobs) {
      const r = runJob(job, task.params, paramsJson);
      out.push(r);
      if (!r.ok) break;
    }
    return out;
  }
  return runJob(task.job, task.params, paramsJson);
}
