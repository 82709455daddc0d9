/**
 * conv → BatchNorm → ReLU, the unit every SETR decoder is built from (mmcv's `ConvModule`; its
 * children are named `conv` and `bn`, as in mmsegmentation's checkpoints).
 */
import type { Variable } from '@setr-ts/autograd';
import { BatchNorm2d, Conv2d, Module, ReLU } from '@setr-ts/nn';

/**
 * conv → BatchNorm → ReLU, size-preserving (mmcv's `ConvModule` with BN and ReLU).
 * @example new ConvModule(768, 256, 3, { bias: false }).forward(x)   // [B, 768, 24, 24] -> [B, 256, 24, 24]
 */
export class ConvModule extends Module {
  /** The convolution, padding `floor(kernel / 2)`. */
  readonly conv: Conv2d;
  /** Batch normalisation over the output channels. */
  readonly bn: BatchNorm2d;
  /** The ReLU at the end (no parameters; absent from the state dict). */
  readonly act: ReLU;

  /** A `kernel`×`kernel` convolution padded to keep the size ('same'), with or without a bias. */
  constructor(inChannels: number, outChannels: number, kernel: number, opts: { bias: boolean }) {
    super();
    this.conv = this.registerModule(
      'conv',
      new Conv2d(inChannels, outChannels, kernel, { padding: Math.floor(kernel / 2), bias: opts.bias }),
    );
    this.bn = this.registerModule('bn', new BatchNorm2d(outChannels));
    this.act = this.registerModule('act', new ReLU());
  }

  /** `relu(bn(conv(x)))`: `[B, in, h, w]` → `[B, out, h, w]`. */
  forward(x: Variable): Variable {
    return this.act.forward(this.bn.forward(this.conv.forward(x))); // [B, in, h, w] -> [B, out, h, w]
  }
}
