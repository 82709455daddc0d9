/** The 2-D convolution layer. */
import { conv2d, type Variable } from '@setr-ts/autograd';
import type { CreateOptions } from '@setr-ts/tensor';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { defaultBias, defaultWeight } from './default-init.js';
import { intPair, size } from './sizes.js';

/** One size for both spatial dims, or (height, width). */
export type Pair = number | readonly [number, number];

/** Options of {@link Conv2d} (PyTorch `nn.Conv2d`'s keyword arguments), plus the dtype and backend of its parameters. */
export interface Conv2dOptions extends CreateOptions {
  /** Step of the kernel window (default 1). */
  stride?: Pair;
  /** Zeros added on each side of H and W (default 0); `(k − 1) / 2` keeps the size for odd k at stride 1. */
  padding?: Pair;
  /** Spacing between kernel taps (default 1: a dense kernel). */
  dilation?: Pair;
  /** Split channels into groups convolved separately (groups = channels: depthwise). Default 1. */
  groups?: number;
  /** Learn a per-output-channel bias (default true). */
  bias?: boolean;
}

/**
 * PyTorch's `nn.Conv2d` (NCHW, cross-correlation): weight `[out, in/groups, kh, kw]`, bias `[out]`,
 * PyTorch's default initialisation.
 * @example
 * const patchEmbed = new Conv2d(3, 768, 16, { stride: 16 });   // ViT's patch embedding
 * patchEmbed.forward(images);   // [B, 3, 384, 384] -> [B, 768, 24, 24]
 */
export class Conv2d extends Module {
  /** The kernel, `[outChannels, inChannels / groups, kh, kw]`. */
  readonly weight: Parameter;
  /** The per-output-channel bias, `[outChannels]`; null when created with `bias: false`. */
  readonly bias: Parameter | null;
  /** Kernel height and width. */
  readonly kernelSize: [number, number];
  /** Step of the window, `[sh, sw]`. */
  readonly stride: [number, number];
  /** Zero padding on each side, `[ph, pw]`. */
  readonly padding: [number, number];
  /** Spacing between kernel taps, `[dh, dw]`. */
  readonly dilation: [number, number];
  /** Channel groups (1: every output channel sees every input channel). */
  readonly groups: number;

  /**
   * @param kernelSize - Kernel size, one number for a square kernel or `[kh, kw]`.
   * @throws When a size is not a positive integer, or the channels do not divide by `groups`.
   */
  constructor(
    /** Channels C of the input `[N, C, H, W]`. */
    readonly inChannels: number,
    /** Channels of the output, the number of filters. */
    readonly outChannels: number,
    kernelSize: Pair,
    opts: Conv2dOptions = {},
  ) {
    super();
    size('Conv2d', 'inChannels', inChannels, 1);
    size('Conv2d', 'outChannels', outChannels, 1);
    this.kernelSize = intPair('Conv2d', 'kernelSize', kernelSize, 1);
    this.stride = intPair('Conv2d', 'stride', opts.stride ?? 1, 1);
    this.padding = intPair('Conv2d', 'padding', opts.padding ?? 0, 0);
    this.dilation = intPair('Conv2d', 'dilation', opts.dilation ?? 1, 1);
    this.groups = size('Conv2d', 'groups', opts.groups ?? 1, 1);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new Error(`Conv2d: in_channels ${inChannels} and out_channels ${outChannels} must both divide by groups ${this.groups}`);
    }
    const shape = [outChannels, inChannels / this.groups, ...this.kernelSize];
    this.weight = this.registerParameter('weight', new Parameter(defaultWeight(shape, opts)));
    const fanIn = shape[1] * shape[2] * shape[3];
    this.bias = this.registerParameter('bias', opts.bias === false ? null : new Parameter(defaultBias(outChannels, fanIn, opts)));
  }

  /** Convolves x `[N, inChannels, H, W]` -> `[N, outChannels, Ho, Wo]`, `Ho = floor((H + 2·ph − dh·(kh − 1) − 1) / sh) + 1`. */
  forward(x: Variable): Variable {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    const parts = [
      `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize.join(', ')}), stride=(${this.stride.join(', ')})`,
    ];
    if (this.padding.some((p) => p !== 0)) parts.push(`padding=(${this.padding.join(', ')})`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=(${this.dilation.join(', ')})`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=False');
    return parts.join(', ');
  }
}
