/** Making tensors on each backend: from data, constants, ranges, seeded random draws, and moving between backends. */
import { expect, it } from 'vitest';
import {
  arange,
  full,
  manualSeed,
  ones,
  onesLike,
  rand,
  randn,
  type Tensor,
  tensor,
  toBackend,
  zeros,
  zerosLike,
} from '../../src/index.js';
import { describeBackends } from '../support/harness.js';

/** Shape, dtype and elements of a tensor, read asynchronously (works on every backend). */
async function contents(t: Tensor): Promise<[number[], string, number[]]> {
  const values = Array.from(await t.data());
  t.dispose();
  return [[...t.shape], t.dtype, values];
}

describeBackends('creation', (h) => {
  const on = () => ({ backend: h.backend });

  it('tensor() takes an options object in place of the shape, as torch.tensor(data, dtype=...)', async () => {
    expect(await contents(tensor([0, 2, 255], { dtype: 'int32', backend: h.backend }))).toEqual([[3], 'int32', [0, 2, 255]]);
    expect(await contents(tensor([[1.5], [2]], on()))).toEqual([[2, 1], 'float32', [1.5, 2]]);
    const untyped = tensor as (...args: unknown[]) => unknown; // a JavaScript caller's mixed-up arguments
    expect(() => untyped([1], { dtype: 'int32' }, 'int32')).toThrow('tensor: with options in place of the shape, give the dtype');
    expect(() => untyped([1], { dtyp: 'int32' })).toThrow('tensor: unknown option(s) dtyp (known: dtype, backend)');
  });

  it('tensor() infers shape and dtype from nested arrays and typed arrays', async () => {
    expect(
      await contents(
        tensor(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          undefined,
          undefined,
          on(),
        ),
      ),
    ).toEqual([[2, 3], 'float32', [1, 2, 3, 4, 5, 6]]);
    expect(await contents(tensor(new Int32Array([7, -8]), undefined, undefined, on()))).toEqual([[2], 'int32', [7, -8]]);
    expect(await contents(tensor([1, 2, 3, 4, 5, 6], [3, 1, 2], 'int32', on()))).toEqual([[3, 1, 2], 'int32', [1, 2, 3, 4, 5, 6]]);
    expect(await contents(tensor(2.5, undefined, undefined, on()))).toEqual([[], 'float32', [2.5]]);
    expect(await contents(tensor([], undefined, undefined, on()))).toEqual([[0], 'float32', []]);
  });

  it('tensor() rejects ragged data and a shape the values do not fill', () => {
    expect(() => tensor([[1, 2], [3]], undefined, undefined, on())).toThrow(/tensor: nested arrays are ragged/);
    expect(() => tensor([1, 2, 3], [2, 2], undefined, on())).toThrow(/tensor: 3 values do not fill shape \[2,2\]/);
    expect(() => zeros([2, -1], on())).toThrow(/full: invalid shape \[2,-1\]/);
  });

  it('full, zeros, ones and the *Like variants keep dtype and backend', async () => {
    expect(await contents(full([2, 2], 7, { ...on(), dtype: 'int32' }))).toEqual([[2, 2], 'int32', [7, 7, 7, 7]]);
    expect(await contents(zeros([0, 3], on()))).toEqual([[0, 3], 'float32', []]);
    const o = ones([3], { ...on(), dtype: 'int32' });
    const [z, ol] = [zerosLike(o), onesLike(o)];
    expect(z.backend).toBe(h.backend);
    expect(await contents(z)).toEqual([[3], 'int32', [0, 0, 0]]);
    expect(await contents(ol)).toEqual([[3], 'int32', [1, 1, 1]]);
    o.dispose();
  });

  it('arange: int32 for integer arguments, float32 otherwise, negative steps, empty ranges', async () => {
    expect(await contents(arange(5, undefined, 1, on()))).toEqual([[5], 'int32', [0, 1, 2, 3, 4]]);
    expect(await contents(arange(0, 1, 0.25, on()))).toEqual([[4], 'float32', [0, 0.25, 0.5, 0.75]]);
    expect(await contents(arange(5, 0, -2, on()))).toEqual([[3], 'int32', [5, 3, 1]]);
    expect(await contents(arange(3, 3, 1, on()))).toEqual([[0], 'int32', []]);
    expect(() => arange(0, 3, 0, on())).toThrow(/arange: step must be non-zero/);
    expect(() => arange(5, 0, 1, on())).toThrow(/arange: a step of 1 never gets from 5 to 0/);
  });

  it('rand and randn: manualSeed makes draws repeat, and every backend gets the same numbers', async () => {
    manualSeed(42);
    const a = await contents(rand([64], on()));
    manualSeed(42);
    const b = await contents(rand([64], { backend: 'reference' }));
    expect(a).toEqual(b);
    expect(a[2].every((v) => v >= 0 && v < 1)).toBe(true);
    manualSeed(7);
    const [, , normal] = await contents(randn([4000], on()));
    const mean = normal.reduce((s, v) => s + v, 0) / normal.length;
    const variance = normal.reduce((s, v) => s + (v - mean) ** 2, 0) / normal.length;
    // 4000 draws: the sample mean has sd 1/√4000 ≈ 0.016 and the variance sd ≈ √(2/4000) ≈ 0.022
    expect(Math.abs(mean)).toBeLessThan(0.08);
    expect(Math.abs(variance - 1)).toBeLessThan(0.11);
    expect(() => rand([2], { ...on(), dtype: 'int32' })).toThrow(/rand: dtype must be a float type/);
  });

  it('toBackend copies exactly both ways (back only where reads are synchronous), float32 and int32', async () => {
    const f = tensor([0.1, -3.5e-20, 1e30, -0], [2, 2], 'float32', { backend: 'reference' });
    const i = tensor([16777216, -16777216, 0, 7], undefined, 'int32', { backend: 'reference' });
    for (const src of [f, i]) {
      const there = toBackend(src, h.backend);
      expect(there.backend).toBe(h.backend);
      expect(Array.from(await there.data())).toEqual(Array.from(await src.data()));
      try {
        const back = toBackend(there, 'reference');
        expect(Array.from(await back.data())).toEqual(Array.from(await src.data()));
        back.dispose();
      } catch (e) {
        // an asynchronous backend cannot be read synchronously; it must say how to read it instead
        expect(String(e)).toMatch(/data\(\)/);
      }
      there.dispose();
      src.dispose();
    }
  });

  it('int32 beyond ±2^24 is stored exactly, or refused with an error naming the value', async () => {
    const big = tensor([2147483647, -2147483648], undefined, 'int32', { backend: 'reference' });
    try {
      const there = toBackend(big, h.backend);
      expect(Array.from(await there.data())).toEqual([2147483647, -2147483648]);
      there.dispose();
    } catch (e) {
      expect(String(e)).toMatch(/2147483647/);
    }
    big.dispose();
  });

  it('float64 is stored exactly where supported, and refused with a clear error where not', async (ctx) => {
    const third = 1 / 3;
    if (!h.supports('float64')) {
      expect(() => tensor([third], undefined, 'float64', on())).toThrow(
        new RegExp(`tensor: backend ${h.backend.name} does not support dtype float64`),
      );
      const x = tensor([1], undefined, 'float32', on());
      expect(() => x.double()).toThrow(new RegExp(`cast: backend ${h.backend.name} does not support dtype float64`));
      x.dispose();
      const r = tensor([third], undefined, 'float64', { backend: 'reference' });
      expect(() => toBackend(r, h.backend)).toThrow(/does not support dtype float64/);
      r.dispose();
      ctx.skip(`${h.bk.label} has no float64; checked that it says so`);
    }
    expect(await contents(tensor([third, 1e-300], undefined, 'float64', on()))).toEqual([[2], 'float64', [third, 1e-300]]);
  });

  it('item, arraySync and printing (or, on async backends, an error that says to await data())', async () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      undefined,
      undefined,
      on(),
    );
    const s = tensor(3, undefined, 'int32', on());
    let sync = true;
    try {
      x.dataSync();
    } catch (e) {
      sync = false;
      expect(String(e)).toMatch(/data\(\)/);
    }
    if (sync) {
      expect(x.arraySync()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(s.item()).toBe(3);
      expect(x.toString()).toBe('tensor([[1., 2.],\n        [3., 4.]])');
      expect(s.toString()).toBe('tensor(3, dtype=int32)');
      expect(() => x.item()).toThrow(/item: tensor of shape \[2,2\] has 4 elements, not 1/);
    }
    x.dispose();
    s.dispose();
  });
});
