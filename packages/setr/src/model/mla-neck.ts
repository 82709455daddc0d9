/**
 * SETR-MLA's neck, multi-level feature aggregation. "We take as input the feature representations
 * {Z^m} from M layers uniformly distributed across the layers with step Le/M to the decoder. M streams
 * are then deployed, with each focusing on one specific selected layer. In each stream, we first reshape
 * the encoder's feature Z^l ... to a 3D feature map H/16 × W/16 × C. ... To enhance the interactions
 * across different streams, we introduce a top-down aggregation design via element-wise addition after
 * the first layer. An additional 3 × 3 conv is applied after the element-wise additioned feature"
 * (Zheng et al. 2021, §3.3). mmsegmentation makes this part a neck of its own (necks/mla_neck.py), so
 * that the ViT stays a plain backbone; its names and its order are used here:
 *
 *   tokens_i [B, 1+N, D] → norm.i, to map → [B, D, h, w] → mla.channel_proj.i (1×1, BN, ReLU) → p_i [B, Cm, h, w]
 *   top-down, from the deepest stream: m_0 = p_{M-1}, m_k = m_{k-1} + p_{M-1-k}
 *   mla.feat_extract.k (3×3, BN, ReLU) → o_k [B, Cm, h, w]            (deepest first, as mmseg returns them)
 *
 * The official code keeps the streams shallowest first; the order is only a naming of the same
 * parameters (each stream has its own), so the two compute the same functions.
 */
import { add, type Variable } from '@setr-ts/autograd';
import { LayerNorm, Module, ModuleList } from '@setr-ts/nn';
import { ConvModule } from './conv-module.js';
import { tokensToMap } from './tokens-to-map.js';

/** Options of {@link MlaNeck}. */
export interface MlaNeckOptions {
  /** The blocks feeding the streams, shallowest first. */
  taps: readonly number[];
  /** D, the encoder's width. */
  inChannels: number;
  /** Cm, the width of every stream. */
  outChannels: number;
  /** Epsilon of the per-tap LayerNorms. */
  lnEps: number;
}

/** The convolutions of the aggregation (mmseg's `MLAModule`, state-dict `mla`). */
export class MlaModule extends Module {
  /** One 1×1 ConvModule D → Cm per tap, shallowest first (state-dict `channel_proj.i`). */
  readonly channelProj: ModuleList<ConvModule>;
  /** One 3×3 ConvModule Cm → Cm per top-down sum, deepest first (state-dict `feat_extract.k`). */
  readonly featExtract: ModuleList<ConvModule>;

  /** `streams` taps of width `d` (D) aggregated at width `cm` (Cm). */
  constructor(streams: number, d: number, cm: number) {
    super();
    const perStream = (make: () => ConvModule) => new ModuleList(Array.from({ length: streams }, make));
    this.channelProj = this.registerModule(
      'channel_proj',
      perStream(() => new ConvModule(d, cm, 1, { bias: false })),
    );
    this.featExtract = this.registerModule(
      'feat_extract',
      perStream(() => new ConvModule(cm, cm, 3, { bias: false })),
    );
  }

  /** M maps `[B, D, h, w]`, shallowest first → M streams `[B, Cm, h, w]`, deepest first. */
  forward(maps: readonly Variable[]): Variable[] {
    const p = maps.map((x, i) => this.channelProj.at(i).forward(x)).reverse(); // deepest first
    const m: Variable[] = [];
    for (const [k, pk] of p.entries()) m.push(k === 0 ? pk : add(m[k - 1], pk)); // top-down sums
    return m.map((mk, k) => this.featExtract.at(k).forward(mk));
  }
}

/**
 * The MLA neck: LayerNorm and reshape per tap, then the top-down aggregation; returns the M streams
 * deepest first (what the MLA head and its auxiliary heads read).
 * @example new MlaNeck({ taps: [5, 11, 17, 23], inChannels: 1024, outChannels: 256, lnEps: 1e-6 }).forward(blocks, [24, 24])   // 4 × [B, 256, 24, 24]
 */
export class MlaNeck extends Module {
  /** One LayerNorm per tap (state-dict `norm.i`). */
  readonly norm: ModuleList<LayerNorm>;
  /** The aggregation's convolutions (state-dict `mla`). */
  readonly mla: MlaModule;

  constructor(
    /** The neck's configuration, kept for `forward`. */
    readonly opts: MlaNeckOptions,
  ) {
    super();
    const { taps, inChannels: d, outChannels: cm, lnEps } = opts;
    this.norm = this.registerModule('norm', new ModuleList(taps.map(() => new LayerNorm(d, { eps: lnEps }))));
    this.mla = this.registerModule('mla', new MlaModule(taps.length, d, cm));
  }

  /** Every block's tokens and the grid → the M aggregated streams `[B, Cm, h, w]`, deepest first. */
  forward(blocks: readonly Variable[], grid: readonly [number, number]): Variable[] {
    return this.mla.forward(this.opts.taps.map((t, i) => tokensToMap(this.norm.at(i), blocks[t], grid))); // M × [B, D, h, w] in
  }
}
