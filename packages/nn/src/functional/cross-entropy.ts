/**
 * Cross-entropy, the loss of classification and of semantic segmentation (one classification per
 * pixel), with PyTorch's `F.cross_entropy` semantics: class weights, an ignored label (255 marks
 * "void" pixels in segmentation datasets), three reductions and label smoothing.
 */
import { add, div, gather, logSoftmax, mul, neg, sum, type Variable } from '@setr-ts/autograd';
import type { Tensor } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';

/** Options of {@link crossEntropy} (PyTorch `F.cross_entropy`'s keyword arguments). */
export interface CrossEntropyOptions {
  /** Targets equal to this contribute nothing (neither loss nor weight). PyTorch's default is −100; segmentation uses 255. */
  ignoreIndex?: number;
  /** A weight per class, `[K]` (a constant tensor). */
  weight?: Tensor | null;
  /** 'mean' (default): weighted mean over non-ignored targets; 'sum'; 'none': per-target losses (0 where ignored). */
  reduction?: 'mean' | 'sum' | 'none';
  /** ε: the target distribution becomes (1 − ε)·one-hot + ε/K·uniform (Szegedy et al. 2016). Default 0. */
  labelSmoothing?: number;
}

function checkArgs(logits: Variable, target: Tensor, opts: CrossEntropyOptions): void {
  const want = [logits.shape[0], ...logits.shape.slice(2)];
  if (logits.rank < 2 || logits.dtype === 'int32')
    throw new Error(`crossEntropy: logits must be float [N, K, ...], got ${logits.dtype} [${logits.shape.join(',')}]`);
  if (target.dtype !== 'int32') throw new Error(`crossEntropy: target must be int32 class indices, got ${target.dtype}`);
  if (target.shape.length !== want.length || target.shape.some((d, i) => d !== want[i])) {
    throw new Error(
      `crossEntropy: target [${target.shape.join(',')}] should be [${want.join(',')}] for logits [${logits.shape.join(',')}]`,
    );
  }
  const k = logits.shape[1];
  if (opts.weight && (opts.weight.shape.length !== 1 || opts.weight.shape[0] !== k))
    throw new Error(`crossEntropy: weight [${opts.weight.shape.join(',')}] should be [${k}]`);
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new Error(`crossEntropy: labelSmoothing must lie in [0, 1], got ${eps}`);
  if (!['mean', 'sum', 'none'].includes(opts.reduction ?? 'mean')) throw new Error(`crossEntropy: unknown reduction '${opts.reduction}'`);
}

/**
 * The cross-entropy between `logits` `[N, K]` or `[N, K, H, W]` (any trailing dims) and int32 class
 * indices `target` `[N]` or `[N, H, W]`. Computed from logSoftmax, so large logits are safe.
 *
 * With class weights w, the loss of target t is −w[t]·log p[t], and 'mean' divides the sum by the sum
 * of w[t] over non-ignored targets (not by their count) — PyTorch's rule. If every target is ignored,
 * 'mean' is 0/0 = NaN, as in PyTorch. With label smoothing ε the loss is
 * (1 − ε)·nll + ε/K·Σ_k −w[k]·log p[k], and 'mean' divides both terms by the same sum of w[t]
 * (the count of non-ignored targets without weights).
 * @example crossEntropy(logits, labels, { ignoreIndex: 255 })   // logits [B, 150, H, W], labels int32 [B, H, W]
 */
export const crossEntropy = T.op('crossEntropy', (logits: Variable, target: Tensor, opts: CrossEntropyOptions = {}): Variable => {
  checkArgs(logits, target, opts);
  const { ignoreIndex = -100, weight = null, reduction = 'mean', labelSmoothing = 0 } = opts;
  const k = logits.shape[1];
  const logp = logSoftmax(logits, 1);
  // per-target weights: w[t] (or 1) where the target counts, 0 where it is ignored; ignored targets
  // read class 0 so that the gather stays in range
  const valid = T.ne(target, ignoreIndex);
  const safe = T.where(valid, target, 0);
  let picked: Variable;
  try {
    picked = gather(logp, 1, T.unsqueeze(safe, 1)).squeeze(1);
  } catch (e) {
    throw new Error(`crossEntropy: a target is neither a class in [0, ${k}) nor ignoreIndex ${ignoreIndex} (${(e as Error).message})`);
  }
  const wt = weight ? T.indexSelect(weight.to(logits.dtype), 0, safe.flatten()).reshape(target.shape).mul(valid) : valid.to(logits.dtype);
  const weightSum = T.sum(wt);
  const reduce = (perTarget: Variable) =>
    reduction === 'none' ? perTarget : reduction === 'sum' ? sum(perTarget) : div(sum(perTarget), weightSum);
  let loss = reduce(neg(mul(picked, wt)));
  if (labelSmoothing > 0) {
    // −Σ_k w[k]·log p[k] per target, 0 where ignored
    const classWeights = weight ? weight.to(logits.dtype).reshape([1, k, ...logits.shape.slice(2).map(() => 1)]) : null;
    const smooth = mul(neg(sum(classWeights ? mul(logp, classWeights) : logp, 1)), valid.to(logits.dtype));
    loss = add(mul(loss, 1 - labelSmoothing), mul(reduce(smooth), labelSmoothing / k));
  }
  return loss; // runs as an op: the temporaries above are freed, the loss keeps what its backward reads
});
