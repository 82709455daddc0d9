/**
 * Fitting a picture of any size into one size without distorting it, mmseg's test-time
 * `Resize(keep_ratio=True)` followed by `Pad`: scaled by the largest factor that keeps it inside
 * [H, W] (area filter when shrinking, bilinear when enlarging, nearest for labels), then padded at the
 * bottom and right — the photo with the ImageNet mean colour (≈ 0 once normalised), the labels with
 * 255, so the padding counts in no metric. A picture already of that size is returned as it is.
 *
 *   photo h×w×3, labels h×w → f = min(H/h, W/w) → round(f·h)×round(f·w) → padded to H×W
 */
import { IGNORE_INDEX, type Sample } from './dataset.js';
import { IMAGENET_MEAN } from './normalize.js';
import { type Raster, raster } from './raster.js';
import { resizeImage, resizeLabels } from './resize.js';

/** `src` on a fresh `[height, width]` canvas filled with `fill` (one value a channel), at the top left. */
function padTo(src: Raster, [height, width]: readonly [number, number], fill: readonly number[]): Raster {
  if (src.height === height && src.width === width) return src;
  const c = src.channels;
  const out = raster(height, width, c);
  for (let p = 0; p < height * width; p++) for (let k = 0; k < c; k++) out.data[p * c + k] = fill[k];
  const row = src.width * c;
  for (let y = 0; y < src.height; y++) out.data.set(src.data.subarray(y * row, (y + 1) * row), y * width * c);
  return out;
}

/**
 * A photo and its labels fitted into `size` ([height, width]), their ratio kept.
 * @example const { image, label } = fitSample(await readPair(pair, map), [512, 512]); // 512×512, padded
 */
export function fitSample(sample: Pick<Sample, 'image' | 'label'>, size: readonly [number, number]): Pick<Sample, 'image' | 'label'> {
  const { image, label } = sample;
  const f = Math.min(size[0] / image.height, size[1] / image.width);
  const scaled = [
    Math.min(size[0], Math.max(1, Math.round(image.height * f))),
    Math.min(size[1], Math.max(1, Math.round(image.width * f))),
  ] as const;
  return {
    image: padTo(resizeImage(image, scaled), size, IMAGENET_MEAN.map(Math.round)),
    label: padTo(resizeLabels(label, scaled), size, [IGNORE_INDEX]),
  };
}
