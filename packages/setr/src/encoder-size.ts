/**
 * How many weights a config's encoder has, from its fields alone (nothing is built), and the most a
 * model may have. A config whose encoder would not fit is refused by the config check, naming the
 * fields that make it large and the memory it would take — instead of an allocation failing deep in
 * `rand` or `Linear` ("Invalid typed array length") once the model is built.
 *
 *   patch embedding 3p²D + D,  cls token D,  position embedding (N+1)·D  (no final norm: each head has its own),
 *   each of L blocks: 2 norms 4D, qkv 3D² + 3D, proj D² + D, MLP D·rD + rD + rD·D + D
 */
import { formatBytes } from '@setr-ts/tensor';

/** The encoder fields the size depends on. */
export interface EncoderFields {
  readonly imgSize: readonly [number, number];
  readonly patchSize: number;
  readonly embedDim: number;
  readonly depth: number;
  readonly mlpRatio: number;
}

/**
 * The most weights a model may take: 4 GiB of float32 (2^30 weights). It is all the wasm backend can
 * address, and over three times ViT-Large's 1.2 GiB: a config beyond it is a typo (`embedDim` 10240
 * for 1024) sooner than a plan.
 */
export const MAX_WEIGHT_BYTES = 4 * 1024 ** 3;

/** One part of the encoder: its weights and the fields that set its size. */
interface Part {
  readonly weights: number;
  readonly fields: string;
}

/** The encoder's parts, by weights. */
function encoderParts(c: EncoderFields): Part[] {
  const { patchSize: p, embedDim: d, depth, mlpRatio } = c;
  const hidden = d * mlpRatio;
  const tokens = (c.imgSize[0] / p) * (c.imgSize[1] / p) + 1;
  const block = 4 * d + 3 * d * d + 3 * d + d * d + d + d * hidden + hidden + hidden * d + d;
  return [
    { weights: depth * block, fields: `fields 'embedDim' ${d}, 'depth' ${depth} and 'mlpRatio' ${mlpRatio} (the blocks)` },
    {
      weights: tokens * d,
      fields: `fields 'imgSize' [${c.imgSize.join(', ')}] and 'patchSize' ${p} with 'embedDim' ${d} (the position embedding)`,
    },
    { weights: 3 * p * p * d + d, fields: `field 'patchSize' ${p} with 'embedDim' ${d} (the patch embedding)` },
    { weights: d, fields: `field 'embedDim' ${d} (the cls token)` },
  ];
}

/**
 * The encoder's weights (its parameters' elements), as the built backbone counts them.
 * @example encoderWeights(preset('setr-pup-vit-large-ade20k'))   // 304147456
 */
export function encoderWeights(c: EncoderFields): number {
  return encoderParts(c).reduce((s, part) => s + part.weights, 0);
}

/**
 * Why the encoder of `c` is too large to build, naming the fields of its largest part and the memory
 * it needs; null when it fits in {@link MAX_WEIGHT_BYTES}.
 * @example encoderTooLarge({ imgSize: [512, 512], patchSize: 16, embedDim: 102400, depth: 24, mlpRatio: 4 })
 * // "fields 'embedDim' 102400, 'depth' 24 and 'mlpRatio' 4 (the blocks) make an encoder of 3.02e+12 weights, 11 TiB as float32; ..."
 */
export function encoderTooLarge(c: EncoderFields): string | null {
  const total = encoderWeights(c);
  if (total * 4 <= MAX_WEIGHT_BYTES) return null;
  const largest = encoderParts(c).reduce((a, b) => (b.weights > a.weights ? b : a));
  return (
    `${largest.fields} make an encoder of ${total.toPrecision(3)} weights, ${formatBytes(total * 4)} as float32; ` +
    `a model may take at most ${formatBytes(MAX_WEIGHT_BYTES)} (ViT-Large takes 1.2 GiB)`
  );
}
