/**
 * Study inputs shared by `twin optimise` and `twin sensitivity`: lever and parameter-range specs
 * (`PATH=MIN:MAX[:STEP]@COST`, `PATH=MIN:MAX`), checked against the scenario schema by loading the scenario with the
 * extreme values as overrides, and target ids checked against the targets file. Every problem is a UsageError (one
 * line, exit code 2) raised before anything runs or is written.
 */
import { paramLabel, type CuratedLever, type TargetDef } from '../contract/index.ts';
import { testModels } from '../testbed-model.ts';
import { UsageError } from '../commands/common.ts';
import { formatIssue, loadScenario, ScenarioError, suggest, type LoadedScenario } from '../scenario.ts';

/** A scenario parameter a study varies. */
export interface StudyParam {
  /** Dotted path in the scenario, e.g. `rollout.collab.pPerMonth`. */
  path: string;
  min: number;
  max: number;
  /** Grid step (levers only). */
  step?: number;
  /** Cost per unit above the scenario's current value (levers only). */
  costPerUnit?: number;
  /** The scenario's current value (what costs nothing). */
  base: number;
  /** The schema asks for an integer. */
  integer: boolean;
}

/**
 * The overrides object that sets dotted paths to values.
 * @example overridesFor(['rollout.crews.perCounty'], [3]) // => { rollout: { crews: { perCounty: 3 } } }
 */
export function overridesFor(paths: readonly string[], values: readonly number[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  paths.forEach((p, i) => {
    const keys = p.split('.');
    let cur = out;
    for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
    cur[keys[keys.length - 1]!] = values[i]!;
  });
  return out;
}

/** The value at a dotted path of a merged scenario (undefined when absent). */
function valueAt(obj: unknown, p: string): unknown {
  let cur: unknown = obj;
  for (const k of p.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function num(flag: string, spec: string, what: string, text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`${flag} ${spec}: ${what} "${text ?? ''}" is not a number`);
  return n;
}

/**
 * Parse `PATH=MIN:MAX[:STEP][@COST]` (COST required when `needCost`). Syntax only; `checkParams` checks the path.
 * @example parseParamSpec('rollout.crews.perCounty=2:6:1@1.5', '--lever', true).costPerUnit // => 1.5
 */
export function parseParamSpec(spec: string, flag: string, needCost: boolean): Omit<StudyParam, 'base' | 'integer'> {
  const m = /^([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)=([^@]*?)(?:@(.*))?$/.exec(spec.trim());
  const form = needCost ? 'PATH=MIN:MAX[:STEP]@COST' : 'PATH=MIN:MAX';
  if (!m) throw new UsageError(`${flag} "${spec}": expected ${form}, e.g. rollout.crews.perCounty=2:6:1@1.5`);
  const [, p, range, cost] = m;
  const parts = range!.split(':');
  if (parts.length < 2 || parts.length > (needCost ? 3 : 2))
    throw new UsageError(`${flag} ${spec}: the range must be ${needCost ? 'MIN:MAX or MIN:MAX:STEP' : 'MIN:MAX'}`);
  const min = num(flag, spec, 'MIN', parts[0]);
  const max = num(flag, spec, 'MAX', parts[1]);
  if (min > max) throw new UsageError(`${flag} ${spec}: MIN ${min} > MAX ${max}; write the smaller value first`);
  if (!needCost && min === max) throw new UsageError(`${flag} ${spec}: MIN = MAX; give a range to vary over`);
  const out: Omit<StudyParam, 'base' | 'integer'> = { path: p!, min, max };
  if (parts[2] !== undefined) {
    const step = num(flag, spec, 'STEP', parts[2]);
    if (!(step > 0)) throw new UsageError(`${flag} ${spec}: STEP ${step} must be > 0`);
    if (max > min && Math.abs((max - min) / step - Math.round((max - min) / step)) > 1e-9)
      throw new UsageError(`${flag} ${spec}: STEP ${step} does not divide MAX − MIN = ${max - min}`);
    out.step = step;
  }
  if (needCost) {
    if (cost === undefined) throw new UsageError(`${flag} ${spec}: add the cost per unit, e.g. @2.5`);
    const c = num(flag, spec, 'COST', cost);
    out.costPerUnit = c;
  } else if (cost !== undefined) throw new UsageError(`${flag} ${spec}: a cost (@…) is only for --lever`);
  return out;
}

/** One line for a ScenarioError raised while checking a parameter. */
function firstIssue(e: ScenarioError): string {
  return e.issues.map((i) => formatIssue(i)).join('; ');
}

/**
 * Check parsed specs against the scenario's schema: each path must name a numeric parameter, and the scenario must
 * load with the parameter at MIN, MAX and MIN + STEP (ranges, integers). Returns them with base value and type.
 * @throws UsageError naming the flag, the path and the schema's message (with a did-you-mean for unknown keys).
 */
export function checkParams(
  file: string,
  loaded: LoadedScenario,
  specs: ReadonlyArray<Omit<StudyParam, 'base' | 'integer'>>,
  flag: string,
  scenariosDir?: string,
): StudyParam[] {
  const seen = new Set<string>();
  return specs.map((s) => {
    if (seen.has(s.path)) throw new UsageError(`${flag} ${s.path}: given twice`);
    seen.add(s.path);
    const probe = (v: number) => {
      try {
        loadScenario(file, { scenariosDir, overrides: overridesFor([s.path], [v]) });
      } catch (e) {
        if (e instanceof ScenarioError) throw new UsageError(`${flag} ${s.path}=${v}: ${firstIssue(e)}`);
        throw e;
      }
    };
    const base = valueAt(loaded.scenario, s.path);
    if (base === undefined) {
      // Let the schema say what is wrong (unknown key with a did-you-mean, or an optional field left unset).
      probe(s.min);
      throw new UsageError(
        `${flag} ${s.path}: the scenario does not set this parameter and it has no default; set it in the scenario first`,
      );
    }
    if (typeof base !== 'number')
      throw new UsageError(
        `${flag} ${s.path}: not a numeric parameter (its value is ${JSON.stringify(base).slice(0, 60)}); levers and ranges must be numbers`,
      );
    probe(s.min);
    probe(s.max);
    if (s.step !== undefined && s.max > s.min) probe(s.min + s.step);
    const integer =
      Number.isInteger(s.min) && Number.isInteger(s.max) && Number.isInteger(base) && isIntOnly(file, s, scenariosDir);
    return { ...s, base, integer };
  });
}

/** Whether the schema refuses a non-integer value of the parameter (probing min + 0.5). */
function isIntOnly(file: string, s: Omit<StudyParam, 'base' | 'integer'>, scenariosDir?: string): boolean {
  try {
    loadScenario(file, { scenariosDir, overrides: overridesFor([s.path], [Math.min(s.max, s.min + 0.5)]) });
    return false;
  } catch {
    return true;
  }
}

/**
 * The targets named by ids, each of a model the scenario runs.
 * @throws UsageError for an unknown id (with a did-you-mean) or a target whose model the scenario does not run.
 */
export function pickTargets(ids: readonly string[], all: readonly TargetDef[], loaded: LoadedScenario): TargetDef[] {
  if (ids.length === 0) throw new UsageError('--targets: give at least one target id (`twin targets` lists them)');
  return ids.map((id) => {
    const t = all.find((x) => x.id === id);
    if (!t)
      throw new UsageError(
        `--targets: unknown target "${id}"${suggest(
          id,
          all.map((x) => x.id),
        )}; \`twin targets\` lists the ids`,
      );
    if (!loaded.modelIds.includes(t.model))
      throw new UsageError(
        `--targets ${id}: its model "${t.model}" is not run by scenario ${loaded.scenario.name} (models: ${loaded.modelIds.join(', ')})`,
      );
    return t;
  });
}

/**
 * The levers the viewer's "What would it take?" panel offers: parameters a planner can buy more of, with a range
 * around the baseline, a grid step and a cost per unit in CNY. The costs are the team's assumptions (no budget lines
 * of the plan give them), stated in `costNote`; the CLI takes any lever and cost with `--lever`.
 */
const LEVERS: readonly Omit<CuratedLever, 'label'>[] = [
  {
    path: 'rollout.crews.perCounty',
    min: 2,
    max: 6,
    step: 1,
    costPerUnit: 800_000,
    unit: 'crews',
    costNote: 'assumption: a crew of five technicians with vehicle and tools for the 2017–2021 rollout, CNY 0.8 M',
  },
  {
    path: 'rollout.crews.villagePerCounty',
    min: 4,
    max: 10,
    step: 1,
    costPerUnit: 400_000,
    unit: 'crews',
    costNote: 'assumption: a two-person village crew for the rollout, CNY 0.4 M',
  },
  {
    path: 'rollout.crews.city',
    min: 6,
    max: 12,
    step: 1,
    costPerUnit: 800_000,
    unit: 'crews',
    costNote: 'assumption: as a county crew, CNY 0.8 M',
  },
  {
    path: 'clouds.migration.lanesPublic',
    min: 5,
    max: 12,
    step: 1,
    costPerUnit: 500_000,
    unit: 'lanes',
    costNote: "assumption: one more parallel migration team at the cloud provider's rates, CNY 0.5 M",
  },
  {
    path: 'clouds.migration.lanesAdmin',
    min: 7,
    max: 14,
    step: 1,
    costPerUnit: 500_000,
    unit: 'lanes',
    costNote: "assumption: one more parallel migration team at the cloud provider's rates, CNY 0.5 M",
  },
  {
    path: 'traffic.signals.delayReduction',
    min: 0.2,
    max: 0.4,
    step: 0.05,
    costPerUnit: 50_000_000,
    unit: 'share',
    costNote: 'assumption: better adaptive-signal control software and detectors, CNY 0.5 M per percentage point',
  },
];

/** The synthetic levers of the test model (engine/studies/levers-test-model.ts), offered only when it is registered. */
const TEST_LEVERS: readonly Omit<CuratedLever, 'label'>[] = [
  {
    path: 'leverstest.crews',
    min: 0,
    max: 10,
    step: 1,
    costPerUnit: 3,
    unit: 'count',
    costNote: 'synthetic',
  },
  {
    path: 'leverstest.speed',
    min: 0,
    max: 5,
    step: 0.5,
    costPerUnit: 2,
    unit: '1',
    costNote: 'synthetic',
  },
  {
    path: 'leverstest.sites',
    min: 0,
    max: 4,
    step: 1,
    costPerUnit: 5,
    unit: 'count',
    costNote: 'synthetic',
  },
];

/** The curated levers, with the synthetic test levers when the test models are registered (TWIN_TEST_MODELS=1). */
export function curatedLevers(): CuratedLever[] {
  return [...LEVERS, ...(testModels().some((m) => m.id === 'leverstest') ? TEST_LEVERS : [])].map(withLabel);
}

/** A lever's names come from the one parameter-name table (engine/contract/param-names.ts via paramLabel). */
const withLabel = (l: Omit<CuratedLever, 'label'>): CuratedLever => ({
  ...l,
  label: { 'zh-CN': paramLabel(l.path, 'zh-CN'), en: paramLabel(l.path, 'en') },
});

/** The curated levers of the shipped models (names from the parameter-name table). */
export const CURATED_LEVERS: readonly CuratedLever[] = LEVERS.map(withLabel);
