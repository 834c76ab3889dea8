/** `twin actuals import FILE` · `twin actuals list` · `twin actuals metrics`: observed progress. */
import type { Command } from 'commander';
import { importActuals, listActuals, metricUnits } from '../actuals.ts';
import { printable, withDbOption, withStore } from './common.ts';

/** Registers `twin actuals` and its subcommands. A bad row fails the whole import (ActualsError, exit code 2). */
export function registerActuals(program: Command): void {
  const actuals = program.command('actuals').description('observed progress: import, list, metrics');
  withDbOption(
    actuals
      .command('import')
      .description('validate every row of a CSV of actuals and store them (nothing is stored if any row is bad)')
      .argument('<file>'),
  ).action(async (file: string, o) => {
    const n = await withStore(o.db, (store) => importActuals(store, file));
    process.stdout.write(`imported ${n} actual${n === 1 ? '' : 's'} from ${file}\n`);
  });
  withDbOption(
    actuals.command('list').description('list stored actuals').option('--metric <id>', 'only this metric'),
  ).action(async (o) => {
    const rows = await withStore(
      o.db,
      (store) => listActuals(store).filter((r) => !o.metric || r.metric === o.metric),
      'read',
    );
    if (!rows.length) process.stdout.write('(no actuals; import with `twin actuals import FILE`)\n');
    // Sources and notes come from imported files: escaped, so a field cannot drive the terminal.
    for (const r of rows)
      process.stdout.write(
        printable(
          `${r.date}  ${r.metric.padEnd(26)} ${r.scope.padEnd(12)} ${r.bound === '=' ? ' ' : r.bound}${r.value} ${r.unit}  — ${r.source}${r.note ? ` (${r.note})` : ''}`,
        ) + '\n',
      );
  });
  actuals
    .command('metrics')
    .description('metric ids and units that actuals can refer to')
    .action(() => {
      for (const [id, unit] of metricUnits()) process.stdout.write(`${id.padEnd(32)} ${unit}\n`);
    });
}
