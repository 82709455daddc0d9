/** The sizes every conv2d kernel derives from its input and weight shapes (NCHW; weight [Co, C/groups, kh, kw]). */
import type { Conv2dParams } from './backend.js';
import type { Shape } from './shape.js';

/** Output size of a convolution along one spatial dim: floor((in + 2·pad − dilation·(k − 1) − 1) / stride) + 1. */
export function convOutSize(inSize: number, k: number, stride: number, pad: number, dil: number): number {
  return Math.floor((inSize + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
}

export interface ConvGeometry {
  /** Batch, input channels, input height and width. */
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  /** Output channels; input and output channels per group. */
  readonly co: number;
  readonly cig: number;
  readonly cog: number;
  /** Kernel height and width; output height and width. */
  readonly kh: number;
  readonly kw: number;
  readonly ho: number;
  readonly wo: number;
}

export function convGeometry(xShape: Shape, wShape: Shape, p: Conv2dParams): ConvGeometry {
  const [n, c, h, w] = xShape;
  const [co, cig, kh, kw] = wShape;
  const ho = convOutSize(h, kh, p.stride[0], p.padding[0], p.dilation[0]);
  const wo = convOutSize(w, kw, p.stride[1], p.padding[1], p.dilation[1]);
  return { n, c, h, w, co, cig, cog: co / p.groups, kh, kw, ho, wo };
}
