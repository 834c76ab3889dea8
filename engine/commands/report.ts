/** `twin report RUN|latest [--compare RUN2] [--lang zh-CN|en] --out report.pdf|html`: the committee report. */
import type { Command } from 'commander';
import path from 'node:path';
import type { Lang } from '../contract/index.ts';
import { writeReport } from '../report/report.ts';
import type { Store } from '../store.ts';
import { int, resolveRun, UsageError, withDbOption, withStore } from './common.ts';

/** The scenario `latest` means in a report: the plan itself, not the last what-if someone tried. */
export const REPORT_LATEST_SCENARIO = 'baseline';

/**
 * The run a report is about: a named run as given; `latest` the latest finished baseline run, else (no baseline run
 * stored) the latest finished run, with a note saying so.
 */
export function reportRun(store: Store, arg: string): { id: number; note?: string } {
  if (arg !== 'latest') return { id: resolveRun(store, arg).id };
  const base = store.listRuns().find((r) => r.status === 'done' && r.scenarioName === REPORT_LATEST_SCENARIO);
  if (base) return { id: base.id };
  const any = resolveRun(store, 'latest');
  return {
    id: any.id,
    note: `no finished ${REPORT_LATEST_SCENARIO} run in ${store.file}; reporting the latest finished run ${any.id} (${any.scenarioName})`,
  };
}

/** `--lang`: zh-CN (default; `zh` accepted) or en. */
function parseLang(v: string): Lang {
  if (/^zh(-cn)?$/i.test(v)) return 'zh-CN';
  if (/^en$/i.test(v)) return 'en';
  throw new UsageError(`--lang must be zh-CN or en, got "${v}"`);
}

/** Registers `twin report`. No Chromium for a PDF is a warning (an HTML report is written instead), not an error. */
export function registerReport(program: Command): void {
  withDbOption(
    program
      .command('report')
      .description(
        'the report for the committee: one-page summary, targets by risk, a chart per target not met, traffic and greenhouse, actuals and re-forecast, maps at the deadlines, parameters (PDF via headless Chromium, or HTML; zh-CN by default)',
      )
      .argument('<run>', 'run id or "latest" (the latest finished baseline run)')
      .option('--compare <run>', 'a second run to compare with', int('--compare', 1))
      .option('--lang <lang>', 'zh-CN or en', 'zh-CN')
      .requiredOption('--out <file>', 'report.pdf or report.html')
      .option('--chromium <path>', 'Chromium/Chrome binary for PDF (default: $TWIN_CHROMIUM, /usr/bin/chromium, ...)'),
  ).action(async (run: string, o) => {
    const lang = parseLang(o.lang);
    if (!/\.(pdf|html?)$/i.test(o.out)) throw new UsageError(`--out must end in .pdf or .html, got "${o.out}"`);
    await withStore(
      o.db,
      async (store) => {
        const { id, note } = reportRun(store, run);
        if (o.compare !== undefined) resolveRun(store, o.compare);
        if (note) process.stderr.write(`twin: ${note}\n`);
        const r = await writeReport(store, id, { out: o.out, compare: o.compare, chromium: o.chromium, lang });
        if (r.warning) process.stderr.write(`twin: ${r.warning}\n`);
        process.stdout.write(`wrote ${path.relative(process.cwd(), r.file) || r.file} (${r.format})\n`);
      },
      'read',
    );
  });
}
