/**
 * fast-check generators of bad arguments for the bad-input campaign (issue #13): shapes, dims, dtypes,
 * int32 values and option values that the public API must refuse, and shapes that do not fit together.
 * Each generator covers the usual mistakes (negative, fractional, NaN, ±Infinity, huge, wrong type)
 * and random values beside them.
 */
import fc from 'fast-check';
import { shapeArb } from './arbitraries.js';

/** A number that is no dim size: negative, fractional, NaN, ±Infinity, or an integer past 2^53 − 1. */
export const badSizeArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1000, max: -1 }),
  fc.double({ min: 0, max: 1000, noNaN: true }).filter((v) => !Number.isInteger(v)),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, 1e300, -0.5),
);

/** Something of the wrong type where a number goes. */
export const notANumberArb: fc.Arbitrary<unknown> = fc.constantFrom<unknown>('2', null, undefined, true, [2], {}, 2n);

/** A small valid shape with one bad entry put in at a random place; `entry` says which. */
export const badShapeArb: fc.Arbitrary<{ shape: unknown[]; entry: unknown }> = fc
  .tuple(shapeArb({ maxRank: 3 }), fc.oneof({ weight: 4, arbitrary: badSizeArb }, { weight: 1, arbitrary: notANumberArb }), fc.nat())
  .map(([shape, entry, at]) => {
    const s: unknown[] = [...shape];
    s.splice(at % (shape.length + 1), 0, entry);
    return { shape: s, entry };
  });

/** Shapes of valid dims whose element count is not a safe integer (three or four dims of 2^20 or more). */
export const uncountableShapeArb: fc.Arbitrary<number[]> = fc.array(fc.integer({ min: 2 ** 20, max: 2 ** 31 }), {
  minLength: 3,
  maxLength: 4,
});

/** Not a dtype: PyTorch's names we lack, near misses, random strings, and other types. */
export const badDTypeArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('float16', 'bfloat16', 'int64', 'uint8', 'bool', 'float', 'double', 'Float32', 'FLOAT32', 'float32 ', 'int', ''),
  fc.string({ maxLength: 8 }).filter((s) => !['float32', 'int32', 'float64'].includes(s)),
  // null is not here: like PyTorch's dtype=None it means the default
  fc.constantFrom<unknown>(32, {}, ['float32'], Float32Array, true),
);

/** A value int32 cannot hold: non-finite, or beyond [−2³¹, 2³¹ − 1] after truncation toward zero. */
export const int32BadArb: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 31, -(2 ** 31) - 1, 3e9, -3e9),
  fc.double({ min: 2 ** 31, max: 1e300, noNaN: true }),
  fc.double({ min: -1e300, max: -(2 ** 31) - 1, noNaN: true }),
);

/** A value int32 holds after truncation toward zero, fractions and both ends included. */
export const int32GoodArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.double({ min: -(2 ** 31), max: 2 ** 31 - 1, noNaN: true }),
  fc.constantFrom(2147483647.9, -2147483648.9, -0.5, 0.5, -0),
);

/** A dim that is no dim of a tensor of rank `rank` (valid: integers in [−rank, rank−1]). */
export function badDimArb(rank: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: rank, max: rank + 10 }),
    fc.integer({ min: -rank - 10, max: -rank - 1 }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5, -0.5, rank - 0.5),
  );
}

/**
 * Two shapes that cannot be broadcast together: right-aligned, they meet at one position in two sizes
 * that differ and are both above 1, whatever their other dims.
 */
export const nonBroadcastPairArb: fc.Arbitrary<[number[], number[]]> = fc
  .tuple(
    shapeArb({ maxRank: 1, maxDim: 3 }),
    shapeArb({ maxRank: 1, maxDim: 3 }),
    shapeArb({ maxRank: 2, maxDim: 3 }),
    fc.integer({ min: 2, max: 5 }),
    fc.integer({ min: 2, max: 5 }),
  )
  .filter(([, , , p, q]) => p !== q)
  .map(([leadA, leadB, tail, p, q]) => [
    [...leadA, p, ...tail],
    [...leadB, q, ...tail],
  ]);

/** A conv2d stride, dilation or groups value that is no positive integer, alone or in a pair. */
export const badPositiveArb: fc.Arbitrary<number | [number, number]> = fc.oneof(
  fc.constantFrom(0, -1, 0.5, 1.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.tuple(fc.constantFrom(0, -2, 2.5, Number.NaN), fc.integer({ min: 1, max: 3 })),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, -2, 2.5, Number.NaN)),
);

/** An output size for interpolate that is no positive integer. */
export const badOutSizeArb: fc.Arbitrary<number | [number, number]> = fc.oneof(
  fc.constantFrom(0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.tuple(fc.constantFrom(0, -3, 1.5, Number.NaN), fc.integer({ min: 1, max: 4 })),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, -3, 1.5, Number.NaN)),
);
