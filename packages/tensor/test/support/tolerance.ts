/** Tolerances that follow from float32 arithmetic: long sums, and cancellation. */
import type { Tolerance } from './expect-close.js';

/**
 * Another backend may sum `n` terms in another order (or in float32): about √n roundings of the
 * result's size. Scaling atol by √n keeps the check tight for short sums and honest for long ones.
 */
export function summed(tol: Tolerance, n: number): Tolerance {
  return { rtol: tol.rtol, atol: tol.atol * Math.max(1, Math.sqrt(n)) };
}

/**
 * A float32 kernel that subtracts values of size `magnitude` (x − mean in layerNorm) keeps only
 * ulp(magnitude) of the difference; a following multiplication by `gain` (rstd·|weight|) scales that
 * error up. This allows four half-ulps of it — the float32 limit, not a licence for a worse algorithm
 * (a one-pass variance far from zero is off by orders of magnitude more).
 */
export function float32Cancellation(magnitude: number, gain: number): Tolerance {
  return { rtol: 0, atol: 4 * 2 ** -24 * magnitude * gain };
}
