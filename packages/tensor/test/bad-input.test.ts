/**
 * The bad-input campaign (issue #13): property tests that throw malformed arguments at the public API —
 * bad shapes, dtypes, dims, int32 values, option values, and shapes that do not fit together — on the
 * reference and wasm backends. Every refusal must be a plain `Error` (never a TypeError or RangeError
 * from deep inside) whose message starts with the op's name, as `matmul: inner dims differ: …` does,
 * and must leave no tensor and no backend buffer behind. A call that returns instead fails the property
 * with its arguments (fast-check prints the smallest it finds).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, DType, Tensor } from '../src/index.js';
import * as T from '../src/index.js';
import { shapeArb } from './support/arbitraries.js';
import { backendsUnderTest, useBackend } from './support/backends.js';
import {
  badDimArb,
  badDTypeArb,
  badOutSizeArb,
  badPositiveArb,
  badShapeArb,
  badSizeArb,
  int32BadArb,
  int32GoodArb,
  nonBroadcastPairArb,
  notANumberArb,
  uncountableShapeArb,
} from './support/bad-values.js';
import { property } from './support/harness.js';
import { refuses } from './support/refuses.js';

/** Synchronous backends only: there a bad call must throw when made, not when its result is read. */
const BACKENDS = backendsUnderTest().filter((b) => b.label === 'reference' || b.label === 'wasm');
const RUNS = 30;

/** Tests pass the public API values its types forbid; this says so once. */
const unchecked = <T>(v: unknown) => v as T;

/** Runs `body` on fresh zero tensors of `shapes` (float32 unless `dtype`), disposing them afterwards. */
function given(shapes: readonly (readonly number[])[], body: (...xs: Tensor[]) => void, dtype: DType = 'float32'): void {
  const xs = shapes.map((s) => T.zeros(s, { dtype }));
  try {
    body(...xs);
  } finally {
    for (const x of xs) x.dispose();
  }
}

const fmt = (s: readonly unknown[]) => `[${s.join(',')}]`;
const Float16 = (globalThis as { Float16Array?: new (values: number[]) => ArrayLike<number> }).Float16Array;

describe.each(BACKENDS)('bad input [$label]', (bk) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await useBackend(bk);
  });

  describe('creation', () => {
    /** Each creation function and the op name its errors carry (zeros and ones are `full`). */
    const SHAPED: readonly [string, (shape: unknown) => unknown][] = [
      ['full', (s) => T.zeros(unchecked(s))],
      ['full', (s) => T.ones(unchecked(s), { dtype: 'int32' })],
      ['full', (s) => T.full(unchecked(s), 2)],
      ['rand', (s) => T.rand(unchecked(s))],
      ['randn', (s) => T.randn(unchecked(s))],
      ['tensor', (s) => T.tensor([], unchecked(s))],
      ['fromTypedArray', (s) => T.fromTypedArray(new Float32Array(0), unchecked(s), 'float32')],
    ];

    it('refuses a shape with a negative, fractional, non-finite, huge or non-number dim, naming it', () =>
      property(
        fc.tuple(fc.constantFrom(...SHAPED), badShapeArb),
        async ([[op, make], { shape, entry }]) => {
          refuses(op, () => make(shape), 'invalid shape', ...(typeof entry === 'number' ? [String(entry)] : []));
        },
        RUNS,
      ));

    it('refuses a shape that is not an array', () =>
      property(
        fc.tuple(fc.constantFrom(...SHAPED), fc.constantFrom<unknown>(3, '3', null, undefined, { length: 2 }, new Int32Array([2]))),
        async ([[op, make], shape]) => {
          if (op === 'tensor' && (shape === undefined || shape === null)) return; // tensor infers the shape from its data
          refuses(op, () => make(shape), 'shape must be an array');
        },
        RUNS,
      ));

    it('refuses a shape whose element count is not a safe integer, without allocating', () =>
      property(
        fc.tuple(fc.constantFrom(...SHAPED), uncountableShapeArb),
        async ([[op, make], shape]) => refuses(op, () => make(shape), fmt(shape), '2^53 - 1'),
        RUNS,
      ));

    it('refuses a tensor larger than the backend holds, before allocating it', async (ctx) => {
      const limit = backend.maxBufferBytes;
      if (typeof limit !== 'number' || !Number.isFinite(limit)) ctx.skip(`backend ${backend.name} has no finite maxBufferBytes (${limit})`);
      const elements = Math.floor(limit / 4) + 1; // float32 and int32: 4 bytes each
      await property(
        fc.tuple(fc.constantFrom(...SHAPED.slice(0, 5)), fc.integer({ min: 1, max: 4 }), fc.nat(1000)),
        async ([[op, make], rows, extra]) => {
          const shape = [rows, Math.ceil(elements / rows) + extra];
          const started = performance.now();
          refuses(op, () => make(shape), fmt(shape), `more than backend ${backend.name} holds`);
          expect(performance.now() - started, 'refused only after allocating').toBeLessThan(250);
        },
        10,
      );
    });

    /** Each creation function given a dtype, and the op name its errors carry. */
    const DTYPED: readonly [string, (dtype: unknown) => unknown][] = [
      ['full', (dtype) => T.zeros([2], { dtype: unchecked(dtype) })],
      ['full', (dtype) => T.full([2], 1, { dtype: unchecked(dtype) })],
      ['rand', (dtype) => T.rand([2], { dtype: unchecked(dtype) })],
      ['randn', (dtype) => T.randn([2], { dtype: unchecked(dtype) })],
      ['arange', (dtype) => T.arange(3, undefined, 1, { dtype: unchecked(dtype) })],
      ['tensor', (dtype) => T.tensor([1, 2], undefined, unchecked(dtype))],
      ['tensor', (dtype) => T.tensor(new Float32Array(2), undefined, unchecked(dtype))],
      ['fromTypedArray', (dtype) => T.fromTypedArray(new Float32Array(2), [2], unchecked(dtype))],
    ];

    it('refuses an unknown dtype, naming it and the supported ones', () =>
      property(
        fc.tuple(fc.constantFrom(...DTYPED), badDTypeArb),
        async ([[op, make], dtype]) => {
          refuses(op, () => make(dtype), 'unknown dtype', ...(typeof dtype === 'string' ? [`'${dtype}'`] : []), 'float32, int32, float64');
        },
        RUNS,
      ));

    it('zerosLike, onesLike and Tensor.to refuse an unknown dtype too', () =>
      property(
        badDTypeArb,
        async (dtype) =>
          given([[2, 3]], (x) => {
            refuses('zerosLike', () => T.zerosLike(x, { dtype: unchecked(dtype) }), 'unknown dtype');
            refuses('onesLike', () => T.onesLike(x, { dtype: unchecked(dtype) }), 'unknown dtype');
            refuses('cast', () => x.to(unchecked(dtype)));
          }),
        RUNS,
      ));

    it('refuses int32 values that are not finite or out of range, naming the value', () =>
      property(
        fc.tuple(fc.array(int32GoodArb, { maxLength: 6 }), int32BadArb, fc.nat()),
        async ([good, bad, at]) => {
          const values = [...good];
          const i = at % (values.length + 1);
          values.splice(i, 0, bad);
          const where = `${bad} at index ${i}`;
          refuses('tensor', () => T.tensor(values, undefined, 'int32'), where, 'does not fit int32');
          refuses('tensor', () => T.tensor(Float64Array.from(values), undefined, 'int32'), where);
          refuses('fromTypedArray', () => T.fromTypedArray(Float64Array.from(values), [values.length], 'int32'), where);
          refuses('full', () => T.full([2], bad, { dtype: 'int32' }), String(bad), 'does not fit int32');
        },
        RUNS,
      ));

    it('stores in-range int32 values truncated toward zero, as PyTorch does', () =>
      property(
        fc.array(int32GoodArb, { maxLength: 8 }),
        async (values) => {
          const t = T.tensor(values, undefined, 'int32');
          expect(Array.from(await t.data())).toEqual(values.map((v) => Math.trunc(v) + 0));
          t.dispose();
        },
        RUNS,
      ));

    it('arange refuses an int32 range int32 cannot hold, and gives it as float32 when asked', () =>
      property(
        fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.boolean()),
        async ([below, above, negative]) => {
          // a few steps that cross 2^31 − 1 (or −2^31 going down)
          const [start, end, step] = negative
            ? [-(2 ** 31) + below, -(2 ** 31) - 1 - above, -1]
            : [2 ** 31 - 1 - below, 2 ** 31 + above, 1];
          refuses('arange', () => T.arange(start, end, step), 'does not fit int32');
          const t = T.arange(start, end, step, { dtype: 'float32' });
          expect(t.shape).toEqual([below + above + 1]);
          t.dispose();
        },
        RUNS,
      ));

    it('arange refuses a non-finite or non-number argument, naming it', () =>
      property(
        fc.tuple(
          fc.constantFrom('start', 'end', 'step'),
          fc.oneof(fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY), notANumberArb),
        ),
        async ([which, bad]) => {
          // undefined is the default for end and step, not a bad value
          if (bad === undefined && which !== 'start') return;
          const args: unknown[] = [0, 4, 1];
          args[['start', 'end', 'step'].indexOf(which)] = bad;
          const shown = typeof bad === 'number' ? String(bad) : '';
          refuses(
            'arange',
            () => T.arange(unchecked(args[0]), unchecked(args[1]), unchecked(args[2])),
            `${which} must be a finite number`,
            shown,
          );
          if (which === 'start') refuses('arange', () => T.arange(unchecked(bad)), 'end must be a finite number', shown); // arange(n): n is the end
        },
        RUNS,
      ));

    it('arange refuses a zero step and a range of more elements than can be counted', () => {
      refuses('arange', () => T.arange(0, 3, 0), 'step must be non-zero');
      refuses('arange', () => T.arange(-1e20, 1e20), 'elements');
      refuses('arange', () => T.arange(0, 1e300, 1e-300), 'elements');
    });

    it('refuses typed arrays other than Float32Array, Int32Array and Float64Array unless a dtype says what to convert to', () => {
      const kinds: (new (values: number[]) => ArrayLike<number>)[] = [
        Uint8Array,
        Uint8ClampedArray,
        Int8Array,
        Int16Array,
        Uint16Array,
        Uint32Array,
      ];
      if (Float16) kinds.push(Float16);
      return property(
        fc.tuple(fc.constantFrom(...kinds), fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 5 })),
        async ([Kind, values]) => {
          const data = new Kind(values);
          refuses('tensor', () => T.tensor(unchecked(data)), `a ${Kind.name} has no matching dtype`);
          const t = T.tensor(unchecked(data), undefined, 'float32');
          expect(Array.from(await t.data())).toEqual(values);
          t.dispose();
        },
        RUNS,
      );
    });

    it('always refuses BigInt64Array, BigUint64Array and DataView', () => {
      for (const data of [new BigInt64Array(2), new BigUint64Array(2), new DataView(new ArrayBuffer(8))]) {
        const name = Object.prototype.toString.call(data).slice(8, -1);
        refuses('tensor', () => T.tensor(unchecked(data)), name);
        refuses('tensor', () => T.tensor(unchecked(data), [2], 'float32'), name);
        refuses('fromTypedArray', () => T.fromTypedArray(unchecked(data), [2], 'float32'), name);
      }
    });

    it('refuses bad data, fill values, options and backends, naming the op', () =>
      property(
        fc.constantFrom<[string, () => unknown, string]>(
          ['tensor', () => T.tensor(unchecked(['a'])), "'a'"],
          ['tensor', () => T.tensor(unchecked([1, [2]])), 'ragged'],
          ['tensor', () => T.tensor(unchecked([1, undefined, 3])), 'undefined'],
          ['tensor', () => T.tensor(unchecked(null)), 'null'],
          ['tensor', () => T.tensor([1, 2, 3], [2, 2]), '3 values do not fill shape [2,2]'],
          ['fromTypedArray', () => T.fromTypedArray(new Float32Array(3), [2, 2], 'float32'), '3 values do not fill shape [2,2]'],
          ['full', () => T.full([2], unchecked('1')), "value must be a number, got '1'"],
          ['full', () => T.full([2], unchecked(1n)), 'value must be a number, got 1n'],
          ['full', () => T.zeros([2], unchecked(null)), 'options must be an object'],
          ['full', () => T.zeros([2], unchecked('int32')), 'options must be an object'],
          ['full', () => T.zeros([2], { backend: 'nope' }), "unknown backend 'nope'"],
          ['rand', () => T.rand([2], { backend: unchecked(42) }), 'backend must be a backend'],
          ['rand', () => T.rand([2], { dtype: 'int32' }), 'dtype must be a float type'],
          ['tensor', () => T.tensor([1], undefined, undefined, unchecked(null)), 'options must be an object'],
          ['zerosLike', () => T.zerosLike(unchecked(undefined)), 'expected a tensor'],
          ['onesLike', () => T.onesLike(unchecked([2, 3])), 'expected a tensor'],
          ['toBackend', () => T.toBackend(unchecked(null), 'reference'), 'expected a tensor'],
          ['toBackend', () => T.toBackend(unchecked(undefined), 'reference'), 'expected a tensor'],
        ),
        async ([op, call, mention]) => refuses(op, call, mention),
        RUNS,
      ));

    it('toBackend refuses a disposed tensor (zerosLike takes its shape and dtype, as autograd does)', () => {
      const x = T.zeros([2]);
      x.dispose();
      refuses('toBackend', () => T.toBackend(x, 'reference'), 'disposed');
      const z = T.zerosLike(x);
      expect(z.shape).toEqual([2]);
      z.dispose();
    });
  });

  describe('ops', () => {
    /** Ops that take one dim of x, the op name their errors carry, and how many dims the dim ranges over beyond x's rank. */
    const DIM_OPS: readonly [string, (x: Tensor, d: number) => unknown, number][] = [
      ['sum', (x, d) => T.sum(x, d), 0],
      ['mean', (x, d) => T.mean(x, d), 0],
      ['max', (x, d) => T.max(x, d), 0],
      ['min', (x, d) => T.min(x, d), 0],
      ['argmax', (x, d) => T.argmax(x, d), 0],
      ['argmin', (x, d) => T.argmin(x, d), 0],
      ['variance', (x, d) => T.variance(x, d), 0],
      ['logsumexp', (x, d) => T.logsumexp(x, d), 0],
      ['softmax', (x, d) => T.softmax(x, d), 0],
      ['logSoftmax', (x, d) => T.logSoftmax(x, d), 0],
      ['transpose', (x, d) => T.transpose(x, d, 0), 0],
      ['squeeze', (x, d) => T.squeeze(x, d), 0],
      ['narrow', (x, d) => T.narrow(x, d, 0, 0), 0],
      ['slice', (x, d) => T.slice(x, d), 0],
      ['flatten', (x, d) => T.flatten(x, d), 0],
      ['cat', (x, d) => T.cat([x, x], d), 0],
      ['split', (x, d) => T.split(x, 1, d), 0],
      ['chunk', (x, d) => T.chunk(x, 1, d), 0],
      ['unsqueeze', (x, d) => T.unsqueeze(x, d), 1],
      ['stack', (x, d) => T.stack([x, x], d), 1],
    ];

    it.each(DIM_OPS)('%s refuses a dim out of range, fractional or non-finite, naming itself', (op, call, extra) =>
      property(
        shapeArb({ maxRank: 3, maxDim: 3 }).chain((shape) => fc.tuple(fc.constant(shape), badDimArb(Math.max(shape.length + extra, 1)))),
        async ([shape, dim]) => given([shape], (x) => refuses(op, () => call(x, dim), String(dim))),
        RUNS,
      ),
    );

    it('gather and indexSelect refuse a bad dim, an index of the wrong rank or dtype, and indices out of range (indexSelect as itself)', () =>
      property(
        fc.tuple(
          shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }),
          fc.nat(),
          fc.oneof(fc.integer({ min: -5, max: -1 }), fc.integer({ min: 0, max: 5 })),
        ),
        async ([shape, at, offset]) => {
          const d = at % shape.length;
          const bad = offset < 0 ? offset : shape[d] + offset; // below 0 or at least the dim's size
          const index = T.zeros(shape, { dtype: 'int32' });
          const badIndex = T.full(shape, bad, { dtype: 'int32' });
          const flatBad = T.full([2], bad, { dtype: 'int32' });
          const floatIndex = T.zeros(shape);
          const lowRank = T.zeros(shape.slice(1), { dtype: 'int32' });
          const twoD = T.zeros([1, 1], { dtype: 'int32' });
          try {
            given([shape], (x) => {
              refuses('gather', () => T.gather(x, shape.length, index), String(shape.length));
              refuses('gather', () => T.gather(x, d, floatIndex), 'int32');
              refuses('gather', () => T.gather(x, d, lowRank));
              refuses('gather', () => T.gather(x, d, badIndex), `index ${bad} is out of range`);
              refuses('indexSelect', () => T.indexSelect(x, d, flatBad), String(bad));
              refuses('indexSelect', () => T.indexSelect(x, d, twoD), '[1,1]');
            });
          } finally {
            for (const t of [index, badIndex, flatBad, floatIndex, lowRank, twoD]) t.dispose();
          }
        },
        RUNS,
      ));

    const BINARY: readonly [string, (a: Tensor, b: Tensor, cond: Tensor) => unknown][] = [
      ['add', T.add],
      ['sub', T.sub],
      ['mul', T.mul],
      ['div', T.div],
      ['pow', T.pow],
      ['maximum', T.maximum],
      ['minimum', T.minimum],
      ['eq', T.eq],
      ['lt', T.lt],
      ['ge', T.ge],
      ['where', (a, b, cond) => T.where(cond, a, b)],
    ];

    it('binary ops refuse shapes that do not broadcast, naming both', () =>
      property(
        fc.tuple(fc.constantFrom(...BINARY), nonBroadcastPairArb),
        async ([[op, call], [sa, sb]]) =>
          given([sa], (cond) => given([sa, sb], (a, b) => refuses(op, () => call(a, b, cond), fmt(sa), fmt(sb))), 'int32'),
        RUNS,
      ));

    it('matmul refuses differing inner dims, batch dims that do not broadcast, and 0-d operands', () =>
      property(
        fc.tuple(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
        ),
        async ([m, k, k2, n]) => {
          if (k !== k2)
            given(
              [
                [m, k],
                [k2, n],
              ],
              (a, b) => refuses('matmul', () => T.matmul(a, b), 'inner dims differ'),
            );
          given(
            [
              [2, m, k],
              [3, k, n],
            ],
            (a, b) => refuses('matmul', () => T.matmul(a, b), '[2', '[3'),
          );
          given([[], [k, n]], (a, b) => refuses('matmul', () => T.matmul(a, b)));
        },
        RUNS,
      ));

    it('cat and stack refuse shapes that differ outside dim, an empty list, and mixed dtypes', () =>
      property(
        fc.tuple(shapeArb({ minRank: 2, maxRank: 3, maxDim: 3 }), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 3 })),
        async ([shape, atDim, atOther, grow]) => {
          const dim = atDim % shape.length;
          const other = (dim + 1 + (atOther % (shape.length - 1))) % shape.length;
          const wider = shape.map((s, i) => (i === other ? s + grow : s));
          given([shape, wider], (a, b) => {
            refuses('cat', () => T.cat([a, b], dim), fmt(shape), fmt(wider));
            refuses('stack', () => T.stack([a, b], dim), fmt(shape), fmt(wider));
          });
          given([shape.slice(1)], (low) => given([shape], (a) => refuses('cat', () => T.cat([a, low], 0))));
          given([shape], (i) => given([shape], (f) => refuses('cat', () => T.cat([f, i], dim), 'int32')), 'int32');
          refuses('cat', () => T.cat([], dim));
          refuses('stack', () => T.stack([], dim));
        },
        RUNS,
      ));

    it('conv2d refuses bad stride, dilation, padding and groups', () =>
      property(
        fc.tuple(fc.constantFrom('stride', 'dilation', 'groups', 'padding'), badPositiveArb),
        async ([name, value]) => {
          // padding may be 0, so its bad values are negative or not integers
          const v =
            name === 'padding' ? (typeof value === 'number' ? (value === 0 ? -1 : value) : value.map((p) => (p === 0 ? -1 : p))) : value;
          if (name === 'groups' && typeof v !== 'number') return;
          given(
            [
              [1, 2, 5, 5],
              [2, 2, 3, 3],
            ],
            (x, w) => refuses('conv2d', () => T.conv2d(x, w, null, { [name]: v })),
          );
        },
        RUNS,
      ));

    it('conv2d refuses a too small input, mismatched channels, groups that do not divide, a bad bias, a missing batch dim', () =>
      property(
        fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 4 }), fc.nat()),
        async ([c, co, hw, kk]) => {
          const k = 1 + (kk % hw); // a kernel that fits the input
          given([[1, c, hw, hw]], (x) => {
            given([[co, c + 1, k, k]], (w) => refuses('conv2d', () => T.conv2d(x, w), String(c)));
            given([[co, c, hw + 1, hw + 1]], (w) => refuses('conv2d', () => T.conv2d(x, w), 'too small'));
            given([[co, c, k, k], [co + 1]], (w, bias) => refuses('conv2d', () => T.conv2d(x, w, bias), 'bias'));
            given([[co * 2 + 1, 1, k, k]], (w) => refuses('conv2d', () => T.conv2d(x, w, null, { groups: c + 1 })));
          });
          given(
            [
              [c, hw, hw],
              [co, c, k, k],
            ],
            (x, w) => refuses('conv2d', () => T.conv2d(x, w), 'N,C,H,W'),
          ); // no batch dim
        },
        RUNS,
      ));

    // PyTorch refuses both; a 0×0 kernel once gave zeros here
    it('conv2d refuses an empty kernel (0×0, 0×k, k×0), with or without padding, and an input with H or W = 0', () =>
      property(
        fc.tuple(
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 0, max: 2 }),
        ),
        async ([c, co, k, padding]) => {
          given([[1, c, 4, 4]], (x) => {
            for (const [kh, kw] of [
              [0, 0],
              [0, k],
              [k, 0],
            ])
              given([[co, c, kh, kw]], (w) => refuses('conv2d', () => T.conv2d(x, w, null, { padding })));
          });
          for (const xShape of [
            [1, c, 0, 4],
            [1, c, 4, 0],
          ])
            given([xShape, [co, c, 1, 1]], (x, w) => refuses('conv2d', () => T.conv2d(x, w)));
        },
        RUNS,
      ));

    it('layerNorm refuses a normalizedShape that is not the trailing dims, and weight or bias of another shape', () =>
      property(
        fc.tuple(shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }), fc.integer({ min: 1, max: 3 })),
        async ([shape, grow]) => {
          const last = shape[shape.length - 1];
          given([shape], (x) => {
            refuses('layerNorm', () => T.layerNorm(x, [last + grow]), 'normalizedShape');
            refuses('layerNorm', () => T.layerNorm(x, []), 'normalizedShape');
            refuses('layerNorm', () => T.layerNorm(x, [...shape, 1]), 'normalizedShape');
            given([[last + grow]], (w) => refuses('layerNorm', () => T.layerNorm(x, [last], w), 'weight'));
            given([[last], [last + grow]], (w, b) => refuses('layerNorm', () => T.layerNorm(x, [last], w, b), 'bias'));
          });
        },
        RUNS,
      ));

    it('interpolate refuses a bad size or scale factor, a wrong rank, and contradictory options', () =>
      property(
        fc.tuple(badOutSizeArb, fc.constantFrom(0, -1, -0.5, Number.NaN), fc.constantFrom<'nearest' | 'bilinear'>('nearest', 'bilinear')),
        async ([size, scale, mode]) => {
          given([[1, 2, 3, 4]], (x) => {
            refuses('interpolate', () => T.interpolate(x, { size, mode }));
            refuses('interpolate', () => T.interpolate(x, { scaleFactor: scale, mode }));
            refuses('interpolate', () => T.interpolate(x, { size: 2, scaleFactor: 2, mode }), 'exactly one');
            refuses('interpolate', () => T.interpolate(x, { mode }), 'exactly one');
            refuses('interpolate', () => T.interpolate(x, { size: 2, mode: unchecked('bicubic') }), "'bicubic'");
          });
          given([[2, 3, 4]], (x) => refuses('interpolate', () => T.interpolate(x, { size: 2, mode }), '[2,3,4]'));
        },
        RUNS,
      ));

    it('interpolate refuses an input with H or W = 0, whatever the output size', () =>
      property(
        fc.tuple(
          fc.constantFrom([1, 2, 0, 4], [1, 2, 3, 0], [2, 1, 0, 0]),
          fc.integer({ min: 1, max: 4 }),
          fc.constantFrom<'nearest' | 'bilinear'>('nearest', 'bilinear'),
        ),
        async ([shape, size, mode]) =>
          given([shape], (x) => {
            refuses('interpolate', () => T.interpolate(x, { size, mode }));
            refuses('interpolate', () => T.interpolate(x, { size: [size, size + 1], mode }));
            refuses('interpolate', () => T.interpolate(x, { scaleFactor: size, mode }));
          }),
        RUNS,
      ));

    it('reshape, view, expand and permute refuse shapes that do not fit, naming the op', () =>
      property(
        fc.tuple(shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }), badShapeArb, fc.integer({ min: 1, max: 3 })),
        async ([shape, { shape: bad, entry }, grow]) => {
          const size = shape.reduce((a, b) => a * b, 1);
          given([shape], (x) => {
            if (entry !== -1) refuses('reshape', () => T.reshape(x, unchecked(bad))); // -1 is reshape's "infer this dim"
            refuses('reshape', () => T.reshape(x, [size + grow]), String(size + grow));
            refuses('view', () => T.view(x, [size + grow]));
            refuses('expand', () => T.expand(x, shape.slice(1)), 'fewer dims');
            if (shape.some((d) => d > 1))
              refuses('expand', () =>
                T.expand(
                  x,
                  shape.map((d) => (d > 1 ? d + grow : d)),
                ),
              );
            refuses('permute', () => T.permute(x, shape.map(() => 0).concat(shape.length > 1 ? [] : [0])));
            refuses('permute', () => T.permute(x, [...shape.map((_, i) => i), shape.length]));
          });
        },
        RUNS,
      ));
  });
});

describe('bad-input arbitraries', () => {
  it('only generate bad values', () =>
    property(
      fc.tuple(badSizeArb, int32BadArb, badDimArb(3)),
      async ([size, v, dim]) => {
        expect(Number.isSafeInteger(size) && size >= 0).toBe(false);
        expect(Number.isFinite(v) && Math.trunc(v) >= -(2 ** 31) && Math.trunc(v) <= 2 ** 31 - 1).toBe(false);
        expect(Number.isInteger(dim) && dim >= -3 && dim < 3).toBe(false);
      },
      100,
    ));
});
