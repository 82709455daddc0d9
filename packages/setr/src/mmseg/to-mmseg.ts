/**
 * A SETR's weights as mmsegmentation 1.x holds them. The heads already carry mmseg's names
 * (`neck.*`, `decode_head.up_convs.k.0.*`, `auxiliary_head.j.*`); the encoder's are renamed from timm's
 * (vit-names.ts). An `official`-style model's details are carried where mmseg can express them:
 *
 * - the conv biases of its up-heads: mmcv's ConvModule has none before a BatchNorm, but a bias b
 *   before BN in evaluation is BN with running mean μ − b (BN(x + b) = γ(x + b − μ)/σ + β), so it is
 *   folded there (in training a BN removes any constant anyway);
 * - Naive's classifier straight after its stage: `up_scale=1` in the config file (config-py.ts).
 *
 * What it cannot carry makes the export refuse, naming the detail: the official MLA head's 3×3
 * classifier (mmseg's `SETRMLAHead` has the base head's 1×1 one) and its ×4 upsampling with aligned
 * corners (mmseg's follows the head's `align_corners`, which also sets the final resize).
 */
import { tidy } from '@setr-ts/autograd';
import type { Tensor } from '@setr-ts/tensor';
import type { SetrConfig } from '../config.js';
import type { Setr } from '../model/segmentor.js';
import { timmToMmseg } from './vit-names.js';

/** What {@link toMmseg} returns: the state dict under mmseg's names, and what was done to carry it. */
export interface MmsegState {
  /** mmseg's keys → tensors (the caller disposes them). */
  readonly state: Record<string, Tensor>;
  /** One line per change made to carry an official-style detail (empty for an mmseg-style model). */
  readonly notes: string[];
}

/** The details of `c` that mmseg's SETR cannot express (empty when it can carry the model). */
export function uncarriedDetails(c: SetrConfig): string[] {
  const out: string[] = [];
  if (c.style === 'official' && c.decoder.kind === 'mla')
    out.push(
      "the MLA classifier is 3×3 (mmseg's SETRMLAHead has a 1×1 conv_seg)",
      "the MLA ×4 stream upsampling aligns corners (mmseg's follows the head's align_corners, which also sets the final resize)",
    );
  return out;
}

/** Throws, as `who`, naming every detail of `c` that mmseg cannot build; returns when it can. */
export function refuseUncarried(c: SetrConfig, who: string): void {
  const refused = uncarriedDetails(c);
  if (refused.length > 0)
    throw new Error(
      `${who}: mmsegmentation cannot build this ${c.style}-style ${c.decoder.kind} model: ${refused.join('; ')}` +
        (c.style === 'official' ? ` (a style 'mmseg' model can be exported: e.g. setr-tiny-${c.decoder.kind}-mmseg)` : ''),
    );
}

/**
 * The model's state dict with mmseg's keys, official details folded where they can be.
 * @example const { state, notes } = toMmseg(model);   // state['backbone.layers.0.ln1.weight'], ...
 */
export function toMmseg(model: Setr): MmsegState {
  const c = model.config;
  refuseUncarried(c, 'toMmseg');
  const src = model.stateDict();
  const state: Record<string, Tensor> = {};
  const biases = Object.keys(src).filter((k) => k.endsWith('.conv.bias')); // the official up-heads' stages
  for (const [key, t] of Object.entries(src)) {
    if (biases.includes(key)) continue;
    state[key.startsWith('backbone.') ? `backbone.${timmToMmseg(key.slice('backbone.'.length))}` : key] = t;
  }
  for (const key of biases) {
    const mean = key.replace(/\.conv\.bias$/, '.bn.running_mean');
    const folded = tidy(() => src[mean].sub(src[key])); // μ − b
    src[mean].dispose();
    src[key].dispose();
    state[mean] = folded;
  }
  const notes = biases.length
    ? [`${biases.length} conv biases folded into the following BatchNorm's running_mean (the same function in evaluation)`]
    : [];
  return { state, notes };
}
