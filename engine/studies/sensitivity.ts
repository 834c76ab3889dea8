/**
 * `twin sensitivity` as a library: global sensitivity of one target over scenario parameters with ranges, each design
 * point an engine run of the scenario with the point's values as overrides (a few replications). Two outputs per
 * point: the target's value at its deadline (mean over the point's replications) and P(met) (share of them meeting
 * it). Methods from models/lib/sensitivity/: Morris screening (μ*, σ; r·(d + 1) runs) and Sobol' first- and total-order
 * indices (Saltelli design, Saltelli 2010 / Jansen 1999 estimators, bootstrap intervals; N·(d + 2) runs).
 */
import { createRng } from '../../models/lib/rng.ts';
import { morrisDesign, morrisIndices, saltelliDesign, sobolIndices } from '../../models/lib/sensitivity/index.ts';
import type { MorrisIndex, SobolIndex } from '../../models/lib/sensitivity/index.ts';
import type { TargetDef } from '../contract/index.ts';
import { overridesFor, type StudyParam } from './levers.ts';
import type { StudyRunner } from './runner.ts';

/** One output's indices. */
export interface OutputIndices {
  output: 'value' | 'pMet';
  /** Why there are no indices (the output did not vary over the design), else undefined. */
  note?: string;
  morris?: MorrisIndex[];
  sobol?: { indices: SobolIndex[]; n: number; variance: number; confidence: number };
}

/** A finished study. */
export interface SensitivityStudyResult {
  method: 'morris' | 'sobol';
  target: string;
  params: Array<Pick<StudyParam, 'path' | 'min' | 'max' | 'base'>>;
  replications: number;
  /** Design points (engine runs) and wall time. */
  runs: number;
  wallMs: number;
  outputs: OutputIndices[];
  /** Every point: values, mean value at the deadline, P(met). */
  points: Array<{ x: number[]; value: number; pMet: number; run: number }>;
}

/** Options of `runSensitivity`. */
export interface SensitivityStudy {
  runner: StudyRunner;
  target: TargetDef;
  params: StudyParam[];
  method: 'morris' | 'sobol';
  /** Morris trajectories r, or the Saltelli base sample N. */
  n: number;
  replications: number;
  seed: number;
  onPoint?: (done: number, total: number) => void;
}

/**
 * Run the design through the engine and compute the indices of both outputs.
 * @throws Error when a run fails (the CLI reports it with exit code 1).
 */
export async function runSensitivity(s: SensitivityStudy): Promise<SensitivityStudyResult> {
  const t0 = performance.now();
  const factors = s.params.map((p) => ({ name: p.path, lo: p.min, hi: p.max }));
  const d = factors.length;
  const paths = s.params.map((p) => p.path);
  let rows: Float64Array;
  let morris: ReturnType<typeof morrisDesign> | undefined;
  let saltelli: ReturnType<typeof saltelliDesign> | undefined;
  if (s.method === 'morris') {
    morris = morrisDesign(factors, s.n, createRng(s.seed));
    rows = morris.x;
  } else {
    saltelli = saltelliDesign(factors, s.n);
    rows = new Float64Array(saltelli.n * d * (d + 2));
    rows.set(saltelli.a, 0);
    rows.set(saltelli.b, saltelli.a.length);
    saltelli.ab.forEach((m, i) => rows.set(m, (2 + i) * saltelli!.a.length));
  }
  const count = rows.length / d;
  const points: SensitivityStudyResult['points'] = [];
  const value = new Float64Array(count);
  const pMet = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const x = Array.from(rows.subarray(k * d, (k + 1) * d), (v, i) => (s.params[i]!.integer ? Math.round(v) : v));
    const o = await s.runner.outcomes(overridesFor(paths, x), s.replications);
    let sv = 0;
    let nv = 0;
    let sm = 0;
    let nm = 0;
    for (let r = 0; r < s.replications; r++) {
      const v = o.value[0]![r]!;
      const m = o.met[0]![r]!;
      if (!Number.isNaN(v)) {
        sv += v;
        nv++;
      }
      if (!Number.isNaN(m)) {
        sm += m;
        nm++;
      }
    }
    value[k] = nv ? sv / nv : NaN;
    pMet[k] = nm ? sm / nm : NaN;
    points.push({ x, value: value[k]!, pMet: pMet[k]!, run: o.runId });
    s.onPoint?.(k + 1, count);
  }
  const outputs: OutputIndices[] = (['value', 'pMet'] as const).map((output) => {
    const y = output === 'value' ? value : pMet;
    if (y.some(Number.isNaN)) return { output, note: 'the target has no data at some design points' };
    const lo = Math.min(...y);
    const hi = Math.max(...y);
    if (!(hi > lo)) return { output, note: `constant (${lo}) over the design: no parameter moves it in these ranges` };
    if (morris) return { output, morris: morrisIndices(paths, morris, y) };
    const n = saltelli!.n;
    const seg = (i: number) => y.subarray(i * n, (i + 1) * n);
    const r = sobolIndices(
      paths,
      seg(0),
      seg(1),
      Array.from({ length: d }, (_, i) => seg(2 + i)),
      { seed: s.seed },
    );
    return { output, sobol: { indices: r.indices, n: r.n, variance: r.variance, confidence: r.confidence } };
  });
  return {
    method: s.method,
    target: s.target.id,
    params: s.params.map((p) => ({ path: p.path, min: p.min, max: p.max, base: p.base })),
    replications: s.replications,
    runs: count,
    wallMs: performance.now() - t0,
    outputs,
    points,
  };
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');

/** The indices as a plain-text table (what the command prints). */
export function sensitivityTable(r: SensitivityStudyResult): string {
  const w = Math.max(9, ...r.params.map((p) => p.path.length));
  const out: string[] = [];
  for (const o of r.outputs) {
    const what = o.output === 'value' ? `value of ${r.target} at its deadline` : `P(met) of ${r.target}`;
    out.push(`${r.method === 'morris' ? 'Morris screening' : "Sobol' indices"} of the ${what}`);
    if (o.note) {
      out.push(`  ${o.note}`, '');
      continue;
    }
    if (o.morris) {
      out.push(
        `  ${'parameter'.padEnd(w)}  ${'range'.padEnd(21)}  ${'μ*'.padStart(10)}  ${'μ'.padStart(10)}  ${'σ'.padStart(10)}`,
      );
      const sorted = [...o.morris].sort((a, b) => b.muStar - a.muStar);
      for (const m of sorted) {
        const p = r.params.find((q) => q.path === m.name)!;
        out.push(
          `  ${m.name.padEnd(w)}  ${`${p.min} – ${p.max}`.padEnd(21)}  ${m.muStar.toPrecision(4).padStart(10)}  ${m.mu.toPrecision(4).padStart(10)}  ${m.sigma.toPrecision(4).padStart(10)}`,
        );
      }
    } else if (o.sobol) {
      const c = Math.round(o.sobol.confidence * 100);
      out.push(
        `  ${'parameter'.padEnd(w)}  ${'S1'.padStart(7)}  ${`${c} % interval`.padEnd(17)}  ${'ST'.padStart(7)}  ${`${c} % interval`}`,
      );
      const sorted = [...o.sobol.indices].sort((a, b) => b.st - a.st);
      for (const x of sorted)
        out.push(
          `  ${x.name.padEnd(w)}  ${f3(x.s1).padStart(7)}  ${`[${f3(x.s1Ci[0])}, ${f3(x.s1Ci[1])}]`.padEnd(17)}  ${f3(x.st).padStart(7)}  [${f3(x.stCi[0])}, ${f3(x.stCi[1])}]`,
        );
    }
    out.push('');
  }
  out.push(
    `${r.runs} engine runs × ${r.replications} replications, ${(r.wallMs / 1000).toFixed(1)} s. Morris μ* is the output change per whole range of the parameter; Sobol' S1 the share of the output variance a parameter explains alone, ST with its interactions.`,
  );
  return out.join('\n') + '\n';
}

/** The indices as CSV: output, method, parameter, range, and μ*, μ, σ or S1, ST with intervals. */
export function sensitivityCsv(r: SensitivityStudyResult): string {
  const lines = ['output,method,parameter,min,max,mu_star,mu,sigma,s1,s1_lo,s1_hi,st,st_lo,st_hi'];
  for (const o of r.outputs) {
    for (const p of r.params) {
      const m = o.morris?.find((x) => x.name === p.path);
      const s = o.sobol?.indices.find((x) => x.name === p.path);
      lines.push(
        [
          o.output,
          r.method,
          p.path,
          p.min,
          p.max,
          m?.muStar ?? '',
          m?.mu ?? '',
          m?.sigma ?? '',
          s?.s1 ?? '',
          s?.s1Ci[0] ?? '',
          s?.s1Ci[1] ?? '',
          s?.st ?? '',
          s?.stCi[0] ?? '',
          s?.stCi[1] ?? '',
        ].join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}
