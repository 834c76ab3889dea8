/**
 * `twin export RUN --format csv`: every aggregated series value of a run as one CSV table (one row per model,
 * metric, entity and period), for scripts and spreadsheets that want a single file.
 */
import { csvLine } from '../../data/csv.ts';
import type { SeriesRow } from '../contract/index.ts';

/** The header line of `seriesCsv`. */
export const SERIES_CSV_HEADER = 'run,model,metric,entity,period,p10,p50,p90,mean,n';

/**
 * The CSV text (header, then one line per row, `\n` line ends, trailing newline) of a run's series.
 * @example
 * // in the CLI: seriesCsv(3, store.series(3))
 * const hosts = { model: 'clouds', metric: 'clouds.hosts', entity: 'cloud:public', period: '2019',
 *   p10: 40, p50: 42.5, p90: 45, mean: 42.4, n: 50 };
 * const lines = seriesCsv(3, [hosts, { ...hosts, entity: 'a,b' }]).split('\n');
 * lines[0] // => 'run,model,metric,entity,period,p10,p50,p90,mean,n'
 * lines[1] // => '3,clouds,clouds.hosts,cloud:public,2019,40,42.5,45,42.4,50'
 * // a value holding a comma is quoted; the text ends with a newline
 * lines.slice(2) // => ['3,clouds,clouds.hosts,"a,b",2019,40,42.5,45,42.4,50', '']
 */
export function seriesCsv(runId: number, series: readonly SeriesRow[]): string {
  const rows = [SERIES_CSV_HEADER];
  for (const s of series)
    rows.push(csvLine([runId, s.model, s.metric, s.entity, s.period, s.p10, s.p50, s.p90, s.mean, s.n]));
  return rows.join('\n') + '\n';
}
