/**
 * Shapes of a run's hindcast (engine/hindcast.ts computes it; `twin hindcast --json`, `GET /api/runs/:id/hindcast`,
 * the report's section and the viewer's expert review show it), and the one formatting rule of a CRPS both use.
 */
import { fmtNumber, fmtValue, isShareUnit, type Lang } from './format.ts';

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

/**
 * `GET /api/runs/:id/hindcast`: the hindcast of a finished run, with the run, its replication count and the unit of
 * each metric in it (NaN fields arrive as null in JSON).
 */
export type HindcastResponse = Hindcast & { runId: number; replications: number; units: Record<string, string> };

/**
 * A CRPS (a distance in the metric's unit) for people: shares in 百分点/pp, decimal years in months, money, energy and
 * everything else as a value of the unit.
 * @example crpsText(0.031, 'share', 'zh-CN') // => '3.1 个百分点'
 * @example crpsText(0.25, 'decimal year', 'en') // => '3 months'
 */
export function crpsText(x: number | null, unit: string, lang: Lang): string {
  if (x === null || !Number.isFinite(x)) return '—';
  if (isShareUnit(unit)) return `${(100 * x).toFixed(1)}${lang === 'zh-CN' ? ' 个百分点' : ' pp'}`;
  if (unit === 'decimal year') return `${fmtNumber(12 * x, 2)}${lang === 'zh-CN' ? ' 个月' : ' months'}`;
  return fmtValue(x, unit, lang);
}
