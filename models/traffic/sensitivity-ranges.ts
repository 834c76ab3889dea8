/**
 * Documented ranges of the traffic models' main uncertain parameters (README "Sensitivity ranges"): the default
 * factors of `twin sensitivity` for traffic targets. The dynamic model shares the static model's section, so its
 * paths carry the `traffic.` prefix (see trafficDynamicSensitivityRanges).
 */
import type { SensitivityRange } from '../types.ts';

export const trafficSensitivityRanges: readonly SensitivityRange[] = [
  {
    path: 'demand.peakTripsPerCar',
    min: 0.045,
    max: 0.055,
    source: 'README "Plausibility": the range that keeps peak speeds and the longest trip plausible (sweep 0.03–0.07)',
  },
  {
    path: 'demand.deterrencePerMin',
    min: 0.03,
    max: 0.12,
    source: 'Ortúzar & Willumsen (2011) §5.5: car-trip deterrence 0.03–0.12 per minute',
  },
  {
    path: 'demand.uncertaintySd',
    min: 0.05,
    max: 0.2,
    source: 'assumption: a peak-hour demand forecast error of ±5 % to ±20 % (one SD of the log; default 10 %)',
  },
  {
    path: 'signals.capacityGainMax',
    min: 0.1,
    max: 0.2,
    source:
      'FHWA EDC-1 Adaptive Signal Control Technology: ~10 % and more travel-time gain; assumption: upper end 10–20 %',
  },
  {
    path: 'signals.delayPerSignalS',
    min: 15,
    max: 25,
    source: 'Highway Capacity Manual 6th ed. ch. 19: uniform delay 15–25 s at C = 90 s, g/C ≈ 0.5, X ≈ 0.5',
  },
  {
    path: 'signals.delayReduction',
    min: 0.1,
    max: 0.4,
    source: 'FHWA Adaptive Signal Control Technology summaries: delay reductions of roughly 10–40 %',
  },
  {
    path: 'bpr.alpha',
    min: 0.15,
    max: 0.8,
    source: 'BPR (1964) standard 0.15 as the low end; assumption: up to 0.8 as in later urban recalibrations',
  },
  {
    path: 'bpr.beta',
    min: 3,
    max: 6,
    source: 'BPR (1964) standard 4; assumption: 3–6 as in later recalibrations',
  },
];

/** The dynamic loading's ranges: the shared demand and signal parameters plus its own signal timing. */
export const trafficDynamicSensitivityRanges: readonly SensitivityRange[] = [
  ...trafficSensitivityRanges
    .filter((r) => r.path.startsWith('demand.') || r.path.startsWith('signals.'))
    .map((r) => ({ ...r, path: `traffic.${r.path}` })),
  {
    path: 'signals.cycleS',
    min: 60,
    max: 180,
    source: 'Chinese urban signal cycles 60–180 s (parameter description)',
  },
  {
    path: 'signals.startupLostS',
    min: 1.5,
    max: 3,
    source: 'HCM 2010 default 2 s; assumption: 1.5–3 s',
  },
];
