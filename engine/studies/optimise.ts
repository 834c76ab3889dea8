/**
 * `twin optimise` as a library: the cheapest lever setting whose targets all reach P(met) ≥ p, each candidate an
 * engine run of the scenario with the lever values as overrides (models/lib/optimise.ts picks the candidates; see
 * models/lib/optimise.md for the method), then the outputs a planner takes to a meeting: the recommended what-if as
 * YAML (extends the scenario, sets only the levers), the table of evaluated candidates (CSV and markdown) and a
 * cost vs P(met) chart with the Pareto front (SVG).
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { optimiseLevers, type Candidate, type OptimiseResult } from '../../models/lib/optimise.ts';
import { esc, type TargetDef } from '../contract/index.ts';

// The chart is drawn by the contract (the viewer draws the same one while a study runs).
export { paretoChart } from '../contract/index.ts';
import { overridesFor, type StudyParam } from './levers.ts';
import type { StudyRunner } from './runner.ts';

/** What `runOptimise` needs. */
export interface OptimiseStudy {
  runner: StudyRunner;
  levers: StudyParam[];
  targets: TargetDef[];
  p: number;
  /** First and largest replications per candidate, and the confirmation replications. */
  n0: number;
  nMax: number;
  confirm: number;
  maxCandidates?: number;
  onCandidate?: (c: Candidate, evaluated: number) => void;
}

/** The optimiser's result with the engine run that produced each candidate's widest evaluation. */
export interface OptimiseStudyResult extends OptimiseResult {
  runOf: Map<string, number>;
  wallMs: number;
  engineRuns: number;
}

/**
 * Run the optimisation. Each evaluation of replications [start, start + count) is the first start + count
 * replications of one engine run (cached per setting), so a setting classified with 32 then 64 replications costs
 * one run of 32 and one of 64.
 */
export async function runOptimise(s: OptimiseStudy): Promise<OptimiseStudyResult> {
  const t0 = performance.now();
  const paths = s.levers.map((l) => l.path);
  const runOf = new Map<string, number>();
  const result = await optimiseLevers(
    s.levers.map((l) => ({
      name: l.path,
      min: l.min,
      max: l.max,
      step: l.step ?? (l.integer ? 1 : (l.max - l.min) / 10 || 1),
      costPerUnit: l.costPerUnit ?? 0,
      base: l.base,
    })),
    async (values, { start, count }) => {
      const o = await s.runner.outcomes(overridesFor(paths, values), start + count);
      runOf.set(values.join(','), o.runId);
      return o.met.map((m) => {
        let k = 0;
        for (let r = start; r < start + count; r++) if (m[r] === 1) k++;
        return k;
      });
    },
    {
      p: s.p,
      n0: s.n0,
      nMax: s.nMax,
      confirmReplications: s.confirm,
      maxCandidates: s.maxCandidates,
      onCandidate: s.onCandidate,
    },
  );
  return { ...result, runOf, wallMs: performance.now() - t0, engineRuns: s.runner.runs.length };
}

const fmt = (v: number) => String(+v.toPrecision(6));
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** The candidates table as CSV (one row per candidate, per target P̂ and its Wilson bounds). */
export function candidatesCsv(r: OptimiseStudyResult, levers: StudyParam[], targets: TargetDef[]): string {
  const onFront = new Set(r.pareto.map((c) => c.order));
  const head = [
    'order',
    ...levers.map((l) => l.path),
    'cost',
    'replications',
    ...targets.flatMap((t) => [`pmet_${t.id}`, `lower_${t.id}`, `upper_${t.id}`]),
    'min_pmet',
    'feasible',
    'pareto',
    'run',
  ];
  const rows = r.candidates.map((c) =>
    [
      c.order,
      ...c.values.map(fmt),
      fmt(c.cost),
      c.n,
      ...targets.flatMap((_, i) => [fmt(c.pHat[i]!), fmt(c.lower[i]!), fmt(c.upper[i]!)]),
      fmt(c.minP),
      c.feasible ? 1 : 0,
      onFront.has(c.order) ? 1 : 0,
      r.runOf.get(c.values.join(',')) ?? '',
    ].join(','),
  );
  return [head.join(','), ...rows].join('\n') + '\n';
}

/** The candidates table and the confirmation as markdown, for a report or a meeting note. */
export function candidatesMarkdown(
  r: OptimiseStudyResult,
  levers: StudyParam[],
  targets: TargetDef[],
  p: number,
): string {
  const onFront = new Set(r.pareto.map((c) => c.order));
  const lines: string[] = [];
  lines.push(`# What would it take: ${targets.map((t) => t.id).join(', ')} at P(met) ≥ ${pct(p)}`, '');
  if (r.best) {
    const conf = r.confirmations.find((c) => c.passed);
    lines.push(
      `**Recommended**: ${levers.map((l, i) => `${l.path} = ${fmt(r.best!.values[i]!)} (now ${fmt(l.base)})`).join(', ')}; ` +
        `cost ${fmt(r.best.cost)}` +
        (conf
          ? `; confirmed on ${conf.n} fresh replications: ${targets.map((t, i) => `${t.id} ${pct(conf.pHat[i]!)} [${pct(conf.lower[i]!)}, ${pct(conf.upper[i]!)}]`).join(', ')}`
          : ''),
      '',
    );
  } else lines.push(`**No setting found** (${r.stop}): no candidate was confirmed at P(met) ≥ ${pct(p)}.`, '');
  lines.push(
    `${r.candidates.length} candidates, ${r.replications} replications, ${r.engineRuns} engine runs, ${(r.wallMs / 1000).toFixed(1)} s; stop: ${r.stop}.`,
    '',
  );
  lines.push(
    `| # | ${levers.map((l) => esc(l.path)).join(' | ')} | cost | reps | ${targets.map((t) => `P(met) ${esc(t.id)}`).join(' | ')} | feasible | Pareto |`,
  );
  lines.push(`| ${['#', ...levers, 'c', 'n', ...targets, 'f', 'p'].map(() => '---').join(' | ')} |`);
  for (const c of r.candidates)
    lines.push(
      `| ${c.order} | ${c.values.map(fmt).join(' | ')} | ${fmt(c.cost)} | ${c.n} | ${targets
        .map((_, i) => `${pct(c.pHat[i]!)} [${pct(c.lower[i]!)}, ${pct(c.upper[i]!)}]`)
        .join(' | ')} | ${c.feasible ? 'yes' : 'no'} | ${onFront.has(c.order) ? '◆' : ''} |`,
    );
  if (r.confirmations.length) {
    lines.push('', '| confirmation | cost | reps | ' + targets.map((t) => esc(t.id)).join(' | ') + ' | passed |');
    lines.push(`| ${['v', 'c', 'n', ...targets, 'p'].map(() => '---').join(' | ')} |`);
    for (const c of r.confirmations)
      lines.push(
        `| ${c.values.map(fmt).join(', ')} | ${fmt(c.cost)} | ${c.n} | ${c.pHat.map(pct).join(' | ')} | ${c.passed ? 'yes' : 'no'} |`,
      );
  }
  return lines.join('\n') + '\n';
}

/** A file name that does not exist yet: `name.yaml`, else `name-2.yaml`, … (a study never overwrites a what-if). */
export function freshPath(file: string): string {
  if (!existsSync(file)) return file;
  const ext = path.extname(file);
  const stem = file.slice(0, file.length - ext.length);
  for (let i = 2; ; i++) if (!existsSync(`${stem}-${i}${ext}`)) return `${stem}-${i}${ext}`;
}

/**
 * The recommended what-if: extends the scenario by name and sets only the levers.
 * @example whatIfYaml('baseline', 'baseline-optimised', 'why', [{ path: 'rollout.crews.perCounty' }], [3]).includes('perCounty: 3') // => true
 */
export function whatIfYaml(
  parentName: string,
  name: string,
  description: string,
  levers: StudyParam[],
  values: readonly number[],
): string {
  const doc = {
    name,
    description,
    extends: parentName,
    ...overridesFor(
      levers.map((l) => l.path),
      values,
    ),
  };
  return `# Written by \`twin optimise\`; run it with \`twin run ${name}\`.\n${stringify(doc, { lineWidth: 0 })}`;
}

/** Write a file whole or not at all (temporary file + rename). */
export function writeWhole(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
