/**
 * A seeded random generator whose whole state fits in a small JSON object, so that a training run
 * killed at any step resumes with the very same shuffles and augmentations.
 *
 * The algorithm is PCG32 (O'Neill 2014, "PCG: A Family of Simple Fast Space-Efficient Statistically
 * Good Algorithms for Random Number Generation"), variant XSH-RR: "a linear congruential generator
 * with 64 bits of state whose output is permuted — xorshift high bits, then a random rotation — down
 * to 32 bits". The state advances as `s ← s·6364136223846793005 + inc (mod 2⁶⁴)`, where the odd
 * increment `inc` selects one of 2⁶³ independent streams. JavaScript numbers hold 53 bits exactly, so
 * the 64-bit words live here as two uint32 halves (hi, lo).
 */

/** The saved state: the two 64-bit words as 16 hex digits each. */
export interface RngState {
  /** The 64-bit state word, 16 hex digits. */
  readonly state: string;
  /** The 64-bit stream increment (odd), 16 hex digits. */
  readonly inc: string;
}

/** 6364136223846793005, PCG's 64-bit multiplier, as halves. */
const MUL_HI = 0x5851f42d;
const MUL_LO = 0x4c957f2d;
const TWO_32 = 4294967296;

/** The full 64-bit product of two uint32 values, as [hi, lo] (16-bit limbs keep every partial exact). */
function mulWide(a: number, b: number): [number, number] {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const lo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const hi = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
  return [hi, lo];
}

const hex64 = (hi: number, lo: number) => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');

function parseHex64(text: unknown, field: string): [number, number] {
  if (typeof text !== 'string' || !/^[0-9a-f]{16}$/i.test(text))
    throw new Error(`Rng.fromState: field ${field} must be 16 hex digits, got ${JSON.stringify(text)}`);
  return [Number.parseInt(text.slice(0, 8), 16), Number.parseInt(text.slice(8), 16)];
}

function splitSeed(value: number, what: string): [number, number] {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Rng: ${what} must be a non-negative safe integer, got ${value}`);
  return [Math.floor(value / TWO_32) >>> 0, value >>> 0];
}

/**
 * PCG32, seeded like the reference `pcg32_srandom_r(initstate, initseq)`: `new Rng(42, 54)` yields
 * 0xa15c02b7, 0x7b47f409, ... as O'Neill's pcg32-demo prints.
 * @example
 * const rng = new Rng(0);
 * rng.float();                 // uniform in [0, 1)
 * const saved = rng.state();   // { state: '…', inc: '…' }, JSON-safe
 * const again = Rng.fromState(saved);
 * again.uint32() === rng.uint32(); // true
 */
export class Rng {
  private hi = 0;
  private lo = 0;
  private incHi = 0;
  private incLo = 1;

  /** `seed` picks the starting point, `stream` one of the 2⁶³ streams; both non-negative integers below 2⁵³. */
  constructor(seed = 0, stream = 0) {
    this.seed(splitSeed(seed, 'seed'), splitSeed(stream, 'stream'));
  }

  private seed([seedHi, seedLo]: [number, number], [seqHi, seqLo]: [number, number]): void {
    // inc = (initseq << 1) | 1; state = 0; step; state += initstate; step
    this.incHi = ((seqHi << 1) | (seqLo >>> 31)) >>> 0;
    this.incLo = ((seqLo << 1) | 1) >>> 0;
    this.hi = 0;
    this.lo = 0;
    this.uint32();
    this.add(seedHi, seedLo);
    this.uint32();
  }

  /** state ← state + (hi, lo) mod 2⁶⁴ */
  private add(hi: number, lo: number): void {
    const sum = this.lo + lo;
    this.lo = sum >>> 0;
    this.hi = (this.hi + hi + (sum >= TWO_32 ? 1 : 0)) >>> 0;
  }

  /** The next 32 random bits, as an integer in [0, 2³²). */
  uint32(): number {
    const { hi, lo } = this;
    // state ← state·MUL + inc (mod 2⁶⁴): the low halves' full product, plus the cross terms' low halves
    const [pHi, pLo] = mulWide(lo, MUL_LO);
    this.hi = (pHi + Math.imul(lo, MUL_HI) + Math.imul(hi, MUL_LO)) >>> 0;
    this.lo = pLo;
    this.add(this.incHi, this.incLo);
    // output of the old state: xorshifted = ((old >> 18) ^ old) >> 27, truncated to 32 bits; rot = old >> 59
    const xHi = hi ^ (hi >>> 18);
    const xLo = lo ^ ((lo >>> 18) | (hi << 14));
    const xorshifted = ((xLo >>> 27) | (xHi << 5)) >>> 0;
    const rot = hi >>> 27;
    return ((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0;
  }

  /** Uniform in [0, 1), with 32 bits of resolution. */
  float(): number {
    return this.uint32() / TWO_32;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.float();
  }

  /** An integer uniform in [0, n), without modulo bias (PCG's bounded rejection). @example rng.int(6) + 1 // a die */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new Error(`Rng.int: the bound must be an integer in [1, 2^32], got ${n}`);
    const threshold = (TWO_32 - n) % n;
    for (;;) {
      const r = this.uint32();
      if (r >= threshold) return r % n;
    }
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** A new generator seeded from this one's next four draws (64-bit seed, 64-bit stream); this one advances by four. */
  split(): Rng {
    const child = new Rng();
    child.seed([this.uint32(), this.uint32()], [this.uint32(), this.uint32()]);
    return child;
  }

  /** The state, JSON-safe; {@link Rng.fromState} continues from exactly here. */
  state(): RngState {
    return { state: hex64(this.hi, this.lo), inc: hex64(this.incHi, this.incLo) };
  }

  /** A generator that continues from a saved {@link RngState}. */
  static fromState(saved: RngState): Rng {
    const rng = new Rng();
    [rng.hi, rng.lo] = parseHex64(saved?.state, 'state');
    [rng.incHi, rng.incLo] = parseHex64(saved?.inc, 'inc');
    if ((rng.incLo & 1) === 0) throw new Error(`Rng.fromState: field inc must be odd, got ${saved.inc}`);
    return rng;
  }
}
