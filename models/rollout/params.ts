/**
 * Scenario section `rollout:` — every field has a default, a unit and a source. "plan" = stated in the plan article
 * (PLAN-FACTS.md); "research" = an anchor in research/zibo-and-rollout.md; "assumption" = the team's editable estimate.
 */
import { z } from 'zod';
import { countyCodeKey } from '../lib/codes.ts';
import { isoDate, threePoint } from '../lib/schema.ts';

const durationsDays = z
  .strictObject({
    coreDomain: threePoint(
      { a: 20, m: 40, b: 90 },
      'City core of one extranet domain (public service or administrative), calendar days; assumption.',
    ),
    department: threePoint(
      { a: 5, m: 15, b: 45 },
      "Merging one city department's own internet link and business network into the extranet, days; assumption.",
    ),
    countyDomain: threePoint({ a: 10, m: 25, b: 60 }, 'One district/county node of one domain, days; assumption.'),
    townDomain: threePoint(
      { a: 5, m: 10, b: 30 },
      'One town/street node of one domain, days; research §3 (town node (5, 10, 30) days, E).',
    ),
    village: threePoint(
      { a: 1, m: 3, b: 10 },
      'One village/community access point plus service-platform terminal, days; research §3 (village node (1, 3, 10) days, E).',
    ),
  })
  .prefault({})
  .describe('Beta-PERT task durations per level, calendar days.');

export const rolloutParamsSchema = z.strictObject({
  startDate: isoDate
    .default('2017-10-01')
    .describe(
      "Works on the upgraded extranet may start (day after the plan's publication on 2017-09-30); date; assumption (publication date: plan).",
    ),
  durationShape: z
    .enum(['classic', 'vose', 'triangular'])
    .default('classic')
    .describe(
      'Duration distribution: classic Beta-PERT (mean (a+4m+b)/6, SD (b−a)/6), vose Beta-PERT (mode m), or triangular; research §2.2.',
    ),
  durationCommonSigma: z
    .number()
    .min(0)
    .max(1)
    .default(0.15)
    .describe(
      'SD of the log of a programme-wide duration factor drawn once per replication (estimation bias shared by all tasks); 1; assumption.',
    ),
  durationsDays,
  lagsDays: z
    .strictObject({
      county: z
        .number()
        .min(0)
        .max(3650)
        .default(7)
        .describe('County node after the city core of the same domain, days; assumption.'),
      town: z.number().min(0).max(3650).default(7).describe('Town node after its county node, days; assumption.'),
      village: z
        .number()
        .min(0)
        .max(3650)
        .default(14)
        .describe('Village access after its town node, days; assumption.'),
      department: z
        .number()
        .min(0)
        .max(3650)
        .default(0)
        .describe('Department merge after the city core of the administrative domain, days; assumption.'),
      adminAfterPublic: z
        .number()
        .min(0)
        .max(3650)
        .default(0)
        .describe('Administrative domain of a node after its public domain, days; assumption.'),
      platform: z
        .number()
        .min(0)
        .max(3650)
        .default(14)
        .describe('Service-platform link of a town after its extranet node is live, days; assumption.'),
    })
    .prefault({})
    .describe('Lags after a predecessor finishes, days.'),
  crews: z
    .strictObject({
      city: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(6)
        .describe('Crews for the city core and department merges; count; assumption.'),
      perCounty: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(2)
        .describe('Crews per district/county for county and town nodes; count; assumption.'),
      villagePerCounty: z
        .number()
        .int()
        .min(1)
        .max(200)
        .default(4)
        .describe('Crews per district/county for village access points; count; assumption.'),
      countyOverrides: z
        .record(
          countyCodeKey(),
          z.strictObject({
            perCounty: z
              .number()
              .int()
              .min(1)
              .max(100)
              .optional()
              .describe('Crews for county and town nodes in this county; count.'),
            villagePerCounty: z
              .number()
              .int()
              .min(1)
              .max(200)
              .optional()
              .describe('Village crews in this county; count.'),
          }),
        )
        .default({})
        .describe(
          'Per-county crew numbers that replace perCounty / villagePerCounty, keyed by county code; assumption.',
        ),
    })
    .prefault({})
    .describe('Crews limit how many tasks run at once in each pool.'),
  departments: z
    .strictObject({
      count: z
        .number()
        .int()
        .min(0)
        .max(500)
        .default(60)
        .describe('City departments with their own networks to merge; count; research §2.5 (60–80 departments, E).'),
      waves: z.number().int().min(1).max(24).default(4).describe('Merge waves; count; assumption.'),
      firstWaveDate: isoDate.default('2018-01-01').describe('Release of the first merge wave; date; assumption.'),
      waveIntervalMonths: z.number().int().min(0).max(24).default(2).describe('Months between waves; assumption.'),
    })
    .prefault({})
    .describe(
      'Departmental networks merged into the extranet in waves (plan: departmental stand-alone networks basically eliminated by end 2018).',
    ),
  villages: z
    .strictObject({
      startDate: isoDate.default('2018-06-01').describe('Village/community access works may start; date; assumption.'),
    })
    .prefault({})
    .describe('Village level (5th level of the service platform).'),
  funding: z
    .strictObject({
      delayMonths: z
        .number()
        .int()
        .min(0)
        .max(60)
        .default(0)
        .describe('Shift of every tranche release; months; what-if lever (0 in the plan).'),
      tranches: z
        .array(
          z.strictObject({
            date: isoDate.describe('Release date; assumption.'),
            amountCny: z.number().min(0).max(1e11).describe('Budget released, CNY; assumption.'),
          }),
        )
        .max(200)
        .default([
          { date: '2017-10-01', amountCny: 12e6 },
          { date: '2018-03-01', amountCny: 40e6 },
          { date: '2019-03-01', amountCny: 25e6 },
          { date: '2020-03-01', amountCny: 15e6 },
          { date: '2021-03-01', amountCny: 10e6 },
        ])
        .describe(
          'Yearly budget tranches for extranet and access works (funding gates); CNY; assumption (the article gives no amounts). An empty list (or only 0 CNY) is the "no funding at all" what-if: works that cost money never start.',
        ),
      repeatEveryMonths: z
        .number()
        .int()
        .min(1)
        .max(36)
        .default(12)
        .describe('After the listed tranches the last one repeats at this interval; months; assumption.'),
      unitCostCny: z
        .strictObject({
          coreDomain: z.number().min(0).max(1e10).default(3e6).describe('CNY per city core domain; assumption.'),
          department: z.number().min(0).max(1e10).default(1e5).describe('CNY per department merge; assumption.'),
          countyDomain: z.number().min(0).max(1e10).default(6e5).describe('CNY per county node domain; assumption.'),
          townDomain: z.number().min(0).max(1e10).default(1e5).describe('CNY per town node domain; assumption.'),
          village: z.number().min(0).max(1e10).default(1e4).describe('CNY per village access point; assumption.'),
        })
        .prefault({})
        .describe('Cost committed when a task is funded; CNY.'),
    })
    .prefault({})
    .describe(
      'Funding gates: a task starts only when the budget released so far covers all tasks committed before it and itself.',
    ),
  sharing: z
    .strictObject({
      rule: z
        .enum(['off', 'departments', 'strict'])
        .default('departments')
        .describe(
          '"No sharing, no approval, no funding" (plan: in force): off; departments = a department\'s merge waits until it has connected to the sharing platform; strict = also county and town works wait until strictCountyShare of the county\'s departments are connected.',
        ),
      startDate: isoDate
        .default('2017-12-22')
        .describe('Integration and sharing plan issued (淄政办发〔2017〕45号); date; plan.'),
      countyDepartments: z
        .number()
        .int()
        .min(0)
        .max(200)
        .default(30)
        .describe('Departments per district/county that must connect their systems; count; assumption.'),
      connectMonths: threePoint(
        { a: 2, m: 6, b: 12 },
        'Time for one department to integrate its systems and connect to the sharing platform after startDate, months; assumption.',
      ),
      speedFactor: z
        .strictObject({
          off: z.number().min(0.1).max(3).default(1).describe('Duration factor without the rule; 1; assumption.'),
          departments: z
            .number()
            .min(0.1)
            .max(3)
            .default(0.8)
            .describe(
              'Duration factor with the rule on department projects; 1; assumption (the rule motivates sharing).',
            ),
          strict: z
            .number()
            .min(0.1)
            .max(3)
            .default(0.65)
            .describe('Duration factor with the strict rule; 1; assumption.'),
        })
        .prefault({})
        .describe('The rule speeds up sharing connection (multiplies connectMonths).'),
      strictCountyShare: z
        .number()
        .min(0)
        .max(1)
        .default(0.8)
        .describe(
          "Strict rule: share of a county's departments that must be connected before its extranet works start; 1; assumption.",
        ),
    })
    .prefault({})
    .describe('Information-resource sharing platform and the funding rule.'),
  platform: z
    .strictObject({
      linkedAtStart: z
        .array(z.enum(['province', 'city', 'county']))
        .default(['province', 'city', 'county'])
        .describe(
          'Levels of the service platform already linked in 2017 over the old network; plan (Zibo first in Shandong to link with the provincial platform; districts >70 % online in 2017).',
        ),
      provinceLinkDate: isoDate
        .default('2017-06-30')
        .describe('Province link date when "province" is not in linkedAtStart; date; assumption.'),
      itemWeights: z
        .strictObject({
          county: z
            .number()
            .min(0)
            .max(1)
            .default(0.85)
            .describe("Share of a district's service items handled at the district hall; 1; assumption."),
          town: z.number().min(0).max(1).default(0.1).describe('Share handled at town/street centres; 1; assumption.'),
          village: z
            .number()
            .min(0)
            .max(1)
            .default(0.05)
            .describe('Share handled at village/community points; 1; assumption.'),
        })
        .refine((w) => Math.abs(w.county + w.town + w.village - 1) < 1e-9, {
          message: 'county + town + village weights must sum to 1',
        })
        .prefault({})
        .describe('Interlinked supply of a district = Σ weight × linked share of that level.'),
    })
    .prefault({})
    .describe('Five-level government service platform (province → city → county → town → village).'),
  services: z
    .strictObject({
      curve: z
        .enum(['bass', 'linear'])
        .default('bass')
        .describe(
          'Uptake curve after end 2017: Bass diffusion or linear ramp (Estonian X-Road evidence); research §2.1.',
        ),
      cityShareJan2017: z
        .number()
        .min(0)
        .max(1)
        .default(0.9)
        .describe('City-level A/B share in Jan 2017 (reaches 100 % by end 2017: plan); 1; assumption.'),
      districtShareJan2017: z
        .number()
        .min(0)
        .max(1)
        .default(0.5)
        .describe('District A/B share in Jan 2017; 1; assumption.'),
      districtShareEnd2017: z
        .strictObject({
          min: z.number().min(0).max(1).default(0.7).describe('lower bound; plan (above 70 %).'),
          max: z.number().min(0).max(1).default(0.8).describe('upper bound; assumption.'),
        })
        .refine((r) => r.min <= r.max, { message: 'needs min ≤ max' })
        .prefault({})
        .describe('District A/B share at end 2017, drawn uniformly per district and replication; plan (above 70 %).'),
      bassPPerYear: z
        .number()
        .min(1e-4)
        .max(10)
        .default(0.4)
        .describe(
          'Bass innovation p per year for the remaining items; assumption (research: mandated processes are fast).',
        ),
      bassQPerYear: z.number().min(0).max(20).default(1.2).describe('Bass imitation q per year; assumption.'),
      linearRatePerYear: z
        .number()
        .min(0)
        .max(2)
        .default(0.12)
        .describe('Linear ramp: share points per year; assumption.'),
      districtSigma: z
        .number()
        .min(0)
        .max(2)
        .default(0.25)
        .describe('SD of the log of a per-district speed factor on p, q or the ramp rate; 1; assumption.'),
      itemsPerDistrict: z
        .number()
        .int()
        .min(1)
        .max(100000)
        .default(360)
        .describe(
          'Service items per district, each switching online at its own time drawn from the uptake curve; items; research (municipal centre: 205 licensing + 155 service items, people.cn 2017-07-19, F; the same count per district is an assumption).',
        ),
      mandate: z
        .strictObject({
          date: isoDate.describe('Deadline by which every remaining item must be online; date; scenario choice.'),
          slipMeanMonths: z
            .number()
            .min(0)
            .max(60)
            .default(2)
            .describe(
              "Mean of a district's exponential slip past the deadline (all its remaining items switch at deadline + slip); months; assumption.",
            ),
        })
        .optional()
        .describe(
          'Mandate: items not online by the deadline plus the district slip switch then (absent = pure diffusion).',
        ),
    })
    .prefault({})
    .describe('Share of service items handled online with zero (A) or one (B) trip, capped by the interlinked supply.'),
  collab: z
    .strictObject({
      trialStartDate: isoDate
        .default('2017-12-01')
        .describe(
          'Collaborative office system in trial use; date; plan (in trial at the time of the 2018-01-23 article; start month assumed).',
        ),
      pPerMonth: z
        .number()
        .min(1e-4)
        .max(10)
        .default(0.6)
        .describe(
          'Bass p per month for units switching to the system; assumption (mandated internal system, research §2.1 p ≥ 0.3 per quarter).',
        ),
      qPerMonth: z.number().min(0).max(20).default(1.2).describe('Bass q per month; assumption.'),
    })
    .prefault({})
    .describe(
      'Collaborative office across city departments, districts/counties and towns/streets (plan: full rollout by end of March 2018).',
    ),
});

export type RolloutParams = z.infer<typeof rolloutParamsSchema>;
