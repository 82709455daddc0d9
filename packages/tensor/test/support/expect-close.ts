/**
 * Numeric comparison with a message that says where and by how much: the first mismatching index
 * (as a multi-index when the shape is known), both values, the bound, and how many elements failed.
 */
import type { HostTensor } from './host.js';

export interface Tolerance {
  /** Allowed |actual − expected| is atol + rtol·|expected|. */
  readonly rtol: number;
  readonly atol: number;
}

export const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** True when `a` is within tolerance of `e`; NaN matches only NaN and an infinity only itself. */
export function isClose(a: number, e: number, tol: Tolerance): boolean {
  if (Number.isNaN(e) || Number.isNaN(a)) return Number.isNaN(e) && Number.isNaN(a);
  if (!Number.isFinite(e) || !Number.isFinite(a)) return a === e;
  return Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

/** Throws unless every element of `actual` is close to `expected`. `what` names the values in the message. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  shape?: readonly number[],
  what = 'values',
): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} elements, expected ${expected.length}`);
  let first = -1;
  let bad = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    if (isClose(actual[i], expected[i], tol)) continue;
    bad++;
    if (first < 0) first = i;
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  }
  if (bad === 0) return;
  const where = shape ? `[${unravel(first, shape).join(',')}] (flat ${first})` : `${first}`;
  const bound = tol.atol + tol.rtol * Math.abs(expected[first]);
  throw new Error(
    `${what} differ at ${where}: actual ${actual[first]}, expected ${expected[first]} (|diff| ${Math.abs(actual[first] - expected[first])} > ${bound}, ` +
      `rtol ${tol.rtol}, atol ${tol.atol}); ${bad} of ${expected.length} elements differ, largest |diff| ${worst}`,
  );
}

/** Shape, dtype and values of `actual` against `expected`. */
export function expectHostClose(actual: HostTensor, expected: HostTensor, tol: Tolerance, what = 'result'): void {
  if (actual.shape.join(',') !== expected.shape.join(','))
    throw new Error(`${what}: shape [${actual.shape}], expected [${expected.shape}]`);
  if (actual.dtype !== expected.dtype) throw new Error(`${what}: dtype ${actual.dtype}, expected ${expected.dtype}`);
  expectClose(actual.data, expected.data, tol, expected.shape, what);
}
