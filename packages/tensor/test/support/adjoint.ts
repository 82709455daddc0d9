/** The adjoint identity, the check that a backward kernel is the exact transpose of its forward one. */
import { expectClose } from './expect-close.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
const absDot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + Math.abs(v * b[i]), 0);

/**
 * For a linear map A with y = A·x and its claimed adjoint dx = Aᵀ·dy: ⟨y, dy⟩ = ⟨x, dx⟩. Both sides are
 * sums of float32 products, so they may differ by rounding: 1e-5 of the sums' absolute size.
 */
export function expectAdjoint(
  y: ArrayLike<number>,
  dy: ArrayLike<number>,
  x: ArrayLike<number>,
  dx: ArrayLike<number>,
  what: string,
): void {
  const scale = absDot(y, dy) + absDot(x, dx);
  expectClose([dot(x, dx)], [dot(y, dy)], { rtol: 0, atol: 1e-5 * scale }, undefined, `adjoint identity ⟨y, dy⟩ = ⟨x, dx⟩, ${what}`);
}
