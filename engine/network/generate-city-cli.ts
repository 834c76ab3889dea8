/**
 * `npm run city:generate [-- --out FILE] [--spacing M] [--seed N]`: writes the synthetic Zibo-size city
 * (generate-city.ts) as .osm.pbf, by default data/.cache/synthetic-zibo.osm.pbf (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ENGINE_ROOT } from '../paths.ts';
import { generateCity } from './generate-city.ts';

const { values } = parseArgs({
  options: { out: { type: 'string' }, spacing: { type: 'string' }, seed: { type: 'string' } },
});
const out = values.out ?? path.join(ENGINE_ROOT, 'data', '.cache', 'synthetic-zibo.osm.pbf');
mkdirSync(path.dirname(out), { recursive: true });
const t0 = performance.now();
const st = generateCity(out, {
  ...(values.spacing ? { spacingM: Number(values.spacing) } : {}),
  ...(values.seed ? { seed: Number(values.seed) } : {}),
});
process.stdout.write(
  `wrote ${out}: ${st.nodes} nodes (${st.latticeNodes} junctions, ${st.signals} signals), ${st.ways} ways in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
);
