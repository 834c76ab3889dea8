/**
 * Model family `greenhouse`: Zibo solar-greenhouse (日光温室) vegetable production under manual and smart (IoT)
 * control — weather generator → hourly greenhouse energy balance → SIMPLE-type crops. See README.md.
 */
import type { MetricInfo, ModelDefinition } from '../types.ts';
import { loadGreenhouseInputs, runGreenhouse, type GreenhouseInputs } from './model.ts';
import { greenhouseParamsSchema, type GreenhouseParams } from './params.ts';
import { resolveWeatherFile } from './weather-dir.ts';
import { greenhouseSensitivityRanges } from './sensitivity-ranges.ts';

export { greenhouseParamsSchema, type GreenhouseParams } from './params.ts';
export { loadGreenhouseInputs, runGreenhouse, adoptionShare, type GreenhouseInputs } from './model.ts';

export const greenhouseMetrics: MetricInfo[] = [
  {
    id: 'greenhouse.yieldKgPerM2',
    unit: 'kg/m²',
    title:
      'Marketable fresh yield per m² of greenhouse floor, per harvest year (city and site:*; all crops: includes the UNCALIBRATED cucumber area)',
  },
  {
    id: 'greenhouse.productionT',
    unit: 't',
    title:
      'Marketable fresh production per harvest year (city and site:*; all crops: includes the UNCALIBRATED cucumber area)',
  },
  {
    id: 'greenhouse.smartShare',
    unit: 'share',
    title: 'Share of greenhouses under IoT monitoring and smart control (scenario input)',
  },
  {
    id: 'greenhouse.smartGainPct',
    unit: '%',
    title: 'Yield gain of smart over manual control, same weather and greenhouse mix (cucumber part UNCALIBRATED)',
  },
  {
    id: 'greenhouse.coldDamageDays',
    unit: 'd',
    title: 'Chilling days per greenhouse-season (inside Tmin below the crop threshold: tomato 5 °C, cucumber 8 °C)',
  },
  {
    id: 'greenhouse.frostLossShare',
    unit: 'share',
    title: 'Share of greenhouse area whose crop was killed by frost (> 2 h below 0 °C inside)',
  },
  {
    id: 'greenhouse.janInsideMinC',
    unit: '°C',
    title: 'Mean January inside minimum air temperature (greenhouse-weighted)',
  },
  {
    id: 'greenhouse.irrigationMm',
    unit: 'mm',
    title:
      'Irrigation water per m² of greenhouse per season (L/m²), manual schedule vs smart soil-moisture refills by adoption',
  },
  {
    id: 'greenhouse.waterSavingPct',
    unit: '%',
    title:
      'Irrigation saved by smart (sensor) over manual (fixed schedule) irrigation — follows from the assumed manual schedule',
  },
  {
    id: 'greenhouse.firstHarvestDays',
    unit: 'd',
    title:
      'Days from transplanting to the first picking (crop:tomato transplanted 25 Aug, crop:cucumber 10 Jan — cucumber UNCALIBRATED)',
  },
  {
    id: 'greenhouse.lastHarvestDays',
    unit: 'd',
    title:
      'Days from transplanting to the last picking (pull-out, canopy collapse or frost; crop:cucumber UNCALIBRATED)',
  },
  {
    id: 'greenhouse.cropYieldKgPerM2',
    unit: 'kg/m²',
    title:
      'Marketable yield per crop (crop:tomato; crop:cucumber UNCALIBRATED: no graded Shandong winter–spring yield to fit, README §6)',
  },
];

export const greenhouseModel: ModelDefinition<GreenhouseParams, GreenhouseInputs> = {
  id: 'greenhouse',
  title:
    'Solar-greenhouse vegetables with smart control (tomato checked against Zibo/Beijing yields; cucumber uncalibrated)',
  grain: 'year',
  paramsSchema: greenhouseParamsSchema,
  sensitivityRanges: greenhouseSensitivityRanges,
  metrics: greenhouseMetrics,
  loadInputs: (params) => loadGreenhouseInputs(params),
  checkInputs: (params) => {
    if (params.weather.source === 'generator') return [];
    const r = resolveWeatherFile(params.weather.file);
    return r.error === undefined
      ? []
      : [{ path: ['weather', 'file'], message: r.error.replace(/^greenhouse\.weather\.file: /, '') }];
  },
  run: runGreenhouse,
};
