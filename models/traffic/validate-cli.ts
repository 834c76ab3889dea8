/**
 * `npm run validate:traffic [-- <tntp-folder> ...] [--algorithm bfw|cfw|fw|b] [--gap 1e-5]`
 * Grades each TNTP folder (default: ../shared/validation/tntp/SiouxFalls) and exits 1 when a criterion fails or a
 * folder has no `_flow` file to grade against (gap and objective are still reported).
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { readTntpFolder } from './tntp.ts';
import { formatGrade, gradeTntp } from './validate.ts';
import type { Algorithm } from './assign-result.ts';
import { SHARED_DIR } from '../lib/paths.mjs';

const defaultFolder = path.join(SHARED_DIR, 'validation', 'tntp', 'SiouxFalls');

const args = process.argv.slice(2);
const folders: string[] = [];
let algorithm: Algorithm = 'bfw';
let targetGap = 1e-5;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--algorithm') algorithm = args[++i] as Algorithm;
  else if (a === '--gap') targetGap = Number(args[++i]);
  else if (a === '--help' || a === '-h') {
    console.log('usage: npm run validate:traffic -- [tntp-folder ...] [--algorithm bfw|cfw|fw|b] [--gap 1e-5]');
    process.exit(0);
  } else folders.push(path.resolve(a));
}
if (!['fw', 'cfw', 'bfw', 'b'].includes(algorithm)) {
  console.error(`--algorithm must be fw, cfw, bfw or b (Algorithm B) (got ${algorithm})`);
  process.exit(2);
}
if (folders.length === 0) {
  if (!existsSync(defaultFolder)) {
    console.error(
      `${defaultFolder} is missing: pass a TNTP folder, or run models/traffic/scripts/fetch-tntp.sh to download SiouxFalls`,
    );
    process.exit(1);
  }
  folders.push(defaultFolder);
}
let ok = true;
for (const f of folders) {
  try {
    const g = gradeTntp(readTntpFolder(f), { algorithm, targetGap });
    console.log(formatGrade(g));
    console.log('');
    if (!g.pass) ok = false;
  } catch (e) {
    console.error(`${f}: ${(e as Error).message}`);
    ok = false;
  }
}
process.exit(ok ? 0 : 1);
