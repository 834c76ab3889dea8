/**
 * Runs a scenario with parameter overrides as ordinary engine runs (stored like `twin run`'s, listed by `twin list`)
 * and reads back, per replication, whether each target was met and its value at the deadline: what the optimiser and
 * the sensitivity study need from one evaluation. All replications use the scenario's master seed, so replication r of
 * two settings share every seed a model draws from `job.crnSeed` (common random numbers; see engine/run/plan.ts).
 */
import type { TargetDef } from '../contract/index.ts';
import type { JobPool } from '../pool.ts';
import type { JobExecutor } from '../run/dispatch.ts';
import { replicationMatrix, startRun, type RunOptions } from '../run.ts';
import { loadScenario, type LoadedScenario } from '../scenario.ts';
import type { Store } from '../store.ts';
import { evaluateTarget, trajectories } from '../targets.ts';

/** Per replication and target: met (1/0, NaN without data) and the value at the deadline (NaN without data). */
export interface ReplicationOutcomes {
  runId: number;
  replications: number;
  /** met[t][r] */
  met: Float64Array[];
  /** value[t][r] */
  value: Float64Array[];
}

/** What a study needs to run settings of one scenario. */
export interface StudyRunnerOptions {
  file: string;
  store: Store;
  /** The local pool, or a cluster executor (`twin serve --cluster`): candidates are ordinary engine runs. */
  pool: JobPool | JobExecutor;
  targets: TargetDef[];
  /** Run only these models (the targets' models); the levers' sections of other models have no effect then. */
  models: string[];
  runOptions?: RunOptions;
  /** Folder `extends` resolves in (default: scenarios/). */
  scenariosDir?: string;
  /** Called after each engine run. */
  onRun?: (runId: number, overrides: Record<string, unknown>, replications: number, ms: number) => void;
}

/** Evaluates settings of a scenario by engine runs, keeping the widest run of each setting. */
export class StudyRunner {
  private readonly cache = new Map<string, ReplicationOutcomes>();
  /** Engine runs made so far, with their replication counts. */
  readonly runs: Array<{ runId: number; replications: number; ms: number }> = [];
  constructor(private readonly o: StudyRunnerOptions) {}

  /** The scenario with the overrides and the study's model list (throws ScenarioError when they are invalid). */
  load(overrides: Record<string, unknown>): LoadedScenario {
    return loadScenario(this.o.file, {
      scenariosDir: this.o.scenariosDir,
      overrides: { ...overrides, models: this.o.models },
    });
  }

  /**
   * Outcomes of replications 0 … count − 1 of the scenario with `overrides`. A setting already run with at least
   * `count` replications is not run again; otherwise one run with `count` replications (replication r's seeds do not
   * depend on the count, so the first replications of a wider run are those of a narrower one).
   */
  async outcomes(overrides: Record<string, unknown>, count: number): Promise<ReplicationOutcomes> {
    const key = JSON.stringify(overrides);
    const hit = this.cache.get(key);
    if (hit && hit.replications >= count) return hit;
    const loaded = this.load(overrides);
    const t0 = performance.now();
    const out = await startRun(loaded, this.o.store, this.o.pool, {
      ...this.o.runOptions,
      targets: this.o.targets,
      replications: count,
    });
    if (out.status !== 'done') throw new Error(`run ${out.runId} ${out.status}${out.error ? `: ${out.error}` : ''}`);
    const ms = performance.now() - t0;
    this.runs.push({ runId: out.runId, replications: count, ms });
    this.o.onRun?.(out.runId, overrides, count, ms);
    const res = readOutcomes(this.o.store, out.runId, loaded, this.o.targets, count);
    this.cache.set(key, res);
    return res;
  }
}

/**
 * Per-replication outcomes of targets in a stored run, by the rule of engine/targets.ts (each replication evaluated
 * on its own: P(met) of one replication is 1 or 0).
 */
export function readOutcomes(
  store: Store,
  runId: number,
  loaded: Pick<LoadedScenario, 'modelIds'>,
  targets: readonly TargetDef[],
  reps: number,
): ReplicationOutcomes {
  const matrices = new Map<string, ReturnType<typeof replicationMatrix>>();
  const met: Float64Array[] = [];
  const value: Float64Array[] = [];
  for (const t of targets) {
    const m = new Float64Array(reps).fill(NaN);
    const v = new Float64Array(reps).fill(NaN);
    if (loaded.modelIds.includes(t.model)) {
      let mat = matrices.get(t.model);
      if (!mat) matrices.set(t.model, (mat = replicationMatrix(store, runId, t.model, reps)));
      const traj = trajectories(mat, t.metric, t.entity);
      for (let r = 0; r < Math.min(reps, traj.length); r++) {
        const e = evaluateTarget(t, [traj[r]!]);
        if (Number.isNaN(e.pMet)) continue;
        m[r] = e.pMet;
        v[r] = e.valueP50 ?? NaN;
      }
    }
    met.push(m);
    value.push(v);
  }
  return { runId, replications: reps, met, value };
}
