/**
 * ODME validation figures on Sioux Falls (prints; no assertions): true OD = the TNTP trips, counts = its UE flows on
 * a seeded 30 % of links, prior = true OD × lognormal noise (σ = 0.3); before/after fit of counted links, uncounted
 * links and OD against the truth, how far the OD moved, iterations, assignments and wall time, for seeds 1..5 and
 * both objectives. Run: npm run bench:odme
 */
import { readTntpFolder } from './tntp.ts';
import { sfExperiment } from './odme-sf.ts';
import { SIOUX_FALLS_DIR } from './shared-data.ts';

const c = readTntpFolder(SIOUX_FALLS_DIR);
console.log(`Sioux Falls: ${c.net.numLinks} links, ${c.net.numZones} zones, true demand ${c.demand.total.toFixed(0)}`);
console.log(
  'seed obj  GEH<5 %      RMSE          R²              uncounted RMSE  OD RMSE vs truth  corr(prior)  total OD         it  asg  s',
);
for (const objective of ['ls', 'geh'] as const) {
  for (let seed = 1; seed <= 5; seed++) {
    const t0 = performance.now();
    const x = sfExperiment(c.net, c.demand, seed, { odme: { objective } });
    const s = (performance.now() - t0) / 1000;
    const r = x.result;
    const pct = (v: number): string => (100 * v).toFixed(0).padStart(3);
    console.log(
      `${String(seed).padEnd(4)} ${objective.padEnd(4)} ${pct(r.before.gehBelow5)} → ${pct(r.after.gehBelow5)}   ` +
        `${r.before.rmse.toFixed(0).padStart(5)} → ${r.after.rmse.toFixed(0).padEnd(5)} ` +
        `${r.before.r2.toFixed(3)} → ${r.after.r2.toFixed(4)}  ` +
        `${x.uncountedRmsePrior.toFixed(0).padStart(5)} → ${x.uncountedRmseFitted.toFixed(0).padEnd(5)}  ` +
        `${x.odRmsePrior.toFixed(1).padStart(6)} → ${x.odRmseFitted.toFixed(1).padEnd(6)}  ` +
        `${r.change.correlation.toFixed(3).padEnd(11)}  ${r.change.totalPrior.toFixed(0)} → ${r.change.totalFitted.toFixed(0)}  ` +
        `${String(r.iterations).padStart(3)} ${String(r.assignments).padStart(4)}  ${s.toFixed(1)}`,
    );
  }
}
