/**
 * The data layer: CamVid and the synthetic shapes as in-memory datasets, image files in and out,
 * resizing, the seeded generator, mmseg's training augmentation, ImageNet normalisation, and the
 * training and evaluation batch loaders. README-section.md beside this file describes it with examples.
 */
export { type AugmentOptions, augmentSample } from './augment.js';
export type { Batch } from './batch.js';
export { type CamVidOptions, loadCamVid } from './camvid.js';
export { CAMVID_CLASS_WEIGHTS, CAMVID_CLASSES, CAMVID_PALETTE, CAMVID_VOID } from './camvid-classes.js';
export { colorizeLabels } from './colorize.js';
export { type DatasetParts, IGNORE_INDEX, type Sample, SegmentationDataset } from './dataset.js';
export { type EvalBatchOptions, evalBatches } from './eval-batches.js';
export { hsvToRgb, rgbToHsv } from './hsv.js';
export { encodePng, readImage, readLabelImage, writePng } from './image-io.js';
export { IMAGENET_MEAN, IMAGENET_STD, imagesToTensor, labelsInto, normalizeImage, normalizeInto } from './normalize.js';
export { type PhotometricOptions, photometricDistortion } from './photometric.js';
export { crop, flipHorizontal, type Raster, raster } from './raster.js';
export { type ResizeFilter, resize, resizeImage, resizeLabels } from './resize.js';
export { Rng, type RngState } from './rng.js';
export { makeShapesDataset, SHAPES_CLASSES, SHAPES_PALETTE, type ShapesOptions } from './shapes.js';
export { type LoaderState, TrainLoader, type TrainLoaderOptions } from './train-loader.js';
