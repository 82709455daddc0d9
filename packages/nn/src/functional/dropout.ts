/**
 * Dropout (Srivastava et al. 2014) and DropPath, stochastic depth (Huang et al. 2016). Both zero
 * random parts of the input in training and scale the survivors by 1/(1 − p), so that the expected
 * output equals the input and evaluation needs no rescaling. Masks come from the tensor package's
 * seeded generator (`manualSeed`).
 */
import { mul, type Variable } from '@setr-ts/autograd';
import { rand, type Shape, type Tensor, tidy } from '@setr-ts/tensor';

/** Checks a drop probability. */
export function checkP(op: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${op}: drop probability must lie in [0, 1], got ${p}`);
}

/** A mask of `shape` holding 1/(1 − p) with probability 1 − p and 0 otherwise. */
function keepMask(shape: Shape, p: number, like: Tensor): Tensor {
  return tidy(() => {
    const keep = rand(shape, { dtype: like.dtype, backend: like.backend }).ge(p);
    return p === 1 ? keep.to(like.dtype) : keep.to(like.dtype).div(1 - p);
  });
}

function masked(x: Variable, mask: Tensor): Variable {
  const y = mul(x, mask);
  mask.dispose(); // the graph keeps its own reference if it needs one
  return y;
}

/**
 * Zeros each element with probability `p` in training, scaling the rest by 1/(1 − p); the identity in
 * evaluation (PyTorch's `F.dropout`).
 * @example dropout(x, 0.1, model.training)
 */
export function dropout(x: Variable, p = 0.5, training = true): Variable {
  checkP('dropout', p);
  if (!training || p === 0) return x;
  return masked(x, keepMask(x.shape, p, x.data));
}

/**
 * Drops whole samples of a residual branch with probability `p` in training, scaling kept samples by
 * 1/(1 − p) (timm's `drop_path`): the mask has shape `[N, 1, 1, ...]`. The identity in evaluation.
 * @example x.add(dropPath(attn(norm(x)), 0.1, this.training))
 */
export function dropPath(x: Variable, p = 0, training = true): Variable {
  checkP('dropPath', p);
  if (!training || p === 0) return x;
  return masked(x, keepMask([x.shape[0], ...x.shape.slice(1).map(() => 1)], p, x.data));
}
