/**
 * TNTP folder source (bstabler/TransportationNetworks layout): `*_net.tntp`, a `*_node.tntp` coordinates file, and
 * optional `*_trips.tntp`. Parsing and its checks (counts against the metadata header, node ranges) are the traffic
 * model's own readers (models/traffic/tntp.ts); this file maps the result to GMNS records without losing anything
 * the assignment uses: free-flow time (vdf_fftt), B and power (vdf_alpha, vdf_beta), capacity, tolls, and which
 * zones may be passed through (`<FIRST THRU NODE>`).
 *
 * Units: TNTP lengths are taken as miles (the published US networks) and written in metres; the distance factor is
 * converted to per km so the generalized cost is unchanged.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputFileError, parseTntpNet, parseTntpNodes, parseTntpTrips } from '../../models/traffic/tntp.ts';
import { gcj02ToWgs84 } from './crs.ts';
import { NetworkInputError } from './errors.ts';
import type { SourceNetwork } from './gmns-source.ts';
import type { Crs, NetLink, NetNode, NetZone } from './types.ts';

export const MILE_M = 1609.344;

/** Turn the traffic readers' `file:line:column` errors into import errors with a fix. */
function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputFileError)
      throw new NetworkInputError(
        e.file,
        `line ${e.line}, column ${e.column}`,
        e.message.slice(e.message.indexOf(': ') + 2),
        'correct the file so its rows agree with its metadata header (TNTP format)',
      );
    throw e;
  }
}

/**
 * Read a TNTP folder into the import form.
 * @example
 * // two zones joined through node 3; lengths in miles, free-flow times in minutes (TNTP)
 * const fs = process.getBuiltinModule('node:fs');
 * const dir = fs.mkdtempSync(`${process.getBuiltinModule('node:os').tmpdir()}/tntp-`);
 * const meta = '<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 4\n<END OF METADATA>\n';
 * const links = ['1 3', '3 1', '2 3', '3 2'].map((ft) => `${ft} 1000 2 3 0.15 4 0 0 1 ;`).join('\n');
 * fs.writeFileSync(`${dir}/Two_net.tntp`, `${meta}~ init term capacity length fft b power speed toll type ;\n${links}\n`);
 * fs.writeFileSync(`${dir}/Two_node.tntp`, 'Node X Y ;\n1 0 0 ;\n2 2000 0 ;\n3 1000 500 ;\n');
 * const s = readTntpSource(dir, 'planar');
 * [s.nodes.map((n) => n.type), s.links.length] // => [['zone', 'zone', 'junction'], 4]
 * const l = s.links[0];
 * [l.from, l.to, l.lengthM, l.fftMin, l.freeSpeedKmPerH] // => [0, 2, 3218.688, 3, 64.37376]
 * s.notes // => ['lengths read as miles (TNTP convention) and written in metres']
 * fs.rmSync(dir, { recursive: true });
 */
export function readTntpSource(dir: string, crs: Crs): SourceNetwork {
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const pick = (re: RegExp): string | undefined => names.filter((n) => re.test(n)).sort()[0];
  const netName = pick(/_net\.tntp$/i);
  const nodeName = pick(/_node\.tntp$/i);
  const tripsName = pick(/_trips\.tntp$/i);
  if (!netName)
    throw new NetworkInputError(
      dir,
      '',
      'no *_net.tntp file in the folder',
      'give a TNTP folder (NAME_net.tntp, NAME_node.tntp)',
    );
  if (!nodeName)
    throw new NetworkInputError(
      dir,
      '',
      `no *_node.tntp coordinates file beside ${netName}`,
      'add NAME_node.tntp ("node x y ;" per node) so the network can be drawn and zoned',
    );
  const p = (n: string): string => path.join(dir, n);
  const net = wrap(() => parseTntpNet(readFileSync(p(netName), 'utf8'), p(netName)));
  const xy = wrap(() => parseTntpNodes(readFileSync(p(nodeName), 'utf8'), net.numNodes, p(nodeName)));
  const nodes: NetNode[] = [];
  for (let i = 0; i < net.numNodes; i++) {
    if (Number.isNaN(xy.x[i]!))
      throw new NetworkInputError(
        p(nodeName),
        `node ${i + 1}`,
        'has no coordinates',
        'add a row "node x y ;" for every node',
      );
    const [x, y] = crs === 'gcj02' ? gcj02ToWgs84(xy.x[i]!, xy.y[i]!) : [xy.x[i]!, xy.y[i]!];
    const zone = i < net.numZones;
    nodes.push({
      id: i + 1,
      x,
      y,
      type: zone ? (net.noThrough[i] ? 'centroid' : 'zone') : 'junction',
      zoneId: zone ? i + 1 : null,
      district: '',
      name: '',
      sourceId: i + 1,
    });
  }
  const notes: string[] = [`lengths read as miles (TNTP convention) and written in metres`];
  let zeroLength = 0;
  const links: NetLink[] = [];
  for (let a = 0; a < net.numLinks; a++) {
    const f = net.from[a]!;
    const t = net.to[a]!;
    let lengthM = net.length[a]! * MILE_M;
    if (!(lengthM > 0)) {
      zeroLength++;
      lengthM = 1;
    }
    const fft = net.fft[a]!;
    links.push({
      id: a + 1,
      from: f,
      to: t,
      lengthM,
      lanes: 1,
      capacityVehPerHPerLane: net.capacity[a]!,
      // Only for display and tools that ignore vdf_fftt; the assignment uses vdf_fftt.
      freeSpeedKmPerH: fft > 0 ? lengthM / 1000 / (fft / 60) : 1000,
      type: '',
      signalized: false,
      district: '',
      name: '',
      shape: [nodes[f]!.x, nodes[f]!.y, nodes[t]!.x, nodes[t]!.y],
      vdfAlpha: net.b[a]!,
      vdfBeta: net.power[a]!,
      fftMin: fft,
      toll: net.toll[a]!,
      sourceId: a + 1,
    });
  }
  if (zeroLength) notes.push(`${zeroLength} links of length 0 written as 1 m`);
  const zones: NetZone[] = nodes
    .filter((n) => n.zoneId !== null)
    .map((n) => ({
      zoneId: n.zoneId!,
      name: `zone ${n.zoneId}`,
      x: n.x,
      y: n.y,
      population: null,
      district: '',
      townCode: '',
    }));
  let demand: SourceNetwork['demand'] = null;
  if (tripsName) {
    const d = wrap(() => parseTntpTrips(readFileSync(p(tripsName), 'utf8'), p(tripsName)));
    if (d.numZones !== net.numZones)
      throw new NetworkInputError(
        p(tripsName),
        'metadata',
        `<NUMBER OF ZONES> ${d.numZones} differs from ${netName} (${net.numZones})`,
        'use the trips file that belongs to this network',
      );
    demand = [];
    for (let o = 0; o < d.numZones; o++)
      for (let k = 0; k < d.numZones; k++) {
        const v = d.od[o * d.numZones + k]!;
        if (v > 0) demand.push({ o: o + 1, d: k + 1, volume: v });
      }
  }
  return {
    nodes,
    links,
    zones,
    centroids: true,
    demand,
    tollFactor: net.tollFactor,
    distanceFactorPerKm: net.distanceFactor / (MILE_M / 1000),
    notes,
  };
}
