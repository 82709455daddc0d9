/**
 * A SETR configuration: a plain JSON-able object, so a user can copy one into a file and change it.
 * The required fields say what the model is (how big, which decoder, which auxiliary heads); the
 * optional ones have the paper's defaults. The heads are data, as in mmsegmentation's config dicts:
 * `decoder` is one of three shapes told apart by its `kind`, and each auxiliary head carries its own
 * tap, convolutions, kernel, upsampling and loss weight. `style` picks which of the two reference
 * implementations' details the heads follow (see {@link Style}). {@link parseConfig} refuses anything
 * else, naming the field, because a typo in a config (`embed_dim` for `embedDim`) should fail loudly,
 * not silently train the default.
 */
import { encoderTooLarge } from './encoder-size.js';
import { parseTrainConfig, type TrainConfig } from './train-config.js';

/** The three decoders of the paper (§3.3): naive upsampling, progressive upsampling, multi-level aggregation. */
export type DecoderKind = 'naive' | 'pup' | 'mla';

/**
 * Which reference implementation's details the heads follow. The paper's official code
 * (fudan-zvg/SETR) and mmsegmentation 1.x build the same decoders with different small choices:
 *
 * | detail                               | 'official'          | 'mmseg'                          |
 * | ------------------------------------ | ------------------- | -------------------------------- |
 * | conv bias in the heads' conv-BN-ReLU | yes                 | no (mmcv's ConvModule, bias 'auto') |
 * | MLA classifier `conv_seg`            | 3×3                 | 1×1 (BaseDecodeHead's)           |
 * | MLA auxiliary classifiers            | no bias             | bias (FCNHead's conv_seg)        |
 * | MLA's ×4 stream upsampling           | aligns corners      | `alignCorners` (false)           |
 *
 * The rest is data both can express: Naive's ×4 upsampling before its classifier (`upScale` 4 in
 * mmseg's configs, 1 in the official code) and the encoder's cls token (`withClsToken`, false in
 * mmseg's MLA config).
 */
export type Style = 'official' | 'mmseg';

/**
 * A head of mmsegmentation's `SETRUPHead` (the Naive and PUP decoders and their auxiliary heads): the
 * tapped block's tokens, LayerNorm, `numConvs` conv-BN-ReLU stages each followed by a ×`upScale`
 * bilinear upsampling, a 1×1 classifier.
 */
export interface UpHeadConfig {
  /** The 0-based block whose tokens the head reads. */
  tap: number;
  /** C, the width of its conv stages (256 in the paper). */
  channels: number;
  /** How many conv-BN-ReLU stages (Naive 1; PUP log2 of the patch, 4; PUP's auxiliary heads 1). */
  numConvs: number;
  /** Their kernel, 1 or 3 (Naive 1, PUP 3). */
  kernelSize: number;
  /** The bilinear upsampling after each stage: 1 (none), 2 (PUP), 4 (PUP's auxiliary heads, mmseg's Naive). */
  upScale: number;
}

/** SETR-Naive's decoder: an up-head with one 1×1 stage. */
export interface NaiveDecoderConfig extends UpHeadConfig {
  /** Which decoder. */
  kind: 'naive';
}
/** SETR-PUP's decoder: an up-head with log2(patch) 3×3 stages, ×2 after each. */
export interface PupDecoderConfig extends UpHeadConfig {
  /** Which decoder. */
  kind: 'pup';
}
/** SETR-MLA's decoder: the MLA neck (mmseg's `MLANeck`) on `taps` and the MLA head (`SETRMLAHead`). */
export interface MlaDecoderConfig {
  /** Which decoder. */
  kind: 'mla';
  /** The blocks feeding the streams, shallowest first (one per quarter of the depth in the paper). */
  taps: number[];
  /** The neck's width: lateral and smoothing convolutions (256). */
  neckChannels: number;
  /** The head's width per stream (128; its classifier reads taps × this). */
  headChannels: number;
}
/** The decoder: one of the paper's three, each with its own options (`kind` tells them apart). */
export type DecoderConfig = NaiveDecoderConfig | PupDecoderConfig | MlaDecoderConfig;

/** An auxiliary up-head (Naive's and PUP's deep supervision) with the weight of its loss. */
export interface UpAuxHeadConfig extends UpHeadConfig {
  /** Which kind of auxiliary head. */
  kind: 'up';
  /** Its loss's weight against the decoder's 1 (0.4). */
  lossWeight: number;
}
/** An auxiliary classifier on one MLA stream (the official `VIT_MLA_AUXIHead`, mmseg's `FCNHead` with no convs). */
export interface MlaAuxHeadConfig {
  /** Which kind of auxiliary head. */
  kind: 'mla';
  /** The block whose aggregated stream it reads (one of the decoder's `taps`). */
  tap: number;
  /** Its loss's weight against the decoder's 1 (0.4). */
  lossWeight: number;
}
/** An auxiliary head: extra logits from an earlier block that only the training loss reads. */
export type AuxHeadConfig = UpAuxHeadConfig | MlaAuxHeadConfig;

export interface SetrConfig {
  /** Which implementation's head details: 'official' (the paper's code) or 'mmseg' (mmsegmentation 1.x). */
  style: Style;
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
  /** The decoder and its options. */
  decoder: DecoderConfig;
  /** The auxiliary heads, in the order their logits come out (may be empty). */
  auxHeads: AuxHeadConfig[];
  /** Whether the cls token goes through the blocks (true; mmseg's MLA config drops it before them). */
  withClsToken: boolean;
  /** Dropout after the position embedding and in the MLP (0 in SETR). */
  dropRate: number;
  /** Dropout on attention weights (0 in SETR). */
  attnDropRate: number;
  /** Stochastic depth, raised linearly to this over the blocks (0 in SETR). */
  dropPathRate: number;
  /** LayerNorm epsilon (1e-6, ViT's). */
  lnEps: number;
  /** alignCorners of the heads' bilinear resizes (false; see {@link Style} for MLA's ×4). */
  alignCorners: boolean;
  /** The training recipe (see train-config.ts); every field has a default. */
  train: TrainConfig;
}

/** The fields every config file must give. */
export const REQUIRED_FIELDS = [
  'imgSize',
  'patchSize',
  'embedDim',
  'depth',
  'numHeads',
  'mlpRatio',
  'numClasses',
  'decoder',
  'auxHeads',
] as const satisfies readonly (keyof SetrConfig)[];

/** The paper's values of everything else. */
export const DEFAULTS = {
  /** The official code's head details. */
  style: 'official',
  /** The cls token goes through the blocks. */
  withClsToken: true,
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
} as const satisfies Partial<SetrConfig>;

/** What a value must be: a test and the words for it. */
type Check = [(v: unknown) => boolean, string];

const positiveInt: Check = [(v) => Number.isInteger(v) && (v as number) > 0, 'a positive integer'];
const blockIndex: Check = [(v) => Number.isInteger(v) && (v as number) >= 0, 'a block index (a non-negative integer)'];
const rate: Check = [(v) => typeof v === 'number' && v >= 0 && v < 1, 'a probability in [0, 1)'];
const positive: Check = [(v) => typeof v === 'number' && v > 0 && Number.isFinite(v), 'a positive number'];
const weight: Check = [(v) => typeof v === 'number' && v >= 0 && Number.isFinite(v), 'a non-negative number'];
const object: Check = [(v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object'];

/** The fields of an up-head (decoder or auxiliary). */
const UP_HEAD: Record<keyof UpHeadConfig, Check> = {
  tap: blockIndex,
  channels: positiveInt,
  numConvs: positiveInt,
  kernelSize: [(v) => v === 1 || v === 3, '1 or 3'],
  upScale: positiveInt,
};

/** The fields of each kind of decoder and auxiliary head, `kind` aside. */
const DECODER_FIELDS: Record<DecoderKind, Record<string, Check>> = {
  naive: UP_HEAD,
  pup: UP_HEAD,
  mla: {
    taps: [(v) => Array.isArray(v) && v.length > 0 && v.every(blockIndex[0]), 'a non-empty list of block indices'],
    neckChannels: positiveInt,
    headChannels: positiveInt,
  },
};
const AUX_FIELDS: Record<AuxHeadConfig['kind'], Record<string, Check>> = {
  up: { ...UP_HEAD, lossWeight: weight },
  mla: { tap: blockIndex, lossWeight: weight },
};

/** What each top-level field must be. */
const FIELD_TYPES: Record<keyof SetrConfig, Check> = {
  style: [(v) => v === 'official' || v === 'mmseg', `"official" or "mmseg"`],
  imgSize: [(v) => Array.isArray(v) && v.length === 2 && v.every(positiveInt[0]), 'a pair of positive integers [H, W]'],
  patchSize: positiveInt,
  embedDim: positiveInt,
  depth: positiveInt,
  numHeads: positiveInt,
  mlpRatio: positive,
  numClasses: positiveInt,
  decoder: object, // its fields are checked by checkHead
  auxHeads: [Array.isArray, 'a list of auxiliary heads'],
  withClsToken: [(v) => typeof v === 'boolean', 'true or false'],
  dropRate: rate,
  attnDropRate: rate,
  dropPathRate: rate,
  lnEps: positive,
  alignCorners: [(v) => typeof v === 'boolean', 'true or false'],
  train: object, // its fields are checked by parseTrainConfig
};

/** The fields of the layout before heads were data; a config that has them is refused with the way to the new one. */
const OLD_FIELDS = ['auxTaps', 'mlaTaps', 'mlaChannels', 'mlaHeadChannels', 'channels', 'auxWeight'];

/**
 * Checks one head object against the fields of its kind: `kind` one of `kinds`, every field of that
 * kind present and valid, no other field. `where` names it in errors (`decoder`, `auxHeads[1]`).
 */
function checkHead<K extends string>(
  raw: unknown,
  where: string,
  kinds: Record<K, Record<string, Check>>,
  fail: (m: string) => never,
): void {
  if (!object[0](raw)) fail(`field '${where}' must be an object with a 'kind', got ${JSON.stringify(raw)}`);
  const head = raw as Record<string, unknown>;
  const names = Object.keys(kinds);
  if (!names.includes(head.kind as string))
    fail(`field '${where}.kind' must be one of ${names.map((n) => `"${n}"`).join(', ')}, got ${JSON.stringify(head.kind)}`);
  const fields = kinds[head.kind as K];
  for (const key of Object.keys(head)) {
    if (key !== 'kind' && !Object.hasOwn(fields, key))
      fail(`unknown field '${where}.${key}' (a ${head.kind} head has: kind, ${Object.keys(fields).join(', ')})`);
  }
  for (const [key, [ok, what]] of Object.entries(fields)) {
    if (!Object.hasOwn(head, key)) fail(`missing field '${where}.${key}'`);
    if (!ok(head[key])) fail(`field '${where}.${key}' must be ${what}, got ${JSON.stringify(head[key])}`);
  }
}

/** The blocks a head reads. */
const tapsOf = (h: DecoderConfig | AuxHeadConfig): number[] => ('taps' in h ? h.taps : [h.tap]);

/**
 * Checks a config object and fills in the defaults. `source` names where it came from (a file, a
 * preset) in the error. Refused, with the field named: an unknown field, a field of the wrong type,
 * a missing required field, a head of an unknown kind or with another kind's fields, a config in the
 * layout before heads were data, and combinations that cannot build (an image size not divisible by
 * the patch, D not divisible by the heads, an encoder too large to build (see encoder-size.ts), a tap
 * past the last block, an MLA auxiliary head on a block that is not an MLA tap, an MLA auxiliary head
 * without the MLA decoder, MLA taps out of order).
 * @example parseConfig(JSON.parse(readFileSync('my-setr.json', 'utf8')), 'my-setr.json')
 */
export function parseConfig(raw: unknown, source = 'config'): SetrConfig {
  const fail = (msg: string): never => {
    throw new Error(`${source}: ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('a config must be a JSON object');
  const obj = raw as Record<string, unknown>;
  const old = OLD_FIELDS.filter((k) => Object.hasOwn(obj, k));
  if (old.length > 0 || typeof obj.decoder === 'string')
    fail(
      `this config has the layout before heads were data (${[...(typeof obj.decoder === 'string' ? ['decoder as a string'] : []), ...old].join(', ')}); ` +
        `write 'decoder' as { kind, tap, channels, numConvs, kernelSize, upScale } (MLA: { kind: "mla", taps, neckChannels, headChannels }) ` +
        `and 'auxHeads' as a list of { kind: "up", tap, channels, numConvs, kernelSize, upScale, lossWeight } or { kind: "mla", tap, lossWeight } ` +
        `(\`setr config PRESET\` prints a preset in this layout)`,
    );
  for (const key of Object.keys(obj)) {
    if (!Object.hasOwn(FIELD_TYPES, key)) fail(`unknown field '${key}' (fields: ${Object.keys(FIELD_TYPES).join(', ')})`);
  }
  for (const key of REQUIRED_FIELDS) if (!Object.hasOwn(obj, key)) fail(`missing field '${key}'`);
  const c = { ...DEFAULTS, ...obj, train: parseTrainConfig(obj.train, source) } as SetrConfig;
  for (const [key, [ok, what]] of Object.entries(FIELD_TYPES)) {
    const v = c[key as keyof SetrConfig];
    if (!ok(v)) fail(`field '${key}' must be ${what}, got ${JSON.stringify(v)}`);
  }
  checkHead(c.decoder, 'decoder', DECODER_FIELDS, fail);
  for (const [j, h] of c.auxHeads.entries()) checkHead(h, `auxHeads[${j}]`, AUX_FIELDS, fail);
  const [h, w] = c.imgSize;
  if (h % c.patchSize !== 0 || w % c.patchSize !== 0) fail(`field 'imgSize' [${h}, ${w}] must divide by patchSize ${c.patchSize}`);
  const crop = c.train.crop;
  if (crop && (crop[0] % c.patchSize !== 0 || crop[1] % c.patchSize !== 0))
    fail(`field 'train.crop' [${crop[0]}, ${crop[1]}] must divide by patchSize ${c.patchSize}`);
  if (c.embedDim % c.numHeads !== 0) fail(`field 'embedDim' ${c.embedDim} must divide by numHeads ${c.numHeads}`);
  if (!Number.isInteger(c.embedDim * c.mlpRatio)) fail(`field 'mlpRatio' ${c.mlpRatio} must make embedDim × mlpRatio an integer`);
  const tooLarge = encoderTooLarge(c);
  if (tooLarge) fail(tooLarge);
  const heads: [string, DecoderConfig | AuxHeadConfig][] = [
    ['decoder', c.decoder],
    ...c.auxHeads.map((a, j) => [`auxHeads[${j}]`, a] as [string, AuxHeadConfig]),
  ];
  for (const [where, head] of heads) {
    const bad = tapsOf(head).find((i) => i >= c.depth);
    if (bad !== undefined)
      fail(`field '${where}.${'taps' in head ? 'taps' : 'tap'}' has block ${bad}, but blocks are numbered 0..${c.depth - 1}`);
  }
  const d = c.decoder;
  for (const [j, a] of c.auxHeads.entries()) {
    if (a.kind !== 'mla') continue;
    if (d.kind !== 'mla') fail(`field 'auxHeads[${j}]' is an MLA stream's classifier, but the decoder is ${d.kind} (no streams)`);
    else if (!d.taps.includes(a.tap))
      fail(
        `field 'auxHeads[${j}].tap' is block ${a.tap}, which is not in decoder.taps [${d.taps.join(', ')}] (MLA's auxiliary heads sit on its streams)`,
      );
  }
  if (d.kind === 'mla' && d.taps.some((t, i) => i > 0 && t <= d.taps[i - 1]))
    fail(`field 'decoder.taps' [${d.taps.join(', ')}] must be in increasing order (the streams are listed shallowest first)`);
  return c;
}

/** The patch grid [H/p, W/p] of an image size. */
export function gridOf(size: readonly [number, number], patchSize: number): [number, number] {
  return [size[0] / patchSize, size[1] / patchSize];
}
