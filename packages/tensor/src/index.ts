/**
 * @setr-ts/tensor — n-d tensors (shape, strides, views, broadcasting) and their kernels, behind one
 * backend interface. See the package README for a tour.
 */
import { gpujsPriority } from './backends/gpujs/priority.js';
import { ReferenceBackend } from './backends/reference/reference-backend.js';
import { createWasmBackend, wasmAvailable } from './backends/wasm/wasm-backend.js';
import { registerBackend } from './engine.js';

export type {
  AdamWParams,
  AdamWResult,
  Backend,
  BackendFactory,
  BackendMemory,
  BackendOptions,
  BinaryOp,
  BinaryParams,
  CastParams,
  Conv2dInputGradParams,
  Conv2dParams,
  Conv2dWeightGradParams,
  DataId,
  DimParams,
  LayerNormParams,
  LayerNormResult,
  PadParams,
  ReduceOp,
  ReduceParams,
  ResizeKernelParams,
  ResizeParams,
  ScatterParams,
  SoftmaxParams,
  UnaryOp,
  UnaryParams,
  View,
} from './backend.js';
export type { GpujsBackend } from './backends/gpujs/gpujs-backend.js';
export type { CacheStats } from './backends/gpujs/kernel-cache.js';
export { ReferenceBackend } from './backends/reference/reference-backend.js';
export { WasmBackend, type WasmOptions, type WasmStats } from './backends/wasm/wasm-backend.js';
export * from './creation.js';
export type { DType, TypedArray } from './dtype.js';
export {
  findBackend,
  getBackend,
  keep,
  type MemoryInfo,
  memory,
  op,
  type References,
  registerBackend,
  registeredBackends,
  registerReferences,
  setBackend,
  setLogger,
  type Trackable,
  tidy,
  withBackend,
  withPhase,
} from './engine.js';
export { formatBytes } from './format.js';
export { erf as erfScalar, gelu as geluScalar } from './math.js';
export * from './ops/index.js';
export { measurePeaks } from './peaks.js';
export { type KernelCall, type Peaks, Profile, type ProfileRow, profile } from './profiler.js';
export { getRngState, manualSeed, setRngState } from './random.js';
export { broadcastShapes, contiguousStrides, normalizeDim, normalizeDims, type Shape, shapesEqual, sizeOf, unravel } from './shape.js';
export { type Scalar, Tensor, type TensorLike } from './tensor.js';
export { type ShapeArgs, shapeFromArgs, type TensorMethods } from './tensor-methods.js';

registerBackend('reference', () => new ReferenceBackend(), 0);
// gpu.js takes ~0.1 s to load, so it loads only when the gpujs backend is chosen
registerBackend('gpujs', (opts) => import('./backends/gpujs/gpujs-backend.js').then((m) => m.createGpujsBackend(opts)), gpujsPriority());
// WebAssembly SIMD on worker threads: the default CPU backend wherever SIMD validates and the module is built
registerBackend('wasm', createWasmBackend, 1, wasmAvailable);
