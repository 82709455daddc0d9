/**
 * mmsegmentation's SETR weights back into ours: the inverse of to-mmseg.ts. The encoder's names go
 * from mmseg's to timm's (vit-names.ts, vit2mmseg.py's inverse); the heads' are already ours. Into an
 * `official`-style config, the up-heads' conv biases are zeros (mmseg folds nothing into them: its
 * ConvModules have no bias, and the running means it holds are already the folded ones).
 */
import { init } from '@setr-ts/nn';
import type { Tensor } from '@setr-ts/tensor';
import type { SetrConfig } from '../config.js';
import { mmsegToTimm } from './vit-names.js';

/** The prefixes of the up-heads (whose stages have a conv bias in the official style). */
function upHeadPrefixes(c: SetrConfig): string[] {
  const aux = c.auxHeads.flatMap((a, j) => (a.kind === 'up' ? [`auxiliary_head.${j}.`] : []));
  return c.decoder.kind === 'mla' ? aux : ['decode_head.', ...aux];
}

/**
 * A state dict with mmseg's keys → one with ours for a model of config `c` (load it with
 * `loadStateDict`, which names any key that still does not fit). The tensors are shared, not copied,
 * but for the zeros it adds; `source` names the checkpoint in errors.
 * @example model.loadStateDict(fromMmseg(await loadPth('setr_pup.pth'), model.config, 'setr_pup.pth'));
 */
export function fromMmseg(state: Record<string, Tensor>, c: SetrConfig, source: string): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(state)) {
    if (!key.startsWith('backbone.')) {
      out[key] = t;
      continue;
    }
    try {
      out[`backbone.${mmsegToTimm(key.slice('backbone.'.length))}`] = t;
    } catch (e) {
      throw new Error(`${source}: ${(e as Error).message}`);
    }
  }
  if (c.style === 'official') {
    for (const prefix of upHeadPrefixes(c)) {
      for (const mean of Object.keys(state).filter((k) => k.startsWith(prefix) && /\.up_convs\.\d+\.0\.bn\.running_mean$/.test(k)))
        out[mean.replace(/\.bn\.running_mean$/, '.conv.bias')] = init.zeros(state[mean].shape, { dtype: state[mean].dtype });
    }
  }
  return out;
}
