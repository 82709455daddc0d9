/**
 * @setr-ts/setr — SETR (Zheng et al., "Rethinking Semantic Segmentation from a Sequence-to-Sequence
 * Perspective with Transformers", CVPR 2021) built from @setr-ts/nn: the ViT encoder, the Naive, PUP
 * and MLA decoders with their auxiliary heads, configs and presets, the loss, timm weight import, the CamVid
 * and shapes data, augmentation, metrics, inference and training.
 * See the package README for a tour.
 */
export { DEFAULTS, type DecoderKind, gridOf, parseConfig, REQUIRED_FIELDS, type SetrConfig } from './config.js';
export { loadConfig } from './config-file.js';
export * from './data/index.js';
export { type InferenceOptions, segment, segmentLogits } from './inference.js';
export { type SetrLoss, type SetrLossOptions, setrLoss } from './loss.js';
export * from './metrics/index.js';
export { Block, type BlockOptions, Mlp } from './model/block.js';
export { ConvModule } from './model/conv-module.js';
export { MlaAuxHead, MlaHead, type MlaHeadOptions } from './model/mla-head.js';
export { PatchEmbed } from './model/patch-embed.js';
export { resizePosEmbed } from './model/pos-embed.js';
export { Setr, type SetrOutput } from './model/segmentor.js';
export { tokensToMap } from './model/tokens-to-map.js';
export { UpHead, type UpHeadOptions } from './model/up-head.js';
export { type EncoderConfig, type EncoderOutput, VisionTransformer } from './model/vit.js';
export { type TrainedModel, trainedModelFromBytes } from './model-file.js';
export { countParameters, type ParameterCount } from './parameter-count.js';
export { preset, presetNames } from './presets.js';
export type { CurvesOptions, ReferencePoint } from './report/curves.js';
export { overlay, paletteFor } from './report/overlay.js';
export { importTimmViT, type TimmImportResult } from './timm-import.js';
export { type CheckpointState, readCheckpoint } from './train/checkpoint.js';
export { type Evaluation, evaluate } from './train/evaluate.js';
export type { EpochRecord, RunMetrics } from './train/history.js';
export { buildOptimization, type Optimization } from './train/optimizer.js';
export type { RunReportFiles } from './train/report.js';
export { type StepProgress, type TrainRunOptions, type TrainRunResult, trainSetr } from './train/trainer.js';
export { parseTrainConfig, TRAIN_DEFAULTS, type TrainConfig } from './train-config.js';
