/**
 * Resizing a learned position embedding to another patch grid. "To encode the patch spatial
 * information, we learn a specific embedding p_i for every location i which is added to e_i to form
 * the final sequence input" (Zheng et al. 2021, §3.1). The embeddings are learned for the training
 * grid; an image of another size has another grid, so the patch positions — seen as a D-channel image
 * of the grid — are resized bilinearly (alignCorners false), and the cls token's position is kept.
 */
import { cat, interpolate, isVariable, narrow, type Variable, variable } from '@setr-ts/autograd';
import type { Tensor } from '@setr-ts/tensor';

/**
 * `pos` `[1, 1 + gh·gw, D]` for grid `from` = [gh, gw] → `[1, 1 + h·w, D]` for grid `to` = [h, w]
 * (`pos` itself when the grids agree). Differentiable: training at a new size trains the embedding.
 * A plain Tensor (a checkpoint's) is taken as a constant.
 * @example resizePosEmbed(posEmbed, [12, 16], [15, 20])   // [1, 193, 128] -> [1, 301, 128]
 */
export function resizePosEmbed(posEmbed: Variable | Tensor, from: readonly [number, number], to: readonly [number, number]): Variable {
  const pos = isVariable(posEmbed) ? posEmbed : variable(posEmbed);
  const [gh, gw] = from;
  const [h, w] = to;
  const d = pos.shape[2];
  if (pos.rank !== 3 || pos.shape[0] !== 1 || pos.shape[1] !== 1 + gh * gw)
    throw new Error(`resizePosEmbed: pos_embed [${pos.shape.join(',')}] does not hold 1 + ${gh}×${gw} positions [1, ${1 + gh * gw}, D]`);
  if (gh === h && gw === w) return pos;
  const cls = narrow(pos, 1, 0, 1); // [1, 1, D]
  const grid = narrow(pos, 1, 1, gh * gw)
    .reshape([1, gh, gw, d])
    .permute([0, 3, 1, 2]); // [1, D, gh, gw]
  const resized = interpolate(grid, { size: [h, w], mode: 'bilinear', alignCorners: false }); // [1, D, h, w]
  return cat([cls, resized.permute([0, 2, 3, 1]).reshape([1, h * w, d])], 1); // [1, 1 + h·w, D]
}
