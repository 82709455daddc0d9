/**
 * What the gradient tests share: reproducible float64 inputs, fast-check with the suite's fixed seed,
 * shape arbitraries (including broadcast pairs), input layouts that reach ops as non-contiguous views,
 * and a leak check.
 */
import { manualSeed, memory, rand, randn, setLogger, type Tensor } from '@setr-ts/tensor';
import fc from 'fast-check';
import { expect } from 'vitest';
import { type GradcheckOptions, gradcheck, type Variable } from '../../src/index.js';

setLogger(() => {});

/** The seed of every property (SETR_TEST_SEED to explore another, keep it to replay). */
export const SEED = Number(process.env.SETR_TEST_SEED ?? 20240611);

/** Runs a fast-check property with the fixed seed. numRuns stays modest: every run is many reference-backend passes. */
export function property<T>(arb: fc.Arbitrary<T>, predicate: (v: T) => void, numRuns = 12): void {
  fc.assert(fc.property(arb, predicate), { seed: SEED, numRuns });
}

/** Standard normal float64 values of `shape`, reproducible from `seed`. */
export function normal64(shape: readonly number[], seed: number): Tensor {
  manualSeed(seed);
  return randn(shape, { dtype: 'float64' });
}

/** Uniform float64 values in [0.5, 2), for ops defined on positive numbers (log, sqrt, a divisor, a base). */
export function positive64(shape: readonly number[], seed: number): Tensor {
  manualSeed(seed);
  const u = rand(shape, { dtype: 'float64' });
  const scaled = u.mul(1.5);
  const out = scaled.add(0.5);
  u.dispose();
  scaled.dispose();
  return out;
}

/** gradcheck, then disposes the inputs; returns the result for the test to assert on. */
export function check(fn: (...xs: Variable[]) => Variable, inputs: Tensor[], opts?: GradcheckOptions) {
  try {
    const r = gradcheck(fn, inputs, opts);
    expect(r.elements).toBe(inputs.reduce((n, t) => n + t.size, 0));
    return r;
  } finally {
    for (const t of inputs) t.dispose();
  }
}

export const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** Shapes of rank in [minRank, maxRank] with dims in [1, maxDim]. */
export function shapeArb(minRank: number, maxRank: number, maxDim = 4): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/**
 * Two shapes that broadcast together: a full shape and another made from it by dropping leading dims
 * and setting some dims to 1 — in random order, so either operand may be the one broadcast.
 */
export const broadcastPairArb: fc.Arbitrary<[number[], number[]]> = shapeArb(1, 3).chain((full) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: full.length }),
      fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      fc.boolean(),
    )
    .map(([drop, ones, swap]): [number[], number[]] => {
      const other = full.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
      return swap ? [other, full] : [full, other];
    }),
);

/**
 * How an input reaches the op under test: as it is, or as a non-contiguous view of a differently shaped
 * parameter — transposed, every other element (a stepped slice), offset (narrow), or broadcast
 * (stride 0). The view's own backward is then part of what gradcheck checks.
 */
export type Layout = 'contiguous' | 'transposed' | 'stepped' | 'offset' | 'broadcast';
export const layoutArb = fc.constantFrom<Layout>('contiguous', 'transposed', 'stepped', 'offset', 'broadcast');

/** The parameter shape that `arrange` turns into a view of `shape` with the given layout. */
export function arranged(layout: Layout, shape: readonly number[]): { paramShape: number[]; arrange: (p: Variable) => Variable } {
  const r = shape.length;
  if (layout === 'transposed' && r >= 2) {
    const paramShape = [...shape.slice(0, r - 2), shape[r - 1], shape[r - 2]];
    return { paramShape, arrange: (p) => p.transpose(-2, -1) };
  }
  if (layout === 'stepped' && r >= 1) {
    return { paramShape: [...shape.slice(0, r - 1), 2 * shape[r - 1]], arrange: (p) => p.slice(-1, 0, undefined, 2) };
  }
  if (layout === 'offset' && r >= 1) {
    return { paramShape: [shape[0] + 2, ...shape.slice(1)], arrange: (p) => p.narrow(0, 1, shape[0]) };
  }
  if (layout === 'broadcast' && r >= 1) {
    return { paramShape: [1, ...shape.slice(1)], arrange: (p) => p.expand(shape) };
  }
  return { paramShape: [...shape], arrange: (p) => p };
}

/**
 * Runs `body`, which must dispose everything it makes, and asserts that no tensor and no backend
 * buffer outlived it.
 */
export function expectNoLeaks(body: () => void): void {
  const before = memory();
  body();
  const after = memory();
  expect({ tensors: after.numTensors, bytes: after.numBytes }).toEqual({ tensors: before.numTensors, bytes: before.numBytes });
}

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise; the message names `what`, the first
 * bad index, both values and the largest difference. Returns the largest difference seen.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: { atol: number; rtol: number },
  what: string,
): number {
  expect(actual.length, `${what}: element count`).toBe(expected.length);
  let worst = 0;
  let first = -1;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    worst = Math.max(worst, Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff);
    if (first < 0 && !(diff <= tol.atol + tol.rtol * Math.abs(expected[i]))) first = i;
  }
  if (first >= 0) {
    throw new Error(
      `${what} differ at flat index ${first}: ${actual[first]} vs expected ${expected[first]} (largest |diff| ${worst}, atol ${tol.atol}, rtol ${tol.rtol})`,
    );
  }
  return worst;
}
