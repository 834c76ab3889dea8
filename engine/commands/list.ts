/** `twin list`: the scenarios in scenarios/ and the stored runs. */
import type { Command } from 'commander';
import { listScenarioNames } from '../scenario.ts';
import { printable, withDbOption, withStore } from './common.ts';

/** Registers `twin list`. */
export function registerList(program: Command): void {
  withDbOption(program.command('list').description('list scenarios and stored runs')).action(async (o) => {
    process.stdout.write('scenarios:\n');
    for (const n of listScenarioNames()) process.stdout.write(`  ${printable(n)}\n`);
    await withStore(
      o.db,
      (store) => {
        process.stdout.write('\nruns:\n');
        const runs = store.listRuns();
        if (!runs.length) process.stdout.write('  (none yet: `twin run baseline`)\n');
        for (const r of runs) {
          process.stdout.write(
            `  ${String(r.id).padStart(4)}  ${printable(r.scenarioName).padEnd(24)} ${r.status.padEnd(9)} ${r.replications} reps  seed ${r.seed}  ${r.startedAt.slice(0, 19)}  ${r.codeVersion}\n`,
          );
        }
      },
      'read',
    );
  });
}
