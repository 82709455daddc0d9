/**
 * The bad-input campaign (issue #13) through autograd: the tensor package's refusals must reach a user
 * of Variables unchanged — a plain `Error` whose message starts with the op's name — and a refused op
 * must leave no tensor behind (no half-recorded graph node holding saved tensors). Backward and
 * gradcheck refuse their own bad arguments the same way.
 */
import { tensor, zeros } from '@setr-ts/tensor';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { refuses } from '../../tensor/test/support/refuses.js';
import type { Variable } from '../src/index.js';
import * as A from '../src/index.js';

const SEED = Number(process.env.SETR_TEST_SEED ?? 20240611);
const RUNS = 25;

const check = <T>(arb: fc.Arbitrary<T>, predicate: (v: T) => void) => fc.assert(fc.property(arb, predicate), { seed: SEED, numRuns: RUNS });

const smallShape = (minRank = 0) => fc.array(fc.integer({ min: 1, max: 3 }), { minLength: minRank, maxLength: 3 });

/** A dim that is no dim of a tensor of rank `rank`. */
const badDimArb = (rank: number) =>
  fc.oneof(
    fc.integer({ min: rank, max: rank + 5 }),
    fc.integer({ min: -rank - 5, max: -rank - 1 }),
    fc.constantFrom(Number.NaN, 0.5, Number.POSITIVE_INFINITY),
  );

/** Two shapes that do not broadcast: they meet, right-aligned, in two different sizes above 1. */
const nonBroadcastPairArb = fc
  .tuple(smallShape(), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 4 }))
  .filter(([, p, q]) => p !== q)
  .map(([tail, p, q]): [number[], number[]] => [
    [p, ...tail],
    [q, ...tail],
  ]);

/** Runs `body` on fresh parameters (zeros of `shapes`), disposing them afterwards. */
function given(shapes: readonly (readonly number[])[], body: (...xs: Variable[]) => void): void {
  const xs = shapes.map((s) => A.parameter(zeros(s)));
  try {
    body(...xs);
  } finally {
    for (const x of xs) x.dispose();
  }
}

describe('ops on variables refuse bad arguments as the tensor ops do, without leaking', () => {
  const BINARY: readonly [string, (a: Variable, b: Variable) => unknown][] = [
    ['add', A.add],
    ['sub', A.sub],
    ['mul', A.mul],
    ['div', A.div],
    ['pow', A.pow],
    ['maximum', A.maximum],
  ];

  it('binary ops refuse shapes that do not broadcast', () =>
    check(fc.tuple(fc.constantFrom(...BINARY), nonBroadcastPairArb), ([[op, call], [sa, sb]]) =>
      given([sa, sb], (a, b) => refuses(op, () => call(a, b), `[${sa.join(',')}]`, `[${sb.join(',')}]`)),
    ));

  it('matmul refuses differing inner dims', () =>
    check(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })), ([m, k, extra]) =>
      given(
        [
          [m, k],
          [k + extra, 2],
        ],
        (a, b) => refuses('matmul', () => A.matmul(a, b), 'inner dims differ'),
      ),
    ));

  const DIM_OPS: readonly [string, (x: Variable, d: number) => unknown][] = [
    ['sum', (x, d) => A.sum(x, d)],
    ['mean', (x, d) => A.mean(x, d)],
    ['max', (x, d) => A.max(x, d)],
    ['logsumexp', (x, d) => A.logsumexp(x, d)],
    ['softmax', (x, d) => A.softmax(x, d)],
    ['logSoftmax', (x, d) => A.logSoftmax(x, d)],
    ['transpose', (x, d) => x.transpose(d, 0)],
    ['unsqueeze', (x, d) => A.unsqueeze(x, d)],
    ['cat', (x, d) => A.cat([x, x], d)],
    ['split', (x, d) => A.split(x, 1, d)],
  ];

  it.each(DIM_OPS)('%s refuses a bad dim, naming itself', (op, call) =>
    check(
      smallShape(1).chain((shape) => fc.tuple(fc.constant(shape), badDimArb(shape.length + 1))),
      ([shape, dim]) => given([shape], (x) => refuses(op, () => call(x, dim))),
    ),
  );

  it('conv2d, layerNorm, interpolate and gather refuse bad shapes and options', () =>
    check(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 })), ([c, extra]) => {
      given(
        [
          [1, c, 4, 4],
          [2, c + extra, 3, 3],
        ],
        (x, w) => refuses('conv2d', () => A.conv2d(x, w)),
      );
      given(
        [
          [1, c, 4, 4],
          [2, c, 3, 3],
        ],
        (x, w) => refuses('conv2d', () => A.conv2d(x, w, null, { stride: 0 })),
      );
      given([[2, c + 1]], (x) => refuses('layerNorm', () => A.layerNorm(x, [c + 1 + extra]), 'normalizedShape'));
      given([[1, c, 3, 3]], (x) => refuses('interpolate', () => A.interpolate(x, { size: 0 })));
      given([[2, c]], (x) => {
        const index = tensor([c + extra, 0], [2, 1], 'int32');
        try {
          refuses('gather', () => A.gather(x, 1, index), 'out of range');
        } finally {
          index.dispose();
        }
      });
    }));
});

describe('backward, variable and gradcheck refuse bad arguments, naming themselves', () => {
  it('backward refuses a gradient of the wrong shape, and a non-scalar root without one', () =>
    check(fc.tuple(smallShape(1), fc.integer({ min: 1, max: 3 })), ([shape, extra]) =>
      given([shape], (x) => {
        const y = A.mul(x, 2);
        const wrong = zeros([...shape, extra + 1]);
        try {
          refuses('backward', () => y.backward(wrong), 'does not match');
          if (shape.some((d) => d > 1)) refuses('backward', () => y.backward());
        } finally {
          wrong.dispose();
          y.dispose();
        }
      }),
    ));

  it('variable refuses an int32 tensor that requires a gradient', () => {
    const t = zeros([2], { dtype: 'int32' });
    refuses('variable', () => A.variable(t, { requiresGrad: true }), 'int32');
    t.dispose();
  });

  it('gradcheck refuses an int32 input', () => {
    const t = zeros([2], { dtype: 'int32', backend: 'reference' });
    refuses('gradcheck', () => A.gradcheck((x: Variable) => A.sum(x), [t]), 'int32');
    t.dispose();
  });
});
