import { describe, expect, it } from 'vitest';
import { Rng } from '../src/data/index.js';

const draws = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.uint32());

describe('Rng (PCG32)', () => {
  it('matches the reference pcg32-demo output for seed 42, stream 54', () => {
    expect(draws(new Rng(42, 54), 6)).toEqual([0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e]);
  });

  it('is determined by (seed, stream), and different ones differ', () => {
    expect(draws(new Rng(7), 10)).toEqual(draws(new Rng(7), 10));
    expect(draws(new Rng(7), 10)).not.toEqual(draws(new Rng(8), 10));
    expect(draws(new Rng(7, 1), 10)).not.toEqual(draws(new Rng(7, 2), 10));
    expect(draws(new Rng(2 ** 40 + 3), 4)).not.toEqual(draws(new Rng(3), 4)); // the high seed bits count
  });

  it('continues exactly from a saved state, through JSON', () => {
    const rng = new Rng(123);
    draws(rng, 37);
    const saved = JSON.parse(JSON.stringify(rng.state()));
    const expected = draws(rng, 20);
    expect(draws(Rng.fromState(saved), 20)).toEqual(expected);
    expect(new Rng(42, 54).state().inc).toBe('000000000000006d'); // (54 << 1) | 1
  });

  it('rejects a malformed state, naming the field', () => {
    expect(() => Rng.fromState({ state: 'xyz', inc: '000000000000006d' })).toThrow(/field state must be 16 hex digits/);
    expect(() => Rng.fromState({ state: '0000000000000000', inc: '000000000000006c' })).toThrow(/field inc must be odd/);
    expect(() => new Rng(-1)).toThrow(/seed must be a non-negative safe integer/);
  });

  it('draws floats in [0, 1), bounded integers without bias, coin flips', () => {
    const rng = new Rng(5);
    const counts = new Array(6).fill(0);
    let [low, high] = [1, 0];
    for (let i = 0; i < 60_000; i++) {
      const f = rng.float();
      [low, high] = [Math.min(low, f), Math.max(high, f)];
      counts[rng.int(6)]++;
    }
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThan(1);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400); // ~4 standard deviations
    expect(new Rng(1).int(1)).toBe(0);
    expect(() => rng.int(0)).toThrow(/the bound must be an integer/);
    let heads = 0;
    for (let i = 0; i < 10_000; i++) heads += rng.bernoulli(0.25) ? 1 : 0;
    expect(Math.abs(heads - 2500)).toBeLessThan(200);
    const u = rng.uniform(-3, 5);
    expect(u >= -3 && u < 5).toBe(true);
  });

  it('shuffles into a permutation, the same one for the same state', () => {
    const a = new Rng(9).shuffle(Array.from({ length: 50 }, (_, i) => i));
    const b = new Rng(9).shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('splits off a child that is reproducible and differs from the parent', () => {
    const parent = new Rng(3);
    const child = parent.split();
    const again = new Rng(3).split();
    expect(draws(child, 5)).toEqual(draws(again, 5));
    expect(draws(new Rng(3).split(), 5)).not.toEqual(draws(parent, 5));
  });
});
