/**
 * A seeded pseudo-random generator, so that `manualSeed(0)` makes every run identical. The generator
 * is xoshiro128** (Blackman & Vigna, 2018): 128 bits of state, fast in 32-bit integer arithmetic,
 * good statistical quality. Normal samples use the Box–Muller transform.
 */
let s = new Uint32Array(4);

/** Seeds the generator; the state is filled from the seed by SplitMix32 so that nearby seeds differ. */
export function manualSeed(seed: number): void {
  let x = seed >>> 0;
  const next = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  s = new Uint32Array([next(), next(), next(), next()]);
}
manualSeed(Date.now());

/**
 * The generator's state (four 32-bit words), to save with a checkpoint: `setRngState` of it makes the
 * following draws repeat exactly (a resumed training run draws what the uninterrupted one would have).
 */
export function getRngState(): number[] {
  return Array.from(s);
}

/** Restores a state from {@link getRngState}. */
export function setRngState(state: readonly number[]): void {
  if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff) || state.every((w) => w === 0))
    throw new Error(`setRngState: expected four 32-bit unsigned words, not all zero, got [${state.join(', ')}]`);
  s = new Uint32Array(state);
}

const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;

/** The next 32 random bits. */
export function nextUint32(): number {
  const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
  const t = (s[1] << 9) >>> 0;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

/** Uniform in [0, 1). */
export function uniform(): number {
  return nextUint32() / 4294967296;
}

/** Standard normal, by Box–Muller (1 − u keeps the log's argument in (0, 1]). */
export function normal(): number {
  const u = 1 - uniform();
  const v = uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
