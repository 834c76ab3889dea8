/**
 * Greenhouse benchmarks (prints medians; not a test). `npm run bench:greenhouse [-- --quick]`
 * 1. one greenhouse-season hourly climate simulation (365 d × 24 h × 4 exact sub-steps), and with both crops; also
 *    as the engine job runs it (diagnostics off, days up to the 30 June pull-out);
 * 2. weather generation + hourly disaggregation of one season (with the per-worker solar table, as in a job);
 * 3. one engine job (12 season climates + 24 crop runs + weather) on the main thread, median; then the engine workload "1,000 greenhouses × 5 years × 100 replications" = 500 (year, replication) jobs of the
 *    baseline scenario on 2 worker threads (reuse per site offset × design × control, README "Reuse");
 * 4. the same workload without reuse, extrapolated from the per-greenhouse cost (1,000 × 500 season simulations).
 */
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRng, mixSeed } from '../lib/rng.ts';
import { buildWorkerEntry } from '../lib/worker-build.mjs';
import {
  GREENHOUSE_TYPES,
  SMART_RULES,
  MANUAL_RULES,
  allocClimate,
  buildKernel,
  deriveClimateParams,
  simulateClimate,
} from './climate.ts';
import { TOMATO_LONG_SEASON, CUCUMBER_WINTER_SPRING, runCrop } from './crop.ts';
import { greenhouseParamsSchema, loadGreenhouseInputs, runGreenhouse } from './index.ts';
import { WeatherGenerator, allocDaily, allocHourly, solarDays, toHourly } from './weather.ts';

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function runJobs(jobs: Array<[number, number]>): number {
  const p = greenhouseParamsSchema.parse({});
  const inputs = loadGreenhouseInputs(p);
  let sink = 0;
  for (const [year, rep] of jobs) {
    const out = runGreenhouse(
      p,
      inputs,
      { model: 'greenhouse', years: [year], replication: rep, attempt: 1, seed: 0 },
      createRng(mixSeed(20170915, 'greenhouse', year, rep)),
    );
    sink += out.series.length;
  }
  return sink;
}

if (!isMainThread) {
  const n = runJobs(workerData.jobs as Array<[number, number]>);
  parentPort!.postMessage(n);
} else {
  const quick = process.argv.includes('--quick');
  const gen = new WeatherGenerator();
  const w = gen.generate(createRng(1), 213, allocDaily(365));
  const h = toHourly(w, 36.8, allocHourly(365));
  const cl = allocClimate(365);
  const k = buildKernel(deriveClimateParams(GREENHOUSE_TYPES['shouguang-earth-wall']));
  const opts = { doy: w.doy, wet: w.wet, toutC: h.tempC, ghiWPerM2: h.ghiWPerM2 };
  for (let i = 0; i < 100; i++) simulateClimate(k, i % 2 ? SMART_RULES : MANUAL_RULES, opts, cl); // warm-up (JIT)
  const reps = quick ? 30 : 200;
  const tClim: Record<string, number[]> = { manual: [], smart: [] };
  const tLean: Record<string, number[]> = { manual: [], smart: [] };
  const lean = { ...opts, diagnostics: false, days: 334 };
  const tFull: number[] = [];
  const tWeather: number[] = [];
  const solar = solarDays(36.8); // per-worker solar table, as the engine job uses it
  for (let i = 0; i < reps; i++) {
    for (const r of [MANUAL_RULES, SMART_RULES]) {
      const t0 = performance.now();
      simulateClimate(k, r, opts, cl);
      tClim[r.kind].push(performance.now() - t0);
      const t1 = performance.now();
      simulateClimate(k, r, lean, cl);
      tLean[r.kind].push(performance.now() - t1);
    }
    const t1 = performance.now();
    simulateClimate(k, SMART_RULES, opts, cl);
    runCrop(TOMATO_LONG_SEASON, cl, 410);
    runCrop(CUCUMBER_WINTER_SPRING, cl, 410);
    tFull.push(performance.now() - t1);
    const t2 = performance.now();
    gen.generate(createRng(i), 213, w);
    toHourly(w, 36.8, h, solar);
    tWeather.push(performance.now() - t2);
  }
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} logical cores visible`,
  );
  const min = (v: number[]): number => Math.min(...v);
  console.log(
    `load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (other processes share the cores: medians include their noise, minima show the intrinsic cost)`,
  );
  console.log(
    `1. one greenhouse-season hourly climate (35,040 exact 15-min steps): median manual ${median(tClim.manual).toFixed(2)} ms (min ${min(tClim.manual).toFixed(2)}), smart ${median(tClim.smart).toFixed(2)} ms (min ${min(tClim.smart).toFixed(2)}) (target ≤ 5 ms)`,
  );
  console.log(
    `   as the engine job runs it (diagnostics off, 334 days to the pull-out): median manual ${median(tLean.manual).toFixed(2)} ms (min ${min(tLean.manual).toFixed(2)}), smart ${median(tLean.smart).toFixed(2)} ms (min ${min(tLean.smart).toFixed(2)})`,
  );
  console.log(
    `   climate + tomato + cucumber crop models: median ${median(tFull).toFixed(2)} ms (min ${min(tFull).toFixed(2)})`,
  );
  console.log(`2. weather generation + hourly disaggregation of one season: median ${median(tWeather).toFixed(2)} ms`);

  const years = [2017, 2018, 2019, 2020, 2021];
  {
    const p = greenhouseParamsSchema.parse({});
    const inputs = loadGreenhouseInputs(p);
    const tJob: number[] = [];
    const nJob = quick ? 40 : 200;
    for (let i = 0; i < nJob + 20; i++) {
      const y = years[i % years.length];
      const rep = 1 + Math.floor(i / years.length);
      const t0 = performance.now();
      runGreenhouse(
        p,
        inputs,
        { model: 'greenhouse', years: [y], replication: rep, attempt: 1, seed: 0 },
        createRng(mixSeed(20170915, 'greenhouse', y, rep)),
      );
      if (i >= 20) tJob.push(performance.now() - t0); // the first 20 warm up the JIT
    }
    console.log(
      `3. one engine job (baseline, replication ≥ 1), main thread: median ${median(tJob).toFixed(2)} ms (min ${min(tJob).toFixed(2)}) over ${nJob} jobs`,
    );
  }
  const nRep = quick ? 10 : 100;
  const jobs: Array<[number, number]> = [];
  for (const y of years) for (let r = 0; r < nRep; r++) jobs.push([y, r]);
  const threads = 2;
  const t3 = performance.now();
  // This file is also the worker entry, bundled like every worker (models/lib/worker-build.mjs); timed with start-up.
  const workerFile = await buildWorkerEntry(import.meta.url, 'bench-greenhouse');
  await Promise.all(
    Array.from(
      { length: threads },
      (_, t) =>
        new Promise<number>((resolve, reject) => {
          const wk = new Worker(workerFile, {
            workerData: { jobs: jobs.filter((_, i) => i % threads === t) },
          });
          wk.once('message', resolve);
          wk.once('error', reject);
        }),
    ),
  );
  const wall = (performance.now() - t3) / 1000;
  const p = greenhouseParamsSchema.parse({});
  const nGh = Object.values(p.sites).reduce((a, s) => a + s.greenhouses, 0);
  console.log(
    `   ${nGh} greenhouses × ${years.length} years × ${nRep} replications = ${jobs.length} jobs on ${threads} worker threads: ${wall.toFixed(1)} s wall (incl. worker start-up; target ≤ 60 s for 100 replications)`,
  );
  const perGh = median(tFull);
  console.log(
    `4. without reuse (every greenhouse simulated on its own): ${nGh} × ${jobs.length} × ${perGh.toFixed(2)} ms / ${threads} threads ≈ ${((nGh * jobs.length * perGh) / threads / 1000).toFixed(0)} s (estimate from benchmark 1)`,
  );
}
