/**
 * SIMPLE experiment folders: `experiment.json` (dates, CO2, water stress, initial state, cultivar and species
 * parameters, optional soil and irrigation), a DSSAT `.WTH` weather file, and an expected daily CSV of the reference
 * SIMPLE code. `gradeExperimentFolder` runs our implementation and compares every day's Biomass and Yield.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseCsvRecords } from '../../data/csv.ts';
import { parseWth, type DssatWeather } from './dssat.ts';
import { runSimple, type SimpleResult } from './simple.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date YYYY-MM-DD');

/** Schema of `experiment.json` (extra keys such as notes are allowed and ignored). */
export const experimentSchema = z.object({
  id: z.string(),
  crop: z.string().optional(),
  weatherFile: z.string(),
  sowingDate: isoDate,
  harvestDate: isoDate.optional(),
  co2Ppm: z.number().positive(),
  waterStress: z.boolean(),
  initial: z.object({
    biomassKgPerHa: z.number().min(0),
    fSolar: z.number().min(0).max(1),
    thermalTime: z.number().min(0),
  }),
  cultivar: z.object({
    name: z.string().optional(),
    tsum: z.number().positive(),
    hi: z.number().min(0).max(1),
    i50a: z.number(),
    i50b: z.number(),
    fSolarMax: z.number().min(0).max(1).default(0.95),
  }),
  species: z.object({
    tbase: z.number(),
    topt: z.number(),
    rue: z.number().positive(),
    i50maxH: z.number(),
    i50maxW: z.number(),
    theat: z.number(),
    text: z.number(),
    sCo2: z.number(),
    sWater: z.number(),
  }),
  soil: z
    .object({
      awc: z.number().positive(),
      rcn: z.number().positive(),
      ddc: z.number().min(0),
      rzd: z.number().positive(),
      wuc: z.number().positive().default(0.096),
    })
    .optional(),
  irrigation: z.array(z.object({ date: isoDate, mm: z.number().min(0) })).optional(),
  expected: z.string().optional(),
  observed: z.string().optional(),
});
export type Experiment = z.infer<typeof experimentSchema>;

/**
 * Read and validate `experiment.json` in a folder; errors name the file and the field.
 * @example const exp = readExperiment('../shared/validation/greenhouse/simple-tomato-UFBR9401'); exp.cultivar.tsum // => 2800
 */
export function readExperiment(folder: string): Experiment {
  const file = path.join(folder, 'experiment.json');
  if (!existsSync(file))
    throw new Error(
      `${file}: not found; a SIMPLE experiment folder needs experiment.json, a .WTH file and an expected daily CSV`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const r = experimentSchema.safeParse(raw);
  if (!r.success) {
    const msgs = r.error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(msgs.join('\n'));
  }
  if (r.data.waterStress && !r.data.soil)
    throw new Error(`${file}: waterStress is true but "soil" {awc, rcn, ddc, rzd} is missing`);
  return r.data;
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86400000);
}

/** An experiment run: the weather used (from sowing) and the SIMPLE result. */
export interface ExperimentRun {
  experiment: Experiment;
  weather: DssatWeather;
  /** Index of the sowing day in `weather`. */
  start: number;
  result: SimpleResult;
}

/**
 * Run SIMPLE on an experiment folder (weather from the sowing day, irrigation added to rain).
 * @example const run = runExperimentFolder('../shared/validation/greenhouse/simple-tomato-UFBR9401');
 * Math.round(run.result.biomassKgPerHa.at(-1)) // => 12405
 */
export function runExperimentFolder(folder: string): ExperimentRun {
  const exp = readExperiment(folder);
  const wfile = path.join(folder, exp.weatherFile);
  if (!existsSync(wfile))
    throw new Error(`${path.join(folder, 'experiment.json')}: weatherFile "${exp.weatherFile}" not found in ${folder}`);
  const weather = parseWth(readFileSync(wfile, 'utf8'), wfile, Number(exp.sowingDate.slice(0, 4)));
  const start = weather.date.indexOf(exp.sowingDate);
  if (start < 0)
    throw new Error(
      `${wfile}: sowing date ${exp.sowingDate} is not in the weather file (${weather.date[0]} … ${weather.date.at(-1)})`,
    );
  const n = weather.date.length - start;
  const rain = weather.rainMm.slice(start);
  for (const irr of exp.irrigation ?? []) {
    const k = weather.date.indexOf(irr.date) - start;
    if (k >= 0 && k < n) rain[k] += irr.mm;
  }
  let maxDays = 400;
  if (exp.harvestDate) {
    maxDays = daysBetween(exp.sowingDate, exp.harvestDate) + 1;
    if (maxDays < 1)
      throw new Error(
        `${path.join(folder, 'experiment.json')}: harvestDate ${exp.harvestDate} is before sowingDate ${exp.sowingDate}`,
      );
  }
  const result = runSimple(
    {
      tmaxC: weather.tmaxC.subarray(start),
      tminC: weather.tminC.subarray(start),
      sradMJPerM2: weather.sradMJPerM2.subarray(start),
      rainMm: rain,
      n,
    },
    {
      species: exp.species,
      cultivar: exp.cultivar,
      co2Ppm: exp.co2Ppm,
      waterStress: exp.waterStress,
      soil: exp.soil,
      initial: exp.initial,
      maxDays,
    },
  );
  return { experiment: exp, weather, start, result };
}

/**
 * Header-keyed records of a CSV (data/csv.ts: RFC 4180 quoting, BOM, CRLF), cells trimmed; a file without data
 * rows or with a row of the wrong length is an error naming the file and line.
 * @example readCsvRecords('a,b\n1, 2\n', 'x.csv') // => [{ a: '1', b: '2' }]
 * @example readCsvRecords('a,b\n', 'x.csv') // throws 'x.csv: expected a header row and at least one data row'
 */
export function readCsvRecords(text: string, file: string): Array<Record<string, string>> {
  const recs = parseCsvRecords(text, file);
  if (recs.length === 0) throw new Error(`${file}: expected a header row and at least one data row`);
  return recs.map(({ record }) => {
    for (const k in record) record[k] = record[k]!.trim();
    return record;
  });
}

/** Outcome of grading one folder. */
export interface GradeReport {
  id: string;
  days: number;
  expectedDays: number;
  maxBiomassDiffKgPerHa: number;
  maxYieldDiffKgPerHa: number;
  worstDay: number;
  finalBiomassKgPerHa: number;
  finalYieldKgPerHa: number;
  /** Days with |diff| > tolerance (Biomass or Yield), as "day N (DATE): ours vs expected". */
  failures: string[];
  pass: boolean;
}

/**
 * Run the experiment and compare each day's Biomass and Yield with the expected CSV (columns Day or DATE,
 * Biomass, Yield). A run that ends on a different day than the reference fails too.
 * @example gradeExperimentFolder('../shared/validation/greenhouse/simple-tomato-UFBR9401').pass // => true
 */
export function gradeExperimentFolder(folder: string, toleranceKgPerHa = 1): GradeReport {
  const run = runExperimentFolder(folder);
  const exp = run.experiment;
  const expName = exp.expected ?? 'expected_daily_nowater.csv';
  const efile = path.join(folder, expName);
  if (!existsSync(efile))
    throw new Error(`${path.join(folder, 'experiment.json')}: expected CSV "${expName}" not found`);
  const rows = readCsvRecords(readFileSync(efile, 'utf8'), efile);
  for (const col of ['Biomass', 'Yield'])
    if (!(col in rows[0]))
      throw new Error(`${efile}: column "${col}" missing (have ${Object.keys(rows[0]).join(', ')})`);
  const r = run.result;
  const failures: string[] = [];
  let maxB = 0;
  let maxY = 0;
  let worst = 0;
  rows.forEach((row, k) => {
    // Align by DATE when present (robust to a Day column starting at 0 or 1), otherwise by row order.
    let i = k;
    if (row.DATE) i = daysBetween(exp.sowingDate, row.DATE);
    else if (row.Day) i = Number(row.Day) - 1;
    const eb = Number(row.Biomass);
    const ey = Number(row.Yield);
    if (!Number.isFinite(eb) || !Number.isFinite(ey)) throw new Error(`${efile}:${k + 2}: Biomass/Yield not numeric`);
    if (i < 0 || i >= r.days) {
      failures.push(
        `row ${k + 2} (${row.DATE ?? row.Day}): reference has a value but our run ended after ${r.days} days (${r.endReason})`,
      );
      return;
    }
    const db = Math.abs(r.biomassKgPerHa[i] - eb);
    const dy = Math.abs(r.yieldKgPerHa[i] - ey);
    if (db > maxB) {
      maxB = db;
      worst = i + 1;
    }
    if (dy > maxY) maxY = dy;
    if (db > toleranceKgPerHa || dy > toleranceKgPerHa) {
      failures.push(
        `day ${i + 1} (${row.DATE ?? ''}): biomass ${r.biomassKgPerHa[i].toFixed(2)} vs ${eb}, yield ${r.yieldKgPerHa[i].toFixed(2)} vs ${ey}`,
      );
    }
  });
  if (r.days > rows.length)
    failures.push(`our run has ${r.days} days, the reference ${rows.length} (maturity/harvest day differs)`);
  return {
    id: exp.id,
    days: r.days,
    expectedDays: rows.length,
    maxBiomassDiffKgPerHa: maxB,
    maxYieldDiffKgPerHa: maxY,
    worstDay: worst,
    finalBiomassKgPerHa: r.biomassKgPerHa[r.days - 1],
    finalYieldKgPerHa: r.yieldKgPerHa[r.days - 1],
    failures,
    pass: failures.length === 0,
  };
}
