/**
 * The `twin` command line: a thin dispatcher. Each command lives in its own module under engine/commands/ and
 * registers itself on the program; this file maps what they throw to exit codes.
 * Exit codes: 0 success, 1 a run failed or a runtime error, 2 bad input (scenario, flag, unknown run),
 * 130 cancelled with Ctrl-C (finished jobs are kept; continue with `twin run --resume RUN`).
 */
import { Command, CommanderError } from 'commander';
import { ActualsError } from './actuals.ts';
import { registerActuals } from './commands/actuals.ts';
import { UsageError, type Cli, type RegisterCommand } from './commands/common.ts';
import { registerExport } from './commands/export.ts';
import { registerList } from './commands/list.ts';
import { registerNetworkCommand } from './commands/network.ts';
import { registerReforecast } from './commands/reforecast.ts';
import { registerReport } from './commands/report.ts';
import { registerRun } from './commands/run.ts';
import { registerSchema } from './commands/schema.ts';
import { registerServe } from './commands/serve.ts';
import { registerStart } from './commands/start.ts';
import { registerTargets } from './commands/targets.ts';
import { registerValidate } from './commands/validate.ts';
import { registerWorker } from './commands/worker.ts';
import { formatIssue, ScenarioError } from './scenario.ts';

/** The commands in the order `twin --help` lists them. */
const COMMANDS: readonly RegisterCommand[] = [
  registerRun,
  registerValidate,
  registerList,
  registerTargets,
  registerExport,
  registerActuals,
  registerReforecast,
  registerReport,
  registerSchema,
  registerServe,
  registerStart,
  registerNetworkCommand,
  registerWorker,
];

/** Exit code of an error a command threw, after printing it (one line per problem, no stack for bad input). */
function reportError(e: unknown): number {
  // Commander has already printed its own message (bad flag, missing argument, unknown command); help exits 0.
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  if (e instanceof ScenarioError) {
    for (const i of e.issues) process.stderr.write(`${formatIssue(i)}\n`);
    return 2;
  }
  if (e instanceof ActualsError) {
    for (const i of e.issues)
      process.stderr.write(`${i.file}:${i.line}: ${i.field ? `${i.field}: ` : ''}${i.message}\n`);
    process.stderr.write('nothing was imported\n');
    return 2;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`twin: ${e.message}\n`);
    return 2;
  }
  process.stderr.write(`twin: ${(e as Error).stack ?? e}\n`);
  return 1;
}

/**
 * Entry point; returns the process exit code.
 * @example await main(['node', 'twin', 'validate', 'scenarios/baseline.yaml']) // → 0
 */
export async function main(argv: string[]): Promise<number> {
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
