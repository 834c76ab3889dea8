/**
 * Readers for the TNTP formats of `bstabler/TransportationNetworks` (_net, _trips, _flow, _node).
 *
 * Conventions handled (all seen in the published files): metadata lines `<KEY> value` up to `<END OF METADATA>`;
 * comments start with `~`; rows end with `;` (sometimes missing); tabs or spaces; `<FIRST THRU NODE> n` makes nodes
 * 1..n−1 zones that may not be passed through; `<TOLL FACTOR>` and `<DISTANCE FACTOR>` give the generalized cost;
 * per-link B and Power (non-integer powers occur); intrazonal trips are read but never assigned.
 * Errors name the file, line and column and say what was expected.
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { makeDemand, refreshFixedCost, type Demand, type Network } from './network.ts';

/**
 * A malformed input file: message names file, line (1-based) and column (1-based, field start).
 * @example
 * const e = new InputFileError('x_net.tntp', 12, 5, 'capacity is "abc", expected a number');
 * [e.name, e.message] // => ['InputFileError', 'x_net.tntp:12:5: capacity is "abc", expected a number']
 * [e.file, e.line, e.column] // => ['x_net.tntp', 12, 5]
 */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    what: string,
  ) {
    super(`${file}:${line}:${column}: ${what}`);
    this.name = 'InputFileError';
  }
}

interface Meta {
  values: Map<string, string>;
  /** Index of the first line after the metadata block. */
  bodyStart: number;
}

function readMeta(lines: string[], file: string): Meta {
  const values = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('~')) continue;
    const m = /^<([^>]+)>\s*(.*)$/.exec(line);
    if (!m) {
      // No metadata block at all (some hand-made files): the body starts here.
      if (values.size === 0) return { values, bodyStart: i };
      throw new InputFileError(
        file,
        i + 1,
        1,
        `expected a metadata line "<KEY> value" or "<END OF METADATA>", got "${line.slice(0, 40)}"`,
      );
    }
    const key = m[1]!.trim().toUpperCase();
    if (key === 'END OF METADATA') return { values, bodyStart: i + 1 };
    values.set(key, m[2]!.trim());
  }
  throw new InputFileError(file, lines.length, 1, 'file ended before <END OF METADATA>');
}

function metaNumber(meta: Meta, key: string, file: string, required: boolean, fallback = 0): number {
  const raw = meta.values.get(key);
  if (raw === undefined || raw === '') {
    if (required)
      throw new InputFileError(
        file,
        1,
        1,
        `metadata <${key}> is missing; add a line "<${key}> n" before <END OF METADATA>`,
      );
    return fallback;
  }
  const v = Number(raw.replace(/;$/, ''));
  if (!Number.isFinite(v)) throw new InputFileError(file, 1, 1, `metadata <${key}> is "${raw}", not a number`);
  return v;
}

/** Split a data row into fields with their 1-based columns, dropping a trailing `;` and anything after it. */
function fields(line: string): { text: string; col: number }[] {
  const out: { text: string; col: number }[] = [];
  const re = /[^\s;]+|;/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) {
    if (m[0] === ';') break;
    out.push({ text: m[0], col: m.index + 1 });
  }
  return out;
}

function num(f: { text: string; col: number }, file: string, line: number, what: string): number {
  const v = Number(f.text);
  if (!Number.isFinite(v)) throw new InputFileError(file, line, f.col, `${what} is "${f.text}", expected a number`);
  return v;
}

/**
 * Parse a TNTP `_net.tntp` text.
 * @example
 * // Two zones (nodes 1 and 2) and a through node 3: a fast route 1 → 3 → 2 and a slow direct link 1 → 2.
 * const text = [
 *   '<NUMBER OF ZONES> 2', '<NUMBER OF NODES> 3', '<FIRST THRU NODE> 1', '<NUMBER OF LINKS> 3', '<END OF METADATA>',
 *   '~ init_node term_node capacity length free_flow_time b power speed toll link_type ;',
 *   '1 3 1000 5 5 0.15 4 0 0 1 ;', '3 2 1000 5 5 0.15 4 0 0 1 ;', '1 2 500 12 12 0.15 4 0 0 1 ;',
 * ].join('\n');
 * const net = parseTntpNet(text, 'tiny_net.tntp');
 * [net.numNodes, net.numLinks, net.numZones] // => [3, 3, 2]
 * [net.from, net.to, net.fft] // => [Int32Array.of(0, 2, 0), Int32Array.of(2, 1, 1), Float64Array.of(5, 5, 12)]
 * parseTntpNet(text.replace('500 12', 'abc 12'), 'tiny_net.tntp') // throws 'tiny_net.tntp:9:'
 */
export function parseTntpNet(text: string, file = '_net.tntp'): Network {
  const lines = text.split(/\r?\n/);
  const meta = readMeta(lines, file);
  const numZones = metaNumber(meta, 'NUMBER OF ZONES', file, true);
  const numNodes = metaNumber(meta, 'NUMBER OF NODES', file, true);
  const numLinksMeta = metaNumber(meta, 'NUMBER OF LINKS', file, true);
  const firstThru = metaNumber(meta, 'FIRST THRU NODE', file, false, 1);
  const tollFactor = metaNumber(meta, 'TOLL FACTOR', file, false, 0);
  const distanceFactor = metaNumber(meta, 'DISTANCE FACTOR', file, false, 0);
  if (!Number.isInteger(numZones) || numZones < 1 || numZones > numNodes) {
    throw new InputFileError(
      file,
      1,
      1,
      `<NUMBER OF ZONES> ${numZones} must be an integer in 1..<NUMBER OF NODES> (${numNodes})`,
    );
  }

  const from: number[] = [];
  const to: number[] = [];
  const cols: number[][] = [[], [], [], [], [], [], []]; // capacity length fft b power speed toll
  for (let i = meta.bodyStart; i < lines.length; i++) {
    const raw = lines[i]!;
    const t = raw.trim();
    if (t === '' || t.startsWith('~')) continue;
    const f = fields(raw);
    if (f.length === 0) continue;
    if (f.length < 9) {
      throw new InputFileError(
        file,
        i + 1,
        f[f.length - 1]!.col,
        `link row has ${f.length} fields; expected init term capacity length fft B power speed toll [type] ;`,
      );
    }
    const lineNo = i + 1;
    const a = num(f[0]!, file, lineNo, 'init node');
    const b = num(f[1]!, file, lineNo, 'term node');
    for (const [k, f0] of [
      [a, f[0]!],
      [b, f[1]!],
    ] as const) {
      if (!Number.isInteger(k) || k < 1 || k > numNodes)
        throw new InputFileError(file, lineNo, f0.col, `node ${f0.text} is outside 1..${numNodes} (<NUMBER OF NODES>)`);
    }
    from.push(a - 1);
    to.push(b - 1);
    const names = ['capacity', 'length', 'free flow time', 'B', 'power', 'speed', 'toll'];
    for (let k = 0; k < 7; k++) cols[k]!.push(num(f[2 + k]!, file, lineNo, names[k]!));
    const cap = cols[0]![cols[0]!.length - 1]!;
    const fft = cols[2]![cols[2]!.length - 1]!;
    const bb = cols[3]![cols[3]!.length - 1]!;
    const pw = cols[4]![cols[4]!.length - 1]!;
    if (!(cap > 0) && bb !== 0)
      throw new InputFileError(file, lineNo, f[2]!.col, `capacity ${cap} must be > 0 on a link with B ≠ 0`);
    if (fft < 0) throw new InputFileError(file, lineNo, f[4]!.col, `free flow time ${fft} must be ≥ 0`);
    if (bb < 0 || pw < 0) throw new InputFileError(file, lineNo, f[5]!.col, `B (${bb}) and power (${pw}) must be ≥ 0`);
  }
  const numLinks = from.length;
  if (numLinks !== numLinksMeta) {
    throw new InputFileError(
      file,
      lines.length,
      1,
      `found ${numLinks} link rows but <NUMBER OF LINKS> says ${numLinksMeta}`,
    );
  }
  const nodeIds = new Int32Array(numNodes);
  for (let n = 0; n < numNodes; n++) nodeIds[n] = n + 1;
  const zoneNode = new Int32Array(numZones);
  for (let z = 0; z < numZones; z++) zoneNode[z] = z;
  const noThrough = new Uint8Array(numNodes);
  // FIRST THRU NODE n: nodes 1..n−1 (indices 0..n−2) may not be passed through.
  for (let n = 0; n < Math.min(numNodes, firstThru - 1); n++) noThrough[n] = 1;
  const capacity = Float64Array.from(cols[0]!);
  // Links with capacity 0 and B = 0 have constant cost; give them capacity 1 so v/c stays finite.
  for (let a = 0; a < numLinks; a++) if (!(capacity[a]! > 0)) capacity[a] = 1;
  const net: Network = {
    name: path.basename(file).replace(/_net\.tntp$/i, ''),
    numNodes,
    numLinks,
    numZones,
    nodeIds,
    zoneNode,
    noThrough,
    from: Int32Array.from(from),
    to: Int32Array.from(to),
    capacity,
    length: Float64Array.from(cols[1]!),
    fft: Float64Array.from(cols[2]!),
    b: Float64Array.from(cols[3]!),
    power: Float64Array.from(cols[4]!),
    toll: Float64Array.from(cols[6]!),
    fixedCost: new Float64Array(numLinks),
    tollFactor,
    distanceFactor,
  };
  refreshFixedCost(net);
  return net;
}

/**
 * Parse a TNTP `_trips.tntp` text into a dense OD matrix (intrazonal cells kept, never assigned).
 * @example
 * const text = '<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 150.0\n<END OF METADATA>\n' +
 *   'Origin 1\n    1 : 0.0;    2 : 100.0;\nOrigin 2\n    1 : 50.0;    2 : 0.0;\n';
 * const d = parseTntpTrips(text, 'tiny_trips.tntp');
 * [d.numZones, d.total, d.od] // => [2, 150, Float64Array.of(0, 100, 50, 0)]
 */
export function parseTntpTrips(text: string, file = '_trips.tntp'): Demand {
  const lines = text.split(/\r?\n/);
  const meta = readMeta(lines, file);
  const numZones = metaNumber(meta, 'NUMBER OF ZONES', file, true);
  const declaredTotal = metaNumber(meta, 'TOTAL OD FLOW', file, false, NaN);
  const od = new Float64Array(numZones * numZones);
  let origin = -1;
  for (let i = meta.bodyStart; i < lines.length; i++) {
    const raw = lines[i]!;
    const t = raw.trim();
    if (t === '' || t.startsWith('~')) continue;
    const lineNo = i + 1;
    const om = /^Origin\s+(\S+)/i.exec(t);
    if (om) {
      const o = Number(om[1]);
      if (!Number.isInteger(o) || o < 1 || o > numZones) {
        throw new InputFileError(
          file,
          lineNo,
          raw.indexOf(om[1]!) + 1,
          `origin "${om[1]}" is outside 1..${numZones} (<NUMBER OF ZONES>)`,
        );
      }
      origin = o - 1;
      continue;
    }
    if (origin < 0) throw new InputFileError(file, lineNo, 1, 'destination entries before the first "Origin n" line');
    const re = /(\S+)\s*:\s*([^;\s]+)\s*;?/g;
    let m: RegExpExecArray | null;
    let any = false;
    while ((m = re.exec(raw))) {
      any = true;
      const col = m.index + 1;
      const d = Number(m[1]);
      const q = Number(m[2]);
      if (!Number.isInteger(d) || d < 1 || d > numZones)
        throw new InputFileError(file, lineNo, col, `destination "${m[1]}" is outside 1..${numZones}`);
      if (!Number.isFinite(q) || q < 0)
        throw new InputFileError(
          file,
          lineNo,
          raw.indexOf(m[2]!, col - 1) + 1,
          `demand "${m[2]}" must be a number ≥ 0`,
        );
      od[origin * numZones + d - 1] += q;
    }
    if (!any) throw new InputFileError(file, lineNo, 1, `expected "dest : flow;" entries, got "${t.slice(0, 40)}"`);
  }
  const demand = makeDemand(numZones, od);
  const all = demand.total + demand.intrazonal;
  if (Number.isFinite(declaredTotal) && Math.abs(all - declaredTotal) > 1e-6 * Math.max(1, declaredTotal) + 0.5) {
    throw new InputFileError(file, 1, 1, `entries sum to ${all} but <TOTAL OD FLOW> says ${declaredTotal}`);
  }
  return demand;
}

/** Best-known link volumes and costs from a `_flow.tntp` file, in the link order of the net file. */
export interface TntpFlow {
  volume: Float64Array;
  cost: Float64Array;
}

/**
 * Parse a `_flow.tntp` text (header `From To Volume Cost`) and align it to the links of `net` by (from, to).
 * @example
 * const text = [
 *   '<NUMBER OF ZONES> 2', '<NUMBER OF NODES> 3', '<FIRST THRU NODE> 1', '<NUMBER OF LINKS> 3', '<END OF METADATA>',
 *   '~ init_node term_node capacity length free_flow_time b power speed toll link_type ;',
 *   '1 3 1000 5 5 0.15 4 0 0 1 ;', '3 2 1000 5 5 0.15 4 0 0 1 ;', '1 2 500 12 12 0.15 4 0 0 1 ;',
 * ].join('\n');
 * const net = parseTntpNet(text, 'tiny_net.tntp');
 * // Links in any order, matched to the network's links by (from, to):
 * const flowText = 'From To Volume Cost\n1 2 10 12.0\n1 3 90 5.1\n3 2 90 5.1\n';
 * const best = parseTntpFlow(flowText, net, 'tiny_flow.tntp');
 * [best.volume, best.cost] // => [Float64Array.of(90, 90, 10), Float64Array.of(5.1, 5.1, 12)]
 */
export function parseTntpFlow(text: string, net: Network, file = '_flow.tntp'): TntpFlow {
  const index = new Map<number, number>();
  for (let a = 0; a < net.numLinks; a++) index.set(net.from[a]! * net.numNodes + net.to[a]!, a);
  const volume = new Float64Array(net.numLinks).fill(NaN);
  const cost = new Float64Array(net.numLinks).fill(NaN);
  const lines = text.split(/\r?\n/);
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const t = raw.trim();
    if (t === '' || t.startsWith('~') || t.startsWith('<') || /^from/i.test(t)) continue;
    const f = fields(raw);
    if (f.length < 4)
      throw new InputFileError(file, i + 1, 1, `expected "from to volume cost", got ${f.length} fields`);
    const a = num(f[0]!, file, i + 1, 'from node');
    const b = num(f[1]!, file, i + 1, 'to node');
    const link = index.get((a - 1) * net.numNodes + (b - 1));
    if (link === undefined) throw new InputFileError(file, i + 1, f[0]!.col, `link ${a}→${b} is not in the network`);
    volume[link] = num(f[2]!, file, i + 1, 'volume');
    cost[link] = num(f[3]!, file, i + 1, 'cost');
    seen++;
  }
  if (seen !== net.numLinks)
    throw new InputFileError(file, lines.length, 1, `has ${seen} rows; the network has ${net.numLinks} links`);
  return { volume, cost };
}

/**
 * Parse a `_node.tntp` text (`Node X Y ;`) into coordinate arrays indexed by node (NaN where absent).
 * @example
 * const xy = parseTntpNodes('Node X Y ;\n1 -96.77041974 43.61282792 ;\n3 -96.7 43.6 ;\n', 3);
 * [xy.x, xy.y] // => [Float64Array.of(-96.77041974, NaN, -96.7), Float64Array.of(43.61282792, NaN, 43.6)]
 */
export function parseTntpNodes(
  text: string,
  numNodes: number,
  file = '_node.tntp',
): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(numNodes).fill(NaN);
  const y = new Float64Array(numNodes).fill(NaN);
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t === '' || t.startsWith('~') || /^node/i.test(t)) continue;
    const f = fields(lines[i]!);
    if (f.length < 3) throw new InputFileError(file, i + 1, 1, 'expected "node x y ;"');
    const n = num(f[0]!, file, i + 1, 'node');
    if (!Number.isInteger(n) || n < 1 || n > numNodes)
      throw new InputFileError(file, i + 1, f[0]!.col, `node ${n} outside 1..${numNodes}`);
    x[n - 1] = num(f[1]!, file, i + 1, 'x');
    y[n - 1] = num(f[2]!, file, i + 1, 'y');
  }
  return { x, y };
}

/** A TNTP case folder read from disk. */
export interface TntpCase {
  name: string;
  net: Network;
  demand: Demand;
  /** Best-known solution, when the folder has a `_flow` file. */
  best?: TntpFlow;
  /** Files used, for reports. */
  files: { net: string; trips: string; flow?: string; node?: string };
}

/**
 * Read a TNTP folder: finds `*_net.tntp`, `*_trips.tntp` (or `*_trips.tntp` variants), optional `*_flow.tntp`.
 * @example const c = readTntpFolder('../shared/validation/tntp/SiouxFalls'); c.net.numLinks // => 76
 */
export function readTntpFolder(dir: string): TntpCase {
  if (!existsSync(dir)) throw new Error(`TNTP folder ${dir} does not exist`);
  const names = readdirSync(dir);
  const pick = (suffix: RegExp): string | undefined => names.filter((n) => suffix.test(n)).sort()[0];
  const netFile = pick(/_net\.tntp$/i);
  const tripsFile = pick(/_trips\.tntp$/i);
  if (!netFile || !tripsFile) {
    throw new Error(`${dir}: expected a *_net.tntp and a *_trips.tntp file (found: ${names.join(', ') || 'nothing'})`);
  }
  const flowFile = pick(/_flow\.tntp$/i);
  const nodeFile = pick(/_node\.tntp$/i);
  const p = (n: string): string => path.join(dir, n);
  const net = parseTntpNet(readFileSync(p(netFile), 'utf8'), p(netFile));
  const demand = parseTntpTrips(readFileSync(p(tripsFile), 'utf8'), p(tripsFile));
  if (demand.numZones !== net.numZones) {
    throw new Error(
      `${p(tripsFile)}: <NUMBER OF ZONES> ${demand.numZones} differs from ${p(netFile)} (${net.numZones})`,
    );
  }
  const best = flowFile ? parseTntpFlow(readFileSync(p(flowFile), 'utf8'), net, p(flowFile)) : undefined;
  return {
    name: netFile.replace(/_net\.tntp$/i, ''),
    net,
    demand,
    ...(best ? { best } : {}),
    files: {
      net: p(netFile),
      trips: p(tripsFile),
      ...(flowFile ? { flow: p(flowFile) } : {}),
      ...(nodeFile ? { node: p(nodeFile) } : {}),
    },
  };
}
