/**
 * Reductions over any set of dims (sum, mean, max, min, argmax, argmin, var, logsumexp) of random
 * views, against oracles that fold the reduced elements in float64.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type Tensor, tensor } from '../../src/index.js';
import { LARGE_SHAPES, type ShapeOptions, seedArb, shapeArb, viewArb, viewOracle } from '../support/arbitraries.js';
import { EXACT, expectHostClose } from '../support/expect-close.js';
import { describeBackends, property } from '../support/harness.js';
import { host, hostReduce, randomHost, sizeOf } from '../support/host.js';
import { looser, ORACLE_TOL } from '../support/oracle.js';
import { summed } from '../support/tolerance.js';

type Fold = (v: number[]) => number;
const total: Fold = (v) => v.reduce((a, b) => a + b, 0);
const meanOf: Fold = (v) => total(v) / v.length;
const firstIndexOf =
  (better: (a: number, b: number) => boolean): Fold =>
  (v) =>
    v.reduce((best, x, i) => (better(x, v[best]) ? i : best), 0);

/** The op on the tensor side and its oracle fold; `int` marks int32 results. */
const REDUCTIONS: Record<string, { op: (t: Tensor, dims: number[] | undefined, keep: boolean) => Tensor; fold: Fold; int?: boolean }> = {
  sum: { op: (t, d, k) => t.sum(d, k), fold: total },
  mean: { op: (t, d, k) => t.mean(d, k), fold: meanOf },
  max: { op: (t, d, k) => t.max(d, k), fold: (v) => Math.max(...v) },
  min: { op: (t, d, k) => t.min(d, k), fold: (v) => Math.min(...v) },
  var: { op: (t, d, k) => t.var(d, k), fold: (v) => total(v.map((x) => (x - meanOf(v)) ** 2)) / (v.length - 1) },
  logsumexp: {
    op: (t, d, k) => t.logsumexp(d ?? t.shape.map((_, i) => i), k),
    fold: (v) => Math.max(...v) + Math.log(total(v.map((x) => Math.exp(x - Math.max(...v))))),
  },
  argmax: { op: (t, d, k) => t.argmax(d?.[0], k), fold: firstIndexOf((a, b) => a > b), int: true },
  argmin: { op: (t, d, k) => t.argmin(d?.[0], k), fold: firstIndexOf((a, b) => a < b), int: true },
};

const reductionCase = (shapes: ShapeOptions) =>
  shapeArb(shapes).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      view: viewArb(shape),
      name: fc.constantFrom(...Object.keys(REDUCTIONS)),
      // undefined = all dims; otherwise a non-empty subset, some given as negative dims
      dims: fc.option(
        fc.subarray(
          shape.map((_, i) => i),
          { minLength: 1 },
        ),
        { nil: undefined },
      ),
      negative: fc.boolean(),
      keepdim: fc.boolean(),
      ties: fc.boolean(),
      seed: seedArb,
    }),
  );

describeBackends('reductions', (h) => {
  const checkReduction = (shapes: ShapeOptions, numRuns: number) =>
    property(
      reductionCase(shapes),
      async ({ shape, view, name, dims, negative, keepdim, ties, seed }) => {
        const { op, fold, int } = REDUCTIONS[name];
        // arg-reductions take one dim; over all dims they look at the flattened tensor
        const argDims = int && dims ? dims.slice(0, 1) : dims;
        const given = negative ? argDims?.map((d) => d - shape.length) : argDims;
        const base = ties
          ? host(view.baseShape, randomHost(view.baseShape, seed, { dtype: 'int32', min: -2, max: 2 }).data)
          : randomHost(view.baseShape, seed);
        const [out] = await h.agree([base], (t) => op(view.make(t), given, keepdim), summed(h.tol, sizeOf(shape)));
        const x = viewOracle(view, base, shape);
        const all = shape.map((_, i) => i);
        let want = hostReduce(x, argDims ?? all, keepdim, int ? 'int32' : 'float32', fold);
        if (int && argDims === undefined) {
          // over the flattened tensor; keepdim gives all-ones dims (PyTorch)
          const index = hostReduce(host([x.data.length], x.data), [0], false, 'int32', fold);
          want = host(keepdim ? shape.map(() => 1) : [], index.data, 'int32');
        }
        const tol = int ? EXACT : summed(looser(h.tol, { rtol: 1e-5, atol: 1e-6 }), sizeOf(shape));
        expectHostClose(out, want, tol, `${name}(${view.label}, dims ${given}, keepdim ${keepdim})`);
      },
      numRuns,
    );

  it('reduce random dims of random views, keepdim or not', () => checkReduction({ minRank: 1, maxRank: 4, maxDim: 4 }, 80));
  it('reduce random dims of random views, keepdim or not — larger shapes', () => checkReduction(LARGE_SHAPES, 4));

  it('int32: sum stays int32, mean is float32; max/argmax see NaN first (PyTorch propagates it); argmax over all dims', async () => {
    const i = host([2, 3], [1, 2, 3, 4, 5, 7], 'int32');
    const [s, m] = await h.agree([i], (t) => [t.sum(1), t.mean(1)]);
    expectHostClose(s, host([2], [6, 16], 'int32'), EXACT);
    expectHostClose(m, host([2], [2, 16 / 3]), looser(h.tol, ORACLE_TOL));
    const x = host([2, 3], [1, Number.NaN, 3, 5, 4, Number.NaN]);
    const [mx, am, mn] = await h.agree([x], (t) => [t.max(1), t.argmax(1), t.min(1)]);
    expectHostClose(mx, host([2], [Number.NaN, Number.NaN]), EXACT);
    expectHostClose(am, host([2], [1, 2], 'int32'), EXACT);
    expectHostClose(mn, host([2], [Number.NaN, Number.NaN]), EXACT);
    const [all, allKept] = await h.agree([host([2, 2], [1, 9, 9, 2])], (t) => [t.argmax(), t.argmax(undefined, true)]);
    expectHostClose(all, host([], [1], 'int32'), EXACT);
    expectHostClose(allKept, host([1, 1], [1], 'int32'), EXACT);
  });

  it('infinities: sums and maxima of rows holding ±inf are ±inf, inf − inf is NaN', async () => {
    const inf = Number.POSITIVE_INFINITY;
    const x = host([4, 3], [inf, 1, 2, -inf, 1, 2, inf, -inf, 0, -inf, -inf, -inf]);
    const [s, mx, mn, m] = await h.agree([x], (t) => [t.sum(1), t.max(1), t.min(1), t.mean(1)]);
    expectHostClose(s, host([4], [inf, -inf, Number.NaN, -inf]), EXACT, 'sum');
    expectHostClose(mx, host([4], [inf, 2, inf, -inf]), EXACT, 'max');
    expectHostClose(mn, host([4], [1, -inf, -inf, -inf]), EXACT, 'min');
    expectHostClose(m, host([4], [inf, -inf, Number.NaN, -inf]), EXACT, 'mean');
  });

  it('0-d input, empty dims: the sum of nothing is 0, the max of nothing is an error', async () => {
    const [s, e, k] = await h.agree([host([], [2.5]), host([3, 0], [])], (scalar, empty) => [
      scalar.sum(),
      empty.sum(1),
      empty.sum(0, true),
    ]);
    expectHostClose(s, host([], [2.5]), EXACT);
    expectHostClose(e, host([3], [0, 0, 0]), EXACT);
    expect(k.shape).toEqual([1, 0]);
    const t = tensor([], [3, 0], 'float32', { backend: h.backend });
    expect(() => t.max(1)).toThrow(/max: cannot reduce over an empty dim \(shape \[3,0\]\)/);
    t.dispose();
  });

  it('an empty dim list reduces over every dim, as PyTorch does for dim=[]', async () => {
    const [s, m] = await h.agree([host([2, 3], [1, 2, 3, 4, 5, 6])], (t) => [t.sum([]), t.mean([], true)]);
    expectHostClose(s, host([], [21]), EXACT);
    expectHostClose(m, host([1, 1], [3.5]), EXACT);
  });

  it('out-of-range dims are errors naming the op and the rank', () => {
    const t = tensor([1, 2, 3, 4], [2, 2], 'float32', { backend: h.backend });
    expect(() => t.sum(2)).toThrow(/sum: dim 2 is out of range for a tensor of rank 2/);
    expect(() => t.mean([0, -3])).toThrow(/mean: dim -3 is out of range for a tensor of rank 2/);
    expect(() => t.argmax(5)).toThrow(/argmax: dim 5 is out of range for a tensor of rank 2/);
    expect(() => t.logsumexp(1.5)).toThrow(/logsumexp: dim 1.5 is out of range/);
    t.dispose();
  });
});
