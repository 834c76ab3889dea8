/**
 * What every `twin` command shares: the usage error (exit code 2), option parsers, opening the store for the
 * length of one command (`withStore`) and turning a RUN argument into a stored run (`resolveRun`).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DB } from '../paths.ts';
import { SCENARIOS_DIR } from '../scenario.ts';
import { openStore, type Store, type StoreAccess } from '../store.ts';

/** An error caused by the user's input: printed as one line without a stack, exit code 2. */
export class UsageError extends Error {}

/** What a command module gets besides the program: a way to set the process exit code without throwing. */
export interface Cli {
  /** Set the exit code `main` returns (a command that ran to its end but found bad input or a failed run). */
  setExitCode(code: number): void;
  /** The exit code set so far (0 until a command sets one). */
  readonly exitCode: number;
}

/** A command module: registers its command(s) on the program. */
export type RegisterCommand = (program: Command, cli: Cli) => void;

/**
 * Commander option parser for an integer in [min, max]; a bad value is reported by commander naming the flag.
 * @example
 * // as in cmd.option('--threads <n>', 'worker threads', int('--threads', 1, 256))
 * int('--threads', 1, 256)('8') // => 8
 * int('--threads', 1, 256)('0') // throws '--threads must be an integer from 1 to 256, got "0"'
 */
export function int(name: string, min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got "${v}"`);
    return n;
  };
}

/**
 * Adds the `--db PATH` option every store-using command takes.
 * @example
 * import { Command } from 'commander';
 * import { DEFAULT_DB } from '../paths.ts';
 * // A command then reads it as in .action((o) => withStore(o.db, (s) => s.listRuns())):
 * withDbOption(new Command('list')).parse(['--db', 'x.sqlite'], { from: 'user' }).opts().db // => 'x.sqlite'
 * withDbOption(new Command('list')).parse([], { from: 'user' }).opts().db === DEFAULT_DB // => true
 */
export function withDbOption(cmd: Command): Command {
  return cmd.option('--db <path>', 'SQLite store', DEFAULT_DB);
}

/**
 * Open the store at `db` (default runs/twin.sqlite), run `fn` with it and close it whatever happens. A command that
 * only reads passes `access: 'read'`: a store this user cannot write is then opened read-only instead of refused.
 * @example
 * const fs = process.getBuiltinModule('node:fs');
 * const db = `${fs.mkdtempSync(`${process.getBuiltinModule('node:os').tmpdir()}/twin-`)}/twin.sqlite`;
 * const scenario = { scenario: {}, modelIds: [], years: [2017] };
 * const run = { scenarioName: 'baseline', scenarioFile: 'scenarios/baseline.yaml', scenarioHash: 'h', scenario,
 *   seed: 1, replications: 1, codeVersion: 'example', threads: 1 };
 * await withStore(db, (store) => store.createRun(run, [])) // => 1
 * await withStore(db, (store) => store.listRuns().map((r) => [r.id, r.scenarioName]), 'read') // => [[1, 'baseline']]
 * fs.rmSync(db.slice(0, -'/twin.sqlite'.length), { recursive: true });
 */
export async function withStore<T>(
  db: string | undefined,
  fn: (store: Store) => T | Promise<T>,
  access: StoreAccess = 'write',
): Promise<T> {
  const store = openStore(path.resolve(db ?? DEFAULT_DB), { access });
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/**
 * Text that is not ours (actuals sources and notes, scenario names and descriptions, values quoted in error messages)
 * made safe for a terminal: control characters (C0 including newline and tab, DEL, C1) and the bidirectional
 * overrides that reorder what a terminal shows are written as escapes, so a field cannot move the cursor, recolour
 * or retitle the terminal, or hide text.
 * @example printable('a\x1b[31mred') // => 'a\\x1b[31mred'
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A date argument on the calendar (YYYY-MM-DD; 2019-02-29 and 2019-13-45 are refused).
 * @throws UsageError naming the flag and the value.
 * @example calendarDate('--until', '2019-06-30') // => '2019-06-30'
 */
export function calendarDate(flag: string, text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.toISOString().slice(0, 10) !== text)
    throw new UsageError(
      `${flag} must be an ISO date YYYY-MM-DD, got "${printable(text)}"${m ? ' (no such day on the calendar)' : ''}`,
    );
  return text;
}

/** A stored run as `Store.run` returns it. */
export type StoredRun = NonNullable<ReturnType<Store['run']>>;

/**
 * The stored run a RUN argument names: a run id, or `latest` (or nothing) for the latest finished run.
 * @param needFinished when set, a run that is not `done` is a usage error naming this purpose.
 * @throws UsageError naming the argument and the store when the run does not exist (or is not finished).
 * @example
 * const fs = process.getBuiltinModule('node:fs');
 * const db = `${fs.mkdtempSync(`${process.getBuiltinModule('node:os').tmpdir()}/twin-`)}/twin.sqlite`;
 * const scenario = { scenario: {}, modelIds: [], years: [2017] };
 * const run = { scenarioName: 'baseline', scenarioFile: 'scenarios/baseline.yaml', scenarioHash: 'h', scenario,
 *   seed: 1, replications: 1, codeVersion: 'example', threads: 1 };
 * await withStore(db, (store) => store.createRun(run, []));
 * await withStore(db, (store) => [resolveRun(store, '1').id, resolveRun(store, 1).status]) // => [1, 'running']
 * await withStore(db, (store) => resolveRun(store, 1, 'the report')) // throws 'run 1 is running; the report needs a finished run'
 * await withStore(db, (store) => resolveRun(store, 'latest')) // throws 'no finished run in '
 * await withStore(db, (store) => resolveRun(store, '2')) // throws 'no run 2 in '
 * await withStore(db, (store) => resolveRun(store, 'abc')) // throws 'a run is a run id (a positive integer) or "latest", got "abc"'
 * fs.rmSync(db.slice(0, -'/twin.sqlite'.length), { recursive: true });
 */
export function resolveRun(store: Store, arg: string | number | undefined, needFinished?: string): StoredRun {
  let run: StoredRun | undefined;
  if (arg === undefined || arg === 'latest') {
    const latest = store.latestRun('done');
    if (!latest) throw new UsageError(`no finished run in ${store.file}; run one with \`twin run baseline\``);
    run = store.run(latest.id);
  } else {
    const text = String(arg).trim();
    if (!/^[1-9]\d*$/.test(text))
      throw new UsageError(
        `a run is a run id (a positive integer) or "latest", got "${printable(String(arg))}"; \`twin list\` shows the runs`,
      );
    run = store.run(Number(text));
  }
  if (!run) throw new UsageError(`no run ${arg} in ${store.file}; \`twin list\` shows the runs`);
  if (needFinished && run.status !== 'done')
    throw new UsageError(`run ${run.id} is ${run.status}; ${needFinished} needs a finished run`);
  return run;
}

/**
 * A scenario argument as a file: an existing path, or a name in scenarios/ (`baseline` → scenarios/baseline.yaml).
 * Anything else is returned unchanged so the loader reports it as not found, with the file name.
 */
export function resolveScenarioArg(arg: string): string {
  if (existsSync(arg)) return arg;
  const named = path.join(SCENARIOS_DIR, `${arg}.yaml`);
  if (/^[A-Za-z0-9._-]+$/.test(arg) && existsSync(named)) return named;
  return arg;
}

/** A probability as a right-aligned percentage ("  7%"), or a dash when there is none. */
export function fmtPct(x: number | null): string {
  return x === null || Number.isNaN(x) ? '   —' : `${(100 * x).toFixed(0).padStart(3)}%`;
}
