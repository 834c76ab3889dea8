/**
 * Writes an imported network as `data/networks/NAME/` (GMNS node.csv, link.csv with WKT geometry, zone.csv,
 * demand.csv when the source had one, network.json with provenance) atomically: everything goes to a temporary
 * folder inside the networks folder, which is renamed into place only when complete, so an error or a kill leaves
 * either the previous network or none, never a half-written one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkNetworkName, NETWORKS_DIR } from '../../data/networks.ts';
import type { BuiltNetwork } from './types.ts';

// The read side (name rule, folder, TWIN_NETWORKS_DIR) lives in data/networks.ts so models can load networks.
export { checkNetworkName, NETWORKS_DIR } from '../../data/networks.ts';

function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csv(header: string[], rows: (string | number | null | undefined)[][]): string {
  const out: string[] = [header.join(',')];
  for (const r of rows) out.push(r.map(csvCell).join(','));
  return out.join('\n') + '\n';
}

const round = (x: number, d: number): number => {
  const f = 10 ** d;
  return Math.round(x * f) / f;
};

/** Provenance and figures stored as network.json. */
export interface NetworkMeta {
  name: string;
  format: 'gmns';
  crs: 'wgs84' | 'planar';
  importedAt: string;
  source: { kind: 'osm' | 'gmns' | 'tntp'; file: string; crs: string; licence: string; attribution: string };
  boundary: string | null;
  zones: string;
  tollFactor: number;
  distanceFactorPerKm: number;
  counts: { nodes: number; links: number; zones: number; signals: number; connectors: number; demandRows: number };
  summary: BuiltNetwork['summary'];
  /** sha256 of the CSV files in a fixed order. */
  contentHash: string;
}

/**
 * Render the GMNS files of a built network (name → text).
 * @example
 * const node = (id, x, type) => ({ id, x, y: 36.8, type, zoneId: null, district: '370303', name: '', sourceId: id });
 * const nodes = [node(1, 118, 'junction'), node(2, 118.01, 'signal')];
 * const link = { id: 1, from: 0, to: 1, lengthM: 894.456, lanes: 2, capacityVehPerHPerLane: 1800, freeSpeedKmPerH: 50,
 *   type: 'arterial', signalized: true, district: '370303', name: 'Liuquan Rd', shape: [118, 36.8, 118.01, 36.8], sourceId: 7 };
 * const files = renderGmns({ crs: 'wgs84', nodes, links: [link], zones: [], demand: null });
 * Object.keys(files) // => ['node.csv', 'link.csv', 'zone.csv']
 * // node indexes become node ids; a measured length is kept to the centimetre
 * files['link.csv'].split('\n')[1] // => '1,Liuquan Rd,1,2,894.46,2,1800,50,arterial,1,370303,,,,,7,"LINESTRING (118 36.8, 118.01 36.8)"'
 * files['node.csv'].split('\n')[2] // => '2,,118.01,36.8,signal,signal,,370303,2'
 */
export function renderGmns(b: BuiltNetwork): Record<string, string> {
  const planar = b.crs === 'planar';
  const cd = planar ? 3 : 7;
  const idOf = (i: number): number => b.nodes[i]!.id;
  const files: Record<string, string> = {};
  files['node.csv'] = csv(
    ['node_id', 'name', 'x_coord', 'y_coord', 'node_type', 'ctrl_type', 'zone_id', 'district_code', 'source_id'],
    b.nodes.map((n) => [
      n.id,
      n.name,
      round(n.x, cd),
      round(n.y, cd),
      n.type,
      n.type === 'signal' ? 'signal' : '',
      n.zoneId,
      n.district,
      n.sourceId,
    ]),
  );
  files['link.csv'] = csv(
    [
      'link_id',
      'name',
      'from_node_id',
      'to_node_id',
      'length',
      'lanes',
      'capacity',
      'free_speed',
      'link_type',
      'signalized',
      'district_code',
      'vdf_alpha',
      'vdf_beta',
      'vdf_fftt',
      'toll',
      'source_id',
      'geometry',
    ],
    b.links.map((l) => {
      const pts: string[] = [];
      for (let k = 0; k < l.shape.length; k += 2) pts.push(`${round(l.shape[k]!, cd)} ${round(l.shape[k + 1]!, cd)}`);
      return [
        l.id,
        l.name,
        idOf(l.from),
        idOf(l.to),
        // Source lengths (GMNS, TNTP) are kept as given; measured ones to the centimetre.
        l.fftMin !== undefined || l.vdfAlpha !== undefined ? l.lengthM : round(l.lengthM, 2),
        l.lanes,
        l.capacityVehPerHPerLane,
        round(l.freeSpeedKmPerH, 6),
        l.type,
        l.signalized ? 1 : 0,
        l.district,
        l.vdfAlpha,
        l.vdfBeta,
        l.fftMin,
        l.toll,
        l.sourceId,
        `LINESTRING (${pts.join(', ')})`,
      ];
    }),
  );
  files['zone.csv'] = csv(
    ['zone_id', 'name', 'x_coord', 'y_coord', 'population', 'district_code', 'town_code'],
    b.zones.map((z) => [z.zoneId, z.name, round(z.x, cd), round(z.y, cd), z.population, z.district, z.townCode]),
  );
  if (b.demand)
    files['demand.csv'] = csv(
      ['o_zone_id', 'd_zone_id', 'volume'],
      b.demand.map((r) => [r.o, r.d, r.volume]),
    );
  return files;
}

/**
 * Write a built network to `root/NAME/` atomically (replacing an earlier import of the same name only once the new
 * one is complete). Returns the folder and the metadata written.
 */
export function writeNetwork(
  b: BuiltNetwork,
  meta: Omit<NetworkMeta, 'counts' | 'summary' | 'contentHash' | 'format' | 'crs'>,
  root = NETWORKS_DIR,
): { dir: string; meta: NetworkMeta } {
  checkNetworkName(meta.name);
  const files = renderGmns(b);
  const hash = createHash('sha256');
  for (const f of ['node.csv', 'link.csv', 'zone.csv', 'demand.csv']) {
    if (files[f] === undefined) continue;
    hash.update(`${f}\n`);
    hash.update(files[f]);
  }
  const full: NetworkMeta = {
    ...meta,
    format: 'gmns',
    crs: b.crs === 'planar' ? 'planar' : 'wgs84',
    counts: {
      nodes: b.nodes.length,
      links: b.links.length,
      zones: b.zones.length,
      signals: b.summary.signals,
      connectors: b.summary.connectors,
      demandRows: b.demand?.length ?? 0,
    },
    summary: b.summary,
    contentHash: hash.digest('hex'),
  };
  files['network.json'] = JSON.stringify(full, null, 2) + '\n';
  mkdirSync(root, { recursive: true });
  const dir = path.join(root, meta.name);
  const tmp = mkdtempSync(path.join(root, `.tmp-${meta.name}-`));
  try {
    for (const [f, text] of Object.entries(files)) writeFileSync(path.join(tmp, f), text);
    if (existsSync(dir)) {
      const old = mkdtempSync(path.join(root, `.old-${meta.name}-`));
      renameSync(dir, path.join(old, 'x'));
      renameSync(tmp, dir);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { dir, meta: full };
}
