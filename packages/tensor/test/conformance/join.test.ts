/** pad, cat, stack, split and chunk over random views, against index-arithmetic oracles. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { cat, chunk, pad, split, stack, type Tensor, tensor } from '../../src/index.js';
import { LARGE_SHAPES, type ShapeOptions, seedArb, shapeArb, type ViewSpec, viewArb, viewOracle } from '../support/arbitraries.js';
import { EXACT, expectHostClose } from '../support/expect-close.js';
import { describeBackends, property } from '../support/harness.js';
import { at, build, type HostTensor, host, randomHost } from '../support/host.js';

const padCase = (shapes: ShapeOptions) =>
  shapeArb(shapes).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      view: viewArb(shape),
      // (before, after) pairs for the last k dims, F.pad order (last dim first)
      pads: fc
        .integer({ min: 1, max: shape.length })
        .chain((k) => fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2 * k, maxLength: 2 * k })),
      value: fc.constantFrom(0, -1.5),
      seed: seedArb,
    }),
  );

/** Shapes equal except along `dim`, where each piece has its own size (0 allowed: cat skips empty pieces). */
const catCase = (shapes: ShapeOptions) =>
  shapeArb(shapes).chain((shape) =>
    fc
      .record({
        shape: fc.constant(shape),
        dim: fc.nat(shape.length - 1),
        sizes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
        seed: seedArb,
      })
      .chain((c) => {
        const shapes = c.sizes.map((s) => shape.map((d, i) => (i === c.dim ? s : d)));
        return fc.record({ c: fc.constant(c), shapes: fc.constant(shapes), views: fc.tuple(...shapes.map((s) => viewArb(s))) });
      }),
  );

describeBackends('pad, cat, stack, split, chunk', (h) => {
  const checkPad = (shapes: ShapeOptions, numRuns: number) =>
    property(
      padCase(shapes),
      async ({ shape, view, pads, value, seed }) => {
        const base = randomHost(view.baseShape, seed);
        const [out] = await h.agree([base], (t) => pad(view.make(t), pads, value));
        const x = viewOracle(view, base, shape);
        const before = shape.map((_, d) => pads[2 * (shape.length - 1 - d)] ?? 0);
        const after = shape.map((_, d) => pads[2 * (shape.length - 1 - d) + 1] ?? 0);
        const want = build(
          shape.map((n, d) => n + before[d] + after[d]),
          'float32',
          (i) => {
            const src = i.map((v, d) => v - before[d]);
            return src.every((v, d) => v >= 0 && v < shape[d]) ? at(x, src) : value;
          },
        );
        expectHostClose(out, want, EXACT, `pad ${view.label} by [${pads}]`);
      },
      numRuns,
    );

  it('pad: constant borders on the last dims of a view', () => checkPad({ minRank: 1, maxRank: 4, maxDim: 3 }, 40));
  it('pad: constant borders on the last dims of a view — larger shapes', () => checkPad(LARGE_SHAPES, 4));

  const checkCat = (shapes: ShapeOptions, numRuns: number) =>
    property(
      catCase(shapes),
      async ({ c, shapes, views }) => {
        const bases = views.map((v: ViewSpec, k: number) => randomHost(v.baseShape, c.seed + k));
        const outs = await h.agree(bases, (...ts) => {
          const joined = cat(
            ts.map((t, k) => views[k].make(t)),
            c.dim - shapes[0].length,
          );
          return [joined, ...split(joined, c.sizes, c.dim)];
        });
        const pieces: HostTensor[] = views.map((v: ViewSpec, k: number) => viewOracle(v, bases[k], shapes[k]));
        const starts = c.sizes.map((_, k) => c.sizes.slice(0, k).reduce((a, b) => a + b, 0));
        const outShape = shapes[0].map((d, i) => (i === c.dim ? starts[starts.length - 1] + c.sizes[c.sizes.length - 1] : d));
        const want = build(outShape, 'float32', (i) => {
          let k = c.sizes.length - 1;
          while (starts[k] > i[c.dim] || c.sizes[k] === 0) k--;
          return at(
            pieces[k],
            i.map((v, d) => (d === c.dim ? v - starts[k] : v)),
          );
        });
        const label = `cat of [${shapes.map((s) => `[${s}]`)}] along ${c.dim}`;
        expectHostClose(outs[0], want, EXACT, label);
        for (const [k, p] of pieces.entries()) expectHostClose(outs[k + 1], p, EXACT, `piece ${k} of split(${label})`);
      },
      numRuns,
    );

  it('cat of views along any dim, and split by the same sizes gives the pieces back', () =>
    checkCat({ minRank: 1, maxRank: 3, maxDim: 3 }, 40));
  it('cat of views along any dim, and split by the same sizes gives the pieces back — larger shapes', () => checkCat(LARGE_SHAPES, 4));

  it('stack adds a dim; int32 stays int32', async () => {
    const a = host([2, 2], [1, 2, 3, 4], 'int32');
    const b = host([2, 2], [5, 6, 7, 8], 'int32');
    const [s0, s2] = await h.agree([a, b], (x, y) => [stack([x, y]), stack([x, y.T], -1)]);
    expectHostClose(s0, host([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8], 'int32'), EXACT);
    expectHostClose(s2, host([2, 2, 2], [1, 5, 2, 7, 3, 6, 4, 8], 'int32'), EXACT);
  });

  it('split and chunk piece sizes follow PyTorch, empty dims included', async () => {
    const sizes = async (shape: number[], f: (t: Tensor) => Tensor[]) => {
      const outs = await h.agree([randomHost(shape, 1)], (t) => f(t));
      return outs.map((o) => o.shape);
    };
    expect(await sizes([5], (t) => split(t, 2))).toEqual([[2], [2], [1]]);
    expect(await sizes([5], (t) => chunk(t, 3))).toEqual([[2], [2], [1]]);
    expect(await sizes([6], (t) => chunk(t, 4))).toEqual([[2], [2], [2]]);
    expect(await sizes([2, 7], (t) => split(t, [3, 0, 4], 1))).toEqual([
      [2, 3],
      [2, 0],
      [2, 4],
    ]);
    expect(await sizes([0, 3], (t) => split(t, 2))).toEqual([[0, 3]]);
    expect(await sizes([4, 0], (t) => chunk(t, 3, 1))).toEqual([
      [4, 0],
      [4, 0],
      [4, 0],
    ]);
  });

  it('errors name the op and the shapes', () => {
    const on = { backend: h.backend };
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32', on);
    const b = tensor([1, 2, 3, 4], [2, 2], 'float32', on);
    const i = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32', on);
    expect(() => cat([a, b], 0)).toThrow(/cat: shapes \[2,3\], \[2,2\] differ outside dim 0/);
    expect(() => cat([a, i], 0)).toThrow(/cat: dtypes differ \(float32 and int32\)/);
    expect(() => cat([a, a], 2)).toThrow(/cat: dim 2 is out of range for a tensor of rank 2/);
    expect(() => cat([])).toThrow(/cat: expected a non-empty list of tensors/);
    expect(() => stack([a, b])).toThrow(/stack: shapes differ \(\[2,3\], \[2,2\]\)/);
    expect(() => split(a, [1, 1], 1)).toThrow(/split: sizes \[1,1\] sum to 2, but dim 1 has 3 \(shape \[2,3\]\)/);
    expect(() => chunk(a, 0)).toThrow(/chunk: chunks must be a positive integer, got 0/);
    expect(() => pad(a, [1])).toThrow(/pad: 1 pad values do not fit a tensor of shape \[2,3\]/);
    expect(() => pad(a, [1, -1])).toThrow(/pad: pads must be non-negative integers, got \[1,-1\]/);
    for (const t of [a, b, i]) t.dispose();
  });
});
