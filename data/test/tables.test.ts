import * as turf from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { loadCarOwnership, loadDistricts, loadPopulation, loadSites } from '../index.ts';

const pop = loadPopulation();

describe('districts.csv (population, area, GDP)', () => {
  it('has 8 districts + the city for each year 2017–2021, districts summing to the city', () => {
    for (const year of [2017, 2018, 2019, 2020, 2021]) {
      const rows = pop.filter((r) => r.year === year);
      expect(rows).toHaveLength(9);
      const city = rows.find((r) => r.code === '3703')!;
      expect(rows.filter((r) => r.code !== '3703').reduce((a, r) => a + r.population, 0)).toBe(city.population);
    }
  });

  it('matches the outside references: 2020 census (F), the 2017 bracket and the end-2022 figure', () => {
    const at = (code: string, y: number) => pop.find((r) => r.code === code && r.year === y)!;
    expect(at('3703', 2020)).toMatchObject({ population: 4_704_138, grade: 'F' });
    expect(at('370303', 2020)).toMatchObject({ population: 1_272_967, grade: 'F' });
    expect(at('370306', 2020)).toMatchObject({ population: 407_016, grade: 'F' });
    expect(at('370321', 2020)).toMatchObject({ population: 489_479, grade: 'F' });
    expect(at('370322', 2020)).toMatchObject({ population: 313_130, grade: 'F' });
    expect(at('3703', 2017).population).toBeGreaterThanOrEqual(4_640_000);
    expect(at('3703', 2017).population).toBeLessThanOrEqual(4_700_000);
    expect(at('3703', 2021).population).toBeLessThanOrEqual(4_705_900);
    // Linzi 户籍 614,976 (2014), Zichuan census 731,848 (2010): the derived 2020 values stay within 15 %.
    expect(Math.abs(at('370305', 2020).population / 614_976 - 1)).toBeLessThan(0.15);
    expect(Math.abs(at('370302', 2020).population / 731_848 - 1)).toBeLessThan(0.15);
    expect(pop.filter((r) => r.grade === 'E')).toEqual([]);
  });

  it('GDP only where firm, with its basis', () => {
    const g = pop.filter((r) => r.gdpBnCny !== null);
    expect(g.length).toBe(6);
    expect(g.every((r) => (r.gdpBasis ?? '').length > 10)).toBe(true);
    expect(pop.find((r) => r.code === '3703' && r.year === 2021)!.gdpBnCny).toBe(420.06);
  });
});

describe('vehicles.csv', () => {
  const v = loadCarOwnership();
  it('2017–2021, grade E, inside the research bracket (1.0–1.3 m → 1.4–1.8 m, 7–10 %/yr)', () => {
    expect(v.map((r) => r.year)).toEqual([2017, 2018, 2019, 2020, 2021]);
    expect(v.every((r) => r.grade === 'E' && r.method.length > 40)).toBe(true);
    expect(v[0]!.cars).toBeGreaterThanOrEqual(1.0e6);
    expect(v[0]!.cars).toBeLessThanOrEqual(1.3e6);
    expect(v[4]!.cars).toBeGreaterThanOrEqual(1.4e6);
    expect(v[4]!.cars).toBeLessThanOrEqual(1.8e6);
    for (const r of v.slice(1)) {
      expect(r.growth!).toBeGreaterThan(0.07);
      expect(r.growth!).toBeLessThan(0.1);
    }
    expect(v.every((r) => r.privateCars / r.cars >= 0.8 && r.privateCars / r.cars <= 0.85)).toBe(true);
  });
});

describe('sites.json', () => {
  const sites = loadSites();
  const districts = loadDistricts();
  it('has the three greenhouse clusters, the cloud centre and the 8 seats, each inside its district', () => {
    expect(sites.filter((s) => s.kind === 'greenhouse').map((s) => s.id)).toEqual([
      'site:linzi-huangcheng',
      'site:gaoqing',
      'site:zichuan-zhaili',
    ]);
    expect(sites.filter((s) => s.kind === 'cloud')).toHaveLength(1);
    expect(sites.filter((s) => s.kind === 'government')).toHaveLength(8);
    expect(new Set(sites.map((s) => s.id)).size).toBe(sites.length);
    for (const s of sites) {
      const d = districts.find((x) => x.code === s.districtCode)!;
      expect(turf.booleanPointInPolygon([s.lon, s.lat], turf.polygon(d.polygon)), s.id).toBe(true);
    }
    expect(sites.find((s) => s.id === 'site:linzi-huangcheng')).toMatchObject({
      areaM2: 11000,
      areaGrade: 'F',
      locationGrade: 'E',
    });
  });
});
