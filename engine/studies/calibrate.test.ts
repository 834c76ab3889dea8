/**
 * `twin traffic calibrate` end to end on the shipped Zibo network: counts made from a known "true" OD (the gravity
 * prior with every cell × 1.1·exp(0.3 z)) on ~30 % of the road links; the real CLI fits the OD, prints the fit, stores
 * it with provenance, and a scenario naming it (`traffic.demand.calibratedOd`) runs with the fitted demand. Bad
 * counts files exit 2 naming file and line, with nothing stored.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../models/lib/rng.ts';
import { assign } from '../../models/traffic/assign.ts';
import { loadTrafficInputs, ziboPeakHourCase } from '../../models/traffic/model.ts';
import { makeDemand } from '../../models/traffic/network.ts';
import { trafficParamsSchema } from '../../models/traffic/params.ts';
import { openStore } from '../store.ts';
import { tmpDir, twin } from '../test/helpers.ts';

let dir: string;
let calDir: string;
let countsFile: string;
let linkIds: number[];
let env: Record<string, string>;

beforeAll(() => {
  dir = tmpDir('twin-calibrate-');
  calDir = path.join(dir, 'calibrated');
  env = { TWIN_CALIBRATED_DIR: calDir };
  const p = trafficParamsSchema.parse({});
  const inp = loadTrafficInputs(p);
  const mid = 0.5 * (p.signals.capacityGainMin + p.signals.capacityGainMax);
  const c = ziboPeakHourCase(p, inp, 2017, { demandFactor: 1, capacityGain: mid });
  const rng = createRng(5);
  const od = c.demand.od.map((v) => v * 1.1 * Math.exp(0.3 * rng.normal()));
  const truth = assign(c.net, makeDemand(c.net.numZones, od), { algorithm: 'bfw', targetGap: 1e-5, keepLog: false });
  const lines = ['link,hour,count'];
  linkIds = Array.from(inp.linkId);
  for (let a = 0; a < c.net.numLinks; a++)
    if (!inp.connector[a] && rng.next() < 0.3) lines.push(`${inp.linkId[a]},8,${Math.round(truth.flow[a]!)}`);
  countsFile = path.join(dir, 'counts.csv');
  writeFileSync(countsFile, lines.join('\n') + '\n');
});

describe('twin traffic calibrate', () => {
  it('fits the OD to the counts, stores it with provenance, and a scenario runs with it', () => {
    const r = twin(['traffic', 'calibrate', '--counts', countsFile, '--year', '2017', '--name', 'z17'], env);
    expect(r.status, r.stderr).toBe(0);
    const pctOf = (label: string) => Number(new RegExp(`${label}\\s*: GEH < 5 on ([\\d.]+) %`).exec(r.stdout)![1]);
    const before = pctOf('before');
    const after = pctOf('after');
    expect(after).toBeGreaterThanOrEqual(85);
    expect(after).toBeGreaterThan(before);
    const doc = JSON.parse(readFileSync(path.join(calDir, 'z17.json'), 'utf8'));
    expect(doc.network).toBe('zibo');
    expect(doc.hour).toBe(8);
    expect(doc.provenance.counts.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.provenance.scenario).toBe('baseline');
    expect(doc.provenance.after.gehBelow5).toBeCloseTo(after / 100, 3);
    const ratio = doc.provenance.odChange.totalFitted / doc.provenance.odChange.totalPrior;
    expect(ratio).toBeGreaterThan(1.02);

    // Same replications with and without the calibrated OD (common random numbers: same demand factor), 2017.
    const db = path.join(dir, 'runs.sqlite');
    const scen = (name: string, extra: string) => {
      const f = path.join(dir, `${name}.yaml`);
      writeFileSync(
        f,
        `name: ${name}\nmodels: [traffic]\nreplications: 2\nperiod: { startYear: 2017, endYear: 2017 }\ntraffic: { demand: { ${extra} } }\n`,
      );
      return f;
    };
    const plain = twin(['run', scen('plain', 'uncertaintySd: 0.1'), '--db', db, '--threads', '1'], env);
    expect(plain.status, plain.stderr).toBe(0);
    const cal = twin(['run', scen('cal', 'calibratedOd: z17'), '--db', db, '--threads', '1'], env);
    expect(cal.status, cal.stderr).toBe(0);
    const store = openStore(db);
    try {
      const total = (run: number) =>
        store.series(run).find((s) => s.metric === 'traffic.demandVehPerH' && s.entity === 'city')!.mean;
      const [a, b] = store
        .listRuns()
        .map((x) => x.id)
        .sort((x, y) => x - y);
      expect(total(b!) / total(a!)).toBeCloseTo(ratio, 6);
    } finally {
      store.close();
    }
  }, 300_000);

  it('refuses a calibrated OD name that does not exist, naming the field', () => {
    const f = path.join(dir, 'missing.yaml');
    writeFileSync(
      f,
      'name: missing\nmodels: [traffic]\nreplications: 1\ntraffic: { demand: { calibratedOd: nope } }\n',
    );
    const r = twin(['run', f, '--db', path.join(dir, 'm.sqlite'), '--threads', '1'], env);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/calibratedOd.*no calibrated OD "nope"/);
  });

  it.each([
    [
      'unknown link',
      (ids: number[]) => `link,hour,count\n${ids[0]},8,100\n99999999,8,50\n`,
      /counts-.*\.csv:3:1: .*link 99999999 is not in network/,
    ],
    [
      'negative count',
      (ids: number[]) => `link,hour,count\n${ids[0]},8,100\n${ids[1]},8,-5\n`,
      /counts-.*\.csv:3:\d+: .*count/,
    ],
  ])('refuses a counts file with %s: exit 2, file:line, nothing stored', (_what, make, msg) => {
    const f = path.join(dir, `counts-${_what.replace(' ', '-')}.csv`);
    writeFileSync(f, make(linkIds));
    const before = existsSync(calDir) ? readdirSync(calDir).sort() : [];
    const r = twin(['traffic', 'calibrate', '--counts', f, '--year', '2017', '--name', 'bad'], env);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(msg);
    expect(existsSync(calDir) ? readdirSync(calDir).sort() : []).toEqual(before);
  });
});
