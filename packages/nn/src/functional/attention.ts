/** Scaled dot-product attention (Vaswani et al. 2017), the core of every transformer block. */
import { matmul, mul, softmax, transpose, type Variable } from '@setr-ts/autograd';
import { dropout } from './dropout.js';

/** Options of {@link scaledDotProductAttention} and {@link attend}. */
export interface AttentionOptions {
  /** Multiplier of the scores; default 1/√(head dim). */
  scale?: number;
  /** Dropout on the attention weights (training only). */
  dropoutP?: number;
  /** Apply `dropoutP` (true) or not (false, the default: no dropout); pass the module's `training`. */
  training?: boolean;
}

/**
 * softmax(q·kᵀ · scale) · v over the last two dims: q `[..., Lq, d]`, k `[..., Lk, d]`, v `[..., Lk, dv]`
 * → `[..., Lq, dv]` (PyTorch's `F.scaled_dot_product_attention`, without masks). "We suspect that for
 * large values of d_k, the dot products grow large in magnitude, pushing the softmax function into
 * regions where it has extremely small gradients. To counteract this effect, we scale the dot products
 * by 1/√d_k." (Vaswani et al. 2017, §3.2.1)
 * @example scaledDotProductAttention(q, k, v)   // q, k, v [B, heads, N, 64] -> [B, heads, N, 64]
 */
export function scaledDotProductAttention(q: Variable, k: Variable, v: Variable, opts: AttentionOptions = {}): Variable {
  return attend(q, k, v, opts).out;
}

/**
 * {@link scaledDotProductAttention} that also returns the attention weights softmax(q·kᵀ · scale)
 * `[..., Lq, Lk]` (before dropout): where each query looks, what attention maps draw. Computing them
 * costs nothing extra, they are the intermediate the output is made from.
 * @example const { out, weights } = attend(q, k, v)   // weights [B, heads, N, N]
 */
export function attend(
  q: Variable,
  k: Variable,
  v: Variable,
  opts: AttentionOptions = {},
): {
  /** The attention output `[..., Lq, dv]`, as {@link scaledDotProductAttention} returns it. */
  out: Variable;
  /** The attention weights `[..., Lq, Lk]`, before dropout; each row sums to 1. */
  weights: Variable;
} {
  const d = q.shape[q.rank - 1];
  if (k.shape[k.rank - 1] !== d || k.shape[k.rank - 2] !== v.shape[v.rank - 2]) {
    throw new Error(
      `scaledDotProductAttention: q [${q.shape.join(',')}], k [${k.shape.join(',')}] and v [${v.shape.join(',')}] do not fit (q, k share d; k, v share L)`,
    );
  }
  const { scale = 1 / Math.sqrt(d), dropoutP = 0, training = false } = opts;
  const scores = mul(matmul(q, transpose(k, -2, -1)), scale);
  const weights = softmax(scores, -1);
  return { out: matmul(dropout(weights, dropoutP, training), v), weights };
}
