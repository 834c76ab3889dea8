/**
 * The documented sensitivity ranges (ModelDefinition.sensitivityRanges) name real numeric parameters, contain the
 * baseline's value, are tabled in the model's README, and the baseline loads with every factor at its low end and at
 * its high end at once — so a Sobol/Morris design over them only ever builds scenarios that validate and run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { variableParams } from '../api/params.ts';
import { defaultSpecs } from '../commands/sensitivity.ts';
import { ENGINE_ROOT } from '../paths.ts';
import { loadScenario, scenarioModels } from '../scenario.ts';
import { checkParams, overridesFor } from '../studies/levers.ts';

const BASELINE = path.join(ENGINE_ROOT, 'scenarios', 'baseline.yaml');
const README: Record<string, string> = {
  rollout: 'models/rollout/README.md',
  clouds: 'models/clouds/README.md',
  greenhouse: 'models/greenhouse/README.md',
  traffic: 'models/traffic/README.md',
  'traffic-dynamic': 'models/traffic/dynamic/README.md',
};

describe('documented sensitivity ranges', () => {
  const withRanges = scenarioModels().filter((m) => m.sensitivityRanges?.length);

  it('every production model has them', () => {
    expect(withRanges.map((m) => m.id).sort()).toEqual(Object.keys(README).sort());
  });

  for (const m of withRanges) {
    it(`${m.id}: real numeric parameters, min < max inside the schema, the default inside, a source each`, () => {
      const params = new Map(variableParams(m).map((p) => [p.path, p]));
      for (const r of m.sensitivityRanges!) {
        const p = params.get(r.path);
        expect(p, `${m.id}.${r.path}`).toBeDefined();
        expect(['number', 'integer']).toContain(p!.kind);
        expect(r.min).toBeLessThan(r.max);
        if (p!.min !== undefined) expect(r.min).toBeGreaterThanOrEqual(p!.min);
        if (p!.max !== undefined) expect(r.max).toBeLessThanOrEqual(p!.max);
        if (p!.kind === 'integer') expect(Number.isInteger(r.min) && Number.isInteger(r.max)).toBe(true);
        expect(Number(p!.default)).toBeGreaterThanOrEqual(r.min);
        expect(Number(p!.default)).toBeLessThanOrEqual(r.max);
        expect(r.source.length).toBeGreaterThan(10);
      }
    });

    it(`${m.id}: the README tables every range`, () => {
      const text = readFileSync(path.join(ENGINE_ROOT, README[m.id]!), 'utf8');
      const section = text.slice(text.indexOf('## Sensitivity ranges'));
      expect(text).toContain('## Sensitivity ranges');
      for (const r of m.sensitivityRanges!) expect(section, r.path).toContain(`\`${r.path}\``);
    });

    it(`${m.id}: the baseline loads with all factors low and all factors high, and the study's checks accept them`, () => {
      const specs = defaultSpecs(m.id, {});
      expect(specs.length).toBe(m.sensitivityRanges!.length);
      const loaded = loadScenario(BASELINE);
      expect(loaded.modelIds).toContain(m.id);
      const paths = specs.map((s) => s.path);
      for (const end of ['min', 'max'] as const)
        expect(() =>
          loadScenario(BASELINE, {
            overrides: overridesFor(
              paths,
              specs.map((s) => s[end]),
            ),
          }),
        ).not.toThrow();
      expect(checkParams(BASELINE, loaded, specs, '--params').map((p) => p.path)).toEqual(paths);
    });
  }
});
