import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as ag from '../src/index.js';
import { arranged, check, layoutArb, normal64, property, seedArb, shapeArb } from './support/check.js';

describe('softmax, logSoftmax, layerNorm: gradcheck', () => {
  for (const [name, op] of [
    ['softmax', ag.softmax],
    ['logSoftmax', ag.logSoftmax],
  ] as const) {
    it(`${name} along a random dim and layout`, () => {
      property(fc.tuple(shapeArb(1, 3), fc.nat(), layoutArb, seedArb), ([shape, k, layout, seed]) => {
        const { paramShape, arrange } = arranged(layout, shape);
        check((p) => op(arrange(p), (k % shape.length) - shape.length), [normal64(paramShape, seed)]);
      });
    });
  }

  it('layerNorm over 1 or 2 trailing dims, with and without weight and bias', () => {
    property(
      fc.tuple(shapeArb(1, 3), fc.integer({ min: 1, max: 2 }), fc.boolean(), fc.boolean(), layoutArb, seedArb),
      ([shape, k, hasW, hasB, layout, seed]) => {
        const norm = shape.slice(Math.max(0, shape.length - k));
        if (norm.reduce((a, b) => a * b, 1) < 2) return; // one element normalises to 0 whatever it is
        const { paramShape, arrange } = arranged(layout, shape);
        const inputs = [normal64(paramShape, seed)];
        if (hasW) inputs.push(normal64(norm, seed + 1));
        if (hasB) inputs.push(normal64(norm, seed + 2));
        check((x, ...wb) => ag.layerNorm(arrange(x), norm, hasW ? wb[0] : null, hasB ? wb[hasW ? 1 : 0] : null), inputs);
      },
    );
  });
});
