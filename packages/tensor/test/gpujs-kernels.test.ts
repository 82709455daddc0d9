/**
 * Every kernel of the gpujs backend against the reference backend, in webasm, webgpu and cpu modes, at
 * the Backend interface itself: inputs are written to both backends, the same views (transposed,
 * sliced with an offset, broadcast with stride 0) are handed to the same kernel, and the results
 * must agree within float32 tolerance. The "long" cases cross the sizes where the backend splits a
 * loop across threads (chunks.ts), which on llvmpipe would otherwise be cut at 65535 iterations.
 */
import gpujs from 'gpu.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Backend, BinaryOp, Conv2dParams, DataId, ReduceOp, ResizeParams, UnaryOp, View } from '../src/backend.js';
import { createGpujsBackend, type GpujsBackend } from '../src/backends/gpujs/gpujs-backend.js';
import { ReferenceBackend } from '../src/backends/reference/reference-backend.js';
import type { DType } from '../src/dtype.js';
import { contiguousStrides, type Shape, sizeOf } from '../src/shape.js';
import { expectClose, type Tolerance } from './support/expect-close.js';
import { webglTrap } from './support/webgl-traps.js';

const TOL: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/** A small deterministic generator (an LCG), so failures replay. */
function values(n: number, seed: number, lo = -2, hi = 2): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 2 ** 32;
  });
}

const ints = (n: number, seed: number, lo: number, hi: number) => values(n, seed, lo, hi).map(Math.floor);

interface Input {
  readonly values: readonly number[];
  readonly dtype?: DType;
}

/** A view of input `i`: shape, strides (contiguous by default) and offset. */
interface ViewSpec {
  readonly i: number;
  readonly shape: Shape;
  readonly strides?: readonly number[];
  readonly offset?: number;
}

type Result = DataId | { y: DataId; mean: DataId; rstd: DataId };

interface Case {
  readonly name: string;
  readonly inputs: readonly Input[];
  /** The kernel call; `view(spec)` gives a view of an input on the backend under test. */
  readonly run: (b: Backend, view: (s: ViewSpec) => View) => Result;
  readonly dtype?: DType;
  readonly tol?: Tolerance;
}

/** Runs `c` on backend `b`; returns every output's values. */
async function runCase(b: Backend, c: Case): Promise<Float32Array[] | Int32Array[]> {
  const ids = c.inputs.map((input) => b.write(Float32Array.from(input.values), input.dtype ?? 'float32'));
  const view = (s: ViewSpec): View => ({
    dataId: ids[s.i],
    dtype: c.inputs[s.i].dtype ?? 'float32',
    shape: s.shape,
    strides: s.strides ?? contiguousStrides(s.shape),
    offset: s.offset ?? 0,
  });
  const result = c.run(b, view);
  const outs = 'y' in result ? [result.y, result.mean, result.rstd] : [result];
  const read = await Promise.all(outs.map((o) => b.read(o, c.dtype ?? 'float32')));
  for (const o of [...outs, ...ids]) b.disposeData(o);
  return read as Float32Array[];
}

const unaryOps: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sign', 'tanh', 'sigmoid', 'erf', 'relu', 'gelu', 'floor'];
const binaryOps: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const reduceOps: ReduceOp[] = ['sum', 'max', 'min', 'argmax', 'argmin'];
const conv = (stride: number, padding: number, dilation: number, groups: number): Conv2dParams => ({
  stride: [stride, stride],
  padding: [padding, padding + 1],
  dilation: [dilation, dilation],
  groups,
});
const COMPARISONS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** Positive values for log, sqrt and rsqrt; both signs, with repeats (ties), for the rest. */
const unaryInput = (op: UnaryOp) =>
  ['log', 'sqrt', 'rsqrt'].includes(op) ? values(24, 7, 0.01, 9) : [...values(20, 7, -9, 9), 0, -0.3, 0.3, 40];

const CASES: Case[] = [
  // ----- layout -----
  {
    name: 'contiguous of a transposed, offset view of a 3-d buffer',
    inputs: [{ values: values(2 * 3 * 4 + 1, 1) }],
    run: (b, v) => b.contiguous(v({ i: 0, shape: [4, 2, 3], strides: [1, 12, 4], offset: 1 })),
  },
  {
    name: 'contiguous of a broadcast (stride 0) and a rank-5 permutation',
    inputs: [{ values: values(3, 2) }, { values: values(2 * 3 * 2 * 2 * 3, 3) }],
    run: (b, v) => {
      const e = b.contiguous(v({ i: 0, shape: [4, 3, 2], strides: [0, 1, 0] }));
      b.disposeData(e);
      return b.contiguous(v({ i: 1, shape: [3, 2, 2, 3, 2], strides: [1, 36, 3, 12, 6] }));
    },
  },
  {
    name: 'cast float32 → int32 truncates toward zero',
    inputs: [{ values: [-2.7, -0.5, 0.5, 2.7, 7.99, -7.99, 1e6 + 0.5] }],
    run: (b, v) => b.cast(v({ i: 0, shape: [7] }), { dtype: 'int32' }),
    dtype: 'int32',
  },
  {
    name: 'cast int32 → float32 through a strided view',
    inputs: [{ values: ints(12, 4, -100, 100), dtype: 'int32' }],
    run: (b, v) => b.cast(v({ i: 0, shape: [3, 2], strides: [1, 6], offset: 0 }), { dtype: 'float32' }),
  },
  {
    name: 'pad every dim of a transposed view',
    inputs: [{ values: values(12, 5) }],
    run: (b, v) =>
      b.pad(v({ i: 0, shape: [4, 3], strides: [1, 4] }), {
        pads: [
          [1, 2],
          [0, 3],
        ],
        value: -7.5,
      }),
  },
  {
    name: 'pad a rank-3 int32 tensor',
    inputs: [{ values: ints(8, 6, -9, 9), dtype: 'int32' }],
    run: (b, v) =>
      b.pad(v({ i: 0, shape: [2, 2, 2] }), {
        pads: [
          [0, 1],
          [2, 0],
          [1, 1],
        ],
        value: 3,
      }),
    dtype: 'int32',
  },
  {
    name: 'cat along a middle dim: contiguous, offset and transposed pieces',
    inputs: [{ values: values(2 * 3 * 4, 8) }, { values: values(40, 9) }, { values: values(2 * 4 * 2, 10) }],
    run: (b, v) =>
      b.cat(
        [
          v({ i: 0, shape: [2, 3, 4] }),
          v({ i: 1, shape: [2, 1, 4], strides: [8, 4, 1], offset: 5 }),
          // a [2,2,4] view of a [2,4,2] buffer: not a matrix once split at dim 1, so it is copied first
          v({ i: 2, shape: [2, 2, 4], strides: [8, 1, 2] }),
        ],
        { dim: 1 },
      ),
  },
  {
    name: 'cat of 14 pieces (a tree of cat kernels), one of them empty',
    inputs: Array.from({ length: 14 }, (_, k) => ({ values: values(3 * (k % 3), 20 + k) })),
    run: (b, v) =>
      b.cat(
        Array.from({ length: 14 }, (_, k) => v({ i: k, shape: [k % 3, 3] })),
        { dim: 0 },
      ),
  },
  // ----- elementwise -----
  ...unaryOps.map(
    (op): Case => ({
      name: `unary ${op} over a transposed view`,
      inputs: [{ values: unaryInput(op) }],
      run: (b, v) => b.unary(v({ i: 0, shape: [4, 6], strides: [1, 4] }), { op }),
    }),
  ),
  ...(['neg', 'abs', 'sign', 'relu'] as const).map(
    (op): Case => ({
      name: `unary ${op} on int32`,
      inputs: [{ values: ints(10, 11, -50, 50), dtype: 'int32' }],
      run: (b, v) => b.unary(v({ i: 0, shape: [10] }), { op }),
      dtype: 'int32',
    }),
  ),
  ...binaryOps.map(
    (op): Case => ({
      name: `binary ${op}, broadcast both ways`,
      // a: [3,1] broadcast over columns; b: a row broadcast over rows; repeats make equal pairs
      inputs: [{ values: op === 'pow' ? [-2, 0.5, 3] : [-1, 0.5, 2] }, { values: op === 'pow' ? [2, 3, -1, 0.5] : [2, 0.5, -1, -1] }],
      run: (b, v) => b.binary(v({ i: 0, shape: [3, 4], strides: [1, 0] }), v({ i: 1, shape: [3, 4], strides: [0, 1] }), { op }),
      dtype: COMPARISONS.has(op) ? 'int32' : 'float32',
    }),
  ),
  {
    name: 'binary add and maximum keep NaN; division by zero gives ±Infinity',
    inputs: [{ values: [Number.NaN, 1, -1, 0] }, { values: [2, Number.NaN, 0, 0] }],
    run: (b, v) => {
      const s = b.binary(v({ i: 0, shape: [4] }), v({ i: 1, shape: [4] }), { op: 'maximum' });
      const q = b.binary(v({ i: 0, shape: [3], offset: 1 }), v({ i: 1, shape: [3], offset: 1 }), { op: 'div' });
      const out = b.cat(
        [
          { dataId: s, dtype: 'float32', shape: [4], strides: [1], offset: 0 },
          { dataId: q, dtype: 'float32', shape: [3], strides: [1], offset: 0 },
        ],
        { dim: 0 },
      );
      b.disposeData(s);
      b.disposeData(q);
      return out;
    },
  },
  {
    name: 'int32 binary arithmetic and comparison of offset views',
    inputs: [{ values: ints(9, 12, -1000, 1000), dtype: 'int32' }],
    run: (b, v) => {
      const a = v({ i: 0, shape: [4], offset: 1 });
      const c = v({ i: 0, shape: [4], strides: [2], offset: 1 });
      const m = b.binary(a, c, { op: 'mul' });
      const lt = b.binary(a, c, { op: 'lt' });
      const out = b.binary({ ...a, dataId: m, offset: 0 }, { ...a, dataId: lt, offset: 0 }, { op: 'add' });
      b.disposeData(m);
      b.disposeData(lt);
      return out;
    },
    dtype: 'int32',
  },
  {
    name: 'where with a broadcast mask',
    inputs: [{ values: [1, 0, 3], dtype: 'int32' }, { values: values(6, 13) }, { values: values(6, 14) }],
    run: (b, v) =>
      b.where(v({ i: 0, shape: [2, 3], strides: [0, 1] }), v({ i: 1, shape: [2, 3] }), v({ i: 2, shape: [2, 3], strides: [1, 2] })),
  },
  // ----- reductions and rows -----
  ...reduceOps.map(
    (op): Case => ({
      name: `reduce ${op} of rows with ties`,
      inputs: [{ values: [3, 1, 3, -2, -2, 5, 0, 0, 0, 7, 7, 1] }],
      run: (b, v) => b.reduce(v({ i: 0, shape: [3, 4] }), { op }),
      dtype: op.startsWith('arg') ? 'int32' : 'float32',
    }),
  ),
  {
    name: 'reduce max and argmax let a NaN win',
    inputs: [{ values: [1, Number.NaN, 5, 2, 9, 3] }],
    run: (b, v) => {
      const m = b.reduce(v({ i: 0, shape: [2, 3] }), { op: 'max' });
      const a = b.reduce(v({ i: 0, shape: [2, 3] }), { op: 'argmax' });
      const af = b.cast({ dataId: a, dtype: 'int32', shape: [2], strides: [1], offset: 0 }, { dtype: 'float32' });
      const out = b.cat(
        [
          { dataId: m, dtype: 'float32', shape: [2], strides: [1], offset: 0 },
          { dataId: af, dtype: 'float32', shape: [2], strides: [1], offset: 0 },
        ],
        { dim: 0 },
      );
      for (const t of [m, a, af]) b.disposeData(t);
      return out;
    },
  },
  {
    name: 'long rows: sum, max, argmin of 2 × 150000 (several chunk stages)',
    inputs: [{ values: values(300000, 15, -1, 1) }],
    run: (b, v) => {
      const x = v({ i: 0, shape: [2, 150000] });
      const s = b.reduce(x, { op: 'sum' });
      const m = b.reduce(x, { op: 'max' });
      const a = b.reduce(x, { op: 'argmin' });
      const af = b.cast({ dataId: a, dtype: 'int32', shape: [2], strides: [1], offset: 0 }, { dtype: 'float32' });
      const row = (d: DataId): View => ({ dataId: d, dtype: 'float32', shape: [2], strides: [1], offset: 0 });
      const out = b.cat([row(s), row(m), row(af)], { dim: 0 });
      for (const t of [s, m, a, af]) b.disposeData(t);
      return out;
    },
    tol: { rtol: 1e-4, atol: 2e-3 },
  },
  {
    name: 'softmax of rows with logits up to ±1000',
    inputs: [{ values: [...values(12, 16, -5, 5), 1000, 999, -1000, 0] }],
    run: (b, v) => b.softmax(v({ i: 0, shape: [4, 4, 1] }), { log: false }),
  },
  {
    name: 'softmax along the middle dim of [2, 5, 6] (the channels of an image: transposed, rows, transposed back)',
    inputs: [{ values: values(60, 21, -5, 5) }],
    run: (b, v) => b.softmax(v({ i: 0, shape: [2, 5, 6] }), { log: false }),
  },
  {
    name: 'logSoftmax of a 3 × 70000 input (chunked row statistics)',
    inputs: [{ values: values(210000, 17, -30, 30) }],
    run: (b, v) => b.softmax(v({ i: 0, shape: [3, 70000, 1] }), { log: true }),
    tol: { rtol: 1e-4, atol: 1e-4 },
  },
  {
    name: 'layerNorm with weight and bias: y, mean and rstd',
    inputs: [{ values: values(4 * 6, 18, -3, 8) }, { values: values(6, 19) }, { values: values(6, 20) }],
    run: (b, v) => b.layerNorm(v({ i: 0, shape: [4, 6] }), v({ i: 1, shape: [6] }), v({ i: 2, shape: [6] }), { eps: 1e-5 }),
  },
  {
    name: 'layerNorm without weight or bias',
    inputs: [{ values: values(3 * 5, 21) }],
    run: (b, v) => b.layerNorm(v({ i: 0, shape: [3, 5] }), null, null, { eps: 0.1 }),
  },
  // ----- linear algebra -----
  {
    name: 'matmul with a broadcast batch and a transposed right operand',
    inputs: [{ values: values(3 * 4, 22) }, { values: values(2 * 5 * 4, 23) }],
    // a: one [3,4] matrix seen by both batches (stride 0); b: [2,5,4] seen as [2,4,5]
    run: (b, v) => b.matmul(v({ i: 0, shape: [2, 3, 4], strides: [0, 4, 1] }), v({ i: 1, shape: [2, 4, 5], strides: [20, 1, 4] })),
  },
  {
    name: 'matmul with an inner dim of 70000 (chunked and summed)',
    inputs: [{ values: values(2 * 70000, 24, -1, 1) }, { values: values(70000 * 2, 25, -1, 1) }],
    run: (b, v) => b.matmul(v({ i: 0, shape: [1, 2, 70000] }), v({ i: 1, shape: [1, 70000, 2] })),
    tol: { rtol: 1e-4, atol: 2e-3 },
  },
  ...[conv(1, 1, 1, 1), conv(2, 0, 1, 2), conv(1, 2, 2, 1)].flatMap((p): Case[] => {
    const [xShape, wShape] = [
      [2, 4, 7, 6],
      [6, 4 / p.groups, 3, 2],
    ];
    const label = `stride ${p.stride[0]}, padding ${p.padding.join('/')}, dilation ${p.dilation[0]}, groups ${p.groups}`;
    const ho = Math.floor((7 + 2 * p.padding[0] - p.dilation[0] * 2 - 1) / p.stride[0]) + 1;
    const wo = Math.floor((6 + 2 * p.padding[1] - p.dilation[1] - 1) / p.stride[1]) + 1;
    const dyShape = [2, 6, ho, wo];
    return [
      {
        name: `conv2d with bias, ${label}`,
        inputs: [{ values: values(sizeOf(xShape), 26) }, { values: values(sizeOf(wShape), 27) }, { values: values(6, 28) }],
        run: (b, v) => b.conv2d(v({ i: 0, shape: xShape }), v({ i: 1, shape: wShape }), v({ i: 2, shape: [6] }), p),
      },
      {
        name: `conv2dBackwardInput, ${label}`,
        inputs: [{ values: values(sizeOf(dyShape), 29) }, { values: values(sizeOf(wShape), 30) }],
        run: (b, v) => b.conv2dBackwardInput(v({ i: 0, shape: dyShape }), v({ i: 1, shape: wShape }), { ...p, xShape }),
      },
      {
        name: `conv2dBackwardWeight, ${label}`,
        inputs: [{ values: values(sizeOf(xShape), 31) }, { values: values(sizeOf(dyShape), 32) }],
        run: (b, v) => b.conv2dBackwardWeight(v({ i: 0, shape: xShape }), v({ i: 1, shape: dyShape }), { ...p, wShape }),
      },
    ];
  }),
  {
    name: 'conv2dBackwardWeight over 8 × 100 × 100 output pixels (chunked over batch rows)',
    inputs: [{ values: values(8 * 1 * 102 * 102, 33) }, { values: values(8 * 1 * 100 * 100, 34) }],
    run: (b, v) =>
      b.conv2dBackwardWeight(v({ i: 0, shape: [8, 1, 102, 102] }), v({ i: 1, shape: [8, 1, 100, 100] }), {
        stride: [1, 1],
        padding: [0, 0],
        dilation: [1, 1],
        groups: 1,
        wShape: [1, 1, 3, 3],
      }),
    tol: { rtol: 1e-4, atol: 5e-3 },
  },
  // ----- resampling -----
  ...(
    [
      ['bilinear', { alignCorners: false, scaleH: 4 / 7, scaleW: 5 / 3 }, [7, 3]],
      ['bilinear', { alignCorners: true, scaleH: 3 / 6, scaleW: 0 }, [7, 1]],
      ['nearest', { alignCorners: false, scaleH: 1 / 2.5, scaleW: 5 / 2 }, [10, 2]],
    ] as [string, ResizeParams, [number, number]][]
  ).flatMap(([mode, p, [outH, outW]]): Case[] => {
    const label = `${mode}, align ${p.alignCorners}, 4×5 → ${outH}×${outW}`;
    const forward = mode === 'bilinear' ? 'resizeBilinear' : 'resizeNearest';
    const backward = mode === 'bilinear' ? 'resizeBilinearBackward' : 'resizeNearestBackward';
    return [
      {
        name: `${forward}, ${label}`,
        inputs: [{ values: values(2 * 3 * 4 * 5, 35) }],
        run: (b, v) => b[forward](v({ i: 0, shape: [2, 3, 4, 5] }), { ...p, outH, outW }),
      },
      {
        name: `${backward}, ${label}`,
        inputs: [{ values: values(2 * 3 * outH * outW, 36) }],
        run: (b, v) => b[backward](v({ i: 0, shape: [2, 3, outH, outW] }), { ...p, outH: 4, outW: 5 }),
      },
    ];
  }),
  // ----- indexing -----
  {
    name: 'gather along dim 1 through a transposed x and an offset index view',
    inputs: [{ values: values(4 * 3, 37) }, { values: [9, 2, 0, 1, 1, 0, 2, 2, 0], dtype: 'int32' }],
    run: (b, v) =>
      b.gather(v({ i: 0, shape: [3, 4], strides: [1, 3] }), v({ i: 1, shape: [2, 4], strides: [4, 1], offset: 1 }), { dim: 1 }),
  },
  {
    name: 'gather of int32 values along dim 0 with a broadcast index',
    inputs: [
      { values: ints(6, 38, -50, 50), dtype: 'int32' },
      { values: [2, 0, 1], dtype: 'int32' },
    ],
    run: (b, v) => b.gather(v({ i: 0, shape: [3, 2] }), v({ i: 1, shape: [3, 2], strides: [1, 0] }), { dim: 0 }),
    dtype: 'int32',
  },
  {
    name: 'scatterAdd with repeated indices along dim 1, index narrower than the output',
    inputs: [{ values: [0, 2, 2, 1, 1, 1], dtype: 'int32' }, { values: values(6, 39) }],
    run: (b, v) => b.scatterAdd(v({ i: 0, shape: [2, 3] }), v({ i: 1, shape: [2, 3] }), { shape: [3, 4], dim: 1 }),
  },
  {
    name: 'scatterAdd of 70000 entries into 5 rows (chunked over the index)',
    inputs: [{ values: ints(70000, 40, 0, 5), dtype: 'int32' }, { values: values(70000, 41, -1, 1) }],
    run: (b, v) => b.scatterAdd(v({ i: 0, shape: [70000] }), v({ i: 1, shape: [70000] }), { shape: [5], dim: 0 }),
    tol: { rtol: 1e-4, atol: 2e-3 },
  },
];

const reference = new ReferenceBackend();

/** Every kernel source the cases build, in any mode, for the WebGL check at the end. */
const sources = new Set<string>();
const createKernel = gpujs.GPU.prototype.createKernel;
vi.spyOn(gpujs.GPU.prototype, 'createKernel').mockImplementation(function (this: gpujs.GPU, source, settings) {
  sources.add(String(source));
  return createKernel.call(this, source, settings);
});

describe.each(['webasm', 'webgpu', 'cpu'])('gpujs kernels (%s) agree with the reference', (mode) => {
  let backend: GpujsBackend;
  beforeAll(async () => {
    backend = await createGpujsBackend({ mode });
  });
  afterAll(async () => {
    await backend.dispose();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const [actual, expected] = await Promise.all([runCase(backend, c), runCase(reference, c)]);
    expect(actual.length).toBe(expected.length);
    for (const [k, a] of actual.entries()) {
      expect(a.constructor).toBe(expected[k].constructor);
      expectClose(a, expected[k], c.tol ?? TOL, undefined, `output ${k}`);
    }
    expect(backend.memory().numBuffers).toBe(0);
  });
});

describe('gpujs kernel sources', () => {
  it("avoid what gpu.js's WebGL translator cannot compile (support/webgl-traps.ts)", () => {
    expect(sources.size).toBeGreaterThan(30);
    const trapped = [...sources].map((s) => [webglTrap(s), s]).filter(([trap]) => trap !== null);
    expect(trapped).toEqual([]);
  });
});
