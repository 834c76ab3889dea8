/** `twin targets [RUN]`: every plan target of a run with its P(met), projected dates and status. */
import type { Command } from 'commander';
import type { Store } from '../store.ts';
import { loadTargets } from '../targets.ts';
import { fmtPct, resolveRun, withDbOption, withStore } from './common.ts';

/**
 * The targets table of a run (title line, blank line, header, one line per target of data/plan/targets.yaml).
 * @example
 * import { openStore } from '../store.ts';
 * // A run in a store in memory with one evaluated target (a finished run has one per target of targets.yaml):
 * const store = openStore(':memory:');
 * const run = { scenarioName: 'baseline', scenarioFile: 'scenarios/baseline.yaml', scenarioHash: 'h',
 *   scenario: { scenario: {}, modelIds: [], years: [2017] }, seed: 1, replications: 1, codeVersion: 'x', threads: 1 };
 * const id = store.createRun(run, []);
 * const met = { targetId: 'extranet-3-levels', pMet: 0.85, dateP50: '2018-06', dateP90: '2018-11',
 *   valueP10: 1, valueP50: 1, valueP90: 1, status: 'met' };
 * store.writeResults(id, [], [met]);
 * const lines = targetsTable(store, id).split('\n');
 * lines[2] // => 'target                  source      deadline    P(met)  date P50  date P90  status'
 * lines[3] // => 'extranet-3-levels       plan        2018-12-31     85%  2018-06   2018-11   met'
 * lines[4] // => 'extranet-city           plan        2018-12-31       —  —         —         no-data'
 * store.close();
 */
export function targetsTable(store: Store, runId: number): string {
  const evals = new Map(store.targetEvals(runId).map((e) => [e.targetId, e]));
  const lines = [`targets of run ${runId} (P(met) ≥ 80% met · 20–80% at risk · < 20% missed)`, ''];
  lines.push(
    ['target'.padEnd(22), 'source'.padEnd(10), 'deadline'.padEnd(10), 'P(met)', 'date P50', 'date P90', 'status'].join(
      '  ',
    ),
  );
  for (const t of loadTargets()) {
    const e = evals.get(t.id);
    lines.push(
      [
        t.id.padEnd(22),
        t.source.padEnd(10),
        t.deadline.padEnd(10),
        (e ? fmtPct(e.pMet) : '   —').padStart(6),
        (e?.dateP50 ?? (e && e.status !== 'no-data' ? 'later' : '—')).padEnd(8),
        (e?.dateP90 ?? (e && e.status !== 'no-data' ? 'later' : '—')).padEnd(8),
        e?.status ?? 'no-data',
      ].join('  '),
    );
  }
  return lines.join('\n');
}

/** Registers `twin targets`. */
export function registerTargets(program: Command): void {
  withDbOption(
    program
      .command('targets')
      .description('every plan target with source, deadline, P(met), projected dates and status')
      .argument('[run]', 'run id or "latest" (default: the latest finished run)'),
  ).action(async (run: string | undefined, o) => {
    await withStore(
      o.db,
      (store) => {
        process.stdout.write(`${targetsTable(store, resolveRun(store, run).id)}\n`);
      },
      'read',
    );
  });
}
