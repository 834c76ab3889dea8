/**
 * Parameters of the dynamic peak loading (`runDynamicPeak`; the `traffic-dynamic` scenario section in model.ts reuses
 * most of them). Every field: default, unit and
 * source in the description; z.strictObject at every level so a misspelt key is an error.
 */
import { z } from 'zod';
import { DEFAULT_AM_PROFILE } from './demand.ts';

/** Signal timing fields shared by the loading parameters and the `traffic-dynamic` section (which widens `mode`). */
export const signalTimingShape = {
  cycleS: z
    .number()
    .min(30)
    .max(240)
    .default(90)
    .describe('s; fixed cycle length (90 s as SUMO netgenerate default; Chinese urban signals 60–180 s)'),
  amberS: z.number().min(0).max(6).default(3).describe('s; amber per phase (GB 14886-2016 yellow 3 s)'),
  startupLostS: z.number().min(0).max(5).default(2).describe('s; start-up lost time l1 (HCM 2010 default 2 s)'),
  greenExtensionS: z
    .number()
    .min(0)
    .max(5)
    .default(2)
    .describe('s; extension of effective green into amber e (HCM 2010 default 2 s)'),
  minGreenS: z
    .number()
    .min(5)
    .max(60)
    .default(10)
    .describe('s; minimum green per phase in adaptive mode (pedestrian minimum, assumption)'),
};

export const dynamicParamsSchema = z.strictObject({
  dtS: z
    .number()
    .min(0.5)
    .max(5)
    .default(1)
    .describe('s; loading time step (1 s as SUMO; up to 5 s for speed, LTM has no CFL limit)'),
  demandScale: z
    .number()
    .min(0)
    .max(5)
    .default(1)
    .describe('×; multiplies the peak OD demand (what-if: growth or demand management)'),
  profile: z
    .strictObject({
      startS: z
        .number()
        .min(0)
        .max(86400)
        .default(DEFAULT_AM_PROFILE.startS)
        .describe('s after midnight; start of the loading period (06:30 = 23400)'),
      sliceS: z
        .number()
        .min(60)
        .max(3600)
        .default(DEFAULT_AM_PROFILE.sliceS)
        .describe('s; width of a departure-profile slice'),
      shares: z
        .array(z.number().min(0).max(1))
        .min(1)
        .max(96)
        .refine((s) => s.some((x) => x > 0), {
          message: 'at least one slice needs a share > 0 (all 0 = no trips depart)',
        })
        .default(DEFAULT_AM_PROFILE.shares)
        .describe(
          'share of trips departing per slice; assumption (typical AM peak shape, peak hour 07:15–08:15 = 0.45)',
        ),
    })
    .prefault({})
    .describe('departure-time profile of the peak period'),
  clearanceS: z
    .number()
    .min(0)
    .max(4 * 3600)
    .default(3 * 3600)
    .describe(
      's; cap on the simulated time after the last departure slice: the loading runs until the network empties (all vehicles arrived) or this cap; vehicles still travelling at the cap count as unfinished, with the reason (gridlock or the link with the longest spill-back) reported',
    ),
  signals: z
    .strictObject({
      ...signalTimingShape,
      mode: z
        .enum(['fixed', 'adaptive'])
        .default('fixed')
        .describe(
          'fixed = equal splits; adaptive = Webster re-split every cycle from measured demand (smart-traffic what-if)',
        ),
    })
    .prefault({})
    .describe('signal control at nodes flagged signalized in the network'),
  routeChoice: z
    .strictObject({
      draws: z
        .number()
        .int()
        .min(1)
        .max(32)
        .default(4)
        .describe('count; perturbed shortest-path draws per origin on UE link costs'),
      sigma: z
        .number()
        .min(0)
        .max(1)
        .default(0.15)
        .describe('1; log-sd of link cost perceptions (probit-like; 0 = all-or-nothing on UE costs)'),
    })
    .prefault({})
    .describe('stochastic route choice from UE link costs'),
  sampleShare: z
    .number()
    .min(0)
    .max(1)
    .default(0.1)
    .describe(
      'share of vehicles whose trajectories are kept for the replay (10 % keeps the Zibo peak replay far below 50 MB)',
    ),
  seriesIntervalS: z
    .number()
    .min(10)
    .max(900)
    .default(60)
    .describe('s; interval of per-link time series (1-minute series by default)'),
  gridlockTimeoutS: z
    .number()
    .min(60)
    .max(7200)
    .default(900)
    .describe('s; no movement for this long with every head vehicle blocked = gridlock'),
  onGridlock: z
    .enum(['stop', 'error'])
    .default('stop')
    .describe(
      'stop = end the run and report it (metric traffic.peakGridlock = 1); error = fail the job with the diagnosis',
    ),
});

export type DynamicParams = z.infer<typeof dynamicParamsSchema>;

/**
 * All defaults.
 * @example defaultDynamicParams().dtS // => 1
 */
export function defaultDynamicParams(): DynamicParams {
  return dynamicParamsSchema.parse({});
}
