/** Batch normalisation over the channels of images, with running statistics for evaluation. */
import type { Variable } from '@setr-ts/autograd';
import { type CreateOptions, full } from '@setr-ts/tensor';
import { batchNorm } from '../functional/batch-norm.js';
import { ones, zeros } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { size } from './sizes.js';

/** Options of {@link BatchNorm2d} (exported as `BatchNorm2dOptions`), plus the dtype and backend of its parameters and buffers. */
export interface BatchNormOptions extends CreateOptions {
  /** Added to the variance before the square root (default 1e-5, as PyTorch). */
  eps?: number;
  /**
   * Weight of each new batch in the running statistics (default 0.1); null for a cumulative average
   * (momentum 1/num_batches_tracked), as PyTorch's `momentum=None`.
   */
  momentum?: number | null;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
}

/**
 * PyTorch's `nn.BatchNorm2d` over `[N, C, H, W]`. In training it normalises with the batch's
 * statistics and updates the buffers `running_mean`, `running_var` (with the unbiased batch variance)
 * and `num_batches_tracked`; in evaluation it normalises with the running statistics. Buffer names
 * and initial values (0, 1, 0) are PyTorch's, so checkpoints load unchanged.
 * @example const bn = new BatchNorm2d(256); bn.forward(x); bn.eval();
 */
export class BatchNorm2d extends Module {
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Weight of each new batch in the running statistics; null for a cumulative average. */
  readonly momentum: number | null;
  /** The per-channel scale γ, `[numFeatures]`, ones at creation; null without `affine`. */
  readonly weight: Parameter | null;
  /** The per-channel shift β, `[numFeatures]`, zeros at creation; null without `affine`. */
  readonly bias: Parameter | null;

  constructor(
    /** Channels C of the input `[N, C, H, W]`. */
    readonly numFeatures: number,
    opts: BatchNormOptions = {},
  ) {
    super();
    size('BatchNorm2d', 'numFeatures', numFeatures);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    const affine = opts.affine ?? true;
    this.weight = this.registerParameter('weight', affine ? new Parameter(ones([numFeatures], opts)) : null);
    this.bias = this.registerParameter('bias', affine ? new Parameter(zeros([numFeatures], opts)) : null);
    this.registerBuffer('running_mean', zeros([numFeatures], opts));
    this.registerBuffer('running_var', ones([numFeatures], opts));
    // PyTorch stores an int64; int32 here (2³¹ batches is enough), written as I32 and read from I64
    // (a counter, not a weight: a checkpoint without it loads, as in PyTorch)
    this.registerBuffer('num_batches_tracked', full([], 0, { dtype: 'int32', backend: opts.backend }), { optional: true });
  }

  /** The buffer `running_mean`, `[numFeatures]`: the per-channel mean evaluation normalises with. */
  get runningMean() {
    return this.getBuffer('running_mean');
  }
  /** The buffer `running_var`, `[numFeatures]`: the per-channel (unbiased) variance evaluation normalises with. */
  get runningVar() {
    return this.getBuffer('running_var');
  }
  /** Training batches seen so far (the buffer `num_batches_tracked`, read as a number). */
  get numBatchesTracked(): number {
    return this.getBuffer('num_batches_tracked').item();
  }

  /**
   * Normalises x `[N, C, H, W]` per channel: with the batch's statistics in training mode (updating the
   * running ones), with the running statistics in eval mode. Throws unless x is 4-D with `numFeatures` channels.
   */
  forward(x: Variable): Variable {
    if (x.rank !== 4 || x.shape[1] !== this.numFeatures)
      throw new Error(`BatchNorm2d: expected input [N, ${this.numFeatures}, H, W], got [${x.shape.join(',')}]`);
    let momentum = this.momentum ?? 0;
    if (this.training) {
      const tracked = this.getBuffer('num_batches_tracked').add(1);
      this.setBuffer('num_batches_tracked', tracked);
      if (this.momentum === null) momentum = 1 / tracked.item();
    }
    const { y, runningMean, runningVar } = batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: this.training,
      momentum,
      eps: this.eps,
    });
    if (runningMean && runningVar) {
      this.setBuffer('running_mean', runningMean);
      this.setBuffer('running_var', runningVar);
    }
    return y;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum ?? 'None'}, affine=${this.weight ? 'True' : 'False'}`;
  }
}
