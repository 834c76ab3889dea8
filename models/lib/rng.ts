/**
 * Seeded pseudo-random numbers for models: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit
 * state, passes PractRand) seeded through splitmix32. Models receive an `Rng` from the engine and must never use
 * `Math.random`, so results are reproducible bit for bit whatever the thread count.
 */

/** A seeded random source. */
export interface Rng {
  /** Uniform double in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number;
  /** Standard normal N(0,1) (Box–Muller, second value cached). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/**
 * One step of splitmix32: a good 32-bit mixer to spread a seed into independent state words.
 * @example splitmix32(0) // => 2462723854
 */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Mix any number of 32-bit words (or strings) into one 32-bit seed. Order matters.
 * @example
 * // Same inputs → same seed, on any machine; order matters.
 * mixSeed(42, 'rollout', 2019, 3) // => 3923745206
 * mixSeed(42, 'rollout', 2019, 3) === mixSeed(42, 'rollout', 3, 2019) // => false
 */
export function mixSeed(...parts: Array<number | string>): number {
  let h = 0x6a09e667;
  for (const p of parts) {
    if (typeof p === 'string') {
      for (let i = 0; i < p.length; i++) h = splitmix32(h ^ p.charCodeAt(i));
      h = splitmix32(h ^ p.length);
    } else {
      // Split doubles beyond 32 bits into two words so large seeds are not truncated.
      const lo = p >>> 0;
      const hi = Math.floor(p / 4294967296) >>> 0;
      h = splitmix32(splitmix32(h ^ lo) ^ hi);
    }
  }
  return h >>> 0;
}

/**
 * Create an sfc32 generator from a 32-bit seed.
 * @example
 * // 0 ≤ x < 1; the same sequence for seed 42 everywhere.
 * const rng = createRng(42); rng.next() // => 0.1185868966858834
 * rng.int(6) // => 0
 */
export function createRng(seed: number): Rng {
  let a = splitmix32(seed >>> 0);
  let b = splitmix32(a);
  let c = splitmix32(b);
  let d = 1;
  let spare = 0;
  let hasSpare = false;
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32 needs a few rounds to decorrelate from the seed words.
  for (let i = 0; i < 12; i++) u32();
  const next = (): number => u32() / 4294967296;
  return {
    next,
    nextUint32: u32,
    int: (n: number): number => Math.floor(next() * n),
    normal(): number {
      if (hasSpare) {
        hasSpare = false;
        return spare;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      hasSpare = true;
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}
