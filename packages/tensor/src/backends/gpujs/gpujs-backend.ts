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
  BinaryOp,
  Conv2dParams,
  DataId,
  LayerNormResult,
  ReduceOp,
  ResizeParams,
  UnaryOp,
  View,
} from '../../backend.js';
import { allocate, type DType, type TypedArray } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import { at, forEachIndex } from '../reference/strided.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv.js';
import { type CheckSpec, DeviceMemory } from './device-memory.js';
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

export class GpujsBackend implements Backend {
  readonly name = 'gpujs';
  readonly description: string;
  readonly dtypes: readonly DType[] = ['float32', 'int32'];
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
  kernelStats(): CacheStats & { cached: number } {
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
  cast(x: View, dtype: DType): DataId {
    this.checkDtype('cast', dtype);
    const truncate = dtype === 'int32' && x.dtype !== 'int32';
    return this.run(truncate ? mapLaunch('cast:trunc', TRUNC, [x]) : mapLaunch('copy', COPY, [x]));
  }
  pad(x: View, pads: readonly (readonly [number, number])[], value: number): DataId {
    return this.run(padLaunch(x, pads, value));
  }
  cat(xs: readonly View[], dim: number): DataId {
    return cat(this.buffers, xs, dim);
  }

  // ----- elementwise -----
  unary(op: UnaryOp, x: View): DataId {
    return this.run(mapLaunch(`unary:${op}`, UNARY[op], [x]));
  }
  binary(op: BinaryOp, a: View, b: View): DataId {
    return this.run(mapLaunch(`binary:${op}`, BINARY[op], [a, b]));
  }
  where(cond: View, a: View, b: View): DataId {
    return this.run(mapLaunch('where', WHERE, [cond, a, b]));
  }

  // ----- reductions and rows -----
  reduce(op: ReduceOp, x: DataId, _dtype: DType, outer: number, inner: number): DataId {
    return reduceRows(this.buffers, op, x, outer, inner);
  }
  softmax(x: DataId, _dtype: DType, rows: number, cols: number, log: boolean): DataId {
    if (rows * cols === 0) return this.buffers.upload(new Float32Array(0));
    return softmaxRows(this.buffers, x, rows, cols, log);
  }
  layerNorm(
    x: DataId,
    _dtype: DType,
    rows: number,
    cols: number,
    weight: DataId | null,
    bias: DataId | null,
    eps: number,
  ): LayerNormResult {
    return layerNormRows(this.buffers, x, rows, cols, weight, bias, eps);
  }

  // ----- linear algebra -----
  matmul(a: View, b: View): DataId {
    return matmul(this.buffers, a, b);
  }
  conv2d(x: DataId, xShape: Shape, w: DataId, wShape: Shape, bias: DataId | null, p: Conv2dParams, _dtype: DType): DataId {
    return conv2d(this.buffers, x, xShape, w, wShape, bias, p);
  }
  conv2dBackwardInput(dy: DataId, _dyShape: Shape, w: DataId, wShape: Shape, xShape: Shape, p: Conv2dParams, _dtype: DType): DataId {
    return conv2dBackwardInput(this.buffers, dy, w, wShape, xShape, p);
  }
  conv2dBackwardWeight(x: DataId, xShape: Shape, dy: DataId, _dyShape: Shape, wShape: Shape, p: Conv2dParams, _dtype: DType): DataId {
    return conv2dBackwardWeight(this.buffers, x, xShape, dy, wShape, p);
  }

  // ----- resampling -----
  resizeBilinear(x: DataId, xShape: Shape, outH: number, outW: number, p: ResizeParams, _dtype: DType): DataId {
    return this.run(resizeLaunch('bilinear', x, xShape, outH, outW, p));
  }
  resizeBilinearBackward(dy: DataId, dyShape: Shape, inH: number, inW: number, p: ResizeParams, _dtype: DType): DataId {
    return this.run(resizeBackwardLaunch('bilinear', dy, dyShape, inH, inW, p));
  }
  resizeNearest(x: DataId, xShape: Shape, outH: number, outW: number, p: ResizeParams, _dtype: DType): DataId {
    return this.run(resizeLaunch('nearest', x, xShape, outH, outW, p));
  }
  resizeNearestBackward(dy: DataId, dyShape: Shape, inH: number, inW: number, p: ResizeParams, _dtype: DType): DataId {
    return this.run(resizeBackwardLaunch('nearest', dy, dyShape, inH, inW, p));
  }

  // ----- indexing -----
  gather(x: View, dim: number, index: View): DataId {
    return this.buffers.run(gatherLaunch(x, dim, index), this.indexChecks('gather', index, dim, x.shape[dim]));
  }
  scatterAdd(shape: Shape, _dtype: DType, dim: number, index: View, src: View): DataId {
    return scatterAdd(this.buffers, shape, dim, index, src, this.indexChecks('scatterAdd', index, dim, shape[dim]));
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
