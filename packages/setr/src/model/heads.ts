/**
 * Building the heads a config describes, the one place that reads the decoder's `kind` and the
 * `style` (mmsegmentation builds them from its config dicts through a registry; a typed config and a
 * switch do the same here). What each style changes is listed in config.ts ({@link Style}).
 */
import type { AuxHeadConfig, SetrConfig, UpHeadConfig } from '../config.js';
import type { DecodeHead } from './decode-head.js';
import { MlaAuxHead } from './mla-aux-head.js';
import { MlaHead } from './mla-head.js';
import { MlaNeck } from './mla-neck.js';
import { UpHead } from './up-head.js';

/** An up-head (Naive, PUP, or an auxiliary one) from its config entry. */
function upHead(c: SetrConfig, head: UpHeadConfig): UpHead {
  const { tap, channels, numConvs, kernelSize, upScale } = head; // not an auxiliary head's kind and loss weight
  return new UpHead({
    tap,
    channels,
    numConvs,
    kernelSize,
    upScale,
    inChannels: c.embedDim,
    numClasses: c.numClasses,
    lnEps: c.lnEps,
    alignCorners: c.alignCorners,
    convBias: c.style === 'official',
  });
}

/** The neck between encoder and heads: MLA's, or none. */
export function buildNeck(c: SetrConfig): MlaNeck | null {
  if (c.decoder.kind !== 'mla') return null;
  return new MlaNeck({ taps: c.decoder.taps, inChannels: c.embedDim, outChannels: c.decoder.neckChannels, lnEps: c.lnEps });
}

/** The decoder's head. */
export function buildDecodeHead(c: SetrConfig): DecodeHead {
  const d = c.decoder;
  if (d.kind !== 'mla') return upHead(c, d);
  const official = c.style === 'official';
  return new MlaHead({
    streams: d.taps.length,
    inChannels: d.neckChannels,
    headChannels: d.headChannels,
    numClasses: c.numClasses,
    classifierKernel: official ? 3 : 1,
    alignCorners: official ? true : c.alignCorners,
  });
}

/** One auxiliary head; an MLA one reads the stream of its tap (the neck returns them deepest first). */
export function buildAuxHead(c: SetrConfig, a: AuxHeadConfig): DecodeHead {
  if (a.kind === 'up') return upHead(c, a);
  if (c.decoder.kind !== 'mla') throw new Error(`buildAuxHead: an MLA auxiliary head needs the MLA decoder, not ${c.decoder.kind}`);
  const { taps, neckChannels } = c.decoder;
  const stream = taps.length - 1 - taps.indexOf(a.tap);
  return new MlaAuxHead(stream, { channels: neckChannels, numClasses: c.numClasses, kernelSize: 1, bias: c.style === 'mmseg' });
}
