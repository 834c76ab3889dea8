/** `twin reforecast [RUN] [--until DATE] [--json]`: targets re-forecast on the stored actuals. */
import type { Command } from 'commander';
import { reforecast } from '../actuals.ts';
import { toJson } from '../contract/index.ts';
import { loadTargets } from '../targets.ts';
import { calendarDate, fmtPct, resolveRun, withDbOption, withStore } from './common.ts';

/** Registers `twin reforecast`. A low effective sample size is a warning on stderr, not an error. */
export function registerReforecast(program: Command): void {
  withDbOption(
    program
      .command('reforecast')
      .description('re-forecast a finished run conditioned on the stored actuals up to a date (importance weights)')
      .argument('[run]', 'run id or "latest" (default: the latest finished run)')
      .option('--until <date>', 'use actuals observed up to this ISO date', '2021-12-31')
      .option('--json', 'print the re-forecast as JSON'),
  ).action(async (run: string | undefined, o) => {
    calendarDate('--until', o.until);
    await withStore(
      o.db,
      (store) => {
        const id = resolveRun(store, run, 're-forecast').id;
        const rf = reforecast(store, id, loadTargets(), o.until);
        if (o.json) return void process.stdout.write(toJson(rf) + '\n');
        process.stdout.write(
          `re-forecast of run ${id} on ${rf.used} actuals up to ${rf.until} (${rf.unmatched} without a matching series); effective replications ${rf.ess.toFixed(1)} of ${rf.replications}\n`,
        );
        if (rf.warning) process.stderr.write(`warning: ${rf.warning}\n`);
        for (const e of rf.evaluations)
          process.stdout.write(
            `  ${e.targetId.padEnd(22)} P(met) ${fmtPct(e.pMetPrior)} → ${fmtPct(e.pMet)}  ${e.status}\n`,
          );
      },
      'read',
    );
  });
}
