/**
 * Bench and validation figures for the sensitivity library (prints; no assertions): Sobol' indices of the Ishigami
 * function at growing N with the largest error against the analytic values, wall time, and Morris μ*, σ.
 * Run: npm run bench:sensitivity
 */
import { createRng } from '../rng.ts';
import { morrisAnalysis, sobolAnalysis, type Factor } from './index.ts';

const a = 7;
const b = 0.1;
const pi = Math.PI;
const ishigami = (x: Float64Array): number =>
  Math.sin(x[0]!) + a * Math.sin(x[1]!) ** 2 + b * x[2]! ** 4 * Math.sin(x[0]!);
const factors: Factor[] = ['x1', 'x2', 'x3'].map((name) => ({ name, lo: -pi, hi: pi }));
const v1 = 0.5 * (1 + (b * pi ** 4) / 5) ** 2;
const v2 = a ** 2 / 8;
const v13 = b ** 2 * pi ** 8 * (1 / 18 - 1 / 50);
const v = v1 + v2 + v13;
const s1 = [v1 / v, v2 / v, 0];
const st = [(v1 + v13) / v, v2 / v, v13 / v];
console.log(`Ishigami analytic: S1 = ${s1.map((x) => x.toFixed(4)).join(', ')}; ST = ${st.map((x) => x.toFixed(4))}`);
console.log('N      runs     ms  S1 (95 % CI)                                  ST                      max |err|');
for (const n of [512, 1024, 2048, 4096, 8192, 16384]) {
  const t0 = performance.now();
  const r = sobolAnalysis(factors, ishigami, n, { bootstrap: 1000, seed: 1 });
  const ms = performance.now() - t0;
  const err = Math.max(...r.indices.flatMap((k, i) => [Math.abs(k.s1 - s1[i]!), Math.abs(k.st - st[i]!)]));
  const f = (x: number): string => x.toFixed(3).padStart(6);
  console.log(
    `${String(n).padEnd(6)} ${String(r.runs).padEnd(8)} ${ms.toFixed(0).padStart(4)}  ` +
      r.indices.map((k) => `${f(k.s1)} [${f(k.s1Ci[0])},${f(k.s1Ci[1])}]`).join(' ') +
      '  ' +
      r.indices.map((k) => f(k.st)).join(' ') +
      `  ${err.toFixed(4)}`,
  );
}
for (const r of [20, 100, 1000]) {
  const t0 = performance.now();
  const m = morrisAnalysis(factors, ishigami, r, createRng(1));
  const ms = performance.now() - t0;
  console.log(
    `Morris r=${r} (${r * 4} runs, ${ms.toFixed(0)} ms): ` +
      m.map((k) => `${k.name} μ*=${k.muStar.toFixed(2)} σ=${k.sigma.toFixed(2)}`).join('  '),
  );
}
