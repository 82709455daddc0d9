/** Tolerances for results that sum many terms. */
import type { Tolerance } from './expect-close.js';

/**
 * Another backend may sum `n` terms in another order (or in float32): about √n roundings of the
 * result's size. Scaling atol by √n keeps the check tight for short sums and honest for long ones.
 */
export function summed(tol: Tolerance, n: number): Tolerance {
  return { rtol: tol.rtol, atol: tol.atol * Math.max(1, Math.sqrt(n)) };
}
