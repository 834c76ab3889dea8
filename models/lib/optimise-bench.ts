/**
 * Bench of the inverse-planning core on the synthetic problem of optimise.test.ts with a known optimum (prints; no
 * assertions): per seed the answer, candidates classified, replications, wall time; then one run's candidate table
 * and Pareto front (cost vs min P̂). Run: npm run bench:optimise
 */
import { optimiseLevers, type Lever } from './optimise.ts';
import { createRng, mixSeed } from './rng.ts';

const levers: Lever[] = [
  { name: 'crews', min: 0, max: 10, costPerUnit: 3 },
  { name: 'speed', min: 0, max: 5, step: 0.5, costPerUnit: 2 },
  { name: 'sites', min: 0, max: 4, costPerUnit: 5 },
];
const sig = (t: number): number => 1 / (1 + Math.exp(-t));
const prob = (x: readonly number[]): number[] => [
  sig(-6 + 0.9 * x[0]! + 1.2 * x[1]! + 0.5 * x[2]!),
  sig(-5 + 0.3 * x[0]! + 0.8 * x[1]! + 1.5 * x[2]!),
];
const evaluate =
  (seed: number) =>
  (x: readonly number[], reps: { start: number; count: number }): number[] => {
    const p = prob(x);
    const met = p.map(() => 0);
    for (let r = reps.start; r < reps.start + reps.count; r++) {
      const rng = createRng(mixSeed(seed, r));
      for (let t = 0; t < p.length; t++) if (rng.next() < p[t]!) met[t]!++;
    }
    return met;
  };

console.log('known optimum (brute force over 605 lattice points): crews 1, speed 5, sites 2, cost 23, min P 0.870');
console.log('seed  answer          cost  candidates  replications  confirmations  ms');
for (let seed = 1; seed <= 8; seed++) {
  const t0 = performance.now();
  const r = await optimiseLevers(levers, evaluate(seed), { p: 0.8 });
  const ms = performance.now() - t0;
  console.log(
    `${String(seed).padEnd(5)} ${JSON.stringify(r.best?.values ?? null).padEnd(15)} ${String(r.best?.cost ?? '-').padEnd(5)} ` +
      `${String(r.candidates.length).padEnd(11)} ${String(r.replications).padEnd(13)} ` +
      `${String(r.confirmations.length).padEnd(14)} ${ms.toFixed(0)}`,
  );
}
const r = await optimiseLevers(levers, evaluate(1), { p: 0.8 });
console.log('\nseed 1 candidates (order, values, cost, n, P̂ per target, feasible):');
for (const c of r.candidates)
  console.log(
    `  ${String(c.order).padStart(2)} ${JSON.stringify(c.values).padEnd(13)} ${String(c.cost).padStart(3)} ` +
      `n=${String(c.n).padEnd(4)} ${c.pHat.map((q) => q.toFixed(3)).join(' ')} ${c.feasible ? 'feasible' : ''}`,
  );
console.log('Pareto front (cost → min P̂):', r.pareto.map((c) => `${c.cost}→${c.minP.toFixed(3)}`).join('  '));
for (const c of r.confirmations)
  console.log(
    `confirmation ${JSON.stringify(c.values)} on ${c.n} fresh replications: P̂ ${c.pHat.join(', ')} ${c.passed}`,
  );
