/** `twin network import` through the real CLI entry: exit code 0 with a summary, 2 with one message on bad input. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { main } from '../cli.ts';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'rules.osm');
const tmp = mkdtempSync(path.join(tmpdir(), 'net-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(['node', 'twin', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

it('imports the fixture and prints nodes, links and km by class, signals, zones, dropped components', async () => {
  const r = await run(['network', 'import', FIXTURE, '--name', 'fx', '--networks-dir', tmp]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/88 zones, 1 signals, 528 connectors/);
  expect(r.out).toMatch(/primary\s+4\s+\d+\.\d/);
  expect(r.out).toMatch(/dropped 2 other components: 3 nodes, 3 links/);
  expect(r.out).toMatch(/© OpenStreetMap contributors/);
});

it('bad input: exit code 2, the file and the fix named, nothing written', async () => {
  const dir = path.join(tmp, 'none');
  const r = await run(['network', 'import', FIXTURE, '--name', 'x', '--crs', 'utm', '--networks-dir', dir]);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--crs: "utm": unknown coordinate system\. Fix: use wgs84, gcj02 or planar/);
  const r2 = await run(['network', 'import', path.join(tmp, 'missing.osm.pbf'), '--name', 'x', '--networks-dir', dir]);
  expect(r2.code).toBe(2);
  expect(r2.err).toMatch(/missing\.osm\.pbf: not found/);
  expect(() => readdirSync(dir)).toThrow();
});
