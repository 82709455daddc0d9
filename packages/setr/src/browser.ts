/**
 * @setr-ts/setr for browsers: what the package's `browser` export condition resolves to (bundlers such
 * as vite pick it). The same modules as the Node entry (index.ts), less those that need Node — reading
 * and writing image files (sharp), the CamVid folder loader, config files, `setr train`'s run folder
 * (its lock, its report). Training runs here as in Node: `trainLoop` with the run's files in IndexedDB
 * (`indexedDbRunFiles`; one tab at a time per run, by a Web Lock: `lockIndexedDbRun`), CamVid fetched
 * from a web server and decoded in plain JavaScript (`fetchCamVid`, `decodePhotoPng`), a model loaded
 * from fetched bytes with `trainedModelFromBytes`.
 * `test/browser-entry.test.ts` checks that nothing Node-only is reachable from here.
 */
export {
  type AuxHeadConfig,
  DEFAULTS,
  type DecoderConfig,
  type DecoderKind,
  gridOf,
  type MlaAuxHeadConfig,
  type MlaDecoderConfig,
  type NaiveDecoderConfig,
  type PupDecoderConfig,
  parseConfig,
  REQUIRED_FIELDS,
  type SetrConfig,
  type Style,
  type UpAuxHeadConfig,
  type UpHeadConfig,
} from './config.js';
export { type AugmentOptions, augmentSample } from './data/augment.js';
export type { Batch } from './data/batch.js';
export { CAMVID_CLASS_WEIGHTS, CAMVID_CLASSES, CAMVID_PALETTE, CAMVID_VOID } from './data/camvid-classes.js';
export { type CamVidOptions, type CamVidReader, camVidDataset } from './data/camvid-dataset.js';
export { fetchCamVid } from './data/camvid-fetch.js';
export { colorizeLabels } from './data/colorize.js';
export { type DatasetParts, IGNORE_INDEX, type Sample, SegmentationDataset } from './data/dataset.js';
export { type EvalBatchOptions, evalBatches } from './data/eval-batches.js';
export { hsvToRgb, rgbToHsv } from './data/hsv.js';
export { IMAGENET_MEAN, IMAGENET_STD, imagesToTensor, labelsInto, normalizeImage, normalizeInto } from './data/normalize.js';
export { type PhotometricOptions, photometricDistortion } from './data/photometric.js';
export { decodeLabelPng, decodePhotoPng } from './data/png-decode.js';
export { crop, flipHorizontal, type Raster, raster } from './data/raster.js';
export { type ResizeFilter, resize, resizeImage, resizeLabels } from './data/resize.js';
export { Rng, type RngState } from './data/rng.js';
export { makeShapesDataset, SHAPES_CLASSES, SHAPES_PALETTE, type ShapesOptions } from './data/shapes.js';
export { type LoaderState, TrainLoader, type TrainLoaderOptions } from './data/train-loader.js';
export { type InferenceOptions, segment, segmentLogits } from './inference.js';
export { type SetrLoss, type SetrLossOptions, setrLoss } from './loss.js';
export * from './metrics/index.js';
export { mmsegConfigFile } from './mmseg/config-py.js';
export { fromMmseg } from './mmseg/from-mmseg.js';
export { type MmsegState, refuseUncarried, toMmseg, uncarriedDetails } from './mmseg/to-mmseg.js';
export { mmsegToTimm, timmToMmseg } from './mmseg/vit-names.js';
export { Block, type BlockOptions, Mlp } from './model/block.js';
export { ConvModule } from './model/conv-module.js';
export { type ClassifierOptions, DecodeHead, type HeadInputs } from './model/decode-head.js';
export { buildAuxHead, buildDecodeHead, buildNeck } from './model/heads.js';
export { MlaAuxHead } from './model/mla-aux-head.js';
export { MlaHead, type MlaHeadOptions } from './model/mla-head.js';
export { MlaModule, MlaNeck, type MlaNeckOptions } from './model/mla-neck.js';
export { PatchEmbed } from './model/patch-embed.js';
export { resizePosEmbed } from './model/pos-embed.js';
export { Setr, type SetrOutput } from './model/segmentor.js';
export { tokensToMap } from './model/tokens-to-map.js';
export { UpHead, type UpHeadOptions } from './model/up-head.js';
export { type EncoderConfig, type EncoderOutput, VisionTransformer } from './model/vit.js';
export { type LoadModelOptions, type TrainedModel, trainedModelFromBytes } from './model-file.js';
export { countParameters, type ParameterCount } from './parameter-count.js';
export { preset, presetNames } from './presets.js';
export { overlay, paletteFor } from './report/overlay.js';
export { type GridRow, predictionGrid } from './report/prediction-grid.js';
export { importTimmViT, type TimmImportResult } from './timm-import.js';
export { type CheckpointState, readCheckpoint } from './train/checkpoint.js';
export type { StepProgress } from './train/epoch.js';
export { type Evaluation, evaluate } from './train/evaluate.js';
export type { EpochRecord, RunMetrics } from './train/history.js';
export { indexedDbRunFiles } from './train/indexeddb-run-files.js';
export { lockIndexedDbRun, type RunLock } from './train/indexeddb-run-lock.js';
export { type TrainLoopOptions, type TrainLoopResult, trainLoop } from './train/loop.js';
export { buildOptimization, type Optimization } from './train/optimizer.js';
export type { RunFiles } from './train/run-files.js';
export { BEST_MODEL_FILE } from './train/save.js';
export { parseTrainConfig, TRAIN_DEFAULTS, type TrainConfig } from './train-config.js';
