import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DataFileError,
  loadCarOwnership,
  loadDistricts,
  loadRoadNetwork,
  loadSites,
  loadZones,
  ZIBO_DATA_DIR,
} from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'zibo-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Copies data/zibo to a temp dir and applies an edit to one file. */
function corrupt(file: string, edit: (text: string) => string): string {
  const d = mkdtempSync(join(dir, 'case-'));
  cpSync(ZIBO_DATA_DIR, d, { recursive: true });
  writeFileSync(join(d, file), edit(readFileSync(join(d, file), 'utf8')));
  return d;
}

describe('data/index.ts loaders', () => {
  it('malformed CSV quoting names the file and line (data/csv.ts parses every data file)', () => {
    const d = corrupt('network/link.csv', (t) => t.replace(/\n(\d+),/, (_m, id) => `\n${id},"unclosed `));
    expect(() => loadRoadNetwork({ dir: d })).toThrow(/network\/link\.csv:2: column \d+: quoted field is never closed/);
  });

  it('a bad number names the file, line and field', () => {
    const d = corrupt('network/link.csv', (t) => t.replace(/\n(\d+,[^,]+,\d+,\d+,)(\d+),/, (_m, a) => `\n${a}abc,`));
    expect(() => loadRoadNetwork({ dir: d })).toThrow(/network\/link\.csv:2 field "length": .*got "abc"/);
  });

  it('a dangling node reference is reported with its line', () => {
    const d = corrupt('network/link.csv', (t) => t.replace(/\n(\d+,[^,]+,)(\d+),/, (_m, a) => `\n${a}999999,`));
    expect(() => loadRoadNetwork({ dir: d })).toThrow(
      /link\.csv:2 field "from_node_id": node 999999 is not in node\.csv/,
    );
  });

  it('a missing column and a coordinate outside Zibo are explained', () => {
    const d1 = corrupt('zones.csv', (t) => t.replace('population,', 'pop,'));
    expect(() => loadZones({ dir: d1 })).toThrow(/zones\.csv:1 field "population": missing column/);
    const d2 = corrupt('zones.csv', (t) =>
      t.replace(/\n(1,[^\n]*?,)(\d+\.\d+),(\d+\.\d+)\n/, (_m, a, _x, y) => `\n${a}18.1,${y}\n`),
    );
    expect(() => loadZones({ dir: d2 })).toThrow(/zones\.csv:2 field "x_coord": longitude outside Zibo/);
  });

  it('bad JSON files and schema violations name the file and path', () => {
    const d1 = corrupt('sites.json', (t) => t.slice(0, -5));
    expect(() => loadSites({ dir: d1 })).toThrow(/sites\.json: invalid JSON/);
    const d2 = corrupt('districts.geojson', (t) => t.replace('"nameEn":"Zichuan"', '"nameEn":""'));
    expect(() => loadDistricts({ dir: d2 })).toThrow(/districts\.geojson field "features\.0\.properties\.nameEn"/);
    const d3 = corrupt('vehicles.csv', (t) => t.replace(',E,', ',X,'));
    expect(() => loadCarOwnership({ dir: d3 })).toThrow(DataFileError);
  });

  it('a missing file says which and how to rebuild', () => {
    expect(() => loadZones({ dir: join(dir, 'nope') })).toThrow(
      /zones\.csv: cannot read \(ENOENT\).*npm run data:build/,
    );
  });
});
