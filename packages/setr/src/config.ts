/**
 * A SETR configuration: a plain JSON-able object, so a user can copy one into a file and change it.
 * The required fields say what the model is (which decoder, how big, which blocks the heads read);
 * the optional ones have the paper's defaults. {@link parseConfig} refuses anything else, naming the
 * field, because a typo in a config (`embed_dim` for `embedDim`) should fail loudly, not silently
 * train the default.
 */
import { parseTrainConfig, type TrainConfig } from './train-config.js';

/** The three decoders of the paper (§3.3): naive upsampling, progressive upsampling, multi-level aggregation. */
export type DecoderKind = 'naive' | 'pup' | 'mla';

export interface SetrConfig {
  /** 'naive' | 'pup' | 'mla'. */
  decoder: DecoderKind;
  /** The training image size [H, W]; its patch grid sizes the position embedding. Any input divisible by the patch works. */
  imgSize: [number, number];
  /** Side of the square patches (16 in the paper). */
  patchSize: number;
  /** D, the token width (1024 for ViT-Large). */
  embedDim: number;
  /** Number of transformer blocks (24 for ViT-Large). */
  depth: number;
  /** Attention heads per block (16 for ViT-Large). */
  numHeads: number;
  /** MLP hidden width over D (4). */
  mlpRatio: number;
  /** K, the number of classes. */
  numClasses: number;
  /** Width of the Naive/PUP heads' convolutions (256). */
  channels: number;
  /** 0-based blocks with an auxiliary head (for MLA: taps among `mlaTaps` whose aggregated stream gets one). */
  auxTaps: number[];
  /** MLA: the blocks whose outputs feed the streams, shallowest first (one per quarter of the depth). */
  mlaTaps: number[];
  /** MLA: width of the lateral and smoothing convolutions (256). */
  mlaChannels: number;
  /** MLA: width of each stream's head convolutions (128). */
  mlaHeadChannels: number;
  /** Dropout after the position embedding and in the MLP (0 in SETR). */
  dropRate: number;
  /** Dropout on attention weights (0 in SETR). */
  attnDropRate: number;
  /** Stochastic depth, raised linearly to this over the blocks (0 in SETR). */
  dropPathRate: number;
  /** LayerNorm epsilon (1e-6, ViT's). */
  lnEps: number;
  /** alignCorners of the heads' bilinear resizes (false; MLA's ×4 stream upsampling always aligns corners, as the official code). */
  alignCorners: boolean;
  /** Weight of each auxiliary loss (0.4); the main loss weighs 1. */
  auxWeight: number;
  /** The training recipe (see train-config.ts); every field has a default. */
  train: TrainConfig;
}

/** The fields every config file must give. */
export const REQUIRED_FIELDS = [
  'decoder',
  'imgSize',
  'patchSize',
  'embedDim',
  'depth',
  'numHeads',
  'mlpRatio',
  'numClasses',
  'channels',
  'auxTaps',
  'mlaTaps',
  'mlaChannels',
  'mlaHeadChannels',
] as const satisfies readonly (keyof SetrConfig)[];

/** The paper's values of everything else. */
export const DEFAULTS = {
  /** No dropout after the position embedding or in the MLP. */
  dropRate: 0,
  /** No dropout on attention weights. */
  attnDropRate: 0,
  /** No stochastic depth. */
  dropPathRate: 0,
  /** ViT's LayerNorm epsilon. */
  lnEps: 1e-6,
  /** The heads' bilinear resizes do not align corners. */
  alignCorners: false,
  /** Each auxiliary loss weighs 0.4 against the main loss's 1. */
  auxWeight: 0.4,
} as const satisfies Partial<SetrConfig>;

const isPositiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
const isIndexList = (v: unknown): v is number[] => Array.isArray(v) && v.every((i) => Number.isInteger(i) && i >= 0);
const isRate = (v: unknown) => typeof v === 'number' && v >= 0 && v < 1;
const isPositive = (v: unknown) => typeof v === 'number' && v > 0 && Number.isFinite(v);

/** What each field must be: a test of the value and the words for it. */
const FIELD_TYPES: Record<keyof SetrConfig, [(v: unknown) => boolean, string]> = {
  decoder: [(v) => v === 'naive' || v === 'pup' || v === 'mla', `one of "naive", "pup", "mla"`],
  imgSize: [(v) => Array.isArray(v) && v.length === 2 && v.every(isPositiveInt), 'a pair of positive integers [H, W]'],
  patchSize: [isPositiveInt, 'a positive integer'],
  embedDim: [isPositiveInt, 'a positive integer'],
  depth: [isPositiveInt, 'a positive integer'],
  numHeads: [isPositiveInt, 'a positive integer'],
  mlpRatio: [isPositive, 'a positive number'],
  numClasses: [isPositiveInt, 'a positive integer'],
  channels: [isPositiveInt, 'a positive integer'],
  auxTaps: [isIndexList, 'a list of block indices (non-negative integers)'],
  mlaTaps: [isIndexList, 'a list of block indices (non-negative integers)'],
  mlaChannels: [isPositiveInt, 'a positive integer'],
  mlaHeadChannels: [isPositiveInt, 'a positive integer'],
  dropRate: [isRate, 'a probability in [0, 1)'],
  attnDropRate: [isRate, 'a probability in [0, 1)'],
  dropPathRate: [isRate, 'a probability in [0, 1)'],
  lnEps: [isPositive, 'a positive number'],
  alignCorners: [(v) => typeof v === 'boolean', 'true or false'],
  auxWeight: [(v) => typeof v === 'number' && v >= 0 && Number.isFinite(v), 'a non-negative number'],
  train: [(v) => typeof v === 'object' && v !== null, 'an object'], // its fields are checked by parseTrainConfig
};

/**
 * Checks a config object and fills in the defaults. `source` names where it came from (a file, a
 * preset) in the error. Refused, with the field named: an unknown field, a field of the wrong type,
 * a missing required field, and combinations that cannot build (an image size not divisible by the
 * patch, D not divisible by the heads, a tap past the last block, a PUP patch that is not a power of
 * two, an MLA auxiliary tap that is not an MLA tap).
 * @example parseConfig(JSON.parse(readFileSync('my-setr.json', 'utf8')), 'my-setr.json')
 */
export function parseConfig(raw: unknown, source = 'config'): SetrConfig {
  const fail = (msg: string): never => {
    throw new Error(`${source}: ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('a config must be a JSON object');
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!Object.hasOwn(FIELD_TYPES, key)) fail(`unknown field '${key}' (fields: ${Object.keys(FIELD_TYPES).join(', ')})`);
  }
  for (const key of REQUIRED_FIELDS) if (!Object.hasOwn(obj, key)) fail(`missing field '${key}'`);
  const c = { ...DEFAULTS, ...obj, train: parseTrainConfig(obj.train, source) } as SetrConfig;
  for (const [key, [ok, what]] of Object.entries(FIELD_TYPES)) {
    const v = c[key as keyof SetrConfig];
    if (!ok(v)) fail(`field '${key}' must be ${what}, got ${JSON.stringify(v)}`);
  }
  const [h, w] = c.imgSize;
  if (h % c.patchSize !== 0 || w % c.patchSize !== 0) fail(`field 'imgSize' [${h}, ${w}] must divide by patchSize ${c.patchSize}`);
  const crop = c.train.crop;
  if (crop && (crop[0] % c.patchSize !== 0 || crop[1] % c.patchSize !== 0))
    fail(`field 'train.crop' [${crop[0]}, ${crop[1]}] must divide by patchSize ${c.patchSize}`);
  if (c.embedDim % c.numHeads !== 0) fail(`field 'embedDim' ${c.embedDim} must divide by numHeads ${c.numHeads}`);
  if (!Number.isInteger(c.embedDim * c.mlpRatio)) fail(`field 'mlpRatio' ${c.mlpRatio} must make embedDim × mlpRatio an integer`);
  // mlaTaps matter to the MLA decoder only (the field is required everywhere so that configs share one shape)
  for (const key of c.decoder === 'mla' ? (['auxTaps', 'mlaTaps'] as const) : (['auxTaps'] as const)) {
    const bad = c[key].find((i) => i >= c.depth);
    if (bad !== undefined) fail(`field '${key}' has block ${bad}, but blocks are numbered 0..${c.depth - 1}`);
  }
  if (c.decoder === 'pup' && !Number.isInteger(Math.log2(c.patchSize)))
    fail(`field 'patchSize' ${c.patchSize} must be a power of two for the PUP decoder (one ×2 conv stage per factor of 2)`);
  if (c.decoder === 'mla') {
    if (c.mlaTaps.length === 0) fail(`field 'mlaTaps' must list at least one block for the MLA decoder`);
    const bad = c.auxTaps.find((t) => !c.mlaTaps.includes(t));
    if (bad !== undefined)
      fail(
        `field 'auxTaps' has block ${bad}, which is not in mlaTaps [${c.mlaTaps.join(', ')}] (MLA's auxiliary heads sit on its streams)`,
      );
  }
  return c;
}

/** The patch grid [H/p, W/p] of an image size. */
export function gridOf(size: readonly [number, number], patchSize: number): [number, number] {
  return [size[0] / patchSize, size[1] / patchSize];
}
