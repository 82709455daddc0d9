/**
 * Named configurations: the paper's models (Zheng et al. 2021, Table 1 and §4: ViT-Large and ViT-Base
 * encoders with patch 16, on ADE20K at 512×512 with 150 classes and on Cityscapes at 768×768 with 19)
 * and CPU-sized tiny models for CamVid (11 classes at 96×128).
 *
 * Taps are 0-based block indices, as in the official code: ViT-Large's auxiliary heads read blocks 9,
 * 14, 19 (PUP also 23), its MLA streams blocks 5, 11, 17, 23 (each quarter of the depth); ViT-Base's
 * 2, 5, 8 (PUP also 11) and 2, 5, 8, 11.
 */
import { DEFAULTS, type DecoderKind, parseConfig, type SetrConfig } from './config.js';
import { TRAIN_DEFAULTS, type TrainConfig } from './train-config.js';

type Encoder = Pick<SetrConfig, 'patchSize' | 'embedDim' | 'depth' | 'numHeads' | 'mlpRatio'>;
type Dataset = Pick<SetrConfig, 'imgSize' | 'numClasses'>;
type Heads = Pick<SetrConfig, 'channels' | 'auxTaps' | 'mlaTaps' | 'mlaChannels' | 'mlaHeadChannels'>;

const ENCODERS = {
  'vit-large': { patchSize: 16, embedDim: 1024, depth: 24, numHeads: 16, mlpRatio: 4 },
  'vit-base': { patchSize: 16, embedDim: 768, depth: 12, numHeads: 12, mlpRatio: 4 },
} satisfies Record<string, Encoder>;

const DATASETS = {
  ade20k: { imgSize: [512, 512], numClasses: 150 },
  cityscapes: { imgSize: [768, 768], numClasses: 19 },
} satisfies Record<string, Dataset>;

/** The heads of each decoder on each encoder (widths 256/256/128 as in the official configs). */
function paperHeads(decoder: DecoderKind, encoder: keyof typeof ENCODERS): Heads {
  const large = encoder === 'vit-large';
  const mlaTaps = large ? [5, 11, 17, 23] : [2, 5, 8, 11];
  const auxTaps = { naive: large ? [9, 14, 19] : [2, 5, 8], pup: large ? [9, 14, 19, 23] : [2, 5, 8, 11], mla: mlaTaps }[decoder];
  return { channels: 256, auxTaps, mlaTaps, mlaChannels: 256, mlaHeadChannels: 128 };
}

/**
 * The tiny models for CamVid: patch 8, D 128, 6 blocks, 4 heads, 64-channel heads at 96×128 (SETR-Tiny-PUP
 * has 1.69 M parameters), taps in the paper's proportions of the depth, and the recipe measured with
 * PyTorch (AdamW 1e-3, weight decay 0.01, batch 8, warmup + poly, scale 0.5–2, flip, auxiliary losses
 * 0.4). Each schedule is chosen so that its run takes under 20 minutes on a 2-core CPU with the wasm
 * backend, and reaches the best validation mIoU that time allows (measured; see the package README):
 * - MLA is the fastest per step at full 96×128 crops: 30 epochs (36 reached val mIoU 0.464 in 19.2 min,
 *   34 reached 0.455 in 20.3 min: machines vary by 10%, so 30 leave a margin).
 * - PUP and Naive train on 64×96 crops, which roughly halve a step (less padding after down-scaling,
 *   a quarter of the attention), so more epochs fit: PUP 48 epochs (0.406 in 16.7 min; at full crops
 *   27 epochs reached 0.388 in 17.2 min), Naive 72 epochs (76 reached 0.405 in 19.0 min).
 */
function tiny(decoder: DecoderKind): SetrConfig {
  const schedule: Record<DecoderKind, Partial<TrainConfig>> = {
    naive: { epochs: 72, crop: [64, 96] },
    pup: { epochs: 48, crop: [64, 96] },
    mla: { epochs: 30 },
  };
  return {
    decoder,
    imgSize: [96, 128],
    patchSize: 8,
    embedDim: 128,
    depth: 6,
    numHeads: 4,
    mlpRatio: 4,
    numClasses: 11,
    channels: 64,
    auxTaps: { naive: [2, 3, 4], pup: [2, 3, 4, 5], mla: [1, 2, 4, 5] }[decoder],
    mlaTaps: [1, 2, 4, 5],
    mlaChannels: 64,
    mlaHeadChannels: 32,
    ...DEFAULTS,
    train: { ...structuredClone(TRAIN_DEFAULTS), ...schedule[decoder] },
  };
}

function buildPresets(): Record<string, SetrConfig> {
  const out: Record<string, SetrConfig> = {};
  const decoders: DecoderKind[] = ['naive', 'pup', 'mla'];
  for (const decoder of decoders) {
    for (const [enc, encoder] of Object.entries(ENCODERS) as [keyof typeof ENCODERS, Encoder][]) {
      for (const [data, dataset] of Object.entries(DATASETS)) {
        out[`setr-${decoder}-${enc}-${data}`] = {
          decoder,
          ...encoder,
          ...(dataset as Dataset),
          ...paperHeads(decoder, enc),
          ...DEFAULTS,
          train: structuredClone(TRAIN_DEFAULTS),
        };
      }
    }
  }
  for (const decoder of decoders) out[`setr-tiny-${decoder}`] = tiny(decoder);
  return out;
}

const PRESETS = buildPresets();

/** The preset names, e.g. `setr-pup-vit-large-cityscapes`, `setr-tiny-pup`. */
export const presetNames = (): string[] => Object.keys(PRESETS);

/**
 * A preset by name (a fresh copy, checked like a config file).
 * @example const config = preset('setr-tiny-pup');
 */
export function preset(name: string): SetrConfig {
  const c = PRESETS[name];
  if (!c) throw new Error(`unknown preset '${name}' (presets: ${presetNames().join(', ')})`);
  return parseConfig(structuredClone(c), `preset ${name}`);
}
