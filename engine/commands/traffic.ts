/**
 * `twin traffic calibrate --counts FILE.csv [--network NAME | --scenario FILE]`: origin–destination matrix estimation
 * from link counts (Spiess' gradient method under user equilibrium, models/traffic/odme.ts) on the shipped Zibo
 * network (prior: the scenario's gravity OD of the year) or an imported network (data/networks/NAME, prior: its
 * demand.csv). Prints the fit before and after (GEH < 5 share as a percentage, RMSE, R²) and how far the OD moved,
 * and stores the calibrated OD with provenance in data/calibrated/NAME.json, which a scenario uses with
 * `traffic.demand.calibratedOd: NAME` (shipped network).
 */
import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadTrafficInputs, ziboPeakHourCase } from '../../models/traffic/model.ts';
import type { Demand, Network } from '../../models/traffic/network.ts';
import { loadRoadNetwork } from '../../data/index.ts';
import { gmnsFromNetworkFiles, networkFromGmns } from '../../models/traffic/gmns.ts';
import {
  NetworkInputError,
  networkNameProblem,
  networksRoot,
  readNetworkFiles,
  SKETCH_NETWORK,
} from '../../data/networks.ts';
import {
  CALIBRATED_NAME,
  CALIBRATED_OD_FORMAT,
  calibratedOdFile,
  countsForHour,
  odFactors,
  odme,
  parseCounts,
  type CalibratedOd,
  type CountFit,
} from '../../models/traffic/odme.ts';
import { trafficParamsSchema, type TrafficParams } from '../../models/traffic/params.ts';
import { InputFileError } from '../../models/traffic/tntp.ts';
import { ENGINE_ROOT } from '../paths.ts';
import { codeVersion } from '../run.ts';
import { loadScenario } from '../scenario.ts';
import { writeWhole } from '../studies/optimise.ts';
import { int, resolveScenarioArg, UsageError, type Cli } from './common.ts';

/** Most bytes of a counts file (a city's hourly counts are far smaller). */
const MAX_COUNTS_BYTES = 20 * 1024 * 1024;

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const fitLine = (label: string, f: CountFit) =>
  `${label}: GEH < 5 on ${pct(f.gehBelow5)} of ${f.links} counted links · mean GEH ${f.meanGeh.toFixed(2)} · RMSE ${f.rmse.toFixed(0)} veh/h (${f.rmsePct.toFixed(1)} % of the mean count) · R² ${f.r2.toFixed(3)}`;

/** The network and prior OD a calibration starts from. */
interface Prior {
  network: string;
  net: Network;
  zoneIds: number[];
  prior: Demand;
  source: Record<string, unknown>;
}

function shippedPrior(scenarioArg: string, year: number | undefined): Prior & { year: number } {
  const file = resolveScenarioArg(scenarioArg);
  const loaded = loadScenario(file);
  const raw = loaded.scenario.traffic as TrafficParams | undefined;
  if (!raw) throw new UsageError(`--scenario ${scenarioArg}: the scenario has no traffic section`);
  // The prior is the gravity matrix alone: stored factors are relative to it, whatever OD the scenario uses now.
  const params = trafficParamsSchema.parse({ ...raw, demand: { ...raw.demand, calibratedOd: undefined } });
  const y = year ?? loaded.years[0]!;
  if (!loaded.years.includes(y))
    throw new UsageError(`--year ${y}: the scenario simulates ${loaded.years[0]}–${loaded.years.at(-1)}`);
  const inputs = loadTrafficInputs(params);
  const mid = 0.5 * (params.signals.capacityGainMin + params.signals.capacityGainMax);
  const c = ziboPeakHourCase(params, inputs, y, { demandFactor: 1, capacityGain: mid });
  const zoneIds = shippedZoneIds(inputs.net.numZones);
  return {
    network: 'zibo',
    net: c.net,
    zoneIds,
    prior: c.demand,
    year: y,
    source: {
      prior: 'gravity OD of the scenario at demand factor 1, mid capacity gain of adaptive signals',
      scenario: loaded.scenario.name,
      scenarioFile: path.relative(ENGINE_ROOT, path.resolve(file)),
      scenarioHash: loaded.hash,
    },
  };
}

/** Zone ids in matrix order of the shipped network (the traffic inputs keep only the count; the GMNS read has them). */
function shippedZoneIds(nz: number): number[] {
  // The same read and zone order as the model's loadTrafficInputs.
  const road = loadRoadNetwork();
  const gmns = networkFromGmns(road.nodes, road.links, 'zibo');
  if (gmns.zoneIds.length !== nz) throw new Error(`shipped network: ${gmns.zoneIds.length} zones, expected ${nz}`);
  return Array.from(gmns.zoneIds);
}

function importedPrior(name: string): Prior {
  if (name === SKETCH_NETWORK)
    throw new UsageError(`--network ${name}: that is the shipped network; omit --network (or use --scenario) for it`);
  const problem = networkNameProblem(name);
  if (problem) throw new UsageError(`--network ${name}: ${problem}`);
  // The same reader and conversion the traffic models use for a scenario's network (one way to read a network).
  let imported: ReturnType<typeof gmnsFromNetworkFiles>;
  try {
    imported = gmnsFromNetworkFiles(readNetworkFiles(name));
  } catch (e) {
    if (e instanceof NetworkInputError) throw new UsageError(`--network ${name}: ${e.message}`);
    throw e;
  }
  const { gmns, demand } = imported;
  const dir = path.join(networksRoot(), name);
  if (!demand)
    throw new UsageError(
      `--network ${name}: ${path.relative(process.cwd(), dir)}/demand.csv is missing; ODME adjusts a prior OD, so give the network a demand.csv (o_zone_id,d_zone_id,volume)`,
    );
  return {
    network: name,
    net: gmns.net,
    zoneIds: Array.from(gmns.zoneIds),
    prior: demand,
    source: { prior: `${path.relative(ENGINE_ROOT, dir)}/demand.csv` },
  };
}

/** Registers `twin traffic calibrate`. */
export function registerTraffic(program: Command, cli: Cli): void {
  const traffic = program.command('traffic').description('traffic tools: calibrate demand to counts');
  traffic
    .command('calibrate')
    .description('fit the peak-hour OD matrix to link counts (Spiess ODME under user equilibrium) and store it')
    .requiredOption('--counts <file>', 'CSV: link (or from,to), hour, count[, weight]')
    .option('--network <name>', 'an imported network in data/networks/ (default: the shipped Zibo network)')
    .option('--scenario <file>', 'scenario whose traffic parameters give the prior (shipped network)', 'baseline')
    .option('--year <y>', 'year the counts are for (default: the scenario’s first year)', int('--year', 1900, 2100))
    .option('--hour <h>', 'hour of the counts to fit (needed when the file has several)', int('--hour', 0, 23))
    .option('--name <name>', 'name of the calibrated OD (data/calibrated/NAME.json; default: the counts file name)')
    .option('--iterations <n>', 'most ODME iterations', int('--iterations', 1, 1000), 40)
    .option('--force', 'replace a stored calibrated OD of the same name')
    .action(async (o) => {
      // Every input is checked before the calibration; the file is written only at the end.
      const countsFile: string = o.counts;
      if (!existsSync(countsFile) || !statSync(countsFile).isFile())
        throw new UsageError(`--counts ${countsFile}: file not found`);
      if (statSync(countsFile).size > MAX_COUNTS_BYTES)
        throw new UsageError(`--counts ${countsFile}: larger than ${MAX_COUNTS_BYTES / 1024 / 1024} MB`);
      if (o.network && o.scenario !== 'baseline' && o.network !== 'zibo')
        throw new UsageError(
          'give --network NAME (an imported network with its demand.csv) or --scenario FILE, not both',
        );
      const name: string = o.name ?? path.basename(countsFile).replace(/\.[^.]*$/, '');
      if (!CALIBRATED_NAME.test(name))
        throw new UsageError(
          `--name "${name}": use letters, digits, . _ - (at most 64 characters), e.g. --name zibo-2019`,
        );
      const outFile = calibratedOdFile(name);
      if (existsSync(outFile) && !o.force)
        throw new UsageError(`${path.relative(process.cwd(), outFile)} exists; choose another --name or add --force`);
      const base = !o.network || o.network === 'zibo' ? shippedPrior(o.scenario, o.year) : importedPrior(o.network);
      const text = readFileSync(countsFile, 'utf8');
      let counts;
      let hour: number;
      try {
        const rows = parseCounts(text, countsFile, base.net);
        counts = countsForHour(rows, o.hour, countsFile);
        hour = o.hour ?? rows[0]!.hour;
      } catch (e) {
        if (e instanceof InputFileError || e instanceof Error) throw new UsageError(e.message);
        throw e;
      }
      const t0 = performance.now();
      const res = odme(base.net, base.prior, counts, {
        maxIterations: o.iterations,
        onIteration: (it) =>
          process.stderr.write(
            `iteration ${it.iteration}: GEH < 5 ${pct(it.gehBelow5)}, RMSE ${it.rmse.toFixed(0)}, step ${it.step.toPrecision(3)}\n`,
          ),
      });
      const ms = performance.now() - t0;
      const ch = res.change;
      const year = 'year' in base ? (base as { year: number }).year : (o.year ?? 0);
      const doc: CalibratedOd = {
        format: CALIBRATED_OD_FORMAT,
        name,
        network: base.network,
        zoneIds: base.zoneIds,
        year,
        hour,
        factors: odFactors(base.prior.od, res.demand.od),
        provenance: {
          method: 'Spiess (1990) gradient ODME under user equilibrium (models/traffic/odme.ts)',
          counts: {
            file: path.relative(ENGINE_ROOT, path.resolve(countsFile)),
            sha256: createHash('sha256').update(text).digest('hex'),
            links: counts.link.length,
          },
          ...base.source,
          createdAt: new Date().toISOString(),
          codeVersion: codeVersion(),
          iterations: res.iterations,
          assignments: res.assignments,
          before: res.before,
          after: res.after,
          odChange: ch,
          wallMs: Math.round(ms),
        },
      };
      writeWhole(outFile, JSON.stringify(doc) + '\n');
      const out = [
        `calibrated OD "${name}" on network ${base.network}${year ? `, year ${year}` : ''}: ${res.iterations} iterations, ${res.assignments} assignments, ${(ms / 1000).toFixed(1)} s`,
        fitLine('before', res.before),
        fitLine('after ', res.after),
        `OD moved: total ${ch.totalPrior.toFixed(0)} → ${ch.totalFitted.toFixed(0)} veh/h (${(100 * (ch.totalFitted / ch.totalPrior - 1)).toFixed(1)} %), mean |cell change| ${pct(ch.meanAbsRelChange)}, cell factors ${ch.minFactor.toFixed(2)}–${ch.maxFactor.toFixed(2)}, correlation with the prior ${ch.correlation.toFixed(3)}`,
        `stored: ${path.relative(process.cwd(), outFile)}` +
          (base.network === 'zibo'
            ? `; use it in a scenario with\n  traffic:\n    demand:\n      calibratedOd: ${name}`
            : ''),
      ];
      process.stdout.write(out.join('\n') + '\n');
      cli.setExitCode(0);
    });
}
