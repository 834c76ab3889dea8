import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputFileError, parseTntpFlow, parseTntpNet, parseTntpNodes, parseTntpTrips, readTntpFolder } from './tntp.ts';
import { beckmann, linkCosts } from './network.ts';
import { requireSharedData, SIOUX_FALLS_DIR } from './shared-data.ts';

const haveSf = requireSharedData(SIOUX_FALLS_DIR);

const tinyNet = (body: string, meta = ''): string =>
  `<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 3\n<NUMBER OF LINKS> 2\n${meta}<END OF METADATA>\n~ comment\n${body}`;

describe('TNTP net reader', () => {
  it('reads metadata, FIRST THRU NODE, per-link B/power and generalized cost factors', () => {
    const net = parseTntpNet(
      tinyNet(
        '\t1\t3\t100\t2\t5\t0.15\t4\t0\t10\t1\t;\n\t3\t2\t50\t1\t3\t0\t0\t0\t0\t1\t;\n',
        '<TOLL FACTOR> 0.02\n<DISTANCE FACTOR> 0.04\n',
      ),
      'tiny_net.tntp',
    );
    expect(net.numLinks).toBe(2);
    expect(Array.from(net.noThrough)).toEqual([1, 1, 0]);
    expect(net.b[1]).toBe(0);
    expect(net.fixedCost[0]).toBeCloseTo(0.02 * 10 + 0.04 * 2, 12);
    // B = 0, power = 0 link: constant cost fft + fixed (0^0 = 1 times B = 0).
    const c = linkCosts(net, [100, 30], new Float64Array(2));
    expect(c[0]).toBeCloseTo(5 * (1 + 0.15) + 0.28, 12);
    expect(c[1]).toBeCloseTo(3 + 0.04 * 1, 12);
  });

  it('names file, line and column on malformed rows', () => {
    const bad = tinyNet('\t1\t3\t100\t2\t5\t0.15\t4\t0\t10\t1\t;\n\t3\t2\tabc\t1\t3\t0\t0\t0\t0\t1\t;\n');
    expect(() => parseTntpNet(bad, 'bad_net.tntp')).toThrowError(/bad_net\.tntp:8:\d+: capacity is "abc"/);
    const outside = tinyNet('\t1\t9\t100\t2\t5\t0.15\t4\t0\t10\t1\t;\n\t3\t2\t5\t1\t3\t0\t0\t0\t0\t1\t;\n');
    expect(() => parseTntpNet(outside, 'o_net.tntp')).toThrowError(/o_net\.tntp:7:4: node 9 is outside 1\.\.3/);
    const count = tinyNet('\t1\t3\t100\t2\t5\t0.15\t4\t0\t10\t1\t;\n');
    expect(() => parseTntpNet(count, 'c_net.tntp')).toThrowError(/found 1 link rows but <NUMBER OF LINKS> says 2/);
    expect(() => parseTntpNet('<NUMBER OF NODES> 3\n<END OF METADATA>\n', 'm_net.tntp')).toThrowError(
      /<NUMBER OF ZONES> is missing/,
    );
    try {
      parseTntpNet(bad, 'bad_net.tntp');
    } catch (e) {
      expect(e).toBeInstanceOf(InputFileError);
      expect((e as InputFileError).line).toBe(8);
    }
  });

  it('reads trips with several entries per line, keeps intrazonal apart, checks the declared total', () => {
    const text =
      '<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 36\n<END OF METADATA>\n\nOrigin 1\n 1 : 5.0; 2 : 10.0;\nOrigin 2\n 1 : 20; 2 : 1;\n';
    const d = parseTntpTrips(text, 't_trips.tntp');
    expect(d.total).toBe(30);
    expect(d.intrazonal).toBe(6);
    expect(() => parseTntpTrips(text.replace('36', '40'), 't_trips.tntp')).toThrowError(
      /sum to 36 but <TOTAL OD FLOW> says 40/,
    );
    expect(() => parseTntpTrips(text.replace('2 : 10.0', '2 : x'), 't_trips.tntp')).toThrowError(
      /t_trips\.tntp:6:\d+: demand "x"/,
    );
    expect(() => parseTntpTrips(text.replace('Origin 2', 'Origin 5'), 't_trips.tntp')).toThrowError(
      /t_trips\.tntp:7:8: origin "5" is outside 1\.\.2/,
    );
  });
});

describe.skipIf(!haveSf)('Sioux Falls files (../shared/validation/tntp/SiouxFalls)', () => {
  it('parses counts, demand, best-known flows, and the reference is self-consistent', () => {
    const c = readTntpFolder(SIOUX_FALLS_DIR);
    expect([c.net.numZones, c.net.numNodes, c.net.numLinks]).toEqual([24, 24, 76]);
    expect(c.demand.total).toBe(360600);
    expect(c.demand.intrazonal).toBe(0);
    expect(c.net.noThrough.every((v) => v === 0)).toBe(true);
    const best = c.best!;
    const cost = linkCosts(c.net, best.volume, new Float64Array(76));
    for (let a = 0; a < 76; a++) expect(Math.abs(cost[a]! - best.cost[a]!) / best.cost[a]!).toBeLessThan(1e-9);
    // Published objective 42.31335287107440 is in units of 1e5 (research note).
    expect(beckmann(c.net, best.volume) / 1e5).toBeCloseTo(42.3133528710744, 8);
    const xy = parseTntpNodes(readFileSync(path.join(SIOUX_FALLS_DIR, 'SiouxFalls_node.tntp'), 'utf8'), 24);
    expect(xy.x[0]).toBeCloseTo(-96.77041974, 8);
    expect(() => parseTntpFlow('From To Volume Cost\n1 99 5 5\n', c.net, 'f_flow.tntp')).toThrowError(
      /link 1→99 is not in the network/,
    );
  });
});
