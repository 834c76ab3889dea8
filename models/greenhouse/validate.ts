/**
 * `npm run validate:greenhouse [-- <folder> ...] [--replications N]`
 * - with folders: grade each SIMPLE experiment folder (experiment.json + .WTH + expected daily CSV); exit 1 when a
 *   day is off by more than 1 kg/ha (or the folder cannot be read: exit 2);
 * - without: print the whole validation table (README) and exit 1 when any row fails.
 */
import { formatTable, validationTable } from './validation.ts';
import { gradeExperimentFolder } from './experiment.ts';

function main(argv: string[]): number {
  const args = argv.slice(2);
  let reps = 20;
  const folders: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--replications') reps = Number(args[++i]);
    else folders.push(args[i]);
  }
  if (!Number.isInteger(reps) || reps < 1) {
    console.error('--replications must be a positive integer');
    return 2;
  }
  if (folders.length > 0) {
    let bad = 0;
    for (const f of folders) {
      try {
        const g = gradeExperimentFolder(f);
        console.log(
          `${g.pass ? 'PASS' : 'FAIL'} ${g.id} (${f}): ${g.days} days (reference ${g.expectedDays}), max |Δbiomass| ${g.maxBiomassDiffKgPerHa.toFixed(4)} kg/ha, max |Δyield| ${g.maxYieldDiffKgPerHa.toFixed(4)} kg/ha, final biomass ${g.finalBiomassKgPerHa.toFixed(1)}, yield ${g.finalYieldKgPerHa.toFixed(1)} kg/ha`,
        );
        for (const x of g.failures.slice(0, 20)) console.log(`  ${x}`);
        if (g.failures.length > 20) console.log(`  … ${g.failures.length - 20} more`);
        if (!g.pass) bad++;
      } catch (e) {
        console.error(`ERROR ${f}: ${(e as Error).message}`);
        return 2;
      }
    }
    return bad > 0 ? 1 : 0;
  }
  const t0 = performance.now();
  const rows = validationTable({ replications: reps });
  console.log(formatTable(rows));
  const failed = rows.filter((r) => !r.pass);
  console.log(
    `\n${rows.length - failed.length}/${rows.length} rows pass (${reps} weather replications per year, ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  for (const r of failed) console.log(`FAIL ${r.id}: ${r.value} (tolerance ${r.tolerance})`);
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = main(process.argv);
