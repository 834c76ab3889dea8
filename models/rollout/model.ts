/**
 * The rollout model: e-government extranet (3 levels × 2 domains, departmental networks merged in waves), village
 * access (5th level of the service platform), five-level platform links, online service items (A/B share), the
 * collaborative office system and the information-resource sharing platform. One job = one replication 2017–2021.
 *
 * Static structure (task network, pools, groups) is built once per worker in `prepareRollout`; `runRollout` samples
 * durations and gates, runs the serial schedule and turns finish days into monthly shares and finish dates.
 */
import type { Rng } from '../lib/rng.ts';
import type { JobSpec, ModelOutput, SeriesOut } from '../types.ts';
import { bassInverse } from './bass.ts';
import { serviceItemShares, slipDays } from './items.ts';
import { addMonthsDay, dayOf, decimalYear, monthEndDay, monthOfFinish, monthPeriods } from '../lib/calendar.ts';
import type { Hierarchy } from '../lib/divisions.ts';
import { DurationSampler } from '../lib/pert.ts';
import type { RolloutParams } from './params.ts';
import {
  allocSchedule,
  buildGraph,
  type FundingPlan,
  scheduleSerial,
  type ScheduleOut,
  type TaskGraph,
} from './schedule.ts';

/** Task kinds in the network. */
export const KIND = {
  corePub: 0,
  coreAdmin: 1,
  dept: 2,
  countyPub: 3,
  countyAdmin: 4,
  townPub: 5,
  townAdmin: 6,
  village: 7,
} as const;
const KIND_NAMES = [
  'core public domain',
  'core administrative domain',
  'department merge',
  'county public domain',
  'county administrative domain',
  'town public domain',
  'town administrative domain',
  'village access',
];
/** Duration class of each kind (index into the samplers). */
const KIND_CLASS = [0, 0, 1, 2, 2, 3, 3, 4];
const CLASS_KEYS = ['coreDomain', 'department', 'countyDomain', 'townDomain', 'village'] as const;

/** Months on the internal grid: 2017-01 … 2030-12, so finish dates past the plan period are still found. */
export const GRID_MONTHS = 14 * 12;
/** Decimal year reported for "not before the end of the grid". */
export const BEYOND_GRID_YEAR = 2031;
const DAYS_PER_MONTH = 365.2425 / 12;

/** Everything `runRollout` needs that does not change between replications. */
export interface RolloutInputs {
  hierarchy: Hierarchy;
  graph: TaskGraph;
  kind: Uint8Array;
  /** County index of each task (−1 for city tasks). */
  county: Int16Array;
  /** Global town index of each town/village task (−1 otherwise). */
  town: Int32Array;
  /** Task ids: core tasks, departments, county pub/admin, town pub/admin, first village of each town. */
  ids: {
    corePub: number;
    coreAdmin: number;
    dept0: number;
    countyPub: Int32Array;
    countyAdmin: Int32Array;
    townPub: Int32Array;
    townAdmin: Int32Array;
    village0: number;
  };
  nDept: number;
  nCounty: number;
  nTown: number;
  nVillage: number;
  /** County of each town, towns per county, villages per county. */
  townCounty: Int16Array;
  townsPerCounty: Int32Array;
  villagesPerCounty: Int32Array;
  samplers: DurationSampler[];
  connectSampler: DurationSampler;
  funding: FundingPlan;
  /** Scratch buffers reused by every replication in this worker (run() is synchronous, so no sharing issue). */
  scratch: {
    dur: Float64Array;
    gate: Float64Array;
    sched: ScheduleOut;
    order: Uint32Array;
    crewFree: Float64Array;
    connect: Float64Array;
    sortBuf: Float64Array;
    hist: MonthHist;
  };
}

/**
 * Build the static task network for a hierarchy and parameters.
 * @example
 * import { rolloutParamsSchema } from './params.ts';
 * import { loadHierarchy } from '../lib/divisions.ts';
 * // Zibo's 8 districts, 88 towns and 2,931 villages with the default 60 departments: 3,185 tasks.
 * const inputs = prepareRollout(rolloutParamsSchema.parse({}), loadHierarchy());
 * [inputs.nCounty, inputs.nTown, inputs.nVillage, inputs.nDept, inputs.kind.length] // => [8, 88, 2931, 60, 3185]
 */
export function prepareRollout(p: RolloutParams, h: Hierarchy): RolloutInputs {
  const nCounty = h.counties.length;
  const nDept = p.departments.count;
  let nTown = 0;
  let nVillage = 0;
  for (const c of h.counties) {
    nTown += c.towns.length;
    for (const t of c.towns) nVillage += t.villages;
  }
  const n = 2 + nDept + 2 * nCounty + 2 * nTown + nVillage;
  const gen: number[] = new Array(n);
  const pool: number[] = new Array(n);
  const pred1: number[] = new Array(n).fill(-1);
  const pred2: number[] = new Array(n).fill(-1);
  const lag1: number[] = new Array(n).fill(0);
  const lag2: number[] = new Array(n).fill(0);
  const release: number[] = new Array(n);
  const costCny: number[] = new Array(n);
  const kind = new Uint8Array(n);
  const county = new Int16Array(n).fill(-1);
  const town = new Int32Array(n).fill(-1);
  const start = dayOf(p.startDate);
  const villageStart = Math.max(start, dayOf(p.villages.startDate));
  const L = p.lagsDays;
  const cost = p.funding.unitCostCny;
  const unitCost = [
    cost.coreDomain,
    cost.coreDomain,
    cost.department,
    cost.countyDomain,
    cost.countyDomain,
    cost.townDomain,
    cost.townDomain,
    cost.village,
  ];
  let k = 0;
  const add = (kd: number, g: number, pl: number, rel: number, c = -1, tw = -1): number => {
    kind[k] = kd;
    gen[k] = g;
    pool[k] = pl;
    release[k] = rel;
    costCny[k] = unitCost[kd]!;
    county[k] = c;
    town[k] = tw;
    return k++;
  };
  const corePub = add(KIND.corePub, 0, 0, start);
  const coreAdmin = add(KIND.coreAdmin, 1, 0, start);
  pred1[coreAdmin] = corePub;
  lag1[coreAdmin] = L.adminAfterPublic;
  const dept0 = k;
  for (let d = 0; d < nDept; d++) {
    const wave = Math.floor((d * p.departments.waves) / Math.max(1, nDept));
    const rel = Math.max(start, addMonthsDay(p.departments.firstWaveDate, wave * p.departments.waveIntervalMonths));
    const i = add(KIND.dept, 2, 0, rel);
    pred1[i] = coreAdmin;
    lag1[i] = L.department;
  }
  const countyPub = new Int32Array(nCounty);
  const countyAdmin = new Int32Array(nCounty);
  const townPub = new Int32Array(nTown);
  const townAdmin = new Int32Array(nTown);
  const townCounty = new Int16Array(nTown);
  const townsPerCounty = new Int32Array(nCounty);
  const villagesPerCounty = new Int32Array(nCounty);
  // Pools: 0 city; 1 + c county/town crews of county c; 1 + nCounty + c village crews of county c.
  for (let c = 0; c < nCounty; c++) {
    const cp = add(KIND.countyPub, 1, 1 + c, start, c);
    pred1[cp] = corePub;
    lag1[cp] = L.county;
    const ca = add(KIND.countyAdmin, 2, 1 + c, start, c);
    pred1[ca] = coreAdmin;
    lag1[ca] = L.county;
    pred2[ca] = cp;
    lag2[ca] = L.adminAfterPublic;
    countyPub[c] = cp;
    countyAdmin[c] = ca;
  }
  let ti = 0;
  for (let c = 0; c < nCounty; c++) {
    const cty = h.counties[c]!;
    townsPerCounty[c] = cty.towns.length;
    for (const t of cty.towns) {
      const tp = add(KIND.townPub, 2, 1 + c, start, c, ti);
      pred1[tp] = countyPub[c]!;
      lag1[tp] = L.town;
      const ta = add(KIND.townAdmin, 3, 1 + c, start, c, ti);
      pred1[ta] = countyAdmin[c]!;
      lag1[ta] = L.town;
      pred2[ta] = tp;
      lag2[ta] = L.adminAfterPublic;
      townPub[ti] = tp;
      townAdmin[ti] = ta;
      townCounty[ti] = c;
      villagesPerCounty[c]! += t.villages;
      ti++;
    }
  }
  const village0 = k;
  ti = 0;
  for (let c = 0; c < nCounty; c++) {
    for (const t of h.counties[c]!.towns) {
      for (let v = 0; v < t.villages; v++) {
        // Generation 4: village access is ordered after every 3-level task (the plan's 2018 target comes first for money).
        const i = add(KIND.village, 4, 1 + nCounty + c, villageStart, c, ti);
        pred1[i] = townPub[ti]!;
        lag1[i] = L.village;
      }
      ti++;
    }
  }
  if (k !== n) throw new Error(`internal: built ${k} tasks, expected ${n}`);
  const codes = h.counties.map((c) => c.code);
  for (const code of Object.keys(p.crews.countyOverrides)) {
    if (!codes.includes(code))
      throw new Error(
        `rollout.crews.countyOverrides: "${code}" is not a county of the division tree; use one of ${codes.join(', ')}`,
      );
  }
  const over = (c: number) => p.crews.countyOverrides[codes[c]!] ?? {};
  const poolCrews = [p.crews.city];
  for (let c = 0; c < nCounty; c++) poolCrews.push(over(c).perCounty ?? p.crews.perCounty);
  for (let c = 0; c < nCounty; c++) poolCrews.push(over(c).villagePerCounty ?? p.crews.villagePerCounty);
  const graph = buildGraph({ gen, pool, pred1, pred2, lag1, lag2, release, costCny, poolCrews });
  const samplers = CLASS_KEYS.map((key) => new DurationSampler(p.durationsDays[key], p.durationShape));
  const connectSampler = new DurationSampler(p.sharing.connectMonths, p.durationShape);
  const funding = makeFunding(p);
  const totalCrews = graph.poolOff[graph.poolCrews.length]!;
  const nShare = nDept + nCounty * p.sharing.countyDepartments;
  return {
    hierarchy: h,
    graph,
    kind,
    county,
    town,
    ids: { corePub, coreAdmin, dept0, countyPub, countyAdmin, townPub, townAdmin, village0 },
    nDept,
    nCounty,
    nTown,
    nVillage,
    townCounty,
    townsPerCounty,
    villagesPerCounty,
    samplers,
    connectSampler,
    funding,
    scratch: {
      dur: new Float64Array(n),
      gate: new Float64Array(n),
      sched: allocSchedule(n),
      order: new Uint32Array(n),
      crewFree: new Float64Array(totalCrews),
      connect: new Float64Array(nShare),
      sortBuf: new Float64Array(Math.max(1, p.sharing.countyDepartments)),
      hist: new MonthHist(histRows(nCounty).count),
    },
  };
}

/**
 * Funding plan from the scenario: tranche dates shifted by `delayMonths`, cumulative budget, repeating last tranche.
 * @example
 * // Only the scenario's `funding` section is read: two tranches, released six months late.
 * const tranches = [{ date: '2018-03-01', amountCny: 8e6 }, { date: '2017-03-01', amountCny: 12e6 }];
 * const plan = makeFunding({ funding: { tranches, delayMonths: 6, repeatEveryMonths: 12 } });
 * plan.cumBudgetCny // => Float64Array.of(12e6, 20e6)
 * // Days since 2017-01-01 of 2017-09-01 and 2018-09-01; the last tranche repeats.
 * [plan.releaseDay, plan.repeatCny] // => [Float64Array.of(243, 608), 8000000]
 */
export function makeFunding(p: RolloutParams): FundingPlan {
  const tr = [...p.funding.tranches].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const releaseDay = new Float64Array(tr.length);
  const cumBudgetCny = new Float64Array(tr.length);
  let cum = 0;
  tr.forEach((t, j) => {
    releaseDay[j] = addMonthsDay(t.date, p.funding.delayMonths);
    cum += t.amountCny;
    cumBudgetCny[j] = cum;
  });
  // The last tranche repeats (or the largest, when the last is 0). No money at all is a legal what-if: nothing that
  // costs money is ever funded (fundedAt returns Infinity) and the works never start.
  const last = tr.length ? tr[tr.length - 1]!.amountCny : 0;
  const repeatCny = last > 0 ? last : Math.max(0, ...tr.map((t) => t.amountCny));
  return { releaseDay, cumBudgetCny, repeatCny, repeatEveryDays: p.funding.repeatEveryMonths * DAYS_PER_MONTH };
}

/** Counts finish months into histogram rows of GRID_MONTHS + 1 bins (the last bin = beyond the grid). */
class MonthHist {
  readonly rows: number;
  readonly data: Float64Array;
  constructor(rows: number) {
    this.rows = rows;
    this.data = new Float64Array(rows * (GRID_MONTHS + 1));
  }
  clear(): void {
    this.data.fill(0);
  }
  add(row: number, day: number): void {
    let m = monthOfFinish(day);
    if (m > GRID_MONTHS) m = GRID_MONTHS;
    this.data[row * (GRID_MONTHS + 1) + m]!++;
  }
  /** Cumulative share of `denom` done by the end of each grid month, written to `out` (length GRID_MONTHS). */
  share(row: number, denom: number, out: Float64Array): Float64Array {
    const o = row * (GRID_MONTHS + 1);
    let cum = 0;
    for (let m = 0; m < GRID_MONTHS; m++) {
      cum += this.data[o + m]!;
      out[m] = denom > 0 ? cum / denom : 1;
    }
    return out;
  }
}

/** Decimal year of the end of the first grid month where `share` reaches `threshold` (BEYOND_GRID_YEAR if never). */
function reachYear(share: Float64Array, threshold: number): number {
  for (let m = 0; m < GRID_MONTHS; m++) if (share[m]! >= threshold - 1e-12) return decimalYear(monthEndDay(m));
  return BEYOND_GRID_YEAR;
}

/**
 * One replication of the rollout model.
 *
 * Data layout: tasks are indexed 0 … graph.n − 1 in the order prepareRollout builds them — the two core domains
 * (ids.corePub, ids.coreAdmin), nDept department merges from ids.dept0, the county public/admin domains
 * (ids.countyPub[c], ids.countyAdmin[c]), the town domains (ids.townPub[t], ids.townAdmin[t]) and nVillage village
 * accesses from ids.village0; per task: kind, county (−1 = city) and, after the schedule, sched.finish (= finishDay,
 * days since 2017-01-01). Scratch buffers (durations, gates, schedule, histogram) are reused by every replication of
 * a worker and fully rewritten here. Counting: one histogram row per reported group (histRows), GRID_MONTHS + 1
 * monthly bins each (last bin = beyond the grid); shares are cumulative bins over the group's unit count.
 * Invariants: the RNG is drawn in a fixed order — common duration factor, one duration per task in task order, one
 * connection day per sharing entry, one switch-over per collaborative-office unit, then two draws per county for the
 * online services — so a what-if that changes no count draws the same numbers (common random numbers across
 * scenarios, whatifs.test.ts); every share is in [0, 1], and the histogram shares are nondecreasing in time.
 * @example
 * import { rolloutParamsSchema } from './params.ts';
 * import { loadHierarchy } from '../lib/divisions.ts';
 * import { createRng } from '../lib/rng.ts';
 * const params = rolloutParamsSchema.parse({});
 * const job = { model: 'rollout', years: [2017, 2018], replication: 0, attempt: 1, seed: 1 };
 * const out = runRollout(params, prepareRollout(params, loadHierarchy()), job, createRng(1));
 * const live = out.series.find((s) => s.metric === 'extranet.liveShare' && s.entity === 'city');
 * // Monthly over both years: the extranet's first share goes live in December 2017, all of it by December 2018.
 * [live.periods.length, live.values[10], live.values[11], live.values[23]] // => [24, 0, 1 / 157, 1]
 */
export function runRollout(p: RolloutParams, inp: RolloutInputs, job: JobSpec, rng: Rng): ModelOutput {
  const { graph, scratch, ids, nDept, nCounty, nTown, nVillage } = inp;
  const { dur, gate, sched } = scratch;

  // 1. Durations; 2. sharing-platform connection days and the gates they put on tasks.
  drawDurations(p, inp, rng);
  const countyDepts = drawSharingGates(p, inp, rng);
  const connect = scratch.connect;
  const nShare = connect.length;

  // 3. Serial schedule generation under crews and funding.
  scheduleSerial(graph, dur, gate, inp.funding, sched, scratch.order, scratch.crewFree);
  const finishDay = sched.finish;

  // 4. Node live days and histograms.
  const rows = histRows(nCounty);
  const hist = scratch.hist;
  hist.clear();
  const platLag = p.lagsDays.platform;
  const linked = new Set(p.platform.linkedAtStart);
  const coreLive = Math.max(finishDay[ids.corePub]!, finishDay[ids.coreAdmin]!);
  hist.add(rows.extCity, coreLive);
  hist.add(rows.extLCity, coreLive);
  hist.add(rows.extPub, finishDay[ids.corePub]!);
  hist.add(rows.extAdmin, finishDay[ids.coreAdmin]!);
  let deptDone = -Infinity;
  for (let d = 0; d < nDept; d++) {
    const f = finishDay[ids.dept0 + d]!;
    hist.add(rows.extCity, f);
    hist.add(rows.extLCity, f);
    hist.add(rows.dept, f);
    if (f > deptDone) deptDone = f;
  }
  const provinceDay = linked.has('province') ? 0 : dayOf(p.platform.provinceLinkDate);
  const cityPlatDay = linked.has('city') ? 0 : finishDay[ids.corePub]! + platLag;
  hist.add(rows.platProv, provinceDay);
  hist.add(rows.platAll, provinceDay);
  hist.add(rows.platCity, cityPlatDay);
  hist.add(rows.platAll, cityPlatDay);
  const countyLive = new Float64Array(nCounty);
  const countyPlat = new Float64Array(nCounty);
  const countyVillageDone = new Float64Array(nCounty).fill(-Infinity);
  const countyExtDone = new Float64Array(nCounty);
  for (let c = 0; c < nCounty; c++) {
    const live = Math.max(finishDay[ids.countyPub[c]!]!, finishDay[ids.countyAdmin[c]!]!);
    countyLive[c] = live;
    countyExtDone[c] = live;
    hist.add(rows.extCity, live);
    hist.add(rows.extLCounty, live);
    hist.add(rows.extCounty + c, live);
    hist.add(rows.extPub, finishDay[ids.countyPub[c]!]!);
    hist.add(rows.extAdmin, finishDay[ids.countyAdmin[c]!]!);
    const pl = linked.has('county') ? 0 : finishDay[ids.countyPub[c]!]! + platLag;
    countyPlat[c] = pl;
    hist.add(rows.platCounty, pl);
    hist.add(rows.platAll, pl);
    hist.add(rows.platCountyCode + c, pl);
    hist.add(rows.supplyCounty + c, pl);
  }
  let townDone = -Infinity;
  for (let t = 0; t < nTown; t++) {
    const c = inp.townCounty[t]!;
    const pub = finishDay[ids.townPub[t]!]!;
    const live = Math.max(pub, finishDay[ids.townAdmin[t]!]!);
    if (live > townDone) townDone = live;
    if (live > countyExtDone[c]!) countyExtDone[c] = live;
    hist.add(rows.extCity, live);
    hist.add(rows.extLTown, live);
    hist.add(rows.extCounty + c, live);
    hist.add(rows.extPub, pub);
    hist.add(rows.extAdmin, finishDay[ids.townAdmin[t]!]!);
    const pl = pub + platLag;
    hist.add(rows.platTown, pl);
    hist.add(rows.platAll, pl);
    hist.add(rows.platCountyCode + c, pl);
    hist.add(rows.supplyTown + c, pl);
  }
  let villageDone = -Infinity;
  for (let v = 0; v < nVillage; v++) {
    const i = ids.village0 + v;
    const c = inp.county[i]!;
    const f = finishDay[i]!;
    if (f > villageDone) villageDone = f;
    if (f > countyVillageDone[c]!) countyVillageDone[c] = f;
    hist.add(rows.extLVillage, f);
    hist.add(rows.platVillage, f);
    hist.add(rows.platAll, f);
    hist.add(rows.platCountyCode + c, f);
    hist.add(rows.supplyVillage + c, f);
  }
  // Sharing platform connections.
  let shareDone = -Infinity;
  for (let j = 0; j < nShare; j++) {
    const f = connect[j]!;
    if (f > shareDone) shareDone = f;
    hist.add(rows.shareAll, f);
    if (j < nDept) hist.add(rows.shareCity, f);
    else hist.add(rows.shareCounty + Math.floor((j - nDept) / countyDepts), f);
  }
  // Collaborative office: each unit's switch-over time drawn from the Bass curve (inverse CDF), months after trial start.
  const nUnits = nDept + nCounty + nTown;
  const collab0 = dayOf(p.collab.trialStartDate);
  let collabDone = -Infinity;
  for (let u = 0; u < nUnits; u++) {
    const f = collab0 + bassInverse(rng.next(), p.collab.pPerMonth, p.collab.qPerMonth) * DAYS_PER_MONTH;
    if (f > collabDone) collabDone = f;
    hist.add(rows.collab, f);
  }

  // 5. Shares on the monthly grid.
  const shareRow = (r: number, denom: number) => hist.share(r, denom, new Float64Array(GRID_MONTHS));
  const nExtranetUnits = 1 + nDept + nCounty + nTown;
  const nPlat = 2 + nCounty + nTown + nVillage;
  const ext = {
    city: shareRow(rows.extCity, nExtranetUnits),
    lcity: shareRow(rows.extLCity, 1 + nDept),
    lcounty: shareRow(rows.extLCounty, nCounty),
    ltown: shareRow(rows.extLTown, nTown),
    lvillage: shareRow(rows.extLVillage, nVillage),
    pub: shareRow(rows.extPub, 1 + nCounty + nTown),
    admin: shareRow(rows.extAdmin, 1 + nCounty + nTown),
    dept: shareRow(rows.dept, nDept),
  };
  const plat = {
    province: shareRow(rows.platProv, 1),
    city: shareRow(rows.platCity, 1),
    county: shareRow(rows.platCounty, nCounty),
    town: shareRow(rows.platTown, nTown),
    village: shareRow(rows.platVillage, nVillage),
    all: shareRow(rows.platAll, nPlat),
  };

  // 6. Online services: demand curve per district capped by the interlinked supply.
  const { svc, svcMean, svcCity } = onlineServiceShares(p, inp, hist, rows, rng);

  const shareAll = shareRow(rows.shareAll, nShare);
  const shareCity = shareRow(rows.shareCity, nDept);
  const collab = shareRow(rows.collab, nUnits);

  // 7. Series for the job's months.
  const { labels, firstMonth } = monthPeriods(job.years);
  const nm = labels.length;
  const series: SeriesOut[] = [];
  const push = (metric: string, entity: string, arr: Float64Array) =>
    series.push({ metric, entity, periods: labels, values: arr.slice(firstMonth, firstMonth + nm) });
  push('extranet.liveShare', 'city', ext.city);
  push('extranet.liveShare', 'level:city', ext.lcity);
  push('extranet.liveShare', 'level:county', ext.lcounty);
  push('extranet.liveShare', 'level:town', ext.ltown);
  push('extranet.liveShare', 'level:village', ext.lvillage);
  push('extranet.liveShare', 'domain:public', ext.pub);
  push('extranet.liveShare', 'domain:admin', ext.admin);
  push('extranet.departmentsMergedShare', 'city', ext.dept);
  const counties = inp.hierarchy.counties;
  for (let c = 0; c < nCounty; c++)
    push('extranet.liveShare', counties[c]!.code, shareRow(rows.extCounty + c, 1 + inp.townsPerCounty[c]!));
  push('platform.liveShare', 'level:province', plat.province);
  push('platform.liveShare', 'level:city', plat.city);
  push('platform.liveShare', 'level:county', plat.county);
  push('platform.liveShare', 'level:town', plat.town);
  push('platform.liveShare', 'level:village', plat.village);
  push('platform.liveShare', 'city', plat.all);
  for (let c = 0; c < nCounty; c++)
    push(
      'platform.liveShare',
      counties[c]!.code,
      shareRow(rows.platCountyCode + c, 1 + inp.townsPerCounty[c]! + inp.villagesPerCounty[c]!),
    );
  push('services.onlineShare', 'city', svcCity);
  push('services.onlineShare', 'level:county', svcMean);
  for (let c = 0; c < nCounty; c++) push('services.onlineShare', counties[c]!.code, svc[c]!);
  push('collab.liveShare', 'city', collab);
  push('sharing.connectedShare', 'city', shareAll);
  push('sharing.connectedShare', 'level:city', shareCity);
  if (countyDepts > 0)
    for (let c = 0; c < nCounty; c++)
      push('sharing.connectedShare', counties[c]!.code, shareRow(rows.shareCounty + c, countyDepts));

  // Finish dates (decimal years) and waits: one value per replication, reported in the last simulated year.
  const endLabel = [String(Math.max(...job.years))];
  const scalar = (metric: string, entity: string, v: number) =>
    series.push({ metric, entity, periods: endLabel, values: [v] });
  const threeLevelDone = Math.max(coreLive, deptDone, ...countyLive, townDone);
  scalar('extranet.finishYear', 'city', decimalYear(threeLevelDone));
  scalar('extranet.finishYear', 'level:city', decimalYear(Math.max(coreLive, deptDone)));
  scalar('extranet.finishYear', 'level:county', decimalYear(Math.max(...countyLive)));
  scalar('extranet.finishYear', 'level:town', decimalYear(townDone));
  scalar('extranet.finishYear', 'level:village', decimalYear(villageDone));
  let pubDone = finishDay[ids.corePub]!;
  let adminDone = finishDay[ids.coreAdmin]!;
  for (let c = 0; c < nCounty; c++) {
    pubDone = Math.max(pubDone, finishDay[ids.countyPub[c]!]!);
    adminDone = Math.max(adminDone, finishDay[ids.countyAdmin[c]!]!);
  }
  for (let t = 0; t < nTown; t++) {
    pubDone = Math.max(pubDone, finishDay[ids.townPub[t]!]!);
    adminDone = Math.max(adminDone, finishDay[ids.townAdmin[t]!]!);
  }
  scalar('extranet.finishYear', 'domain:public', decimalYear(pubDone));
  scalar('extranet.finishYear', 'domain:admin', decimalYear(adminDone));
  for (let c = 0; c < nCounty; c++) scalar('extranet.finishYear', counties[c]!.code, decimalYear(countyExtDone[c]!));
  let townPlatDone = -Infinity;
  for (let t = 0; t < nTown; t++) townPlatDone = Math.max(townPlatDone, finishDay[ids.townPub[t]!]! + platLag);
  scalar('platform.finishYear', 'level:town', decimalYear(townPlatDone));
  scalar('platform.finishYear', 'level:village', decimalYear(villageDone));
  for (let c = 0; c < nCounty; c++)
    scalar('platform.finishYear', counties[c]!.code, decimalYear(Math.max(countyVillageDone[c]!, countyPlat[c]!)));
  scalar('services.reach90Year', 'level:county', reachYear(svcMinOver(svc), 0.9));
  scalar('services.reach100Year', 'level:county', reachYear(svcMinOver(svc), 0.995));
  for (let c = 0; c < nCounty; c++) {
    scalar('services.reach90Year', counties[c]!.code, reachYear(svc[c]!, 0.9));
    scalar('services.reach100Year', counties[c]!.code, reachYear(svc[c]!, 0.995));
  }
  scalar('collab.finishYear', 'city', decimalYear(collabDone));
  scalar('sharing.finishYear', 'city', decimalYear(shareDone));
  // Why three-level tasks waited: mean days of waiting for money, for crews, and for the sharing rule.
  const { wFund, wCrew, wShare, nThreeLevelTasks } = waitCauses(inp, gate, sched);
  scalar('extranet.waitDays', 'cause:funding', wFund / nThreeLevelTasks);
  scalar('extranet.waitDays', 'cause:crews', wCrew / nThreeLevelTasks);
  scalar('extranet.waitDays', 'cause:sharing', wShare / nThreeLevelTasks);

  const artifacts =
    job.replication === 0
      ? {
          towns: {
            codes: inp.hierarchy.counties.flatMap((c) => c.towns.map((t) => t.code)),
            extranetLiveYear: Float64Array.from({ length: nTown }, (_, t) =>
              decimalYear(Math.max(finishDay[ids.townPub[t]!]!, finishDay[ids.townAdmin[t]!]!)),
            ),
          },
          counties: {
            codes: counties.map((c) => c.code),
            villagesDoneYear: Float64Array.from(countyVillageDone, (d) => decimalYear(d)),
          },
        }
      : undefined;
  return { series, artifacts };
}

/** Step 1: task durations (scratch.dur), a programme-wide factor (mean 1) times independent PERT draws per task. */
function drawDurations(p: RolloutParams, inp: RolloutInputs, rng: Rng): void {
  const { kind, scratch } = inp;
  const dur = scratch.dur;
  const n = inp.graph.n;
  const s = p.durationCommonSigma;
  const common = Math.exp(s * rng.normal() - (s * s) / 2);
  for (let i = 0; i < n; i++) dur[i] = common * inp.samplers[KIND_CLASS[kind[i]!]!]!.sample(rng);
}

/**
 * Step 2, the sharing platform: connection day of each city department, then of each county's departments
 * (scratch.connect: nDept city entries, then countyDepts per county), and the sharing gate of every task
 * (scratch.gate: the earliest start the "no sharing, no approval" rule allows; −∞ = none). Returns countyDepts.
 */
function drawSharingGates(p: RolloutParams, inp: RolloutInputs, rng: Rng): number {
  const { kind, scratch, ids, nDept, nCounty } = inp;
  const { gate, connect } = scratch;
  const n = inp.graph.n;
  const sharing = p.sharing;
  const speed = sharing.speedFactor[sharing.rule];
  const shareStart = dayOf(sharing.startDate);
  const nShare = connect.length;
  for (let j = 0; j < nShare; j++) connect[j] = shareStart + speed * inp.connectSampler.sample(rng) * DAYS_PER_MONTH;
  gate.fill(-Infinity);
  if (sharing.rule !== 'off') for (let d = 0; d < nDept; d++) gate[ids.dept0 + d] = connect[d]!;
  const countyDepts = sharing.countyDepartments;
  if (sharing.rule === 'strict' && countyDepts > 0) {
    // A county's domain and town tasks wait until the required share of its departments is connected.
    const need = Math.max(1, Math.ceil(sharing.strictCountyShare * countyDepts));
    for (let c = 0; c < nCounty; c++) {
      const buf = scratch.sortBuf;
      buf.set(connect.subarray(nDept + c * countyDepts, nDept + (c + 1) * countyDepts));
      buf.sort();
      const g = buf[need - 1]!;
      for (let i = 0; i < n; i++) {
        const kd = kind[i]!;
        if (inp.county[i] === c && kd >= KIND.countyPub && kd <= KIND.townAdmin) gate[i] = g;
      }
    }
  }
  return countyDepts;
}

/**
 * Step 6, online services: per district a finite set of service items (items.ts) — anchor share at the end of 2017,
 * then each remaining item switches at a time drawn from the Bass or linear curve with a district speed factor, or
 * by a mandate deadline plus the district's slip — capped by the supply of interlinked platform levels; the
 * city-level share is a ramp to 1 at the end of 2017. Monthly shares on the grid. Draws per district, in this order:
 * anchor, speed factor, mandate slip (always drawn), one uniform per remaining item.
 */
function onlineServiceShares(
  p: RolloutParams,
  inp: RolloutInputs,
  hist: MonthHist,
  rows: HistRows,
  rng: Rng,
): { svc: Float64Array[]; svcMean: Float64Array; svcCity: Float64Array } {
  const nCounty = inp.nCounty;
  const sv = p.services;
  const w = p.platform.itemWeights;
  const end2017 = monthEndDay(11);
  const svc: Float64Array[] = [];
  const svcMean = new Float64Array(GRID_MONTHS);
  const tmpC = new Float64Array(GRID_MONTHS);
  const tmpT = new Float64Array(GRID_MONTHS);
  const tmpV = new Float64Array(GRID_MONTHS);
  const counts = new Float64Array(GRID_MONTHS + 1);
  const mandateDay = sv.mandate ? dayOf(sv.mandate.date) : Infinity;
  for (let c = 0; c < nCounty; c++) {
    const anchor =
      sv.districtShareEnd2017.min + (sv.districtShareEnd2017.max - sv.districtShareEnd2017.min) * rng.next();
    const f = Math.exp(sv.districtSigma * rng.normal() - (sv.districtSigma * sv.districtSigma) / 2);
    const slip = slipDays(rng.next(), sv.mandate?.slipMeanMonths ?? 0);
    hist.share(rows.supplyCounty + c, 1, tmpC);
    hist.share(rows.supplyTown + c, inp.townsPerCounty[c]!, tmpT);
    hist.share(rows.supplyVillage + c, inp.villagesPerCounty[c]!, tmpV);
    const out = new Float64Array(GRID_MONTHS);
    const curve = {
      curve: sv.curve,
      pPerYear: sv.bassPPerYear * f,
      qPerYear: sv.bassQPerYear * f,
      linearRatePerYear: sv.linearRatePerYear * f,
    };
    const mandate = sv.mandate ? { deadlineDay: mandateDay, slipDays: slip } : null;
    serviceItemShares(sv.itemsPerDistrict, anchor, sv.districtShareJan2017, end2017, curve, mandate, rng, counts, out);
    for (let m = 0; m < GRID_MONTHS; m++) {
      const supply = w.county * tmpC[m]! + w.town * tmpT[m]! + w.village * tmpV[m]!;
      if (supply < out[m]!) out[m] = supply;
      svcMean[m]! += out[m]! / nCounty;
    }
    svc.push(out);
  }
  const svcCity = new Float64Array(GRID_MONTHS);
  for (let m = 0; m < GRID_MONTHS; m++) {
    const t = monthEndDay(m);
    svcCity[m] = t >= end2017 ? 1 : sv.cityShareJan2017 + ((1 - sv.cityShareJan2017) * t) / end2017;
  }
  return { svc, svcMean, svcCity };
}

/**
 * Why three-level (non-village) tasks waited, summed over them in days: for money (funded − ready), for crews
 * (start − max(ready, funded)) and for the sharing rule (gate beyond release and predecessors' finish + lag).
 */
function waitCauses(
  inp: RolloutInputs,
  gate: Float64Array,
  sched: ScheduleOut,
): { wFund: number; wCrew: number; wShare: number; nThreeLevelTasks: number } {
  const { graph, kind } = inp;
  const finishDay = sched.finish;
  let wFund = 0;
  let wCrew = 0;
  let wShare = 0;
  let nThreeLevelTasks = 0;
  for (let i = 0; i < graph.n; i++) {
    if (kind[i] === KIND.village) continue;
    nThreeLevelTasks++;
    const ready = sched.ready[i]!;
    const funded = sched.fundedDay[i]!;
    wFund += Math.max(0, funded - ready);
    wCrew += Math.max(0, sched.start[i]! - Math.max(ready, funded));
    if (gate[i]! > -Infinity) {
      let r = graph.release[i]!;
      const p1 = graph.pred1[i]!;
      if (p1 >= 0) r = Math.max(r, finishDay[p1]! + graph.lag1[i]!);
      const p2 = graph.pred2[i]!;
      if (p2 >= 0) r = Math.max(r, finishDay[p2]! + graph.lag2[i]!);
      wShare += Math.max(0, gate[i]! - r);
    }
  }
  return { wFund, wCrew, wShare, nThreeLevelTasks };
}

/** Month by month minimum over districts (all districts at or above a threshold). */
function svcMinOver(svc: Float64Array[]): Float64Array {
  const out = new Float64Array(GRID_MONTHS).fill(1);
  for (const s of svc) for (let m = 0; m < GRID_MONTHS; m++) if (s[m]! < out[m]!) out[m] = s[m]!;
  return out;
}

/** Histogram row ids by group. */
type HistRows = ReturnType<typeof histRows>;

/**
 * Row ids of the finish-month histogram (MonthHist): one row per reported group (a level, a domain, a county, ...);
 * per-county groups take nCounty consecutive rows from their base id. `count` = rows in all.
 */
function histRows(nCounty: number) {
  let r = 0;
  const next = (k = 1) => {
    const v = r;
    r += k;
    return v;
  };
  const g = {
    extCity: next(),
    extLCity: next(),
    extLCounty: next(),
    extLTown: next(),
    extLVillage: next(),
    extPub: next(),
    extAdmin: next(),
    dept: next(),
    extCounty: next(nCounty),
    platProv: next(),
    platCity: next(),
    platCounty: next(),
    platTown: next(),
    platVillage: next(),
    platAll: next(),
    platCountyCode: next(nCounty),
    supplyCounty: next(nCounty),
    supplyTown: next(nCounty),
    supplyVillage: next(nCounty),
    shareAll: next(),
    shareCity: next(),
    shareCounty: next(nCounty),
    collab: next(),
    count: 0,
  };
  g.count = r;
  return g;
}

/**
 * Human-readable name of a task kind (for reports and debugging).
 * @example kindName(KIND.village) // => 'village access'
 */
export function kindName(k: number): string {
  return KIND_NAMES[k] ?? `kind ${k}`;
}
