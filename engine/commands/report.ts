/** `twin report RUN|latest [--compare RUN2] --out report.pdf|html`: the committee report. */
import type { Command } from 'commander';
import path from 'node:path';
import { writeReport } from '../report/report.ts';
import { int, resolveRun, UsageError, withDbOption, withStore } from './common.ts';

/** Registers `twin report`. No Chromium for a PDF is a warning (an HTML report is written instead), not an error. */
export function registerReport(program: Command): void {
  withDbOption(
    program
      .command('report')
      .description(
        'the report for the committee: targets table, key charts with bands, map snapshots, assumptions (PDF via headless Chromium, or HTML)',
      )
      .argument('<run>', 'run id or "latest"')
      .option('--compare <run>', 'a second run to compare with', int('--compare', 1))
      .requiredOption('--out <file>', 'report.pdf or report.html')
      .option('--chromium <path>', 'Chromium/Chrome binary for PDF (default: $TWIN_CHROMIUM, /usr/bin/chromium, ...)'),
  ).action(async (run: string, o) => {
    await withStore(
      o.db,
      async (store) => {
        const id = resolveRun(store, run).id;
        if (o.compare !== undefined) resolveRun(store, o.compare);
        if (!/\.(pdf|html?)$/i.test(o.out)) throw new UsageError(`--out must end in .pdf or .html, got "${o.out}"`);
        const r = await writeReport(store, id, { out: o.out, compare: o.compare, chromium: o.chromium });
        if (r.warning) process.stderr.write(`twin: ${r.warning}\n`);
        process.stdout.write(`wrote ${path.relative(process.cwd(), r.file) || r.file} (${r.format})\n`);
      },
      'read',
    );
  });
}
