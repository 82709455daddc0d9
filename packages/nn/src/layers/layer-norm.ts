/** Layer normalisation (Ba et al. 2016), the normalisation of transformer blocks. */
import { layerNorm, type Variable } from '@setr-ts/autograd';
import type { CreateOptions } from '@setr-ts/tensor';
import { ones, zeros } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { size } from './sizes.js';

export interface LayerNormOptions extends CreateOptions {
  /** Added to the variance; PyTorch's default is 1e-5, ViT (timm) uses 1e-6. */
  eps?: number;
  /** Learn a per-element scale and shift (default true). */
  elementwiseAffine?: boolean;
}

/**
 * Normalises over the trailing `normalizedShape` dims with the biased variance, then scales and
 * shifts (PyTorch's `nn.LayerNorm`): weight initialised to ones, bias to zeros.
 * @example new LayerNorm(768, { eps: 1e-6 }).forward(tokens)   // [B, N, 768] -> [B, N, 768]
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    const dims: unknown[] = typeof normalizedShape === 'number' || !Array.isArray(normalizedShape) ? [normalizedShape] : normalizedShape;
    this.normalizedShape = dims.map((d) => size('LayerNorm', 'normalizedShape', d));
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.elementwiseAffine ?? true;
    this.weight = this.registerParameter('weight', affine ? new Parameter(ones(this.normalizedShape, opts)) : null);
    this.bias = this.registerParameter('bias', affine ? new Parameter(zeros(this.normalizedShape, opts)) : null);
  }

  forward(x: Variable): Variable {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')},), eps=${this.eps}, elementwise_affine=${this.weight ? 'True' : 'False'}`;
  }
}
