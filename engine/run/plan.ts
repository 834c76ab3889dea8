/**
 * Plan: the jobs of a scenario as plain data (model, year, replication, derived seed), and the run record that holds
 * them in the store. Nothing here runs a job, so the same plan feeds the local pool or any other executor.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mixSeed } from '../../models/lib/rng.ts';
import type { JobSpec } from '../../models/types.ts';
import { ENGINE_ROOT } from '../paths.ts';
import { scenarioModels, type LoadedScenario, type Scenario } from '../scenario.ts';
import type { JobRow, Store } from '../store.ts';
import { networkProvenance } from '../network/provenance.ts';
import type { NetworkInfo } from '../../data/networks.ts';

/** What a stored run keeps of its scenario (runs.scenario_json), enough to rebuild every job's spec. */
export interface StoredScenario {
  scenario: Scenario;
  modelIds: string[];
  years: number[];
  /** Name and content hash of the road network each traffic model runs on (provenance). */
  networks?: Record<string, NetworkInfo>;
}

/** The code version stored with each run: `git describe`, else the package version. */
export function codeVersion(): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty', '--tags'], {
      cwd: ENGINE_ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    const pkg = JSON.parse(readFileSync(path.join(ENGINE_ROOT, 'package.json'), 'utf8'));
    return `v${pkg.version}`;
  }
}

/**
 * How new runs derive their job seeds, recorded with each run (runs.seed_rule) so that provenance says which rule made
 * its numbers. `crn-v2`: mixSeed(master seed, model, year, replication), no scenario content, so two scenarios share
 * their random numbers (common random numbers) and a what-if that changes only the rollout leaves the greenhouse
 * results bit-identical. Runs stored before it carry `hash-v1` (the scenario hash was mixed in); their jobs keep the
 * seeds stored in the jobs table, so resuming one never re-derives a seed.
 */
export const SEED_RULE = 'crn-v2';

/**
 * The seed of one job under the current rule (SEED_RULE): master seed, model, year (0 for whole-period jobs) and
 * replication only.
 * @example jobSeed(1, 'greenhouse', 2019, 3) === jobSeed(1, 'greenhouse', 2019, 3) // => true
 */
export function jobSeed(masterSeed: number, model: string, year: number, replication: number): number {
  return mixSeed(masterSeed, model, year, replication);
}

/**
 * The job list of a scenario, in a fixed order: model (registry order) × year × replication, or model × replication
 * for whole-period models. Seeds derive from the master seed and the job's identity only (SEED_RULE), never from the
 * scenario's content.
 * @example
 * // rollout runs once over the whole period, greenhouse once a year: 2 + 2 × 2 jobs for 2 replications
 * const jobs = planJobs({ modelIds: ['rollout', 'greenhouse'], years: [2017, 2018], scenario: {} }, 1, 2);
 * jobs.map((j) => j.model) // => ['rollout', 'rollout', 'greenhouse', 'greenhouse', 'greenhouse', 'greenhouse']
 * jobs.map((j) => [j.year, j.replication]) // => [[null, 0], [null, 1], [2017, 0], [2017, 1], [2018, 0], [2018, 1]]
 * jobs.every((j) => j.seed === jobSeed(1, j.model, j.year ?? 0, j.replication) && j.status === 'pending') // => true
 */
export function planJobs(
  l: Pick<LoadedScenario, 'modelIds' | 'years' | 'scenario'>,
  seed: number,
  replications: number,
): JobRow[] {
  const jobs: JobRow[] = [];
  const byId = new Map(scenarioModels().map((m) => [m.id, m]));
  for (const id of l.modelIds) {
    const m = byId.get(id)!;
    const years = m.grain === 'year' ? l.years : [l.years[0]!];
    const reps = m.replications
      ? Math.max(1, Math.min(replications, Math.floor(m.replications(l.scenario[id], replications))))
      : replications;
    for (const y of years) {
      for (let r = 0; r < reps; r++) {
        jobs.push({
          idx: jobs.length,
          model: id,
          year: m.grain === 'year' ? y : null,
          replication: r,
          seed: jobSeed(seed, id, m.grain === 'year' ? y : 0, r),
          status: 'pending',
          attempts: 0,
        });
      }
    }
  }
  return jobs;
}

/**
 * The common-random-numbers seed of a job: neither scenario hash nor year, so replication r of a baseline and of a
 * what-if, in every year, share it (a model wanting yearly variation mixes the year in itself).
 * @example
 * // the same for any scenario and year; another replication draws other numbers
 * [crnSeed(1, 'traffic', 3) === crnSeed(1, 'traffic', 3), crnSeed(1, 'traffic', 3) === crnSeed(1, 'traffic', 4)] // => [true, false]
 */
export function crnSeed(masterSeed: number, model: string, replication: number): number {
  return mixSeed(masterSeed, 'crn', model, replication);
}

/**
 * The spec a worker gets for a stored job (attempt 1; the dispatcher sets the attempt it sends). Throws when the
 * job's model is not registered in this build (a run stored by another version of the code).
 * @example
 * const stored = { scenario: {}, modelIds: ['rollout'], years: [2017, 2018] };
 * const job = { idx: 0, model: 'rollout', year: null, replication: 2, seed: 77, status: 'pending', attempts: 0 };
 * const spec = jobSpec(stored, 1, job);
 * [spec.model, spec.years, spec.replication, spec.attempt, spec.seed] // => ['rollout', [2017, 2018], 2, 1, 77]
 * spec.crnSeed === crnSeed(1, 'rollout', 2) // => true
 * jobSpec(stored, 1, { ...job, model: 'old-model' }) // throws 'model "old-model" is no longer registered'
 */
export function jobSpec(stored: StoredScenario, masterSeed: number, j: JobRow): JobSpec {
  const model = scenarioModels().find((m) => m.id === j.model);
  if (!model) throw new Error(`job ${describeJob(j)}: model "${j.model}" is no longer registered`);
  return {
    model: j.model,
    years: j.year === null ? stored.years : [j.year],
    replication: j.replication,
    attempt: j.attempts + 1,
    seed: j.seed,
    crnSeed: crnSeed(masterSeed, model.crnKey ?? j.model, j.replication),
  };
}

/** A job as people read it in messages: `#12 (model traffic, year 2018, replication 3)`. */
export function describeJob(j: Pick<JobRow, 'idx' | 'model' | 'year' | 'replication'>): string {
  return `#${j.idx} (model ${j.model}${j.year !== null ? `, year ${j.year}` : ''}, replication ${j.replication})`;
}

/**
 * Write a run and its planned jobs (status `pending`) without executing them; `resumeRun` executes it later. Used by
 * `startRun` and by the server, whose queued runs need their id at once.
 * @example const id = createRunRecord(loaded, store, 2, { replications: 10 }); await resumeRun(id, store, pool);
 */
export function createRunRecord(
  l: LoadedScenario,
  store: Store,
  threads: number,
  opts: { replications?: number; seed?: number; scenarioFile?: string } = {},
): number {
  const seed = opts.seed ?? l.scenario.seed;
  const replications = opts.replications ?? l.scenario.replications;
  const scenario: Scenario = { ...l.scenario, seed, replications };
  const stored: StoredScenario = {
    scenario,
    modelIds: l.modelIds,
    years: l.years,
    networks: networkProvenance(l.scenario, l.modelIds),
  };
  return store.createRun(
    {
      scenarioName: scenario.name,
      scenarioFile:
        opts.scenarioFile ?? (l.file.startsWith(ENGINE_ROOT + path.sep) ? path.relative(ENGINE_ROOT, l.file) : l.file),
      scenarioHash: l.hash,
      scenario: stored,
      seed,
      replications,
      codeVersion: codeVersion(),
      threads,
      seedRule: SEED_RULE,
    },
    planJobs(l, seed, replications),
  );
}
