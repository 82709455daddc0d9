/**
 * interpolate (bilinear in both alignCorners modes, nearest) by size or by scale factor, and its
 * adjoint. The exact PyTorch coordinate rules are pinned by the golden tests; here random geometry
 * checks agreement with the reference, that a constant image stays constant (the weights of each
 * output pixel sum to one), and the adjoint identity ⟨interp(x), dy⟩ = ⟨x, interpBackward(dy)⟩.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type InterpolateOptions, interpolate, interpolateBackward, tensor } from '../../src/index.js';
import { expectAdjoint } from '../support/adjoint.js';
import { seedArb, viewArb, viewOracle } from '../support/arbitraries.js';
import { expectClose, expectHostClose } from '../support/expect-close.js';
import { describeBackends, property } from '../support/harness.js';
import { build, host, randomHost } from '../support/host.js';
import { looser, ORACLE_TOL } from '../support/oracle.js';

const int = (min: number, max: number) => fc.noBias(fc.integer({ min, max }));

const optionsArb: fc.Arbitrary<InterpolateOptions> = fc.oneof(
  fc.record({ mode: fc.constant<'nearest'>('nearest') }),
  fc.record({ mode: fc.constant<'bilinear'>('bilinear'), alignCorners: fc.boolean() }),
);
/** An output size up to `maxOut`, or a scale factor that may be non-integer (then PyTorch's scale ≠ in/out). */
const resizeArb = (maxOut: number): fc.Arbitrary<InterpolateOptions> =>
  fc.oneof(
    fc.record({ size: fc.tuple(int(1, maxOut), int(1, maxOut)) }),
    fc.record({ scaleFactor: fc.constantFrom<number | [number, number]>(2, 0.5, 1.7, 0.6, [1.5, 0.75], [3, 1.25]) }),
  );

/** Input planes of `[n, c, h, w]` with h and w in [2, maxIn]; output sizes up to maxOut. */
const interpCase = (maxIn: number, maxOut: number) =>
  fc.record({ n: int(1, 2), c: int(1, 2), h: int(2, maxIn), w: int(2, maxIn) }).chain(({ n, c, h, w }) =>
    fc.record({
      shape: fc.constant([n, c, h, w]),
      view: viewArb([n, c, h, w]),
      mode: optionsArb,
      resize: resizeArb(maxOut),
      seed: seedArb,
    }),
  );

describeBackends('interpolate', (h) => {
  const check = (maxIn: number, maxOut: number, numRuns: number) =>
    property(
      interpCase(maxIn, maxOut),
      async ({ shape, view, mode, resize, seed }) => {
        const opts = { ...mode, ...resize };
        const label = `${JSON.stringify(opts)} of [${shape}] (${view.label})`;
        const base = randomHost(view.baseShape, seed);
        const [y] = await h.agree([base], (t) => interpolate(view.make(t), opts));
        const dy = randomHost(y.shape, seed + 1);
        const [dx] = await h.agree([dy], (d) => interpolateBackward(d, shape, opts));
        const x = viewOracle(view, base, shape);
        expectAdjoint(y.data, dy.data, x.data, dx.data, label);
        const [flat] = await h.run([host(shape, new Array(x.data.length).fill(1.25))], (t) => interpolate(t, opts));
        expectHostClose(
          flat,
          build(y.shape, 'float32', () => 1.25),
          looser(h.tol, ORACLE_TOL),
          `constant image, ${label}`,
        );
      },
      numRuns,
    );

  it('random geometry: agrees with the reference, keeps constants, and its backward is its adjoint', () => check(6, 7, 40));
  it('the same on larger images', () => check(40, 70, 4));

  it('nearest with an integer factor repeats pixels; alignCorners keeps the corners', async () => {
    const x = host([1, 1, 2, 2], [1, 2, 3, 4]);
    const [rep, corners] = await h.agree([x], (t) => [
      interpolate(t, { scaleFactor: 2 }),
      interpolate(t, { size: [5, 3], mode: 'bilinear', alignCorners: true }),
    ]);
    expectHostClose(rep, host([1, 1, 4, 4], [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]), h.tol);
    const c = corners.data;
    expectClose(
      [c[0], c[2], c[12], c[14], c[1]],
      [1, 2, 3, 4, 1.5],
      looser(h.tol, ORACLE_TOL),
      undefined,
      'corners and the top edge midpoint',
    );
  });

  it('errors name the op and the problem', () => {
    const x = tensor(new Array(16).fill(1), [1, 1, 4, 4], 'float32', { backend: h.backend });
    expect(() => interpolate(x, { size: 2, scaleFactor: 2 })).toThrow(/interpolate: give exactly one of size and scaleFactor/);
    expect(() => interpolate(x, {})).toThrow(/interpolate: give exactly one of size and scaleFactor/);
    expect(() => interpolate(x, { size: 2, alignCorners: true })).toThrow(/interpolate: alignCorners only applies to bilinear mode/);
    expect(() => interpolate(x.reshape(4, 4), { size: 2 })).toThrow(/interpolate: expected input \[N,C,H,W\], got \[4,4\]/);
    expect(() => interpolate(x, { scaleFactor: 0.1 })).toThrow(/interpolate: invalid output size 0x0 for input \[1,1,4,4\]/);
    expect(() => interpolate(x, { scaleFactor: -2 })).toThrow(/interpolate: scaleFactor must be positive/);
    expect(() => interpolate(x, { size: 2, mode: 'bicubic' as 'nearest' })).toThrow(/interpolate: unknown mode 'bicubic'/);
    const dy = tensor(new Array(9).fill(1), [1, 1, 3, 3], 'float32', { backend: h.backend });
    expect(() => interpolateBackward(dy, [1, 1, 4, 4], { size: 2 })).toThrow(/interpolateBackward: dy \[1,1,3,3\] should be \[1,1,2,2\]/);
    const dyi = dy.int();
    expect(() => interpolateBackward(dyi, [1, 1, 2, 2], { size: 3 })).toThrow(
      /interpolateBackward: expected dtype float32 or float64, got int32/,
    );
    for (const t of [x, dy, dyi]) t.dispose();
  });
});
