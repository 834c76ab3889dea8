import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/rng.ts';
import {
  ANGSTROM_SRAD_MJ,
  CMA_SUNSHINE_H,
  DAYS_IN_MONTH,
  MONTH_START_DOY,
  ZIBO_NORMALS,
  meanPreservingDaily,
  monthOfDoy,
} from './normals.ts';
import { dayLengthH, extraterrestrialDailyMJ, hourlyRadiationWeights } from './solar.ts';
import { WeatherGenerator, allocDaily, allocHourly, toHourly } from './weather.ts';
import { parseEpw, parseNasaPowerCsv, toSeason } from './weather-files.ts';

const minutes = (h: number): number => h * 60;

describe('solar geometry at 36.8°N (almanac day length: upper limb at −0.833°)', () => {
  it('matches published day lengths within a minute (Beijing 39.9°N 15 h 01 min, Jinan 36.65°N 14 h 40 min on the June solstice)', () => {
    // Published values quoted on hzbdd.com/236068 (Chinese solstice table); rounded to the minute, so ±1 min.
    expect(Math.abs(minutes(dayLengthH(39.9, 172)) - (15 * 60 + 1))).toBeLessThanOrEqual(1);
    expect(Math.abs(minutes(dayLengthH(36.65, 172)) - (14 * 60 + 40))).toBeLessThanOrEqual(1);
  });
  it('Zibo: 14 h 41 min (June solstice), 9 h 38 min (December solstice), equinox = analytic 12 h 08 min ±1 min', () => {
    expect(Math.abs(minutes(dayLengthH(36.8, 172)) - (14 * 60 + 41))).toBeLessThanOrEqual(1);
    expect(Math.abs(minutes(dayLengthH(36.8, 356)) - (9 * 60 + 38))).toBeLessThanOrEqual(1);
    // At declination 0 the day length is 2·acos(−sin 0.833°/cos φ)/15° exactly; the equinox (20 March, doy 79/80) lies within a minute of it.
    const phi = (36.8 * Math.PI) / 180;
    const exact = (2 * Math.acos(-Math.sin((0.833 * Math.PI) / 180) / Math.cos(phi)) * 180) / Math.PI / 15;
    const eq = Math.min(Math.abs(dayLengthH(36.8, 79) - exact), Math.abs(dayLengthH(36.8, 80) - exact));
    expect(minutes(eq)).toBeLessThanOrEqual(1.5);
  });
  it('hourly weights sum to 1 and are zero at night; Ra in January ≈ 17 MJ m⁻² (FAO-56 table 2.6: 36°N 16.8–17.0 mid-Jan)', () => {
    const w = hourlyRadiationWeights(36.8, 15, new Float64Array(24));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(w[2]).toBe(0);
    expect(w[22]).toBe(0);
    expect(extraterrestrialDailyMJ(36.8, 15)).toBeGreaterThan(16.5);
    expect(extraterrestrialDailyMJ(36.8, 15)).toBeLessThan(17.5);
  });
});

describe('calibration table', () => {
  it('the radiation column is the Ångström estimate of the CMA sunshine hours (a 0.25, b 0.50)', () => {
    let doy = 0;
    for (let m = 0; m < 12; m++) {
      let ra = 0;
      let n = 0;
      for (let d = 0; d < DAYS_IN_MONTH[m]; d++) {
        ra += extraterrestrialDailyMJ(36.8, doy + d + 1);
        n += dayLengthH(36.8, doy + d + 1, 0);
      }
      doy += DAYS_IN_MONTH[m];
      ra /= DAYS_IN_MONTH[m];
      n /= DAYS_IN_MONTH[m];
      const rs = (0.25 + (0.5 * CMA_SUNSHINE_H[m]) / DAYS_IN_MONTH[m] / n) * ra;
      expect(Math.abs(rs - ANGSTROM_SRAD_MJ[m])).toBeLessThan(0.05);
    }
  });
  it('mean-preserving interpolation keeps every monthly mean', () => {
    const v = [1, 3, 8, 15, 20, 25, 27, 26, 21, 14, 7, 2];
    const d = meanPreservingDaily(v);
    for (let m = 0; m < 12; m++) {
      let s = 0;
      for (let i = MONTH_START_DOY[m] - 1; i < MONTH_START_DOY[m] - 1 + DAYS_IN_MONTH[m]; i++) s += d[i];
      expect(s / DAYS_IN_MONTH[m]).toBeCloseTo(v[m], 6);
    }
  });
});

describe('weather generator: 200 simulated years match the calibration table', () => {
  // Tolerances: monthly means ±0.3 °C, daily-anomaly SD ±8 %, radiation mean ±3 %, radiation CV ±12 %, wet frequency ±0.02.
  const g = new WeatherGenerator();
  const w = allocDaily(365);
  const rng = createRng(20170915);
  const acc = Array.from({ length: 12 }, () => ({
    n: 0,
    mx: 0,
    mn: 0,
    rs: 0,
    rs2: 0,
    ax: 0,
    ax2: 0,
    an: 0,
    an2: 0,
    wet: 0,
  }));
  for (let y = 0; y < 200; y++) {
    g.generate(rng, 1, w);
    for (let i = 0; i < 365; i++) {
      const a = acc[monthOfDoy(w.doy[i])];
      const c = g.climatology(w.doy[i]);
      const ax = w.tmaxC[i] - c.tmaxC;
      const an = w.tminC[i] - c.tminC;
      a.n++;
      a.mx += w.tmaxC[i];
      a.mn += w.tminC[i];
      a.rs += w.sradMJPerM2[i];
      a.rs2 += w.sradMJPerM2[i] ** 2;
      a.ax += ax;
      a.ax2 += ax * ax;
      a.an += an;
      a.an2 += an * an;
      a.wet += w.wet[i];
    }
  }
  const sd = (s: number, s2: number, n: number): number => Math.sqrt((s2 - (s * s) / n) / (n - 1));
  it.each(ZIBO_NORMALS.map((t, m) => [m + 1, t] as const))('month %i', (m, t) => {
    const a = acc[m - 1];
    expect(Math.abs(a.mx / a.n - t.tmaxC)).toBeLessThan(0.3);
    expect(Math.abs(a.mn / a.n - t.tminC)).toBeLessThan(0.3);
    expect(Math.abs(sd(a.ax, a.ax2, a.n) / t.tmaxSdC - 1)).toBeLessThan(0.08);
    expect(Math.abs(sd(a.an, a.an2, a.n) / t.tminSdC - 1)).toBeLessThan(0.08);
    const rm = a.rs / a.n;
    expect(Math.abs(rm / t.sradMJPerM2 - 1)).toBeLessThan(0.03);
    expect(Math.abs(sd(a.rs, a.rs2, a.n) / rm / t.sradCv - 1)).toBeLessThan(0.12);
    expect(Math.abs(a.wet / a.n - t.pWet)).toBeLessThan(0.02);
  });
  it('anomalies are autocorrelated (lag-1 of Tmin anomalies in January ≈ 0.65)', () => {
    const g2 = new WeatherGenerator();
    const ww = allocDaily(365);
    const r = createRng(5);
    let sxy = 0;
    let sxx = 0;
    for (let y = 0; y < 50; y++) {
      g2.generate(r, 1, ww);
      for (let i = 1; i < 31; i++) {
        const a0 = ww.tminC[i - 1] - g2.climatology(i).tminC;
        const a1 = ww.tminC[i] - g2.climatology(i + 1).tminC;
        sxy += a0 * a1;
        sxx += a0 * a0;
      }
    }
    expect(sxy / sxx).toBeGreaterThan(0.5);
    expect(sxy / sxx).toBeLessThan(0.8);
  });
  it('same seed → same weather; cold and heat waves shift the window by their depth', () => {
    const a = g.generate(createRng(9), 1, allocDaily(60));
    const b = g.generate(createRng(9), 1, allocDaily(60), {
      coldWave: { startDoy: 6, lengthDays: 3, depthC: 10, overcast: false },
    });
    expect(a.tmaxC[0]).toBe(b.tmaxC[0]);
    for (let i = 5; i < 8; i++) expect(a.tminC[i] - b.tminC[i]).toBeCloseTo(10, 9);
    expect(a.tminC[9]).toBe(b.tminC[9]);
    const c = g.generate(createRng(9), 1, allocDaily(60), { heatWave: { startDoy: 20, lengthDays: 2, amplitudeC: 5 } });
    expect(c.tmaxC[19] - a.tmaxC[19]).toBeCloseTo(5, 9);
  });
});

describe('hourly disaggregation', () => {
  it('hourly radiation integrates to the daily total; the curve spans Tmin..Tmax', () => {
    const g = new WeatherGenerator();
    const d = g.generate(createRng(1), 1, allocDaily(30));
    const h = toHourly(d, 36.8, allocHourly(30));
    for (let i = 1; i < 29; i++) {
      let s = 0;
      let mx = -Infinity;
      let mn = Infinity;
      for (let k = 0; k < 24; k++) {
        s += (h.ghiWPerM2[i * 24 + k] * 3600) / 1e6;
        mx = Math.max(mx, h.tempC[i * 24 + k]);
        mn = Math.min(mn, h.tempC[i * 24 + k]);
      }
      expect(s).toBeCloseTo(d.sradMJPerM2[i], 9);
      expect(mx).toBeLessThanOrEqual(Math.max(d.tmaxC[i], d.tmaxC[i - 1]) + 1e-9);
      expect(Math.abs(mx - d.tmaxC[i])).toBeLessThan(0.2); // hour 13:30–14:30 centred near the 14:00 peak
      expect(mn).toBeGreaterThanOrEqual(Math.min(d.tminC[i], d.tminC[i + 1]) - 1e-9);
    }
  });
});

describe('real-weather readers', () => {
  it('NASA POWER daily CSV: header block, columns, missing values named by line', () => {
    const txt = readFileSync(path.join(import.meta.dirname, 'fixtures/power-daily-sample.csv'), 'utf8');
    const w = parseNasaPowerCsv(txt, 'power.csv');
    expect(w.latDeg).toBe(36.8);
    expect(w.date).toEqual(['2019-01-01', '2019-01-02', '2019-01-03', '2019-01-04', '2019-01-05']);
    expect(w.sradMJPerM2[3]).toBe(10.2);
    expect(w.rainMm[2]).toBe(1.2);
    expect(() => parseNasaPowerCsv(txt.replace('2019,1,4,-0.5', '2019,1,4,-999'), 'power.csv')).toThrow(
      /power\.csv:17: T2M_MAX/,
    );
    const kwh = txt.replace('(MJ/m^2/day)', '(kW-hr/m^2/day)');
    expect(parseNasaPowerCsv(kwh).sradMJPerM2[0]).toBeCloseTo(9.8 * 3.6, 9);
  });
  it('a POWER file covering Aug–Jul is cut into a 365-day season (29 Feb dropped)', () => {
    const rows: string[] = ['YEAR,MO,DY,T2M_MAX,T2M_MIN,ALLSKY_SFC_SW_DWN,PRECTOTCORR'];
    for (let t = Date.UTC(2019, 6, 1); t <= Date.UTC(2020, 7, 31); t += 86400000) {
      const d = new Date(t);
      rows.push(
        `${d.getUTCFullYear()},${d.getUTCMonth() + 1},${d.getUTCDate()},${d.getUTCMonth() + 10},${d.getUTCMonth()},${d.getUTCDate()},0`,
      );
    }
    const w = parseNasaPowerCsv(rows.join('\n'));
    const s = toSeason(w, 2020, allocDaily(365));
    expect(s.doy[0]).toBe(213);
    expect(s.doy[364]).toBe(212);
    expect(s.tmaxC[0]).toBe(7 + 10); // August → month index 7
    expect(() => toSeason(w, 2022, allocDaily(365))).toThrow(/no weather for 2021-08-01/);
  });
  it('EPW: 8 header lines then hourly rows; daily max/min/sum derived', () => {
    const head = [
      'LOCATION,Jinan,Shandong,CHN,CSWD,548230,36.60,117.05,8.0,170.0',
      ...Array.from({ length: 7 }, (_, i) => `HEADER${i}`),
    ];
    const rows: string[] = [];
    for (let d = 0; d < 365; d++)
      for (let h = 1; h <= 24; h++) {
        const date = new Date(Date.UTC(2005, 0, 1 + d));
        const f = Array.from({ length: 35 }, () => '0');
        f[0] = '2005';
        f[1] = String(date.getUTCMonth() + 1);
        f[2] = String(date.getUTCDate());
        f[3] = String(h);
        f[6] = String(h - 12);
        f[13] = h >= 8 && h <= 16 ? '300' : '0';
        f[33] = '0';
        rows.push(f.join(','));
      }
    const e = parseEpw([...head, ...rows].join('\n'), 'x.epw');
    expect(e.latDeg).toBe(36.6);
    expect(e.tempC.length).toBe(8760);
    expect(e.daily.tmaxC[0]).toBe(12);
    expect(e.daily.tminC[0]).toBe(-11);
    expect(e.daily.sradMJPerM2[0]).toBeCloseTo((9 * 300 * 3600) / 1e6, 9);
    expect(() => parseEpw('foo\n', 'bad.epw')).toThrow(/bad\.epw:1/);
  });
});
