/**
 * softmax, logSoftmax and layerNorm along any dim of random views, large logits included, against
 * float64 oracles (max-subtracted softmax; two-pass mean and biased variance for layerNorm).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { layerNorm, layerNormBackward, layerNormWithStats, logSoftmax, softmax, softmaxBackward, tensor } from '../../src/index.js';
import { LARGE_SHAPES, type ShapeOptions, seedArb, shapeArb, viewArb, viewOracle } from '../support/arbitraries.js';
import { EXACT, expectHostClose } from '../support/expect-close.js';
import { describeBackends, property } from '../support/harness.js';
import { at, broadcastAt, build, host, hostReduce, randomHost, sizeOf } from '../support/host.js';
import { looser } from '../support/oracle.js';
import { float32Cancellation } from '../support/tolerance.js';

/** float64 oracles computed row-wise, then rounded once to float32: a few float32 ulps of slack. */
const ROW_TOL = { rtol: 1e-5, atol: 1e-6 };

const softmaxCase = (shapes: ShapeOptions) =>
  shapeArb(shapes).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      view: viewArb(shape),
      dim: fc.integer({ min: -shape.length, max: shape.length - 1 }),
      big: fc.boolean(),
      seed: seedArb,
    }),
  );

const layerNormCase = (shapes: ShapeOptions) =>
  shapeArb(shapes).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      view: viewArb(shape),
      k: fc.integer({ min: 1, max: shape.length }),
      affine: fc.boolean(),
      shift: fc.constantFrom(0, 100),
      seed: seedArb,
    }),
  );

describeBackends('softmax, logSoftmax, layerNorm', (h) => {
  const checkSoftmax = (shapes: ShapeOptions, numRuns: number) =>
    property(
      softmaxCase(shapes),
      async ({ shape, view, dim, big, seed }) => {
        const base = randomHost(view.baseShape, seed, big ? { min: -1000, max: 1000 } : {});
        const [sm, lsm] = await h.agree([base], (t) => {
          const v = view.make(t);
          return [softmax(v, dim), logSoftmax(v, dim)];
        });
        const x = viewOracle(view, base, shape);
        const d = dim < 0 ? dim + shape.length : dim;
        const lse = hostReduce(x, [d], true, 'float64', (v) => {
          const mx = Math.max(...v);
          return mx + Math.log(v.reduce((sum, u) => sum + Math.exp(u - mx), 0));
        });
        const label = `dim ${dim} of [${shape}] (${view.label})${big ? ', big logits' : ''}`;
        const tol = looser(h.tol, ROW_TOL);
        expectHostClose(
          sm,
          build(shape, 'float32', (i) => Math.exp(at(x, i) - broadcastAt(lse, i))),
          tol,
          `softmax ${label}`,
        );
        expectHostClose(
          lsm,
          build(shape, 'float32', (i) => at(x, i) - broadcastAt(lse, i)),
          tol,
          `logSoftmax ${label}`,
        );
      },
      numRuns,
    );

  it('softmax and logSoftmax along any dim of a view, logits up to ±1000', () => checkSoftmax({ minRank: 1, maxRank: 4, maxDim: 4 }, 50));
  it('softmax and logSoftmax along any dim of a view, logits up to ±1000 — larger shapes', () => checkSoftmax(LARGE_SHAPES, 4));

  const checkSoftmaxBackward = (shapes: ShapeOptions, numRuns: number) =>
    property(
      softmaxCase(shapes),
      async ({ shape, view, dim, big, seed }) => {
        // y is a softmax (or log-softmax) output, random g; the gradient written out in float64
        const d = dim < 0 ? dim + shape.length : dim;
        const logits = randomHost(shape, seed + 7);
        const lse = hostReduce(logits, [d], true, 'float64', (v) => Math.log(v.reduce((s, u) => s + Math.exp(u), 0)));
        const log = big; // reuse the case's boolean: log-softmax half the time
        const y = build(shape, 'float32', (i) =>
          log ? at(logits, i) - broadcastAt(lse, i) : Math.exp(at(logits, i) - broadcastAt(lse, i)),
        );
        const base = randomHost(view.baseShape, seed);
        const g = viewOracle(view, base, shape);
        const s = hostReduce(
          build(shape, 'float64', (i) => (log ? at(g, i) : at(g, i) * at(y, i))),
          [d],
          true,
          'float64',
          (v) => v.reduce((a, u) => a + u, 0),
        );
        const want = build(shape, 'float32', (i) =>
          log ? at(g, i) - Math.exp(at(y, i)) * broadcastAt(s, i) : at(y, i) * (at(g, i) - broadcastAt(s, i)),
        );
        const tol = looser(h.tol, ROW_TOL);
        const [dx] = await h.agree([y, base], (yt, gt) => softmaxBackward(yt, view.make(gt), dim, log), tol);
        expectHostClose(dx, want, tol, `${log ? 'logSoftmax' : 'softmax'}Backward along dim ${dim} of [${shape}] (${view.label})`);
      },
      numRuns,
    );

  it('softmaxBackward and its log form along any dim (rows, and the middle dim of [outer, cols, inner]), g any view', () =>
    checkSoftmaxBackward({ minRank: 1, maxRank: 4, maxDim: 6 }, 40));
  it('softmaxBackward — larger shapes', () => checkSoftmaxBackward(LARGE_SHAPES, 4));

  const checkLayerNorm = (shapes: ShapeOptions, numRuns: number) =>
    property(
      layerNormCase(shapes),
      async ({ shape, view, k, affine, shift, seed }) => {
        const ns = shape.slice(shape.length - k);
        const lead = shape.slice(0, shape.length - k);
        const base = randomHost(view.baseShape, seed, { min: shift - 3, max: shift + 3 });
        const [w, b] = [randomHost(ns, seed + 1), randomHost(ns, seed + 2)];
        const x = viewOracle(view, base, shape);
        const cols = sizeOf(ns);
        const rows = Array.from({ length: sizeOf(lead) }, (_, r) => Array.from(x.data.subarray(r * cols, (r + 1) * cols)));
        const mu = rows.map((r) => r.reduce((s, v) => s + v, 0) / cols);
        const rs = rows.map((r, j) => 1 / Math.sqrt(r.reduce((s, v) => s + (v - mu[j]) ** 2, 0) / cols + 1e-5));
        const want = host(
          shape,
          Array.from(x.data, (v, i) => {
            const [r, c] = [Math.floor(i / cols), i % cols];
            return (v - mu[r]) * rs[r] * (affine ? w.data[c] : 1) + (affine ? b.data[c] : 0);
          }),
        );
        // the reference works in float64; a float32 kernel loses a few ulp(|x|) in x − mean, amplified by rstd·|w|
        const gain = Math.max(...rs) * (affine ? Math.max(...Array.from(w.data, Math.abs)) : 1);
        const magnitude = Math.max(...Array.from(x.data, Math.abs));
        const tol = h.isReference ? ROW_TOL : looser(h.tol, float32Cancellation(magnitude, cols, gain));
        // an error δ in x − mean moves var by about 2δσ + δ², so rstd = 1/√(var + eps) by (2δσ + δ²)·rstd²/2, relatively
        const delta = float32Cancellation(magnitude, cols, 1).atol;
        const rstdShift = h.isReference
          ? 0
          : Math.max(...rs.map((r) => ((2 * delta * Math.sqrt(Math.max(1 / r ** 2 - 1e-5, 0)) + delta ** 2) * r ** 2) / 2));
        const [y, mean, rstd] = await h.agree(
          [base, w, b],
          (t, wt, bt) => {
            const r = layerNormWithStats(view.make(t), ns, affine ? wt : null, affine ? bt : null, 1e-5);
            return [r.y, r.mean, r.rstd];
          },
          tol,
        );
        const label = `normalizedShape [${ns}] of [${shape}] (${view.label}), affine ${affine}, shift ${shift}`;
        expectHostClose(y, want, looser(tol, ROW_TOL), `y, ${label}`);
        expectHostClose(mean, host(lead, mu), looser(h.tol, ROW_TOL), `mean, ${label}`);
        expectHostClose(rstd, host(lead, rs), looser(h.tol, { rtol: 1e-4 + rstdShift, atol: 1e-6 }), `rstd, ${label}`);
      },
      numRuns,
    );

  it('layerNorm over the trailing k dims, with and without affine, means far from zero; returns its statistics', () =>
    checkLayerNorm({ minRank: 1, maxRank: 4, maxDim: 4 }, 40));
  it('layerNorm over the trailing k dims, with and without affine, means far from zero; returns its statistics — larger shapes', () =>
    checkLayerNorm(LARGE_SHAPES, 4));

  const checkLayerNormBackward = (shapes: ShapeOptions, numRuns: number) =>
    property(
      layerNormCase(shapes),
      async ({ shape, view, k, affine, seed }) => {
        const ns = shape.slice(shape.length - k);
        const lead = shape.slice(0, shape.length - k);
        const cols = sizeOf(ns);
        const base = randomHost(view.baseShape, seed);
        const [g, w] = [randomHost(shape, seed + 1), randomHost(ns, seed + 2)];
        const x = viewOracle(view, base, shape);
        // float64 statistics and the gradient written out from its formula, row by row
        const rowOf = (r: number) => Array.from(x.data.subarray(r * cols, (r + 1) * cols));
        const mu = Array.from({ length: sizeOf(lead) }, (_, r) => rowOf(r).reduce((s, v) => s + v, 0) / cols);
        const rs = mu.map((m, r) => 1 / Math.sqrt(rowOf(r).reduce((s, v) => s + (v - m) ** 2, 0) / cols + 1e-5));
        const dx = new Array<number>(x.data.length);
        for (let r = 0; r < mu.length; r++) {
          const idx = Array.from({ length: cols }, (_, c) => r * cols + c);
          const xhat = idx.map((i) => (x.data[i] - mu[r]) * rs[r]);
          const ghat = idx.map((i, c) => g.data[i] * (affine ? w.data[c] : 1));
          const meanG = ghat.reduce((s, v) => s + v, 0) / cols;
          const meanGx = ghat.reduce((s, v, c) => s + v * xhat[c], 0) / cols;
          idx.forEach((i, c) => {
            dx[i] = rs[r] * (ghat[c] - meanG - xhat[c] * meanGx);
          });
        }
        const [out] = await h.agree(
          [base, g, w, host(lead, mu), host(lead, rs)],
          (t, gt, wt, mt, rt) => layerNormBackward(view.make(t), gt, mt, rt, affine ? wt : null),
          looser(h.tol, { rtol: 1e-4, atol: 1e-5 }),
        );
        expectHostClose(
          out,
          host(shape, dx),
          looser(h.tol, { rtol: 1e-4, atol: 1e-5 }),
          `dx, normalizedShape [${ns}] of [${shape}], affine ${affine}`,
        );
      },
      numRuns,
    );

  it('layerNormBackward: the input gradient from the statistics, fused where the backend has the kernel, composed elsewhere', () =>
    checkLayerNormBackward({ minRank: 1, maxRank: 4, maxDim: 5 }, 30));
  it('layerNormBackward — larger shapes', () => checkLayerNormBackward(LARGE_SHAPES, 4));

  it('0-d and one-element rows: softmax is 1, logSoftmax 0; a constant row normalises to zeros', async () => {
    const [s0, l0, s1, ln] = await h.agree(
      [host([], [7]), host([3, 1], [1e3, -1e3, 5]), host([2, 4], [2, 2, 2, 2, -1, -1, -1, -1])],
      (a, b, c) => [softmax(a, 0), logSoftmax(a, 0), softmax(b, 1), layerNorm(c, [4])],
    );
    expectHostClose(s0, host([], [1]), EXACT);
    expectHostClose(l0, host([], [0]), EXACT);
    expectHostClose(s1, host([3, 1], [1, 1, 1]), EXACT);
    expectHostClose(ln, host([2, 4], new Array(8).fill(0)), EXACT);
  });

  it('errors name the op and the shapes', () => {
    const on = { backend: h.backend };
    const x = tensor(new Array(24).fill(1), [2, 3, 4], 'float32', on);
    const w = tensor([1, 1, 1], undefined, 'float32', on);
    const i = tensor([1, 2, 3, 4], undefined, 'int32', on);
    expect(() => layerNorm(x, [3])).toThrow(/layerNorm: normalizedShape \[3\] does not match the trailing dims of input \[2,3,4\]/);
    expect(() => layerNorm(x, [4], w)).toThrow(/layerNorm: weight \[3\] should be \[4\]/);
    expect(() => layerNorm(x, [4], null, i)).toThrow(/layerNorm: dtypes differ \(float32 and int32\)/);
    expect(() => softmax(x, 3)).toThrow(/softmax: dim 3 is out of range for a tensor of rank 3/);
    expect(() => logSoftmax(i, 0)).toThrow(/logSoftmax: expected dtype float32 or float64, got int32/);
    for (const t of [x, w, i]) t.dispose();
  });
});
