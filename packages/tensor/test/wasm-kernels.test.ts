/**
 * The wasm backend against the reference backend on the cases the shared conformance suite (small
 * random shapes) does not reach: sizes that cross the GEMM's tiles and cache blocks (1×1, primes, not
 * multiples of 6×8, K over several 256-deep blocks, N over the 2048-column block), transposed,
 * sliced, batched and broadcast operands, convolutions that take both the vector and the edge path of
 * the im2col packing, elementwise views whose 1024-element blocks straddle rows, and long rows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  cat,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  findBackend,
  gather,
  interpolate,
  interpolateBackward,
  layerNorm,
  manualSeed,
  pad,
  randn,
  scatterAdd,
  setBackend,
  setLogger,
  type Tensor,
  tensor,
  tidy,
  toBackend,
  where,
} from '../src/index.js';
import { expectClose, type Tolerance } from './support/expect-close.js';

let wasm: Backend;
let reference: Backend;

beforeAll(async () => {
  setLogger(() => {});
  reference = findBackend('reference');
  wasm = await setBackend('wasm', { threads: 1 });
});

/** Seeded normal inputs made on the reference backend. */
function inputs(shapes: readonly (readonly number[])[], seed: number): Tensor[] {
  manualSeed(seed);
  return shapes.map((s) => randn(s, { backend: reference }));
}

/** Runs `f` on the reference inputs and on copies on the wasm backend; the results must agree within `tol`. */
function agree(f: (...xs: Tensor[]) => Tensor, xs: readonly Tensor[], tol: Tolerance): void {
  const expected = tidy(() => f(...xs));
  const moved = xs.map((x) => toBackend(x, wasm));
  const actual = tidy(() => f(...moved));
  try {
    expect(actual.shape).toEqual(expected.shape);
    expectClose(actual.dataSync(), expected.dataSync(), tol, expected.shape);
  } finally {
    for (const t of [expected, actual, ...moved, ...xs]) t.dispose();
  }
}

/** float32 sums of k products of unit normals: the error grows with k. */
const summed = (k: number): Tolerance => ({ rtol: 1e-5, atol: 2e-6 * k });

describe('wasm matmul against the reference', () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [1, 7, 1],
    [6, 4, 8],
    [7, 5, 9],
    [13, 17, 19],
    [97, 131, 61],
    [300, 600, 129], // several ic blocks (MC = 120) and k blocks (KC = 256)
    [5, 3, 2100], // more columns than one packed B block (NC = 2048)
  ];
  for (const [m, k, n] of sizes) {
    it(`${m}×${k} @ ${k}×${n}, plain and with either or both operands transposed`, () => {
      agree(
        (a, b) => a.matmul(b),
        inputs(
          [
            [m, k],
            [k, n],
          ],
          m + k + n,
        ),
        summed(k),
      );
      agree(
        (a, b) => a.T.matmul(b),
        inputs(
          [
            [k, m],
            [k, n],
          ],
          m * k,
        ),
        summed(k),
      );
      agree(
        (a, b) => a.matmul(b.T),
        inputs(
          [
            [m, k],
            [n, k],
          ],
          k * n,
        ),
        summed(k),
      );
      agree(
        (a, b) => a.T.matmul(b.T),
        inputs(
          [
            [k, m],
            [n, k],
          ],
          m * n,
        ),
        summed(k),
      );
    });
  }

  it('operands with gaps (every other row and column of a larger tensor)', () => {
    agree(
      (a, b) =>
        a
          .slice(0, 0, undefined, 2)
          .slice(1, 1, undefined, 2)
          .matmul(b.slice(1, 0, undefined, 3)),
      inputs(
        [
          [41, 60],
          [30, 70],
        ],
        1,
      ),
      summed(30),
    );
  });

  it('batched, broadcast batch (stride 0) and attention-shaped q·kᵀ', () => {
    agree(
      (a, b) => a.matmul(b),
      inputs(
        [
          [5, 23, 31],
          [5, 31, 29],
        ],
        2,
      ),
      summed(31),
    );
    agree(
      (a, b) => a.matmul(b),
      inputs(
        [
          [4, 1, 19, 33],
          [3, 33, 10],
        ],
        3,
      ),
      summed(33),
    );
    agree(
      (q, k) => q.matmul(k.transpose(-2, -1)),
      inputs(
        [
          [2, 3, 49, 16],
          [2, 3, 49, 16],
        ],
        4,
      ),
      summed(16),
    );
  });

  it('vector operands (matrix·vector, vector·matrix)', () => {
    agree((a, v) => a.matmul(v), inputs([[37, 53], [53]], 5), summed(53));
    agree((v, a) => v.matmul(a), inputs([[53], [53, 37]], 6), summed(53));
  });
});

describe('wasm conv2d (GEMM with implicit im2col) against the reference', () => {
  const cases = [
    { name: '3×3, padding 1 (the vector path of the packing)', x: [2, 5, 17, 19], w: [7, 5, 3, 3], opts: { padding: 1 } },
    {
      name: 'stride 2, dilation 2, asymmetric padding, 3 groups',
      x: [3, 6, 23, 20],
      w: [9, 2, 3, 2],
      opts: { stride: 2, dilation: 2, padding: [0, 3] as [number, number], groups: 3 },
    },
    { name: '1×1 (a plain matrix product per image)', x: [2, 16, 9, 9], w: [32, 16, 1, 1], opts: {} },
    { name: '1×1 with 2 groups (the input gradient written straight into dx)', x: [2, 8, 5, 7], w: [6, 4, 1, 1], opts: { groups: 2 } },
    {
      name: '1×1, stride 2, padding 1 (a 1×1 whose columns are not dx)',
      x: [2, 4, 6, 5],
      w: [3, 4, 1, 1],
      opts: { stride: 2, padding: 1 },
    },
    {
      name: 'patch embedding: 8×8 kernel, stride 8 (4 taps a vector, 8 taps a row)',
      x: [2, 3, 16, 24],
      w: [5, 3, 8, 8],
      opts: { stride: 8 },
    },
    { name: 'kernel wider than the input, large padding', x: [1, 2, 4, 3], w: [3, 2, 5, 5], opts: { padding: 3 } },
    {
      name: 'depthwise (groups = channels), stride [1, 3]',
      x: [2, 8, 12, 31],
      w: [8, 1, 3, 3],
      opts: { groups: 8, stride: [1, 3] as [number, number], padding: 1 },
    },
  ];
  for (const c of cases) {
    const k = c.w[1] * c.w[2] * c.w[3];
    it(`${c.name}: forward with bias, input gradient, weight gradient`, () => {
      agree((x, w, b) => conv2d(x, w, b, c.opts), inputs([c.x, c.w, [c.w[0]]], 7), summed(k));
      const [x, w] = inputs([c.x, c.w], 8);
      const dyShape = tidy(() => conv2d(x, w, null, c.opts).shape);
      agree((dy, w2) => conv2dBackwardInput(dy, w2, c.x, c.opts), [...inputs([dyShape], 9), w], summed(k));
      agree((x2, dy) => conv2dBackwardWeight(x2, dy, c.w, c.opts), [x, ...inputs([dyShape], 10)], summed(c.x[0] * dyShape[2] * dyShape[3]));
    });
  }
});

describe('wasm elementwise, rows and layout kernels against the reference', () => {
  const tight: Tolerance = { rtol: 2e-6, atol: 1e-7 };

  it('strided inputs whose blocks straddle rows: a permuted 3-d view, broadcasts on both sides, where', () => {
    agree((x) => x.permute(2, 0, 1).exp(), inputs([[37, 41, 5]], 11), tight);
    agree(
      (x, y) => x.permute(1, 0).add(y),
      inputs(
        [
          [67, 53],
          [1, 67],
        ],
        12,
      ),
      tight,
    );
    agree(
      (x, y) => x.slice(1, 0, undefined, 3).mul(y.T.slice(1, 1, 29)),
      inputs(
        [
          [90, 84],
          [29, 90],
        ],
        13,
      ),
      tight,
    );
    agree(
      (c, a, b) => where(c.gt(0), a, b.T),
      inputs(
        [
          [1, 1300],
          [70, 1300],
          [1300, 70],
        ],
        14,
      ),
      tight,
    );
  });

  it('int32 ops (wrapping add and mul, comparisons, abs, sign, relu)', () => {
    const a = tensor(new Int32Array([-7, 0, 5, 2147483647, -2147483648, 3, -1]), [7], 'int32', { backend: reference });
    const b = tensor(new Int32Array([2, 0, -5, 1, -1, 3, 4]), [7], 'int32', { backend: reference });
    const exact: Tolerance = { rtol: 0, atol: 0 };
    for (const f of [
      (x: Tensor, y: Tensor) => x.add(y),
      (x: Tensor, y: Tensor) => x.sub(y),
      (x: Tensor, y: Tensor) => x.maximum(y),
      (x: Tensor, y: Tensor) => x.le(y),
    ]) {
      agree(f, [a.clone(), b.clone()], exact);
    }
    for (const f of [(x: Tensor) => x.abs(), (x: Tensor) => x.sign(), (x: Tensor) => x.relu(), (x: Tensor) => x.neg()])
      agree(f, [a.clone()], exact);
    a.dispose();
    b.dispose();
  });

  it('relu keeps NaN and turns −0 into +0 (as the reference and PyTorch)', () => {
    const x = tensor([Number.NaN, -0, -2, 3, Number.NEGATIVE_INFINITY], [5], 'float32', { backend: wasm });
    const y = x.relu();
    expect(Array.from(y.dataSync())).toEqual([Number.NaN, 0, 0, 3, 0]);
    expect(Object.is(y.dataSync()[1], 0)).toBe(true);
    x.dispose();
    y.dispose();
  });

  it('cast truncates toward zero and back', () => {
    agree((x) => x.mul(7).int().float(), inputs([[1001]], 15), { rtol: 0, atol: 0 });
  });

  it('reductions over long rows sum in float64; max/min and argmax/argmin over odd lengths', () => {
    agree((x) => x.add(100).sum(1), inputs([[3, 100003]], 16), { rtol: 1e-7, atol: 0 });
    agree((x) => x.max(0), inputs([[1027, 5]], 17), { rtol: 0, atol: 0 });
    agree((x) => x.min(1), inputs([[5, 1027]], 18), { rtol: 0, atol: 0 });
    agree((x) => x.argmax(1).float(), inputs([[9, 1031]], 19), { rtol: 0, atol: 0 });
    agree((x) => x.argmin(0).float(), inputs([[1031, 9]], 20), { rtol: 0, atol: 0 });
  });

  it('max, min and softmax rows with a NaN anywhere (first, in the vector body, in the tail) are NaN', () => {
    const cols = 11;
    const values = Array.from({ length: 4 * cols }, (_, i) => Math.sin(i));
    for (const [row, col] of [
      [0, 0],
      [1, 5],
      [2, 10],
    ])
      values[row * cols + col] = Number.NaN;
    const x = tensor(values, [4, cols], 'float32', { backend: wasm });
    const [mx, mn, sm] = [x.max(1), x.min(1), x.softmax(1)];
    expect(Array.from(mx.dataSync()).map(Number.isNaN)).toEqual([true, true, true, false]);
    expect(Array.from(mn.dataSync()).map(Number.isNaN)).toEqual([true, true, true, false]);
    expect(Array.from(sm.dataSync().slice(3 * cols)).some(Number.isNaN)).toBe(false);
    expect(Array.from(sm.dataSync().slice(0, 3 * cols)).every(Number.isNaN)).toBe(true);
    for (const t of [x, mx, mn, sm]) t.dispose();
  });

  it('softmax, logSoftmax and layerNorm over rows of 1, 3 and 1027 columns', () => {
    for (const cols of [1, 3, 1027]) {
      agree((x) => x.mul(5).softmax(1), inputs([[7, cols]], 21), { rtol: 1e-6, atol: 1e-8 });
      agree((x) => x.mul(5).logSoftmax(1), inputs([[7, cols]], 22), { rtol: 1e-6, atol: 1e-6 });
      agree((x, w, b) => layerNorm(x, [cols], w, b), inputs([[7, cols], [cols], [cols]], 23), { rtol: 1e-5, atol: 1e-5 });
    }
  });

  it('transposed copies (the tiled kernel): 2-d, batched, with ragged strips and columns, into a padded window', () => {
    agree((x) => x.T.contiguous(), inputs([[67, 45]], 30), { rtol: 0, atol: 0 });
    agree((x) => x.transpose(1, 2).contiguous(), inputs([[3, 37, 45]], 31), { rtol: 0, atol: 0 });
    agree((x) => x.sum(0), inputs([[301, 77]], 32), { rtol: 1e-6, atol: 1e-6 });
  });

  it('pad and cat of views', () => {
    agree((x) => pad(x.T, [3, 0, 1, 2], -1.5), inputs([[33, 45]], 24), { rtol: 0, atol: 0 });
    agree(
      (x, y) => cat([x.T, y, x.T.slice(0, 0, 4)], 0),
      inputs(
        [
          [40, 11],
          [7, 40],
        ],
        25,
      ),
      { rtol: 0, atol: 0 },
    );
  });

  it('bilinear and nearest resizing and their adjoints on larger images', () => {
    const tol: Tolerance = { rtol: 1e-5, atol: 1e-6 };
    for (const opts of [
      { size: [61, 45] as [number, number], mode: 'bilinear' as const },
      { scaleFactor: 2.5, mode: 'bilinear' as const, alignCorners: true },
      { size: [17, 70] as [number, number], mode: 'nearest' as const },
    ]) {
      agree((x) => interpolate(x, opts), inputs([[2, 3, 29, 31]], 26), tol);
      const outShape = tidy(() => interpolate(randn([2, 3, 29, 31], { backend: reference }), opts).shape);
      agree((dy) => interpolateBackward(dy, [2, 3, 29, 31], opts), inputs([outShape], 27), tol);
    }
  });

  it('gather and scatterAdd with transposed operands; a bad index is an error that names it', () => {
    const index = (rows: number, cols: number, mod: number) =>
      tensor(new Int32Array(Array.from({ length: rows * cols }, (_, i) => (i * 7) % mod)), [rows, cols], 'int32', { backend: reference });
    agree((x, i) => gather(x.T, 1, i), [...inputs([[13, 5]], 28), index(5, 12, 13)], { rtol: 0, atol: 0 });
    agree((s, i) => scatterAdd([5, 4], 1, i.T, s.T), [...inputs([[12, 5]], 29), index(12, 5, 4)], { rtol: 1e-6, atol: 1e-6 });
    const x = randn([3, 4], { backend: wasm });
    const bad = tensor(new Int32Array([0, 4, 1]), [3, 1], 'int32', { backend: wasm });
    expect(() => gather(x, 1, bad)).toThrow('gather: index 4 is out of range for dim 1 of size 4');
    x.dispose();
    bad.dispose();
  });
});
