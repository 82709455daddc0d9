/**
 * Batch normalisation (Ioffe & Szegedy 2015), PyTorch's `F.batch_norm` semantics. Channels are dim 1;
 * statistics are taken over every other dim (N, and H, W for images).
 */
import { add, asOneOp, layerNormWithStats, mul, rsqrt, sub, type Variable, type VariableLike } from '@setr-ts/autograd';
import { op, type Tensor } from '@setr-ts/tensor';

/** Options of {@link batchNorm} (PyTorch `F.batch_norm`'s keyword arguments). */
export interface BatchNormOptions {
  /** Per-channel scale γ, `[C]`; none (1) by default. */
  weight?: VariableLike | null;
  /** Per-channel shift β, `[C]`; none (0) by default. */
  bias?: VariableLike | null;
  /** Normalise with the batch's statistics and update the running ones (true), or use the running ones. */
  training?: boolean;
  /** Weight of the new batch in the running averages: running = (1 − m)·running + m·batch. Default 0.1. */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
}

/** What {@link batchNorm} returns: the output, and the running statistics to store back (PyTorch updates them in place). */
export interface BatchNormResult {
  /** The normalised output, x's shape. */
  readonly y: Variable;
  /** The updated running mean (training with running stats given), else null. New tensors the caller owns. */
  readonly runningMean: Tensor | null;
  /** The updated running variance (with the unbiased batch variance), under the same conditions; else null. */
  readonly runningVar: Tensor | null;
}

/**
 * In training, y = (x − mean_B) / √(var_B + eps) · weight + bias with the batch's mean and biased
 * variance, and the running variance is updated with the UNBIASED batch variance (n/(n−1)·var_B), as
 * PyTorch does. In evaluation, the running statistics take the batch's place. Tensors are immutable,
 * so the updated running statistics are returned rather than written in place. It runs as an op (one
 * scope): the temporaries are freed, the result keeps what its backward pass reads.
 * @example const { y, runningMean, runningVar } = batchNorm(x, rm, rv, { weight, bias, training: true });
 */
export const batchNorm = op(
  'batchNorm',
  (x: Variable, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): BatchNormResult => {
    const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = opts;
    if (x.rank < 2) throw new Error(`batchNorm: expected input [N, C, ...], got [${x.shape.join(',')}]`);
    const c = x.shape[1];
    // per-channel vectors broadcast as [1, C, 1, 1, ...]
    const perChannel = [1, c, ...x.shape.slice(2).map(() => 1)];
    for (const [name, t] of [
      ['runningMean', runningMean],
      ['runningVar', runningVar],
      ['weight', weight],
      ['bias', bias],
    ] as const) {
      if (t !== null && typeof t !== 'number' && (t.shape.length !== 1 || t.shape[0] !== c))
        throw new Error(`batchNorm: ${name} [${t.shape.join(',')}] should be [${c}]`);
    }
    if ((runningMean === null) !== (runningVar === null)) throw new Error('batchNorm: give both running statistics or neither');
    const useBatch = training || runningMean === null;
    const n = x.size / c;
    if (useBatch && n <= 1)
      throw new Error(`batchNorm: expected more than 1 value per channel when training, got input [${x.shape.join(',')}]`);

    const scaleShift = (normalised: Variable): Variable => {
      let y = normalised;
      if (weight !== null) y = mul(y, typeof weight === 'number' ? weight : weight.reshape(perChannel));
      if (bias !== null) y = add(y, typeof bias === 'number' ? bias : bias.reshape(perChannel));
      return y;
    };
    if (!useBatch) {
      // one `batchNorm` call to an op observer (a tracer maps it to one node)
      const statistics = [runningMean as Tensor, runningVar as Tensor];
      const y = asOneOp('batchNorm', [x, weight ?? 1, bias ?? 0, ...statistics], { eps }, () => {
        const [m, v] = statistics.map((t) => t.reshape(perChannel));
        return scaleShift(mul(sub(x, m), rsqrt(add(v, eps))));
      });
      return { y, runningMean: null, runningVar: null };
    }
    // Normalising each channel by its batch statistics is layerNorm of the rows of x seen as
    // [C, everything else]: one transposing copy, then layerNorm's fused kernels take the statistics
    // and, in the backward pass, the gradient (instead of two reductions over strided dims each way).
    const rest = [x.shape[0], ...x.shape.slice(2)];
    const rows = x.transpose(0, 1).reshape([c, n]); // [C, n]
    const { y: normRows, mean: mu, rstd } = layerNormWithStats(rows, [n], null, null, eps);
    const y = scaleShift(normRows.reshape([c, ...rest]).transpose(0, 1)); // back to [N, C, ...] (a view)
    if (!(training && runningMean && runningVar)) return { y, runningMean: null, runningVar: null };
    // the running averages are bookkeeping, not part of the graph: computed on the tensors;
    // the biased variance from rstd = 1/√(var + eps)
    const biasedVar = rstd.square().pow(-1).sub(eps);
    const newMean = runningMean.mul(1 - momentum).add(mu.mul(momentum));
    const newVar = runningVar.mul(1 - momentum).add(biasedVar.mul((momentum * n) / (n - 1)));
    return { y, runningMean: newMean, runningVar: newVar };
  },
);
