/**
 * Scenario section `traffic:` — every field has a default, a unit and a source (or ASSUMPTION) in `.describe()`;
 * z.strictObject at every level so a misspelt key is an error naming its path.
 */
import { z } from 'zod';
import { countyCodeKey } from '../lib/codes.ts';

const share = z.number().min(0).max(1);
const yearKey = z.string().regex(/^20\d\d$/, 'year keys look like 2019');
const byYear = (d: Record<string, number>, what: string) =>
  z
    .record(yearKey, share)
    .default(d)
    .describe(`share 0–1 by year (a missing year takes the latest earlier value, 0 before the first); ${what}`);

/** Default upgraded share of signalised links (ASSUMPTION, see README: Zhangdian had adaptive signals from 2014–2015). */
export const DEFAULT_SIGNAL_SHARE: Record<string, number> = {
  '2017': 0.1,
  '2018': 0.2,
  '2019': 0.35,
  '2020': 0.5,
  '2021': 0.6,
};
export const DEFAULT_SIGNAL_SHARE_BY_DISTRICT: Record<string, Record<string, number>> = {
  // Zhangdian (city centre): 2014–2015 smart-traffic project (adaptive signals, research note zibo-and-rollout §1.5).
  '370303': { '2017': 0.3, '2018': 0.4, '2019': 0.55, '2020': 0.7, '2021': 0.8 },
};

export const trafficParamsSchema = z.strictObject({
  network: z
    .string()
    .default('zibo-sketch')
    .describe(
      "name of the road network: 'zibo-sketch' (the shipped hand-digitised sketch, data/zibo/network) or a network imported with `twin network import SOURCE --name NAME` into data/networks/NAME (TWIN_NETWORKS_DIR overrides the folder); `twin validate` checks it exists",
    ),
  demand: z
    .strictObject({
      peakTripsPerCar: z
        .number()
        .min(0)
        .max(1)
        .default(0.05)
        .describe(
          'car trips per registered car in the morning peak hour that use the modelled main-road network, veh/(car·h). ASSUMPTION (no Zibo counts or survey; README "Plausibility"): ≈ 2.4 daily trips per car × ≈ 10 % in the peak hour × ≈ 20 % between zones on the main-road skeleton. Plausible range 0.045–0.055: above 0.055 the longest peak trip exceeds plausibility.maxPathMin (240 min) at P90 in 2021, below 0.045 the 2021 peak has under 5 % of links over capacity (no peak). Gives a city congestion index of 1.05 (2017) to 1.15 (2021)',
        ),
      deterrencePerMin: z
        .number()
        .min(0.005)
        .max(0.5)
        .default(0.06)
        .describe(
          'β of exp(−β·t), 1/min of free-flow car time. Literature for car trips 0.03–0.12 (Ortúzar & Willumsen 2011 §5.5; ASSUMPTION, not calibrated to Zibo survey data)',
        ),
      attractionWeight: z
        .record(countyCodeKey(), z.number().min(0).max(10))
        .default({ '370303': 1.5 })
        .describe(
          'multiplier on zone population as trip attractor, per county code (default 1). Zhangdian 1.5: city centre jobs and services (ASSUMPTION)',
        ),
      uncertaintySd: z
        .number()
        .min(0)
        .max(1)
        .default(0.1)
        .describe(
          'log-normal SD of the peak-hour demand level across replications, – (ASSUMPTION: ±10 % is a typical survey/forecast error; its P10–P90, ×0.88–1.13, spans the plausible peakTripsPerCar range 0.045–0.055 around 0.05)',
        ),
      calibratedOd: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a name of a file in data/calibrated/ (letters, digits, . _ -)')
        .optional()
        .describe(
          'name of a calibrated OD in data/calibrated/NAME.json made by `twin traffic calibrate --counts FILE --name NAME`: its cell factors (fitted / prior, Spiess ODME on traffic counts) multiply the gravity matrix of every year. Unset: the gravity model alone (not calibrated)',
        ),
    })
    .prefault({}),
  signals: z
    .strictObject({
      capacityGainMin: z
        .number()
        .min(0)
        .max(1)
        .default(0.05)
        .describe(
          'lower end of the capacity gain of a signalised link with adaptive (smart) signal control, share. Literature range: FHWA EDC-1 Adaptive Signal Control Technology reports travel-time improvements of ~10 % and more; stop-line capacity gains of 5–15 % are an ASSUMPTION consistent with that',
        ),
      capacityGainMax: z
        .number()
        .min(0)
        .max(1)
        .default(0.15)
        .describe('upper end of that capacity gain, share; each replication draws uniformly between min and max'),
      delayPerSignalS: z
        .number()
        .min(0)
        .max(120)
        .default(20)
        .describe(
          "s; mean signal delay added to the free-flow time of a signalised link (HCM uniform delay d1 = 0.5·C·(1−g/C)²/(1−X·g/C) ≈ 15–25 s for C = 90 s, g/C ≈ 0.5, X ≈ 0.5; Highway Capacity Manual 6th ed., ch. 19). The network file's free_speed is the posted speed and has no signal delay",
        ),
      delayReduction: z
        .number()
        .min(0)
        .max(1)
        .default(0.2)
        .describe(
          'share of the signal delay (delayPerSignalS) removed on links with smart signals. FHWA Adaptive Signal Control Technology summaries report delay reductions of roughly 10–40 % (ASSUMPTION: 20 %)',
        ),
      upgradedShare: byYear(
        DEFAULT_SIGNAL_SHARE,
        'share of signalised links with smart signals, all districts without their own series (ASSUMPTION)',
      ),
      upgradedShareByDistrict: z
        .record(countyCodeKey(), z.record(yearKey, share))
        .default(DEFAULT_SIGNAL_SHARE_BY_DISTRICT)
        .describe(
          'per-county override of upgradedShare, by year (ASSUMPTION; Zhangdian starts higher: smart-traffic project 2014–2015)',
        ),
    })
    .refine((sig) => sig.capacityGainMin <= sig.capacityGainMax, {
      path: ['capacityGainMax'],
      message: 'must be ≥ capacityGainMin (each replication draws uniformly between them)',
    })
    .prefault({}),
  replications: z
    .strictObject({
      commonRandomNumbers: z
        .boolean()
        .default(true)
        .describe(
          'switch; true: replication r draws its demand level and capacity gain from the engine common-random-numbers stream (keyed by master seed and r only), so every year and every what-if of replication r see the same world (common random numbers: differences between scenarios are not buried in sampling noise). false: draws come from the engine job seed',
        ),
    })
    .prefault({}),
  bpr: z
    .strictObject({
      alpha: z
        .number()
        .min(0)
        .max(5)
        .default(0.15)
        .describe('BPR α (TNTP "B"), –; Bureau of Public Roads (1964) standard value'),
      beta: z
        .number()
        .min(0)
        .max(10)
        .default(4)
        .describe('BPR β (TNTP "power"), –; Bureau of Public Roads (1964) standard value'),
    })
    .prefault({}),
  assignment: z
    .strictObject({
      algorithm: z
        .enum(['bfw', 'cfw', 'fw', 'b'])
        .default('bfw')
        .describe(
          "solver; 'bfw'/'cfw'/'fw': Frank-Wolfe variants (Mitradjieva & Lindberg 2013 for cfw/bfw); 'b': Dial's (2006) bush-based Algorithm B (no warm start, converges far tighter)",
        ),
      targetGap: z.number().min(1e-10).max(0.1).default(1e-5).describe('relative gap to stop at, –'),
      maxIterations: z.number().int().min(1).max(100000).default(2000).describe('iteration cap'),
      warmStart: z
        .boolean()
        .default(true)
        .describe(
          "switch; true: start each replication's assignment from the year's reference equilibrium (demand factor 1, mid capacity gain; solved once per worker to the same gap) scaled by the replication's demand factor, a feasible start because the OD matrix scales with that factor: ~35 % fewer iterations (36 → 23 on average); false: start from all-or-nothing at free flow. Both stop at targetGap",
        ),
    })
    .prefault({}),
  plausibility: z
    .strictObject({
      maxPathMin: z
        .number()
        .min(1)
        .max(1440)
        .default(240)
        .describe(
          'min; a job whose longest zone-to-zone peak trip (shortest path at the equilibrium costs, metric traffic.longestPathMin) exceeds this writes a warning to the run log. Bound from the network geometry: the longest free-flow trip is ≈ 100 min, and a peak trip more than 1.5× that is beyond what a static peak-hour model can mean (README "Plausibility"; no published Zibo travel-time figures were found)',
        ),
    })
    .prefault({}),
  outputs: z
    .strictObject({
      linkSeries: z
        .boolean()
        .default(true)
        .describe('switch; emit per-link v/c, speed and flow series (entity link:<id>, connectors excluded)'),
    })
    .prefault({}),
});

export type TrafficParams = z.infer<typeof trafficParamsSchema>;

/**
 * Share for a year from a by-year record: exact year, else the latest earlier year, else 0.
 * @example shareForYear({ '2017': 0.1, '2019': 0.5 }, 2018) // => 0.1
 */
export function shareForYear(rec: Record<string, number>, year: number): number {
  let bestYear = -Infinity;
  let v = 0;
  for (const [k, s] of Object.entries(rec)) {
    const y = Number(k);
    if (y <= year && y > bestYear) {
      bestYear = y;
      v = s;
    }
  }
  return v;
}
