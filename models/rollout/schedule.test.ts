import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/rng.ts';
import { hierarchyFromTree, hierarchyTotals } from '../lib/divisions.ts';
import { prepareRollout, runRollout } from './model.ts';
import { rolloutParamsSchema } from './params.ts';
import {
  allocSchedule,
  buildGraph,
  fundedAt,
  scheduleSerial,
  type FundingPlan,
  type ScheduleOut,
  type TaskGraph,
} from './schedule.ts';

const FIXTURE = new URL('./fixtures/small/divisions.json', import.meta.url);
const small = hierarchyFromTree(JSON.parse(readFileSync(FIXTURE, 'utf8')), 'fixtures/small/divisions.json');
const JOB = { model: 'rollout', years: [2017, 2018, 2019, 2020, 2021], replication: 0, attempt: 1, seed: 1 };

/** Every invariant of a serial schedule; returns the first violation as text, or '' when all hold. */
function violations(
  g: TaskGraph,
  dur: Float64Array,
  gate: Float64Array | null,
  plan: FundingPlan,
  out: ScheduleOut,
): string {
  const eps = 1e-9;
  for (let i = 0; i < g.n; i++) {
    if (!(out.finish[i]! >= out.start[i]! - eps && Math.abs(out.finish[i]! - out.start[i]! - dur[i]!) < 1e-6))
      return `task ${i}: finish ≠ start + duration`;
    if (out.start[i]! < g.release[i]! - eps) return `task ${i}: starts before its release`;
    if (gate && out.start[i]! < gate[i]! - eps) return `task ${i}: starts before its gate`;
    if (out.start[i]! < out.fundedDay[i]! - eps) return `task ${i}: starts before it is funded`;
    const p1 = g.pred1[i]!;
    if (p1 >= 0 && out.start[i]! < out.finish[p1]! + g.lag1[i]! - eps)
      return `task ${i}: starts before parent ${p1} + lag`;
    const p2 = g.pred2[i]!;
    if (p2 >= 0 && out.start[i]! < out.finish[p2]! + g.lag2[i]! - eps)
      return `task ${i}: starts before parent ${p2} + lag`;
  }
  // Crew limit per pool: sweep over start/finish events (finishes first at equal times).
  for (let k = 0; k < g.poolCrews.length; k++) {
    const ev: Array<[number, number]> = [];
    for (let i = 0; i < g.n; i++) if (g.pool[i] === k && dur[i]! > 0) ev.push([out.start[i]!, 1], [out.finish[i]!, -1]);
    ev.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let running = 0;
    for (const [, d] of ev) {
      running += d;
      if (running > g.poolCrews[k]!) return `pool ${k}: ${running} tasks at once with ${g.poolCrews[k]} crews`;
    }
  }
  // Funding: the cost of everything started by any time is covered by the budget released by then.
  const idx = Array.from({ length: g.n }, (_, i) => i).sort((x, y) => out.start[x]! - out.start[y]!);
  let spent = 0;
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j]!;
    spent += g.costCny[i]!;
    // All tasks with the same start time are included before checking.
    if (j + 1 < idx.length && out.start[idx[j + 1]!] === out.start[i]) continue;
    const budget = budgetAt(plan, out.start[i]!);
    if (spent > budget + 1e-3)
      return `funding: ${spent} CNY committed by day ${out.start[i]} but only ${budget} released`;
  }
  return '';
}

function budgetAt(plan: FundingPlan, day: number): number {
  let b = 0;
  for (let j = 0; j < plan.releaseDay.length; j++) if (plan.releaseDay[j]! <= day + 1e-9) b = plan.cumBudgetCny[j]!;
  const n = plan.releaseDay.length;
  if (n && day >= plan.releaseDay[n - 1]!)
    b += Math.floor((day - plan.releaseDay[n - 1]! + 1e-9) / plan.repeatEveryDays) * plan.repeatCny;
  return b;
}

describe('serial schedule generation: property tests', () => {
  it('random task networks over 40 seeds: precedence + lag, release, gate, funding and crew limits never violated', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = createRng(seed);
      const n = 20 + rng.int(200);
      const pools = 1 + rng.int(4);
      const gen: number[] = [];
      const pred1: number[] = [];
      const pred2: number[] = [];
      for (let i = 0; i < n; i++) {
        // Predecessors are earlier tasks; generation = 1 + max generation of predecessors.
        const a = i > 0 && rng.next() < 0.8 ? rng.int(i) : -1;
        const b = i > 1 && rng.next() < 0.3 ? rng.int(i) : -1;
        pred1.push(a);
        pred2.push(b);
        gen.push(1 + Math.max(a >= 0 ? gen[a]! : -1, b >= 0 ? gen[b]! : -1));
      }
      const g = buildGraph({
        gen,
        pool: gen.map(() => rng.int(pools)),
        pred1,
        pred2,
        lag1: gen.map(() => rng.int(5)),
        lag2: gen.map(() => rng.int(5)),
        release: gen.map(() => rng.int(100)),
        costCny: gen.map(() => 1 + rng.int(10)),
        poolCrews: Array.from({ length: pools }, () => 1 + rng.int(3)),
      });
      const dur = Float64Array.from({ length: n }, () => rng.next() * 20);
      const gate =
        rng.next() < 0.5 ? Float64Array.from({ length: n }, () => (rng.next() < 0.3 ? rng.int(200) : -Infinity)) : null;
      const plan: FundingPlan = {
        releaseDay: Float64Array.of(0, 50, 150),
        cumBudgetCny: Float64Array.of(100, 300, 500),
        repeatCny: 100,
        repeatEveryDays: 60,
      };
      const out = allocSchedule(n);
      const crewTotal = g.poolOff[pools]!;
      scheduleSerial(g, dur, gate, plan, out, new Uint32Array(n), new Float64Array(crewTotal));
      expect(violations(g, dur, gate, plan, out), `seed ${seed}`).toBe('');
    }
  });

  it('the rollout network over 30 seeds and random crews/funding: all invariants hold; every node is scheduled once', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = createRng(1000 + seed);
      const p = rolloutParamsSchema.parse({
        crews: { city: 1 + r.int(4), perCounty: 1 + r.int(3), villagePerCounty: 1 + r.int(3) },
        sharing: { rule: (['off', 'departments', 'strict'] as const)[r.int(3)], countyDepartments: 5 },
        departments: { count: 5 + r.int(10) },
        funding: {
          delayMonths: r.int(13),
          tranches: [
            { date: '2017-10-01', amountCny: 1e6 + r.int(10) * 1e6 },
            { date: '2018-06-01', amountCny: 5e6 },
          ],
        },
      });
      const inp = prepareRollout(p, small);
      runRollout(p, inp, { ...JOB, seed }, createRng(seed));
      const s = inp.scratch;
      expect(violations(inp.graph, s.dur, s.gate, inp.funding, s.sched), `seed ${seed}`).toBe('');
      // Conservation: one task per node and domain.
      const t = hierarchyTotals(small);
      expect(inp.graph.n).toBe(2 + p.departments.count + 2 * t.counties + 2 * t.towns + t.villages);
      for (let i = 0; i < inp.graph.n; i++) expect(Number.isFinite(s.sched.finish[i])).toBe(true);
    }
  });

  it('fundedAt walks the tranches and then repeats the last one', () => {
    const plan: FundingPlan = {
      releaseDay: Float64Array.of(10, 20),
      cumBudgetCny: Float64Array.of(5, 8),
      repeatCny: 3,
      repeatEveryDays: 100,
    };
    expect(fundedAt(plan, 5)).toBe(10);
    expect(fundedAt(plan, 6)).toBe(20);
    expect(fundedAt(plan, 11)).toBe(120);
    expect(fundedAt(plan, 11.5)).toBe(220);
  });

  it('rejects a predecessor in the same or a later generation and pools without crews', () => {
    const base = {
      pool: [0, 0],
      pred2: [-1, -1],
      lag1: [0, 0],
      lag2: [0, 0],
      release: [0, 0],
      costCny: [0, 0],
      poolCrews: [1],
    };
    expect(() => buildGraph({ ...base, gen: [0, 0], pred1: [-1, 0] })).toThrow(/lower generation/);
    expect(() => buildGraph({ ...base, gen: [0, 1], pred1: [-1, 0], poolCrews: [0] })).toThrow(/at least 1/);
  });

  it('the invariant checker itself catches a parent/child violation, a crew overload and an unfunded start', () => {
    const p = rolloutParamsSchema.parse({
      crews: { city: 1, perCounty: 1, villagePerCounty: 1 },
      departments: { count: 4 },
    });
    const inp = prepareRollout(p, small);
    runRollout(p, inp, JOB, createRng(4));
    const s = inp.scratch;
    const copy = (o: ScheduleOut): ScheduleOut => ({
      start: o.start.slice(),
      finish: o.finish.slice(),
      crew: o.crew.slice(),
      fundedDay: o.fundedDay.slice(),
      ready: o.ready.slice(),
    });
    expect(violations(inp.graph, s.dur, s.gate, inp.funding, s.sched)).toBe('');
    // A town starting at the same time as its county node.
    const bad1 = copy(s.sched);
    const town = inp.ids.townPub[0]!;
    bad1.start[town] = bad1.start[inp.ids.countyPub[0]!]!;
    bad1.finish[town] = bad1.start[town]! + s.dur[town]!;
    expect(violations(inp.graph, s.dur, s.gate, inp.funding, bad1)).toMatch(/parent|crews/);
    // Two village tasks of one single-crew pool at the same time.
    const bad2 = copy(s.sched);
    const v0 = inp.ids.village0;
    bad2.start[v0 + 1] = bad2.start[v0]!;
    bad2.finish[v0 + 1] = bad2.start[v0 + 1]! + s.dur[v0 + 1]!;
    expect(violations(inp.graph, s.dur, s.gate, inp.funding, bad2)).not.toBe('');
    // Everything funded on day 0 with no budget yet.
    const poor: FundingPlan = {
      releaseDay: Float64Array.of(5000),
      cumBudgetCny: Float64Array.of(1e12),
      repeatCny: 1,
      repeatEveryDays: 365,
    };
    expect(violations(inp.graph, s.dur, s.gate, poor, s.sched)).toMatch(/funding/);
  });
});
