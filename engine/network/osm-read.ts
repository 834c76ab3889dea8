/**
 * Streaming readers of OpenStreetMap files, `.osm.pbf` (osm-pbf-parser-node) and `.osm` XML (saxes). Both make two
 * passes over the file so that memory holds only the road ways and their nodes, never the whole extract: pass
 * "ways" reports every way with its node references and tags, pass "nodes" every node with its coordinates and tags.
 * Errors become `NetworkInputError`s naming the file and the element or line.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { OSMTransform } from 'osm-pbf-parser-node';
import { SaxesParser } from 'saxes';
import { NetworkInputError } from './errors.ts';

export type Tags = Record<string, string>;
/** Callbacks of one pass; the reader calls only the one its pass asks for. */
export interface OsmHandler {
  way?: (id: number, refs: number[], tags: Tags) => void;
  node?: (id: number, lon: number, lat: number, tags: Tags | undefined) => void;
}

/** Way tags the importer reads (the PBF decoder drops the others, which saves memory on real extracts). */
export const WAY_KEYS = [
  'highway',
  'oneway',
  'junction',
  'lanes',
  'lanes:forward',
  'lanes:backward',
  'maxspeed',
  'name',
  'ref',
  'area',
];

/** Which reader a file needs, from its name. */
export function osmKind(file: string): 'pbf' | 'xml' | null {
  if (/\.osm\.pbf$|\.pbf$/i.test(file)) return 'pbf';
  if (/\.osm$|\.xml$/i.test(file)) return 'xml';
  return null;
}

interface PbfItem {
  type: string;
  id: number;
  lat?: number;
  lon?: number;
  refs?: number[];
  tags?: Tags;
}

async function passPbf(file: string, pass: 'ways' | 'nodes', h: OsmHandler): Promise<void> {
  const t = new OSMTransform({
    withTags:
      pass === 'ways'
        ? { node: false, way: WAY_KEYS, relation: false }
        : { node: ['highway'], way: false, relation: false },
    withInfo: false,
  });
  let blocks = 0;
  const sink = new Writable({
    objectMode: true,
    write(batch: PbfItem[] | PbfItem[][], _enc, next) {
      try {
        blocks++;
        // The header block arrives as [HeaderBlock]; data blocks as arrays of elements.
        for (const it of batch as PbfItem[]) {
          if (it.type === 'way' && pass === 'ways') h.way?.(it.id, it.refs!, it.tags ?? {});
          else if (it.type === 'node' && pass === 'nodes') h.node?.(it.id, it.lon!, it.lat!, it.tags);
        }
        next();
      } catch (e) {
        next(e as Error);
      }
    },
  });
  try {
    await pipeline(createReadStream(file), t, sink);
  } catch (e) {
    if (e instanceof NetworkInputError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT')
      throw new NetworkInputError(file, '', 'file not found', 'give the path of an .osm.pbf or .osm file');
    throw new NetworkInputError(
      file,
      `after block ${blocks}`,
      `truncated or corrupt PBF (${err.message})`,
      're-download or re-extract the file (e.g. `osmium extract`), and check that the copy is complete',
    );
  }
  if (blocks === 0)
    throw new NetworkInputError(file, '', 'no OSM blocks in the file', 'give a non-empty .osm.pbf extract');
}

async function passXml(file: string, pass: 'ways' | 'nodes', h: OsmHandler): Promise<void> {
  const parser = new SaxesParser({ position: true });
  let cur: {
    kind: 'node' | 'way';
    id: number;
    lon: number;
    lat: number;
    refs: number[];
    tags: Tags;
    line: number;
  } | null = null;
  let sawOsm = false;
  let failure: Error | null = null;
  const bad = (what: string, fix: string): never => {
    throw new NetworkInputError(file, `line ${parser.line}`, what, fix);
  };
  parser.on('opentag', (tag) => {
    const a = tag.attributes as Record<string, string>;
    switch (tag.name) {
      case 'osm':
        sawOsm = true;
        break;
      case 'node':
      case 'way': {
        const id = Number(a.id);
        if (!Number.isFinite(id)) bad(`<${tag.name}> has id "${a.id ?? ''}"`, 'every node and way needs a numeric id');
        let lon = NaN;
        let lat = NaN;
        if (tag.name === 'node' && pass === 'nodes') {
          lon = Number(a.lon);
          lat = Number(a.lat);
          if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat) > 90 || Math.abs(lon) > 180)
            bad(`node ${a.id} has lat="${a.lat ?? ''}" lon="${a.lon ?? ''}"`, 'give WGS-84 degrees in lat and lon');
        }
        cur = { kind: tag.name, id, lon, lat, refs: [], tags: {}, line: parser.line };
        break;
      }
      case 'nd':
        if (cur?.kind === 'way' && pass === 'ways') {
          const r = Number(a.ref);
          if (!Number.isFinite(r))
            bad(`way ${cur.id} has <nd ref="${a.ref ?? ''}">`, 'node references must be numeric ids');
          cur.refs.push(r);
        }
        break;
      case 'tag':
        if (cur && a.k !== undefined) cur.tags[a.k] = a.v ?? '';
        break;
    }
  });
  parser.on('closetag', (tag) => {
    if (!cur || tag.name !== cur.kind) return;
    if (cur.kind === 'way' && pass === 'ways') h.way?.(cur.id, cur.refs, cur.tags);
    else if (cur.kind === 'node' && pass === 'nodes')
      h.node?.(cur.id, cur.lon, cur.lat, Object.keys(cur.tags).length ? cur.tags : undefined);
    cur = null;
  });
  parser.on('error', (e) => {
    failure ??= e;
  });
  try {
    const stream = createReadStream(file, { encoding: 'utf8' });
    for await (const chunk of stream) {
      parser.write(chunk as string);
      if (failure) break;
    }
    if (!failure) parser.close();
  } catch (e) {
    if (e instanceof NetworkInputError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT')
      throw new NetworkInputError(file, '', 'file not found', 'give the path of an .osm.pbf or .osm file');
    failure ??= err;
  }
  if (failure)
    throw new NetworkInputError(
      file,
      `line ${parser.line}`,
      `not well-formed OSM XML (${(failure as Error).message.split('\n')[0]})`,
      'export the file again (JOSM, osmium cat -o x.osm) or use the .osm.pbf',
    );
  if (!sawOsm) throw new NetworkInputError(file, 'line 1', 'no <osm> root element', 'give an OpenStreetMap XML file');
}

/**
 * One streaming pass over an OSM file.
 * @example
 * const ways = [];
 * await osmPass('engine/network/fixtures/rules.osm', 'ways', { way: (id, refs, tags) => ways.push([id, refs.length, tags.highway]) });
 * ways.length // => 28
 * ways.slice(0, 2) // => [[1, 3, 'primary'], [2, 2, 'secondary']]
 * const signals = [];
 * const node = (id, lon, lat, tags) => tags && signals.push([id, lon, lat, tags]);
 * await osmPass('engine/network/fixtures/rules.osm', 'nodes', { node });
 * signals[0] // => [7, 118.046, 36.803, { highway: 'traffic_signals' }]
 */
export async function osmPass(file: string, pass: 'ways' | 'nodes', h: OsmHandler): Promise<void> {
  const kind = osmKind(file);
  if (kind === 'pbf') return passPbf(file, pass, h);
  if (kind === 'xml') return passXml(file, pass, h);
  throw new NetworkInputError(file, '', 'not an OSM file name', 'name it *.osm.pbf or *.osm');
}
