/**
 * Erlang C (M/M/c queue) for sizing the service platform's front end.
 *
 * Offered load a = λ/μ Erlangs on c servers. P(wait) = [aᶜ/c!·c/(c − a)] / [Σ_{k<c} aᵏ/k! + aᶜ/c!·c/(c − a)].
 * Computed through the Erlang B recursion B(0) = 1, B(k) = a·B(k−1)/(k + a·B(k−1)) and C = c·B/(c − a(1 − B)),
 * which never forms aᶜ or c! and so stays finite for thousands of servers.
 */

/**
 * Erlang B blocking probability for c servers and load a.
 * @example erlangB(2, 1) // => 0.2
 */
export function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/**
 * Erlang C probability that an arrival waits (1 when a ≥ c: the queue is unstable).
 * @example
 * // The service-hall example of research §2.4: 22 windows, 20 erlangs offered.
 * erlangC(22, 20).toFixed(2) // => '0.57'
 */
export function erlangC(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  const b = erlangB(c, a);
  return (c * b) / (c - a * (1 - b));
}

/**
 * Mean wait in queue W_q = P(wait)/(cμ − λ), in the unit of 1/μ (give the service time to get the same unit).
 * @example
 * // Minutes of queueing with a 10-minute mean service time.
 * erlangWq(22, 20, 10).toFixed(2) // => '2.84'
 */
export function erlangWq(c: number, a: number, meanServiceTime: number): number {
  if (a >= c) return Infinity;
  return (erlangC(c, a) * meanServiceTime) / (c - a);
}

/**
 * Fewest servers c with P(wait) ≤ target (at least ⌊a⌋ + 1 for stability).
 * @example
 * serversFor(20, 0.2) // => 26
 * erlangC(25, 20).toFixed(2) // => '0.21'
 */
export function serversFor(a: number, target: number): number {
  if (a <= 0) return 1;
  let c = Math.floor(a) + 1;
  while (erlangC(c, a) > target) c++;
  return c;
}
