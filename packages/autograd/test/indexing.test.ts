import { manualSeed, rand, type Tensor } from '@setr-ts/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { check, normal64, property, seedArb, shapeArb } from './support/check.js';

/** int32 indices in [0, n) of `shape`, reproducible from `seed` (repeats are likely: they must accumulate). */
function indices(shape: readonly number[], n: number, seed: number): Tensor {
  manualSeed(seed);
  const u = rand(shape);
  const scaled = u.mul(n);
  const out = scaled.int(); // truncation is floor for these non-negative values
  for (const t of [u, scaled]) t.dispose();
  return out;
}

describe('gather, indexSelect, scatterAdd: gradcheck (repeated indices accumulate)', () => {
  it('gather along a random dim', () => {
    property(fc.tuple(shapeArb(1, 3), fc.nat(), fc.integer({ min: 1, max: 5 }), seedArb), ([shape, k, m, seed]) => {
      const d = k % shape.length;
      const index = indices(
        shape.map((s, i) => (i === d ? m : s)),
        shape[d],
        seed + 1,
      );
      check((x) => ag.gather(x, d, index), [normal64(shape, seed)]);
      index.dispose();
    });
  });

  it('indexSelect along a random dim', () => {
    property(fc.tuple(shapeArb(1, 3), fc.nat(), fc.integer({ min: 1, max: 5 }), seedArb), ([shape, k, m, seed]) => {
      const d = k % shape.length;
      const index = indices([m], shape[d], seed + 1);
      check((x) => x.indexSelect(d - shape.length, index), [normal64(shape, seed)]);
      index.dispose();
    });
  });

  it('scatterAdd (gradient of src)', () => {
    property(fc.tuple(shapeArb(1, 3), fc.nat(), seedArb), ([shape, k, seed]) => {
      const d = k % shape.length;
      const index = indices(shape, shape[d] + 1, seed + 1);
      const out = shape.map((s, i) => (i === d ? s + 1 : s));
      check((src) => ag.scatterAdd(out, d, index, src), [normal64(shape, seed)]);
      index.dispose();
    });
  });
});

describe('non-differentiable ops', () => {
  it('return plain tensors; int32 results cannot require a gradient', () => {
    const x = ag.parameter(normal64([2, 3], 1));
    const am = x.argmax(1);
    expect(am.dtype).toBe('int32');
    expect(am instanceof ag.Variable).toBe(false);
    const mask = x.gt(0);
    expect(() => ag.variable(mask, { requiresGrad: true })).toThrow(
      /only floating-point tensors can require gradients.*argmax, comparisons and oneHot/,
    );
    expect(() => ag.variable(ag.oneHot(am, 3), { requiresGrad: true })).toThrow(/int32/);
  });
});
