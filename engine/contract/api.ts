/**
 * Shapes of the JSON API that the viewer reads: the parameter catalogue (`GET /api/params`) and the sensitivity
 * (tornado) result (`POST /api/sensitivity`, then the task's result). The engine computes them in engine/api/; the
 * types live here so the viewer never imports the engine's Node-side code.
 */
import type { TargetDef } from './bundle.ts';

/** One leaf of a model's scenario section, read from its zod schema (engine/api/params.ts builds the list). */
export interface ParamInfo {
  model: string;
  /** Dotted path inside the model's section, e.g. `crews.perCounty`. */
  path: string;
  /** `threePoint` = an optimistic/most-likely/pessimistic triple `{a, m, b}` edited (and varied) as one. */
  kind: 'number' | 'integer' | 'enum' | 'boolean' | 'string' | 'date' | 'list' | 'threePoint';
  default: unknown;
  min?: number;
  max?: number;
  options?: string[];
  /** The schema's description: what it is, unit, source. */
  description: string;
  /** Descriptions of the enclosing objects, outermost first (for grouping in the panel). */
  groups: string[];
  /**
   * Set when the parameter is a year-by-year list (`{ "2019": 0.35, … }`, kind `list`), or a map of such lists by key
   * (`byKey`, e.g. per county code): the value rule every year's entry must meet, so an editor checks cells the way
   * the server will.
   */
  yearTable?: { min?: number; max?: number; integer: boolean; byKey: boolean };
}

/** One bar of a tornado chart: P(met) with the parameter at its low and its high value. */
export interface TornadoBar {
  param: string;
  description: string;
  base: unknown;
  low: unknown;
  high: unknown;
  pLow: number;
  pHigh: number;
  /** |pHigh − pLow|; bars are sorted by it, largest first. */
  swing: number;
}

/** A finished one-at-a-time sensitivity analysis of one target's P(met). */
export interface SensitivityResult {
  target: TargetDef;
  model: string;
  scenarioName: string;
  scenarioHash: string;
  seed: number;
  replications: number;
  delta: number;
  pBase: number;
  /** Binomial standard error of a P(met) estimate at pBase with this many replications. */
  seP: number;
  bars: TornadoBar[];
  skipped: Array<{ param: string; reason: string }>;
  runs: number;
  elapsedMs: number;
}
