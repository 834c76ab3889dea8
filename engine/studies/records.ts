/**
 * Studies in the store: the JSON a study keeps in the `studies` table (engine/contract/studies.ts shapes), built from
 * the engine's results, and the bookkeeping shared by `twin optimise`, `twin sensitivity` and the server (create the
 * row as running, finish it as done, failed or cancelled).
 */
import type { Candidate } from '../../models/lib/optimise.ts';
import type {
  OptimiseData,
  OptimiseSpec,
  SensitivityData,
  SensitivitySpec,
  StudyCandidate,
} from '../contract/index.ts';
import type { Store } from '../store.ts';
import type { StudyParam } from './levers.ts';
import type { OptimiseStudyResult } from './optimise.ts';
import type { SensitivityStudyResult } from './sensitivity.ts';

/** The latest finished run of a scenario (by name), the base a study is compared with; null when there is none. */
export function latestRunOf(store: Store, scenarioName: string): number | null {
  return store.listRuns().find((r) => r.scenarioName === scenarioName && r.status === 'done')?.id ?? null;
}

/** The levers of a spec (costs default to 0, as the optimiser reads them). */
export function specLevers(levers: readonly StudyParam[]): OptimiseSpec['levers'] {
  return levers.map((l) => ({
    path: l.path,
    min: l.min,
    max: l.max,
    ...(l.step !== undefined ? { step: l.step } : {}),
    costPerUnit: l.costPerUnit ?? 0,
    base: l.base,
    integer: l.integer,
  }));
}

/** One candidate as stored (Pareto flag and engine run attached). */
export function studyCandidate(c: Candidate, onFront: boolean, run: number | null): StudyCandidate {
  return {
    order: c.order,
    values: [...c.values],
    cost: c.cost,
    n: c.n,
    pHat: [...c.pHat],
    lower: [...c.lower],
    upper: [...c.upper],
    minP: c.minP,
    feasible: c.feasible,
    pareto: onFront,
    run,
  };
}

/** An optimise result as stored, with the recommended what-if (its YAML, name and file) when there is one. */
export function optimiseData(
  r: OptimiseStudyResult,
  whatIf: { yaml: string; name: string; file: string | null } | null,
): OptimiseData {
  const onFront = new Set(r.pareto.map((c) => c.order));
  return {
    candidates: r.candidates.map((c) =>
      studyCandidate(c, onFront.has(c.order), r.runOf.get(c.values.join(',')) ?? null),
    ),
    bestOrder: r.best?.order ?? null,
    confirmations: r.confirmations.map((c) => ({
      values: [...c.values],
      cost: c.cost,
      n: c.n,
      pHat: [...c.pHat],
      lower: [...c.lower],
      upper: [...c.upper],
      passed: c.passed,
    })),
    stop: r.stop,
    replications: r.replications,
    engineRuns: r.engineRuns,
    wallMs: Math.round(r.wallMs),
    whatIfYaml: whatIf?.yaml ?? null,
    whatIfName: whatIf?.name ?? null,
    whatIfFile: whatIf?.file ?? null,
  };
}

/** A sensitivity result as stored (the design points stay in the CLI's JSON file: they can be thousands). */
export function sensitivityData(r: SensitivityStudyResult): SensitivityData {
  return {
    method: r.method,
    target: r.target,
    params: r.params.map((p) => ({ path: p.path, min: p.min, max: p.max, base: p.base })),
    replications: r.replications,
    runs: r.runs,
    wallMs: Math.round(r.wallMs),
    outputs: r.outputs,
  };
}

/** The spec of a sensitivity study as stored. */
export function sensitivitySpec(
  o: Omit<SensitivitySpec, 'params'> & { params: readonly StudyParam[] },
): SensitivitySpec {
  return { ...o, params: o.params.map((p) => ({ path: p.path, min: p.min, max: p.max, base: p.base })) };
}

/**
 * Run `work` as a stored study: the row is created as running, then finished as done with the result `work` returns,
 * cancelled when `signal` was aborted, failed otherwise (the error is rethrown).
 */
export async function asStoredStudy<T>(
  store: Store,
  row: Parameters<Store['createStudy']>[0],
  signal: AbortSignal | undefined,
  work: (studyId: number) => Promise<{ value: T; result: unknown }>,
): Promise<{ studyId: number; value: T }> {
  const id = store.createStudy(row);
  try {
    const { value, result } = await work(id);
    store.finishStudy(id, 'done', result);
    return { studyId: id, value };
  } catch (e) {
    store.finishStudy(id, signal?.aborted ? 'cancelled' : 'failed', null, (e as Error)?.message ?? String(e));
    throw e;
  }
}
