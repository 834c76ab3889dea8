// Regression (issue #16): bad paths, ports, run ids and dates given to the CLI used to end with a stack trace (--db or
// --out naming a folder, a port in use, ENAMETOOLONG) or exit 0 (reforecast --until 2019-13-45). Each now gives one
// clear line on stderr and exit code 2.
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir, twin } from '../helpers.ts';

const dir = tmpDir('twin-badinput-');
const db = path.join(dir, 'a.sqlite');
let busy: net.Server;
let busyPort: number;

beforeAll(async () => {
  // An empty but valid store (created by a command that writes it), and a port that is taken.
  expect(twin(['actuals', 'list', '--db', db]).status).toBe(0);
  busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => busy.close(() => r())));

/** Exit 2 and exactly one line on stderr, naming `mention`, with no stack frame. */
function expectOneLine(args: string[], mention: RegExp): void {
  const r = twin(args);
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^twin: /);
  expect(lines[0]).toMatch(mention);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('CLI bad input: one line, exit 2', () => {
  it('--db naming a folder', () => expectOneLine(['targets', '--db', dir], /is a directory; pass a file with --db/));

  it('--db with a name too long for the file system', () =>
    expectOneLine(['targets', '--db', path.join(dir, 'x'.repeat(5000))], /cannot open the store .*5\d{3} characters/));

  // --out naming a folder or a path under a file needs a finished run: resume-one-at-a-time.test.ts checks them.

  it('a non-numeric run id', () =>
    expectOneLine(['targets', 'abc', '--db', db], /a run is a run id \(a positive integer\) or "latest", got "abc"/));

  it('a date not on the calendar', () => {
    expectOneLine(
      ['reforecast', '--until', '2019-13-45', '--db', db],
      /--until must be an ISO date YYYY-MM-DD, got "2019-13-45" \(no such day on the calendar\)/,
    );
    expectOneLine(['reforecast', '--until', '2019-02-29', '--db', db], /2019-02-29/);
  });

  it('a port in use', () =>
    expectOneLine(['serve', '--port', String(busyPort), '--db', db], new RegExp(`port ${busyPort} .*already in use`)));
});
