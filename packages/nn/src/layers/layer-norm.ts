/** Layer normalisation (Ba et al. 2016), the normalisation of transformer blocks. */
import { layerNorm, type Variable } from '@setr-ts/autograd';
import type { CreateOptions } from '@setr-ts/tensor';
import { ones, zeros } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { size } from './sizes.js';

/** Options of {@link LayerNorm}, plus the dtype and backend of its parameters. */
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
  /** The trailing dims normalised over, e.g. `[768]`. */
  readonly normalizedShape: number[];
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** The per-element scale, `normalizedShape`, ones at creation; null without `elementwiseAffine`. */
  readonly weight: Parameter | null;
  /** The per-element shift, `normalizedShape`, zeros at creation; null without `elementwiseAffine`. */
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

  /** Normalises x `[..., ...normalizedShape]` over its trailing dims; same shape out. */
  forward(x: Variable): Variable {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')},), eps=${this.eps}, elementwise_affine=${this.weight ? 'True' : 'False'}`;
  }
}
