import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, erlangWq, serversFor } from './erlang.ts';

const hall = JSON.parse(readFileSync(new URL('./fixtures/erlang-c-service-hall.json', import.meta.url), 'utf8')) as {
  offeredLoadErlang: number;
  meanServiceMin: number;
  cases: Array<{ servers: number; pWait: number; wqMin: number }>;
};

/** Textbook Erlang C with factorial sums (fine for small c), to check the recursion. */
function erlangCDirect(c: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = (term * c) / (c - a);
  return top / (sum + top);
}

describe('Erlang C', () => {
  it('reproduces the worked example a = 20 → P(wait) 0.57 / 0.30 / 0.14 at c = 22 / 24 / 26 (2 digits) and W_q 2.8 / 0.75 / 0.24 min', () => {
    for (const k of hall.cases) {
      expect(Number(erlangC(k.servers, hall.offeredLoadErlang).toFixed(2))).toBe(k.pWait);
      const wq = erlangWq(k.servers, hall.offeredLoadErlang, hall.meanServiceMin);
      expect(Math.abs(wq - k.wqMin)).toBeLessThanOrEqual(k.wqMin < 1 ? 0.005 : 0.05);
    }
  });
  it('agrees with the factorial formula to 1e-12 and stays finite for 5,000 servers', () => {
    for (const [c, a] of [
      [1, 0.5],
      [5, 3.2],
      [22, 20],
      [40, 31.7],
    ] as const)
      expect(erlangC(c, a)).toBeCloseTo(erlangCDirect(c, a), 12);
    const big = erlangC(5000, 4900);
    expect(Number.isFinite(big) && big > 0 && big < 1).toBe(true);
  });
  it('Erlang B and limits: B(2, 1) = 0.2; M/M/1 P(wait) = ρ; unstable load waits surely', () => {
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 15);
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    expect(erlangC(10, 10)).toBe(1);
    expect(erlangC(3, 0)).toBe(0);
  });
  it('serversFor gives the fewest servers meeting the target', () => {
    for (const [a, t] of [
      [20, 0.2],
      [6.7, 0.2],
      [0.4, 0.05],
      [100, 0.1],
    ] as const) {
      const c = serversFor(a, t);
      expect(erlangC(c, a)).toBeLessThanOrEqual(t);
      expect(c - 1 <= a || erlangC(c - 1, a) > t).toBe(true);
    }
    expect(serversFor(20, 0.2)).toBe(26);
  });
});
