/**
 * @setr-ts/setr — SETR (Zheng et al., "Rethinking Semantic Segmentation from a Sequence-to-Sequence
 * Perspective with Transformers", CVPR 2021) built from @setr-ts/nn: the ViT encoder, the Naive, PUP
 * and MLA decoders with their auxiliary heads, configs and presets, the loss, timm weight import, the CamVid
 * and shapes data, augmentation, metrics, inference and training.
 * See the package README for a tour.
 */
// everything a browser can run too (the package's `browser` entry)
export * from './browser.js';
// and what needs Node: files and folders, sharp, the CamVid folder loader, `setr train`'s run folder and report
export { loadConfig } from './config-file.js';
export * from './data/index.js';
export { exportToMmseg, importFromMmseg, type MmsegExport } from './mmseg/mmseg-files.js';
export { loadTrainedModel } from './model-file.js';
export { exportSetrOnnx, type SetrOnnxOptions, saveSetrOnnx } from './onnx-export.js';
export type { CurvesOptions, ReferencePoint } from './report/curves.js';
export type { RunReportFiles } from './train/report.js';
export { removeInterruptedSaves, runFolder } from './train/run-folder.js';
export { type TrainRunOptions, type TrainRunResult, trainSetr } from './train/trainer.js';
