/**
 * Named configurations: the paper's models (Zheng et al. 2021, Table 1 and §4: ViT-Large and ViT-Base
 * encoders with patch 16, on ADE20K at 512×512 with 150 classes and on Cityscapes at 768×768 with 19)
 * and CPU-sized tiny models for CamVid (11 classes at 96×128), each in two styles: the official code's
 * (`setr-pup-vit-large-ade20k`, `setr-tiny-pup`) and mmsegmentation 1.x's (the same name with `-mmseg`;
 * its configs/_base_/models/setr_*.py, whose checkpoints load into mmseg as they are).
 *
 * Taps are 0-based block indices, as in both codes: ViT-Large's auxiliary heads read blocks 9, 14, 19
 * (the official PUP also 23), its MLA streams blocks 5, 11, 17, 23 (each quarter of the depth);
 * ViT-Base's 2, 5, 8 (PUP also 11) and 2, 5, 8, 11.
 */
import {
  type AuxHeadConfig,
  DEFAULTS,
  type DecoderConfig,
  type DecoderKind,
  parseConfig,
  type SetrConfig,
  type Style,
  type UpHeadConfig,
} from './config.js';
import { TRAIN_DEFAULTS, type TrainConfig } from './train-config.js';

type Encoder = Pick<SetrConfig, 'patchSize' | 'embedDim' | 'depth' | 'numHeads' | 'mlpRatio'>;
type Dataset = Pick<SetrConfig, 'imgSize' | 'numClasses'>;

const ENCODERS = {
  'vit-large': { patchSize: 16, embedDim: 1024, depth: 24, numHeads: 16, mlpRatio: 4 },
  'vit-base': { patchSize: 16, embedDim: 768, depth: 12, numHeads: 12, mlpRatio: 4 },
} satisfies Record<string, Encoder>;

const DATASETS = {
  ade20k: { imgSize: [512, 512], numClasses: 150 },
  cityscapes: { imgSize: [768, 768], numClasses: 19 },
} satisfies Record<string, Dataset>;

/** The widths and taps of one size of model. */
interface HeadSizes {
  /** The last block (Naive's and PUP's decoders read it). */
  last: number;
  /** The blocks with auxiliary heads (Naive and mmseg's PUP). */
  auxTaps: number[];
  /** The MLA streams' blocks. */
  mlaTaps: number[];
  /** Up-head width, MLA neck width, MLA head width per stream. */
  channels: number;
  neckChannels: number;
  headChannels: number;
}

/**
 * The heads of each decoder in each style, from the official configs (configs/_base_/models/
 * setr_naive_pup.py, setr_mla.py of fudan-zvg/SETR) and mmseg's (configs/_base_/models/setr_*.py):
 * - Naive: one 1×1 stage; mmseg upsamples ×4 after it, the official code goes straight to the classifier.
 *   The auxiliary heads are Naive heads.
 * - PUP: log2(patch) 3×3 stages, ×2 after each; auxiliary heads of one 3×3 stage and ×4 (the official
 *   code adds one on the last block).
 * - MLA: the neck and head on the streams; a 1×1 classifier on each stream as the auxiliary heads.
 */
function heads(decoder: DecoderKind, style: Style, s: HeadSizes, patchSize: number): Pick<SetrConfig, 'decoder' | 'auxHeads'> {
  const aux = (taps: number[], up: Omit<UpHeadConfig, 'tap'>): AuxHeadConfig[] =>
    taps.map((tap) => ({ kind: 'up', tap, ...up, lossWeight: 0.4 }));
  if (decoder === 'mla') {
    const dec: DecoderConfig = { kind: 'mla', taps: s.mlaTaps, neckChannels: s.neckChannels, headChannels: s.headChannels };
    return { decoder: dec, auxHeads: s.mlaTaps.map((tap) => ({ kind: 'mla', tap, lossWeight: 0.4 })) };
  }
  if (decoder === 'naive') {
    const naive = { channels: s.channels, numConvs: 1, kernelSize: 1, upScale: style === 'mmseg' ? 4 : 1 };
    return { decoder: { kind: 'naive', tap: s.last, ...naive }, auxHeads: aux(s.auxTaps, naive) };
  }
  const stages = Math.log2(patchSize);
  const auxTaps = style === 'official' ? [...s.auxTaps, s.last] : s.auxTaps;
  return {
    decoder: { kind: 'pup', tap: s.last, channels: s.channels, numConvs: stages, kernelSize: 3, upScale: 2 },
    auxHeads: aux(auxTaps, { channels: s.channels, numConvs: 1, kernelSize: 3, upScale: 4 }),
  };
}

/**
 * What mmseg's configs change outside the heads: the MLA encoder drops the cls token before the blocks
 * (`with_cls_token=False`), and the paper-size backbones drop 0.1 after the position embedding and in
 * the MLPs (`drop_rate=0.1`; the tiny models keep 0).
 */
function styleEncoder(decoder: DecoderKind, style: Style, paperSize: boolean): Pick<SetrConfig, 'withClsToken' | 'dropRate'> {
  if (style === 'official') return { withClsToken: true, dropRate: 0 };
  return { withClsToken: decoder !== 'mla', dropRate: paperSize ? 0.1 : 0 };
}

/** The paper's head sizes on ViT-Large and ViT-Base (widths 256/256/128 as in both codes' configs). */
function paperSizes(encoder: keyof typeof ENCODERS): HeadSizes {
  const large = encoder === 'vit-large';
  return {
    last: large ? 23 : 11,
    auxTaps: large ? [9, 14, 19] : [2, 5, 8],
    mlaTaps: large ? [5, 11, 17, 23] : [2, 5, 8, 11],
    channels: 256,
    neckChannels: 256,
    headChannels: 128,
  };
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
const TINY = {
  encoder: { patchSize: 8, embedDim: 128, depth: 6, numHeads: 4, mlpRatio: 4 },
  dataset: { imgSize: [96, 128], numClasses: 11 },
  sizes: { last: 5, auxTaps: [2, 3, 4], mlaTaps: [1, 2, 4, 5], channels: 64, neckChannels: 64, headChannels: 32 },
  schedule: { naive: { epochs: 72, crop: [64, 96] }, pup: { epochs: 48, crop: [64, 96] }, mla: { epochs: 30 } },
} satisfies { encoder: Encoder; dataset: Dataset; sizes: HeadSizes; schedule: Record<DecoderKind, Partial<TrainConfig>> };

function buildPresets(): Record<string, SetrConfig> {
  const out: Record<string, SetrConfig> = {};
  const decoders: DecoderKind[] = ['naive', 'pup', 'mla'];
  const styles: [Style, string][] = [
    ['official', ''],
    ['mmseg', '-mmseg'],
  ];
  for (const [style, suffix] of styles) {
    for (const decoder of decoders) {
      for (const [enc, encoder] of Object.entries(ENCODERS) as [keyof typeof ENCODERS, Encoder][]) {
        for (const [data, dataset] of Object.entries(DATASETS)) {
          out[`setr-${decoder}-${enc}-${data}${suffix}`] = {
            ...DEFAULTS,
            style,
            ...encoder,
            ...(dataset as Dataset),
            ...heads(decoder, style, paperSizes(enc), encoder.patchSize),
            ...styleEncoder(decoder, style, true),
            train: structuredClone(TRAIN_DEFAULTS),
          };
        }
      }
    }
    for (const decoder of decoders) {
      out[`setr-tiny-${decoder}${suffix}`] = {
        ...DEFAULTS,
        style,
        ...TINY.encoder,
        ...(TINY.dataset as Dataset),
        ...heads(decoder, style, TINY.sizes, TINY.encoder.patchSize),
        ...styleEncoder(decoder, style, false),
        train: { ...structuredClone(TRAIN_DEFAULTS), ...(TINY.schedule[decoder] as Partial<TrainConfig>) },
      };
    }
  }
  return out;
}

const PRESETS = buildPresets();

/** The preset names, e.g. `setr-pup-vit-large-cityscapes`, `setr-tiny-pup`, `setr-tiny-mla-mmseg`. */
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
