/** The fully connected layer. */
import type { Variable } from '@setr-ts/autograd';
import type { CreateOptions } from '@setr-ts/tensor';
import { linear } from '../functional/linear.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { defaultBias, defaultWeight } from './default-init.js';
import { size } from './sizes.js';

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
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    size('Linear', 'inFeatures', inFeatures);
    size('Linear', 'outFeatures', outFeatures);
    this.weight = this.registerParameter('weight', new Parameter(defaultWeight([outFeatures, inFeatures], opts)));
    this.bias = this.registerParameter('bias', opts.bias === false ? null : new Parameter(defaultBias(outFeatures, inFeatures, opts)));
  }

  forward(x: Variable): Variable {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}
