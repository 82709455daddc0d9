/**
 * MLA's auxiliary head: a 1×1 classifier on one of the neck's streams (the official code's
 * `VIT_MLA_AUXIHead`, without bias; mmseg's `FCNHead` with no convs, with bias). Deep supervision of
 * each stream: its logits feed only the training loss.
 *
 *   o_k [B, Cm, h, w] → conv_seg → [B, K, h, w]
 */
import type { Variable } from '@setr-ts/autograd';
import { type ClassifierOptions, DecodeHead, type HeadInputs } from './decode-head.js';

/**
 * A classifier on neck stream `stream` (deepest first).
 * @example new MlaAuxHead(0, { channels: 256, numClasses: 19, kernelSize: 1, bias: true }).forward(inputs)   // [B, 19, h, w]
 */
export class MlaAuxHead extends DecodeHead {
  constructor(
    /** Which neck output it reads (0 = the deepest stream). */
    readonly stream: number,
    classifier: ClassifierOptions,
  ) {
    super(classifier);
  }

  /** The neck's streams → logits `[B, K, h, w]` of stream {@link stream}. */
  forward(inputs: HeadInputs): Variable {
    return this.classify(inputs.neck[this.stream]); // [B, K, h, w]
  }
}
