/**
 * The model's input format: ImageNet normalisation on 0–255 pixels, channel by channel,
 *
 *   x' = (x − mean_c) / std_c,  mean = (123.675, 116.28, 103.53), std = (58.395, 57.12, 57.375)
 *
 * (the ImageNet statistics ×255 that ViT/DeiT weights were pre-trained with, mmseg's `img_norm_cfg`),
 * written as float32 CHW. Where a picture is smaller than the size asked for, the rest is padded at the
 * bottom and right with 0 — after normalisation, as mmseg's `Pad` follows `Normalize`, so padding
 * looks like the mean colour — and its labels with 255, so the loss and the metrics skip it.
 */
import { type Backend, fromTypedArray, type Tensor } from '@setr-ts/tensor';
import { IGNORE_INDEX } from './dataset.js';
import type { Raster } from './raster.js';

/** Per-channel (R, G, B) mean of ImageNet on the 0–255 scale. */
export const IMAGENET_MEAN: readonly [number, number, number] = [123.675, 116.28, 103.53];
/** Per-channel (R, G, B) standard deviation of ImageNet on the 0–255 scale. */
export const IMAGENET_STD: readonly [number, number, number] = [58.395, 57.12, 57.375];

/**
 * Writes `img` normalised as CHW into `out` at `offset`, on a `[height, width]` canvas (default: the
 * image's size) whose part outside the image is 0. The image must fit in the canvas.
 */
export function normalizeInto(
  img: Raster,
  out: Float32Array,
  offset = 0,
  [height, width]: readonly [number, number] = [img.height, img.width],
): void {
  if (img.channels !== 3) throw new Error(`normalizeImage: expected an RGB raster (3 channels), got ${img.channels}`);
  if (img.height > height || img.width > width)
    throw new Error(`normalizeImage: a ${img.height}×${img.width} image does not fit a ${height}×${width} canvas`);
  const plane = height * width;
  out.fill(0, offset, offset + 3 * plane);
  for (let c = 0; c < 3; c++) {
    const mean = IMAGENET_MEAN[c];
    const invStd = 1 / IMAGENET_STD[c];
    const base = offset + c * plane;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) out[base + y * width + x] = (img.data[(y * img.width + x) * 3 + c] - mean) * invStd;
    }
  }
}

/**
 * An RGB raster as normalised float32 CHW, `[3, H, W]` flattened.
 * @example normalizeImage(raster(1, 1, 3, new Uint8Array([124, 116, 104])))[0] // (124 − 123.675) / 58.395
 */
export function normalizeImage(img: Raster): Float32Array {
  const out = new Float32Array(3 * img.height * img.width);
  normalizeInto(img, out);
  return out;
}

/** Writes a label map into `out` at `offset` as int32 on a `[height, width]` canvas whose part outside the map is 255. */
export function labelsInto(
  label: Raster,
  out: Int32Array,
  offset = 0,
  [height, width]: readonly [number, number] = [label.height, label.width],
): void {
  if (label.channels !== 1) throw new Error(`labelsInto: expected a one-channel label map, got ${label.channels} channels`);
  if (label.height > height || label.width > width)
    throw new Error(`labelsInto: a ${label.height}×${label.width} label map does not fit a ${height}×${width} canvas`);
  out.fill(IGNORE_INDEX, offset, offset + height * width);
  for (let y = 0; y < label.height; y++) {
    for (let x = 0; x < label.width; x++) out[offset + y * width + x] = label.data[y * label.width + x];
  }
}

/**
 * Photos of one size as the model's input, a float32 tensor `[B, 3, H, W]` (for prediction: read with
 * `readImage(path, { size })`, then this).
 * @example const x = imagesToTensor([await readImage('street.jpg', { size: [96, 128] })]); // [1, 3, 96, 128]
 */
export function imagesToTensor(images: readonly Raster[], backend?: Backend | string): Tensor {
  if (images.length === 0) throw new Error('imagesToTensor: no images');
  const { height, width } = images[0];
  const plane = 3 * height * width;
  const out = new Float32Array(images.length * plane);
  images.forEach((img, i) => {
    if (img.height !== height || img.width !== width)
      throw new Error(`imagesToTensor: image ${i} is ${img.height}×${img.width}, image 0 is ${height}×${width}`);
    normalizeInto(img, out, i * plane);
  });
  return fromTypedArray(out, [images.length, 3, height, width], 'float32', backend);
}
