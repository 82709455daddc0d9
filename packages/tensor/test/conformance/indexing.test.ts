/**
 * gather, indexSelect, scatterAdd and oneHot. Besides oracles, the adjoint identity
 * ⟨gather(x, i), s⟩ = ⟨x, scatterAdd(i, s)⟩ checks that scatterAdd accumulates repeated indices.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { gather, indexSelect, oneHot, scatterAdd, tensor } from '../../src/index.js';
import { expectAdjoint } from '../support/adjoint.js';
import { LARGE_SHAPES, type ShapeOptions, seedArb, shapeArb, viewArb, viewOracle } from '../support/arbitraries.js';
import { EXACT, expectHostClose } from '../support/expect-close.js';
import { describeBackends, property } from '../support/harness.js';
import { at, build, host, randomHost } from '../support/host.js';
import { expectOpError } from '../support/op-error.js';

/** x's shape, a dim, and an index shape of the same rank that fits x outside `dim`. */
const gatherCase = (shapes: ShapeOptions) =>
  shapeArb(shapes).chain((shape) =>
    fc.nat(shape.length - 1).chain((dim) =>
      fc.tuple(...shape.map((n, d) => (d === dim ? fc.integer({ min: 1, max: 5 }) : fc.integer({ min: 1, max: n })))).chain((ishape) =>
        fc.record({
          shape: fc.constant(shape),
          dim: fc.constant(dim),
          ishape: fc.constant(ishape),
          xView: viewArb(shape),
          iView: viewArb(ishape),
          seed: seedArb,
        }),
      ),
    ),
  );

describeBackends('gather, indexSelect, scatterAdd, oneHot', (h) => {
  const checkGather = (shapes: ShapeOptions, numRuns: number) =>
    property(
      gatherCase(shapes),
      async ({ shape, dim, ishape, xView, iView, seed }) => {
        const xBase = randomHost(xView.baseShape, seed);
        const iBase = randomHost(iView.baseShape, seed + 1, { dtype: 'int32', min: 0, max: shape[dim] });
        const src = randomHost(ishape, seed + 2);
        const [g, sa] = await h.agree([xBase, iBase, src], (x, i, s) => {
          const index = iView.make(i);
          return [gather(xView.make(x), dim, index), scatterAdd(shape, dim, index, s)];
        });
        const x = viewOracle(xView, xBase, shape);
        const index = viewOracle(iView, iBase, ishape);
        const label = `dim ${dim}, x [${shape}] (${xView.label}), index [${ishape}] (${iView.label})`;
        expectHostClose(
          g,
          build(ishape, 'float32', (i) =>
            at(
              x,
              i.map((v, d) => (d === dim ? at(index, i) : v)),
            ),
          ),
          EXACT,
          `gather ${label}`,
        );
        expectAdjoint(g.data, src.data, x.data, sa.data, `gather and scatterAdd, ${label}`);
      },
      numRuns,
    );

  it('gather reads and scatterAdd accumulates along any dim, through views of x and of the index', () =>
    checkGather({ minRank: 1, maxRank: 3, maxDim: 4 }, 50));
  it('gather reads and scatterAdd accumulates along any dim, through views of x and of the index — larger shapes', () =>
    checkGather(LARGE_SHAPES, 4));

  it('scatterAdd sums repeated indices; indexSelect repeats rows; oneHot', async () => {
    const index = host([2, 3], [0, 2, 0, 0, 0, 1], 'int32');
    const src = host([2, 3], [1, 2, 3, 4, 5, 6]);
    const [s] = await h.agree([index, src], (i, v) => scatterAdd([3, 3], 0, i, v));
    expectHostClose(s, host([3, 3], [5, 5, 3, 0, 0, 6, 0, 2, 0]), EXACT);
    const x = host([3, 2], [1, 2, 3, 4, 5, 6]);
    const [sel, cols] = await h.agree([x, host([4], [2, 0, 2, 1], 'int32'), host([3], [1, 0, 1], 'int32')], (t, rows, c) => [
      indexSelect(t, 0, rows),
      indexSelect(t, -1, c),
    ]);
    expectHostClose(sel, host([4, 2], [5, 6, 1, 2, 5, 6, 3, 4]), EXACT);
    expectHostClose(cols, host([3, 3], [2, 1, 2, 4, 3, 4, 6, 5, 6]), EXACT);
    const [oh] = await h.agree([host([2, 2], [0, 3, 2, 2], 'int32')], (l) => oneHot(l, 4));
    expectHostClose(oh, host([2, 2, 4], [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0], 'int32'), EXACT);
  });

  it('bad indices are errors that name the op and the index, never reads out of bounds', async () => {
    const on = { backend: h.backend };
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32', on);
    const far = tensor([[0, 3]], undefined, 'int32', on);
    const negative = tensor([[-1, 0]], undefined, 'int32', on);
    const float = tensor([[0, 1]], undefined, 'float32', on);
    const flat = tensor([0, 1], undefined, 'int32', on);
    await expectOpError(() => gather(x, 1, far), /gather: index 3 is out of range for dim 1 of size 3/);
    await expectOpError(() => gather(x, 1, negative), /gather: index -1 is out of range for dim 1 of size 3/);
    await expectOpError(() => scatterAdd([2, 3], 1, far, float), /scatterAdd: index 3 is out of range for dim 1 of size 3/);
    expect(() => gather(x, 1, float)).toThrow(/gather: expected dtype int32, got float32/);
    expect(() => gather(x, 1, flat)).toThrow(/gather: index \[2\] must have the rank of input \[2,3\]/);
    expect(() => gather(x, 2, far)).toThrow(/gather: dim 2 is out of range for a tensor of rank 2/);
    expect(() => scatterAdd([2, 3], 1, far, x)).toThrow(/scatterAdd: index \[1,2\] and src \[2,3\] must match/);
    expect(() => indexSelect(x, 0, far)).toThrow(/indexSelect: index must be 1-D, got \[1,2\]/);
    expect(() => oneHot(flat, 0)).toThrow(/oneHot: numClasses must be a positive integer, got 0/);
    await expectOpError(() => oneHot(far, 3), /index 3 is out of range for dim 2 of size 3/);
    await expectOpError(() => oneHot(negative, 3), /index -1 is out of range for dim 2 of size 3/);
    expect(() => oneHot(float, 2)).toThrow(/oneHot: expected dtype int32, got float32/);
    for (const t of [x, far, negative, float, flat]) t.dispose();
  });
});
