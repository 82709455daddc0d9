/** Resizing feature maps: the decoders' upsampling. */
import { interpolate, type Variable } from '@setr-ts/autograd';
import type { InterpolateOptions } from '@setr-ts/tensor';
import { Module } from '../module.js';

/**
 * Resizes `[N, C, H, W]` to a `size` or by a `scaleFactor`, bilinear or nearest (PyTorch's
 * `nn.Upsample` / `F.interpolate`; `alignCorners` defaults to false as there). SETR's decoders upsample
 * bilinearly.
 * @example new Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(x)   // [B, 256, 24, 24] -> [B, 256, 48, 48]
 */
export class Upsample extends Module {
  constructor(
    /** The target `size` or `scaleFactor`, `mode` and `alignCorners`, as `interpolate` takes them. */
    readonly options: InterpolateOptions,
  ) {
    super();
  }
  /** `x` `[N, C, H, W]` resized to `[N, C, H', W']`. */
  forward(x: Variable): Variable {
    return interpolate(x, this.options);
  }
  override extraRepr(): string {
    const o = this.options;
    const what = o.size !== undefined ? `size=${JSON.stringify(o.size)}` : `scale_factor=${JSON.stringify(o.scaleFactor)}`;
    return `${what}, mode='${o.mode ?? 'nearest'}'${o.alignCorners !== undefined ? `, align_corners=${o.alignCorners ? 'True' : 'False'}` : ''}`;
  }
}
