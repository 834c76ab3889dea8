/**
 * The parameter catalogue: year-by-year lists are recognised from their zod schema (with the value rule the server
 * applies), other lists are not, and every parameter of every model has a Chinese and an English short name.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { paramName } from '../contract/param-names.ts';
import { models } from '../../models/registry.ts';
import type { ModelDefinition } from '../../models/types.ts';
import { modelParams, paramCatalogue } from './params.ts';

const find = (model: string, path: string) =>
  paramCatalogue()
    .find((c) => c.model === model)!
    .params.find((p) => p.path === path)!;

describe('parameter catalogue', () => {
  it('marks the year-by-year lists of the shipped models with their value rule', () => {
    expect(find('traffic', 'signals.upgradedShare').yearTable).toEqual({
      min: 0,
      max: 1,
      integer: false,
      byKey: false,
    });
    expect(find('traffic', 'signals.upgradedShareByDistrict').yearTable).toEqual({
      min: 0,
      max: 1,
      integer: false,
      byKey: true,
    });
    expect(find('greenhouse', 'smart.adoptionByYear').yearTable?.max).toBe(1);
    // Lists that are not keyed by year stay plain lists.
    expect(find('rollout', 'funding.tranches').yearTable).toBeUndefined();
    expect(find('traffic', 'demand.attractionWeight').yearTable).toBeUndefined();
    expect(find('greenhouse', 'weather.coldWave.years').yearTable).toBeUndefined();
  });

  it('reads an integer rule and a word-keyed record from a schema it has not seen', () => {
    const schema = z.strictObject({
      perYear: z.record(z.string().regex(/^\d{4}$/), z.number().int().min(0).max(50)).default({ '2019': 3 }),
      perName: z.record(z.string(), z.number()).default({}),
    });
    const ps = modelParams({ id: 'probe', paramsSchema: schema } as unknown as ModelDefinition);
    expect(ps.find((p) => p.path === 'perYear')?.yearTable).toEqual({ min: 0, max: 50, integer: true, byKey: false });
    expect(ps.find((p) => p.path === 'perName')?.yearTable).toBeUndefined();
  });

  it('has a Chinese and an English name for every parameter, group heading and model', () => {
    const missing: string[] = [];
    // The shipped models (the catalogue also lists the engine's test models when tests register them).
    const shipped = new Set(models.map((m) => m.id));
    expect(shipped.size).toBeGreaterThanOrEqual(5);
    for (const c of paramCatalogue().filter((x) => shipped.has(x.model))) {
      if (!paramName(c.model)) missing.push(c.model);
      for (const p of c.params) {
        const name = paramName(c.model, p.path);
        if (!name?.zh || !name.en || !/[\u4e00-\u9fff]/.test(name.zh)) missing.push(`${c.model}.${p.path}`);
        // The panel's group heading is the first path segment.
        const head = p.path.split('.')[0]!;
        if (p.path.includes('.') && !paramName(c.model, head)) missing.push(`${c.model}.${head} (group)`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});
