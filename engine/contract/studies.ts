/**
 * Stored studies (`twin optimise`, `twin sensitivity`, and the server's "What would it take?" panel): the shapes the
 * store keeps as JSON, the API returns and the viewer and the report draw. Structural copies of the engine's and
 * models' own types (engine/studies/, models/lib/optimise.ts, models/lib/sensitivity/), so the viewer's bundle needs
 * nothing of the engine outside the contract.
 */
import { paramName } from './param-names.ts';
import { fmtMoneyCny, type Lang } from './format.ts';

/** What a study computes. */
export type StudyKind = 'optimise' | 'sensitivity';
/** A study's life: running until it finishes, fails or is cancelled. */
export type StudyStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** One row of the `studies` table without its (possibly large) spec and result. */
export interface StudySummary {
  id: number;
  kind: StudyKind;
  scenarioName: string;
  /** A finished run of the scenario the study started from (its latest), or null when there was none. */
  baseRunId: number | null;
  /** ISO timestamps. */
  createdAt: string;
  finishedAt: string | null;
  status: StudyStatus;
  error: string | null;
  /** Optimise: the target ids; sensitivity: the one target id (for listing without parsing the spec). */
  targets: string[];
}

/** A stored study with its spec and result. */
export interface StudyRecord<
  S = OptimiseSpec | SensitivitySpec,
  R = OptimiseData | SensitivityData,
> extends StudySummary {
  spec: S;
  /** Null while running (progress lives in the server's task) and for a failed or cancelled study. */
  result: R | null;
}

/** A lever of an optimise study: a numeric scenario parameter, its range and grid, and its cost. */
export interface StudyLever {
  /** Dotted path in the scenario, e.g. `rollout.crews.perCounty`. */
  path: string;
  min: number;
  max: number;
  step?: number;
  /** Cost per unit above the scenario's current value (CNY for the curated levers; any unit from the CLI). */
  costPerUnit: number;
  /** The scenario's current value (what costs nothing). */
  base: number;
  integer: boolean;
}

/** What an optimise study was asked. */
export interface OptimiseSpec {
  targets: string[];
  /** Required P(met) of every target. */
  p: number;
  levers: StudyLever[];
  /** First and largest replications per candidate, and the confirmation replications. */
  n0: number;
  nMax: number;
  confirm: number;
  maxCandidates: number;
  /** Unit of the cost, e.g. `CNY` (curated levers) or `1` (costs given on the command line). */
  costUnit: string;
}

/** One evaluated lever setting. */
export interface StudyCandidate {
  /** Order of evaluation (0 = the scenario as it is). */
  order: number;
  values: number[];
  cost: number;
  /** Replications used. */
  n: number;
  /** Per target (in the spec's order): P̂(met) and its Wilson bounds. */
  pHat: number[];
  lower: number[];
  upper: number[];
  /** Smallest P̂ over targets (the Pareto axis). */
  minP: number;
  feasible: boolean;
  /** On the cost vs min P(met) Pareto front. */
  pareto: boolean;
  /** The engine run that gave its widest evaluation, when stored. */
  run: number | null;
}

/** A confirmation of the best candidate on fresh replications. */
export interface StudyConfirmation {
  values: number[];
  cost: number;
  n: number;
  pHat: number[];
  lower: number[];
  upper: number[];
  passed: boolean;
}

/** An optimise study's result. */
export interface OptimiseData {
  candidates: StudyCandidate[];
  /** `order` of the recommended (confirmed) candidate, or null when none was found. */
  bestOrder: number | null;
  confirmations: StudyConfirmation[];
  stop: 'local-optimum' | 'budget' | 'start-infeasible' | string;
  replications: number;
  engineRuns: number;
  wallMs: number;
  /** The recommended what-if as YAML (extends the scenario, sets only the levers), or null. */
  whatIfYaml: string | null;
  /** Its name, and where the CLI wrote it (null when only stored here). */
  whatIfName: string | null;
  whatIfFile: string | null;
}

/** What a sensitivity study was asked. */
export interface SensitivitySpec {
  target: string;
  method: 'morris' | 'sobol';
  params: Array<{ path: string; min: number; max: number; base: number }>;
  /** Morris trajectories r, or the Saltelli base sample N. */
  n: number;
  replications: number;
  seed: number;
}

/** Sobol' indices of one parameter with bootstrap intervals [lo, hi]. */
export interface StudySobolIndex {
  name: string;
  s1: number;
  s1Ci: [number, number];
  st: number;
  stCi: [number, number];
}

/** Morris screening measures of one parameter. */
export interface StudyMorrisIndex {
  name: string;
  mu: number;
  muStar: number;
  sigma: number;
}

/** The indices of one output (the target's value at its deadline, or its P(met)). */
export interface StudyOutputIndices {
  output: 'value' | 'pMet';
  /** Why there are no indices (the output did not vary), else absent. */
  note?: string;
  morris?: StudyMorrisIndex[];
  sobol?: { indices: StudySobolIndex[]; n: number; variance: number; confidence: number };
}

/** A sensitivity study's result (design points left out: they stay in the CLI's JSON file). */
export interface SensitivityData {
  method: 'morris' | 'sobol';
  target: string;
  params: Array<{ path: string; min: number; max: number; base: number }>;
  replications: number;
  runs: number;
  wallMs: number;
  outputs: StudyOutputIndices[];
}

/** Live progress of a study the server runs (`GET /api/studies/:id` while running, and its event stream). */
export interface StudyProgress {
  /** Candidates evaluated so far and engine runs made. */
  evaluated: number;
  engineRuns: number;
  /** Cheapest feasible candidate so far, or null. */
  best: StudyCandidate | null;
  /** Every candidate so far (the table filling in). */
  candidates: StudyCandidate[];
}

/** A curated lever the viewer offers, with names in both languages (engine/studies/levers.ts lists them). */
export interface CuratedLever extends Omit<StudyLever, 'base' | 'integer'> {
  label: { 'zh-CN': string; en: string };
  /** Unit of the lever's value, e.g. `crews`, `1`. */
  unit: string;
  /** Why this cost: the assumption behind it. */
  costNote: string;
}

/**
 * Names of the synthetic test models' parameters (registered only with TWIN_TEST_MODELS=1). Every shipped model's
 * parameters are named in param-names.ts (one table for the what-if panel, the report, the cards and the studies).
 */
export const PARAM_LABELS: Record<string, { 'zh-CN': string; en: string }> = {
  'leverstest.crews': { 'zh-CN': '测试：施工队', en: 'test: crews' },
  'leverstest.speed': { 'zh-CN': '测试：速度', en: 'test: speed' },
  'leverstest.sites': { 'zh-CN': '测试：站点', en: 'test: sites' },
  'leverstest.a': { 'zh-CN': '测试：输入 a', en: 'test: input a' },
  'leverstest.b': { 'zh-CN': '测试：输入 b', en: 'test: input b' },
  'leverstest.c': { 'zh-CN': '测试：输入 c', en: 'test: input c' },
};

/**
 * A parameter's name (`model.path`) in a language, from param-names.ts, falling back to its dotted path.
 * @example paramLabel('rollout.crews.perCounty', 'zh-CN') // => '每个区县的施工队数'
 * @example paramLabel('leverstest.crews', 'en') // => 'test: crews'
 */
export function paramLabel(path: string, lang: 'zh-CN' | 'en'): string {
  const own = PARAM_LABELS[path];
  if (own) return own[lang];
  const dot = path.indexOf('.');
  const n = dot > 0 ? paramName(path.slice(0, dot), path.slice(dot + 1)) : undefined;
  return n ? (lang === 'zh-CN' ? n.zh : n.en) : path;
}

/**
 * A study's cost in its unit: money for CNY (万元/亿元, CNY m), else the number with "cost units".
 * @example fmtStudyCost(1_600_000, 'CNY', 'zh-CN') // => '160.0 万元'
 * @example fmtStudyCost(23, '1', 'en') // => '23 cost units'
 */
export function fmtStudyCost(v: number, unit: string, lang: Lang): string {
  if (unit === 'CNY') return fmtMoneyCny(v, lang);
  return `${String(+v.toPrecision(6))} ${lang === 'zh-CN' ? '成本单位' : 'cost units'}`;
}
