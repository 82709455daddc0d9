/**
 * What every SETR head has in common (mmsegmentation's `BaseDecodeHead`): it reads some of the
 * encoder's features, computes a map of C channels, and ends in the classifier `conv_seg` that turns
 * C channels into K class logits. The resize to the input's size is not the head's: the segmentor does
 * it for every head in one place (mmseg's `EncoderDecoder.encode_decode`), so a head returns logits
 * at whatever resolution its own upsampling reached.
 *
 *   features → head's own layers → [B, C, h', w'] → conv_seg → [B, K, h', w']
 */
import type { Variable } from '@setr-ts/autograd';
import { Conv2d, Module } from '@setr-ts/nn';

/** What the heads read: the encoder's output and the neck's, when the model has one. */
export interface HeadInputs {
  /** Every block's tokens `[B, 1+N, D]` (`[B, N, D]` without a cls token), index i = block i. */
  readonly blocks: readonly Variable[];
  /** The input's patch grid [h, w] = [H/p, W/p]. */
  readonly grid: readonly [number, number];
  /** The neck's outputs (MLA's aggregated streams, deepest first, `[B, Cm, h, w]` each); empty without a neck. */
  readonly neck: readonly Variable[];
}

/** The classifier's shape: K classes from C channels, its kernel (1 but for the official MLA's 3) and bias. */
export interface ClassifierOptions {
  /** C, the channels the classifier reads. */
  channels: number;
  /** K, the number of classes. */
  numClasses: number;
  /** Its kernel, padded to keep the size (1 in mmseg; 3 in the official MLA head). */
  kernelSize: number;
  /** Whether it has a bias (yes but for the official MLA auxiliary heads). */
  bias: boolean;
}

/**
 * A head: subclasses compute their map and call {@link classify}.
 * @example class MyHead extends DecodeHead { forward(f: HeadInputs) { return this.classify(myLayers(f)); } }
 */
export abstract class DecodeHead extends Module {
  /** The classifier C → K (state-dict `conv_seg`). */
  readonly convSeg: Conv2d;

  constructor(classifier: ClassifierOptions) {
    super();
    const { channels, numClasses, kernelSize, bias } = classifier;
    this.convSeg = this.registerModule(
      'conv_seg',
      new Conv2d(channels, numClasses, kernelSize, { padding: Math.floor(kernelSize / 2), bias }),
    );
  }

  /** The features → class logits `[B, K, h', w']` at the head's own resolution. */
  abstract forward(inputs: HeadInputs): Variable;

  /** `[B, C, h', w']` → `[B, K, h', w']` (mmseg's `cls_seg`; its dropout is 0 in SETR's configs). */
  protected classify(x: Variable): Variable {
    return this.convSeg.forward(x);
  }
}
