/** `twin hindcast [RUN] [--json]`: a finished run's P10–P90 and CRPS against every stored actual, per model family. */
import type { Command } from 'commander';
import { toJson } from '../contract/index.ts';
import { type Hindcast, hindcastRun } from '../hindcast.ts';
import { fmtPct, resolveRun, withDbOption, withStore } from './common.ts';

const num = (x: number, digits = 3) => (Number.isNaN(x) ? '—' : x.toFixed(digits));

/**
 * The hindcast as text: one line per actual (date, metric, scope, actual, P10–P90, inside, CRPS), then one line per
 * model family with the counts behind its coverage and mean CRPS.
 * @example hindcastTable({ rows: [], families: [], unmatched: 0 }, 1).split('\n')[0] // => 'hindcast of run 1 on 0 actuals (0 without a matching series); band P10–P90 (nominal coverage 80%)'
 */
export function hindcastTable(h: Hindcast, runId: number): string {
  const lines = [
    `hindcast of run ${runId} on ${h.rows.length} actuals (${h.unmatched} without a matching series); band P10–P90 (nominal coverage 80%)`,
    '',
    [
      'date'.padEnd(10),
      'metric'.padEnd(26),
      'scope'.padEnd(12),
      'actual'.padStart(10),
      'P10'.padStart(9),
      'P90'.padStart(9),
      'inside',
      'CRPS'.padStart(8),
    ].join('  '),
  ];
  for (const r of h.rows)
    lines.push(
      [
        r.date.padEnd(10),
        r.metric.padEnd(26),
        r.scope.padEnd(12),
        `${r.bound === '=' ? '' : r.bound}${r.actual}`.padStart(10),
        num(r.p10).padStart(9),
        num(r.p90).padStart(9),
        (r.inside === null ? 'n/a' : r.inside ? 'yes' : 'NO').padEnd(6),
        num(r.crps, 4).padStart(8),
      ].join('  '),
    );
  lines.push('', 'per model family (coverage and CRPS over observed values; bounds counted apart):');
  for (const f of h.families)
    lines.push(
      `  ${f.model.padEnd(16)} coverage ${Number.isNaN(f.coverage) ? '   —' : fmtPct(f.coverage)} of ${f.nValues} values · mean CRPS ${num(f.meanCrps, 4)} (n = ${f.nValues}) · bounds reached ${f.boundsReached} of ${f.nBounds}`,
    );
  if (!h.families.length)
    lines.push('  (no actual matches a series of this run: import some with `twin actuals import FILE`)');
  return lines.join('\n');
}

/** Registers `twin hindcast`. */
export function registerHindcast(program: Command): void {
  withDbOption(
    program
      .command('hindcast')
      .description("a finished run's P10–P90 and CRPS against every stored actual, coverage per model family")
      .argument('[run]', 'run id or "latest" (default: the latest finished run)')
      .option('--json', 'print the hindcast as JSON'),
  ).action(async (run: string | undefined, o) => {
    await withStore(o.db, (store) => {
      const id = resolveRun(store, run, 'hindcast').id;
      const h = hindcastRun(store, id);
      process.stdout.write(o.json ? toJson(h) + '\n' : `${hindcastTable(h, id)}\n`);
    });
  });
}
