/**
 * Documented ranges of the rollout model's main uncertain parameters (README "Sensitivity ranges"): the default
 * factors of `twin sensitivity` for rollout targets. research = ../shared/research/zibo-and-rollout.md.
 */
import type { SensitivityRange } from '../types.ts';

export const rolloutSensitivityRanges: readonly SensitivityRange[] = [
  {
    path: 'durationCommonSigma',
    min: 0.05,
    max: 0.3,
    source:
      'assumption: a programme-wide estimation bias of about ±5 % to ±35 % (one SD of the log) around the 0.15 default',
  },
  {
    path: 'crews.perCounty',
    min: 1,
    max: 4,
    source: 'assumption: 1–4 county crews (default 2); the plan does not state staffing',
  },
  {
    path: 'departments.count',
    min: 60,
    max: 80,
    source: 'research §2.5: 60–80 city departments (grade E)',
  },
  {
    path: 'services.bassPPerYear',
    min: 0.2,
    max: 0.8,
    source:
      'assumption: half to twice the 0.4 default; research §2.1 gives p ≈ 0.03 for consumer products, mandated services are faster',
  },
  {
    path: 'services.bassQPerYear',
    min: 0.38,
    max: 2,
    source:
      'research §2.1: mean q ≈ 0.38 (consumer products) as the slow end; assumption: up to 2 for mandated services',
  },
  {
    path: 'services.districtSigma',
    min: 0.1,
    max: 0.4,
    source: 'assumption: districts differ in speed by about ±10 % to ±40 % (one SD of the log)',
  },
  {
    path: 'collab.pPerMonth',
    min: 0.1,
    max: 1,
    source: 'research §2.1: p ≥ 0.3 per quarter (0.1 per month) for a mandated internal system; assumption: up to 1',
  },
  {
    path: 'lagsDays.village',
    min: 7,
    max: 30,
    source: 'assumption: one to four weeks between a town node and its villages (default 14 days)',
  },
];
