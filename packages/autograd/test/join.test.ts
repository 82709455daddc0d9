import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { arranged, check, layoutArb, normal64, property, seedArb, shapeArb } from './support/check.js';

describe('pad, cat, stack, split, chunk: gradcheck', () => {
  it('pad (random pads over the trailing dims, non-zero fill value)', () => {
    property(
      fc.tuple(shapeArb(1, 3), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 6 }), layoutArb, seedArb),
      ([shape, raw, layout, seed]) => {
        const pads = raw.slice(0, 2 * Math.min(shape.length, Math.floor(raw.length / 2)));
        const { paramShape, arrange } = arranged(layout, shape);
        check((p) => ag.pad(arrange(p), pads, 0.5).square(), [normal64(paramShape, seed)]);
      },
    );
  });

  it('cat of 1 to 3 inputs along a random dim', () => {
    property(
      fc.tuple(shapeArb(1, 3), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), fc.nat(), seedArb),
      ([shape, sizes, k, seed]) => {
        const d = k % shape.length;
        const inputs = sizes.map((n, i) =>
          normal64(
            shape.map((s, j) => (j === d ? n : s)),
            seed + i,
          ),
        );
        check((...xs) => ag.cat(xs, d - shape.length), inputs);
      },
    );
  });

  it('stack along a random (new) dim, with one input used twice', () => {
    property(fc.tuple(shapeArb(0, 3), fc.nat(), seedArb), ([shape, k, seed]) => {
      const d = k % (shape.length + 1);
      check((a, b) => ag.stack([a, b, a], d), [normal64(shape, seed), normal64(shape, seed + 1)]);
    });
  });

  it('split (by size and by sections) and chunk, pieces weighted and joined again', () => {
    property(fc.tuple(shapeArb(1, 3, 6), fc.nat(), fc.integer({ min: 1, max: 4 }), seedArb), ([shape, k, size, seed]) => {
      const d = k % shape.length;
      const weigh = (pieces: ag.Variable[]) =>
        ag.cat(
          pieces.map((p, i) => p.mul(i + 1)),
          d,
        );
      check((x) => weigh(x.split(size, d)), [normal64(shape, seed)]);
      check((x) => weigh(x.chunk(size, d)), [normal64(shape, seed)]);
      const n = shape[d];
      check(
        (x) =>
          weigh(
            ag.split(
              x,
              [n - 1, 1].filter((s) => s > 0),
              d,
            ),
          ),
        [normal64(shape, seed)],
      );
    });
  });

  it('a split piece left unused gets a zero gradient', () => {
    const x = ag.parameter(normal64([4], 1));
    const [a] = x.split(2);
    a.sum().backward();
    expect(Array.from(x.grad?.dataSync() ?? [])).toEqual([1, 1, 0, 0]);
  });
});
