import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readGmnsFolder } from './gmns.ts';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'gmns-small');

function copyFixture(edit?: (name: string, text: string) => string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gmns-'));
  for (const f of ['node.csv', 'link.csv', 'demand.csv']) {
    const text = readFileSync(path.join(fixture, f), 'utf8');
    if (edit) writeFileSync(path.join(dir, f), edit(f, text));
    else copyFileSync(path.join(fixture, f), path.join(dir, f));
  }
  return dir;
}

describe('GMNS reader', () => {
  it('reads nodes, links, zones and demand with unit conversions', () => {
    const { gmns, demand } = readGmnsFolder(fixture);
    const net = gmns.net;
    expect(net.numNodes).toBe(13);
    expect(net.numLinks).toBe(32);
    expect(net.numZones).toBe(4);
    expect(Array.from(gmns.zoneIds)).toEqual([1, 2, 3, 4]);
    expect(Array.from(net.zoneNode).map((n) => net.noThrough[n])).toEqual([1, 1, 1, 1]);
    // 500 m at 50 km/h = 0.6 min; capacity = lanes × per-lane.
    expect(net.fft[0]).toBeCloseTo(0.6, 12);
    expect(net.length[0]).toBeCloseTo(0.5, 12);
    expect(net.capacity[0]).toBe(1600);
    expect(demand!.total).toBe(3800);
    expect(demand!.intrazonal).toBe(50);
  });

  it('reports file, line and column on bad cells and missing columns', () => {
    const bad = copyFixture((f, t) => (f === 'link.csv' ? t.replace('\n3,r3,101,104,500', '\n3,r3,101,104,abc') : t));
    expect(() => readGmnsFolder(bad)).toThrowError(
      /link\.csv: line 4, column "length": "abc" is not a number\. Fix: give a number/,
    );
    const nocol = copyFixture((f, t) => (f === 'node.csv' ? t.replace('x_coord', 'lon') : t));
    expect(() => readGmnsFolder(nocol)).toThrowError(
      /node\.csv: line 1: missing column "x_coord" \(header has: .*\)\. Fix: add the column/,
    );
    const zone = copyFixture((f, t) => (f === 'demand.csv' ? t + '9,1,10\n' : t));
    expect(() => readGmnsFolder(zone)).toThrowError(
      /demand\.csv: line 11, column "o_zone_id": zone 9 has no centroid in node\.csv\. Fix: use a zone_id/,
    );
  });
});
