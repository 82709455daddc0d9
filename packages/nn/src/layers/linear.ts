/** The fully connected layer. */
import type { Variable } from '@setr-ts/autograd';
import type { CreateOptions } from '@setr-ts/tensor';
import { linear } from '../functional/linear.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { defaultBias, defaultWeight } from './default-init.js';
import { size } from './sizes.js';

/** Options of {@link Linear}: whether it has a bias, and the dtype and backend of its parameters. */
export interface LinearOptions extends CreateOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * y = x · Wᵀ + b (PyTorch's `nn.Linear`): weight `[out, in]`, bias `[out]`, initialised as PyTorch
 * does (see default-init.ts).
 * @example
 * const fc = new Linear(768, 3072);
 * fc.forward(x);   // x [B, N, 768] -> [B, N, 3072]
 */
export class Linear extends Module {
  /** The weight, `[outFeatures, inFeatures]`, uniform in ±1/√inFeatures at creation (PyTorch's default). */
  readonly weight: Parameter;
  /** The bias, `[outFeatures]`; null when created with `bias: false`. */
  readonly bias: Parameter | null;

  constructor(
    /** Size of each input's last dim. */
    readonly inFeatures: number,
    /** Size of each output's last dim. */
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    size('Linear', 'inFeatures', inFeatures);
    size('Linear', 'outFeatures', outFeatures);
    this.weight = this.registerParameter('weight', new Parameter(defaultWeight([outFeatures, inFeatures], opts)));
    this.bias = this.registerParameter('bias', opts.bias === false ? null : new Parameter(defaultBias(outFeatures, inFeatures, opts)));
  }

  /** `x · weightᵀ + bias`: x `[..., inFeatures]` -> `[..., outFeatures]`. */
  forward(x: Variable): Variable {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}
