/**
 * The up-sampling head that serves two of the paper's decoders and their auxiliary heads
 * (mmsegmentation's `SETRUPHead`): LN and reshape, a few conv-BN-ReLU stages with bilinear upsampling
 * after some of them, a 1×1 classifier `conv_seg`, and a bilinear resize to the input size.
 *
 * SETR-Naive: "This naive decoder first projects the transformer feature Z^{Le} to the dimension of
 * category number. For this, we adopt a simple 2-layer network with architecture: 1 × 1 conv + sync
 * batch norm (w/ ReLU) + 1 × 1 conv. After that, we simply bilinearly upsample the output to the full
 * image resolution" (Zheng et al. 2021, §3.3). One 1×1 stage, no upsampling inside:
 *
 *   [B, 1+N, D] → LN, to map → [B, D, h, w] → 1×1 conv, BN, ReLU → [B, C, h, w] → conv_seg → [B, K, h, w] → resize → [B, K, H, W]
 *
 * SETR-PUP: "we consider a progressive upsampling strategy that alternates conv layers and upsampling
 * operations. To maximally mitigate the adversarial effect, we restrict upsampling to 2×. Hence, a total
 * of 4 operations are needed for reaching the full resolution from Z^{Le} with size H/16 × W/16"
 * (§3.3). log2(p) 3×3 stages with a ×2 after each but the last, then conv_seg and the last ×2 (as the
 * final resize to the input size):
 *
 *   [B, D, h, w] → stage 0, ×2 → [B, C, 2h, 2w] → stage 1, ×2 → stage 2, ×2 → [B, C, 8h, 8w] → stage 3 → conv_seg → ×2 → [B, K, 16h, 16w]
 *
 * The PUP auxiliary heads are one 3×3 stage, ×4, conv_seg, resize; the Naive ones are Naive heads.
 */
import { interpolate, type Variable } from '@setr-ts/autograd';
import { Conv2d, LayerNorm, Module, ModuleList } from '@setr-ts/nn';
import { ConvModule } from './conv-module.js';
import { tokensToMap } from './tokens-to-map.js';

/** Options of {@link UpHead}; the segmentor fills them from the config and decoder kind. */
export interface UpHeadOptions {
  /** The block whose tokens this head reads. */
  tap: number;
  /** D, the encoder's width. */
  inChannels: number;
  /** C, the width of the conv stages. */
  channels: number;
  /** K, the number of classes (channels of the logits). */
  numClasses: number;
  /** Number of conv-BN-ReLU stages (1 for Naive, log2(patch) for PUP). */
  numConvs: number;
  /** Their kernel size (1 for Naive, 3 for PUP). */
  kernelSize: number;
  /** Bilinear upsampling factor after a stage. */
  upScale: number;
  /** How many stages, from the first, are followed by an upsampling. */
  numUpsamples: number;
  /** Epsilon of the LayerNorm on the tapped tokens. */
  lnEps: number;
  /** alignCorners of every bilinear resize of the head. */
  alignCorners: boolean;
}

/**
 * The decoder of SETR-Naive and SETR-PUP, and their auxiliary heads (mmseg's `SETRUPHead`): LayerNorm,
 * tokens to a map, conv-BN-ReLU stages with bilinear upsampling, a 1×1 classifier, a resize to the input.
 * @example
 * // SETR-PUP's decoder on ViT-L tokens:
 * const head = new UpHead({ tap: 23, inChannels: 1024, channels: 256, numClasses: 12, numConvs: 4, kernelSize: 3, upScale: 2, numUpsamples: 3, lnEps: 1e-6, alignCorners: false });
 * head.forward(blocks, [24, 24], [384, 384]);   // [B, 12, 384, 384]
 */
export class UpHead extends Module {
  /** LayerNorm on the tapped block's tokens (state-dict `norm`). */
  readonly norm: LayerNorm;
  /** The `numConvs` conv-BN-ReLU stages (state-dict `convs.i`). */
  readonly convs: ModuleList<ConvModule>;
  /** The 1×1 classifier C → K (state-dict `conv_seg`). */
  readonly convSeg: Conv2d;

  constructor(
    /** The head's configuration, kept for `forward`. */
    readonly opts: UpHeadOptions,
  ) {
    super();
    const { inChannels, channels, numConvs, kernelSize } = opts;
    this.norm = this.registerModule('norm', new LayerNorm(inChannels, { eps: opts.lnEps }));
    this.convs = this.registerModule(
      'convs',
      new ModuleList(
        Array.from({ length: numConvs }, (_, i) => new ConvModule(i === 0 ? inChannels : channels, channels, kernelSize, { bias: true })),
      ),
    );
    this.convSeg = this.registerModule('conv_seg', new Conv2d(channels, opts.numClasses, 1));
  }

  /** Every block's tokens `[B, 1+N, D]`, the grid [h, w] and the output size [H, W] → logits `[B, K, H, W]`. */
  forward(blocks: readonly Variable[], grid: readonly [number, number], size: readonly [number, number]): Variable {
    const { tap, upScale, numUpsamples, alignCorners } = this.opts;
    let x = tokensToMap(this.norm, blocks[tap], grid); // [B, D, h, w]
    for (const [i, stage] of [...this.convs].entries()) {
      x = stage.forward(x); // [B, C, ·, ·]
      if (i < numUpsamples) x = interpolate(x, { scaleFactor: upScale, mode: 'bilinear', alignCorners }); // ×upScale
    }
    const logits = this.convSeg.forward(x); // [B, K, ·, ·]
    return interpolate(logits, { size: [size[0], size[1]], mode: 'bilinear', alignCorners }); // [B, K, H, W]
  }
}
