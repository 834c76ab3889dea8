/** `twin schema [--out FILE]`: the JSON Schema of scenario files, for editor autocompletion. */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { scenarioJsonSchema, SCENARIOS_DIR } from '../scenario.ts';

/** Registers `twin schema`. */
export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('write the JSON Schema of scenario files (scenarios/scenario.schema.json) for editor autocompletion')
    .option('--out <file>', 'output file', path.join(SCENARIOS_DIR, 'scenario.schema.json'))
    .action((o) => {
      writeFileSync(o.out, JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
      process.stdout.write(`wrote ${path.relative(process.cwd(), o.out)}\n`);
    });
}
