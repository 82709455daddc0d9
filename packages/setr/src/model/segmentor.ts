/**
 * SETR, the whole model: "a pure transformer ... to encode an image as a sequence of patches ... a
 * simple decoder to provide a powerful segmentation model" (Zheng et al. 2021, abstract). The encoder
 * (`backbone`) turns the image into every block's tokens; the decoder (`decode_head`) turns some of
 * them into per-pixel class logits at the input's size; auxiliary heads (`auxiliary_heads.{j}`) make
 * extra predictions from earlier blocks that only the training loss reads (weighted 0.4 each; the
 * official code's deep supervision). mmsegmentation calls this joining class an `EncoderDecoder`.
 *
 *   images [B, 3, H, W] → backbone → depth × [B, 1+N, D] → decode_head → logits [B, K, H, W]
 *                                                        ↘ auxiliary_heads → aux_j [B, K, H, W]
 */
import { noGrad, tidy, type Variable, variable } from '@setr-ts/autograd';
import { Module, ModuleList } from '@setr-ts/nn';
import type { Tensor } from '@setr-ts/tensor';
import { parseConfig, type SetrConfig } from '../config.js';
import { MlaAuxHead, MlaHead } from './mla-head.js';
import { UpHead, type UpHeadOptions } from './up-head.js';
import { VisionTransformer } from './vit.js';

/** What {@link Setr.forward} returns: the logits, the auxiliary logits and, when asked for, attention maps. */
export interface SetrOutput {
  /** The decoder's class logits `[B, K, H, W]`. */
  readonly logits: Variable;
  /** Each auxiliary head's logits `[B, K, H, W]`, in `auxTaps` order. */
  readonly aux: Variable[];
  /** Each block's attention weights `[B, heads, 1+N, 1+N]` (token 0 is the cls token), when asked for. */
  readonly attention: Variable[] | null;
}

/** The decoder's modules: Naive and PUP are up-heads reading blocks, MLA aggregates streams that its auxiliary heads read. */
type Heads = { kind: 'up'; decode: UpHead; aux: ModuleList<UpHead> } | { kind: 'mla'; decode: MlaHead; aux: ModuleList<MlaAuxHead> };

/** Naive: one 1×1 stage, no upsampling before the final resize. PUP: log2(p) 3×3 stages, ×2 after each but the last. */
function upHeadOptions(c: SetrConfig, tap: number, role: 'decode' | 'aux'): UpHeadOptions {
  const common = {
    tap,
    inChannels: c.embedDim,
    channels: c.channels,
    numClasses: c.numClasses,
    lnEps: c.lnEps,
    alignCorners: c.alignCorners,
  };
  if (c.decoder === 'naive') return { ...common, numConvs: 1, kernelSize: 1, upScale: 1, numUpsamples: 0 };
  if (role === 'aux') return { ...common, numConvs: 1, kernelSize: 3, upScale: 4, numUpsamples: 1 };
  const stages = Math.log2(c.patchSize);
  return { ...common, numConvs: stages, kernelSize: 3, upScale: 2, numUpsamples: stages - 1 };
}

function buildHeads(c: SetrConfig): Heads {
  if (c.decoder === 'mla') {
    const decode = new MlaHead({
      taps: c.mlaTaps,
      inChannels: c.embedDim,
      mlaChannels: c.mlaChannels,
      headChannels: c.mlaHeadChannels,
      numClasses: c.numClasses,
      lnEps: c.lnEps,
      alignCorners: c.alignCorners,
    });
    const aux = c.auxTaps.map((t) => new MlaAuxHead(c.mlaTaps.indexOf(t), c.mlaChannels, c.numClasses, c.alignCorners));
    return { kind: 'mla', decode, aux: new ModuleList(aux) };
  }
  const decode = new UpHead(upHeadOptions(c, c.depth - 1, 'decode'));
  return { kind: 'up', decode, aux: new ModuleList(c.auxTaps.map((t) => new UpHead(upHeadOptions(c, t, 'aux')))) };
}

/**
 * A SETR model built from a config (see presets.ts for the paper's and the tiny ones).
 * @example
 * const model = new Setr(preset('setr-tiny-pup'));
 * const { logits, aux } = model.forward(variable(images));   // images [B, 3, 96, 128] -> logits [B, 11, 96, 128]
 */
export class Setr extends Module {
  /** The checked configuration, defaults filled in. */
  readonly config: SetrConfig;
  /** The ViT encoder (state-dict prefix `backbone.`). */
  readonly backbone: VisionTransformer;
  private readonly heads: Heads;

  constructor(config: SetrConfig) {
    super();
    this.config = parseConfig(config, 'Setr');
    this.backbone = this.registerModule('backbone', new VisionTransformer(this.config));
    this.heads = buildHeads(this.config);
    this.registerModule('decode_head', this.heads.decode);
    this.registerModule('auxiliary_heads', this.heads.aux);
  }

  /** The decoder (state-dict prefix `decode_head.`): an {@link UpHead} for Naive and PUP, an {@link MlaHead} for MLA. */
  get decodeHead(): UpHead | MlaHead {
    return this.heads.decode;
  }
  /** The auxiliary heads, in `auxTaps` order (state-dict prefix `auxiliary_heads.i.`); `forward` runs them in training mode or with `aux: true`. */
  get auxiliaryHeads(): (UpHead | MlaAuxHead)[] {
    return [...this.heads.aux];
  }

  /**
   * Normalised images `[B, 3, H, W]` (H, W multiples of the patch; see `normalizeImage`) → logits at
   * the input size, the auxiliary logits, and (with `attention: true`) each block's attention weights.
   * The auxiliary heads run in training mode only; in evaluation `aux` is empty unless `aux: true`.
   */
  forward(images: Variable, opts: { attention?: boolean; aux?: boolean } = {}): SetrOutput {
    const size: [number, number] = [images.shape[2], images.shape[3]];
    const { blocks, attention, grid } = this.backbone.forward(images, { attention: opts.attention });
    const wantAux = opts.aux ?? this.training;
    const h = this.heads;
    if (h.kind === 'mla') {
      const streams = h.decode.aggregate(blocks, grid); // M × [B, Cm, h, w]
      const aux = wantAux ? [...h.aux].map((head) => head.forward(streams, size)) : [];
      return { logits: h.decode.forward(streams, size), aux, attention };
    }
    const aux = wantAux ? [...h.aux].map((head) => head.forward(blocks, grid, size)) : [];
    return { logits: h.decode.forward(blocks, grid, size), aux, attention };
  }

  /**
   * Segments normalised images `[B, 3, H, W]`: the class of every pixel, int32 `[B, H, W]`. Runs in
   * evaluation mode without recording a graph, and leaves the model's mode as it was.
   * @example const classes = model.predict(normalizeImage(pixels));
   */
  predict(images: Tensor): Tensor {
    const wasTraining = this.training;
    this.eval();
    try {
      // the input stays the caller's: tidy frees only what is made inside
      return tidy(() => noGrad(() => this.forward(variable(images)).logits.data.argmax(1))); // [B, H, W]
    } finally {
      this.train(wasTraining);
    }
  }
}
