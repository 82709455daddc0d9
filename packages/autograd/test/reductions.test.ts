import { tensor } from '@setr-ts/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Variable } from '../src/index.js';
import * as ag from '../src/index.js';
import { arranged, check, layoutArb, normal64, property, seedArb, shapeArb } from './support/check.js';

type Dims = number | number[] | undefined;

/** A shape with a reduction spec: no dims (all), one dim (maybe negative), or a set of dims; and keepdim. */
const reductionArb = shapeArb(1, 3).chain((shape) =>
  fc.tuple(
    fc.constant(shape),
    fc.oneof(
      fc.constant<Dims>(undefined),
      fc.integer({ min: -shape.length, max: shape.length - 1 }),
      fc.subarray(
        shape.map((_, i) => i),
        { minLength: 1 },
      ),
    ),
    fc.boolean(),
    layoutArb,
    seedArb,
  ),
);

const REDUCTIONS: [string, (x: Variable, dims: Dims, keepdim: boolean) => Variable][] = [
  ['sum', (x, d, k) => x.sum(d, k)],
  ['mean', (x, d, k) => x.mean(d, k)],
  ['max', (x, d, k) => x.max(d, k)],
  ['min', (x, d, k) => x.min(d, k)],
  ['var (unbiased)', (x, d, k) => x.var(d, k)],
  ['var (biased)', (x, d, k) => ag.variance(x, d, { keepdim: k, correction: 0 })],
  ['logsumexp', (x, d, k) => x.logsumexp(d ?? [0], k)],
];

describe('reductions: gradcheck over random dims, keepdim and layouts', () => {
  for (const [name, op] of REDUCTIONS) {
    it(name, () => {
      property(reductionArb, ([shape, dims, keepdim, layout, seed]) => {
        // var needs more than `correction` elements per output
        if (name.startsWith('var') && dims !== undefined && (typeof dims === 'number' ? [dims] : dims).every((d) => shape.at(d) === 1))
          return;
        if (name.startsWith('var') && dims === undefined && shape.every((d) => d === 1)) return;
        const { paramShape, arrange } = arranged(layout === 'broadcast' ? 'contiguous' : layout, shape); // a broadcast input would tie max
        check((p) => op(arrange(p), dims, keepdim), [normal64(paramShape, seed)]);
      });
    });
  }
});

describe('max and min with ties', () => {
  it('split the gradient evenly among the tied positions, full reduction and along a dim', () => {
    const x = ag.parameter(
      tensor([
        [1, 3, 3],
        [2, 0, 2],
      ]),
    );
    x.max().backward();
    expect(x.grad?.arraySync()).toEqual([
      [0, 0.5, 0.5],
      [0, 0, 0],
    ]);
    x.zeroGrad();
    x.max(1).sum().backward();
    expect(x.grad?.arraySync()).toEqual([
      [0, 0.5, 0.5],
      [0.5, 0, 0.5],
    ]);
    x.zeroGrad();
    x.min(0, true).sum().backward();
    expect(x.grad?.arraySync()).toEqual([
      [1, 0, 0],
      [0, 1, 1],
    ]);
  });
});
