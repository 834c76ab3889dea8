/**
 * Scenario section `clouds:` — the city government cloud in two parts (public service cloud on the extranet's public
 * service domain, administrative service cloud on its administrative domain). "plan" = PLAN-FACTS.md; "research" =
 * research/zibo-and-rollout.md (§2.3–2.5, F = firm, E = estimate); "assumption" = the team's editable estimate.
 */
import { z } from 'zod';
import { isoDate, threePoint } from '../lib/schema.ts';

const band = (min: number, max: number, describe: string) =>
  z
    .strictObject({
      min: z.number().min(0).max(1).default(min).describe('lower bound'),
      max: z.number().min(0).max(1).default(max).describe('upper bound'),
    })
    .refine((r) => r.min <= r.max, { message: 'needs min ≤ max' })
    .prefault({})
    .describe(describe);

export const cloudsParamsSchema = z.strictObject({
  inventory: z
    .strictObject({
      cityDepartments: z
        .number()
        .int()
        .min(0)
        .max(500)
        .default(60)
        .describe('City departments with systems; count; research §2.5 (60–80, E).'),
      systemsPerDepartment: threePoint(
        { a: 1, m: 3, b: 6 },
        'Systems per city department, drawn per department and rounded; count; research §2.5 (Jinan ≈ 3.2 apps per department, E).',
      ),
      systemsPerCounty: threePoint(
        { a: 15, m: 25, b: 40 },
        "Systems per district/county (districts build no clouds of their own and move onto the city's: plan), rounded; count; assumption.",
      ),
      publicShare: z
        .number()
        .min(0)
        .max(1)
        .default(0.4)
        .describe(
          'Share of systems serving the public (public service cloud); the rest go to the administrative cloud; 1; assumption.',
        ),
      retireShare: z
        .number()
        .min(0)
        .max(0.9)
        .default(0.15)
        .describe(
          'Share of systems shut down in the integration clean-up instead of migrated; 1; research §1.6 / §2.5 (Shandong shut 260+ zombie systems, F; ≈15 % zombies, E).',
        ),
      retireDate: isoDate
        .default('2018-12-31')
        .describe('Retired systems are off by this date; plan (integration and clean-up by end 2018).'),
      vcpuPublic: threePoint(
        { a: 4, m: 8, b: 32 },
        'vCPU per public-service system; count; research §2.5 (2–4 VMs × 4 vCPU, E).',
      ),
      vcpuAdmin: threePoint({ a: 4, m: 8, b: 24 }, 'vCPU per administrative system; count; research §2.5 (E).'),
      ramGbPerVcpu: z
        .number()
        .min(0.5)
        .max(16)
        .default(2)
        .describe('RAM per vCPU; GB; research §2.5 (4 vCPU/8 GB VMs, E).'),
      vcpuBusyShare: threePoint(
        { a: 0.15, m: 0.25, b: 0.4 },
        'Average busy share of an allocated vCPU (the real workload), per system; 1; assumption.',
      ),
    })
    .prefault({})
    .describe('Inventory of department systems, drawn per replication.'),
  liveDates: z
    .strictObject({
      public: isoDate.default('2018-01-01').describe('Public service cloud takes its first systems; date; assumption.'),
      admin: isoDate
        .default('2018-04-01')
        .describe('Administrative service cloud takes its first systems; date; assumption.'),
    })
    .prefault({})
    .describe('Service start of each cloud (built and run by a provider, bought as a service: plan).'),
  migration: z
    .strictObject({
      lanesPublic: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(5)
        .describe('Migrations the team runs at once on the public cloud; count; assumption.'),
      lanesAdmin: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(7)
        .describe('Migrations at once on the administrative cloud; count; assumption.'),
      testWindowDays: threePoint(
        { a: 10, m: 20, b: 60 },
        'Preparation and test window of one system before cut-over; days; research §3 (Beta-PERT test window, E).',
      ),
      freezeMonths: z
        .array(z.number().int().min(1).max(12))
        .default([2])
        .describe('Calendar months with no cut-overs (Spring Festival); assumption.'),
      cutoverWeekday: z
        .number()
        .int()
        .min(0)
        .max(6)
        .default(6)
        .describe('Cut-overs happen on this weekday (0 = Sunday, 6 = Saturday); assumption.'),
      bandwidthMbps: z
        .number()
        .min(1)
        .max(1000000.0)
        .default(1000)
        .describe('Bandwidth of the migration link; Mbit/s; research §2.3 (CloudSim rule t = RAM/(BW/2)).'),
      cityFirst: z
        .boolean()
        .default(true)
        .describe('Priority rule: city systems before district systems (else interleaved by draw order); assumption.'),
    })
    .prefault({})
    .describe(
      'Migration waves: each lane takes one system at a time, test window then cut-over in the next allowed window.',
    ),
  hosts: z
    .strictObject({
      coresPerHost: z
        .number()
        .int()
        .min(1)
        .max(1024)
        .default(48)
        .describe('Physical cores per cloud host; count; assumption (2-socket server).'),
      ramGbPerHost: z.number().min(1).max(65536).default(384).describe('RAM per cloud host; GB; assumption.'),
      cpuOvercommit: z
        .number()
        .min(1)
        .max(16)
        .default(3)
        .describe('vCPU per physical core allowed; 1; research §3 (2–4, E).'),
      ramOvercommit: z.number().min(1).max(4).default(1).describe('RAM overcommit; 1; research §3 (1.0–1.2, E).'),
      targetUtilisation: z
        .number()
        .min(0.1)
        .max(1)
        .default(0.6)
        .describe('Planning target for allocated capacity; 1; research §3 (0.6, E).'),
      ramTarget: z.number().min(0.1).max(1).default(0.8).describe('Planning target for RAM; 1; assumption.'),
      minHosts: z
        .number()
        .int()
        .min(1)
        .max(10000)
        .default(3)
        .describe('Hosts a cloud starts with (and never goes below); count; assumption.'),
      spareHosts: z
        .number()
        .int()
        .min(0)
        .max(1000)
        .default(1)
        .describe('N+k spare hosts per cloud; count; assumption.'),
    })
    .prefault({})
    .describe(
      'Hosts needed per cloud: H = ⌈max(ΣvCPU/(cores·overcommit·target), ΣRAM/(RAM·overcommit·ramTarget))⌉ + spare.',
    ),
  power: z
    .strictObject({
      cloudIdleW: z
        .number()
        .min(0)
        .max(100000.0)
        .default(200)
        .describe('Cloud host power at idle; W; assumption (linear model: research §2.3).'),
      cloudMaxW: z.number().min(0).max(100000.0).default(450).describe('Cloud host power at 100 %; W; assumption.'),
      cloudPue: z
        .number()
        .min(1)
        .max(3)
        .default(1.5)
        .describe('PUE of the cloud data centre; 1; research §3 (1.4–1.6, E).'),
      legacyIdleW: z
        .number()
        .min(0)
        .max(100000.0)
        .default(150)
        .describe('Stand-alone server power at idle; W; assumption.'),
      legacyMaxW: z
        .number()
        .min(0)
        .max(100000.0)
        .default(300)
        .describe('Stand-alone server power at 100 %; W; assumption.'),
      legacyPue: z.number().min(1).max(4).default(2).describe('PUE of departmental server rooms; 1; assumption.'),
      legacyCoresPerServer: z
        .number()
        .int()
        .min(1)
        .max(1024)
        .default(16)
        .describe('Cores per stand-alone server; count; assumption.'),
      legacyUtilisation: band(
        0.05,
        0.1,
        'CPU utilisation of stand-alone servers, drawn per system; 1; research §2.5 (Jinan before the cloud: 5–10 %, F).',
      ),
    })
    .prefault({})
    .describe(
      'Linear power model P(u) = P_idle + (P_max − P_idle)·u, times PUE (CloudSim PowerModelLinear; research §2.3).',
    ),
  cost: z
    .strictObject({
      cnyPerVcpuMonth: z
        .number()
        .min(0)
        .max(1000000.0)
        .default(90)
        .describe('Cloud service price per allocated vCPU; CNY/month; assumption.'),
      cnyPerGbRamMonth: z
        .number()
        .min(0)
        .max(1000000.0)
        .default(20)
        .describe('Cloud service price per allocated GB RAM; CNY/month; assumption.'),
      legacyServerCny: z
        .number()
        .min(0)
        .max(100000000.0)
        .default(40000)
        .describe('Purchase price of a stand-alone server; CNY; assumption.'),
      legacyLifeMonths: z
        .number()
        .int()
        .min(1)
        .max(600)
        .default(60)
        .describe('Depreciation period of a stand-alone server; months; assumption.'),
      legacyOpexCnyPerServerMonth: z
        .number()
        .min(0)
        .max(1000000.0)
        .default(300)
        .describe('Room, maintenance and staff share per stand-alone server; CNY/month; assumption.'),
      electricityCnyPerKwh: z
        .number()
        .min(0)
        .max(100)
        .default(0.8)
        .describe('Electricity price paid by departments; CNY/kWh; assumption.'),
    })
    .prefault({})
    .describe(
      'Cost to government: service fees for migrated systems vs stand-alone rooms (research §3: Jinan ≥ 20 % saving, F).',
    ),
  frontend: z
    .strictObject({
      requestsPerDay2017: z
        .number()
        .min(0)
        .max(100000000.0)
        .default(500000)
        .describe('Requests per day to the service platform front end in 2017; count; assumption.'),
      growthPerYear: threePoint(
        { a: 0.2, m: 0.4, b: 0.8 },
        'Actual growth of requests per year, drawn per replication; 1; assumption.',
      ),
      plannedGrowthPerYear: z
        .number()
        .min(0)
        .max(2)
        .default(0.4)
        .describe('Growth the capacity plan assumes when sizing each January; 1; assumption.'),
      designHourShare: z
        .number()
        .min(0.01)
        .max(1)
        .default(0.12)
        .describe('Share of daily requests in the design hour; 1; research §3 (10–15 %, E).'),
      serviceTimeMs: z
        .number()
        .min(1)
        .max(60000)
        .default(400)
        .describe('Mean service time of a request on one worker; ms; assumption.'),
      pWaitTarget: z
        .number()
        .min(0.001)
        .max(0.999)
        .default(0.2)
        .describe('Design target for P(wait) at the design hour; 1; research §3 (P_wait ≤ 0.2).'),
    })
    .prefault({})
    .describe('Front end of the service platform sized by Erlang C each January for the planned design-hour load.'),
});

export type CloudsParams = z.infer<typeof cloudsParamsSchema>;
