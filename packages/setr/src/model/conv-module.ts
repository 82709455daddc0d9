/**
 * conv → BatchNorm → ReLU, the unit every SETR decoder is built from (mmcv's `ConvModule`; its
 * children are named `conv` and `bn`, as in mmsegmentation's checkpoints).
 */
import type { Variable } from '@setr-ts/autograd';
import { BatchNorm2d, Conv2d, Module, ReLU } from '@setr-ts/nn';

export class ConvModule extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
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

  forward(x: Variable): Variable {
    return this.act.forward(this.bn.forward(this.conv.forward(x))); // [B, in, h, w] -> [B, out, h, w]
  }
}
