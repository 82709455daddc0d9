/**
 * Elementwise ops and broadcasting. Random pairs of shapes broadcast in both directions, each
 * operand a random non-contiguous view; the result must match a scalar oracle applied through the
 * broadcasting rule (and, off the reference, the reference backend).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import * as ops from '../../src/index.js';
import { type BinaryOp, type DType, type Tensor, tensor, type UnaryOp, where } from '../../src/index.js';
import { broadcastPairArb, LARGE_SHAPES, type ShapeOptions, seedArb, shapeArb, viewArb, viewOracle } from '../support/arbitraries.js';
import { EXACT, expectHostClose } from '../support/expect-close.js';
import { describeBackends, property } from '../support/harness.js';
import { broadcastAt, broadcastShape, build, host, randomHost } from '../support/host.js';
import { BINARY_ORACLE, COMPARISON_OPS, type Domain, INT_UNARY, looser, ORACLE_TOL, UNARY_ORACLE } from '../support/oracle.js';

const UNARY_OPS = Object.keys(UNARY_ORACLE) as UnaryOp[];
const BINARY_OPS = Object.keys(BINARY_ORACLE) as BinaryOp[];

/** Random base values for an operand: small integers for int32 and for comparisons (so ties happen). */
function values(shape: readonly number[], seed: number, dtype: DType, domain: Domain | undefined, ties: boolean) {
  if (ties) {
    const ints = randomHost(shape, seed, { dtype: 'int32', min: -2, max: 3 });
    return dtype === 'int32' ? ints : host(shape, ints.data);
  }
  if (dtype === 'int32') return randomHost(shape, seed, { dtype, min: domain ? 1 : -4, max: 5 });
  return randomHost(shape, seed, { ...domain, dtype });
}

const binaryCase = (shapes: ShapeOptions) =>
  broadcastPairArb(shapes).chain(([sa, sb]) =>
    fc.record({
      sa: fc.constant(sa),
      sb: fc.constant(sb),
      va: viewArb(sa),
      vb: viewArb(sb),
      op: fc.constantFrom(...BINARY_OPS),
      dtypes: fc.constantFrom<[DType, DType]>(['float32', 'float32'], ['float32', 'float32'], ['int32', 'int32'], ['int32', 'float32']),
      seed: seedArb,
    }),
  );

const unaryCase = (shapes: ShapeOptions) =>
  shapeArb(shapes).chain((shape) =>
    fc.record({ shape: fc.constant(shape), view: viewArb(shape), op: fc.constantFrom(...UNARY_OPS), int: fc.boolean(), seed: seedArb }),
  );

describeBackends('elementwise', (h) => {
  const checkBinary = (shapes: ShapeOptions, numRuns: number) =>
    property(
      binaryCase(shapes),
      async ({ sa, sb, va, vb, op, dtypes, seed }) => {
        const { f, a: da, b: db } = BINARY_ORACLE[op];
        const ties = COMPARISON_OPS.includes(op);
        const baseA = values(va.baseShape, seed, dtypes[0], da, ties);
        const baseB = values(vb.baseShape, seed + 1, dtypes[1], db, ties);
        const [out] = await h.agree([baseA, baseB], (x, y) => ops.binary(op, va.make(x), vb.make(y)));
        const [a, b] = [viewOracle(va, baseA, sa), viewOracle(vb, baseB, sb)];
        const intResult = ties || (dtypes[0] === 'int32' && dtypes[1] === 'int32' && !['div', 'pow', 'geluBackward'].includes(op));
        const want = build(broadcastShape(sa, sb), intResult ? 'int32' : 'float32', (i) => f(broadcastAt(a, i), broadcastAt(b, i)));
        expectHostClose(out, want, intResult ? EXACT : looser(h.tol, ORACLE_TOL), `${op}(${va.label}, ${vb.label})`);
      },
      numRuns,
    );

  it('binary ops broadcast both ways over views, with PyTorch dtype promotion', () => checkBinary({ maxRank: 3, maxDim: 4 }, 80));
  it('binary ops broadcast both ways over views, with PyTorch dtype promotion — larger shapes', () => checkBinary(LARGE_SHAPES, 4));

  const checkUnary = (shapes: ShapeOptions, numRuns: number) =>
    property(
      unaryCase(shapes),
      async ({ shape, view, op, int, seed }) => {
        const { f, domain } = UNARY_ORACLE[op];
        const base = int
          ? randomHost(view.baseShape, seed, { dtype: 'int32', min: domain ? 1 : -4, max: 5 })
          : randomHost(view.baseShape, seed, domain);
        const [out] = await h.agree([base], (x) => ops.unary(op, view.make(x)));
        const keepsInt = int && INT_UNARY.includes(op);
        const x = viewOracle(view, base, shape);
        const want = build(shape, keepsInt ? 'int32' : 'float32', (i) => f(broadcastAt(x, i)));
        expectHostClose(out, want, keepsInt ? EXACT : looser(h.tol, ORACLE_TOL), `${op}(${view.label})`);
      },
      numRuns,
    );

  it('unary ops over views; int32 stays int32 for neg/abs/sign/relu and becomes float32 otherwise', () =>
    checkUnary({ maxRank: 4, maxDim: 4 }, 60));
  it('unary ops over views; int32 stays int32 for neg/abs/sign/relu and becomes float32 otherwise — larger shapes', () =>
    checkUnary(LARGE_SHAPES, 4));

  it('number operands: a float tensor keeps its dtype, an int32 tensor meets a fraction as float32', async () => {
    const i = host([3], [1, 2, 3], 'int32');
    const outs = await h.agree([i], (x) => [x.add(2), x.mul(0.5), ops.sub(10, x), x.div(2), x.float().pow(2), x.lt(2)]);
    expect(outs.map((o) => o.dtype)).toEqual(['int32', 'float32', 'int32', 'float32', 'float32', 'int32']);
    expect(outs.map((o) => Array.from(o.data))).toEqual([
      [3, 4, 5],
      [0.5, 1, 1.5],
      [9, 8, 7],
      [0.5, 1, 1.5],
      [1, 4, 9],
      [1, 0, 0],
    ]);
  });

  it('special values follow IEEE and PyTorch: inf, -inf, NaN, NaN-propagating maximum', async () => {
    const x = host([6], [0, -1, 100, Number.NaN, Number.POSITIVE_INFINITY, 1]);
    const [lg, sq, ex, mx, dv, sg] = await h.agree([x], (t) => [t.log(), t.sqrt(), t.exp(), t.maximum(0), ops.div(1, t), t.sigmoid()]);
    const inf = Number.POSITIVE_INFINITY;
    const nan = Number.NaN;
    const tol = looser(h.tol, ORACLE_TOL);
    expectHostClose(lg, host([6], [-inf, nan, Math.log(100), nan, inf, 0]), tol, 'log');
    expectHostClose(sq, host([6], [0, nan, 10, nan, inf, 1]), tol, 'sqrt');
    expectHostClose(ex, host([6], [1, Math.exp(-1), inf, nan, inf, Math.E]), tol, 'exp');
    expectHostClose(mx, host([6], [0, 0, 100, nan, inf, 1]), tol, 'maximum');
    expectHostClose(dv, host([6], [inf, -1, 0.01, nan, 0, 1]), tol, 'div');
    expectHostClose(sg, host([6], [0.5, 1 / (1 + Math.E), 1, nan, 1, 1 / (1 + Math.exp(-1))]), tol, 'sigmoid');
  });

  it('where broadcasts its condition and both branches; clamp and square', async () => {
    const cond = host([3, 1], [1, 0, 1], 'int32');
    const a = randomHost([1, 4], 3);
    const b = host([], [-9]);
    const [w, c, s] = await h.agree([cond, a, b], (k, x, y) => [where(k, x, y), x.clamp(-1, 0.5), x.square()]);
    const want = build([3, 4], 'float32', (i) => (i[0] === 1 ? -9 : a.data[i[1]]));
    expectHostClose(w, want, EXACT, 'where');
    expectHostClose(
      c,
      build([1, 4], 'float32', (i) => Math.min(Math.max(a.data[i[1]], -1), 0.5)),
      EXACT,
      'clamp',
    );
    expectHostClose(
      s,
      build([1, 4], 'float32', (i) => a.data[i[1]] ** 2),
      looser(h.tol, ORACLE_TOL),
      'square',
    );
  });

  it('empty and 0-d operands', async () => {
    const [e, z] = await h.agree([host([0, 3], []), host([1, 3], [1, 2, 3]), host([], [2])], (x, y, s) => [x.add(y), y.mul(s)]);
    expect(e.shape).toEqual([0, 3]);
    expectHostClose(z, host([1, 3], [2, 4, 6]), EXACT);
  });

  it('errors name the op and the shapes', () => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32', { backend: h.backend });
    const b = tensor([1, 2, 3, 4], [4, 1], 'float32', { backend: h.backend });
    expect(() => a.add(b.T)).toThrow(/add: shapes \[2,3\] and \[1,4\] cannot be broadcast together/);
    expect(() => a.mul(b.reshape(2, 2))).toThrow(/mul: shapes \[2,3\] and \[2,2\] cannot be broadcast together/);
    expect(() => a.clamp()).toThrow(/clamp: give at least one of min and max/);
    expect(() => a.clamp(2, 1)).toThrow(/clamp: min 2 is greater than max 1/);
    if (!h.isReference) {
      const r = tensor([1, 2, 3], undefined, 'float32', { backend: 'reference' });
      expect(() => a.add(r)).toThrow(new RegExp(`add: operands live on different backends \\(${h.backend.name} and reference\\)`));
      r.dispose();
    }
    const dead: Tensor = a.add(1);
    dead.dispose();
    expect(() => dead.exp()).toThrow(/exp: tensor \d+ of shape \[2,3\] was disposed/);
    a.dispose();
    b.dispose();
  });
});
