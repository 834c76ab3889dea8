/**
 * The run bundle: everything the viewer needs about one run, as plain JSON.
 * The server answers `GET /api/runs/:id/bundle` with it, and `twin export RUN --viewer DIR` writes the same object
 * to `DIR/data/run-<id>.json` (plus `DIR/data/runs.json` = RunSummary[]), so the viewer has one data layer with two sources.
 */
import type { NetworkRef } from './network.ts';

/** A row of the runs list (`GET /api/runs`, `data/runs.json`). */
export interface RunSummary {
  id: number;
  scenarioName: string;
  scenarioHash: string;
  seed: number;
  replications: number;
  codeVersion: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt: string | null;
  threads: number;
}

/** One aggregated value: a metric for an entity in a period, over replications. */
export interface SeriesRow {
  model: string;
  metric: string;
  entity: string;
  period: string;
  p10: number;
  p50: number;
  p90: number;
  mean: number;
  n: number;
}

/** A plan target as stored in data/plan/targets.yaml. */
export interface TargetDef {
  id: string;
  title: string;
  titleZh?: string;
  metric: string;
  /** `city` or a district code. */
  scope: string;
  /** Entity id used in the series for this target (e.g. `level:town`, `370303`, `city`). */
  entity: string;
  comparator: '>=' | '<=';
  threshold: number;
  /** ISO date, e.g. 2018-12-31. */
  deadline: string;
  source: 'plan' | 'assumption';
  sourceText: string;
  unit: string;
  /** What the target concerns, for the viewer to fly to: a model id. */
  model: string;
}

/** The evaluation of one target in one run. */
export interface TargetEval {
  targetId: string;
  /** Share of replications whose trajectory meets the threshold by the deadline. */
  pMet: number;
  /** Projected date the threshold is first met: P50 and P90 over replications (ISO month `YYYY-MM`, or null if the median replication never meets it). */
  dateP50: string | null;
  dateP90: string | null;
  /** Value at the deadline period over replications. */
  valueP10: number | null;
  valueP50: number | null;
  valueP90: number | null;
  status: 'met' | 'at-risk' | 'missed' | 'no-data';
}

/** Everything the viewer needs for one run. */
export interface RunBundle {
  run: RunSummary;
  /** The normalised scenario (after extends and defaults). */
  scenario: Record<string, unknown>;
  /** The road network each traffic model ran on (the run's provenance; absent for runs without traffic). */
  networks?: Record<string, NetworkRef>;
  series: SeriesRow[];
  targets: TargetDef[];
  evaluations: TargetEval[];
  /** Metric catalogue of all models: id → unit and title. */
  metrics: Record<string, { unit: string; title: string; model: string }>;
  /** Artifacts stored for replication 0: list only; fetch with `GET /api/runs/:id/artifacts/:model/:name/:year` or `data/run-<id>/<model>-<name>-<year>.json` in the static export. */
  artifacts: Array<{ model: string; name: string; year: number }>;
  /** Observed progress stored with `twin actuals import` (all of them; the viewer filters by metric and entity). */
  actuals?: Array<{
    metric: string;
    scope: string;
    date: string;
    value: number;
    unit: string;
    source: string;
    note: string;
    bound: '=' | '>=' | '<=';
  }>;
  /** The run re-forecast on all stored actuals (null when there are none or the run is not finished). */
  reforecast?: {
    until: string;
    ess: number;
    replications: number;
    used: number;
    warning: string | null;
    evaluations: Array<TargetEval & { pMetPrior: number }>;
    bands: Array<{ metric: string; entity: string; period: string; p10: number; p50: number; p90: number }>;
  } | null;
}
