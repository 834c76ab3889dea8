/**
 * A synthetic Zibo-size city written as `.osm.pbf`, for tests and benchmarks (no OSM extract of Zibo can be
 * fetched on the project's machines). A jittered lattice of streets inside Zibo's outline (or a box): every 10th
 * line primary (6 lanes, 60 km/h), every 5th secondary (4 lanes, `50`), even lines tertiary (untagged: class
 * defaults), odd lines residential; one residential line in three one-way (`yes` or `-1`); ~8 % of residential
 * blocks missing (dead ends, degree-2 chains); one shape node per block; signals where primary and secondary lines
 * cross; dual-carriageway motorways every 40 lines, between lattice lines (bridges, no junctions), with
 * motorway_link ramps every 8 lines. Deterministic for a seed (the project's sfc32 RNG).
 *
 * With the default 650 m spacing over Zibo's 5,965 km² the import has ≈ 50,000 directed road links.
 */
import { createRng } from '../../models/lib/rng.ts';
import { ziboDistricts, ZIBO_DISTRICTS_FILE } from './boundary.ts';
import { OsmPbfWriter } from './pbf-write.ts';

export interface CityOptions {
  /** Lattice spacing, m (default 650). */
  spacingM?: number;
  /** Limit to a lon/lat box [minLon, minLat, maxLon, maxLat] (tests); default Zibo's whole outline. */
  bbox?: [number, number, number, number];
  seed?: number;
  /** A dual-carriageway motorway every this many lattice lines (default 40). */
  motorwayEvery?: number;
}

export interface CityStats {
  nodes: number;
  ways: number;
  signals: number;
  latticeNodes: number;
}

type Cls = 'primary' | 'secondary' | 'tertiary' | 'residential';
const lineClass = (k: number): Cls =>
  k % 10 === 0 ? 'primary' : k % 5 === 0 ? 'secondary' : k % 2 === 0 ? 'tertiary' : 'residential';
const TAGS: Record<Cls, Record<string, string>> = {
  primary: { highway: 'primary', lanes: '6', maxspeed: '60' },
  secondary: { highway: 'secondary', lanes: '4', maxspeed: '50' },
  tertiary: { highway: 'tertiary' },
  residential: { highway: 'residential' },
};

/**
 * Write the synthetic city to `file` (.osm.pbf).
 * @example
 * const fs = process.getBuiltinModule('node:fs');
 * const dir = fs.mkdtempSync(`${process.getBuiltinModule('node:os').tmpdir()}/city-`);
 * // a 5 × 5 lattice at 1 km in a corner of Zibo (the default is the whole outline at 650 m)
 * const stats = generateCity(`${dir}/city.osm.pbf`, { spacingM: 1000, bbox: [118.0, 36.75, 118.05, 36.8] });
 * stats // => { nodes: 59, ways: 13, signals: 0, latticeNodes: 25 }
 * fs.existsSync(`${dir}/city.osm.pbf`) // => true
 * fs.rmSync(dir, { recursive: true });
 */
export function generateCity(file: string, o: CityOptions = {}): CityStats {
  const s = o.spacingM ?? 650;
  const rng = createRng(o.seed ?? 20171);
  const zibo = ziboDistricts(ZIBO_DISTRICTS_FILE);
  const [minLon, minLat, maxLon, maxLat] = o.bbox ?? zibo.bbox();
  const lat0 = (minLat + maxLat) / 2;
  const kx = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const ky = 110_574;
  const cols = Math.floor(((maxLon - minLon) * kx) / s) + 1;
  const rows = Math.floor(((maxLat - minLat) * ky) / s) + 1;
  const toLonLat = (xm: number, ym: number): [number, number] => [minLon + xm / kx, minLat + ym / ky];
  const inside = (lon: number, lat: number): boolean =>
    lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat && zibo.contains(lon, lat);
  const nodes = new Map<number, { lon: number; lat: number; tags?: Record<string, string> }>();
  const lat = new Map<number, [number, number]>();
  const lid = (r: number, c: number): number => 1 + r * cols + c;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const j = 0.1 * s;
      const p = toLonLat(c * s + (rng.next() - 0.5) * j, r * s + (rng.next() - 0.5) * j);
      if (!inside(p[0], p[1])) continue;
      lat.set(lid(r, c), p);
    }
  let shapeId = 100_000_000;
  let wayId = 1;
  const ways: { id: number; refs: number[]; tags: Record<string, string> }[] = [];
  const use = (id: number): number => {
    if (!nodes.has(id)) {
      const p = lat.get(id)!;
      nodes.set(id, { lon: p[0], lat: p[1] });
    }
    return id;
  };
  // Streets: runs of consecutive present blocks along each row and column, one way per run.
  const street = (horizontal: boolean, k: number, n: number): void => {
    const cls = lineClass(k);
    const oneway = cls === 'residential' && k % 3 === 1 ? (k % 2 === 1 && k % 4 === 1 ? 'yes' : '-1') : null;
    let run: number[] = [];
    const flush = (): void => {
      if (run.length >= 2) {
        const tags = { ...TAGS[cls], ...(oneway ? { oneway } : {}), name: `${horizontal ? 'Row' : 'Col'} ${k}` };
        ways.push({ id: wayId++, refs: run, tags });
      }
      run = [];
    };
    for (let i = 0; i + 1 < n; i++) {
      const a = horizontal ? lid(k, i) : lid(i, k);
      const b = horizontal ? lid(k, i + 1) : lid(i + 1, k);
      const missing = cls === 'residential' && rng.next() < 0.08;
      if (!lat.has(a) || !lat.has(b) || missing) {
        flush();
        continue;
      }
      const pa = lat.get(a)!;
      const pb = lat.get(b)!;
      // Shape node: the block's midpoint bent sideways by up to 4 % of the spacing.
      const bend = (rng.next() - 0.5) * 0.08 * s;
      const mid: [number, number] = horizontal
        ? [(pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2 + bend / ky]
        : [(pa[0] + pb[0]) / 2 + bend / kx, (pa[1] + pb[1]) / 2];
      const m = shapeId++;
      nodes.set(m, { lon: mid[0], lat: mid[1] });
      if (run.length === 0) run.push(use(a));
      run.push(m, use(b));
    }
    flush();
  };
  for (let r = 0; r < rows; r++) street(true, r, cols);
  for (let c = 0; c < cols; c++) street(false, c, rows);
  // Signals where primary/secondary lines cross.
  let signals = 0;
  for (let r = 0; r < rows; r += 5)
    for (let c = 0; c < cols; c += 5) {
      const n = nodes.get(lid(r, c));
      if (n) {
        n.tags = { highway: 'traffic_signals' };
        signals++;
      }
    }
  // Motorways: dual carriageways between lattice lines every 40 lines; ramps every 8 lines.
  let mwId = 200_000_000;
  const motorway = (horizontal: boolean, k: number, n: number): void => {
    const carriage = (offset: number, forward: boolean): void => {
      let run: number[] = [];
      const at = new Map<number, number>();
      const flush = (): void => {
        if (run.length >= 2)
          ways.push({
            id: wayId++,
            refs: forward ? run : run.slice().reverse(),
            tags: { highway: 'motorway', name: `M${k}` },
          });
        run = [];
      };
      for (let i = 0; i < n; i++) {
        const a = horizontal ? lid(k, i) : lid(i, k);
        const b = horizontal ? lid(k + 1, i) : lid(i, k + 1);
        if (!lat.has(a) || !lat.has(b)) {
          flush();
          continue;
        }
        const pa = lat.get(a)!;
        const pb = lat.get(b)!;
        const id = mwId++;
        nodes.set(id, { lon: pa[0] + (pb[0] - pa[0]) * offset, lat: pa[1] + (pb[1] - pa[1]) * offset });
        at.set(i, id);
        run.push(id);
      }
      flush();
      // Ramps at lines i ≡ 4 (mod 8): on from the lattice node before the exit, off to it after.
      for (const i of at.keys()) {
        if (i % 8 !== 4) continue;
        const local = horizontal ? lid(forward ? k : k + 1, i) : lid(i, forward ? k : k + 1);
        const up = at.get(forward ? i + 1 : i - 1);
        const down = at.get(forward ? i - 1 : i + 1);
        if (!lat.has(local) || up === undefined || down === undefined) continue;
        use(local);
        ways.push({ id: wayId++, refs: [local, up], tags: { highway: 'motorway_link' } });
        ways.push({ id: wayId++, refs: [down, local], tags: { highway: 'motorway_link' } });
      }
    };
    carriage(0.4, true);
    carriage(0.6, false);
  };
  const every = o.motorwayEvery ?? 40;
  for (let r = every >> 1; r + 1 < rows; r += every) motorway(true, r, cols);
  for (let c = every >> 1; c + 1 < cols; c += every) motorway(false, c, rows);
  const w = new OsmPbfWriter(file);
  for (const id of [...nodes.keys()].sort((a, b) => a - b)) {
    const n = nodes.get(id)!;
    w.node(id, n.lon, n.lat, n.tags);
  }
  for (const x of ways) w.way(x.id, x.refs, x.tags);
  w.close();
  return { nodes: nodes.size, ways: ways.length, signals, latticeNodes: lat.size };
}
