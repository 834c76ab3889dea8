/**
 * Documented ranges of the clouds model's main uncertain parameters (README "Sensitivity ranges"): the default
 * factors of `twin sensitivity` for cloud targets. research = ../shared/research/zibo-and-rollout.md.
 */
import type { SensitivityRange } from '../types.ts';

export const cloudsSensitivityRanges: readonly SensitivityRange[] = [
  { path: 'inventory.cityDepartments', min: 60, max: 80, source: 'research §2.5: 60–80 city departments (grade E)' },
  {
    path: 'inventory.retireShare',
    min: 0.05,
    max: 0.3,
    source: 'research §1.6 / §2.5: Shandong shut many systems in the clean-up; assumption: 5–30 % of systems retired',
  },
  { path: 'hosts.cpuOvercommit', min: 2, max: 4, source: 'research §3: vCPU overcommit 2–4 (grade E)' },
  { path: 'hosts.ramOvercommit', min: 1, max: 1.2, source: 'research §3: RAM overcommit 1.0–1.2 (grade E)' },
  {
    path: 'hosts.targetUtilisation',
    min: 0.5,
    max: 0.7,
    source: 'research §3: planning target 0.6 (grade E); assumption: ±0.1',
  },
  { path: 'power.cloudPue', min: 1.4, max: 1.6, source: 'research §3: PUE 1.4–1.6 (grade E)' },
  {
    path: 'frontend.designHourShare',
    min: 0.1,
    max: 0.15,
    source: 'research §3: design hour 10–15 % of daily requests (grade E)',
  },
  {
    path: 'frontend.plannedGrowthPerYear',
    min: 0.2,
    max: 0.6,
    source: 'assumption: half to 1.5 times the 0.4 default growth the capacity plan sizes for',
  },
];
