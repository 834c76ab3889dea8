/**
 * Stage 2 tables: resident population and GDP per district 2017–2021 (data/zibo/districts.csv) and the
 * car-ownership series (data/zibo/vehicles.csv). Pure functions of the facts in facts.ts.
 */
import { round, toCsv, type Outputs } from './common.ts';
import { CENSUS_2020, CITY, DISTRICTS, GDP, REMAINDER_WEIGHTS, type Grade } from './facts.ts';

export const YEARS = [2017, 2018, 2019, 2020, 2021] as const;

/**
 * Splits `total` into integers proportional to `weights` (largest remainder), so the parts sum exactly to total.
 * @example
 * apportion(10, [1, 1, 1]) // => [4, 3, 3]
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new Error('apportion: weights must sum to a positive number');
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i]! += 1;
    left -= 1;
  }
  return out;
}

/**
 * City resident population by year (year-end / census date). 2020 is the census (F). 2017–2019: geometric
 * interpolation between the 2010 and 2020 censuses (D). 2021: linear between the 2020 census and the end-2022
 * communiqué value (D).
 * @example
 * cityPopulation(2020) // => { value: 4704138, grade: 'F', method: '7th census 2020' }
 * cityPopulation(2017).grade // => 'D'
 */
export function cityPopulation(year: number): { value: number; grade: Grade; method: string } {
  if (year === 2020) return { value: CITY.census2020, grade: 'F', method: '7th census 2020' };
  if (year >= 2011 && year < 2020) {
    const r = (CITY.census2020 / CITY.census2010) ** (1 / 10);
    return {
      value: Math.round(CITY.census2010 * r ** (year - 2010)),
      grade: 'D',
      method: 'geometric interpolation between censuses 2010 and 2020',
    };
  }
  if (year === 2021) {
    return {
      value: Math.round(CITY.census2020 + (CITY.resident2022 - CITY.census2020) / 2),
      grade: 'D',
      method: 'linear between census 2020 and end-2022 communiqué',
    };
  }
  throw new Error(`cityPopulation: no method for year ${year}`);
}

/**
 * 2020 resident population per district: census where found (F), else the remainder shared by REMAINDER_WEIGHTS (D).
 * @example
 * districtPopulation2020()['370303'] // => { value: 1272967, grade: 'F' }
 */
export function districtPopulation2020(): Record<string, { value: number; grade: Grade }> {
  const firm = Object.values(CENSUS_2020).reduce((a, b) => a + b, 0);
  const rest = CITY.census2020 - firm;
  const codes = Object.keys(REMAINDER_WEIGHTS);
  const parts = apportion(
    rest,
    codes.map((c) => REMAINDER_WEIGHTS[c]!.value),
  );
  const out: Record<string, { value: number; grade: Grade }> = {};
  for (const d of DISTRICTS) {
    const f = CENSUS_2020[d.code];
    if (f !== undefined) out[d.code] = { value: f, grade: 'F' };
    else out[d.code] = { value: parts[codes.indexOf(d.code)]!, grade: 'D' };
  }
  return out;
}

/**
 * Population rows: district × year, the 2020 split scaled to each year's city total, plus the city row per year.
 * @example
 * populationRows().filter((r) => r.year === 2017).length // => 9
 */
export function populationRows(): { code: string; year: number; population: number; grade: Grade; method: string }[] {
  const p2020 = districtPopulation2020();
  const codes = DISTRICTS.map((d) => d.code);
  const rows: { code: string; year: number; population: number; grade: Grade; method: string }[] = [];
  for (const year of YEARS) {
    const city = cityPopulation(year);
    const parts =
      year === 2020
        ? codes.map((c) => p2020[c]!.value)
        : apportion(
            city.value,
            codes.map((c) => p2020[c]!.value),
          );
    codes.forEach((code, i) => {
      const firm = year === 2020 && p2020[code]!.grade === 'F';
      rows.push({
        code,
        year,
        population: parts[i]!,
        grade: firm ? 'F' : 'D',
        method: firm
          ? '7th census 2020'
          : year === 2020
            ? `2020 census remainder shared by ${REMAINDER_WEIGHTS[code]!.basis} weights`
            : `2020 split scaled to the city total (${city.method})`,
      });
    });
    rows.push({ code: CITY.code, year, population: city.value, grade: city.grade, method: city.method });
  }
  return rows;
}

/**
 * Car ownership (civil motor vehicles, 民用汽车) 2017–2021, grade E. Method: the 2009 Shandong-yearbook figure for
 * Zibo (370,057, F) × the national 2009→2017 growth ratio ≈ 3.4 (research note §1.3) gives end-2017; later years
 * follow the national MPS car stock (mid-2017 205 m, end-2019 260 m, Sep-2021 297 m; F), interpolated geometrically
 * to year-ends. Private cars = 82 % of cars (E, note: 80–85 %).
 */
export const VEHICLE_METHOD = {
  zibo2009: 370_057,
  ratio2009to2017: 3.4,
  national: [
    { t: 2017.5, cars: 205e6 },
    { t: 2020.0, cars: 260e6 },
    { t: 2021.75, cars: 297e6 },
  ],
  privateShare: 0.82,
} as const;

/**
 * National car stock at decimal year t (year-end = year + 1.0), geometric interpolation / extrapolation.
 * @example
 * nationalCars(2020) // => 260e6
 */
export function nationalCars(t: number): number {
  const pts = VEHICLE_METHOD.national;
  const i = t <= pts[1].t ? 0 : 1;
  const a = pts[i]!;
  const b = pts[i + 1]!;
  const g = Math.log(b.cars / a.cars) / (b.t - a.t);
  return a.cars * Math.exp(g * (t - a.t));
}

/**
 * The car-ownership rows 2017–2021 (see VEHICLE_METHOD).
 * @example
 * vehicleRows()[0] // => { year: 2017, cars: 1258200, privateCars: 1031700, carsPer1000: 270.5, growth: null }
 */
export function vehicleRows(): {
  year: number;
  cars: number;
  privateCars: number;
  carsPer1000: number;
  growth: number | null;
}[] {
  const end2017 = VEHICLE_METHOD.zibo2009 * VEHICLE_METHOD.ratio2009to2017;
  const base = nationalCars(2018.0);
  let prev: number | null = null;
  return YEARS.map((year) => {
    const cars = Math.round((end2017 * nationalCars(year + 1)) / base / 100) * 100;
    const pop = cityPopulation(year).value;
    const row = {
      year,
      cars,
      privateCars: Math.round((cars * VEHICLE_METHOD.privateShare) / 100) * 100,
      carsPer1000: round((cars / pop) * 1000, 1),
      growth: prev === null ? null : round(cars / prev - 1, 4),
    };
    prev = cars;
    return row;
  });
}

/**
 * Builds data/zibo/districts.csv and data/zibo/vehicles.csv.
 * @example
 * const out = buildTables({ '370303': 2960 }); // areas from districts.geojson (km²; missing ones stay empty)
 * [...out.keys()] // => ['zibo/districts.csv', 'zibo/vehicles.csv']
 * out.get('zibo/vehicles.csv').split('\n')[1].split(',').slice(0, 6) // => ['2017', '1258200', '1031700', '270.5', '', 'E']
 */
export function buildTables(areas: Readonly<Record<string, number>>): Outputs {
  const gdpBy = new Map(GDP.map((g) => [`${g.code}:${g.year}`, g]));
  const rows = populationRows().map((r) => {
    const d = DISTRICTS.find((x) => x.code === r.code);
    const g = gdpBy.get(`${r.code}:${r.year}`);
    return {
      code: r.code,
      name_zh: d ? d.nameZh : CITY.nameZh,
      name_en: d ? d.nameEn : CITY.nameEn,
      year: r.year,
      population: r.population,
      population_grade: r.grade,
      population_method: r.method,
      area_km2: d
        ? areas[r.code]!
        : round(
            Object.values(areas).reduce((a, b) => a + b, 0),
            2,
          ),
      official_area_km2: d ? d.officialAreaKm2 : CITY.officialAreaKm2,
      gdp_bn_cny: g ? g.gdpBnCny : null,
      gdp_grade: g ? 'F' : null,
      gdp_basis: g ? `${g.basis}; ${g.source}` : null,
    };
  });
  const popCols = [
    'code',
    'name_zh',
    'name_en',
    'year',
    'population',
    'population_grade',
    'population_method',
    'area_km2',
    'official_area_km2',
    'gdp_bn_cny',
    'gdp_grade',
    'gdp_basis',
  ];
  const method =
    `E: Zibo 2009 civil vehicles ${VEHICLE_METHOD.zibo2009} (Shandong yearbook, F) x national 2009->2017 ratio ${VEHICLE_METHOD.ratio2009to2017}, ` +
    'then national MPS car stock growth (205m mid-2017, 260m end-2019, 297m Sep-2021) interpolated to year-ends; private share 0.82 (E)';
  const veh = vehicleRows().map((v) => ({
    year: v.year,
    cars: v.cars,
    private_cars: v.privateCars,
    cars_per_1000: v.carsPer1000,
    growth: v.growth,
    grade: 'E',
    method,
  }));
  return new Map([
    ['zibo/districts.csv', toCsv(popCols, rows)],
    ['zibo/vehicles.csv', toCsv(['year', 'cars', 'private_cars', 'cars_per_1000', 'growth', 'grade', 'method'], veh)],
  ]);
}
