// Regression (issue #16): a read-only store could not even be read, and a damaged store was written into without any
// integrity check. Now reading commands open a store they cannot write read-only, a write to it is refused with a
// clear line, and the first open of a file by a process runs PRAGMA quick_check: a damaged file is refused (exit 2)
// with a message naming the file and the fix, and is left byte for byte as it was.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore, StoreError } from '../../store.ts';
import { ENGINE_ROOT } from '../../paths.ts';
import { TWIN, tmpDir, twin } from '../helpers.ts';

const dir = tmpDir('twin-store-');
const db = path.join(dir, 'good.sqlite');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const isRoot = process.getuid?.() === 0;

beforeAll(() => {
  const file = path.join(dir, 'tb.yaml');
  writeFileSync(
    file,
    'name: tb\nmodels: [testbed]\nperiod: { startYear: 2017, endYear: 2018 }\nseed: 3\nreplications: 4\ntestbed: { samples: 100 }\n',
  );
  const r = twin(['run', file, '--db', db, '--threads', '1']);
  expect(r.status, r.stderr).toBe(0);
}, 120_000);

describe('store: read-only', () => {
  it('an explicitly read-only open reads every table and refuses writes with SQLITE_READONLY', () => {
    const s = openStore(db, { access: 'readonly' });
    try {
      expect(s.readonly).toBe(true);
      const run = s.listRuns()[0]!;
      expect(run.status).toBe('done');
      expect(s.series(run.id).length).toBeGreaterThan(0);
      expect(() => s.setRunStatus(run.id, 'failed')).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
    } finally {
      s.close();
    }
    expect(openStore(db).listRuns()[0]!.status).toBe('done');
  });

  // As root, chmod does not stop writes (access(W_OK) says yes), so as root the CLI is run as `nobody` (runuser);
  // without either, the test is skipped.
  const asUser = !isRoot ? [] : existsSync('/usr/sbin/runuser') ? ['/usr/sbin/runuser', '-u', 'nobody', '--'] : null;
  it.skipIf(asUser === null)(
    'a chmod 444 store in a read-only folder: reading commands work, a writing one gets one line, exit 2',
    () => {
      const ro = tmpDir('twin-ro-');
      const file = path.join(ro, 'ro.sqlite');
      copyFileSync(db, file);
      chmodSync(file, 0o444);
      chmodSync(ro, 0o555);
      const cli = (args: string[]) => {
        const [cmd, ...pre] = [...asUser!, 'env', `HOME=${ro}`, process.execPath, TWIN, ...args];
        return spawnSync(cmd!, pre, { encoding: 'utf8', cwd: ENGINE_ROOT, timeout: 120_000 });
      };
      try {
        const list = cli(['list', '--db', file]);
        expect(list.status, list.stderr).toBe(0);
        expect(list.stdout).toMatch(/\s1\s+tb\s+done/);
        const targets = cli(['targets', '1', '--db', file]);
        expect(targets.status, targets.stderr).toBe(0);
        const imp = cli(['actuals', 'import', 'data/actuals/seed-facts.csv', '--db', file]);
        expect(imp.status).toBe(2);
        expect(imp.stderr).toMatch(/^twin: the store .* is read-only for this user and this command writes to it/);
        expect(sha(file)).toBe(sha(db));
      } finally {
        chmodSync(ro, 0o755);
      }
    },
  );
});

describe('store: damaged file', () => {
  it('is refused on open, by the store and by the CLI (exit 2, file named, fix given), and left untouched', () => {
    const bad = path.join(dir, 'bad.sqlite');
    copyFileSync(db, bad);
    // Overwrite pages in the middle of the file (page-aligned, past the header and schema pages) with garbage.
    const size = statSync(bad).size;
    const page = 4096;
    const at = Math.floor(size / page / 2) * page;
    expect(at).toBeGreaterThan(page);
    const fd = openSync(bad, 'r+');
    writeSync(fd, Buffer.alloc(2 * page, 0xa5), 0, 2 * page, at);
    closeSync(fd);
    const before = sha(bad);
    expect(() => openStore(bad)).toThrow(StoreError);
    expect(() => openStore(bad)).toThrow(/is damaged .*Move it aside .*restore a backup/);
    for (const args of [['list'], ['targets'], ['actuals', 'import', 'data/actuals/seed-facts.csv']]) {
      const r = twin([...args, '--db', bad]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`the store ${bad} is damaged`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(sha(bad)).toBe(before);
  });
});

describe('CLI output paths (need a finished run)', () => {
  it('--out naming a folder or a path under a file: one line, exit 2', () => {
    const folder = twin(['export', 'latest', '--out', dir, '--db', db]);
    expect(folder.status).toBe(2);
    expect(folder.stderr.trim()).toBe(
      `twin: --out ${dir} is a folder; name a file (e.g. ${path.join(dir, 'run-1.json')})`,
    );
    writeFileSync(path.join(dir, 'afile'), 'x');
    const under = twin(['export', 'latest', '--format', 'csv', '--out', path.join(dir, 'afile', 'x.csv'), '--db', db]);
    expect(under.status).toBe(2);
    expect(under.stderr.trim().split('\n')).toHaveLength(1);
    expect(under.stderr).toContain(path.join(dir, 'afile'));
  });
});
