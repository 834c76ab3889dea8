/**
 * Online service items as a finite set (issue #21 item 1): the mean of the item shares keeps the closed-form curve,
 * a district reaches exactly 100 % when its last item switches (P(100 % by t) = F(t)^remaining), a mandate closes the
 * tail at the deadline plus the stated slip, and the model's 100 % targets then depend on the scenario.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/rng.ts';
import { dayOf, monthEndDay, monthOfFinish } from '../lib/calendar.ts';
import { loadHierarchy } from '../lib/divisions.ts';
import { bassF, linearRamp } from './bass.ts';
import { type ItemCurve, serviceItemShares } from './items.ts';
import { GRID_MONTHS, prepareRollout, runRollout } from './model.ts';
import { type RolloutParams, rolloutParamsSchema } from './params.ts';
import { scenarioParams } from '../../engine/test/scenario-params.ts';

const END_2017 = monthEndDay(11);
const N_ITEMS = 360;
const BASS: ItemCurve = { curve: 'bass', pPerYear: 0.4, qPerYear: 1.2, linearRatePerYear: 0 };
const LINEAR: ItemCurve = { curve: 'linear', pPerYear: 0, qPerYear: 0, linearRatePerYear: 0.12 };

/** `reps` draws of one district's monthly item shares. */
function draws(
  reps: number,
  anchor: number,
  c: ItemCurve,
  mandate: { deadlineDay: number; slipDays: number }[] | null,
) {
  const rng = createRng(2117);
  const counts = new Float64Array(GRID_MONTHS + 1);
  const out: Float64Array[] = [];
  for (let r = 0; r < reps; r++)
    out.push(
      serviceItemShares(
        N_ITEMS,
        anchor,
        0.5,
        END_2017,
        c,
        mandate ? mandate[r]! : null,
        rng,
        counts,
        new Float64Array(GRID_MONTHS),
      ),
    );
  return out;
}

describe('service items (finite set)', () => {
  const anchor = 0.75;
  const k0 = Math.round(anchor * N_ITEMS);
  const online0 = k0 / N_ITEMS;
  const remaining = N_ITEMS - k0;
  const yearsAt = (m: number) => (monthEndDay(m) - END_2017) / 365.2425;

  it('the mean of the item shares follows anchor + (1 − anchor)·F(t) within 4 standard errors every month (Bass and linear)', () => {
    const reps = 2000;
    for (const [c, F] of [
      [BASS, (t: number) => bassF(t, 0.4, 1.2)],
      [LINEAR, (t: number) => (linearRamp(t, online0, 0.12) - online0) / (1 - online0)],
    ] as const) {
      const d = draws(reps, anchor, c, null);
      let worstZ = 0;
      for (let m = 12; m < GRID_MONTHS; m++) {
        const f = F(yearsAt(m));
        const expected = online0 + (1 - online0) * f;
        let mean = 0;
        for (const s of d) mean += s[m]! / reps;
        // Each remaining item is a Bernoulli(F) draw: SD of one share = √(remaining·F(1−F))/n, of the mean /√reps.
        const se = Math.sqrt((remaining * f * (1 - f)) / reps) / N_ITEMS;
        if (se === 0) expect(mean).toBeCloseTo(expected, 12);
        else worstZ = Math.max(worstZ, Math.abs(mean - expected) / se);
      }
      expect(worstZ).toBeLessThan(4);
    }
  });

  it('shares are multiples of 1/items after 2017 and reach exactly 1 when the last item switches; P(100 % by t) = F(t)^remaining', () => {
    const reps = 2000;
    const d = draws(reps, anchor, BASS, null);
    let offGrid = 0;
    let notDone = 0;
    for (const s of d) {
      for (let m = 12; m < GRID_MONTHS; m++)
        if (Math.abs(s[m]! * N_ITEMS - Math.round(s[m]! * N_ITEMS)) > 1e-9) offGrid++;
      if (s[GRID_MONTHS - 1] !== 1) notDone++; // 13 years after 2017: F ≈ 1 − 1e−9, so every item has switched
    }
    expect(offGrid).toBe(0);
    expect(notDone).toBe(0);
    for (const m of [35, 47, 59]) {
      const pTheory = bassF(yearsAt(m), 0.4, 1.2) ** remaining;
      const pSim = d.filter((s) => s[m] === 1).length / reps;
      const sd = Math.sqrt((pTheory * (1 - pTheory)) / reps);
      expect(Math.abs(pSim - pTheory)).toBeLessThan(4 * sd + 1e-9);
    }
    // P(100 % by end 2021) rises toward 1 with the date.
    const pEnd = (m: number) => d.filter((s) => s[m] === 1).length / reps;
    expect(pEnd(47)).toBeLessThan(pEnd(59));
    expect(pEnd(95)).toBeGreaterThan(0.99);
  });

  it('a mandate switches every remaining item at the deadline plus the slip: P(100 % by deadline + x) = 1 − e^(−x/mean)', () => {
    const slow: ItemCurve = { curve: 'bass', pPerYear: 0.01, qPerYear: 0.01, linearRatePerYear: 0 };
    const deadline = dayOf('2020-06-30');
    const mDeadline = monthOfFinish(deadline);
    // Slip 0: 100 % exactly in the deadline's month, never before.
    for (const s of draws(
      200,
      anchor,
      slow,
      Array.from({ length: 200 }, () => ({ deadlineDay: deadline, slipDays: 0 })),
    )) {
      expect(s[mDeadline]).toBe(1);
      expect(s[mDeadline - 1]!).toBeLessThan(1);
    }
    // Exponential slip with mean 2 months, drawn as the model does (one uniform per district).
    const reps = 2000;
    const meanDays = 2 * (365.2425 / 12);
    const u = createRng(77);
    const slips = Array.from({ length: reps }, () => ({
      deadlineDay: deadline,
      slipDays: -Math.log(1 - u.next()) * meanDays,
    }));
    const d = draws(reps, anchor, slow, slips);
    for (const m of [mDeadline + 1, mDeadline + 3, mDeadline + 6]) {
      const pTheory = 1 - Math.exp(-(monthEndDay(m) - deadline) / meanDays);
      const pSim = d.filter((s) => s[m] === 1).length / reps;
      expect(Math.abs(pSim - pTheory)).toBeLessThan(4 * Math.sqrt((pTheory * (1 - pTheory)) / reps));
    }
  });
});

describe('the model: 100 % district targets move with the scenario', () => {
  const hierarchy = loadHierarchy();
  const base = scenarioParams('baseline', 'rollout', rolloutParamsSchema);
  const DEC_2021 = 59;
  /** Share of (replication, district) pairs at ≥ 99.5 % by the end of 2021 (the -100 targets' rule), 100 seeds. */
  function pAll(p: RolloutParams): number {
    const inputs = prepareRollout(p, hierarchy);
    let hit = 0;
    let n = 0;
    for (let r = 0; r < 100; r++) {
      const o = runRollout(
        p,
        inputs,
        { model: 'rollout', years: [2017, 2018, 2019, 2020, 2021], replication: r, attempt: 1, seed: 500 + r },
        createRng(500 + r),
      );
      for (const c of hierarchy.counties) {
        const v = o.series.find((s) => s.metric === 'services.onlineShare' && s.entity === c.code)!.values;
        n++;
        if (v[DEC_2021]! >= 0.995) hit++;
      }
    }
    return hit / n;
  }
  it('a mandate by mid-2021 (slip mean 2 months) lifts P(100 % by end 2021) to ≥ 0.9; a faster curve lifts it too', () => {
    const pBase = pAll(base);
    const pMandate = pAll({
      ...base,
      services: { ...base.services, mandate: { date: '2021-06-30', slipMeanMonths: 2 } },
    });
    const pFast = pAll({ ...base, services: { ...base.services, bassPPerYear: 1.2 } });
    expect(pMandate).toBeGreaterThan(0.9);
    expect(pMandate).toBeGreaterThan(pBase + 0.1);
    expect(pFast).toBeGreaterThan(pBase + 0.1);
  });
});
