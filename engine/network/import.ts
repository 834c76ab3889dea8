/**
 * `importNetwork(source, options)`: read an OpenStreetMap file (.osm.pbf / .osm), a GMNS folder or a TNTP folder,
 * settle zones and connectors, and write `data/networks/NAME/` atomically (write.ts). Every bad input is a
 * `NetworkInputError` naming the file, where in it, and the fix; nothing is written then.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadZones } from '../../data/index.ts';
import { readBoundary, ziboDistricts, ZIBO_DISTRICTS_FILE, type Regions } from './boundary.ts';
import { NetworkInputError } from './errors.ts';
import { readGmnsSource, type SourceNetwork } from './gmns-source.ts';
import { readOsmGraph } from './osm.ts';
import { osmKind } from './osm-read.ts';
import { readTntpSource } from './tntp-source.ts';
import type { BuiltNetwork, Crs, ImportSummary, NetLink, NetNode, NetZone } from './types.ts';
import { checkNetworkName, NETWORKS_DIR, writeNetwork, type NetworkMeta } from './write.ts';
import { connectZones, gridZones, townZones, type TownZone } from './zones.ts';

export { ZIBO_DISTRICTS_FILE };

export interface ImportOptions {
  name: string;
  /** GeoJSON polygon file clipping an OSM import (default: Zibo's outline). */
  boundary?: string;
  crs?: Crs;
  /** `grid:2km` (any size in km or m); default: Zibo's 88 towns for OSM imports of Zibo, else the source's zones. */
  zones?: string;
  /** Connectors per zone (default 3). */
  connectorsPerZone?: number;
  licence?: string;
  attribution?: string;
  /** Folder holding the networks (default data/networks; tests use a temporary one). */
  root?: string;
  /** Import date written to network.json (default now). */
  now?: Date;
}

export type SourceKind = 'osm' | 'gmns' | 'tntp';

/**
 * What kind of source a path is: an .osm/.osm.pbf file, a folder with node.csv + link.csv, or one with *_net.tntp.
 * @example
 * [sourceKind('engine/network/fixtures/rules.osm'), sourceKind('models/traffic/fixtures/gmns-small')] // => ['osm', 'gmns']
 * sourceKind('models/traffic/fixtures') // throws 'the folder holds neither node.csv + link.csv (GMNS) nor a *_net.tntp'
 */
export function sourceKind(source: string): SourceKind {
  if (!existsSync(source))
    throw new NetworkInputError(source, '', 'not found', 'give an .osm.pbf/.osm file, a GMNS folder or a TNTP folder');
  if (statSync(source).isDirectory()) {
    const names = readdirSync(source);
    if (names.some((n) => /_net\.tntp$/i.test(n))) return 'tntp';
    if (names.includes('node.csv') && names.includes('link.csv')) return 'gmns';
    throw new NetworkInputError(
      source,
      '',
      `the folder holds neither node.csv + link.csv (GMNS) nor a *_net.tntp (TNTP); found: ${names.slice(0, 10).join(', ') || 'nothing'}`,
      'point at the folder that holds the network files',
    );
  }
  if (osmKind(source)) return 'osm';
  throw new NetworkInputError(
    source,
    '',
    'not an OSM file name',
    'name OSM files *.osm.pbf or *.osm, or give a folder',
  );
}

/** Parse `grid:2km` / `grid:500m` to metres. */
export function parseZonesOption(z: string): { gridM: number } {
  const m = /^grid:(\d+(?:\.\d+)?)(km|m)$/.exec(z.trim());
  const size = m ? Number(m[1]) * (m[2] === 'km' ? 1000 : 1) : NaN;
  if (!m || !(size >= 100))
    throw new NetworkInputError(
      '--zones',
      `"${z}"`,
      'not a zone rule',
      'use grid:SIZE with SIZE ≥ 100 m, e.g. grid:2km',
    );
  return { gridM: size };
}

function ziboTowns(): TownZone[] {
  return loadZones().map((z) => ({
    zoneId: z.zoneId,
    name: z.name,
    townCode: z.townCode,
    district: z.countyCode,
    population: z.population,
    x: z.lon,
    y: z.lat,
  }));
}

function summarise(
  base: Omit<ImportSummary, 'byType' | 'nodes' | 'links' | 'zones' | 'signals' | 'connectors'>,
  nodes: NetNode[],
  links: NetLink[],
  zones: NetZone[],
): ImportSummary {
  const byType: ImportSummary['byType'] = {};
  for (const l of links) {
    const t = (byType[l.type || '(none)'] ??= { links: 0, km: 0 });
    t.links++;
    t.km += l.lengthM / 1000;
  }
  for (const t of Object.values(byType)) t.km = Math.round(t.km * 1000) / 1000;
  return {
    nodes: nodes.length,
    links: links.length,
    zones: zones.length,
    signals: nodes.filter((n) => n.type === 'signal').length,
    connectors: links.filter((l) => l.type === 'connector').length,
    byType,
    ...base,
  };
}

/** Locate links (by their middle vertex) and nodes in Zibo's districts where they have none. */
function locate(districts: Regions, nodes: NetNode[], links: NetLink[]): void {
  for (const n of nodes) if (!n.district) n.district = districts.locate(n.x, n.y) ?? '';
  for (const l of links) {
    if (l.district) continue;
    const k = Math.floor(l.shape.length / 4) * 2;
    l.district = districts.locate(l.shape[k]!, l.shape[k + 1]!) ?? '';
  }
}

async function buildOsm(source: string, o: ImportOptions, crs: Crs, districts: Regions): Promise<BuiltNetwork> {
  if (crs === 'planar')
    throw new NetworkInputError('--crs', 'planar', 'OpenStreetMap files are in degrees', 'drop --crs (OSM is WGS-84)');
  const boundary = o.boundary ? readBoundary(o.boundary) : districts;
  const g = await readOsmGraph(source, {
    boundary,
    crs,
    boundaryName: o.boundary ?? "Zibo's outline (data/zibo/districts.geojson)",
  });
  locate(districts, g.nodes, g.links);
  const towns = o.boundary ? null : ziboTowns();
  let cells: { zones: NetZone[]; cell: Int32Array };
  if (o.zones) cells = gridZones(crs, g.nodes, g.links, parseZonesOption(o.zones).gridM, districts, towns);
  else if (towns) cells = townZones(crs, g.nodes, g.links, towns, districts);
  else {
    g.summary.notes.push('zones: grid:2km (a custom boundary has no towns; give --zones to choose)');
    cells = gridZones(crs, g.nodes, g.links, 2000, districts, null);
  }
  const c = connectZones(crs, g.nodes, g.links, cells.zones, cells.cell, o.connectorsPerZone);
  if (c.outside)
    g.summary.notes.push(`${c.outside} zones had no road node of their own and connect to the nearest ones`);
  return {
    crs: 'wgs84',
    nodes: c.nodes,
    links: c.links,
    zones: cells.zones,
    demand: null,
    tollFactor: 0,
    distanceFactorPerKm: 0,
    summary: summarise(
      { dropped: g.summary.dropped, defaults: g.summary.defaults, notes: g.summary.notes },
      c.nodes,
      c.links,
      cells.zones,
    ),
  };
}

function buildFromSource(s: SourceNetwork, o: ImportOptions, crs: Crs, districts: Regions, file: string): BuiltNetwork {
  if (crs !== 'planar') {
    const bad = s.nodes.find((n) => Math.abs(n.x) > 180 || Math.abs(n.y) > 90);
    if (bad)
      throw new NetworkInputError(
        file,
        `node ${bad.sourceId}`,
        `coordinates ${bad.x}, ${bad.y} are not longitude/latitude`,
        'add --crs planar for networks in local x/y (lengths then come from the link table)',
      );
    locate(districts, s.nodes, s.links);
  }
  let nodes = s.nodes;
  let links = s.links;
  let zones = s.zones;
  const notes = s.notes.slice();
  if (o.zones) {
    if (s.centroids)
      throw new NetworkInputError(
        file,
        '',
        'the network has its own zone centroids',
        'drop --zones (or remove the centroids)',
      );
    const cells = gridZones(
      crs,
      nodes,
      links,
      parseZonesOption(o.zones).gridM,
      crs === 'planar' ? null : districts,
      null,
    );
    const c = connectZones(crs, nodes, links, cells.zones, cells.cell, o.connectorsPerZone);
    ({ nodes, links } = c);
    zones = cells.zones;
    if (s.demand) notes.push('demand.csv dropped: its zones are not the grid zones');
  } else if (!s.centroids) {
    if (zones.length === 0)
      throw new NetworkInputError(
        file,
        '',
        'the network has no zones (no node with a zone_id, no zone.csv)',
        'add zones to the source, or give --zones grid:2km',
      );
    const towns: TownZone[] = zones.map((z) => ({ ...z, population: z.population ?? 0 }));
    const cells = townZones(crs, nodes, links, towns, null);
    const c = connectZones(crs, nodes, links, zones, cells.cell, o.connectorsPerZone);
    ({ nodes, links } = c);
  }
  return {
    crs: crs === 'planar' ? 'planar' : 'wgs84',
    nodes,
    links,
    zones,
    demand: o.zones ? null : s.demand,
    tollFactor: s.tollFactor,
    distanceFactorPerKm: s.distanceFactorPerKm,
    summary: summarise(
      { dropped: { components: 0, nodes: 0, links: 0, km: 0 }, defaults: {}, notes },
      nodes,
      links,
      zones,
    ),
  };
}

/**
 * Import a network source into `data/networks/NAME/` (or `root/NAME/`).
 * @example
 * const fs = process.getBuiltinModule('node:fs');
 * const root = fs.mkdtempSync(`${process.getBuiltinModule('node:os').tmpdir()}/twin-net-`); // instead of data/networks
 * const r = await importNetwork('models/traffic/fixtures/gmns-small', { name: 'small', root });
 * r.dir === `${root}/small` // => true
 * r.meta.counts // => { nodes: 13, links: 32, zones: 4, signals: 1, connectors: 8, demandRows: 9 }
 * fs.readdirSync(r.dir) // => ['demand.csv', 'link.csv', 'network.json', 'node.csv', 'zone.csv']
 * fs.rmSync(root, { recursive: true });
 */
export async function importNetwork(
  source: string,
  o: ImportOptions,
): Promise<{ dir: string; meta: NetworkMeta; summary: ImportSummary }> {
  checkNetworkName(o.name);
  const crs = o.crs ?? 'wgs84';
  if (!['wgs84', 'gcj02', 'planar'].includes(crs))
    throw new NetworkInputError('--crs', `"${crs}"`, 'unknown coordinate system', 'use wgs84, gcj02 or planar');
  if (o.zones) parseZonesOption(o.zones);
  const kind = sourceKind(source);
  if (kind !== 'osm' && o.boundary)
    throw new NetworkInputError('--boundary', o.boundary, 'a boundary applies to OSM sources only', 'drop --boundary');
  const districts = ziboDistricts(ZIBO_DISTRICTS_FILE);
  let built: BuiltNetwork;
  if (kind === 'osm') built = await buildOsm(source, o, crs, districts);
  else {
    const s = kind === 'gmns' ? readGmnsSource(source, crs) : readTntpSource(source, crs);
    built = buildFromSource(s, o, crs, districts, source);
  }
  const osm = kind === 'osm';
  const { dir, meta } = writeNetwork(
    built,
    {
      name: o.name,
      importedAt: (o.now ?? new Date()).toISOString(),
      source: {
        kind,
        file: path.resolve(source),
        crs,
        licence: o.licence ?? (osm ? 'ODbL-1.0' : 'unknown: state it with --licence'),
        attribution: o.attribution ?? (osm ? '© OpenStreetMap contributors' : ''),
      },
      boundary: osm ? (o.boundary ? path.resolve(o.boundary) : 'data/zibo/districts.geojson (Zibo outline)') : null,
      zones: o.zones ?? (osm ? (o.boundary ? 'grid:2km' : 'zibo-towns') : 'source'),
      tollFactor: built.tollFactor,
      distanceFactorPerKm: built.distanceFactorPerKm,
    },
    o.root ?? NETWORKS_DIR,
  );
  return { dir, meta, summary: built.summary };
}

/**
 * The summary as printed by `twin network import`.
 * @example
 * const fs = process.getBuiltinModule('node:fs');
 * const root = fs.mkdtempSync(`${process.getBuiltinModule('node:os').tmpdir()}/twin-net-`); // instead of data/networks
 * const r = await importNetwork('models/traffic/fixtures/gmns-small', { name: 'small', root });
 * const lines = formatSummary(r.meta, 'data/networks/small').split('\n');
 * lines[0] // => 'network "small" written to data/networks/small'
 * lines[1] // => '  13 nodes, 32 directed links, 4 zones, 1 signals, 8 connectors, 9 OD rows'
 * lines.slice(2, 4) // => ['  by type:                links        km', '    arterial                   16       8.0']
 * fs.rmSync(root, { recursive: true });
 */
export function formatSummary(meta: NetworkMeta, dir: string): string {
  const s = meta.summary;
  const out: string[] = [];
  out.push(`network "${meta.name}" written to ${dir}`);
  out.push(
    `  ${s.nodes} nodes, ${s.links} directed links, ${s.zones} zones, ${s.signals} signals, ${s.connectors} connectors` +
      (meta.counts.demandRows ? `, ${meta.counts.demandRows} OD rows` : ''),
  );
  out.push('  by type:                links        km');
  for (const [t, v] of Object.entries(s.byType).sort((a, b) => b[1].km - a[1].km))
    out.push(`    ${t.padEnd(20)} ${String(v.links).padStart(8)} ${v.km.toFixed(1).padStart(9)}`);
  const d = s.dropped;
  out.push(
    `  largest strongly connected component kept; dropped ${d.components} other components: ${d.nodes} nodes, ${d.links} links, ${d.km.toFixed(1)} km`,
  );
  const defs = Object.entries(s.defaults);
  if (defs.length) {
    out.push('  defaults used (ways):');
    for (const [k, v] of defs.sort()) out.push(`    ${k}: ${v}`);
  }
  for (const n of s.notes) out.push(`  note: ${n}`);
  out.push(
    `  source ${meta.source.kind}: ${meta.source.file}; licence ${meta.source.licence}${meta.source.attribution ? `; ${meta.source.attribution}` : ''}`,
  );
  return out.join('\n') + '\n';
}
