/**
 * The one rule for gradients through broadcasting. When an operand of shape `[3,1]` is broadcast to
 * `[2,3,4]`, each of its elements is used 2·4 times, so its gradient is the sum of the output gradient
 * over the dims broadcasting added (the leading 2) and stretched (the 1 → 4). Every op that
 * broadcasts (add, mul, where, maximum, expand, …) routes its gradients through this function.
 */
import { reshape, type Shape, sum, type Tensor } from '@setr-ts/tensor';

/** Sums `g` (shape of a broadcast result) back to `shape`, the operand's shape. Returns `g` itself when they match. */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  const lead = g.rank - shape.length;
  if (lead < 0) throw new Error(`unbroadcast: gradient [${g.shape.join(',')}] has fewer dims than the operand [${shape.join(',')}]`);
  const dims: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  if (dims.length === 0 && lead === 0) return g;
  const s = sum(g, dims, true); // keepdim, then drop the `lead` added dims
  const out = reshape(s, shape);
  s.dispose();
  return out;
}
