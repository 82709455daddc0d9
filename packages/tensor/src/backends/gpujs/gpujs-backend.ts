/**
 * The gpujs backend: every kernel of the Backend interface written as a gpu.js kernel, run in one
 * of gpu.js's modes — webgpu (WGSL compute shaders), headlessgl or webgl2 (GLSL fragment shaders),
 * webasm (WebAssembly with SIMD) or cpu (JavaScript). See README.md beside this file.
 *
 * This file only routes: each op builds a launch in its family's file (elementwise, layout, rows,
 * matmul, conv, resize, indexing) and `DeviceMemory` runs it. Every dtype is float32 on the device;
 * int32 values are exact up to 2^24 in magnitude, and float64 is not offered.
 */
import gpujs from 'gpu.js';
import type {
  Backend,
  BackendMemory,
  BackendOptions,
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
  ReduceParams,
  ResizeKernelParams,
  ScatterParams,
  SoftmaxParams,
  UnaryParams,
  View,
} from '../../backend.js';
import { allocate, type DType, type TypedArray } from '../../dtype.js';
import { at, forEachIndex } from '../../view-walk.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv.js';
import { type CheckSpec, DeviceMemory, MAX_ELEMENTS } from './device-memory.js';
import { BINARY, COPY, mapLaunch, TRUNC, UNARY, WHERE } from './elementwise.js';
import { gatherLaunch, indexCheck, scatterAdd } from './indexing.js';
import { type CacheStats, KernelCache } from './kernel-cache.js';
import type { Launch } from './launch.js';
import { cat, padLaunch } from './layout.js';
import { matmul } from './matmul.js';
import { chooseMode, describe, type GpujsMode, type ModeChoice } from './modes.js';
import { type Residency, residencyOf } from './residency.js';
import { resizeBackwardLaunch, resizeLaunch } from './resize.js';
import { layerNormRows, reduceRows, softmaxRows } from './rows.js';

const { GPU } = gpujs;

/** int32 values the device stores exactly (as float32). */
const INT_LIMIT = 1 << 24;

/** Compiled kernels kept per mode: few variants where sizes are arguments, more where webasm bakes them. */
const CACHE_LIMIT = { sized: 128, unsized: 512 };

/** `setBackend('gpujs', { mode })`: `auto` (default, or `SETR_GPUJS_MODE`), webgpu, headlessgl, webgl2, webasm or cpu. */
export async function createGpujsBackend(options: BackendOptions = {}): Promise<GpujsBackend> {
  return new GpujsBackend(await chooseMode(options.mode));
}

/**
 * The gpu.js backend: every kernel compiled by gpu.js in one of its modes (webgpu, headlessgl, webgl2,
 * webasm, cpu). Stores float32 and int32 (as float32, exact up to 2^24), not float64. Exported as a type
 * only: create it with `setBackend('gpujs', { mode })`.
 */
export class GpujsBackend implements Backend {
  readonly name = 'gpujs';
  readonly description: string;
  readonly dtypes: readonly DType[] = ['float32', 'int32'];
  /**
   * 2^24 float32 elements, 64 MiB: every dtype is stored as float32, and kernels compute indices in
   * float32, exact up to 2^24 (device-memory.ts). That is within WebGPU's default storage-buffer binding
   * limit (128 MiB).
   */
  readonly maxBufferBytes = 4 * MAX_ELEMENTS;
  /** The gpu.js mode that runs the kernels. */
  readonly mode: GpujsMode;
  private readonly gpu: InstanceType<typeof GPU>;
  private readonly residency: Residency;
  private readonly cache: KernelCache;
  private readonly buffers: DeviceMemory;

  constructor(choice: ModeChoice) {
    this.mode = choice.mode;
    this.description = describe(choice);
    this.gpu = new GPU({ mode: choice.mode });
    this.residency = residencyOf(choice.mode);
    const sizesBaked = choice.mode === 'webasm';
    this.cache = new KernelCache(this.gpu, this.residency.kernelSettings, sizesBaked, sizesBaked ? CACHE_LIMIT.sized : CACHE_LIMIT.unsized);
    this.buffers = new DeviceMemory(this.residency, this.cache, choice.mode);
  }

  /** Kernel cache counters and how many compiled kernels it holds. */
  kernelStats(): CacheStats & {
    /** Compiled kernels in the cache now. */
    cached: number;
  } {
    return { ...this.cache.stats, cached: this.cache.size };
  }

  // ----- memory -----
  write(values: TypedArray, dtype: DType): DataId {
    this.checkDtype('write', dtype);
    if (dtype === 'int32') checkInt32(values);
    return this.buffers.upload(Float32Array.from(values));
  }
  async read(id: DataId, dtype: DType): Promise<TypedArray> {
    return toDtype(await this.buffers.read(id), dtype);
  }
  readSync(id: DataId, dtype: DType): TypedArray {
    return toDtype(this.buffers.readSync(id), dtype);
  }
  disposeData(id: DataId): void {
    this.buffers.dispose(id);
  }
  memory(): BackendMemory {
    return this.buffers.memory();
  }
  /** Resolves when every kernel issued so far has run (webgpu computes asynchronously; elsewhere at once). */
  flush(): Promise<void> {
    return this.buffers.flush();
  }
  /** Waits for queued kernels, then frees every compiled kernel and the gpu.js instance. */
  async dispose(): Promise<void> {
    await this.buffers.flush();
    this.cache.destroy();
    await this.gpu.destroy();
  }

  // ----- layout -----
  contiguous(x: View): DataId {
    return this.run(mapLaunch('copy', COPY, [x]));
  }
  cast(x: View, p: CastParams): DataId {
    this.checkDtype('cast', p.dtype);
    const truncate = p.dtype === 'int32' && x.dtype !== 'int32';
    return this.run(truncate ? mapLaunch('cast:trunc', TRUNC, [x]) : mapLaunch('copy', COPY, [x]));
  }
  pad(x: View, p: PadParams): DataId {
    return this.run(padLaunch(x, p.pads, p.value));
  }
  cat(xs: readonly View[], p: DimParams): DataId {
    return cat(this.buffers, xs, p.dim);
  }

  // ----- elementwise -----
  unary(x: View, p: UnaryParams): DataId {
    return this.run(mapLaunch(`unary:${p.op}`, UNARY[p.op], [x]));
  }
  binary(a: View, b: View, p: BinaryParams): DataId {
    return this.run(mapLaunch(`binary:${p.op}`, BINARY[p.op], [a, b]));
  }
  where(cond: View, a: View, b: View): DataId {
    return this.run(mapLaunch('where', WHERE, [cond, a, b]));
  }

  // ----- reductions and rows (x contiguous [rows, cols]) -----
  reduce(x: View, p: ReduceParams): DataId {
    const [rows, cols] = x.shape;
    return reduceRows(this.buffers, p.op, x.dataId, rows, cols);
  }
  softmax(x: View, p: SoftmaxParams): DataId {
    const [outer, cols, inner] = x.shape;
    if (outer * cols * inner === 0) return this.buffers.upload(new Float32Array(0));
    if (inner === 1) return softmaxRows(this.buffers, x.dataId, outer, cols, p.log);
    // along a middle dim: rows of the transposed copy [outer, inner, cols], then the result transposed back
    const rows = this.contiguous({ ...x, shape: [outer, inner, cols], strides: [cols * inner, 1, inner] });
    const y = softmaxRows(this.buffers, rows, outer * inner, cols, p.log);
    const back = this.contiguous({ dataId: y, dtype: x.dtype, shape: x.shape, strides: [cols * inner, 1, cols], offset: 0 });
    this.disposeData(rows);
    this.disposeData(y);
    return back;
  }
  layerNorm(x: View, weight: View | null, bias: View | null, p: LayerNormParams): LayerNormResult {
    const [rows, cols] = x.shape;
    return layerNormRows(this.buffers, x.dataId, rows, cols, weight?.dataId ?? null, bias?.dataId ?? null, p.eps);
  }

  // ----- linear algebra -----
  matmul(a: View, b: View): DataId {
    return matmul(this.buffers, a, b);
  }
  conv2d(x: View, w: View, bias: View | null, p: Conv2dParams): DataId {
    return conv2d(this.buffers, x, w, bias, p);
  }
  conv2dBackwardInput(dy: View, w: View, p: Conv2dInputGradParams): DataId {
    return conv2dBackwardInput(this.buffers, dy, w, p);
  }
  conv2dBackwardWeight(x: View, dy: View, p: Conv2dWeightGradParams): DataId {
    return conv2dBackwardWeight(this.buffers, x, dy, p);
  }

  // ----- resampling -----
  resizeBilinear(x: View, p: ResizeKernelParams): DataId {
    return this.run(resizeLaunch('bilinear', x, p));
  }
  resizeBilinearBackward(dy: View, p: ResizeKernelParams): DataId {
    return this.run(resizeBackwardLaunch('bilinear', dy, p));
  }
  resizeNearest(x: View, p: ResizeKernelParams): DataId {
    return this.run(resizeLaunch('nearest', x, p));
  }
  resizeNearestBackward(dy: View, p: ResizeKernelParams): DataId {
    return this.run(resizeBackwardLaunch('nearest', dy, p));
  }

  // ----- indexing -----
  gather(x: View, index: View, p: DimParams): DataId {
    return this.buffers.run(gatherLaunch(x, index, p.dim), this.indexChecks('gather', index, p.dim, x.shape[p.dim]));
  }
  scatterAdd(index: View, src: View, p: ScatterParams): DataId {
    return scatterAdd(this.buffers, index, src, p, this.indexChecks('scatterAdd', index, p.dim, p.shape[p.dim]));
  }

  private run(l: Launch): DataId {
    return this.buffers.run(l);
  }

  private checkDtype(op: string, dtype: DType): void {
    if (!this.dtypes.includes(dtype))
      throw new Error(`gpujs ${op}: dtype ${dtype} is not supported (gpujs computes in float32; use float32 or int32)`);
  }

  /**
   * Out-of-range indices. On webasm and cpu the indices are host memory, so a bad one throws here
   * at once, as on the reference backend. On GPU modes reading them would stall the device, so they
   * are scanned there and the error comes with the first read of the result (see indexing.ts).
   */
  private indexChecks(op: string, index: View, dim: number, size: number): CheckSpec[] {
    if (this.residency.onDevice) return [indexCheck(op, index, dim, size)];
    const values = this.buffers.readSync(index.dataId);
    forEachIndex(index.shape, (i) => {
      const v = values[at(index, i)];
      if (!(v >= 0 && v < size)) throw new Error(`${op}: index ${v} is out of range for dim ${dim} of size ${size}`);
    });
    return [];
  }
}

/** int32 is float32 on the device: values beyond ±2^24 would be rounded, so they are refused. */
function checkInt32(values: TypedArray): void {
  for (const v of values) {
    if (Math.abs(v) > INT_LIMIT)
      throw new Error(`gpujs write: int32 value ${v} is beyond ±2^24, the range gpujs stores exactly (as float32)`);
  }
}

/** Device float32 to the tensor's dtype (int32 values are exact integers on the device). */
function toDtype(values: Float32Array, dtype: DType): TypedArray {
  if (dtype === 'float32') return values;
  const out = allocate(dtype, values.length);
  out.set(values);
  return out;
}
