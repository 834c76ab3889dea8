/**
 * CSV per series for spreadsheet users: one file per metric (`<model>/<metric>.csv`, rows entity × period with
 * P10/P50/P90/mean/n), plus `targets.csv` (every target with its evaluation) and `README.txt` naming units.
 * Files start with a UTF-8 byte-order mark so Excel shows the Chinese titles correctly, and end lines with CRLF;
 * cells are written by data/csv.ts (the project's one CSV writer).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatCsv } from '../../data/csv.ts';
import type { SeriesRow, TargetDef } from '../contract/index.ts';
import { scenarioModels } from '../scenario.ts';
import type { Store } from '../store.ts';
import { loadTargets } from '../targets.ts';

const BOM = '\uFEFF';

/**
 * A file-name-safe version of a metric id.
 * @example
 * safeName('traffic.linkVc') // => 'traffic.linkVc'
 * safeName('a/b c') // => 'a_b_c'
 * safeName('..x') // => '_x'
 */
export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}

/**
 * Write the CSV folder of a run; returns the files written (relative to `outDir`).
 * @example
 * import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { openStore } from '../store.ts';
 * // A run in a store in memory with district rows of one metric, as a finished run's aggregation writes them:
 * const store = openStore(':memory:');
 * const run = { scenarioName: 'baseline', scenarioFile: 'scenarios/baseline.yaml', scenarioHash: 'h',
 *   scenario: { scenario: {}, modelIds: ['rollout'], years: [2021] }, seed: 1, replications: 1, codeVersion: 'x', threads: 1 };
 * const id = store.createRun(run, []);
 * const row = (entity, period, p50) => ({ model: 'rollout', metric: 'extranet.liveShare', entity, period,
 *   p10: p50, p50, p90: p50, mean: p50, n: 1 });
 * store.writeResults(id, [row('370303', '2021-06', 0.5), row('370303', '2021-12', 0.9), row('370302', '2021-12', 0.7)], []);
 * const dir = mkdtempSync(`${tmpdir()}/twin-csv-`);
 * writeCsvDir(store, id, dir) // => ['rollout/extranet.liveShare.csv', 'targets.csv', 'README.txt']
 * // One file per model and metric, with a BOM (for spreadsheet programs) and CRLF line ends:
 * readFileSync(`${dir}/rollout/extranet.liveShare.csv`, 'utf8').split('\r\n').slice(0, 2) // => ['\uFEFFentity,period,p10,p50,p90,mean,n', '370302,2021-12,0.7,0.7,0.7,0.7,1']
 * rmSync(dir, { recursive: true });
 */
export function writeCsvDir(
  store: Store,
  runId: number,
  outDir: string,
  targets: TargetDef[] = loadTargets(),
): string[] {
  const run = store.run(runId);
  if (!run) throw new Error(`no run ${runId} in ${store.file}`);
  const files: string[] = [];
  const write = (rel: string, text: string) => {
    const f = path.join(outDir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, BOM + text);
    files.push(rel);
  };
  const units = new Map(scenarioModels().flatMap((m) => (m.metrics ?? []).map((x) => [x.id, x] as const)));
  const byMetric = new Map<string, SeriesRow[]>();
  for (const r of store.series(runId)) {
    const k = `${r.model}/${r.metric}`;
    const a = byMetric.get(k);
    if (a) a.push(r);
    else byMetric.set(k, [r]);
  }
  const index: string[] = [];
  for (const [k, rows] of byMetric) {
    const [model, metric] = k.split('/') as [string, string];
    const rel = `${safeName(model)}/${safeName(metric)}.csv`;
    write(
      rel,
      formatCsv(
        ['entity', 'period', 'p10', 'p50', 'p90', 'mean', 'n'],
        rows.map((r) => [r.entity, r.period, r.p10, r.p50, r.p90, r.mean, r.n]),
        '\r\n',
      ),
    );
    const u = units.get(metric);
    index.push(`${rel}\t${u?.unit ?? ''}\t${u?.title ?? ''}\t${rows.length} rows`);
  }
  const evals = new Map(store.targetEvals(runId).map((e) => [e.targetId, e]));
  const targetHeader =
    'id,title,titleZh,source,metric,entity,comparator,threshold,unit,deadline,pMet,status,dateP50,dateP90,valueP10,valueP50,valueP90'.split(
      ',',
    );
  const targetRows = targets.map((t) => {
    const e = evals.get(t.id);
    return [
      t.id,
      t.title,
      t.titleZh ?? '',
      t.source,
      t.metric,
      t.entity,
      t.comparator,
      t.threshold,
      t.unit,
      t.deadline,
      e?.pMet,
      e?.status ?? 'no-data',
      e?.dateP50,
      e?.dateP90,
      e?.valueP10,
      e?.valueP50,
      e?.valueP90,
    ];
  });
  write('targets.csv', formatCsv(targetHeader, targetRows, '\r\n'));
  write(
    'README.txt',
    [
      `Zibo twin — run ${run.id} (${run.scenarioName}), scenario hash ${run.scenarioHash}, seed ${run.seed}, ${run.replications} replications, code ${run.codeVersion}.`,
      'Each CSV: one row per entity and period; p10/p50/p90 = percentiles over replications, mean, n = replications with a value.',
      'Periods: YYYY (year) or YYYY-MM (month). Entities: city, a district code (370302...), level:..., link:<id>, site:<id>.',
      'targets.csv: P(met) = share of replications meeting the target at its deadline; status met >= 0.8, at-risk 0.2-0.8, missed < 0.2.',
      '',
      'file\tunit\ttitle\trows',
      ...index,
      '',
    ].join('\r\n'),
  );
  return files;
}
