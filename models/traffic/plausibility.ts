/**
 * `npm run plausibility:traffic -- [--replications 20] [--trips 0.05,0.06,0.07] [--sd 0.1] [--scenario FILE]`
 *
 * The traffic plausibility table of the README: runs the static Zibo peak-hour model (the engine's `run`, called
 * directly: no engine, no store) for 2017–2021 × N replications and prints, per year, city and district peak speeds,
 * the link v/c distribution and the longest zone-to-zone peak trip at P50 and P90, with the count of jobs above
 * `plausibility.maxPathMin` (those that warn in a run). With `--trips` it repeats the summary for each peak-trip rate
 * (the sweep behind the rate's range in the README). Replication r draws its world from the same stream the engine
 * uses without a master seed (`mixSeed('traffic-world', r)`), so every rate sees the same demand and capacity draws.
 * A script, not a test: it asserts nothing and times nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { quantileSorted } from 'simple-statistics';
import { parse } from 'yaml';
import { REPO_ROOT } from '../lib/paths.mjs';
import { createRng } from '../lib/rng.ts';
import type { ModelOutput } from '../types.ts';
import { loadTrafficInputs, runTraffic, type TrafficInputs } from './model.ts';
import { trafficParamsSchema, type TrafficParams } from './params.ts';

const YEARS = [2017, 2018, 2019, 2020, 2021];
const DISTRICT_NAMES: Record<string, string> = {
  city: 'Zibo (city)',
  '370302': 'Zichuan',
  '370303': 'Zhangdian',
  '370304': 'Boshan',
  '370305': 'Linzi',
  '370306': 'Zhoucun',
  '370321': 'Huantai',
  '370322': 'Gaoqing',
  '370323': 'Yiyuan',
};

/** Figures of one job that the tables need. */
interface JobFigures {
  speed: Record<string, number>;
  congestion: number;
  vcP50: number;
  vcP90: number;
  vcOver1Share: number;
  longestPathMin: number;
  warned: boolean;
}

const quant = (xs: number[], p: number): number =>
  quantileSorted(
    [...xs].sort((a, b) => a - b),
    p,
  );
const band = (xs: number[], digits: number): string =>
  `${quant(xs, 0.5).toFixed(digits)} (${quant(xs, 0.1).toFixed(digits)}–${quant(xs, 0.9).toFixed(digits)})`;

/** Pull the table's figures out of one job's output (link v/c over the non-connector links). */
function figures(o: ModelOutput): JobFigures {
  const speed: Record<string, number> = {};
  let congestion = NaN;
  let longestPathMin = NaN;
  const vc: number[] = [];
  for (const s of o.series) {
    const v = s.values[0]!;
    if (s.metric === 'traffic.meanSpeedKmPerH') speed[s.entity] = v;
    else if (s.metric === 'traffic.congestionIndex' && s.entity === 'city') congestion = v;
    else if (s.metric === 'traffic.longestPathMin') longestPathMin = v;
    else if (s.metric === 'traffic.linkVc') vc.push(v);
  }
  if (vc.length === 0)
    throw new Error('plausibility: the job has no traffic.linkVc series (outputs.linkSeries is off)');
  return {
    speed,
    congestion,
    vcP50: quant(vc, 0.5),
    vcP90: quant(vc, 0.9),
    vcOver1Share: vc.filter((x) => x > 1).length / vc.length,
    longestPathMin,
    warned: (o.warnings?.length ?? 0) > 0,
  };
}

/** Every year × replication of one parameter set. */
function runAll(p: TrafficParams, inp: TrafficInputs, reps: number): Map<number, JobFigures[]> {
  const out = new Map<number, JobFigures[]>();
  for (const year of YEARS) {
    const list: JobFigures[] = [];
    for (let r = 0; r < reps; r++) {
      // No crnSeed: runTraffic then draws the world from mixSeed('traffic-world', r), the same for every year and rate.
      const job = { model: 'traffic', years: [year], replication: r, attempt: 1, seed: r + 1 };
      list.push(figures(runTraffic(p, inp, job, createRng(job.seed))));
    }
    out.set(year, list);
  }
  return out;
}

/** The README tables for one parameter set (markdown). */
function printTables(p: TrafficParams, res: Map<number, JobFigures[]>, reps: number): void {
  console.log(
    `\npeakTripsPerCar ${p.demand.peakTripsPerCar}, uncertaintySd ${p.demand.uncertaintySd}, ` +
      `${reps} replications: P50 (P10–P90)\n`,
  );
  console.log(
    '| year | city speed km/h | congestion index | link v/c P50 / P90 | links v/c > 1 | longest trip min P50 / P90 (max) | jobs > maxPathMin |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const y of YEARS) {
    const f = res.get(y)!;
    const lp = f.map((x) => x.longestPathMin);
    console.log(
      `| ${y} | ${band(
        f.map((x) => x.speed.city!),
        1,
      )} | ${band(
        f.map((x) => x.congestion),
        2,
      )} | ${quant(
        f.map((x) => x.vcP50),
        0.5,
      ).toFixed(2)} / ${quant(
        f.map((x) => x.vcP90),
        0.5,
      ).toFixed(2)} | ${(
        100 *
        quant(
          f.map((x) => x.vcOver1Share),
          0.5,
        )
      ).toFixed(0)} % | ${quant(lp, 0.5).toFixed(0)} / ${quant(lp, 0.9).toFixed(0)} (${Math.max(...lp).toFixed(0)}) | ${
        f.filter((x) => x.warned).length
      } of ${f.length} |`,
    );
  }
  console.log(`\nPeak mean speed by district, km/h: P50 (P10–P90)\n`);
  console.log(`| entity | ${YEARS.join(' | ')} |`);
  console.log(`| --- | ${YEARS.map(() => '---').join(' | ')} |`);
  for (const [code, name] of Object.entries(DISTRICT_NAMES)) {
    const cells = YEARS.map((y) =>
      band(
        res.get(y)!.map((x) => x.speed[code] ?? NaN),
        1,
      ),
    );
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
}

/** One line per peak-trip rate: the 2017 and 2021 figures that bound the rate. */
function printSweep(rows: Array<{ trips: number; res: Map<number, JobFigures[]> }>): void {
  console.log('\nPeak-trip rate sweep (same replication worlds): 2017 and 2021, P50 (P10–P90)\n');
  console.log(
    '| peakTripsPerCar | city speed 2017 | city speed 2021 | congestion index 2021 | links v/c > 1, 2021 P50 | longest trip 2021 P50 / P90 min | jobs > maxPathMin (all years) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const { trips, res } of rows) {
    const a = res.get(2017)!;
    const b = res.get(2021)!;
    const lp = b.map((x) => x.longestPathMin);
    const warned = YEARS.reduce((n, y) => n + res.get(y)!.filter((x) => x.warned).length, 0);
    console.log(
      `| ${trips} | ${band(
        a.map((x) => x.speed.city!),
        1,
      )} | ${band(
        b.map((x) => x.speed.city!),
        1,
      )} | ${band(
        b.map((x) => x.congestion),
        2,
      )} | ${(
        100 *
        quant(
          b.map((x) => x.vcOver1Share),
          0.5,
        )
      ).toFixed(
        0,
      )} % | ${quant(lp, 0.5).toFixed(0)} / ${quant(lp, 0.9).toFixed(0)} | ${warned} of ${YEARS.length * a.length} |`,
    );
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const reps = Number(opt('replications') ?? '20');
  if (!Number.isInteger(reps) || reps < 1)
    throw new Error(`--replications ${opt('replications')}: give a whole number ≥ 1 (e.g. --replications 20)`);
  const root = REPO_ROOT;
  const file = opt('scenario') ?? path.join(root, 'scenarios/baseline.yaml');
  const doc = parse(readFileSync(file, 'utf8')) as { traffic?: unknown };
  const base = trafficParamsSchema.parse(doc.traffic ?? {});
  const sd = opt('sd');
  if (sd !== undefined) base.demand.uncertaintySd = Number(sd);
  const inp = loadTrafficInputs(base);
  const trips = (opt('trips') ?? String(base.demand.peakTripsPerCar)).split(',').map(Number);
  for (const t of trips)
    if (!(t > 0 && t <= 1)) throw new Error(`--trips: ${t} is not a rate in (0, 1]; write e.g. --trips 0.05,0.06,0.07`);
  console.log(
    `Traffic plausibility (${path.relative(root, file)}), maxPathMin ${base.plausibility.maxPathMin} min; longest ` +
      `free-flow zone-to-zone trip ${longestFreeFlow(inp).toFixed(0)} min`,
  );
  const rows: Array<{ trips: number; res: Map<number, JobFigures[]> }> = [];
  for (const t of trips) {
    const p: TrafficParams = { ...base, demand: { ...base.demand, peakTripsPerCar: t } };
    const res = runAll(p, inp, reps);
    rows.push({ trips: t, res });
    printTables(p, res, reps);
  }
  if (rows.length > 1) printSweep(rows);
}

/** Longest finite free-flow zone-to-zone time of the skim (fft without signal delay), min. */
function longestFreeFlow(inp: TrafficInputs): number {
  let m = 0;
  for (const t of inp.skimMin) if (Number.isFinite(t) && t > m) m = t;
  return m;
}

main();
