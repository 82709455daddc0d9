/**
 * Small configs for tests: a preset with its encoder made smaller and every head resized to match —
 * the decoder on the last block (MLA: on `taps`), the auxiliary heads on `auxTaps`, shaped like the
 * preset's own.
 */
import type { AuxHeadConfig, DecoderConfig, SetrConfig } from '../../src/index.js';

/** What {@link shrink} changes. */
export type Shrink = Partial<Pick<SetrConfig, 'imgSize' | 'patchSize' | 'embedDim' | 'depth' | 'numHeads' | 'mlpRatio' | 'numClasses'>> & {
  /** The heads' width (MLA: the neck's; its head gets half). */
  channels: number;
  /** The blocks with an auxiliary head (MLA: among `taps`). */
  auxTaps: number[];
  /** MLA's streams (default: every block). */
  taps?: number[];
};

/** `base` with the encoder fields of `s` and its heads resized (PUP keeps one ×2 stage per factor of 2 of the patch). */
export function shrink(base: SetrConfig, s: Shrink): SetrConfig {
  const { channels, auxTaps, taps, ...encoder } = s;
  const c = { ...base, ...encoder };
  const d = base.decoder;
  const decoder: DecoderConfig =
    d.kind === 'mla'
      ? {
          ...d,
          taps: taps ?? Array.from({ length: c.depth }, (_, i) => i),
          neckChannels: channels,
          headChannels: Math.max(1, channels / 2),
        }
      : { ...d, tap: c.depth - 1, channels, numConvs: d.kind === 'pup' ? Math.log2(c.patchSize) : d.numConvs };
  const template = base.auxHeads[0];
  const auxHeads: AuxHeadConfig[] = auxTaps.map((tap) => (template.kind === 'mla' ? { ...template, tap } : { ...template, tap, channels }));
  return { ...c, decoder, auxHeads };
}
