/**
 * The `twin` command line: a thin dispatcher. Each command lives in its own module under engine/commands/ and
 * registers itself on the program; this file maps what they throw to exit codes.
 * Exit codes: 0 success, 1 a run failed or a runtime error, 2 bad input (scenario, flag, unknown run),
 * 130 cancelled with Ctrl-C (finished jobs are kept; continue with `twin run --resume RUN`).
 */
import { NetworkInputError } from '../data/networks.ts';
import { Command, CommanderError } from 'commander';
import { ActualsError } from './actuals.ts';
import { registerActuals } from './commands/actuals.ts';
import { printable, UsageError, type Cli, type RegisterCommand } from './commands/common.ts';
import { registerExport } from './commands/export.ts';
import { registerHindcast } from './commands/hindcast.ts';
import { registerList } from './commands/list.ts';
import { registerNetworkCommand } from './commands/network.ts';
import { registerOptimise } from './commands/optimise.ts';
import { registerReforecast } from './commands/reforecast.ts';
import { registerReport } from './commands/report.ts';
import { registerRun } from './commands/run.ts';
import { registerSchema } from './commands/schema.ts';
import { registerSensitivity } from './commands/sensitivity.ts';
import { registerServe } from './commands/serve.ts';
import { registerStart } from './commands/start.ts';
import { registerTargets } from './commands/targets.ts';
import { registerTraffic } from './commands/traffic.ts';
import { registerValidate } from './commands/validate.ts';
import { registerWorker } from './commands/worker.ts';
import { formatIssue, ScenarioError } from './scenario.ts';
import { StoreError } from './store.ts';

/** The commands in the order `twin --help` lists them. */
const COMMANDS: readonly RegisterCommand[] = [
  registerRun,
  registerValidate,
  registerList,
  registerTargets,
  registerExport,
  registerActuals,
  registerReforecast,
  registerHindcast,
  registerReport,
  registerSchema,
  registerServe,
  registerStart,
  registerNetworkCommand,
  registerOptimise,
  registerSensitivity,
  registerTraffic,
  registerWorker,
];

/**
 * Errors of the operating system that mean "this path or port is not usable as given": bad input, not a crash. Each
 * is printed as one line with the path (shortened) and the fix.
 */
const INPUT_ERRNO: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder; name a file',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  EEXIST: 'exists and is not a folder',
  ENOSPC: 'no space left on the device',
  EADDRINUSE: 'address already in use; choose another --port (0 picks a free one)',
  EADDRNOTAVAIL: 'address not available on this machine; check --host',
};

/** A path or value quoted in an error, shortened and escaped (ENAMETOOLONG paths have thousands of characters). */
function quoted(text: string): string {
  const t = printable(text);
  return t.length > 120 ? `${t.slice(0, 60)}…${t.slice(-40)} (${text.length} characters)` : t;
}

/** Exit code of an error a command threw, after printing it (one line per problem, no stack for bad input). */
function reportError(e: unknown): number {
  // Commander has already printed its own message (bad flag, missing argument, unknown command); help exits 0.
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  // Everything below may quote what the user or a file wrote: escaped, so it cannot drive the terminal.
  if (e instanceof ScenarioError) {
    for (const i of e.issues) process.stderr.write(`${printable(formatIssue(i))}\n`);
    return 2;
  }
  if (e instanceof ActualsError) {
    for (const i of e.issues)
      process.stderr.write(printable(`${i.file}:${i.line}: ${i.field ? `${i.field}: ` : ''}${i.message}`) + '\n');
    process.stderr.write('nothing was imported\n');
    return 2;
  }
  if (e instanceof UsageError || e instanceof StoreError || e instanceof NetworkInputError) {
    process.stderr.write(`twin: ${printable(e.message)}\n`);
    return 2;
  }
  const err = e as NodeJS.ErrnoException & { code?: string };
  if (err?.code === 'SQLITE_READONLY') {
    process.stderr.write('twin: the store is read-only and this command writes to it; make it writable or use --db\n');
    return 2;
  }
  if (err?.code && err.code in INPUT_ERRNO) {
    const where = err.path ?? (err as { address?: string; port?: number }).address;
    const port = (err as { port?: number }).port;
    const what = where ? `${quoted(String(where))}${port !== undefined ? `:${port}` : ''}: ` : '';
    process.stderr.write(`twin: ${what}${INPUT_ERRNO[err.code]} (${err.code})\n`);
    return 2;
  }
  process.stderr.write(`twin: ${(e as Error).stack ?? e}\n`);
  return 1;
}

/**
 * A closed stdout (`twin actuals metrics | head`) ends the command quietly with exit 0: the reader has what it wanted.
 * Without this, the next write raises EPIPE as an unhandled 'error' event and the process dies with a stack.
 */
let epipeHandled = false;
function endQuietlyOnEpipe(): void {
  if (epipeHandled) return;
  epipeHandled = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

/**
 * Entry point; returns the process exit code.
 * @example
 * await main(['node', 'twin', 'validate', 'scenarios/baseline.yaml']) // => 0
 * // bad input: the problem on stderr, exit code 2
 * await main(['node', 'twin', 'validate', 'scenarios/no-such-scenario.yaml']) // => 2
 */
export async function main(argv: string[]): Promise<number> {
  endQuietlyOnEpipe();
  const program = new Command();
  // Settings first: subcommands copy them when they are created.
  program.name('twin').description('Zibo New Smart City 2017–2021 digital twin').exitOverride();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    // A usage error is one line ("twin: error: option '--threads <n>' argument 'x' is invalid. ..."); commander's
    // did-you-mean suggestion, on a line of its own, joins it.
    outputError: (s, write) => write(`twin: ${s.trim().replace(/\s*\n\s*/g, ' ')} (see --help)\n`),
  });
  let code = 0;
  const cli: Cli = {
    setExitCode: (c) => void (code = c),
    get exitCode() {
      return code;
    },
  };
  for (const register of COMMANDS) register(program, cli);
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    return reportError(e);
  }
}
