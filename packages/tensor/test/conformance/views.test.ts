/**
 * Views (transpose, permute, slice, narrow, expand, reshape, squeeze...) and the copies that
 * materialise them (contiguous, clone, cast). Every view is checked against an oracle that maps view
 * indices to base indices without strides, then read back through the backend's `contiguous`.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type Tensor, tensor } from '../../src/index.js';
import { LARGE_SHAPES, type ShapeOptions, seedArb, shapeArb, viewArb, viewOracle } from '../support/arbitraries.js';
import { EXACT, expectHostClose } from '../support/expect-close.js';
import { describeBackends, property } from '../support/harness.js';
import { host, randomHost } from '../support/host.js';

const viewCase = (shapes: ShapeOptions) => shapeArb(shapes).chain((shape) => fc.tuple(fc.constant(shape), viewArb(shape), seedArb));

describeBackends('views', (h) => {
  const checkView = (shapes: ShapeOptions, numRuns: number) =>
    property(
      viewCase(shapes),
      async ([shape, spec, seed]) => {
        const base = randomHost(spec.baseShape, seed);
        const outs = await h.run([base], (t) => {
          const v = spec.make(t);
          return [v, v.contiguous(), v.clone(), v.reshape(-1)];
        });
        const want = viewOracle(spec, base, shape);
        const label = `${spec.label} of [${spec.baseShape}]`;
        for (const out of outs.slice(0, 3)) expectHostClose(out, want, EXACT, label);
        expectHostClose(outs[3], host([want.data.length], want.data), EXACT, `reshape(-1) of ${label}`);
      },
      numRuns,
    );

  it('a view, its contiguous copy, its clone and a flattening reshape hold what the index map says', () =>
    checkView({ minRank: 1, maxRank: 4, maxDim: 4 }, 60));
  it('a view, its contiguous copy, its clone and a flattening reshape hold what the index map says — larger shapes', () =>
    checkView(LARGE_SHAPES, 4));

  it('casts views: float to int32 truncates toward zero, int32 to float is exact', async () => {
    const x = host([2, 3], [-2.7, -0.5, 0.5, 2.7, 7.9, -7.9]);
    const [i, back] = await h.run([x], (t) => {
      const c = t.T.to('int32');
      return [c, c.float()];
    });
    expectHostClose(i, host([3, 2], [-2, 2, 0, 7, 0, -7], 'int32'), EXACT);
    expectHostClose(back, host([3, 2], [-2, 2, 0, 7, 0, -7]), EXACT);
  });

  it('zero-copy views share the buffer; reshape of a transpose copies; view() refuses it', async () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32', { backend: h.backend });
    const r = x.reshape(3, 2);
    const t = x.T;
    const flat = t.reshape(-1);
    expect(r.dataId).toBe(x.dataId);
    expect(t.dataId).toBe(x.dataId);
    expect(t.isContiguous()).toBe(false);
    expect(flat.dataId).not.toBe(x.dataId);
    expect(Array.from(await flat.data())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(() => t.view(6)).toThrow(/view: size \[6\] is not compatible with the input's strides \[1,3\] \(shape \[3,2\]\)/);
    for (const v of [x, r, t, flat]) v.dispose();
  });

  it('squeeze, unsqueeze, flatten and -1 in reshape', async () => {
    const [a, b, c, d] = await h.run([randomHost([2, 1, 3, 1], 1)], (t) => [t.squeeze(), t.squeeze(1), t.unsqueeze(-1), t.flatten(1)]);
    expect(a.shape).toEqual([2, 3]);
    expect(b.shape).toEqual([2, 3, 1]);
    expect(c.shape).toEqual([2, 1, 3, 1, 1]);
    expect(d.shape).toEqual([2, 3]);
    const [e] = await h.run([randomHost([4, 6], 2)], (t) => t.reshape(2, -1, 3));
    expect(e.shape).toEqual([2, 4, 3]);
  });

  it('0-d and empty tensors', async () => {
    const [s, s1, e, et] = await h.run([host([], [3.5]), host([0, 3], [])], (scalar, empty) => [
      scalar.reshape(1),
      scalar.unsqueeze(0).expand(4),
      empty.reshape(3, 0),
      empty.T.contiguous(),
    ]);
    expectHostClose(s, host([1], [3.5]), EXACT);
    expectHostClose(s1, host([4], [3.5, 3.5, 3.5, 3.5]), EXACT);
    expectHostClose(e, host([3, 0], []), EXACT);
    expectHostClose(et, host([3, 0], []), EXACT);
  });

  it('errors name the op, the shapes and the dims', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32', { backend: h.backend });
    const cases: [() => Tensor, RegExp][] = [
      [() => x.reshape(4, 2), /reshape: shape \[4,2\] is invalid for input of shape \[2,3\] \(6 elements\)/],
      [() => x.reshape(-1, -1), /reshape: only one dimension can be -1/],
      [() => x.permute(0, 0), /permute: repeated dim in \[0,0\]/],
      [() => x.permute(0), /permute: got 1 dims \[0\] for a tensor of shape \[2,3\]/],
      [() => x.transpose(0, 2), /transpose: dim 2 is out of range for a tensor of rank 2/],
      [() => x.expand(4, 3), /expand: cannot expand \[2,3\] to \[4,3\] \(dim 0: 2 is not 1\)/],
      [() => x.narrow(1, 2, 2), /narrow: start 2 and length 2 out of range for dim 1 of size 3 \(shape \[2,3\]\)/],
      [() => x.slice(1, 0, 3, 0), /slice: step must be a positive integer, got 0/],
      [() => x.unsqueeze(3), /unsqueeze: dim 3 is out of range for a tensor of rank 3/],
    ];
    for (const [f, message] of cases) expect(f).toThrow(message);
    x.dispose();
  });
});
