/**
 * Training augmentation, mmseg's pipeline for SETR minus its file loading and formatting:
 *
 *   Resize(ratio_range=(0.5, 2.0))   random scale: photo area-filtered when shrinking, bilinear when
 *                                    enlarging; labels nearest
 *   RandomCrop(crop_size)            a random crop_size window; where the scaled picture is smaller
 *                                    than crop_size along a side, all of it along that side
 *   RandomFlip(prob=0.5)             left–right, photo and labels together
 *   PhotoMetricDistortion()          optional (off unless asked), see photometric.ts
 *
 * The result is at most crop_size; the batch step then normalises it and pads it to crop_size (photo
 * 0 after normalisation, labels 255), mmseg's Normalize and Pad. Every draw comes from the `rng`
 * passed in, in a fixed order (scale, crop offsets, flip, photometric), so a seed fixes the result.
 *
 *   [H, W, 3] → scale r → [round(rH), round(rW), 3] → crop → [≤ cH, ≤ cW, 3]
 */
import { IGNORE_INDEX } from './dataset.js';
import { type PhotometricOptions, photometricDistortion } from './photometric.js';
import { crop, flipHorizontal, type Raster } from './raster.js';
import { resizeImage, resizeLabels } from './resize.js';
import type { Rng } from './rng.js';

/** What {@link augmentSample} draws from: the crop, the random scale, the flip and the photometric distortion. */
export interface AugmentOptions {
  /** [height, width] of the crop (mmseg's crop_size); the batch is padded to it. */
  cropSize: readonly [number, number];
  /** Range of the random scale factor (mmseg's ratio_range); default [0.5, 2]. */
  scaleRange?: readonly [number, number];
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

/** Whether no single class takes `ratio` or more of the window's labelled pixels (and at least two classes are there). */
function classesMixed(label: Raster, top: number, left: number, height: number, width: number, ratio: number): boolean {
  const counts = new Int32Array(256);
  for (let y = top; y < top + height; y++) {
    for (let x = left; x < left + width; x++) counts[label.data[y * label.width + x]]++;
  }
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
  const { cropSize, scaleRange = [0.5, 2], catMaxRatio = 1, flipProb = 0.5, photometric = false } = opts;
  const r = rng.uniform(scaleRange[0], scaleRange[1]);
  const size = [Math.max(1, Math.round(sample.image.height * r)), Math.max(1, Math.round(sample.image.width * r))] as const;
  const scaledImage = resizeImage(sample.image, size);
  const scaledLabel = resizeLabels(sample.label, size);

  const height = Math.min(cropSize[0], size[0]);
  const width = Math.min(cropSize[1], size[1]);
  const draw = () => [rng.int(size[0] - height + 1), rng.int(size[1] - width + 1)];
  let [top, left] = draw();
  if (catMaxRatio < 1) {
    for (let tries = 0; tries < 10 && !classesMixed(scaledLabel, top, left, height, width, catMaxRatio); tries++) [top, left] = draw();
  }
  let image = crop(scaledImage, top, left, height, width);
  let label = crop(scaledLabel, top, left, height, width);

  if (rng.bernoulli(flipProb)) {
    image = flipHorizontal(image);
    label = flipHorizontal(label);
  }
  if (photometric) photometricDistortion(image, rng, photometric === true ? {} : photometric);
  return { image, label };
}
