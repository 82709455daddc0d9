/**
 * The encoder: a Vision Transformer (Dosovitskiy et al. 2021) as SETR uses it. "We deploy a pure
 * transformer (i.e., without convolution and resolution reduction) to encode an image as a sequence
 * of patches" (Zheng et al. 2021, abstract); every layer keeps the resolution of the patch grid, so any
 * layer's output can feed a decoder. Pre-norm blocks, no final norm; the output of EVERY block is
 * returned (the decoders tap the ones their config names). With `withClsToken: false` (mmseg's MLA
 * config) the cls token gets its position and is then dropped before the blocks, which see patches only.
 *
 *   [B, 3, H, W] → patch_embed → [B, N, D] → cat cls → [B, 1+N, D] → + pos_embed (→ drop cls) → blocks → depth × [B, 1+N, D]
 *
 * Names are timm's under the segmentor's `backbone.` prefix (`patch_embed.proj.weight`, `cls_token`,
 * `pos_embed`, `blocks.{i}.…`). Initialisation is ViT's: truncated normal (std 0.02) for the position
 * embedding, the cls token and every Linear weight, zero Linear biases.
 */
import { cat, expand, type Variable } from '@setr-ts/autograd';
import { Dropout, init, Linear, Module, ModuleList, Parameter } from '@setr-ts/nn';
import { gridOf, type SetrConfig } from '../config.js';
import { Block } from './block.js';
import { PatchEmbed } from './patch-embed.js';
import { resizePosEmbed } from './pos-embed.js';

/** What the encoder hands the decoders. */
export interface EncoderOutput {
  /** The output of every block, `[B, 1+N, D]` each (index i = block i). */
  readonly blocks: Variable[];
  /** Each block's attention weights `[B, heads, 1+N, 1+N]`, when asked for. */
  readonly attention: Variable[] | null;
  /** The input's patch grid [H/p, W/p]. */
  readonly grid: [number, number];
}

/** The fields of a SETR config the encoder reads. */
export type EncoderConfig = Pick<
  SetrConfig,
  | 'imgSize'
  | 'patchSize'
  | 'embedDim'
  | 'depth'
  | 'numHeads'
  | 'mlpRatio'
  | 'lnEps'
  | 'dropRate'
  | 'attnDropRate'
  | 'dropPathRate'
  | 'withClsToken'
>;

/**
 * SETR's encoder: a ViT without final norm that returns every block's tokens (timm's parameter names).
 * @example
 * const vit = new VisionTransformer(preset('setr-tiny-pup'));
 * const { blocks, grid } = vit.forward(variable(images));   // blocks: depth × [B, 1+N, D]
 */
export class VisionTransformer extends Module {
  /** Patches to tokens (state-dict `patch_embed`). */
  readonly patchEmbed: PatchEmbed;
  /** The learned cls token `[1, 1, D]`, prepended to the patch tokens (state-dict `cls_token`). */
  readonly clsToken: Parameter;
  /** The learned position embedding `[1, 1+N, D]` for {@link grid}; resized for other input sizes (state-dict `pos_embed`). */
  readonly posEmbed: Parameter;
  /** Dropout after adding the position embedding (state-dict `pos_drop`). */
  readonly posDrop: Dropout;
  /** The `depth` transformer blocks (state-dict `blocks.i`). */
  readonly blocks: ModuleList<Block>;
  /** The grid the position embedding was learned for. */
  readonly grid: [number, number];
  /** Whether the cls token goes through the blocks. */
  readonly withClsToken: boolean;

  constructor(c: EncoderConfig) {
    super();
    const d = c.embedDim;
    this.grid = gridOf(c.imgSize, c.patchSize);
    this.withClsToken = c.withClsToken;
    const numPatches = this.grid[0] * this.grid[1];
    this.patchEmbed = this.registerModule('patch_embed', new PatchEmbed(c.patchSize, d));
    this.clsToken = this.registerParameter('cls_token', new Parameter(init.truncNormal([1, 1, d], { std: 0.02 })));
    this.posEmbed = this.registerParameter('pos_embed', new Parameter(init.truncNormal([1, 1 + numPatches, d], { std: 0.02 })));
    this.posDrop = this.registerModule('pos_drop', new Dropout(c.dropRate));
    // stochastic depth rises linearly from 0 to dropPathRate over the blocks
    const dropPath = (i: number) => (c.depth > 1 ? (c.dropPathRate * i) / (c.depth - 1) : 0);
    this.blocks = this.registerModule(
      'blocks',
      new ModuleList(
        Array.from(
          { length: c.depth },
          (_, i) =>
            new Block(d, c.numHeads, {
              mlpRatio: c.mlpRatio,
              lnEps: c.lnEps,
              dropRate: c.dropRate,
              attnDropRate: c.attnDropRate,
              dropPath: dropPath(i),
            }),
        ),
      ),
    );
    this.apply((m) => {
      if (!(m instanceof Linear)) return;
      m.weight.assign(init.truncNormal(m.weight.shape, { std: 0.02 }));
      m.bias?.assign(init.zeros(m.bias.shape));
    });
  }

  /**
   * Images `[B, 3, H, W]` (normalised; H, W multiples of the patch) → every block's tokens (`[B, N, D]`
   * without the cls token). With
   * `attention: true` each block's attention weights come too (costing their memory, nothing else).
   */
  forward(x: Variable, opts: { attention?: boolean } = {}): EncoderOutput {
    const { tokens, grid } = this.patchEmbed.forward(x); // [B, N, D]
    const [b, , d] = tokens.shape;
    const cls = expand(this.clsToken, [b, 1, d]); // [B, 1, D]
    const pos = resizePosEmbed(this.posEmbed, this.grid, grid); // [1, 1+N, D]
    const placed = cat([cls, tokens], 1).add(pos); // [B, 1+N, D]
    let z = this.posDrop.forward(this.withClsToken ? placed : placed.narrow(1, 1, tokens.shape[1])); // [B, 1+N, D] or [B, N, D]
    const blocks: Variable[] = [];
    const attention: Variable[] = [];
    for (const block of this.blocks) {
      if (opts.attention) {
        const r = block.forwardWithAttention(z);
        attention.push(r.attention); // [B, heads, 1+N, 1+N]
        z = r.out;
      } else {
        z = block.forward(z);
      }
      blocks.push(z); // [B, 1+N, D]
    }
    return { blocks, attention: opts.attention ? attention : null, grid };
  }
}
