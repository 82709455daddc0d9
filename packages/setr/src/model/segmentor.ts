/**
 * SETR, the whole model: "a pure transformer ... to encode an image as a sequence of patches ... a
 * simple decoder to provide a powerful segmentation model" (Zheng et al. 2021, abstract). The encoder
 * (`backbone`) turns the image into every block's tokens; MLA's `neck` aggregates some of them into
 * streams; the decoder (`decode_head`) turns its inputs into class logits, which are resized to the
 * input here, for every head alike; auxiliary heads (`auxiliary_head.{j}`) make extra predictions from
 * earlier blocks that only the training loss reads (the official code's deep supervision).
 * mmsegmentation calls this joining class an `EncoderDecoder`, and its state-dict names are used.
 *
 *   images [B, 3, H, W] → backbone → depth × [B, 1+N, D] (→ neck → M × [B, Cm, h, w])
 *                       → decode_head → [B, K, h', w'] → resize → logits [B, K, H, W]
 *                       ↘ auxiliary_head.j → [B, K, ·, ·] → resize → aux_j [B, K, H, W]
 */
import { interpolate, isVariable, noGrad, tidy, type Variable, variable } from '@setr-ts/autograd';
import { Module, ModuleList } from '@setr-ts/nn';
import type { Tensor } from '@setr-ts/tensor';
import { parseConfig, type SetrConfig } from '../config.js';
import type { DecodeHead } from './decode-head.js';
import { buildAuxHead, buildDecodeHead, buildNeck } from './heads.js';
import type { MlaNeck } from './mla-neck.js';
import { VisionTransformer } from './vit.js';

/** What {@link Setr.forward} returns: the logits, the auxiliary logits and, when asked for, attention maps. */
export interface SetrOutput {
  /** The decoder's class logits `[B, K, H, W]`. */
  readonly logits: Variable;
  /** Each auxiliary head's logits `[B, K, H, W]`, in the config's `auxHeads` order. */
  readonly aux: Variable[];
  /** Each block's attention weights `[B, heads, 1+N, 1+N]` (token 0 is the cls token, when there is one), when asked for. */
  readonly attention: Variable[] | null;
}

/**
 * A SETR model built from a config (see presets.ts for the paper's and the tiny ones).
 * @example
 * const model = new Setr(preset('setr-tiny-pup'));
 * const { logits, aux } = model.forward(images);   // images [B, 3, 96, 128] -> logits [B, 11, 96, 128]
 */
export class Setr extends Module {
  /** The checked configuration, defaults filled in. */
  readonly config: SetrConfig;
  /** The ViT encoder (state-dict prefix `backbone.`). */
  readonly backbone: VisionTransformer;
  /** MLA's neck (state-dict prefix `neck.`); null for Naive and PUP. */
  readonly neck: MlaNeck | null;
  /** The decoder (state-dict prefix `decode_head.`): an UpHead for Naive and PUP, an MlaHead for MLA. */
  readonly decodeHead: DecodeHead;
  /** The auxiliary heads, in `auxHeads` order (state-dict prefix `auxiliary_head.j.`). */
  readonly auxiliaryHead: ModuleList<DecodeHead>;

  constructor(config: SetrConfig) {
    super();
    this.config = parseConfig(config, 'Setr');
    this.backbone = this.registerModule('backbone', new VisionTransformer(this.config));
    const neck = buildNeck(this.config);
    this.neck = neck && this.registerModule('neck', neck);
    this.decodeHead = this.registerModule('decode_head', buildDecodeHead(this.config));
    this.auxiliaryHead = this.registerModule(
      'auxiliary_head',
      new ModuleList(this.config.auxHeads.map((a) => buildAuxHead(this.config, a))),
    );
  }

  /**
   * Normalised images `[B, 3, H, W]` (H, W multiples of the patch; see `normalizeImage`), a Tensor or a
   * Variable, → logits at the input size, the auxiliary logits, and (with `attention: true`) each
   * block's attention weights. The auxiliary heads run in training mode only; in evaluation `aux` is
   * empty unless `aux: true`.
   */
  forward(images: Tensor | Variable, opts: { attention?: boolean; aux?: boolean } = {}): SetrOutput {
    const x = isVariable(images) ? images : variable(images);
    const size: [number, number] = [x.shape[2], x.shape[3]];
    const { blocks, attention, grid } = this.backbone.forward(x, { attention: opts.attention });
    const inputs = { blocks, grid, neck: this.neck?.forward(blocks, grid) ?? [] };
    // mmseg's encode_decode: every head's logits resized to the input, with the heads' alignCorners
    const resize = (logits: Variable) =>
      logits.shape[2] === size[0] && logits.shape[3] === size[1]
        ? logits
        : interpolate(logits, { size, mode: 'bilinear', alignCorners: this.config.alignCorners }); // [B, K, H, W]
    const wantAux = opts.aux ?? this.training;
    const aux = wantAux ? [...this.auxiliaryHead].map((head) => resize(head.forward(inputs))) : [];
    return { logits: resize(this.decodeHead.forward(inputs)), aux, attention };
  }

  /**
   * Segments normalised images `[B, 3, H, W]` (a Tensor or a Variable): the class of every pixel, int32 `[B, H, W]`. Runs in
   * evaluation mode without recording a graph, and leaves the model's mode as it was.
   * @example const classes = model.predict(normalizeImage(pixels));
   */
  predict(images: Tensor | Variable): Tensor {
    const wasTraining = this.training;
    this.eval();
    try {
      // the input stays the caller's: tidy frees only what is made inside
      return tidy(() => noGrad(() => this.forward(images).logits.data.argmax(1))); // [B, H, W]
    } finally {
      this.train(wasTraining);
    }
  }
}
