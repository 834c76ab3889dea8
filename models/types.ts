/**
 * The contract between the engine and every model family.
 *
 * Models are pure: `(params, inputs, job, rng) → ModelOutput`. They never import `engine/`; the engine imports
 * this file and `models/registry.ts` and knows nothing else about a model. Jobs and outputs are plain data so
 * they cross worker threads (structured clone) and could later cross machines.
 */
import type { z } from 'zod';
import type { Rng } from './lib/rng.ts';

export type { Rng } from './lib/rng.ts';

/** One unit of work the engine hands to a worker. */
export interface JobSpec {
  /** Model id, e.g. `rollout`. */
  model: string;
  /** Simulation years this job covers (one year for grain `year`, the whole plan period for grain `run`). */
  years: number[];
  /** Replication index, 0-based. */
  replication: number;
  /** Attempt number, 1 on the first try (the engine retries a job whose worker died). */
  attempt: number;
  /** 32-bit seed derived by the engine from (master seed, scenario hash, model, year, replication). */
  seed: number;
  /**
   * Common-random-numbers seed: derived from (master seed, model, replication) only, so replication r of a baseline
   * and of a what-if, in every year, share it. Models use it for "state of the world" draws (demand level, weather) so a
   * what-if's effect is not hidden by sampling noise; the master seed still changes it. Always set by the engine;
   * optional only so hand-made jobs in tests may omit it.
   */
  crnSeed?: number;
}

/**
 * One result series of a job: a metric for one entity over periods.
 * `period` strings are ISO-like: `2019` (year), `2019-06` (month), `2019-06-15` (day).
 * `entity` is `city`, a division code (`370303`), a link id (`link:123`), a site id, ... whatever the metric is about.
 */
export interface SeriesOut {
  metric: string;
  entity: string;
  periods: string[];
  values: ArrayLike<number>;
}

/** What a job returns. */
export interface ModelOutput {
  series: SeriesOut[];
  /**
   * Larger outputs for the viewer (trajectories, per-hour climate of one day, ...). The engine stores artifacts of
   * replication 0 only; values must be structured-clone-able (plain objects, typed arrays).
   */
  artifacts?: Record<string, unknown>;
  /**
   * Plausibility warnings for humans (a result outside the bounds the model's README states, e.g. a congested path
   * longer than the stated limit). They do not fail the job; the engine writes each one to the run log with the job's
   * identity. Plain strings, one finding each.
   */
  warnings?: string[];
}

/** Metadata of a metric, for tables, charts and exports. */
export interface MetricInfo {
  id: string;
  unit: string;
  title: string;
  /** How replications of this metric are combined; default `quantiles` (P10/P50/P90/mean). */
  description?: string;
}

/**
 * A model family as the engine sees it.
 *
 * @example
 * import { z } from 'zod';
 * import { createRng } from './lib/rng.ts';
 * // In TypeScript: const model: ModelDefinition<{ k: number }, null> = { ... }.
 * const model = {
 *   id: 'demo', title: 'Demo', grain: 'year', paramsSchema: z.object({ k: z.number().default(2) }),
 *   loadInputs: () => null,
 *   run: (p, _in, job, rng) => ({ series: [{ metric: 'x', entity: 'city', periods: [String(job.years[0])], values: [p.k * rng.next()] }] }),
 * };
 * // What the engine does with it, per job: parse the scenario's section, load inputs once, run with the job's stream.
 * const job = { model: 'demo', years: [2019], replication: 0, attempt: 1, seed: 1 };
 * const out = model.run(model.paramsSchema.parse({}), model.loadInputs(), job, createRng(1));
 * out.series[0].periods // => ['2019']
 * out.series[0].values[0] === 2 * createRng(1).next() // => true
 */
// The registry holds models of different parameter and input types; `any` defaults let one array hold them all
// (each model's own code is typed through its generic arguments).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ModelDefinition<P = any, I = any> {
  id: string;
  title: string;
  /** `year`: one job per (year, replication); `run`: one job per replication covering all years (e.g. a schedule). */
  grain: 'year' | 'run';
  /** zod schema of this model's scenario section; every field has a default, a unit and a source in `.describe()`. */
  paramsSchema: z.ZodType<P>;
  /**
   * How many replications this model runs, given the scenario's count (default: all of them). A costly model whose
   * output varies little (e.g. a dynamic replay) may cap it; replication k stays the same job whatever the cap.
   */
  replications?: (params: P, scenarioReplications: number) => number;
  /**
   * Whose common-random-numbers stream this model shares (default: its own id). A model that must see the same
   * "world" as another (the dynamic traffic loading and the static assignment whose demand it loads) names it here.
   */
  crnKey?: string;
  /** Metric catalogue (ids used in `series`). */
  metrics?: MetricInfo[];
  /**
   * Reads the data the model needs (road network, divisions, sites). Runs in the worker, once per worker and
   * params hash; the only impure step. Return plain data.
   */
  loadInputs: (params: P) => I;
  /**
   * Meaning checks that need the file system (a named file exists and is readable), run by `validate` after the
   * schema so that whatever validation accepts can run. Paths are relative to this model's section.
   */
  checkInputs?: (params: P) => { path: (string | number)[]; message: string }[];
  /**
   * The model's main uncertain parameters with their documented ranges: the default factors of a global sensitivity
   * study (`twin sensitivity` without `--params`). Each range names its source; see the model README.
   */
  sensitivityRanges?: readonly SensitivityRange[];
  /** The pure model. Must use `rng` only, never `Math.random`. */
  run: (params: P, inputs: I, job: JobSpec, rng: Rng) => ModelOutput;
}

/** One parameter's documented range for global sensitivity studies (uniform between min and max). */
export interface SensitivityRange {
  /** Dotted path inside the model's scenario section, e.g. `services.bassQPerYear`. */
  path: string;
  /** Lower end, in the parameter's own unit. */
  min: number;
  /** Upper end, in the parameter's own unit. */
  max: number;
  /** Where the range comes from: a research-note section, the literature, or `assumption:` with the reasoning. */
  source: string;
}
