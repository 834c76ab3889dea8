/**
 * Output hashes of the hot kernels, for refactors that must not change a single bit (issue #15): the link transmission
 * model (`simulate` in traffic/dynamic/ltm.ts, and the Zibo peak through the model's own run function), the greenhouse
 * climate (`simulateClimate`, and one engine job) and the rollout schedule (`runRollout` over seeds and what-ifs).
 *
 *   node --import tsx engine/bench/kernel-hashes.ts [ltm] [climate] [rollout]     # all three when none is named
 *
 * Prints one `sha256 case` line per fixed input and a combined line per kernel. Run it before and after a change and
 * diff the output: any difference in any output number (bits, NaN payload aside) changes the hash.
 */
import { createHash } from 'node:crypto';
import { digestOf } from './hash.ts';
import { createRng, mixSeed } from '../../models/lib/rng.ts';
import type { ModelOutput } from '../../models/types.ts';

const all = createHash('sha256');
function report(name: string, x: unknown): void {
  const d = digestOf(x);
  all.update(d);
  console.log(`${d}  ${name}`);
}

async function ltmHashes(): Promise<void> {
  const { simulate, GridlockError } = await import('../../models/traffic/dynamic/ltm.ts');
  const { buildDynNetwork, gridNetworkSpec } = await import('../../models/traffic/dynamic/network.ts');
  const { randomTrips } = await import('../../models/traffic/dynamic/routing.ts');
  const { buildSignalPlan, DEFAULT_SIGNALS } = await import('../../models/traffic/dynamic/signals.ts');
  const { trafficDynamicModel, trafficDynamicParamsSchema } = await import('../../models/traffic/dynamic/model.ts');
  type Opts = Parameters<typeof simulate>[2];
  const base: Opts = {
    dtS: 1,
    startS: 0,
    endS: 6 * 3600,
    gridlockTimeoutS: 600,
    onGridlock: 'error',
    seriesIntervalS: 60,
    sampleMask: null,
    signals: null,
  };
  // The bench grid (10×10, 10,000 trips) in fixed, adaptive and unsignalised variants, with sampled trajectories.
  const net = buildDynNetwork(
    gridNetworkSpec({ size: 10, blockM: 200, lanes: 2, freeSpeedKmPerH: 50, capacityVehPerHPerLane: 1800 }),
  );
  for (const [seed, count, periodS] of [
    [42, 10000, 0.36],
    [7, 14000, 0.2],
  ] as const) {
    const { paths, departS } = randomTrips(net, { count, beginS: 0, periodS, minDistanceM: 300 }, createRng(seed));
    const veh = {
      count: departS.length,
      departS,
      path: Int32Array.from(departS, (_, i) => i),
      pathStart: paths.start,
      pathLinks: paths.links,
    };
    const mask = Uint8Array.from(departS, (_, i) => (i % 7 === 0 ? 1 : 0));
    for (const mode of ['fixed', 'adaptive', 'none'] as const) {
      for (const dtS of [1, 2]) {
        const signals = mode === 'none' ? null : buildSignalPlan(net, { ...DEFAULT_SIGNALS, mode });
        const r = simulate(net, veh, { ...base, dtS, signals, sampleMask: mask, auditEveryStep: dtS === 2 });
        report(`ltm grid seed ${seed} n ${count} signals ${mode} dt ${dtS}`, r);
      }
    }
    // A short horizon: vehicles still travelling and not yet released at the end.
    const r = simulate(net, veh, {
      ...base,
      endS: 900,
      signals: buildSignalPlan(net, DEFAULT_SIGNALS),
      sampleMask: mask,
    });
    report(`ltm grid seed ${seed} cut at 900 s`, r);
  }
  // The gridlock ring of ltm.test.ts: stop (result) and error (message and info).
  const X = [0, 100, 100, 0];
  const Y = [0, 0, 100, 100];
  const one = { lanes: 1, freeSpeedKmPerH: 30, capacityVehPerHPerLane: 1800 };
  const links = [];
  for (let k = 0; k < 4; k++) links.push({ id: `r${k}`, from: k, to: (k + 1) % 4, lengthM: 100, ...one });
  for (let k = 0; k < 4; k++) links.push({ id: `f${k}`, from: 4 + k, to: k, lengthM: 200, ...one });
  for (let k = 0; k < 4; k++) links.push({ id: `x${k}`, from: k, to: 8 + k, lengthM: 200, ...one });
  const ring = buildDynNetwork({
    nodeXM: [...X, ...X.map((x) => x * 3 - 100), ...X.map((x) => x * 3 - 100)],
    nodeYM: [...Y, ...Y.map((y) => y * 3 - 150), ...Y.map((y) => y * 3 - 50)],
    links,
  });
  const pathLinks: number[] = [];
  const pathStart = [0];
  for (let k = 0; k < 4; k++) {
    pathLinks.push(4 + k, k, (k + 1) % 4, (k + 2) % 4, 8 + ((k + 3) % 4));
    pathStart.push(pathLinks.length);
  }
  const n = 4000;
  const ringVeh = {
    count: n,
    departS: Float64Array.from({ length: n }, (_, i) => Math.floor(i / 4) * 2),
    path: Int32Array.from({ length: n }, (_, i) => i % 4),
    pathStart: Int32Array.from(pathStart),
    pathLinks: Int32Array.from(pathLinks),
  };
  const ringMask = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const ringOpts = { ...base, endS: 1e6, gridlockTimeoutS: 120, sampleMask: ringMask };
  report('ltm gridlock ring stop', simulate(ring, ringVeh, { ...ringOpts, onGridlock: 'stop' }));
  try {
    simulate(ring, ringVeh, ringOpts);
    report('ltm gridlock ring error', 'no error');
  } catch (e) {
    report('ltm gridlock ring error', e instanceof GridlockError ? { message: e.message, info: e.info } : String(e));
  }
  // The Zibo peak through the model's run function (network, demand, routes, signals from the rollout).
  const p = trafficDynamicParamsSchema.parse({});
  const inputs = trafficDynamicModel.loadInputs(p);
  for (const [year, rep] of [
    [2019, 0],
    [2021, 1],
  ] as const) {
    const seed = mixSeed(20170915, 'traffic-dynamic', year, rep);
    const job = { model: 'traffic-dynamic', years: [year], replication: rep, attempt: 1, seed, crnSeed: 4242 + rep };
    const out: ModelOutput = trafficDynamicModel.run(p, inputs, job, createRng(seed));
    report(`ltm zibo peak ${year} rep ${rep}`, out);
  }
}

async function climateHashes(): Promise<void> {
  const c = await import('../../models/greenhouse/climate.ts');
  const { WeatherGenerator, allocDaily, allocHourly, toHourly } = await import('../../models/greenhouse/weather.ts');
  const { climatologySeason } = await import('../../models/greenhouse/climate-cases.ts');
  const { greenhouseParamsSchema, loadGreenhouseInputs, runGreenhouse } =
    await import('../../models/greenhouse/index.ts');
  const gen = new WeatherGenerator();
  const seasons = [1, 2, 3].map((s) => gen.generate(createRng(s), 213, allocDaily(365)));
  seasons.push(climatologySeason(), climatologySeason('cold-sunny'), climatologySeason('overcast'));
  for (const [si, w] of seasons.entries()) {
    const h = toHourly(w, 36.8, allocHourly(365));
    for (const [name, type] of Object.entries(c.GREENHOUSE_TYPES)) {
      const k = c.buildKernel(c.deriveClimateParams(type));
      for (const rules of [c.MANUAL_RULES, c.SMART_RULES]) {
        const opts = { doy: w.doy, wet: w.wet, toutC: h.tempC, ghiWPerM2: h.ghiWPerM2 };
        report(
          `climate season ${si} ${name} ${rules.kind}`,
          c.simulateClimate(k, rules, { ...opts, traceDay: 160 }, c.allocClimate(365)),
        );
        report(
          `climate season ${si} ${name} ${rules.kind} job-mode`,
          c.simulateClimate(k, rules, { ...opts, days: 334, diagnostics: false }, c.allocClimate(365)),
        );
      }
      if (si === 0) {
        const opts = { doy: w.doy, wet: w.wet, toutC: h.tempC, ghiWPerM2: h.ghiWPerM2, forceBlanketClosed: true };
        report(
          `climate season 0 ${name} blanket closed`,
          c.simulateClimate(k, c.MANUAL_RULES, opts, c.allocClimate(365)),
        );
      }
    }
  }
  const p = greenhouseParamsSchema.parse({});
  const inputs = loadGreenhouseInputs(p);
  for (const [year, rep] of [
    [2017, 0],
    [2020, 3],
  ] as const) {
    const seed = mixSeed(20170915, 'greenhouse', year, rep);
    const job = { model: 'greenhouse', years: [year], replication: rep, attempt: 1, seed };
    report(`greenhouse job ${year} rep ${rep}`, runGreenhouse(p, inputs, job, createRng(seed)));
  }
}

async function rolloutHashes(): Promise<void> {
  const { loadHierarchy } = await import('../../models/lib/divisions.ts');
  const { prepareRollout, runRollout } = await import('../../models/rollout/model.ts');
  const { rolloutParamsSchema } = await import('../../models/rollout/params.ts');
  const { scenarioParams } = await import('../test/scenario-params.ts');
  const hierarchy = loadHierarchy();
  const years = [2017, 2018, 2019, 2020, 2021];
  for (const name of ['baseline', 'half-crews', 'funding-delayed', 'strict-sharing', 'accelerated-villages']) {
    const p = scenarioParams(name, 'rollout', rolloutParamsSchema);
    const inputs = prepareRollout(p, hierarchy);
    const outs: ModelOutput[] = [];
    for (let r = 0; r < 40; r++) {
      const seed = mixSeed(20170915, 'rollout', r);
      outs.push(runRollout(p, inputs, { model: 'rollout', years, replication: r, attempt: 1, seed }, createRng(seed)));
    }
    report(`rollout ${name} 40 seeds`, outs);
  }
}

const want = process.argv.slice(2);
const run = (k: string): boolean => want.length === 0 || want.includes(k);
if (run('ltm')) await ltmHashes();
if (run('climate')) await climateHashes();
if (run('rollout')) await rolloutHashes();
console.log(`${all.digest('hex')}  all of the above`);
