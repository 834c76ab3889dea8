import { existsSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeExperimentFolder, runExperimentFolder } from './experiment.ts';
import { parseWth } from './dssat.ts';
import { fCo2, fHeat, fTemp, runSimple } from './simple.ts';
import { SHARED_DIR } from '../lib/paths.mjs';

const REF = path.join(SHARED_DIR, 'validation/greenhouse/simple-tomato-UFBR9401');
const haveRef = existsSync(REF);
if (!haveRef && process.env.CI === 'true') {
  throw new Error(`CI=true but the validation folder ${REF} is missing: ../shared must be present beside the repo`);
}

describe('SIMPLE response functions (Zhao et al. 2019)', () => {
  it('f(CO2) keeps the 0.01 factor: tomato 1.245 at ≥700 ppm, 1.0 at 350, linear between', () => {
    expect(fCo2(700, 0.07)).toBeCloseTo(1.245, 12);
    expect(fCo2(1000, 0.07)).toBeCloseTo(1.245, 12);
    expect(fCo2(350, 0.07)).toBe(1);
    expect(fCo2(550, 0.07)).toBeCloseTo(1.14, 12);
    expect(fCo2(300, 0.07)).toBe(1);
  });
  it('f(Temp) and f(Heat) have the paper shapes', () => {
    expect(fTemp(5, 6, 26)).toBe(0);
    expect(fTemp(16, 6, 26)).toBeCloseTo(0.5, 12);
    expect(fTemp(30, 6, 26)).toBe(1);
    expect(fHeat(32, 32, 45)).toBe(1);
    expect(fHeat(38.5, 32, 45)).toBeCloseTo(0.5, 12);
    expect(fHeat(46, 32, 45)).toBe(0);
  });
});

describe('DSSAT .WTH reader', () => {
  it('reads 7-digit dates, @-headers, site line, and rejects missing TMAX with file:line', () => {
    const txt = [
      '*WEATHER : TEST',
      '',
      '@ INSI      LAT     LONG  ELEV',
      '  ZIBO   36.800  118.050    50',
      '@DATE  SRAD  TMAX  TMIN  RAIN',
      '2019001  9.1   3.0  -7.0   0.0',
      '2019002  8.0   2.0  -8.0   1.5',
    ].join('\n');
    const w = parseWth(txt, 't.WTH');
    expect(w.site.latDeg).toBe(36.8);
    expect(w.date).toEqual(['2019-01-01', '2019-01-02']);
    expect(Array.from(w.rainMm)).toEqual([0, 1.5]);
    const bad = txt.replace('2019002  8.0   2.0', '2019002  8.0 -99.0');
    expect(() => parseWth(bad, 't.WTH')).toThrow(/t\.WTH:7: TMAX/);
  });
});

describe.skipIf(!haveRef)('SIMPLE reproduces the reference run UFBR9401 (water off, CO2 350)', () => {
  it('every day within 1 kg DM/ha of the reference biomass and yield; 12,405 / 8,435 at harvest', () => {
    const g = gradeExperimentFolder(REF);
    expect(g.failures).toEqual([]);
    expect(g.days).toBe(101);
    expect(g.maxBiomassDiffKgPerHa).toBeLessThan(1);
    expect(Math.round(g.finalBiomassKgPerHa)).toBe(12405);
    expect(Math.round(g.finalYieldKgPerHa)).toBe(8435);
  });

  it('CO2 700 ppm gives 15,444 kg/ha biomass and 10,502 yield (research note cross-check of the original port)', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'simple-'));
    const exp = JSON.parse(readFileSync(path.join(REF, 'experiment.json'), 'utf8'));
    exp.co2Ppm = 700;
    writeFileSync(path.join(tmp, 'experiment.json'), JSON.stringify(exp));
    copyFileSync(path.join(REF, exp.weatherFile), path.join(tmp, exp.weatherFile));
    const r = runExperimentFolder(tmp).result;
    expect(Math.abs(r.biomassKgPerHa[r.days - 1] - 15444)).toBeLessThan(1);
    expect(Math.abs(r.yieldKgPerHa[r.days - 1] - 10502)).toBeLessThan(1);
  });

  it('the grader fails a folder whose expected values are off by 2 kg/ha on one day', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'simple-'));
    for (const f of ['experiment.json', 'UFBR9401.WTH']) copyFileSync(path.join(REF, f), path.join(tmp, f));
    const lines = readFileSync(path.join(REF, 'expected_daily_nowater.csv'), 'utf8').split('\n');
    const cells = lines[50].split(',');
    const hdr = lines[0].split(',');
    const bi = hdr.indexOf('Biomass');
    cells[bi] = String(Number(cells[bi]) + 2);
    lines[50] = cells.join(',');
    writeFileSync(path.join(tmp, 'expected_daily_nowater.csv'), lines.join('\n'));
    const g = gradeExperimentFolder(tmp);
    expect(g.pass).toBe(false);
    expect(g.failures).toHaveLength(1);
  });

  it('dropping the 0.01 in f(CO2) (a known porting bug) would be caught: 100× sensitivity changes biomass', () => {
    const { experiment: e, weather: w, start } = runExperimentFolder(REF);
    const common = { cultivar: e.cultivar, waterStress: false, initial: e.initial, maxDays: 101 };
    const n = w.date.length - start;
    const wx = {
      tmaxC: w.tmaxC.subarray(start),
      tminC: w.tminC.subarray(start),
      sradMJPerM2: w.sradMJPerM2.subarray(start),
      n,
    };
    const ok = runSimple(wx, { ...common, species: e.species, co2Ppm: 400 });
    const bug = runSimple(wx, { ...common, species: { ...e.species, sCo2: e.species.sCo2 * 100 }, co2Ppm: 400 });
    expect(bug.biomassKgPerHa[100] / ok.biomassKgPerHa[100]).toBeGreaterThan(1.2);
  });
});
