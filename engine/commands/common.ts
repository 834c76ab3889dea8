/**
 * What every `twin` command shares: the usage error (exit code 2), option parsers, opening the store for the
 * length of one command (`withStore`) and turning a RUN argument into a stored run (`resolveRun`).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DB } from '../paths.ts';
import { SCENARIOS_DIR } from '../scenario.ts';
import { openStore, type Store } from '../store.ts';

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
 * @example cmd.option('--threads <n>', 'worker threads', int('--threads', 1, 256))
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
 * @example withDbOption(program.command('list')).action((o) => withStore(o.db, (s) => s.listRuns()))
 */
export function withDbOption(cmd: Command): Command {
  return cmd.option('--db <path>', 'SQLite store', DEFAULT_DB);
}

/**
 * Open the store at `db` (default runs/twin.sqlite), run `fn` with it and close it whatever happens.
 * @example const runs = await withStore(o.db, (store) => store.listRuns());
 */
export async function withStore<T>(db: string | undefined, fn: (store: Store) => T | Promise<T>): Promise<T> {
  const store = openStore(path.resolve(db ?? DEFAULT_DB));
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/** A stored run as `Store.run` returns it. */
export type StoredRun = NonNullable<ReturnType<Store['run']>>;

/**
 * The stored run a RUN argument names: a run id, or `latest` (or nothing) for the latest finished run.
 * @param needFinished when set, a run that is not `done` is a usage error naming this purpose.
 * @throws UsageError naming the argument and the store when the run does not exist (or is not finished).
 * @example resolveRun(store, 'latest').id // → 7
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
        `a run is a run id (a positive integer) or "latest", got "${arg}"; \`twin list\` shows the runs`,
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
