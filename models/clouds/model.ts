/**
 * The two clouds: inventory of department systems, migration waves, hosts, utilisation, energy, cost and the
 * service platform's front end (Erlang C). One job = one replication 2017–2021, monthly.
 */
import type { Rng } from '../lib/rng.ts';
import type { JobSpec, ModelOutput, SeriesOut } from '../types.ts';
import {
  calendarMonthOf,
  dayOf,
  daysInMonth,
  decimalYear,
  monthEndDay,
  monthOfFinish,
  monthPeriods,
} from '../lib/calendar.ts';
import { DurationSampler } from '../lib/pert.ts';
import type { CloudsParams } from './params.ts';
import { erlangC, serversFor } from './erlang.ts';

/** What stays fixed between replications. */
export interface CloudsInputs {
  /** District/county codes (each contributes its systems to the city's clouds). */
  countyCodes: string[];
  samplers: {
    perDept: DurationSampler;
    perCounty: DurationSampler;
    vcpuPublic: DurationSampler;
    vcpuAdmin: DurationSampler;
    busy: DurationSampler;
    test: DurationSampler;
    growth: DurationSampler;
  };
  /** Largest possible inventory (scratch sizes). */
  maxSystems: number;
  scratch: {
    owner: Int16Array;
    isPublic: Uint8Array;
    retired: Uint8Array;
    vcpu: Float64Array;
    busy: Float64Array;
    legacyServers: Float64Array;
    legacyPowerW: Float64Array;
    migratedDay: Float64Array;
  };
}

/**
 * Prepare samplers and scratch buffers.
 * @example
 * import { cloudsParamsSchema } from './params.ts';
 * // Scratch sized for the most systems the inventory can draw: the city departments' plus two districts'.
 * const inputs = prepareClouds(cloudsParamsSchema.parse({}), ['370302', '370303']);
 * [inputs.maxSystems, inputs.scratch.owner.length, inputs.countyCodes] // => [502, 502, ['370302', '370303']]
 */
export function prepareClouds(p: CloudsParams, countyCodes: string[]): CloudsInputs {
  const inv = p.inventory;
  const maxSystems = Math.ceil(
    inv.cityDepartments * (inv.systemsPerDepartment.b + 1) + countyCodes.length * (inv.systemsPerCounty.b + 1),
  );
  const shape = 'classic';
  return {
    countyCodes,
    samplers: {
      perDept: new DurationSampler(inv.systemsPerDepartment, shape),
      perCounty: new DurationSampler(inv.systemsPerCounty, shape),
      vcpuPublic: new DurationSampler(inv.vcpuPublic, shape),
      vcpuAdmin: new DurationSampler(inv.vcpuAdmin, shape),
      busy: new DurationSampler(inv.vcpuBusyShare, shape),
      test: new DurationSampler(p.migration.testWindowDays, shape),
      growth: new DurationSampler(p.frontend.growthPerYear, shape),
    },
    maxSystems,
    scratch: {
      owner: new Int16Array(maxSystems),
      isPublic: new Uint8Array(maxSystems),
      retired: new Uint8Array(maxSystems),
      vcpu: new Float64Array(maxSystems),
      busy: new Float64Array(maxSystems),
      legacyServers: new Float64Array(maxSystems),
      legacyPowerW: new Float64Array(maxSystems),
      migratedDay: new Float64Array(maxSystems),
    },
  };
}

/**
 * First allowed cut-over day at or after `day`: the given weekday (2017-01-01 was a Sunday), outside freeze months.
 * @example
 * nextCutover(0.5, 6, new Uint8Array(13)) // => 6
 * // With January frozen (months are 1-based), the first Saturday in February 2017 (2017-02-04):
 * const freeze = new Uint8Array(13); freeze[1] = 1; nextCutover(0.5, 6, freeze) // => 34
 */
export function nextCutover(day: number, weekday: number, freeze: Uint8Array): number {
  let d = Math.ceil(day);
  d += (((weekday - (d % 7)) % 7) + 7) % 7;
  // At most 12 months of freeze can be skipped; a full-year freeze is rejected by the caller.
  while (freeze[calendarMonthOf(d)]) d += 7;
  return d;
}

const HOURS_PER_DAY = 24;

/**
 * Linear server power model P(u) = P_idle + (P_max − P_idle)·u (CloudSim PowerModelLinear).
 * @example
 * // Half-loaded HP ML110 G4: the SPECpower table says 102 W.
 * linearPowerW(0.5, 86, 117) // => 101.5
 */
export function linearPowerW(u: number, idleW: number, maxW: number): number {
  return idleW + (maxW - idleW) * u;
}

/**
 * One replication of the clouds model.
 * @example
 * import { cloudsParamsSchema } from './params.ts';
 * import { createRng } from '../lib/rng.ts';
 * const params = cloudsParamsSchema.parse({});
 * const job = { model: 'clouds', years: [2019], replication: 0, attempt: 1, seed: 1 };
 * const out = runClouds(params, prepareClouds(params, ['370302', '370303']), job, createRng(1));
 * const share = out.series.find((s) => s.metric === 'clouds.migratedShare' && s.entity === 'cloud:public');
 * // Monthly series: 60 of the 83 public-cloud systems had moved by January 2019, all by December.
 * [share.periods.length, share.values[0] * 83, share.values[11]] // => [12, 60, 1]
 */
export function runClouds(p: CloudsParams, inp: CloudsInputs, job: JobSpec, rng: Rng): ModelOutput {
  const inv = p.inventory;
  const S = inp.samplers;
  const { owner, isPublic, retired, vcpu, busy, legacyServers, legacyPowerW, migratedDay } = inp.scratch;
  const pw = p.power;

  // 1. Inventory: city departments' systems first (in department order), then each district's.
  let n = 0;
  const addSystem = (who: number) => {
    const pub = rng.next() < inv.publicShare;
    isPublic[n] = pub ? 1 : 0;
    owner[n] = who;
    retired[n] = rng.next() < inv.retireShare ? 1 : 0;
    const v = Math.max(1, Math.round((pub ? S.vcpuPublic : S.vcpuAdmin).sample(rng)));
    vcpu[n] = v;
    const b = S.busy.sample(rng);
    busy[n] = b;
    // Same workload on stand-alone servers run at the observed 5–10 % utilisation.
    const uLegacy = pw.legacyUtilisation.min + (pw.legacyUtilisation.max - pw.legacyUtilisation.min) * rng.next();
    const demandCores = v * b;
    const servers = Math.max(1, Math.ceil(demandCores / (pw.legacyCoresPerServer * uLegacy)));
    legacyServers[n] = servers;
    const uActual = demandCores / (servers * pw.legacyCoresPerServer);
    legacyPowerW[n] = servers * linearPowerW(uActual, pw.legacyIdleW, pw.legacyMaxW);
    n++;
  };
  for (let d = 0; d < inv.cityDepartments; d++) {
    const k = Math.round(S.perDept.sample(rng));
    for (let j = 0; j < k; j++) addSystem(0);
  }
  for (let c = 0; c < inp.countyCodes.length; c++) {
    const k = Math.round(S.perCounty.sample(rng));
    for (let j = 0; j < k; j++) addSystem(1 + c);
  }

  // 2. Migration: per cloud, lanes take systems in priority order (city first, then districts, each in list order).
  const freeze = new Uint8Array(13);
  for (const m of p.migration.freezeMonths) freeze[m] = 1;
  if (p.migration.freezeMonths.length >= 12 && new Set(p.migration.freezeMonths).size >= 12)
    throw new Error('clouds.migration.freezeMonths: every month is frozen; leave at least one month for cut-overs');
  const mig = p.migration;
  const laneFree: Float64Array[] = [new Float64Array(mig.lanesAdmin), new Float64Array(mig.lanesPublic)];
  const live = [dayOf(p.liveDates.admin), dayOf(p.liveDates.public)];
  laneFree[0]!.fill(live[0]!);
  laneFree[1]!.fill(live[1]!);
  // A cloud with nothing to migrate is "done" when it opens.
  const finishDay = [live[0]!, live[1]!];
  const passes = mig.cityFirst ? [0, 1] : [-1];
  migratedDay.fill(Infinity, 0, n);
  for (const pass of passes) {
    for (let i = 0; i < n; i++) {
      if (retired[i]) continue;
      if (pass === 0 && owner[i] !== 0) continue;
      if (pass === 1 && owner[i] === 0) continue;
      const k = isPublic[i]!;
      const lanes = laneFree[k]!;
      let best = 0;
      for (let l = 1; l < lanes.length; l++) if (lanes[l]! < lanes[best]!) best = l;
      const ready = lanes[best]! + S.test.sample(rng);
      const cut = nextCutover(ready, mig.cutoverWeekday, freeze);
      migratedDay[i] = cut;
      lanes[best] = cut + 1;
      if (cut > finishDay[k]!) finishDay[k] = cut;
    }
  }

  // 3. Monthly aggregates through difference arrays on the job's months.
  const { labels, firstMonth } = monthPeriods(job.years);
  const M = labels.length;
  const retireDay = dayOf(inv.retireDate);
  const retireMonth = Math.max(0, monthOfFinish(retireDay) + 1 - firstMonth); // retired systems are gone from the month after
  const idx = (day: number) => {
    const m = monthOfFinish(day) - firstMonth;
    return m < 0 ? 0 : m > M ? M : m;
  };
  // Per cloud k ∈ {0 admin, 1 public}: count, vCPU, RAM, demand cores, fees.
  const mk = () => new Float64Array(M + 1);
  const cnt = [mk(), mk()];
  const vc = [mk(), mk()];
  const dem = [mk(), mk()];
  const legServers = mk();
  const legPower = mk();
  const legDemand = mk();
  const cfServers = mk();
  const cfPower = mk();
  const downtimeS = mk();
  const ramPer = inv.ramGbPerVcpu;
  const toMigrate = [0, 0];
  const rm = Math.min(retireMonth, M);
  for (let i = 0; i < n; i++) {
    const end = retired[i] ? rm : M;
    // Counterfactual: stand-alone until retired (or forever).
    cfServers[0]! += legacyServers[i]!;
    cfServers[end]! -= legacyServers[i]!;
    cfPower[0]! += legacyPowerW[i]!;
    cfPower[end]! -= legacyPowerW[i]!;
    if (retired[i]) {
      legServers[0]! += legacyServers[i]!;
      legServers[end]! -= legacyServers[i]!;
      legPower[0]! += legacyPowerW[i]!;
      legPower[end]! -= legacyPowerW[i]!;
      legDemand[0]! += vcpu[i]! * busy[i]!;
      legDemand[end]! -= vcpu[i]! * busy[i]!;
      continue;
    }
    const k = isPublic[i]!;
    toMigrate[k]!++;
    const m = idx(migratedDay[i]!);
    // On the cloud from its cut-over month on (the month of cut-over counts as migrated at month end).
    cnt[k]![m]!++;
    vc[k]![m]! += vcpu[i]!;
    dem[k]![m]! += vcpu[i]! * busy[i]!;
    downtimeS[m]! += (vcpu[i]! * ramPer * 1024 * 16) / mig.bandwidthMbps;
    // Stand-alone until the month it moves (inclusive: it runs there until cut-over).
    const legEnd = Math.min(M, m + 1);
    legServers[0]! += legacyServers[i]!;
    legServers[legEnd]! -= legacyServers[i]!;
    legPower[0]! += legacyPowerW[i]!;
    legPower[legEnd]! -= legacyPowerW[i]!;
    legDemand[0]! += vcpu[i]! * busy[i]!;
    legDemand[legEnd]! -= vcpu[i]! * busy[i]!;
  }
  const cum = (a: Float64Array) => {
    for (let m = 1; m <= M; m++) a[m]! += a[m - 1]!;
    return a;
  };
  [cnt[0]!, cnt[1]!, vc[0]!, vc[1]!, dem[0]!, dem[1]!, legServers, legPower, legDemand, cfServers, cfPower].forEach(
    cum,
  );

  const h = p.hosts;
  const out = (len = M) => new Float64Array(len);
  const share = [out(), out()];
  const shareCity = out();
  const migrated = [out(), out()];
  const migratedCity = out();
  const hosts = [out(), out()];
  const hostsCity = out();
  const util = [out(), out()];
  const utilCity = out();
  const utilLegacy = out();
  const kwh = [out(), out()];
  const kwhLegacy = out();
  const kwhCity = out();
  const kwhStandalone = out();
  const fees = out();
  const costLegacy = out();
  const costCity = out();
  const costStandalone = out();
  const saving = out();
  const feServers = out();
  const fePWait = out();
  const legacyCount = out();
  const downtimeH = out();
  const liveMonth = [idx(live[0]!), idx(live[1]!)];
  const serverMonthCny = p.cost.legacyServerCny / p.cost.legacyLifeMonths + p.cost.legacyOpexCnyPerServerMonth;
  // Front end: actual growth drawn once; capacity re-planned each January for the year's planned peak.
  const fe = p.frontend;
  const g = S.growth.sample(rng);
  const loadAt = (day: number) =>
    ((fe.requestsPerDay2017 * Math.pow(1 + g, day / 365.2425) * fe.designHourShare) / 3600) * (fe.serviceTimeMs / 1000);
  let plannedC = 0;
  for (let m = 0; m < M; m++) {
    const gm = firstMonth + m;
    const hours = daysInMonth(gm) * HOURS_PER_DAY;
    let demandAll = 0;
    let hostsAll = 0;
    for (let k = 0; k < 2; k++) {
      share[k]![m] = toMigrate[k]! > 0 ? cnt[k]![m]! / toMigrate[k]! : 1;
      migrated[k]![m] = cnt[k]![m]!;
      let H = 0;
      if (m >= liveMonth[k]!) {
        const v = vc[k]![m]!;
        const byCpu = v / (h.coresPerHost * h.cpuOvercommit * h.targetUtilisation);
        const byRam = (v * ramPer) / (h.ramGbPerHost * h.ramOvercommit * h.ramTarget);
        H = Math.max(h.minHosts, Math.ceil(Math.max(byCpu, byRam) - 1e-9) + h.spareHosts);
      }
      hosts[k]![m] = H;
      const u = H > 0 ? Math.min(1, dem[k]![m]! / (H * h.coresPerHost)) : 0;
      util[k]![m] = u;
      kwh[k]![m] = H > 0 ? (pw.cloudPue * H * linearPowerW(u, pw.cloudIdleW, pw.cloudMaxW) * hours) / 1000 : 0;
      demandAll += dem[k]![m]!;
      hostsAll += H;
    }
    const totalToMigrate = toMigrate[0]! + toMigrate[1]!;
    shareCity[m] = totalToMigrate > 0 ? (cnt[0]![m]! + cnt[1]![m]!) / totalToMigrate : 1;
    migratedCity[m] = cnt[0]![m]! + cnt[1]![m]!;
    hostsCity[m] = hostsAll;
    utilCity[m] = hostsAll > 0 ? Math.min(1, demandAll / (hostsAll * h.coresPerHost)) : 0;
    legacyCount[m] = legServers[m]!;
    utilLegacy[m] = legServers[m]! > 0 ? legDemand[m]! / (legServers[m]! * pw.legacyCoresPerServer) : 0;
    kwhLegacy[m] = (pw.legacyPue * legPower[m]! * hours) / 1000;
    kwhCity[m] = kwh[0]![m]! + kwh[1]![m]! + kwhLegacy[m]!;
    kwhStandalone[m] = (pw.legacyPue * cfPower[m]! * hours) / 1000;
    fees[m] = (vc[0]![m]! + vc[1]![m]!) * (p.cost.cnyPerVcpuMonth + ramPer * p.cost.cnyPerGbRamMonth);
    costLegacy[m] = legServers[m]! * serverMonthCny + kwhLegacy[m]! * p.cost.electricityCnyPerKwh;
    costCity[m] = fees[m]! + costLegacy[m]!;
    costStandalone[m] = cfServers[m]! * serverMonthCny + kwhStandalone[m]! * p.cost.electricityCnyPerKwh;
    saving[m] = costStandalone[m]! > 0 ? 1 - costCity[m]! / costStandalone[m]! : 0;
    downtimeH[m] = downtimeS[m]! / 3600;
    const mStart = monthEndDay(gm - 1);
    if (m === 0 || gm % 12 === 0) {
      // January: size for the load expected at the end of the year from the load seen now and the planned growth.
      const planned = loadAt(mStart) * (1 + fe.plannedGrowthPerYear);
      plannedC = serversFor(planned, fe.pWaitTarget);
    }
    feServers[m] = plannedC;
    fePWait[m] = erlangC(plannedC, loadAt(monthEndDay(gm) - 1));
  }

  const series: SeriesOut[] = [];
  const push = (metric: string, entity: string, values: Float64Array) =>
    series.push({ metric, entity, periods: labels, values });
  const C = ['cloud:admin', 'cloud:public'];
  for (const k of [1, 0]) push('clouds.migratedShare', C[k]!, share[k]!);
  push('clouds.migratedShare', 'city', shareCity);
  for (const k of [1, 0]) push('clouds.systemsMigrated', C[k]!, migrated[k]!);
  push('clouds.systemsMigrated', 'city', migratedCity);
  for (const k of [1, 0]) push('clouds.hosts', C[k]!, hosts[k]!);
  push('clouds.hosts', 'city', hostsCity);
  for (const k of [1, 0]) push('clouds.utilisation', C[k]!, util[k]!);
  push('clouds.utilisation', 'city', utilCity);
  push('clouds.utilisation', 'standalone', utilLegacy);
  for (const k of [1, 0]) push('clouds.energyKwh', C[k]!, kwh[k]!);
  push('clouds.energyKwh', 'standalone', kwhLegacy);
  push('clouds.energyKwh', 'city', kwhCity);
  push('clouds.standaloneEnergyKwh', 'city', kwhStandalone);
  push('clouds.costCny', 'service', fees);
  push('clouds.costCny', 'standalone', costLegacy);
  push('clouds.costCny', 'city', costCity);
  push('clouds.standaloneCostCny', 'city', costStandalone);
  push('clouds.savingShare', 'city', saving);
  push('clouds.legacyServers', 'city', legacyCount);
  push('clouds.cutoverDowntimeH', 'city', downtimeH);
  push('clouds.frontendServers', 'city', feServers);
  push('clouds.frontendPWait', 'city', fePWait);
  const endLabel = [String(Math.max(...job.years))];
  const scalar = (metric: string, entity: string, v: number) =>
    series.push({ metric, entity, periods: endLabel, values: [v] });
  scalar('clouds.finishYear', 'cloud:public', decimalYear(finishDay[1]!));
  scalar('clouds.finishYear', 'cloud:admin', decimalYear(finishDay[0]!));
  scalar('clouds.finishYear', 'city', decimalYear(Math.max(finishDay[0]!, finishDay[1]!)));
  let nRetired = 0;
  for (let i = 0; i < n; i++) nRetired += retired[i]!;
  scalar('clouds.systems', 'city', n);
  scalar('clouds.systems', 'retired', nRetired);
  scalar('clouds.systems', 'cloud:public', toMigrate[1]!);
  scalar('clouds.systems', 'cloud:admin', toMigrate[0]!);
  scalar('clouds.frontendGrowthPerYear', 'city', g);
  return {
    series,
    artifacts:
      job.replication === 0
        ? {
            migrationYear: Float64Array.from(migratedDay.subarray(0, n), decimalYear),
            isPublic: isPublic.slice(0, n),
            owner: owner.slice(0, n),
          }
        : undefined,
  };
}
