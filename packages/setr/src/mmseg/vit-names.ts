/**
 * The encoder's parameter names in timm's ViT (ours) and in mmsegmentation's `VisionTransformer`. The two
 * hold the same tensors under other names; mmseg's tools/model_converters/vit2mmseg.py renames timm's
 * checkpoints one way, {@link mmsegToTimm} goes back:
 *
 *   patch_embed.proj.*         ↔ patch_embed.projection.*
 *   blocks.i.norm1.*           ↔ layers.i.ln1.*
 *   blocks.i.attn.qkv.weight   ↔ layers.i.attn.attn.in_proj_weight     (rows q, k, v in both: nn.MultiheadAttention's layout)
 *   blocks.i.attn.qkv.bias     ↔ layers.i.attn.attn.in_proj_bias
 *   blocks.i.attn.proj.*       ↔ layers.i.attn.attn.out_proj.*
 *   blocks.i.norm2.*           ↔ layers.i.ln2.*
 *   blocks.i.mlp.fc1.*         ↔ layers.i.ffn.layers.0.0.*
 *   blocks.i.mlp.fc2.*         ↔ layers.i.ffn.layers.1.*
 *   cls_token, pos_embed       ↔ the same
 */

/** [timm, mmseg] name patterns; `{i}` is a block index, a trailing `.` a prefix of the rest of the name. */
const RENAMES: readonly (readonly [string, string])[] = [
  ['patch_embed.proj.', 'patch_embed.projection.'],
  ['blocks.{i}.norm1.', 'layers.{i}.ln1.'],
  ['blocks.{i}.attn.qkv.weight', 'layers.{i}.attn.attn.in_proj_weight'],
  ['blocks.{i}.attn.qkv.bias', 'layers.{i}.attn.attn.in_proj_bias'],
  ['blocks.{i}.attn.proj.', 'layers.{i}.attn.attn.out_proj.'],
  ['blocks.{i}.norm2.', 'layers.{i}.ln2.'],
  ['blocks.{i}.mlp.fc1.', 'layers.{i}.ffn.layers.0.0.'],
  ['blocks.{i}.mlp.fc2.', 'layers.{i}.ffn.layers.1.'],
  ['cls_token', 'cls_token'],
  ['pos_embed', 'pos_embed'],
];

/** A pattern as a regular expression matching a name's start: `{i}` captures the index. */
const regexOf = (pattern: string) => new RegExp(`^${pattern.replaceAll('.', '\\.').replace('{i}', '(\\d+)')}`);

/** `name` renamed by the first pair whose `from` side matches (`side` 0: timm → mmseg, 1: mmseg → timm); throws if none does. */
function rename(name: string, side: 0 | 1, what: string): string {
  for (const pair of RENAMES) {
    const m = name.match(regexOf(pair[side]));
    if (m) return pair[1 - side].replace('{i}', m[1] ?? '') + name.slice(m[0].length);
  }
  throw new Error(`${what}: '${name}' is not a ViT encoder parameter (${RENAMES.map((p) => p[side]).join(', ')})`);
}

/**
 * A timm encoder name (without the `backbone.` prefix) → mmseg's.
 * @example timmToMmseg('blocks.3.attn.qkv.weight')   // 'layers.3.attn.attn.in_proj_weight'
 */
export const timmToMmseg = (name: string): string => rename(name, 0, 'timmToMmseg');

/**
 * An mmseg encoder name (without the `backbone.` prefix) → timm's.
 * @example mmsegToTimm('layers.3.ffn.layers.0.0.bias')   // 'blocks.3.mlp.fc1.bias'
 */
export const mmsegToTimm = (name: string): string => rename(name, 1, 'mmsegToTimm');
