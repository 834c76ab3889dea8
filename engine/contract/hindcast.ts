/**
 * Shapes of a run's hindcast (engine/hindcast.ts computes it; `twin hindcast --json`, `GET /api/runs/:id/hindcast`,
 * the report's section and the viewer's expert review show it). Types only, so the viewer can import them.
 */

/** One actual's line of the hindcast. */
export interface HindcastRow {
  metric: string;
  scope: string;
  date: string;
  /** `=` an observed value; `>=`/`<=` a stated bound. */
  bound: '=' | '>=' | '<=';
  actual: number;
  model: string | null;
  /** Period of the run's series used for the date, and its P10/P50/P90 over replications (NaN when unmatched). */
  period: string | null;
  p10: number;
  p50: number;
  p90: number;
  /** null when unmatched. */
  inside: boolean | null;
  /** NaN for bounds and unmatched rows. */
  crps: number;
  /** Replications with a value (the sample behind P10–P90 and CRPS). */
  replications: number;
}

/** Per model family: coverage of the P10–P90 band and mean CRPS, with the counts behind each figure. */
export interface HindcastFamily {
  model: string;
  /** Actuals of this family matched to a series (observed values and bounds). */
  matched: number;
  /** Observed values (`=`) among them: coverage and CRPS are over these. */
  nValues: number;
  /** Share of observed values inside P10–P90 (nominal 0.8); NaN when nValues = 0. */
  coverage: number;
  /** Mean CRPS over the observed values (metric units; families mixing units add them); NaN when nValues = 0. */
  meanCrps: number;
  /** Stated bounds among the matched, and how many of them the band reaches. */
  nBounds: number;
  boundsReached: number;
}

/** A run's hindcast: one row per stored actual and one line per model family. */
export interface Hindcast {
  rows: HindcastRow[];
  families: HindcastFamily[];
  /** Actuals without a series in the run (other model, scope or date). */
  unmatched: number;
}

/** `GET /api/runs/:id/hindcast`: the hindcast of a finished run, with the run and its replication count. */
export type HindcastResponse = Hindcast & { runId: number; replications: number };
