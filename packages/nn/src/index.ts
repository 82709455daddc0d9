/**
 * @setr-ts/nn — the building blocks of a network, with PyTorch's names and semantics so that weights
 * move between this project and PyTorch/timm unchanged. See the package README for a tour.
 */

export * as F from './functional/index.js';
export * as init from './init.js';
export { shapesOnly } from './init.js';
export { type TempFile, tempFilesIn, writeFileAtomic } from './io/atomic-write.js';
export { fileError, readFileBytes } from './io/file-errors.js';
export type { PlainValue } from './io/pickle-writer.js';
export { type LockAttempt, type LockHolder, type PidLock, tryPidLock } from './io/pid-lock.js';
export { loadPth, parsePth, readPth, savePth, serializePth } from './io/pth.js';
export { decodePth, encodePth, type PthContents, type PthWriteOptions } from './io/pth-format.js';
export {
  type LoadOptions,
  loadSafetensors,
  readSafetensors,
  type SafetensorsTensors,
  saveSafetensors,
  tensorsFromSafetensors,
  tensorsToSafetensors,
} from './io/safetensors.js';
export {
  bfloat16ToFloat,
  decodeSafetensors,
  encodeSafetensors,
  halfToFloat,
  MAX_HEADER_BYTES,
  type SafetensorsContents,
  type SafetensorsWriteOptions,
  type TensorRecord,
} from './io/safetensors-format.js';
export { GELU, ReLU } from './layers/activation.js';
export { MultiheadAttention, type MultiheadAttentionOptions } from './layers/attention.js';
export { BatchNorm2d, type BatchNormOptions as BatchNorm2dOptions } from './layers/batch-norm.js';
export { Identity, type Layer, ModuleList, Sequential } from './layers/containers.js';
export { Conv2d, type Conv2dOptions, type Pair } from './layers/conv2d.js';
export { Dropout, DropPath } from './layers/dropout.js';
export { LayerNorm, type LayerNormOptions } from './layers/layer-norm.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { Upsample } from './layers/upsample.js';
export { type LoadedFile, type LoadStateDictOptions, Module } from './module.js';
export { type DynamicAxisOptions, exportOnnx, type OnnxExportOptions, saveOnnx } from './onnx/export-onnx.js';
export type { TracedForward } from './onnx/trace.js';
export { AdamW, type AdamWHyper } from './optim/adamw.js';
export { clipGradNorm } from './optim/clip-grad-norm.js';
export { LrScheduler, type LrSchedulerState } from './optim/lr-scheduler.js';
export {
  type BaseHyper,
  type HyperValue,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
} from './optim/optimizer.js';
export { constantLr, cosine, linearWarmup, poly, type Schedule, sequential } from './optim/schedules.js';
export { SGD, type SGDHyper } from './optim/sgd.js';
export { Parameter } from './parameter.js';
export type { LoadResult } from './state-dict.js';
