/**
 * conv2d. Its two gradients are convolutions themselves (a transposed convolution of g with the
 * weight for the input, a correlation of the input with g for the weight), which the backend
 * provides as kernels; the bias gradient sums g over batch and pixels.
 */
import type { Conv2dOptions, Tensor } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import { dataOf, record, type VariableLike } from '../record.js';
import type { Variable } from '../variable.js';

/** `conv2d(x [N,C,H,W], w [Co,C/groups,kh,kw], bias? [Co])`, PyTorch's cross-correlation. */
export function conv2d(x: Variable, w: VariableLike, bias: VariableLike | null = null, opts: Conv2dOptions = {}): Variable {
  const wt = dataOf(w) as Tensor;
  const out = T.conv2d(x.data, wt, bias === null ? null : (dataOf(bias) as Tensor), opts);
  // an absent bias enters as the constant 0, which never asks for a gradient
  return record(
    'conv2d',
    out,
    [x, w, bias ?? 0],
    (save) => {
      const [xs, ws] = save(x.data, wt);
      return (g, [nx, nw, nb]) => [
        nx ? T.conv2dBackwardInput(g, ws, xs.shape, opts) : null,
        nw ? T.conv2dBackwardWeight(xs, g, ws.shape, opts) : null,
        nb ? T.sum(g, [0, 2, 3]) : null,
      ];
    },
    { opts },
  );
}
