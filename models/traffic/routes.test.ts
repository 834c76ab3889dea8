import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../lib/rng.ts';
import { assign } from './assign.ts';
import { readGmnsFolder } from './gmns.ts';
import { readTntpFolder } from './tntp.ts';
import { buildInStar, odRoutes, sampleRoute } from './routes.ts';
import { requireSharedData, SIOUX_FALLS_DIR } from './shared-data.ts';

const haveSf = requireSharedData(SIOUX_FALLS_DIR);
const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'gmns-small');

describe('per-origin flows and OD routes', () => {
  it('tracking origins leaves the link flows unchanged and the origin flows sum to them', () => {
    const { gmns, demand } = readGmnsFolder(fixture);
    const a = assign(gmns.net, demand!, { targetGap: 1e-6 });
    const b = assign(gmns.net, demand!, { targetGap: 1e-6, trackOrigins: true });
    expect(Array.from(b.flow)).toEqual(Array.from(a.flow));
    const m = gmns.net.numLinks;
    for (let l = 0; l < m; l++) {
      let s = 0;
      for (let o = 0; o < gmns.net.numZones; o++) s += b.originFlow![o * m + l]!;
      expect(s).toBeCloseTo(b.flow[l]!, 6);
    }
  });

  it.skipIf(!haveSf)('Sioux Falls: route flows D_od·share reproduce the UE link flows; routes connect o to d', () => {
    const c = readTntpFolder(SIOUX_FALLS_DIR);
    const r = assign(c.net, c.demand, { targetGap: 1e-6, trackOrigins: true });
    const ins = buildInStar(c.net);
    const nz = c.net.numZones;
    const rebuilt = new Float64Array(c.net.numLinks);
    for (let o = 0; o < nz; o++) {
      for (let d = 0; d < nz; d++) {
        const q = c.demand.od[o * nz + d]!;
        if (o === d || q === 0) continue;
        const routes = odRoutes(c.net, ins, r.originFlow!, o, d, { maxRoutes: 50, coverage: 0.99999 });
        expect(routes.length).toBeGreaterThan(0);
        for (const rt of routes) {
          expect(c.net.from[rt.links[0]!]).toBe(c.net.zoneNode[o]);
          expect(c.net.to[rt.links.at(-1)!]).toBe(c.net.zoneNode[d]);
          for (const a of rt.links) rebuilt[a]! += q * rt.share;
        }
      }
    }
    let worst = 0;
    for (let a = 0; a < c.net.numLinks; a++)
      worst = Math.max(worst, Math.abs(rebuilt[a]! - r.flow[a]!) / Math.max(1, r.flow[a]!));
    expect(worst).toBeLessThan(0.01);
    // Sampling follows the same shares.
    const rng = createRng(5);
    const routes = odRoutes(c.net, ins, r.originFlow!, 0, 19);
    const counts = new Map<string, number>();
    for (let k = 0; k < 4000; k++) {
      const key = sampleRoute(c.net, ins, r.originFlow!, 0, 19, rng)!.join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const rt of routes.filter((x) => x.share > 0.1))
      expect(Math.abs((counts.get(rt.links.join(',')) ?? 0) / 4000 - rt.share)).toBeLessThan(0.03);
  });
});
