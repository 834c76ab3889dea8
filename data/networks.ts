/**
 * Named road networks (`data/networks/NAME/`, written by `twin network import`, engine/network/) and the shipped
 * sketch (`zibo-sketch` = data/zibo/network/): the READ side, so that models can load the network a scenario names
 * (`traffic.network`) without importing the engine. Plain records only; models/traffic/gmns.ts turns them into the
 * model's Network. Every error names the file, where in it, and the fix (`NetworkInputError`; the CLI exits 2).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsvError, parseCsv, type CsvTable } from './csv.ts';
import { ZIBO_DATA_DIR } from './index.ts';

/** The network scenarios run on unless `traffic.network` names another: the hand-digitised sketch in data/zibo/network. */
export const SKETCH_NETWORK = 'zibo-sketch';

/**
 * Folder holding imported networks: data/networks of this repository, or TWIN_NETWORKS_DIR (tests, site set-ups;
 * read when this module loads, like TWIN_SCENARIOS_DIR, and inherited by the pool's worker threads).
 */
export const NETWORKS_DIR = networksRoot();

/** The networks folder as the environment says now (TWIN_NETWORKS_DIR, else data/networks): readers' default. */
export function networksRoot(): string {
  return process.env.TWIN_NETWORKS_DIR
    ? path.resolve(process.env.TWIN_NETWORKS_DIR)
    : path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'networks');
}

/**
 * A bad network source, network folder or option: names the file, where in it (line, column, element) and how to
 * fix it. The CLI prints the message and exits with code 2; nothing is written.
 */
export class NetworkInputError extends Error {
  constructor(
    readonly file: string,
    /** `line 12`, `way 42`, `column "lanes"`, ... ; empty when the whole file is concerned. */
    readonly where: string,
    readonly detail: string,
    readonly fix: string,
  ) {
    super(`${file}${where ? `: ${where}` : ''}: ${detail}. Fix: ${fix}`);
    this.name = 'NetworkInputError';
  }
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Check a network name: letters, digits, `-` and `_` (1–64, starting with a letter or digit), so that
 * `data/networks/NAME` can never point outside data/networks.
 * @example
 * checkNetworkName('zibo-osm') // => undefined
 * checkNetworkName('../x') // throws 'a network name must be 1–64 letters, digits, "-" or "_"'
 */
export function checkNetworkName(name: string): void {
  if (!NAME_RE.test(name))
    throw new NetworkInputError(
      '--name',
      `"${name}"`,
      'a network name must be 1–64 letters, digits, "-" or "_", starting with a letter or digit (no paths, no dots)',
      'choose a plain name such as zibo-osm',
    );
}

export interface Row {
  line: number;
  /** Trimmed cell text ('' when the column is absent or empty). */
  get: (col: string) => string;
  /** A finite number; throws naming file, line and column when it is not. */
  num: (col: string, fix?: string) => number;
  /** A number or null when empty. */
  optNum: (col: string) => number | null;
}

/**
 * Read a CSV file with the required columns (names compared case-insensitively).
 * @example
 * const t = readTable('models/traffic/fixtures/gmns-small/link.csv', ['from_node_id', 'to_node_id']);
 * [t.rows.length, t.rows[0].num('from_node_id'), t.rows[0].num('to_node_id')] // => [32, 101, 102]
 * t.has('capacity') // => true
 * readTable('models/traffic/fixtures/gmns-small/link.csv', ['toll']) // throws 'line 1: missing column "toll"'
 */
export function readTable(file: string, required: readonly string[]): { rows: Row[]; has: (c: string) => boolean } {
  if (!existsSync(file))
    throw new NetworkInputError(file, '', 'file not found', `add ${file.split(/[\\/]/).pop()} to the folder`);
  let table: CsvTable;
  try {
    table = parseCsv(readFileSync(file, 'utf8'), file);
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    throw new NetworkInputError(file, `line ${e.line}, column ${e.column}`, e.detail, 'fix the quoting of that cell');
  }
  const { header, rows } = table;
  const h = header.map((x) => x.trim().toLowerCase());
  const missing = required.filter((c) => !h.includes(c));
  if (missing.length)
    throw new NetworkInputError(
      file,
      'line 1',
      `missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')} (header has: ${header.join(', ')})`,
      `add the column${missing.length > 1 ? 's' : ''} to the header and every row (GMNS names)`,
    );
  const idx = new Map(h.map((c, i) => [c, i]));
  return {
    has: (c) => idx.has(c),
    rows: rows.map((r) => {
      const get = (col: string): string => {
        const k = idx.get(col);
        return k === undefined ? '' : (r.cells[k] ?? '').trim();
      };
      const num = (col: string, fix = `give a number in column "${col}"`): number => {
        const raw = get(col);
        const v = Number(raw);
        if (raw === '' || !Number.isFinite(v))
          throw new NetworkInputError(file, `line ${r.line}, column "${col}"`, `"${raw}" is not a number`, fix);
        return v;
      };
      return { line: r.line, get, num, optNum: (col) => (get(col) === '' ? null : num(col)) };
    }),
  };
}

/** What network.json holds that readers use (the importer writes more: engine/network/write.ts `NetworkMeta`). */
export interface NetworkMetaFile {
  name: string;
  crs: 'wgs84' | 'planar';
  importedAt: string;
  source: { kind: string; file: string; crs: string; licence: string; attribution: string };
  tollFactor?: number;
  distanceFactorPerKm?: number;
  counts: { nodes: number; links: number; zones: number; signals: number; connectors: number; demandRows: number };
  /** sha256 of the CSV files in a fixed order. */
  contentHash: string;
}

/** Name and content hash of a network: what a run's provenance records. */
export interface NetworkInfo {
  name: string;
  contentHash: string;
  crs: 'wgs84' | 'planar';
  /** Licence and attribution to show with anything drawn from it (OSM: ODbL, © OpenStreetMap contributors). */
  licence: string;
  attribution: string;
}

/**
 * Names of the imported networks in a networks folder (sub-folders holding a network.json), sorted.
 * @example
 * // models/traffic/fixtures/gmns-small is a GMNS source folder, not an imported network (it has no network.json)
 * listNetworks('models/traffic/fixtures') // => []
 */
export function listNetworks(root = networksRoot()): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && existsSync(path.join(root, d.name, 'network.json')))
    .map((d) => d.name)
    .sort();
}

/**
 * Why a network name cannot be used, or null when it can: not a plain name, or not the sketch nor an imported
 * network (the message lists those available and how to import one).
 * @example
 * networkNameProblem('zibo-sketch') // => null
 * const why = networkNameProblem('nope', 'models/traffic/fixtures');
 * why.startsWith('no network "nope" in models/traffic/fixtures (available: zibo-sketch); import it with') // => true
 * why.endsWith('`twin network import SOURCE --name nope` or choose one of those') // => true
 */
export function networkNameProblem(name: string, root = networksRoot()): string | null {
  if (name === SKETCH_NETWORK) return null;
  if (!NAME_RE.test(name))
    return `"${name}" is not a network name (1–64 letters, digits, "-" or "_", no paths); use ${SKETCH_NETWORK} or an imported network`;
  if (existsSync(path.join(root, name, 'network.json'))) return null;
  const avail = [SKETCH_NETWORK, ...listNetworks(root)].join(', ');
  return `no network "${name}" in ${root} (available: ${avail}); import it with \`twin network import SOURCE --name ${name}\` or choose one of those`;
}

const sketchFiles = (): string[] => [
  path.join(ZIBO_DATA_DIR, 'network', 'node.csv'),
  path.join(ZIBO_DATA_DIR, 'network', 'link.csv'),
  path.join(ZIBO_DATA_DIR, 'zones.csv'),
];

function readMeta(name: string, root: string): NetworkMetaFile {
  checkNetworkName(name);
  const metaFile = path.join(root, name, 'network.json');
  try {
    return JSON.parse(readFileSync(metaFile, 'utf8')) as NetworkMetaFile;
  } catch (e) {
    throw new NetworkInputError(
      metaFile,
      '',
      `cannot read the network (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      `import it first: twin network import SOURCE --name ${name}`,
    );
  }
}

/**
 * Name and content hash of a network. The sketch's hash is the sha256 of its node, link and zone files (read now);
 * an imported network's is the one network.json recorded at import.
 * @example
 * const info = networkInfo('zibo-sketch');
 * [info.crs, info.attribution] // => ['wgs84', 'hand-digitised sketch of Zibo']
 * /^[0-9a-f]{64}$/.test(info.contentHash) // => true
 */
export function networkInfo(name: string, root = networksRoot()): NetworkInfo {
  if (name === SKETCH_NETWORK) {
    const h = createHash('sha256');
    for (const f of sketchFiles()) {
      h.update(`${path.basename(f)}\n`);
      h.update(readFileSync(f));
    }
    return {
      name,
      contentHash: h.digest('hex'),
      crs: 'wgs84',
      licence: 'project data (see data/README.md)',
      attribution: 'hand-digitised sketch of Zibo',
    };
  }
  const m = readMeta(name, root);
  return {
    name,
    contentHash: m.contentHash,
    crs: m.crs,
    licence: m.source?.licence ?? '',
    attribution: m.source?.attribution ?? '',
  };
}

/** A node row of an imported network (GMNS names as data/index.ts `RoadNode`). */
export interface NetworkNodeRow {
  nodeId: number;
  name: string;
  /** Longitude, or planar x in metres. */
  lon: number;
  /** Latitude, or planar y in metres. */
  lat: number;
  /** `centroid`, `zone` (TNTP zone that is also a junction), `signal`, `junction`, `end`. */
  nodeType: string;
  zoneId: number | null;
  districtCode: string;
}

/** A link row of an imported network. */
export interface NetworkLinkRow {
  linkId: number;
  name: string;
  fromNodeId: number;
  toNodeId: number;
  lengthM: number;
  lanes: number;
  capacityVehPerHPerLane: number;
  freeSpeedKmPerH: number;
  linkType: string;
  signalized: boolean;
  districtCode: string;
  vdfAlpha?: number;
  vdfBeta?: number;
  /** Free-flow time, min, when the source gave it (TNTP); null otherwise. */
  fftMin: number | null;
  toll: number;
  /** WKT LINESTRING of the road's shape (lon lat, or planar x y). */
  geometry: string;
}

export interface NetworkZoneRow {
  zoneId: number;
  name: string;
  lon: number;
  lat: number;
  /** Residents (Zibo towns, or spread over grid cells); null when the source has none. */
  population: number | null;
  districtCode: string;
  townCode: string;
}

/** The files of an imported network, read and checked. */
export interface NetworkFiles {
  name: string;
  dir: string;
  meta: NetworkMetaFile;
  nodes: NetworkNodeRow[];
  links: NetworkLinkRow[];
  zones: NetworkZoneRow[];
  /** The source's base-year OD (TNTP _trips, GMNS demand.csv), veh/h, or null. */
  demand: { o: number; d: number; volume: number }[] | null;
}

/**
 * Read an imported network folder (`root/NAME/`): node.csv, link.csv, zone.csv, demand.csv when present,
 * network.json. Dangling node ids are errors naming the file and line.
 * @example
 * // a GMNS source folder is not an imported network until `twin network import` wrote its network.json
 * readNetworkFiles('gmns-small', 'models/traffic/fixtures') // throws 'network.json: cannot read the network (ENOENT)'
 */
export function readNetworkFiles(name: string, root = networksRoot()): NetworkFiles {
  const meta = readMeta(name, root);
  const dir = path.join(root, name);
  const nodeFile = path.join(dir, 'node.csv');
  const nodes: NetworkNodeRow[] = readTable(nodeFile, [
    'node_id',
    'x_coord',
    'y_coord',
    'node_type',
    'zone_id',
  ]).rows.map((r) => ({
    nodeId: r.num('node_id'),
    name: r.get('name'),
    lon: r.num('x_coord'),
    lat: r.num('y_coord'),
    nodeType: r.get('node_type'),
    zoneId: r.optNum('zone_id'),
    districtCode: r.get('district_code'),
  }));
  const ids = new Set(nodes.map((n) => n.nodeId));
  const linkFile = path.join(dir, 'link.csv');
  const links = readTable(linkFile, [
    'link_id',
    'from_node_id',
    'to_node_id',
    'length',
    'lanes',
    'capacity',
    'free_speed',
  ]).rows.map((r): NetworkLinkRow => {
    const l: NetworkLinkRow = {
      linkId: r.num('link_id'),
      name: r.get('name'),
      fromNodeId: r.num('from_node_id'),
      toNodeId: r.num('to_node_id'),
      lengthM: r.num('length'),
      lanes: r.num('lanes'),
      capacityVehPerHPerLane: r.num('capacity'),
      freeSpeedKmPerH: r.num('free_speed'),
      linkType: r.get('link_type'),
      signalized: r.get('signalized') === '1',
      districtCode: r.get('district_code'),
      fftMin: r.optNum('vdf_fftt'),
      toll: r.optNum('toll') ?? 0,
      geometry: r.get('geometry'),
    };
    for (const col of ['from_node_id', 'to_node_id'] as const) {
      const id = r.num(col);
      if (!ids.has(id))
        throw new NetworkInputError(
          linkFile,
          `line ${r.line}, column "${col}"`,
          `node ${id} is not in node.csv`,
          'import the network again',
        );
    }
    const a = r.optNum('vdf_alpha');
    const b = r.optNum('vdf_beta');
    if (a !== null) l.vdfAlpha = a;
    if (b !== null) l.vdfBeta = b;
    return l;
  });
  const zones = readTable(path.join(dir, 'zone.csv'), ['zone_id', 'x_coord', 'y_coord']).rows.map(
    (r): NetworkZoneRow => ({
      zoneId: r.num('zone_id'),
      name: r.get('name'),
      lon: r.num('x_coord'),
      lat: r.num('y_coord'),
      population: r.optNum('population'),
      districtCode: r.get('district_code'),
      townCode: r.get('town_code'),
    }),
  );
  let demand: NetworkFiles['demand'] = null;
  if (meta.counts.demandRows > 0)
    demand = readTable(path.join(dir, 'demand.csv'), ['o_zone_id', 'd_zone_id', 'volume']).rows.map((r) => ({
      o: r.num('o_zone_id'),
      d: r.num('d_zone_id'),
      volume: r.num('volume'),
    }));
  return { name, dir, meta, nodes, links, zones, demand };
}
