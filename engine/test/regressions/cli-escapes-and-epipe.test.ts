// Regression (issue #16): `twin actuals list` printed raw terminal escape sequences from an imported source field, and
// `twin actuals metrics | head` died with EPIPE. Text that is not ours is now printed with control characters escaped,
// and a closed stdout ends the command quietly with exit 0.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_ROOT } from '../../paths.ts';
import { TWIN, tmpDir, twin } from '../helpers.ts';

describe('output that is not ours', () => {
  it('actuals list escapes control characters of a source and a note', () => {
    const dir = tmpDir('twin-esc-');
    const db = path.join(dir, 'esc.sqlite');
    const csv = path.join(dir, 'evil.csv');
    const evil = 'report \x1b]0;pwned\x07 \x1b[31mred\x1b[0m \u202eevil';
    writeFileSync(
      csv,
      `metric,scope,date,value,unit,source,note,bound\nservices.onlineShare,city,2017-12-31,0.5,share,"${evil}","a\x1b[2Jb",=\n`,
    );
    const imp = twin(['actuals', 'import', csv, '--db', db]);
    expect(imp.status, imp.stderr).toBe(0);
    const list = twin(['actuals', 'list', '--db', db]);
    expect(list.status).toBe(0);
    // eslint-disable-next-line no-control-regex -- no control character but the newlines may reach the terminal
    expect(list.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u202e]/);
    expect(list.stdout).toContain('report \\x1b]0;pwned\\x07 \\x1b[31mred\\x1b[0m \\u202eevil');
    expect(list.stdout).toContain('a\\x1b[2Jb');
  });
});

describe('a closed stdout', () => {
  it('ends `twin actuals metrics` quietly with exit 0', async () => {
    const p = spawn(process.execPath, [TWIN, 'actuals', 'metrics'], {
      cwd: ENGINE_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader goes away before the first line is written (as `| head -0` or a closed pager would).
    p.stdout.destroy();
    let stderr = '';
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => p.on('exit', (c) => r(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
