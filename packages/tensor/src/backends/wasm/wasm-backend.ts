/**
 * The wasm backend: every kernel of the Backend interface in WebAssembly SIMD (compiled from
 * AssemblyScript, see assembly/), on a pool of worker threads that share one linear memory. Tensors
 * live in that memory, so kernels read and write them in place; `read` copies out.
 *
 * Each method allocates its output, then hands the work to the function named after its family
 * (layout, elementwise, rows, matmul, conv, resize, indexing), which writes a job for the kernel
 * module and runs it. README.md beside this file describes the design and the measured speed.
 */
import type {
  AdamWParams,
  AdamWResult,
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
import { convGeometry } from '../../conv-geometry.js';
import type { DType, TypedArray } from '../../dtype.js';
import { sizeOf } from '../../shape.js';
import { bufferOf, WasmBuffer } from './buffer.js';
import * as conv from './conv.js';
import { binaryCode, map, unaryCode, whereCode } from './elementwise.js';
import { gather, scatterAdd } from './indexing.js';
import * as layout from './layout.js';
import { matmul } from './matmul.js';
import { type LoadedModule, loadModule, loadModuleSync, moduleBuilt, simdSupport } from './module.js';
import { adamw } from './optim.js';
import { currentPlatform, type Platform } from './platform.js';
import { type ResizeMode, resize } from './resize.js';
import * as rows from './rows.js';
import { WasmRuntime } from './runtime.js';

/** Options of the wasm backend, as `setBackend('wasm', options)` takes them. */
export interface WasmOptions {
  /** Threads in all, the caller included (default: SETR_THREADS, else the machine's cores). */
  readonly threads?: number;
  /** Maximum size of the linear memory in MiB (default and limit 4096: wasm32 addresses 4 GiB). */
  readonly maxMemoryMB?: number;
  /** Jobs estimated under this many microseconds stay on the calling thread (default 200). */
  readonly minParallelMicros?: number;
  /**
   * Use relaxed SIMD's fused multiply-add where the engine has it (default true; SETR_WASM_RELAXED=0
   * turns it off). On Node 20–21, where it sits behind V8's `--experimental-wasm-relaxed-simd`, the
   * backend turns that flag on for the process; `false` keeps the portable build (mul then add).
   */
  readonly relaxedSimd?: boolean;
}

/** What the pool and the memory are doing, for tests and benchmarks. */
export interface WasmStats {
  /** Threads in all, the caller included. */
  readonly threads: number;
  /** Worker threads started so far (0 until the first job split across threads, then up to threads − 1). */
  readonly readyWorkers: number;
  /** Tasks run by worker threads (not the caller) so far. */
  readonly workerTasks: number;
  /** Current size of the wasm linear memory, in bytes. */
  readonly memoryBytes: number;
  /** Blocks waiting on the allocator's free lists, ready for reuse. */
  readonly freeBlocks: number;
}

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly description: string;
  readonly dtypes: readonly DType[] = ['float32', 'int32'];
  /**
   * The largest size class of the allocator that fits in the linear memory's maximum (`maxMemoryMB`,
   * at most 4 GiB) beside the module's data, the job block and the threads' scratch: 3.5 GiB at the
   * default maximum. Blocks come in size classes (allocator.ts), so this is below the maximum itself.
   */
  readonly maxBufferBytes: number;
  private readonly live = new Set<WasmBuffer>();
  private liveBytes = 0;

  /**
   * Use `setBackend('wasm', options)`; the runtime is the package's own.
   * @param requestedThreads the threads asked for; fewer run where memory cannot be shared (a page without cross-origin isolation)
   * @internal
   */
  constructor(
    private readonly rt: WasmRuntime,
    requestedThreads: number,
  ) {
    const simd = rt.loaded.variant.relaxed ? 'relaxed SIMD' : 'SIMD';
    const threads = rt.threads === 1 ? '1 thread' : `${rt.threads} threads`;
    const note = rt.threads < requestedThreads ? ', memory cannot be shared here' : '';
    this.description = `wasm (${simd}, ${threads}${note})`;
    this.maxBufferBytes = rt.maxBufferBytes;
  }

  /** Threads this backend computes with, the caller included. */
  get threads(): number {
    return this.rt.threads;
  }

  /** Starts the worker threads now and resolves when they are ready (they otherwise start on the first large job). */
  whenReady(): Promise<void> {
    return this.rt.pool.whenReady();
  }

  /** What the thread pool and the memory are doing now, for tests and benchmarks. */
  stats(): WasmStats {
    const a = this.rt.allocator.stats();
    return {
      threads: this.rt.threads,
      readyWorkers: this.rt.pool.readyWorkers,
      workerTasks: this.rt.pool.workerTasks,
      memoryBytes: a.memoryBytes,
      freeBlocks: a.freeBlocks,
    };
  }

  // ----- memory -----
  private alloc(n: number): WasmBuffer {
    const b = new WasmBuffer(this.rt.allocator.alloc(4 * n), n);
    this.live.add(b);
    this.liveBytes += 4 * n;
    return b;
  }
  /** A new buffer of `n` elements filled by `fill(address)`; freed again if `fill` throws (a bad index). */
  private output(n: number, fill: (ptr: number) => void): WasmBuffer {
    const out = this.alloc(n);
    try {
      fill(out.ptr);
    } catch (e) {
      this.disposeData(out);
      throw e;
    }
    return out;
  }
  write(values: TypedArray, dtype: DType): DataId {
    const b = this.alloc(values.length);
    (dtype === 'int32' ? this.rt.i32 : this.rt.f32).set(values, b.ptr / 4);
    return b;
  }
  readSync(id: DataId, dtype: DType): TypedArray {
    const b = bufferOf(id);
    const view = dtype === 'int32' ? this.rt.i32 : this.rt.f32;
    return view.slice(b.ptr / 4, b.ptr / 4 + b.length);
  }
  async read(id: DataId, dtype: DType): Promise<TypedArray> {
    return this.readSync(id, dtype);
  }
  disposeData(id: DataId): void {
    const b = bufferOf(id);
    b.disposed = true;
    this.live.delete(b);
    this.liveBytes -= 4 * b.length;
    this.rt.allocator.release(b.ptr);
  }
  memory(): BackendMemory {
    return { numBuffers: this.live.size, numBytes: this.liveBytes };
  }
  dispose(): void {
    this.rt.pool.dispose();
  }

  // ----- layout -----
  contiguous(x: View): DataId {
    return this.output(sizeOf(x.shape), (ptr) => layout.copyView(this.rt, x, ptr, layout.conversion(x.dtype, x.dtype)));
  }
  cast(x: View, p: CastParams): DataId {
    return this.output(sizeOf(x.shape), (ptr) => layout.copyView(this.rt, x, ptr, layout.conversion(x.dtype, p.dtype)));
  }
  pad(x: View, p: PadParams): DataId {
    const shape = x.shape.map((d, i) => d + p.pads[i][0] + p.pads[i][1]);
    return this.output(sizeOf(shape), (ptr) => layout.pad(this.rt, x, p.pads, p.value, shape, ptr));
  }
  cat(xs: readonly View[], p: DimParams): DataId {
    const shape = [...xs[0].shape];
    shape[p.dim] = xs.reduce((a, x) => a + x.shape[p.dim], 0);
    return this.output(sizeOf(shape), (ptr) => layout.cat(this.rt, xs, p.dim, shape, ptr));
  }

  // ----- elementwise -----
  unary(x: View, p: UnaryParams): DataId {
    return this.output(sizeOf(x.shape), (ptr) => map(this.rt, unaryCode(p.op, x), [x], ptr));
  }
  binary(a: View, b: View, p: BinaryParams): DataId {
    return this.output(sizeOf(a.shape), (ptr) => map(this.rt, binaryCode(p.op, a), [a, b], ptr));
  }
  where(cond: View, a: View, b: View): DataId {
    return this.output(sizeOf(a.shape), (ptr) => map(this.rt, whereCode, [cond, a, b], ptr));
  }

  // ----- reductions and rows (x contiguous [rows, cols]) -----
  reduce(x: View, p: ReduceParams): DataId {
    return this.output(x.shape[0], (ptr) => rows.reduce(this.rt, x, p.op, ptr));
  }
  softmax(x: View, p: SoftmaxParams): DataId {
    return this.output(sizeOf(x.shape), (ptr) => rows.softmax(this.rt, x, p.log, ptr));
  }
  softmaxBackward(y: View, g: View, p: SoftmaxParams): DataId {
    return this.output(sizeOf(y.shape), (ptr) => rows.softmaxBackward(this.rt, y, g, p.log, ptr));
  }
  layerNorm(x: View, weight: View | null, bias: View | null, p: LayerNormParams): LayerNormResult {
    const [y, mean, rstd] = [this.alloc(sizeOf(x.shape)), this.alloc(x.shape[0]), this.alloc(x.shape[0])];
    rows.layerNorm(this.rt, x, weight, bias, p.eps, { y: y.ptr, mean: mean.ptr, rstd: rstd.ptr });
    return { y, mean, rstd };
  }
  layerNormBackward(x: View, g: View, mean: View, rstd: View, weight: View | null): DataId {
    return this.output(sizeOf(x.shape), (ptr) => rows.layerNormBackward(this.rt, x, g, mean, rstd, weight, ptr));
  }

  // ----- optimizers -----
  adamw(param: View, grad: View, m: View, v: View, p: AdamWParams): AdamWResult {
    const n = sizeOf(param.shape);
    const [next, m1, v1] = [this.alloc(n), this.alloc(n), this.alloc(n)];
    adamw(this.rt, param, grad, m, v, p, { param: next.ptr, m: m1.ptr, v: v1.ptr });
    return { param: next, m: m1, v: v1 };
  }

  // ----- linear algebra -----
  matmul(a: View, b: View): DataId {
    return this.output(a.shape[0] * a.shape[1] * b.shape[2], (ptr) => matmul(this.rt, a, b, ptr));
  }
  conv2d(x: View, w: View, bias: View | null, p: Conv2dParams): DataId {
    const { n, co, ho, wo } = convGeometry(x.shape, w.shape, p);
    return this.output(n * co * ho * wo, (ptr) => conv.conv2d(this.rt, x, w, bias, p, ptr));
  }
  conv2dBackwardInput(dy: View, w: View, p: Conv2dInputGradParams): DataId {
    return this.output(sizeOf(p.xShape), (ptr) => conv.conv2dBackwardInput(this.rt, dy, w, p, ptr));
  }
  conv2dBackwardWeight(x: View, dy: View, p: Conv2dWeightGradParams): DataId {
    return this.output(sizeOf(p.wShape), (ptr) => conv.conv2dBackwardWeight(this.rt, x, dy, p, ptr));
  }

  // ----- resampling: the output is [N,C,p.outH,p.outW] -----
  resizeBilinear(x: View, p: ResizeKernelParams): DataId {
    return this.resize(x, p, { nearest: false, backward: false });
  }
  resizeNearest(x: View, p: ResizeKernelParams): DataId {
    return this.resize(x, p, { nearest: true, backward: false });
  }
  resizeBilinearBackward(dy: View, p: ResizeKernelParams): DataId {
    return this.resize(dy, p, { nearest: false, backward: true });
  }
  resizeNearestBackward(dy: View, p: ResizeKernelParams): DataId {
    return this.resize(dy, p, { nearest: true, backward: true });
  }
  private resize(x: View, p: ResizeKernelParams, mode: ResizeMode): DataId {
    return this.output(x.shape[0] * x.shape[1] * p.outH * p.outW, (ptr) => resize(this.rt, x, p, mode, ptr));
  }

  // ----- indexing -----
  gather(x: View, index: View, p: DimParams): DataId {
    return this.output(sizeOf(index.shape), (ptr) => gather(this.rt, x, index, p.dim, ptr));
  }
  scatterAdd(index: View, src: View, p: ScatterParams): DataId {
    return this.output(sizeOf(p.shape), (ptr) => scatterAdd(this.rt, index, src, p.shape, p.dim, ptr));
  }
}

const OPTION_KEYS = ['threads', 'maxMemoryMB', 'minParallelMicros', 'relaxedSimd'];

function parseOptions(options: BackendOptions, platform: Platform): Required<WasmOptions> {
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.includes(k));
  if (unknown.length > 0) throw new Error(`wasm backend: unknown option(s) ${unknown.join(', ')} (known: ${OPTION_KEYS.join(', ')})`);
  const o = options as WasmOptions;
  const fromEnv = platform.env('SETR_THREADS');
  const threads = o.threads ?? (fromEnv !== undefined ? Number(fromEnv) : platform.cores);
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`wasm backend: threads must be a positive integer, got ${o.threads ?? `SETR_THREADS=${fromEnv}`}`);
  const maxMemoryMB = o.maxMemoryMB ?? 4096;
  if (!(maxMemoryMB >= 1 && maxMemoryMB <= 4096)) throw new Error(`wasm backend: maxMemoryMB must be in [1, 4096], got ${maxMemoryMB}`);
  const minParallelMicros = o.minParallelMicros ?? 200;
  if (!(minParallelMicros >= 0)) throw new Error(`wasm backend: minParallelMicros must be non-negative, got ${minParallelMicros}`);
  const relaxedEnv = platform.env('SETR_WASM_RELAXED');
  if (o.relaxedSimd !== undefined && typeof o.relaxedSimd !== 'boolean')
    throw new Error(`wasm backend: relaxedSimd must be true or false, got ${String(o.relaxedSimd)}`);
  if (relaxedEnv !== undefined && relaxedEnv !== '0' && relaxedEnv !== '1')
    throw new Error(`wasm backend: SETR_WASM_RELAXED must be 0 or 1, got '${relaxedEnv}'`);
  const relaxedSimd = o.relaxedSimd ?? relaxedEnv !== '0';
  return { threads, maxMemoryMB, minParallelMicros, relaxedSimd };
}

function build(platform: Platform, loaded: LoadedModule, o: Required<WasmOptions>): WasmBackend {
  const rt = new WasmRuntime(platform, loaded, {
    threads: o.threads,
    maxBytes: o.maxMemoryMB * 2 ** 20,
    minParallelNs: o.minParallelMicros * 1000,
  });
  return new WasmBackend(rt, o.threads);
}

/**
 * Creates the backend: synchronously in Node (so it can be the default backend), asynchronously in
 * browsers, which refuse to compile large modules synchronously on the main thread.
 */
export function createWasmBackend(options: BackendOptions = {}): WasmBackend | Promise<WasmBackend> {
  const platform = currentPlatform();
  if (!platform) throw new Error('wasm backend: needs Node ≥ 20.16 (process.getBuiltinModule) or a browser');
  const o = parseOptions(options, platform);
  const loaded = loadModuleSync(platform, o.threads > 1, o.relaxedSimd);
  if (loaded) return build(platform, loaded, o);
  return loadModule(platform, o.threads > 1, o.relaxedSimd).then((l) => build(platform, l, o));
}

/** Whether the backend can run here: WebAssembly SIMD validates and (in Node) the module has been built. */
export function wasmAvailable(): boolean {
  const platform = currentPlatform();
  return platform !== null && simdSupport().simd && moduleBuilt(platform);
}
