/**
 * SETR-MLA, multi-level feature aggregation. "We take as input the feature representations {Z^m}
 * from M layers uniformly distributed across the layers with step Le/M to the decoder. M streams are
 * then deployed, with each focusing on one specific selected layer. In each stream, we first reshape
 * the encoder's feature Z^l ... to a 3D feature map H/16 × W/16 × C. A 3-layer (kernel size 1 × 1,
 * 3 × 3, and 3 × 3) network is applied with the feature channels halved at the first and third layers
 * respectively, and the spatial resolution upscaled 4× by bilinear operation after the third layer. To
 * enhance the interactions across different streams, we introduce a top-down aggregation design via
 * element-wise addition after the first layer. An additional 3 × 3 conv is applied after the element-wise
 * additioned feature. After the third layer, we obtain the fused feature from all the streams via
 * channel-wise concatenation which is then bilinearly upsampled 4× to the full resolution"
 * (Zheng et al. 2021, §3.3). Widths and wiring follow the official code (fudan-zvg/SETR): per stream i
 * (0 = shallowest tap), with Cm = mlaChannels, Ch = mlaHeadChannels:
 *
 *   tokens_i [B, 1+N, D] → norms.i, to map → [B, D, h, w] → lateral.i (1×1, BN, ReLU) → p_i [B, Cm, h, w]
 *   top-down: m_last = p_last, m_i = m_{i+1} + p_i
 *   smooth.i (3×3, BN, ReLU) → s_i [B, Cm, h, w]                      (the aggregated streams; auxiliary heads read these)
 *   streams.i.0 (3×3 → Ch), streams.i.1 (3×3 → Ch), ×4 (alignCorners) → [B, Ch, 4h, 4w]
 *   cat over streams → [B, M·Ch, 4h, 4w] → conv_seg (3×3) → [B, K, 4h, 4w] → resize → [B, K, H, W]
 *
 * The convolutions have no bias (BatchNorm follows each); conv_seg has one.
 */
import { add, cat, interpolate, type Variable } from '@setr-ts/autograd';
import { Conv2d, LayerNorm, Module, ModuleList, Sequential } from '@setr-ts/nn';
import { ConvModule } from './conv-module.js';
import { tokensToMap } from './tokens-to-map.js';

/** Options of {@link MlaHead}; the segmentor fills them from the config. */
export interface MlaHeadOptions {
  /** The blocks feeding the streams, shallowest first. */
  taps: readonly number[];
  /** D, the encoder's width. */
  inChannels: number;
  /** Cm, the lateral and smoothing width. */
  mlaChannels: number;
  /** Ch, each stream's head width. */
  headChannels: number;
  /** K, the number of classes (channels of the logits). */
  numClasses: number;
  /** Epsilon of the per-tap LayerNorms. */
  lnEps: number;
  /** alignCorners of the final resize to the input size (the ×4 stream upsampling always aligns). */
  alignCorners: boolean;
}

/**
 * SETR-MLA's decoder: per-tap LayerNorm and 1×1 lateral convs, top-down sums, 3×3 smoothing, two 3×3
 * convs and ×4 upsampling per stream, then concatenation, a 3×3 classifier and a resize to the input.
 * Its two halves are {@link aggregate} (the neck) and {@link forward} (the head).
 * @example
 * const head = new MlaHead({ taps: [5, 11, 17, 23], inChannels: 1024, mlaChannels: 256, headChannels: 128, numClasses: 12, lnEps: 1e-6, alignCorners: false });
 * const logits = head.forward(head.aggregate(blocks, [24, 24]), [384, 384]);   // [B, 12, 384, 384]
 */
export class MlaHead extends Module {
  /** One LayerNorm per tap, on the tapped block's tokens (state-dict `norms.i`). */
  readonly norms: ModuleList<LayerNorm>;
  /** One 1×1 ConvModule D → Cm per tap (state-dict `lateral.i`). */
  readonly lateral: ModuleList<ConvModule>;
  /** One 3×3 ConvModule Cm → Cm per tap, after the top-down sums (state-dict `smooth.i`). */
  readonly smooth: ModuleList<ConvModule>;
  /** Per tap, two 3×3 ConvModules Cm → Ch → Ch (state-dict `streams.i.0`, `streams.i.1`). */
  readonly streams: ModuleList<Sequential>;
  /** The 3×3 classifier M·Ch → K, with bias (state-dict `conv_seg`). */
  readonly convSeg: Conv2d;

  constructor(
    /** The head's configuration, kept for `aggregate` and `forward`. */
    readonly opts: MlaHeadOptions,
  ) {
    super();
    const { taps, inChannels: d, mlaChannels: cm, headChannels: ch } = opts;
    const perTap = <M extends Module>(make: () => M): M[] => taps.map(() => make());
    this.norms = this.registerModule('norms', new ModuleList(perTap(() => new LayerNorm(d, { eps: opts.lnEps }))));
    this.lateral = this.registerModule('lateral', new ModuleList(perTap(() => new ConvModule(d, cm, 1, { bias: false }))));
    this.smooth = this.registerModule('smooth', new ModuleList(perTap(() => new ConvModule(cm, cm, 3, { bias: false }))));
    this.streams = this.registerModule(
      'streams',
      new ModuleList(perTap(() => new Sequential(new ConvModule(cm, ch, 3, { bias: false }), new ConvModule(ch, ch, 3, { bias: false })))),
    );
    this.convSeg = this.registerModule('conv_seg', new Conv2d(taps.length * ch, opts.numClasses, 3, { padding: 1 }));
  }

  /**
   * The neck: every block's tokens and the grid → the aggregated streams s_i `[B, Cm, h, w]`, shallowest
   * first (what the auxiliary heads read).
   */
  aggregate(blocks: readonly Variable[], grid: readonly [number, number]): Variable[] {
    const { taps } = this.opts;
    const p = taps.map((t, i) => this.lateral.at(i).forward(tokensToMap(this.norms.at(i), blocks[t], grid))); // [B, Cm, h, w] each
    const m: Variable[] = [];
    for (let i = taps.length - 1; i >= 0; i--) m[i] = i === taps.length - 1 ? p[i] : add(m[i + 1], p[i]); // top-down sums
    return m.map((mi, i) => this.smooth.at(i).forward(mi)); // [B, Cm, h, w] each
  }

  /** The aggregated streams and the output size [H, W] → logits `[B, K, H, W]`. */
  forward(streams: readonly Variable[], size: readonly [number, number]): Variable {
    const heads = streams.map((s, i) => {
      const x = this.streams.at(i).forward(s); // [B, Ch, h, w]
      return interpolate(x, { size: [4 * x.shape[2], 4 * x.shape[3]], mode: 'bilinear', alignCorners: true }); // [B, Ch, 4h, 4w]
    });
    const logits = this.convSeg.forward(cat(heads, 1)); // [B, M·Ch, 4h, 4w] -> [B, K, 4h, 4w]
    return interpolate(logits, { size: [size[0], size[1]], mode: 'bilinear', alignCorners: this.opts.alignCorners }); // [B, K, H, W]
  }
}

/**
 * MLA's auxiliary head: a 1×1 classifier (no bias) on one aggregated stream, resized to the input
 * (official code's `VIT_MLA_AUXIHead`).
 *
 *   s_i [B, Cm, h, w] → conv_seg → [B, K, h, w] → resize → [B, K, H, W]
 */
export class MlaAuxHead extends Module {
  /** The 1×1 classifier Cm → K, without bias (state-dict `conv_seg`). */
  readonly convSeg: Conv2d;

  /**
   * @param mlaChannels - Cm, the width of the aggregated streams.
   * @param numClasses - K, the number of classes.
   */
  constructor(
    /** Which stream (index into the MLA taps) it reads. */
    readonly stream: number,
    mlaChannels: number,
    numClasses: number,
    /** alignCorners of the resize to the input size. */
    readonly alignCorners: boolean,
  ) {
    super();
    this.convSeg = this.registerModule('conv_seg', new Conv2d(mlaChannels, numClasses, 1, { bias: false }));
  }

  /** The aggregated streams (from {@link MlaHead.aggregate}) and the output size [H, W] → logits `[B, K, H, W]`. */
  forward(streams: readonly Variable[], size: readonly [number, number]): Variable {
    const logits = this.convSeg.forward(streams[this.stream]); // [B, K, h, w]
    return interpolate(logits, { size: [size[0], size[1]], mode: 'bilinear', alignCorners: this.alignCorners }); // [B, K, H, W]
  }
}
