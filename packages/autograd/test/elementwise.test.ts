import { tensor } from '@setr-ts/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Variable, VariableLike } from '../src/index.js';
import * as ag from '../src/index.js';
import { arranged, broadcastPairArb, check, layoutArb, normal64, positive64, property, seedArb, shapeArb } from './support/check.js';

/** Unary ops and the inputs they are checked on (log and the roots need positive numbers). */
const UNARY: [string, (x: Variable) => Variable, 'normal' | 'positive'][] = [
  ['neg', ag.neg, 'normal'],
  ['exp', ag.exp, 'normal'],
  ['log', ag.log, 'positive'],
  ['sqrt', ag.sqrt, 'positive'],
  ['rsqrt', ag.rsqrt, 'positive'],
  ['abs', ag.abs, 'normal'],
  ['tanh', ag.tanh, 'normal'],
  ['sigmoid', ag.sigmoid, 'normal'],
  ['erf', ag.erf, 'normal'],
  ['relu', ag.relu, 'normal'],
  ['gelu', ag.gelu, 'normal'],
  ['square', ag.square, 'normal'],
  ['clamp(-0.5, 0.5)', (x) => x.clamp(-0.5, 0.5), 'normal'],
  ['clamp(min 0.2)', (x) => x.clamp(0.2), 'normal'],
  ['clamp(max -0.1)', (x) => ag.clamp(x, undefined, -0.1), 'normal'],
];

describe('unary ops: gradcheck on random shapes and layouts', () => {
  for (const [name, op, domain] of UNARY) {
    it(name, () => {
      property(fc.tuple(shapeArb(0, 3), layoutArb, seedArb), ([shape, layout, seed]) => {
        const { paramShape, arrange } = arranged(layout, shape);
        const x = domain === 'positive' ? positive64(paramShape, seed) : normal64(paramShape, seed);
        check((p) => op(arrange(p)), [x]);
      });
    });
  }
});

/** Binary ops, with the domain of each operand. */
const BINARY: [string, (a: VariableLike, b: VariableLike) => Variable, 'normal' | 'positive', 'normal' | 'positive'][] = [
  ['add', ag.add, 'normal', 'normal'],
  ['sub', ag.sub, 'normal', 'normal'],
  ['mul', ag.mul, 'normal', 'normal'],
  ['div', ag.div, 'normal', 'positive'],
  ['pow', ag.pow, 'positive', 'normal'],
  ['maximum', ag.maximum, 'normal', 'normal'],
  ['minimum', ag.minimum, 'normal', 'normal'],
];

const input = (domain: 'normal' | 'positive', shape: readonly number[], seed: number) =>
  domain === 'positive' ? positive64(shape, seed) : normal64(shape, seed);

describe('binary ops: gradcheck with broadcast operands and non-contiguous inputs', () => {
  for (const [name, op, da, db] of BINARY) {
    it(name, () => {
      property(fc.tuple(broadcastPairArb, layoutArb, seedArb), ([[sa, sb], layout, seed]) => {
        const { paramShape, arrange } = arranged(layout, sa);
        check((a, b) => op(arrange(a), b), [input(da, paramShape, seed), input(db, sb, seed + 1)]);
      });
    });
    it(`${name} with a number and with a constant tensor`, () => {
      property(
        fc.tuple(shapeArb(1, 3), seedArb),
        ([shape, seed]) => {
          const constant = input(db, shape.slice(1), seed + 2);
          check((a) => op(a, ag.variable(constant)).add(op(a, 1.5)), [input(da, shape, seed)]);
          constant.dispose();
        },
        6,
      );
    });
  }

  it('numbers on the left: 2 − x, 3 / x, 2 ^ x', () => {
    property(
      fc.tuple(shapeArb(1, 2), seedArb),
      ([shape, seed]) => {
        check((x) => ag.sub(2, x).add(ag.div(3, x)).add(ag.pow(2, x)), [positive64(shape, seed)]);
      },
      6,
    );
  });

  it('where: each side gets the gradient where the mask picks it, broadcast back', () => {
    property(fc.tuple(broadcastPairArb, seedArb), ([[sa, sb], seed]) => {
      const m = normal64(sa.length >= sb.length ? sa : sb, seed + 7);
      const mask = m.gt(0);
      check((a, b) => ag.where(mask, a, b), [normal64(sa, seed), normal64(sb, seed + 1)]);
      m.dispose();
      mask.dispose();
    });
  });
});

describe('gradients at ties and kinks (PyTorch conventions)', () => {
  it('maximum and minimum split the gradient evenly on ties', () => {
    const a = ag.parameter(tensor([1, 2, 3]));
    const b = ag.parameter(tensor([1, 5, 0]));
    ag.maximum(a, b).sum().backward();
    expect(Array.from(a.grad?.dataSync() ?? [])).toEqual([0.5, 0, 1]);
    expect(Array.from(b.grad?.dataSync() ?? [])).toEqual([0.5, 1, 0]);
    const c = ag.parameter(tensor([1, 2, 3]));
    ag.minimum(c, 2).sum().backward();
    expect(Array.from(c.grad?.dataSync() ?? [])).toEqual([1, 0.5, 0]);
  });

  it('maximum(x, x) has gradient 1 (the two halves add up)', () => {
    const x = ag.parameter(tensor([-1, 0, 4]));
    ag.maximum(x, x).sum().backward();
    expect(Array.from(x.grad?.dataSync() ?? [])).toEqual([1, 1, 1]);
  });

  it('clamp passes the gradient at its bounds; relu and abs give 0 at 0', () => {
    const x = ag.parameter(tensor([-2, -1, 0, 1, 2]));
    x.clamp(-1, 1).sum().backward();
    expect(Array.from(x.grad?.dataSync() ?? [])).toEqual([0, 1, 1, 1, 0]);
    const y = ag.parameter(tensor([-1, 0, 1]));
    y.relu().add(y.abs()).sum().backward();
    expect(Array.from(y.grad?.dataSync() ?? [])).toEqual([-1, 0, 2]);
  });

  it("pow's exponent gradient is 0 where the base is 0 (not NaN)", () => {
    const base = tensor([0, 2]);
    const e = ag.parameter(tensor([2, 3]));
    ag.pow(ag.variable(base), e).sum().backward();
    expect(Array.from(e.grad?.dataSync() ?? [])).toEqual([0, Math.fround(8 * Math.log(2))]);
  });
});
