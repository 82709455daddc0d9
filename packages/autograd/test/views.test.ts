import { tensor } from '@setr-ts/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { arranged, check, layoutArb, normal64, property, seedArb, shapeArb } from './support/check.js';

const caseArb = (minRank: number) => fc.tuple(shapeArb(minRank, 4), layoutArb, seedArb);

describe('views: gradcheck on random shapes and layouts', () => {
  it('reshape and view (to the reversed dims, and flat with -1)', () => {
    property(caseArb(1), ([shape, layout, seed]) => {
      const { paramShape, arrange } = arranged(layout, shape);
      check(
        (p) =>
          arrange(p)
            .reshape([...shape].reverse())
            .mul(
              arrange(p)
                .reshape(-1)
                .reshape(shape)
                .reshape([...shape].reverse()),
            ),
        [normal64(paramShape, seed)],
      );
      check((p) => p.contiguous().view(-1), [normal64(shape, seed)]);
    });
  });

  it('permute (a random order) and transpose', () => {
    property(fc.tuple(shapeArb(1, 4), layoutArb, seedArb, fc.integer()), ([shape, layout, seed, k]) => {
      const order = shape.map((_, i) => i).sort((a, b) => ((a * 7919 + k) % 13) - ((b * 7919 + k) % 13));
      const { paramShape, arrange } = arranged(layout, shape);
      check((p) => arrange(p).permute(order).transpose(0, -1), [normal64(paramShape, seed)]);
    });
  });

  it('expand (new leading dims and stretched ones)', () => {
    property(fc.tuple(shapeArb(1, 3), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), seedArb), ([target, ones, seed]) => {
      const source = target.map((d, i) => (ones[i] ? 1 : d)).slice(1);
      check((p) => p.expand([2, ...target.slice(1)]), [normal64(source, seed)]);
    });
  });

  it('narrow and slice (negative start, step, clamped end)', () => {
    property(
      fc.tuple(shapeArb(1, 3, 6), layoutArb, seedArb, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 3 })),
      ([shape, layout, seed, s, l, step]) => {
        const d = shape.length - 1;
        const n = shape[d];
        const start = s % n;
        const length = 1 + (l % (n - start));
        const { paramShape, arrange } = arranged(layout, shape);
        check(
          (p) =>
            arrange(p)
              .narrow(d, start - n, length)
              .mul(2),
          [normal64(paramShape, seed)],
        );
        const from = (s % (2 * shape[0])) - shape[0]; // in [-n, n): negative starts count from the end
        check((p) => arrange(p).slice(0, from, 100, step), [normal64(paramShape, seed)]);
      },
    );
  });

  it('squeeze, unsqueeze, flatten', () => {
    property(caseArb(1), ([shape, layout, seed]) => {
      const { paramShape, arrange } = arranged(layout, [...shape, 1]);
      check((p) => arrange(p).squeeze(-1).unsqueeze(0).flatten(0, -1), [normal64(paramShape, seed)]);
      check((p) => arrange(p).squeeze(), [normal64(paramShape, seed)]);
    });
  });

  it('contiguous and clone of a non-contiguous view', () => {
    property(caseArb(2), ([shape, layout, seed]) => {
      const { paramShape, arrange } = arranged(layout, shape);
      check((p) => arrange(p).contiguous().mul(arrange(p).clone()), [normal64(paramShape, seed)]);
    });
  });
});

describe('cast', () => {
  it('float64 → float32 gives a float32 result whose gradient returns as float64', () => {
    const x = ag.parameter(tensor([1, 2], undefined, 'float64'));
    const y = x.float();
    expect(y.dtype).toBe('float32');
    y.mul(3).sum().backward();
    expect(x.grad?.dtype).toBe('float64');
    expect(Array.from(x.grad?.dataSync() ?? [])).toEqual([3, 3]);
  });
  it('to int32 is a constant', () => {
    const x = ag.parameter(tensor([1.5, 2.5]));
    const i = x.to('int32');
    expect(i.requiresGrad).toBe(false);
    expect(i.gradFn).toBe(null);
  });
});
