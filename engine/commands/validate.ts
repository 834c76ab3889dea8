/** `twin validate <files...>`: check scenario files without running them. */
import type { Command } from 'commander';
import path from 'node:path';
import { formatIssue, loadScenario, ScenarioError } from '../scenario.ts';
import { resolveScenarioArg, type Cli } from './common.ts';

/** Registers `twin validate`. Every file is checked; exit code 0 when all are valid, 2 otherwise. */
export function registerValidate(program: Command, cli: Cli): void {
  program
    .command('validate')
    .description('check scenario files; exit 0 when all are valid, 2 otherwise')
    .argument('<files...>')
    .action((files: string[]) => {
      for (const f of files) {
        try {
          const l = loadScenario(resolveScenarioArg(f));
          process.stdout.write(
            `${path.relative(process.cwd(), l.file)}: ok (${l.scenario.name}, hash ${l.hash}, models ${l.modelIds.join(', ')})\n`,
          );
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
          for (const i of e.issues) process.stderr.write(`${formatIssue(i)}\n`);
          cli.setExitCode(2);
        }
      }
    });
}
