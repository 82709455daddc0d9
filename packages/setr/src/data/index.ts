/**
 * The data layer: CamVid and the synthetic shapes as in-memory datasets, the mmseg, Cityscapes and
 * ADE20K layouts as splits on disk, image files in and out, resizing, the seeded generator, mmseg's
 * training augmentation, ImageNet normalisation, class weights, and the training (in memory or
 * streamed on worker threads) and evaluation batch loaders. README-section.md beside this file describes it with examples.
 */
export { openAde20k } from './ade20k.js';
export { ADE20K_CLASSES, ADE20K_PALETTE } from './ade20k-classes.js';
export { type AugmentOptions, augmentSample } from './augment.js';
export type { Batch, HostBatch } from './batch.js';
export { loadCamVid } from './camvid.js';
export { CAMVID_CLASS_WEIGHTS, CAMVID_CLASSES, CAMVID_PALETTE, CAMVID_VOID } from './camvid-classes.js';
export { type CamVidOptions, type CamVidReader, camVidDataset } from './camvid-dataset.js';
export { fetchCamVid } from './camvid-fetch.js';
export { openCityscapes } from './cityscapes.js';
export { CITYSCAPES_CLASSES, CITYSCAPES_LABEL_IDS, CITYSCAPES_PALETTE, cityscapesLabelTable } from './cityscapes-classes.js';
export { medianFrequencyWeights } from './class-weights.js';
export { colorizeLabels } from './colorize.js';
export { type DatasetParts, IGNORE_INDEX, type Sample, SegmentationDataset } from './dataset.js';
export { DATASET_FORMATS, type DatasetFormat, detectFormat, loadSplit, openDataset, resolveFormat } from './dataset-format.js';
export { type EvalBatchOptions, evalBatches } from './eval-batches.js';
export { FileDataset, type FilePair, readPair } from './file-dataset.js';
export { listPairs, type PairLayout, readStems } from './file-pairs.js';
export { fitSample } from './fit.js';
export { hsvToRgb, rgbToHsv } from './hsv.js';
export { encodePng, readImage, readLabelImage, writePng } from './image-io.js';
export { type LabelTable, mapLabels, plainLabelTable, reduceZeroLabelTable } from './label-table.js';
export { type LoadIntoMemoryOptions, loadIntoMemory } from './load-into-memory.js';
export { type MmsegDatasetJson, openMmseg, readMmsegDatasetJson } from './mmseg-layout.js';
export { IMAGENET_MEAN, IMAGENET_STD, imagesToTensor, labelsInto, normalizeImage, normalizeInto } from './normalize.js';
export { type PhotometricOptions, photometricDistortion } from './photometric.js';
export { decodeLabelPng, decodePhotoPng } from './png-decode.js';
export { crop, flipHorizontal, type Raster, raster } from './raster.js';
export { type ResizeFilter, type ResizeWindow, resize, resizeImage, resizeLabels } from './resize.js';
export { Rng, type RngState } from './rng.js';
export { makeShapesDataset, SHAPES_CLASSES, SHAPES_PALETTE, type ShapesOptions } from './shapes.js';
export {
  type BatchRequest,
  type BatchSource,
  type LoaderState,
  type TrainingData,
  TrainLoader,
  type TrainLoaderOptions,
} from './train-loader.js';
