/**
 * The training recipe, the `train` section of a config: optimizer, schedule, batch, augmentation. Every
 * field is optional; the defaults are the recipe measured with PyTorch on CamVid (AdamW 1e-3, weight
 * decay 0.01, batch 8, poly schedule with linear warmup, random scale 0.5–2 with crop or padding,
 * horizontal flip, auxiliary losses at 0.4, no class weights). Unknown or ill-typed fields are refused,
 * named, as in the rest of the config.
 */

export interface TrainConfig {
  /** Images per step. */
  batchSize: number;
  /** Length of the schedule in epochs (passes over the training split). */
  epochs: number;
  /** 'adamw' or 'sgd' (with momentum). */
  optimizer: 'adamw' | 'sgd';
  /** Base learning rate (the encoder's). */
  lr: number;
  /** Weight decay: decoupled for AdamW, L2 in the gradient for SGD. */
  weightDecay: number;
  /** SGD's momentum. */
  momentum: number;
  /** The decode and auxiliary heads' learning rate over the encoder's (the official configs use 10 with pretrained encoders). */
  headLrMult: number;
  /** Linear warmup from `warmupRatio`·lr to lr over this many steps. */
  warmupIters: number;
  /** The warmup's starting lr as a fraction of lr, in [0, 1]. */
  warmupRatio: number;
  /** Poly decay: lr · (1 − t/T)^power down to `minLr` (mmsegmentation's schedule). */
  power: number;
  /** The floor of the poly decay, reached at the last step. */
  minLr: number;
  /** The crop [H, W] training samples are cut or padded to (the config's imgSize when absent). */
  crop: [number, number] | null;
  /** Random rescaling range (mmsegmentation's ratio_range). */
  scaleRange: [number, number];
  /**
   * The size [long, short] the random rescaling applies to, each picture's ratio kept (mmsegmentation's
   * img_scale, e.g. [2048, 512] for ADE20K); null: each picture's own size.
   */
  scale: [number, number] | null;
  /** The largest share one class may take of a random crop, up to 10 crops drawn (mmsegmentation's cat_max_ratio); 1: any crop. */
  catMaxRatio: number;
  /** Random horizontal flip with probability 0.5. */
  flip: boolean;
  /** Random brightness, contrast, saturation and hue (mmsegmentation's PhotoMetricDistortion). */
  photometric: boolean;
  /** Weight the loss by the dataset's median-frequency class weights. */
  classWeights: boolean;
}

/** The training recipe's defaults: AdamW at lr 1e-3, batch 8, 60 epochs, short warmup, poly decay, random 0.5–2× rescale, crop and flip. */
export const TRAIN_DEFAULTS: TrainConfig = {
  batchSize: 8,
  epochs: 60,
  optimizer: 'adamw',
  lr: 1e-3,
  weightDecay: 0.01,
  momentum: 0.9,
  headLrMult: 1,
  warmupIters: 100,
  warmupRatio: 1e-3,
  power: 0.9,
  minLr: 0,
  crop: null,
  scaleRange: [0.5, 2],
  scale: null,
  catMaxRatio: 1,
  flip: true,
  photometric: false,
  classWeights: false,
};

const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const nonNegative = (v: unknown) => typeof v === 'number' && v >= 0 && Number.isFinite(v);
const bool = (v: unknown) => typeof v === 'boolean';

const TRAIN_FIELDS: Record<keyof TrainConfig, [(v: unknown) => boolean, string]> = {
  batchSize: [positiveInt, 'a positive integer'],
  epochs: [positiveInt, 'a positive integer'],
  optimizer: [(v) => v === 'adamw' || v === 'sgd', '"adamw" or "sgd"'],
  lr: [(v) => nonNegative(v) && (v as number) > 0, 'a positive number'],
  weightDecay: [nonNegative, 'a non-negative number'],
  momentum: [(v) => typeof v === 'number' && v >= 0 && v < 1, 'a number in [0, 1)'],
  headLrMult: [(v) => nonNegative(v) && (v as number) > 0, 'a positive number'],
  warmupIters: [(v) => Number.isInteger(v) && (v as number) >= 0, 'a non-negative integer'],
  warmupRatio: [(v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number in [0, 1]'],
  power: [nonNegative, 'a non-negative number'],
  minLr: [nonNegative, 'a non-negative number'],
  crop: [(v) => v === null || (Array.isArray(v) && v.length === 2 && v.every(positiveInt)), 'null or a pair of positive integers [H, W]'],
  scaleRange: [
    (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && x > 0) && v[0] <= v[1],
    'a pair [min, max] of positive numbers, min ≤ max',
  ],
  scale: [
    (v) => v === null || (Array.isArray(v) && v.length === 2 && v.every(positiveInt)),
    'null or a pair of positive integers [long, short]',
  ],
  catMaxRatio: [(v) => typeof v === 'number' && v > 0 && v <= 1, 'a number in (0, 1]'],
  flip: [bool, 'true or false'],
  photometric: [bool, 'true or false'],
  classWeights: [bool, 'true or false'],
};

/** Checks a `train` section (undefined: all defaults) and fills in the defaults; errors name `source` and the field. */
export function parseTrainConfig(raw: unknown, source: string): TrainConfig {
  if (raw === undefined) return structuredClone(TRAIN_DEFAULTS);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${source}: field 'train' must be an object`);
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(TRAIN_FIELDS, key))
      throw new Error(`${source}: unknown field 'train.${key}' (fields: ${Object.keys(TRAIN_FIELDS).join(', ')})`);
  }
  const t = { ...structuredClone(TRAIN_DEFAULTS), ...raw } as TrainConfig;
  for (const [key, [ok, what]] of Object.entries(TRAIN_FIELDS)) {
    const v = t[key as keyof TrainConfig];
    if (!ok(v)) throw new Error(`${source}: field 'train.${key}' must be ${what}, got ${JSON.stringify(v)}`);
  }
  return t;
}
