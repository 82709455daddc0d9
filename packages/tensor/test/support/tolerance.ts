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
 * layerNorm's y = (x − mean)·rstd·w in float32: the mean of `n` values of size `magnitude` carries
 * about √n roundings of it (another summation order, as in `summed`), x − mean one more, and
 * `gain` = rstd·|w| (up to 1/√eps on near-constant rows) multiplies them. This allows four half-ulps of
 * each — the float32 limit of the formula, not a licence for a worse algorithm (a one-pass variance far
 * from zero is off by orders of magnitude more).
 */
export function float32Cancellation(magnitude: number, n: number, gain: number): Tolerance {
  return { rtol: 0, atol: 4 * 2 ** -24 * magnitude * (1 + Math.sqrt(n)) * gain };
}
