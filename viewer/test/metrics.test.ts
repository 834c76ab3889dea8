/**
 * The viewer's one table of metric roles (viewer/src/app/metrics.ts) against the models' metric catalogue and the
 * plan's targets: a metric renamed in a model, or a target id changed in data/plan/targets.yaml, fails here
 * instead of silently blanking a colouring, a card or a presentation step.
 */
import { describe, expect, it } from 'vitest';
import { scenarioModels } from '../../engine/scenario.ts';
import { loadTargets } from '../../engine/targets.ts';
import { METRIC_PATTERN, METRIC_ROLE, ROLLOUT_STEP_TARGET } from '../src/app/metrics.ts';

const catalogue = new Map<string, string>();
for (const m of scenarioModels()) for (const mi of m.metrics ?? []) catalogue.set(mi.id, m.id);
const ids = [...catalogue.keys()];

describe('viewer metric roles', () => {
  it('every role names a catalogued metric of the expected model', () => {
    expect(catalogue.get(METRIC_ROLE.districtDefault)).toBe('rollout');
    expect(catalogue.get(METRIC_ROLE.cloudMigrated)).toBe('clouds');
    expect(catalogue.get(METRIC_ROLE.greenhouseYield)).toBe('greenhouse');
  });

  it('the card and drill-down patterns each match catalogued metrics of their model', () => {
    const of = (re: RegExp) => ids.filter((id) => re.test(id));
    expect(of(METRIC_PATTERN.rolloutCard).length).toBeGreaterThan(0);
    for (const id of of(METRIC_PATTERN.rolloutCard)) expect(catalogue.get(id), id).toBe('rollout');
    expect(of(METRIC_PATTERN.cloudsCard).length).toBeGreaterThan(0);
    for (const id of of(METRIC_PATTERN.cloudsCard)) expect(catalogue.get(id), id).toBe('clouds');
    const clouds = of(METRIC_PATTERN.cloudsCard);
    expect(clouds.some((id) => METRIC_PATTERN.cloudHosts.test(id))).toBe(true);
    expect(clouds.some((id) => METRIC_PATTERN.cloudUtilisation.test(id))).toBe(true);
  });

  it('the rollout presentation step charts a plan target of the rollout model', () => {
    const td = loadTargets().find((x) => x.id === ROLLOUT_STEP_TARGET);
    expect(td?.model).toBe('rollout');
  });
});
