import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as ag from '../src/index.js';
import { check, normal64, property, seedArb } from './support/check.js';

const dim = fc.integer({ min: 1, max: 3 });

describe('matmul: gradcheck', () => {
  it('every rank pairing PyTorch allows: 1-D·1-D, 1-D·n-D, n-D·1-D, matrices, batches', () => {
    const cases: [number[], number[]][] = [
      [[3], [3]],
      [[3], [3, 2]],
      [[2, 3], [3]],
      [
        [2, 3],
        [3, 4],
      ],
      [
        [2, 2, 3],
        [3, 4],
      ], // a linear layer: the weight gradient folds the batch into one product
      [[3], [2, 3, 4]],
      [[2, 2, 3], [3]],
    ];
    cases.forEach(([sa, sb], i) => {
      check((a, b) => ag.matmul(a, b), [normal64(sa, i), normal64(sb, i + 100)]);
    });
  });

  it('broadcast batch dims and transposed (non-contiguous) operands, random sizes', () => {
    property(fc.tuple(dim, dim, dim, dim, fc.boolean(), fc.boolean(), seedArb), ([m, k, n, b, ta, tb, seed]) => {
      // a: [b, 1, m, k] (maybe stored as [.., k, m] and transposed), b: [3, k, n]
      const aShape = ta ? [b, 1, k, m] : [b, 1, m, k];
      const bShape = tb ? [3, n, k] : [3, k, n];
      check(
        (x, y) => ag.matmul(ta ? x.transpose(-2, -1) : x, tb ? y.transpose(-2, -1) : y),
        [normal64(aShape, seed), normal64(bShape, seed + 1)],
      );
    });
  });
});

describe('conv2d: gradcheck over stride, padding, dilation, groups, bias', () => {
  it('random geometries', () => {
    property(
      fc.record({
        n: fc.integer({ min: 1, max: 2 }),
        groups: fc.integer({ min: 1, max: 2 }),
        cg: fc.integer({ min: 1, max: 2 }),
        og: fc.integer({ min: 1, max: 2 }),
        h: fc.integer({ min: 3, max: 5 }),
        w: fc.integer({ min: 3, max: 5 }),
        k: fc.integer({ min: 1, max: 3 }),
        stride: fc.integer({ min: 1, max: 2 }),
        padding: fc.integer({ min: 0, max: 1 }),
        dilation: fc.integer({ min: 1, max: 2 }),
        bias: fc.boolean(),
        seed: seedArb,
      }),
      ({ n, groups, cg, og, h, w, k, stride, padding, dilation, bias, seed }) => {
        if ((k - 1) * dilation + 1 > Math.min(h, w) + 2 * padding) return; // kernel larger than the padded image
        const opts = { stride, padding, dilation, groups };
        const inputs = [normal64([n, groups * cg, h, w], seed), normal64([groups * og, cg, k, k], seed + 1)];
        if (bias) inputs.push(normal64([groups * og], seed + 2));
        check((x, wt, b) => ag.conv2d(x, wt, b ?? null, opts), inputs);
      },
      8,
    );
  });

  it('a transposed (non-contiguous) input', () => {
    check((x, wt) => ag.conv2d(x.transpose(2, 3), wt, null, { padding: 1 }), [normal64([1, 2, 4, 3], 5), normal64([2, 2, 3, 3], 6)]);
  });
});

describe('interpolate: gradcheck', () => {
  it('bilinear (both alignCorners) and nearest, by size and by scale factor', () => {
    property(
      fc.tuple(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        seedArb,
      ),
      ([h, w, oh, ow, seed]) => {
        for (const opts of [
          { size: [oh, ow] as [number, number], mode: 'bilinear' as const, alignCorners: false },
          { size: [oh, ow] as [number, number], mode: 'bilinear' as const, alignCorners: true },
          { size: [oh, ow] as [number, number], mode: 'nearest' as const },
          { scaleFactor: 2, mode: 'bilinear' as const },
          { scaleFactor: 1.5, mode: 'nearest' as const },
        ]) {
          check((x) => ag.interpolate(x, opts), [normal64([1, 2, h, w], seed)]);
        }
      },
      6,
    );
  });
});
