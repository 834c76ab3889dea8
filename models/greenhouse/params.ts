/**
 * Scenario section `greenhouse:` — every field has a default, a unit and a source (or ASSUMPTION) in `.describe()`.
 * z.strictObject at every level so a misspelt key is an error naming the path.
 */
import { z } from 'zod';
import { GREENHOUSE_TYPES, MANUAL_RULES, SMART_RULES, type GreenhouseType } from './climate.ts';
import { CUCUMBER_WINTER_SPRING, TOMATO_LONG_SEASON } from './crop.ts';

const share = (d: number, what: string) => z.number().min(0).max(1).default(d).describe(`share 0–1; ${what}`);
const doy = (d: number, what: string) =>
  z.number().int().min(1).max(365).default(d).describe(`day of year 1–365 (non-leap); ${what}`);

function designSchema(t: GreenhouseType) {
  return z
    .strictObject({
      title: z.string().default(t.title).describe('text; name shown in tables'),
      spanM: z.number().min(5).max(16).default(t.spanM).describe('m; south–north span (ASSUMPTION, Shandong 8–12 m)'),
      ridgeHeightM: z.number().min(2).max(7).default(t.ridgeHeightM).describe('m; ridge height (ASSUMPTION, 3.5–5 m)'),
      northWallHeightM: z.number().min(1.5).max(6).default(t.northWallHeightM).describe('m; north wall height'),
      northWallThicknessM: z
        .number()
        .min(0.2)
        .max(3)
        .default(t.northWallThicknessM)
        .describe('m; north wall thickness (research note §2c: brick 0.7–0.8, earth 0.8–1.0)'),
      northWallConductivityWPerMK: z
        .number()
        .min(0.02)
        .max(3)
        .default(t.northWallConductivityWPerMK)
        .describe('W m⁻¹ K⁻¹; effective wall conductivity'),
      northWallHeatCapacityJPerM3K: z
        .number()
        .min(2e5)
        .max(3e6)
        .default(t.northWallHeatCapacityJPerM3K)
        .describe('J m⁻³ K⁻¹; wall volumetric heat capacity'),
      filmTransmittance: z
        .number()
        .min(0.3)
        .max(0.95)
        .default(t.filmTransmittance)
        .describe('–; film + dust transmittance for global radiation (Xu et al. 2024: new PO 0.94)'),
      filmUDayWPerM2K: z
        .number()
        .min(1)
        .max(10)
        .default(t.filmUDayWPerM2K)
        .describe('W m⁻² K⁻¹ of roof; bare film incl. sky radiation (research note §1c ≈ 3–6)'),
      blanketUWPerM2K: z
        .number()
        .min(0.3)
        .max(6)
        .default(t.blanketUWPerM2K)
        .describe('W m⁻² K⁻¹ of roof; film + night blanket (CALIBRATED for the standard design, README)'),
      leakAch: z.number().min(0.05).max(5).default(t.leakAch).describe('h⁻¹; air leakage, everything closed'),
      maxVentAch: z
        .number()
        .min(5)
        .max(120)
        .default(t.maxVentAch)
        .describe('h⁻¹; vents + rolled-up front film fully open'),
    })
    .prefault({})
    .describe(t.title);
}

/** A weather file name relative to data/weather/: no absolute paths, no `..` segments, no hidden files. */
export const WEATHER_FILE_NAME = /^(?!.*(^|\/)\.)[A-Za-z0-9_-][A-Za-z0-9._/-]*\.(csv|epw)$/i;

/** Shares of one whole (to 1e-6, so 0.1 + 0.2 + 0.7 written in YAML passes). */
const sumsToOne = (mix: Record<string, number>) => Math.abs(Object.values(mix).reduce((a, b) => a + b, 0) - 1) <= 1e-6;

function siteSchema(d: {
  greenhouses: number;
  areaPerGreenhouseM2: number;
  typeMix: [number, number, number];
  tomato: number;
  tempOffsetC: number;
}) {
  return z
    .strictObject({
      greenhouses: z
        .number()
        .int()
        .min(0)
        .max(100000)
        .default(d.greenhouses)
        .describe('count; solar greenhouses in the cluster (ASSUMPTION: no public count, README)'),
      areaPerGreenhouseM2: z
        .number()
        .min(100)
        .max(20000)
        .default(d.areaPerGreenhouseM2)
        .describe('m² floor per greenhouse (ASSUMPTION: Shandong 60–100 m long × 8–12 m)'),
      typeMix: z
        .strictObject({
          'shouguang-earth-wall': share(d.typeMix[0], 'standard Shandong design (ASSUMPTION)'),
          'insulated-brick': share(d.typeMix[1], 'energy-saving design (ASSUMPTION)'),
          'simple-earth': share(d.typeMix[2], 'low-cost older design (ASSUMPTION)'),
        })
        .refine(sumsToOne, { message: 'the three design shares must sum to 1' })
        .prefault({})
        .describe('share of greenhouses by design; must sum to 1'),
      cropMix: z
        .strictObject({
          tomato: share(d.tomato, 'long-season tomato (Linzi is a tomato town, research note §2a)'),
          cucumber: share(1 - d.tomato, 'winter–spring cucumber'),
        })
        .refine(sumsToOne, { message: 'tomato + cucumber must sum to 1' })
        .prefault({})
        .describe('share of greenhouse area by crop; must sum to 1'),
      tempOffsetC: z
        .number()
        .min(-5)
        .max(5)
        .default(d.tempOffsetC)
        .describe('°C added to outside Tmax/Tmin (ASSUMPTION: Gaoqing on the northern plain slightly colder)'),
    })
    .prefault({});
}

const waveYears = z
  .array(z.number().int().min(2000).max(2100))
  .default([2021])
  .describe('harvest years (season Aug of year−1 … Jul of year) the wave hits');

export const greenhouseParamsSchema = z.strictObject({
  weather: z
    .strictObject({
      source: z
        .enum(['generator', 'nasa-power', 'epw'])
        .default('generator')
        .describe(
          'weather source: the calibrated generator (default, no file ships), a NASA POWER daily CSV, or an EPW typical year',
        ),
      file: z
        .string()
        .max(200)
        .refine((f) => f === '' || WEATHER_FILE_NAME.test(f), {
          message:
            'a file name inside data/weather/, relative to it (e.g. "zibo-2020.csv" or "nasa/zibo.epw"): letters, digits, . _ - and /, no "..", no absolute path, ending in .csv or .epw',
        })
        .default('')
        .describe(
          'NASA POWER daily CSV or EPW file when source is not generator, named relative to data/weather/ (files are read only from that folder)',
        ),
      coldWave: z
        .strictObject({
          enabled: z.boolean().default(false).describe('switch; cold outbreak like 6–8 January 2021 in Shandong'),
          years: waveYears,
          startDoy: doy(6, 'first day of the cold wave (6 January)'),
          lengthDays: z.number().int().min(0).max(60).default(5).describe('days'),
          depthC: z.number().min(0).max(25).default(10).describe('°C subtracted from Tmax and Tmin (ASSUMPTION)'),
          overcast: z
            .boolean()
            .default(false)
            .describe('switch; wave days overcast (clearness 0.3 of a clear day) instead of clear'),
        })
        .prefault({}),
      heatWave: z
        .strictObject({
          enabled: z.boolean().default(false).describe('switch; early-summer heat wave'),
          years: waveYears,
          startDoy: doy(160, 'first day (9 June)'),
          lengthDays: z.number().int().min(0).max(60).default(10).describe('days'),
          amplitudeC: z.number().min(0).max(15).default(5).describe('°C added to Tmax (Tmin + 0.7×)'),
        })
        .prefault({}),
      winterShiftC: z
        .number()
        .min(-10)
        .max(10)
        .default(0)
        .describe('°C added to Tmax/Tmin in December–February of every season (a colder or milder winter)'),
      radiationFactor: z
        .number()
        .min(0.3)
        .max(1.5)
        .default(1)
        .describe('–; multiplies daily global radiation (haze, brighter years)'),
    })
    .refine((w) => w.source === 'generator' || w.file !== '', {
      path: ['file'],
      message: 'required when source is nasa-power or epw: name a file in data/weather/',
    })
    .prefault({}),
  co2AmbientPpm: z
    .number()
    .min(280)
    .max(2000)
    .default(410)
    .describe('ppm; ambient CO2 2017–2021 (Mauna Loa annual means 406–416)'),
  smart: z
    .strictObject({
      adoptionByYear: z
        .record(z.string().regex(/^\d{4}$/, 'year key like "2019"'), z.number().min(0).max(1))
        .default({ '2017': 0.01, '2018': 0.03, '2019': 0.06, '2020': 0.1, '2021': 0.15 })
        .describe(
          'share of greenhouses under IoT monitoring and control, by harvest year (ASSUMPTION: phase 1 passed acceptance in 2017, no adoption statistics public); a missing year takes the last earlier value',
        ),
      ventDayC: z
        .number()
        .min(18)
        .max(40)
        .default(SMART_RULES.smartVentC)
        .describe('°C; proportional venting setpoint by day (research note §2b: 25–28)'),
      ventNightC: z
        .number()
        .min(8)
        .max(30)
        .default(SMART_RULES.smartNightVentC)
        .describe('°C; night venting setpoint (tomato night optimum 15–18)'),
      blanketRatio: z
        .number()
        .min(0.2)
        .max(3)
        .default(SMART_RULES.smartBlanketRatio)
        .describe(
          '–; open the blanket when transmitted sun ≥ ratio × extra film loss (Liu et al. 2023 two-factor rule)',
        ),
      co2EnrichmentPpm: z
        .number()
        .min(0)
        .max(1500)
        .default(0)
        .describe('ppm; CO2 enrichment in smart greenhouses (0 = none), f(CO2) saturates at 700'),
    })
    .prefault({}),
  manual: z
    .strictObject({
      ventHalfC: z
        .number()
        .min(18)
        .max(40)
        .default(MANUAL_RULES.manualVentHalfC)
        .describe('°C; grower half-opens vents above this at a check (guides: 28–30)'),
      ventFullC: z.number().min(18).max(45).default(MANUAL_RULES.manualVentFullC).describe('°C; fully open above this'),
      ventCloseC: z
        .number()
        .min(10)
        .max(35)
        .default(MANUAL_RULES.manualVentCloseC)
        .describe('°C; step vents down below this'),
      checkIntervalH: z
        .number()
        .min(0.25)
        .max(6)
        .default(MANUAL_RULES.manualCheckH)
        .describe("h; time between the grower's vent checks"),
    })
    .prefault({}),
  irrigation: z
    .strictObject({
      awc: z
        .number()
        .min(0.03)
        .max(0.4)
        .default(0.15)
        .describe('m³ m⁻³; available water capacity of the greenhouse loam (ASSUMPTION; SIMPLE soils 0.05–0.25)'),
      rootZoneMm: z.number().min(100).max(2000).default(400).describe('mm; root-zone depth (ASSUMPTION)'),
      drainage: z
        .number()
        .min(0)
        .max(1)
        .default(0.5)
        .describe('d⁻¹; share of water above field capacity drained per day (SIMPLE DDC, ASSUMPTION)'),
      manualColdIntervalDays: z
        .number()
        .int()
        .min(1)
        .max(60)
        .default(10)
        .describe('d; manual irrigation interval November–February (ASSUMPTION, common practice)'),
      manualColdAmountMm: z
        .number()
        .min(0)
        .max(200)
        .default(20)
        .describe('mm per irrigation, November–February (ASSUMPTION)'),
      manualWarmIntervalDays: z
        .number()
        .int()
        .min(1)
        .max(60)
        .default(6)
        .describe('d; manual interval March–October (ASSUMPTION)'),
      manualWarmAmountMm: z
        .number()
        .min(0)
        .max(200)
        .default(25)
        .describe('mm per irrigation, March–October (ASSUMPTION)'),
      smartRefillDepletion: z
        .number()
        .min(0.05)
        .max(0.9)
        .default(0.3)
        .describe(
          'share of available water used before the soil-moisture sensor triggers a refill to field capacity (ASSUMPTION; FAO-56 p ≈ 0.3–0.4 for vegetables)',
        ),
    })
    .prefault({}),
  blanketSeason: z
    .strictObject({
      fromDoy: doy(MANUAL_RULES.blanketFromDoy, 'blanket used at night from (1 November; ASSUMPTION, common practice)'),
      toDoy: doy(MANUAL_RULES.blanketToDoy, 'until (31 March)'),
    })
    .prefault({}),
  designs: z
    .strictObject({
      'shouguang-earth-wall': designSchema(GREENHOUSE_TYPES['shouguang-earth-wall']),
      'insulated-brick': designSchema(GREENHOUSE_TYPES['insulated-brick']),
      'simple-earth': designSchema(GREENHOUSE_TYPES['simple-earth']),
    })
    .prefault({}),
  crops: z
    .strictObject({
      tomato: z
        .strictObject({
          transplantDoy: doy(237, 'transplant (25 August; UNVERIFIED common practice)'),
          pulloutDoy: doy(181, 'pull-out (30 June)'),
          tsum: z
            .number()
            .min(500)
            .max(10000)
            .default(TOMATO_LONG_SEASON.tsum)
            .describe('°C·d; SIMPLE Tsum for a pruned long-season crop (ASSUMPTION)'),
          hi: z
            .number()
            .min(0.1)
            .max(0.9)
            .default(TOMATO_LONG_SEASON.hi)
            .describe('–; harvest index (SIMPLE Table 1b: 0.50–0.68)'),
          fruitDmc: z
            .number()
            .min(0.02)
            .max(0.15)
            .default(TOMATO_LONG_SEASON.fruitDmc)
            .describe('–; fruit dry-matter content (GreenLight 0.06)'),
          marketableShare: share(TOMATO_LONG_SEASON.marketableShare, 'marketable share of fresh fruit (ASSUMPTION)'),
        })
        .prefault({}),
      cucumber: z
        .strictObject({
          transplantDoy: doy(10, 'transplant (10 January; ASSUMPTION)'),
          pulloutDoy: doy(181, 'pull-out (30 June)'),
          tsum: z
            .number()
            .min(500)
            .max(10000)
            .default(CUCUMBER_WINTER_SPRING.tsum)
            .describe(
              '°C·d (ASSUMPTION, UNCALIBRATED: the only Shandong cucumber yields in the research notes are grade E/D, README §6)',
            ),
          hi: z
            .number()
            .min(0.1)
            .max(0.9)
            .default(CUCUMBER_WINTER_SPRING.hi)
            .describe('– (ASSUMPTION, UNCALIBRATED; SIMPLE has no cucumber)'),
          fruitDmc: z
            .number()
            .min(0.02)
            .max(0.15)
            .default(CUCUMBER_WINTER_SPRING.fruitDmc)
            .describe('– (UNVERIFIED 0.03–0.04; UNCALIBRATED)'),
          marketableShare: share(CUCUMBER_WINTER_SPRING.marketableShare, 'marketable share (ASSUMPTION)'),
        })
        .prefault({}),
    })
    .prefault({}),
  sites: z
    .strictObject({
      'site:linzi-huangcheng': siteSchema({
        greenhouses: 500,
        areaPerGreenhouseM2: 800,
        typeMix: [0.6, 0.2, 0.2],
        tomato: 0.85,
        tempOffsetC: 0,
      }),
      'site:gaoqing': siteSchema({
        greenhouses: 300,
        areaPerGreenhouseM2: 700,
        typeMix: [0.5, 0.1, 0.4],
        tomato: 0.5,
        tempOffsetC: -0.5,
      }),
      'site:zichuan-zhaili': siteSchema({
        greenhouses: 200,
        areaPerGreenhouseM2: 600,
        typeMix: [0.5, 0.1, 0.4],
        tomato: 0.6,
        tempOffsetC: 0,
      }),
    })
    .prefault({})
    .describe('greenhouse stock per cluster (ids as in data/zibo/sites.json)'),
  representativeDoy: doy(15, 'day shown hourly in the viewer artifact (15 January)'),
});

export type GreenhouseParams = z.infer<typeof greenhouseParamsSchema>;
export type DesignId = keyof GreenhouseParams['designs'];
export const DESIGN_IDS = [
  'shouguang-earth-wall',
  'insulated-brick',
  'simple-earth',
] as const satisfies readonly DesignId[];
