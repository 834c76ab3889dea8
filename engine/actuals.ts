/**
 * Actual progress: import observed values (CSV), store them with provenance, and re-forecast a run conditioned on them.
 *
 * CSV format (header required, UTF-8, comma-separated, RFC 4180 quoting):
 *   metric,scope,date,value,unit,source,note[,bound]
 * - metric: a metric id of a model (e.g. `services.onlineShare`); `twin actuals metrics` lists them with units
 * - scope: the entity the value is about: `city`, a district code (370302 …), `level:town`, `cloud:public`, `site:…`, `link:…`
 * - date: ISO date within the plan period 2017-01-01 … 2021-12-31 (the value observed on that day)
 * - value: a number in the metric's unit, inside the unit's physical bounds (a share is 0…1)
 * - unit: must equal the metric's unit (a mismatch is an error, never silently converted)
 * - source: where the figure comes from (required); note: free text
 * - bound (optional): `=` (default) an observed value; `>=` / `<=` a stated bound ("above 70 %")
 *
 * Re-forecast (importance weighting): each replication r of a run gets weight w_r = Π_obs L(obs | sim_r), with a Gaussian
 * observation error σ = max(σ_abs(unit), σ_rel·|value|) (defaults in OBSERVATION_ERROR) for `=` rows and the probability
 * Φ((sim − bound)/σ) (or its mirror) for bounds. Target P(met), projected dates and bands are recomputed from the
 * weighted ensemble; the effective sample size ESS = (Σw)²/Σw² is reported and a warning is raised below
 * max(10, 10 % of the replications).
 */
import { readFileSync, statSync } from 'node:fs';
import { CsvError, parseCsvRows, type CsvRow } from '../data/csv.ts';
import { weightedQuantiles } from '../models/lib/quantile.ts';
import type { TargetDef, TargetEval } from './contract/index.ts';
import { replicationMatrix, type ReplicationMatrix } from './run.ts';
import { scenarioModels } from './scenario.ts';
import type { Store } from './store.ts';
import { alignedSeries, evaluateTarget, periodEnd, trajectories } from './targets.ts';

export const MAX_ACTUALS_BYTES = 5 * 1024 * 1024;
export const PLAN_START = '2017-01-01';
export const PLAN_END = '2021-12-31';
const DISTRICTS = ['370302', '370303', '370304', '370305', '370306', '370321', '370322', '370323'];

/** Physical bounds per unit (inclusive). Units not listed only need to be finite. */
export const UNIT_BOUNDS: Record<string, [number, number]> = {
  share: [0, 1],
  '1': [-Infinity, Infinity],
  'kg/m²': [0, 100],
  'km/h': [0, 150],
  ratio: [1, 50],
  count: [0, Infinity],
};

/** Observation error model per unit: absolute σ and relative σ (the larger applies). */
export const OBSERVATION_ERROR: Record<string, { abs: number; rel: number }> = {
  share: { abs: 0.02, rel: 0.05 },
  'kg/m²': { abs: 0.3, rel: 0.05 },
  'km/h': { abs: 1, rel: 0.05 },
  ratio: { abs: 0.05, rel: 0.05 },
};
const DEFAULT_ERROR = { abs: 0, rel: 0.05 };

export interface ActualRow {
  metric: string;
  scope: string;
  date: string;
  value: number;
  unit: string;
  source: string;
  note: string;
  bound: '=' | '>=' | '<=';
}

export interface ActualIssue {
  file: string;
  /** 1-based line in the file (the header is line 1). */
  line: number;
  field: string;
  message: string;
}

export class ActualsError extends Error {
  readonly issues: ActualIssue[];
  constructor(issues: ActualIssue[]) {
    super(issues.map((i) => `${i.file}:${i.line}: ${i.field ? `${i.field}: ` : ''}${i.message}`).join('\n'));
    this.name = 'ActualsError';
    this.issues = issues;
  }
}

/** Metric catalogue of all registered models: id → unit. */
export function metricUnits(): Map<string, string> {
  const m = new Map<string, string>();
  for (const model of scenarioModels()) for (const mi of model.metrics ?? []) m.set(mi.id, mi.unit);
  return m;
}

const HEADER = ['metric', 'scope', 'date', 'value', 'unit', 'source', 'note'];

function validScope(scope: string): boolean {
  return (
    scope === 'city' ||
    DISTRICTS.includes(scope) ||
    /^level:(province|city|county|town|village)$/.test(scope) ||
    /^cloud:(public|admin)$/.test(scope) ||
    /^(site|link):[A-Za-z0-9._-]+$/.test(scope)
  );
}

/**
 * Validate an actuals CSV file completely; throws ActualsError listing every bad row (nothing is returned partially).
 * @example readActuals('data/actuals/seed-facts.csv').length // => 9
 */
export function readActuals(
  file: string,
  existing: Array<Pick<ActualRow, 'metric' | 'scope' | 'date' | 'bound'>> = [],
): ActualRow[] {
  let text: string;
  try {
    if (statSync(file).size > MAX_ACTUALS_BYTES)
      throw new ActualsError([{ file, line: 0, field: '', message: `file is larger than ${MAX_ACTUALS_BYTES} bytes` }]);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ActualsError) throw e;
    throw new ActualsError([{ file, line: 0, field: '', message: `cannot read: ${(e as Error).message}` }]);
  }
  let rows: CsvRow[];
  try {
    // Rows whose cells are all blank (",,,,") are spacing in a hand-edited sheet, not data.
    rows = parseCsvRows(text, file).filter((r) => r.cells.some((c) => c.trim() !== ''));
  } catch (e) {
    if (e instanceof CsvError) throw new ActualsError([{ file, line: e.line, field: '', message: e.detail }]);
    throw e;
  }
  const issues: ActualIssue[] = [];
  if (!rows.length)
    throw new ActualsError([
      { file, line: 1, field: '', message: `empty file; the header must be ${HEADER.join(',')}[,bound]` },
    ]);
  const header = rows[0]!.cells.map((c) => c.trim());
  const col = new Map(header.map((h, i) => [h, i]));
  const missing = HEADER.filter((h) => !col.has(h));
  const unknown = header.filter((h) => !HEADER.includes(h) && h !== 'bound');
  if (missing.length || unknown.length) {
    throw new ActualsError([
      {
        file,
        line: 1,
        field: 'header',
        message: `${missing.length ? `missing column(s) ${missing.join(', ')}` : ''}${missing.length && unknown.length ? '; ' : ''}${unknown.length ? `unknown column(s) ${unknown.join(', ')}` : ''}; the header must be ${HEADER.join(',')}[,bound]`,
      },
    ]);
  }
  const units = metricUnits();
  const seen = new Map<string, number>();
  const stored = new Set(existing.map((r) => `${r.metric}|${r.scope}|${r.date}|${r.bound}`));
  const out: ActualRow[] = [];
  for (const { line, cells } of rows.slice(1)) {
    const get = (h: string) => (cells[col.get(h) ?? -1] ?? '').trim();
    const bad = (field: string, message: string) => issues.push({ file, line, field, message });
    if (cells.length > header.length)
      bad('', `${cells.length} cells but the header has ${header.length} columns (quote values that contain commas)`);
    const metric = get('metric');
    const unit = get('unit');
    const metricUnit = units.get(metric);
    if (!metric) bad('metric', 'is empty');
    else if (metricUnit === undefined) {
      const near = [...units.keys()].filter((k) => k.split('.')[0] === metric.split('.')[0]);
      bad(
        'metric',
        `unknown metric "${metric}"; known: ${(near.length ? near : [...units.keys()]).slice(0, 12).join(', ')} (twin actuals metrics lists all)`,
      );
    } else if (unit !== metricUnit)
      bad('unit', `"${unit}" does not match the unit of ${metric}, which is "${metricUnit}"; convert the value`);
    const scope = get('scope');
    if (!validScope(scope))
      bad(
        'scope',
        `unknown scope "${scope}"; use city, a district code (${DISTRICTS.join(', ')}), level:<province|city|county|town|village>, cloud:<public|admin>, site:<id> or link:<id>`,
      );
    const date = get('date');
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(date) ||
      Number.isNaN(Date.parse(`${date}T00:00:00Z`)) ||
      new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date
    ) {
      bad('date', `"${date}" is not an ISO date YYYY-MM-DD`);
    } else if (date < PLAN_START || date > PLAN_END)
      bad('date', `${date} is outside the plan period ${PLAN_START} … ${PLAN_END}`);
    const rawValue = get('value');
    const value = rawValue === '' ? NaN : Number(rawValue);
    if (!Number.isFinite(value)) bad('value', `"${rawValue}" is not a number`);
    else if (metricUnit !== undefined) {
      const [lo, hi] = UNIT_BOUNDS[metricUnit] ?? [-Infinity, Infinity];
      if (value < lo || value > hi)
        bad(
          'value',
          `${value} is outside the physical bounds of ${metricUnit} [${lo}, ${hi}]${metricUnit === 'share' && value > 1 && value <= 100 ? ' (write 0.85, not 85)' : ''}`,
        );
    }
    const source = get('source');
    if (!source) bad('source', 'is empty; say where the figure comes from');
    const boundRaw = col.has('bound') ? get('bound') || '=' : '=';
    if (!['=', '>=', '<='].includes(boundRaw)) bad('bound', `"${boundRaw}" must be =, >= or <=`);
    const bound = boundRaw as ActualRow['bound'];
    const key = `${metric}|${scope}|${date}|${bound}`;
    if (seen.has(key)) bad('', `duplicate of line ${seen.get(key)} (same metric, scope, date and bound)`);
    else if (stored.has(key))
      bad('', `already imported (same metric, scope, date and bound); remove the row or the stored one`);
    seen.set(key, line);
    out.push({ metric, scope, date, value, unit, source, note: get('note'), bound });
  }
  if (issues.length) throw new ActualsError(issues);
  return out;
}

/** The period of a series that contains a date, given the series' periods (monthly or yearly). */
export function periodIndexOf(periods: string[], date: string): number {
  for (let i = 0; i < periods.length; i++) {
    const p = periods[i]!;
    if (date.startsWith(p) && (p.length === 4 || p.length === 7 || p === date)) return i;
  }
  // The last period ending on or before the date (e.g. a yearly series and a mid-year date uses the previous year).
  let k = -1;
  for (let i = 0; i < periods.length; i++) if (periodEnd(periods[i]!) <= date) k = i;
  return k;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export interface Weighting {
  weights: Float64Array;
  ess: number;
  /** Observations that matched a series of the run and were used. */
  used: number;
  /** Observations without a matching series (other models, entities or periods). */
  unmatched: number;
  warning: string | null;
}

/**
 * Importance weights of replications given actuals (see the module comment for the observation model).
 * @example
 * // two replications of one series; the second matches the observed 0.6 exactly, the first is 1.7 σ off (σ = 0.03)
 * const values = Float64Array.of(0.55, 0.6);
 * const matrix = { reps: 2, keys: [{ metric: 'extranet.liveShare', entity: 'city', period: '2018' }], values };
 * const row = { metric: 'extranet.liveShare', scope: 'city', date: '2018-12-31', value: 0.6, unit: 'share',
 *   source: 'report', note: '', bound: '=' };
 * const w = importanceWeights(matrix, [row, { ...row, scope: '370303' }]);
 * Array.from(w.weights, (x) => x.toFixed(4)) // => ['0.1996', '0.8004']
 * [w.ess.toFixed(3), w.used, w.unmatched] // => ['1.470', 1, 1]
 */
export function importanceWeights(
  m: ReplicationMatrix,
  rows: ActualRow[],
  until = PLAN_END,
  errors = OBSERVATION_ERROR,
): Weighting {
  const logw = new Float64Array(m.reps);
  let used = 0;
  let unmatched = 0;
  for (const a of rows) {
    if (a.date > until) continue;
    const traj = alignedSeries(m, a.metric, a.scope);
    if (!traj) {
      unmatched++;
      continue;
    }
    const k = periodIndexOf(traj.periods, a.date);
    if (k < 0) {
      unmatched++;
      continue;
    }
    used++;
    const e = errors[a.unit] ?? DEFAULT_ERROR;
    const sigma = Math.max(e.abs, e.rel * Math.abs(a.value), 1e-9);
    for (let r = 0; r < m.reps; r++) {
      const sim = traj.values[r]![k]!;
      if (Number.isNaN(sim)) continue;
      const z = (sim - a.value) / sigma;
      if (a.bound === '=') logw[r]! += -0.5 * z * z;
      else logw[r]! += Math.log(Math.max(1e-300, normalCdf(a.bound === '>=' ? z : -z)));
    }
  }
  let max = -Infinity;
  for (const v of logw) max = Math.max(max, v);
  const weights = new Float64Array(m.reps);
  let s = 0;
  let s2 = 0;
  for (let r = 0; r < m.reps; r++) {
    const w = Math.exp(logw[r]! - max);
    weights[r] = w;
    s += w;
    s2 += w * w;
  }
  for (let r = 0; r < m.reps; r++) weights[r]! /= s;
  const ess = s2 > 0 ? (s * s) / s2 : 0;
  const minEss = Math.max(10, 0.1 * m.reps);
  const warning =
    used > 0 && ess < minEss
      ? `only ${ess.toFixed(1)} effective replications of ${m.reps} agree with the actuals (below ${minEss.toFixed(0)}): the re-forecast is unreliable; run more replications or check the actuals`
      : null;
  return { weights, ess, used, unmatched, warning };
}

/** Weighted type-7 P10/P50/P90 of every period of one (metric, entity) (NaN values and zero weights dropped). */
export function weightedBand(
  m: ReplicationMatrix,
  metric: string,
  entity: string,
  weights: ArrayLike<number>,
): Array<{ period: string; p10: number; p50: number; p90: number }> {
  const t = alignedSeries(m, metric, entity);
  if (!t) return [];
  return t.periods.map((period, k) => {
    const vs = new Float64Array(m.reps);
    for (let r = 0; r < m.reps; r++) vs[r] = t.values[r]![k]!;
    // Type 7 on the importance weights (models/lib/quantile.ts), so the re-forecast band means what the prior does.
    const [p10, p50, p90] = weightedQuantiles(vs, weights, [0.1, 0.5, 0.9]);
    return { period, p10: p10!, p50: p50!, p90: p90! };
  });
}

export interface Reforecast {
  runId: number;
  until: string;
  ess: number;
  replications: number;
  used: number;
  unmatched: number;
  warning: string | null;
  evaluations: Array<TargetEval & { pMetPrior: number }>;
  /** Weighted bands of the target series (metric, entity). */
  bands: Array<{ metric: string; entity: string; period: string; p10: number; p50: number; p90: number }>;
}

/**
 * Re-forecast a finished run on the stored actuals up to a date: weights per model (each model's replications are
 * weighted by the actuals about its own metrics), then targets and bands from the weighted ensemble.
 */
export function reforecast(store: Store, runId: number, targets: TargetDef[], until = PLAN_END): Reforecast {
  const run = store.run(runId);
  if (!run) throw new Error(`no run ${runId}`);
  if (run.status !== 'done') throw new Error(`run ${runId} is ${run.status}; re-forecast needs a finished run`);
  const stored = JSON.parse(run.scenarioJson) as { modelIds: string[] };
  const rows = listActuals(store).filter((a) => a.date <= until);
  const units = new Map<string, string>();
  for (const model of scenarioModels()) for (const mi of model.metrics ?? []) units.set(mi.id, model.id);
  const out: Reforecast = {
    runId,
    until,
    ess: run.replications,
    replications: run.replications,
    used: 0,
    unmatched: 0,
    warning: null,
    evaluations: [],
    bands: [],
  };
  let minEss = Infinity;
  const warnings: string[] = [];
  const banded = new Set<string>();
  for (const model of stored.modelIds) {
    const m = replicationMatrix(store, runId, model, run.replications);
    const mine = rows.filter((a) => units.get(a.metric) === model);
    const w = importanceWeights(m, mine, until);
    out.used += w.used;
    out.unmatched += w.unmatched;
    if (w.used > 0) minEss = Math.min(minEss, w.ess);
    if (w.warning) warnings.push(`${model}: ${w.warning}`);
    for (const t of targets.filter((x) => x.model === model)) {
      const reps = trajectories(m, t.metric, t.entity);
      const prior = evaluateTarget(t, reps);
      const post = evaluateTarget(t, reps, w.weights);
      out.evaluations.push({ ...post, pMetPrior: prior.pMet });
      // Several targets share a series (70 / 90 / 100 % of one district): one band per (metric, entity).
      const key = `${t.metric}\u0000${t.entity}`;
      if (banded.has(key)) continue;
      banded.add(key);
      for (const b of weightedBand(m, t.metric, t.entity, w.weights))
        out.bands.push({ metric: t.metric, entity: t.entity, ...b });
    }
  }
  out.ess = Number.isFinite(minEss) ? minEss : run.replications;
  out.warning = warnings.length ? warnings.join('\n') : null;
  return out;
}

/** All stored actuals, oldest first. */
export function listActuals(store: Store): ActualRow[] {
  return store.actuals();
}

/** Store validated rows in one transaction, with the file and import time as provenance. */
export function importActuals(store: Store, file: string): number {
  const rows = readActuals(file, listActuals(store));
  store.insertActuals(rows, file, new Date().toISOString());
  return rows.length;
}
