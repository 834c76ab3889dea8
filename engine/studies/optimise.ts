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
import { esc, niceTicks, type TargetDef } from '../contract/index.ts';
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

/**
 * Cost vs min-over-targets P̂ of every candidate, the Pareto front as a step line, the required p as a dashed line and
 * the recommended setting ringed.
 * @example paretoChart({ title: 't', p: 0.8, points: [{ cost: 1, minP: 0.5, front: true }] }).startsWith('<svg') // => true
 */
export function paretoChart(o: {
  title: string;
  p: number;
  points: Array<{ cost: number; minP: number; front: boolean; best?: boolean; label?: string }>;
  width?: number;
  height?: number;
}): string {
  const W = o.width ?? 520;
  const H = o.height ?? 300;
  const m = { l: 52, r: 16, t: 30, b: 40 };
  const costs = o.points.map((q) => q.cost);
  let c0 = Math.min(0, ...costs);
  let c1 = Math.max(...costs, c0 + 1e-9);
  const ticks = niceTicks(c0, c1);
  c0 = Math.min(c0, ticks[0]!);
  c1 = Math.max(c1, ticks[ticks.length - 1]!);
  const X = (c: number) => m.l + ((c - c0) / (c1 - c0 || 1)) * (W - m.l - m.r);
  const Y = (p: number) => H - m.b - p * (H - m.t - m.b);
  const parts: string[] = [];
  for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1])
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(t)}" y2="${Y(t)}" stroke="#e3e8ee"/><text x="${m.l - 6}" y="${Y(t) + 3}" font-size="10" text-anchor="end" fill="#444">${t * 100}%</text>`,
    );
  for (const t of ticks)
    parts.push(
      `<text x="${X(t).toFixed(1)}" y="${H - m.b + 14}" font-size="10" text-anchor="middle" fill="#444">${t}</text>`,
    );
  parts.push(
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 6}" font-size="10" text-anchor="middle">cost (lever units × cost per unit)</text>`,
  );
  parts.push(
    `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(o.p)}" y2="${Y(o.p)}" stroke="#c0392b" stroke-dasharray="4 3"><title>required P(met) ${pct(o.p)}</title></line>`,
  );
  const front = o.points.filter((q) => q.front).sort((a, b) => a.cost - b.cost);
  if (front.length > 1) {
    let d = `M${X(front[0]!.cost).toFixed(1)},${Y(front[0]!.minP).toFixed(1)}`;
    for (const q of front.slice(1)) d += ` H${X(q.cost).toFixed(1)} V${Y(q.minP).toFixed(1)}`;
    parts.push(`<path d="${d}" fill="none" stroke="#1f6fb2" stroke-width="1.5"/>`);
  }
  for (const q of o.points) {
    const tip = `${q.label ?? ''} cost ${fmt(q.cost)}, min P(met) ${pct(q.minP)}`.trim();
    parts.push(
      `<circle cx="${X(q.cost).toFixed(1)}" cy="${Y(q.minP).toFixed(1)}" r="${q.front ? 4 : 3}" fill="${q.front ? '#1f6fb2' : '#9aa5b1'}"><title>${esc(tip)}</title></circle>`,
    );
    if (q.best)
      parts.push(
        `<circle cx="${X(q.cost).toFixed(1)}" cy="${Y(q.minP).toFixed(1)}" r="8" fill="none" stroke="#c0392b" stroke-width="2"><title>recommended</title></circle>`,
      );
  }
  parts.push(`<text x="8" y="16" font-size="12" font-weight="600">${esc(o.title)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui,sans-serif">${parts.join('')}</svg>`;
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
