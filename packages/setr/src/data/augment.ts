/**
 * Training augmentation, mmseg's pipeline for SETR minus its file loading and formatting:
 *
 *   Resize(img_scale, ratio_range=(0.5, 2.0))
 *                                    random scale r: with `scale` (mmseg's img_scale, e.g. (2048, 512)
 *                                    for ADE20K), the picture is resized keeping its ratio to the
 *                                    largest size whose long side is at most ⌊r·max⌋ and short side at
 *                                    most ⌊r·min⌋ (mmcv's imrescale); without, to r times its own size.
 *                                    Photo area-filtered when shrinking, bilinear when enlarging;
 *                                    labels nearest
 *   RandomCrop(crop_size)            a random crop_size window; where the scaled picture is smaller
 *                                    than crop_size along a side, all of it along that side
 *   RandomFlip(prob=0.5)             left–right, photo and labels together
 *   PhotoMetricDistortion()          optional (off unless asked), see photometric.ts
 *
 * The result is at most crop_size; the batch step then normalises it and pads it to crop_size (photo
 * 0 after normalisation, labels 255), mmseg's Normalize and Pad. Every draw comes from the `rng`
 * passed in, in a fixed order (scale, crop offsets, flip, photometric), so a seed fixes the result.
 *
 *   [H, W, 3] → scale r → [round(fH), round(fW), 3] → crop → [≤ cH, ≤ cW, 3]
 *   f = r, or with scale = (a, b): min(⌊r·max(a,b)⌋ / max(H,W), ⌊r·min(a,b)⌋ / min(H,W))
 */
import { IGNORE_INDEX } from './dataset.js';
import { type PhotometricOptions, photometricDistortion } from './photometric.js';
import { flipHorizontal, type Raster } from './raster.js';
import { resizeImage, resizeLabels } from './resize.js';
import type { Rng } from './rng.js';

/** What {@link augmentSample} draws from: the crop, the random scale, the flip and the photometric distortion. */
export interface AugmentOptions {
  /** [height, width] of the crop (mmseg's crop_size); the batch is padded to it. */
  cropSize: readonly [number, number];
  /** Range of the random scale factor (mmseg's ratio_range); default [0.5, 2]. */
  scaleRange?: readonly [number, number];
  /**
   * mmseg's img_scale, the size the scale factor applies to, as [long, short] in either order: the
   * picture is resized keeping its ratio to fit r times it. Absent or null: r times the picture's own size.
   */
  scale?: readonly [number, number] | null;
  /**
   * The largest share one class may take of a crop (ignored pixels not counted); up to 10 crops are
   * drawn until one passes, as mmseg's RandomCrop does. Default 1 (any crop); SETR's configs use 0.75.
   */
  catMaxRatio?: number;
  /** Probability of a left–right flip; default 0.5. */
  flipProb?: number;
  /** Photometric distortion: `true` for mmseg's defaults, or its options; default off. */
  photometric?: boolean | PhotometricOptions;
}

/** Whether no single class takes `ratio` or more of the label window's labelled pixels (and at least two classes are there). */
function classesMixed(label: Raster, ratio: number): boolean {
  const counts = new Int32Array(256);
  for (const v of label.data) counts[v]++;
  counts[IGNORE_INDEX] = 0;
  let total = 0;
  let most = 0;
  let present = 0;
  for (const c of counts) {
    total += c;
    most = Math.max(most, c);
    if (c > 0) present++;
  }
  return present > 1 && most / total < ratio;
}

/** mmcv's imrescale factor: the largest that keeps the picture within ⌊r·scale⌋, long side to long side. */
function keepRatioFactor(img: Raster, scale: readonly [number, number], r: number): number {
  const long = Math.floor(r * Math.max(...scale));
  const short = Math.floor(r * Math.min(...scale));
  return Math.min(long / Math.max(img.height, img.width), short / Math.min(img.height, img.width));
}

/**
 * One sample through the augmentation pipeline: a new photo and label map, at most `cropSize`.
 * @example
 * const rng = new Rng(0);
 * const { image, label } = augmentSample(dataset.get(0), rng, { cropSize: [96, 128], photometric: true });
 */
export function augmentSample(
  sample: { image: Raster; label: Raster },
  rng: Rng,
  opts: AugmentOptions,
): {
  /** The augmented RGB image, at most `cropSize`. */
  image: Raster;
  /** The label map, cropped and flipped with the image (resized nearest-neighbour, so classes stay whole). */
  label: Raster;
} {
  const { cropSize, scaleRange = [0.5, 2], scale = null, catMaxRatio = 1, flipProb = 0.5, photometric = false } = opts;
  const r = rng.uniform(scaleRange[0], scaleRange[1]);
  const f = scale ? keepRatioFactor(sample.image, scale, r) : r;
  const size = [Math.max(1, Math.round(sample.image.height * f)), Math.max(1, Math.round(sample.image.width * f))] as const;

  // only the crop of the rescaled picture is computed (resize.ts: the same bytes as rescaling it whole)
  const height = Math.min(cropSize[0], size[0]);
  const width = Math.min(cropSize[1], size[1]);
  const draw = () => ({ top: rng.int(size[0] - height + 1), left: rng.int(size[1] - width + 1), height, width });
  let window = draw();
  let label = resizeLabels(sample.label, size, window);
  if (catMaxRatio < 1) {
    for (let tries = 0; tries < 10 && !classesMixed(label, catMaxRatio); tries++) {
      window = draw();
      label = resizeLabels(sample.label, size, window);
    }
  }
  let image = resizeImage(sample.image, size, window);

  if (rng.bernoulli(flipProb)) {
    image = flipHorizontal(image);
    label = flipHorizontal(label);
  }
  if (photometric) photometricDistortion(image, rng, photometric === true ? {} : photometric);
  return { image, label };
}
