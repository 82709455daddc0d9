/**
 * Starting SETR from a pretrained ViT, as the paper does (Zheng et al. 2021, §4: the transformer layers
 * and the input projection start from ViT's or DeiT's ImageNet weights). timm saves a ViT's state dict with the
 * names our encoder uses, without the segmentor's `backbone.` prefix, plus a final `norm` and a
 * classifier `head` that SETR has no use for. Importing drops those (and reports them), resizes the
 * position embedding to the config's patch grid, and loads the rest strictly into the encoder.
 */
import { noGrad } from '@setr-ts/autograd';
import type { Tensor } from '@setr-ts/tensor';
import { resizePosEmbed } from './model/pos-embed.js';
import type { Setr } from './model/segmentor.js';

/** What {@link importTimmViT} returns: what it left out and whether it resized the position embedding. */
export interface TimmImportResult {
  /** Checkpoint keys not used (timm's classifier and final norm). */
  readonly dropped: string[];
  /** The checkpoint's patch grid and the config's, when the position embedding was resized. */
  readonly resized: {
    /** The checkpoint's patch grid `[h, w]`. */
    from: [number, number];
    /** The model's patch grid `[h, w]`. */
    to: [number, number];
  } | null;
}

/** timm's parts that SETR does not have: the final norm, the classifier, pooling norms. */
const UNUSED = /^(norm|head|fc_norm|head_drop|pre_logits)\./;

/**
 * Loads a timm ViT state dict (`patch_embed.proj.weight`, `cls_token`, `pos_embed`, `blocks.{i}.…`)
 * into `model.backbone`. The checkpoint's grid is taken as square (as timm's ImageNet models are). A
 * missing, extra or mis-shaped encoder key is an error listing them all; nothing is changed then.
 * @example const { dropped } = importTimmViT(model, await loadSafetensors('vit_base_patch16_384.safetensors'));
 */
export function importTimmViT(model: Setr, dict: Record<string, Tensor>): TimmImportResult {
  const kept: Record<string, Tensor> = {};
  const dropped: string[] = [];
  for (const [k, t] of Object.entries(dict)) {
    if (UNUSED.test(k)) dropped.push(k);
    else kept[k] = t;
  }
  const pos = kept.pos_embed;
  let resized: TimmImportResult['resized'] = null;
  const to = model.backbone.grid;
  if (pos && pos.shape.length === 3 && pos.shape[1] !== 1 + to[0] * to[1]) {
    const side = Math.round(Math.sqrt(pos.shape[1] - 1));
    if (side * side !== pos.shape[1] - 1)
      throw new Error(`importTimmViT: pos_embed [${pos.shape.join(',')}] is not a cls position plus a square grid of patch positions`);
    resized = { from: [side, side], to: [to[0], to[1]] };
    kept.pos_embed = noGrad(() => resizePosEmbed(pos, [side, side], to).data);
  }
  try {
    model.backbone.loadStateDict(kept);
  } catch (e) {
    throw new Error(`importTimmViT: ${(e as Error).message}`);
  } finally {
    if (resized) kept.pos_embed.dispose();
  }
  return { dropped, resized };
}
