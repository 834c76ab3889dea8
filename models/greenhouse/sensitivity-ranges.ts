/**
 * Documented ranges of the greenhouse model's main uncertain parameters (README "Sensitivity ranges"): the default
 * factors of `twin sensitivity` for greenhouse targets. research = ../shared/research/greenhouse.md.
 */
import type { SensitivityRange } from '../types.ts';

export const greenhouseSensitivityRanges: readonly SensitivityRange[] = [
  {
    path: 'weather.radiationFactor',
    min: 0.85,
    max: 1.1,
    source: 'assumption: hazy to bright years, about −15 % to +10 % of the normal global radiation',
  },
  { path: 'weather.winterShiftC', min: -2, max: 2, source: 'assumption: a winter 2 °C colder or milder than normal' },
  { path: 'smart.ventDayC', min: 25, max: 28, source: 'research note §2b: day venting setpoint 25–28 °C' },
  {
    path: 'designs.shouguang-earth-wall.filmTransmittance',
    min: 0.75,
    max: 0.94,
    source: 'Xu et al. 2024: new PO film 0.94; assumption: dusty, ageing film down to 0.75',
  },
  {
    path: 'designs.shouguang-earth-wall.filmUDayWPerM2K',
    min: 3,
    max: 6,
    source: 'research note §1c: bare film U ≈ 3–6 W m⁻² K⁻¹',
  },
  {
    path: 'designs.shouguang-earth-wall.northWallThicknessM',
    min: 0.8,
    max: 1,
    source: 'research note §2c: earth walls 0.8–1.0 m',
  },
  {
    path: 'crops.tomato.hi',
    min: 0.5,
    max: 0.68,
    source: 'SIMPLE (Zhao et al. 2019) Table 1b: tomato harvest index 0.50–0.68',
  },
  { path: 'irrigation.awc', min: 0.05, max: 0.25, source: 'SIMPLE soils: available water capacity 0.05–0.25 m³ m⁻³' },
];
