/**
 * From a sequence back to an image. "We first reshape the encoder's features Z ∈ R^{HW/256 × C} to a
 * standard 3D feature map H/16 × W/16 × C" (Zheng et al. 2021, §3.2). Every SETR head starts here:
 * its own LayerNorm, the cls token dropped when the encoder carried one (it has no place in the grid),
 * the tokens laid back out.
 *
 *   [B, 1+N, D] → LN → [B, 1+N, D] → drop cls → [B, N, D] → transpose → [B, D, N] → reshape → [B, D, h, w]
 */
import type { Variable } from '@setr-ts/autograd';
import type { LayerNorm } from '@setr-ts/nn';

/**
 * A block's tokens `[B, 1+N, D]` (cls token first) or `[B, N, D]` (an encoder without one) → a feature
 * map `[B, D, h, w]`, after `norm`; throws unless N = h·w.
 * @example tokensToMap(head.norm, blocks[23], [24, 24])   // [B, 577, 1024] -> [B, 1024, 24, 24]
 */
export function tokensToMap(norm: LayerNorm, tokens: Variable, grid: readonly [number, number]): Variable {
  const [b, n, d] = tokens.shape;
  const [h, w] = grid;
  if (n !== h * w && n !== 1 + h * w) throw new Error(`tokensToMap: ${n} tokens make neither a ${h}×${w} grid nor a cls token and one`);
  const patches = norm.forward(tokens).narrow(1, n - h * w, h * w); // [B, N, D]
  return patches.transpose(1, 2).reshape([b, d, h, w]); // [B, D, h, w]
}
