import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir, twin } from './test/helpers.ts';

describe('twin export --viewer (static export of chosen runs)', () => {
  it('writes the built viewer with the runs list, bundles and artifacts, readable without an API', () => {
    const dir = tmpDir('twin-cli-');
    const f = path.join(dir, 's.yaml');
    writeFileSync(f, 'name: tiny\nmodels: [testbed]\nreplications: 3\nperiod: { startYear: 2017, endYear: 2018 }\n');
    const db = path.join(dir, 'x.sqlite');
    expect(twin(['run', f, '--db', db, '--threads', '1']).status).toBe(0);
    expect(twin(['run', f, '--db', db, '--threads', '1', '--seed', '5']).status).toBe(0);
    const out = path.join(dir, 'viewer');
    const r = twin(['export', '2', '--viewer', out, '--with', '1', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('name="twin-source" content="static"');
    const runs = JSON.parse(readFileSync(path.join(out, 'data', 'runs.json'), 'utf8'));
    expect(runs.map((x: { id: number }) => x.id)).toEqual([2, 1]);
    const b = JSON.parse(readFileSync(path.join(out, 'data', 'run-2.json'), 'utf8'));
    expect(b.run.seed).toBe(5);
    expect(b.series.some((s: { metric: string }) => s.metric === 'testbed.pi')).toBe(true);
    expect(existsSync(path.join(out, 'data', 'run-2', 'testbed-summary-2017.json'))).toBe(true);
    // An unknown run is a usage error and writes nothing.
    const bad = twin(['export', '9', '--viewer', path.join(dir, 'nope'), '--db', db]);
    expect(bad.status).toBe(2);
    expect(existsSync(path.join(dir, 'nope'))).toBe(false);
  });
});
