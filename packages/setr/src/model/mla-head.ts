/**
 * SETR-MLA's head (mmsegmentation's `SETRMLAHead`), after the neck (mla-neck.ts). "A 3-layer (kernel
 * size 1 × 1, 3 × 3, and 3 × 3) network is applied with the feature channels halved at the first and
 * third layers respectively, and the spatial resolution upscaled 4× by bilinear operation after the
 * third layer. ... After the third layer, we obtain the fused feature from all the streams via
 * channel-wise concatenation which is then bilinearly upsampled 4× to the full resolution" (Zheng et
 * al. 2021, §3.3). The first layer and the sum are the neck's; here, per stream k (deepest first, as
 * the neck returns them), with Cm the neck's width and Ch the head's:
 *
 *   o_k [B, Cm, h, w] → up_convs.k.0 (3×3 → Ch), up_convs.k.1 (3×3 → Ch), ×4 → [B, Ch, 4h, 4w]
 *   cat over streams → [B, M·Ch, 4h, 4w] → conv_seg → [B, K, 4h, 4w]     (the segmentor's resize does the last 4×)
 *
 * The two codes differ here: the official classifier is 3×3 and its ×4 aligns corners; mmseg's is the
 * base head's 1×1 and its ×4 follows the head's `align_corners` (false).
 */
import { cat, type Variable } from '@setr-ts/autograd';
import { ModuleList, Sequential, Upsample } from '@setr-ts/nn';
import { ConvModule } from './conv-module.js';
import { DecodeHead, type HeadInputs } from './decode-head.js';

/** Options of {@link MlaHead}; the segmentor fills them from the config and its style. */
export interface MlaHeadOptions {
  /** M, the number of streams. */
  streams: number;
  /** Cm, the neck's width. */
  inChannels: number;
  /** Ch, each stream's width here. */
  headChannels: number;
  /** K, the number of classes. */
  numClasses: number;
  /** The classifier's kernel: 3 (official) or 1 (mmseg). */
  classifierKernel: number;
  /** alignCorners of the ×4 upsampling: true (official) or the config's (mmseg). */
  alignCorners: boolean;
}

/**
 * SETR-MLA's decoder head: per stream two 3×3 ConvModules and ×4, then concatenation and the classifier.
 * @example
 * const head = new MlaHead({ streams: 4, inChannels: 256, headChannels: 128, numClasses: 12, classifierKernel: 1, alignCorners: false });
 * head.forward({ blocks, grid: [24, 24], neck: neck.forward(blocks, [24, 24]) });   // [B, 12, 96, 96]
 */
export class MlaHead extends DecodeHead {
  /** Per stream, two 3×3 ConvModules Cm → Ch → Ch and the ×4 (state-dict `up_convs.k.0`, `up_convs.k.1`). */
  readonly upConvs: ModuleList<Sequential>;

  constructor(opts: MlaHeadOptions) {
    const { streams, inChannels: cm, headChannels: ch, alignCorners } = opts;
    super({ channels: streams * ch, numClasses: opts.numClasses, kernelSize: opts.classifierKernel, bias: true });
    const stream = () =>
      new Sequential(
        new ConvModule(cm, ch, 3, { bias: false }),
        new ConvModule(ch, ch, 3, { bias: false }),
        new Upsample({ scaleFactor: 4, mode: 'bilinear', alignCorners }),
      );
    this.upConvs = this.registerModule('up_convs', new ModuleList(Array.from({ length: streams }, stream)));
  }

  /** The neck's streams → logits `[B, K, 4h, 4w]`. */
  forward(inputs: HeadInputs): Variable {
    const ups = inputs.neck.map((o, k) => this.upConvs.at(k).forward(o)); // M × [B, Ch, 4h, 4w]
    return this.classify(cat(ups, 1)); // [B, M·Ch, 4h, 4w] -> [B, K, 4h, 4w]
  }
}
