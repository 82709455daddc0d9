/**
 * SETR learns the synthetic shapes (red circles, green rectangles, blue triangles on striped, noisy
 * backgrounds; 4 classes with background) in under a minute on a laptop CPU: the whole training loop
 * of `trainSetr` — augmentation, loss with auxiliary heads, AdamW with warmup + poly, per-epoch
 * validation, checkpoints — on pictures small enough that a tiny SETR sees them all in seconds.
 * Choose the decoder to compare the three of docs/06-decoders.md on the same encoder.
 *
 *   npx tsx examples/setr-shapes.ts [--decoder naive|pup|mla]     # SETR_SMOKE=1: one short epoch
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AuxHeadConfig,
  countParameters,
  type DecoderKind,
  makeShapesDataset,
  preset,
  type SetrConfig,
  trainSetr,
  type UpHeadConfig,
} from '@setr-ts/setr';

const { values } = parseArgs({ options: { decoder: { type: 'string', default: 'pup' } } });
const decoder = values.decoder as DecoderKind;
if (!['naive', 'pup', 'mla'].includes(decoder)) throw new Error(`--decoder must be naive, pup or mla, got '${decoder}'`);
const smoke = Boolean(process.env.SETR_SMOKE);

// the heads at this size, as data: Naive and PUP decode block 3 and supervise blocks 1 and 2;
// MLA aggregates all four blocks and supervises the streams of blocks 1 and 3
const naive = { channels: 32, numConvs: 1, kernelSize: 1, upScale: 1 }; // one 1×1 stage
const pup = { channels: 32, numConvs: 2, kernelSize: 3, upScale: 2 }; // log2(patch 4) 3×3 stages, ×2 after each
const pupAux = { channels: 32, numConvs: 1, kernelSize: 3, upScale: 4 }; // one 3×3 stage and ×4
const up = (taps: number[], head: Omit<UpHeadConfig, 'tap'>): AuxHeadConfig[] =>
  taps.map((tap) => ({ kind: 'up', tap, ...head, lossWeight: 0.4 }));
const HEADS: Record<DecoderKind, Pick<SetrConfig, 'decoder' | 'auxHeads'>> = {
  naive: { decoder: { kind: 'naive', tap: 3, ...naive }, auxHeads: up([1, 2], naive) },
  pup: { decoder: { kind: 'pup', tap: 3, ...pup }, auxHeads: up([1, 2], pupAux) },
  mla: {
    decoder: { kind: 'mla', taps: [0, 1, 2, 3], neckChannels: 32, headChannels: 16 },
    auxHeads: [1, 3].map((tap) => ({ kind: 'mla', tap, lossWeight: 0.4 })),
  },
};

// a tiny SETR for 32×32 pictures: patch 4 (an 8×8 grid), 4 blocks of width 64, 32-channel heads
const base = preset(`setr-tiny-${decoder}`);
const config: SetrConfig = {
  ...base,
  imgSize: [32, 32],
  patchSize: 4,
  embedDim: 64,
  depth: 4,
  numClasses: 4,
  ...HEADS[decoder],
  train: { ...base.train, batchSize: 8, epochs: smoke ? 1 : 6, lr: 1e-3, warmupIters: 20, crop: null },
};
const train = makeShapesDataset({ count: smoke ? 32 : 256, size: [32, 32], seed: 2 });
const val = makeShapesDataset({ count: 32, size: [32, 32], seed: 3 });
const out = mkdtempSync(join(tmpdir(), 'setr-shapes-'));

const result = await trainSetr({
  config,
  train,
  val,
  out,
  report: false,
  onEpoch: (r) => console.log(`epoch ${r.epoch}: loss ${r.loss.toFixed(3)}, val mIoU ${r.valMeanIoU.toFixed(3)}`),
});
const { total, modules } = countParameters(result.model);
const heads = Object.entries(modules).filter(([name]) => name !== 'backbone'); // MLA's neck, the decode head, the auxiliary heads
console.log(
  `SETR-${decoder}: ${total} parameters (${heads.map(([name, n]) => `${name} ${n}`).join(', ')}); ${result.seconds.toFixed(1)} s`,
);
console.log(`best val mIoU ${result.best?.valMeanIoU.toFixed(3)} at epoch ${result.best?.epoch}; run folder ${out}`);
result.model.dispose();
