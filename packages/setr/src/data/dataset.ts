/**
 * A segmentation dataset held in memory: N photos and their per-pixel labels, all of one size, packed
 * into two uint8 arrays (CamVid's 367 training pictures at 96×128 take 18 MB). CamVid and the
 * synthetic shapes both come as this class, so the loaders, training and evaluation treat them alike.
 *
 *   images: [N, H, W, 3] uint8 RGB        labels: [N, H, W] uint8, class index in [0, K) or 255 (ignore)
 */
import { type Raster, raster } from './raster.js';

/** The label value that marks pixels to leave out of the loss and the metrics (mmseg's ignore_index). */
export const IGNORE_INDEX = 255;

/** One picture and its labels (views into the dataset's arrays: copy before writing). */
export interface Sample {
  /** RGB, HWC uint8. */
  readonly image: Raster;
  /** One channel: a class index per pixel, or {@link IGNORE_INDEX}. */
  readonly label: Raster;
  /** Where it came from (a file name for CamVid). */
  readonly name: string;
}

/** What a {@link SegmentationDataset} is made from: packed pixels, packed labels and the class table. */
export interface DatasetParts {
  /** [N, H, W, 3] RGB. */
  readonly images: Uint8Array;
  /** [N, H, W], values in [0, classNames.length) or 255. */
  readonly labels: Uint8Array;
  /** One name per sample (e.g. the source file's), N of them: N is read from here. */
  readonly names: readonly string[];
  /** Height H of every sample, in pixels. */
  readonly height: number;
  /** Width W of every sample, in pixels. */
  readonly width: number;
  /** The class names, in label-value order (label k is `classNames[k]`). */
  readonly classNames: readonly string[];
  /** An RGB colour per class, for pictures of label maps. */
  readonly palette: readonly (readonly [number, number, number])[];
}

/**
 * N samples of one size in two packed arrays. The constructor checks the sizes and every label value.
 * @example
 * const ds = new SegmentationDataset({ images, labels, names: ['a'], height: 2, width: 2, classNames: ['bg', 'fg'], palette: [[0, 0, 0], [255, 255, 255]] });
 * ds.get(0).label.data; // Uint8Array [H·W]
 */
export class SegmentationDataset {
  /** All images packed, `[N, H, W, 3]` RGB bytes. */
  readonly images: Uint8Array;
  /** All label maps packed, `[N, H, W]`: class indices, or 255 (ignored). */
  readonly labels: Uint8Array;
  /** One name per sample. */
  readonly names: readonly string[];
  /** Height of every sample. */
  readonly height: number;
  /** Width of every sample. */
  readonly width: number;
  /** The class names, in label-value order. */
  readonly classNames: readonly string[];
  /** An RGB colour per class, for pictures of label maps. */
  readonly palette: readonly (readonly [number, number, number])[];

  constructor(parts: DatasetParts) {
    const { images, labels, names, height, width, classNames, palette } = parts;
    const n = names.length;
    const pixels = height * width;
    if (images.length !== n * pixels * 3)
      throw new Error(`SegmentationDataset: images hold ${images.length} bytes, expected ${n}×${height}×${width}×3 = ${n * pixels * 3}`);
    if (labels.length !== n * pixels)
      throw new Error(`SegmentationDataset: labels hold ${labels.length} bytes, expected ${n}×${height}×${width} = ${n * pixels}`);
    if (palette.length !== classNames.length)
      throw new Error(`SegmentationDataset: ${classNames.length} class names but ${palette.length} palette colours`);
    const k = classNames.length;
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i];
      if (v >= k && v !== IGNORE_INDEX) {
        const s = Math.floor(i / pixels);
        throw new Error(`SegmentationDataset: sample ${s} (${names[s]}) has label ${v}, outside [0, ${k}) and not ${IGNORE_INDEX}`);
      }
    }
    this.images = images;
    this.labels = labels;
    this.names = names;
    this.height = height;
    this.width = width;
    this.classNames = classNames;
    this.palette = palette;
  }

  /** Number of samples. */
  get length(): number {
    return this.names.length;
  }

  /** Number of classes K (labels are in [0, K) or 255). */
  get numClasses(): number {
    return this.classNames.length;
  }

  /**
   * Samples `start` to `end` (exclusive) as a dataset of their own, views into these arrays: a smoke
   * run's few pictures.
   * @example const few = train.slice(0, 40);   // the split's first 40 pictures
   */
  slice(start: number, end: number): SegmentationDataset {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.length || start >= end)
      throw new Error(`SegmentationDataset.slice: [${start}, ${end}) is not a non-empty range of [0, ${this.length})`);
    const pixels = this.height * this.width;
    return new SegmentationDataset({
      ...this,
      images: this.images.subarray(start * pixels * 3, end * pixels * 3),
      labels: this.labels.subarray(start * pixels, end * pixels),
      names: this.names.slice(start, end),
    });
  }

  /** Sample `index`, as views into the packed arrays. */
  get(index: number): Sample {
    if (!Number.isInteger(index) || index < 0 || index >= this.length)
      throw new Error(`SegmentationDataset.get: index ${index} is outside [0, ${this.length})`);
    const pixels = this.height * this.width;
    return {
      image: raster(this.height, this.width, 3, this.images.subarray(index * pixels * 3, (index + 1) * pixels * 3)),
      label: raster(this.height, this.width, 1, this.labels.subarray(index * pixels, (index + 1) * pixels)),
      name: this.names[index],
    };
  }
}
