/**
 * The up-sampling head that serves two of the paper's decoders and their auxiliary heads
 * (mmsegmentation's `SETRUPHead`): LN and reshape, a few conv-BN-ReLU stages each followed by a
 * bilinear upsampling, and the 1×1 classifier `conv_seg`; the segmentor resizes the logits to the input.
 *
 * SETR-Naive: "This naive decoder first projects the transformer feature Z^{Le} to the dimension of
 * category number. For this, we adopt a simple 2-layer network with architecture: 1 × 1 conv + sync
 * batch norm (w/ ReLU) + 1 × 1 conv. After that, we simply bilinearly upsample the output to the full
 * image resolution" (Zheng et al. 2021, §3.3). One 1×1 stage; the official code goes straight to the
 * classifier (`upScale` 1), mmseg's config upsamples ×4 first (`upScale` 4) — then the final resize
 * has less left to do, and the two are not the same function:
 *
 *   [B, 1+N, D] → LN, to map → [B, D, h, w] → 1×1 conv, BN, ReLU (, ×4) → [B, C, ·, ·] → conv_seg → [B, K, ·, ·]
 *
 * SETR-PUP: "we consider a progressive upsampling strategy that alternates conv layers and upsampling
 * operations. To maximally mitigate the adversarial effect, we restrict upsampling to 2×. Hence, a total
 * of 4 operations are needed for reaching the full resolution from Z^{Le} with size H/16 × W/16"
 * (§3.3). log2(p) 3×3 stages with a ×2 after each, then the classifier at full resolution:
 *
 *   [B, D, h, w] → stage 0, ×2 → [B, C, 2h, 2w] → stage 1, ×2 → … → stage 3, ×2 → [B, C, 16h, 16w] → conv_seg → [B, K, 16h, 16w]
 *
 * The PUP auxiliary heads are one 3×3 stage and ×4; the Naive ones are Naive heads.
 */
import type { Variable } from '@setr-ts/autograd';
import { Identity, LayerNorm, ModuleList, Sequential, Upsample } from '@setr-ts/nn';
import type { UpHeadConfig } from '../config.js';
import { ConvModule } from './conv-module.js';
import { DecodeHead, type HeadInputs } from './decode-head.js';
import { tokensToMap } from './tokens-to-map.js';

/** Options of {@link UpHead}: the config's head, and what the segmentor adds from the rest of the config. */
export interface UpHeadOptions extends UpHeadConfig {
  /** D, the encoder's width. */
  inChannels: number;
  /** K, the number of classes. */
  numClasses: number;
  /** Epsilon of the LayerNorm on the tapped tokens. */
  lnEps: number;
  /** alignCorners of the upsamplings. */
  alignCorners: boolean;
  /** Whether the stages' convolutions have a bias (the official code's; mmcv's ConvModule has none before a BN). */
  convBias: boolean;
}

/**
 * The decoder of SETR-Naive and SETR-PUP, and their auxiliary heads (mmseg's `SETRUPHead`): LayerNorm,
 * tokens to a map, conv-BN-ReLU stages each followed by a bilinear upsampling, a 1×1 classifier.
 * @example
 * // SETR-PUP's decoder on ViT-L tokens:
 * const head = new UpHead({ tap: 23, inChannels: 1024, channels: 256, numClasses: 12, numConvs: 4, kernelSize: 3, upScale: 2, lnEps: 1e-6, alignCorners: false, convBias: false });
 * head.forward({ blocks, grid: [24, 24], neck: [] });   // [B, 12, 384, 384]
 */
export class UpHead extends DecodeHead {
  /** LayerNorm on the tapped block's tokens (state-dict `norm`). */
  readonly norm: LayerNorm;
  /** The `numConvs` stages, each a conv-BN-ReLU and an upsampling (state-dict `up_convs.i.0`; the upsampling has no weights). */
  readonly upConvs: ModuleList<Sequential>;

  constructor(
    /** The head's configuration, kept for `forward`. */
    readonly opts: UpHeadOptions,
  ) {
    super({ channels: opts.channels, numClasses: opts.numClasses, kernelSize: 1, bias: true });
    const { inChannels, channels, numConvs, kernelSize, upScale, alignCorners, convBias } = opts;
    this.norm = this.registerModule('norm', new LayerNorm(inChannels, { eps: opts.lnEps }));
    const stage = (i: number) =>
      new Sequential(
        new ConvModule(i === 0 ? inChannels : channels, channels, kernelSize, { bias: convBias }),
        upScale > 1 ? new Upsample({ scaleFactor: upScale, mode: 'bilinear', alignCorners }) : new Identity(),
      );
    this.upConvs = this.registerModule('up_convs', new ModuleList(Array.from({ length: numConvs }, (_, i) => stage(i))));
  }

  /** The tapped block's tokens → logits `[B, K, h·s^n, w·s^n]` (s = upScale, n = numConvs). */
  forward(inputs: HeadInputs): Variable {
    let x = tokensToMap(this.norm, inputs.blocks[this.opts.tap], inputs.grid); // [B, D, h, w]
    for (const stage of this.upConvs) x = stage.forward(x); // [B, C, ·×s, ·×s]
    return this.classify(x); // [B, K, ·, ·]
  }
}
