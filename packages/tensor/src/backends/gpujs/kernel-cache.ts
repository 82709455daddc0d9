/**
 * Compiled kernels, kept for reuse. Translating a kernel (JavaScript → WGSL, GLSL or wasm bytecode)
 * costs milliseconds, so each distinct kernel is built once. What "distinct" means depends on the
 * mode: webgpu, GL and cpu kernels take sizes at run time (`dynamicOutput`, `dynamicArguments`), so
 * one kernel serves every shape and the key is just the variant (`binary:add:2`); webasm bakes every
 * size into its bytecode, so there the key also holds the output length and every array argument's
 * length. Shapes and strides always travel as arguments, never in the source, which keeps the
 * number of variants small (op × coalesced rank).
 *
 * Least-recently-used kernels beyond `limit` are destroyed: a webasm kernel pins a wasm memory as
 * large as its arguments and output.
 */
import type { GPU, IGPUKernelSettings, IKernelRunShortcut } from 'gpu.js';
import { KERNEL_FUNCTIONS } from './kernel-math.js';

/** Counters of the gpujs backend's compiled-kernel cache (see `GpujsBackend.kernelStats`); a high `compiled` count means kernels keep being rebuilt. */
export interface CacheStats {
  /** Kernels built (each a translation and, for webasm, a wasm compile). */
  compiled: number;
  /** Launches that found their kernel already built. */
  reused: number;
}

export interface CachedKernel {
  readonly run: IKernelRunShortcut;
  /** The first call of an async kernel builds it; calls wait for it (gpu.js reads `output` after building). */
  built: Promise<unknown> | null;
}

export class KernelCache {
  private readonly kernels = new Map<string, CachedKernel>();
  readonly stats: CacheStats = { compiled: 0, reused: 0 };

  constructor(
    private readonly gpu: GPU,
    /** Settings every kernel of this mode gets (pipeline, immutable, precision). */
    private readonly settings: Record<string, unknown>,
    /** True for webasm: sizes are part of the compiled code. */
    readonly sizesBaked: boolean,
    private readonly limit: number,
  ) {}

  /** The kernel for `key` (built from `source()` on a miss) for an output of `outSize` and array arguments of `argSizes`. */
  get(key: string, source: () => string, outSize: number, argSizes: readonly number[]): CachedKernel {
    const fullKey = this.sizesBaked ? `${key}|${outSize}|${argSizes.join(',')}` : key;
    const hit = this.kernels.get(fullKey);
    if (hit) {
      this.stats.reused++;
      this.kernels.delete(fullKey); // re-insert: Map order is the LRU order
      this.kernels.set(fullKey, hit);
      return hit;
    }
    // loopMaxIterations is a real setting that gpu.js's typings omit
    const settings: Record<string, unknown> = {
      ...this.settings,
      output: [outSize],
      dynamicOutput: !this.sizesBaked,
      dynamicArguments: !this.sizesBaked,
      // loops run to bounds passed at run time; gpu.js caps every such loop at this count
      loopMaxIterations: 1 << 24,
      functions: KERNEL_FUNCTIONS,
    };
    const run = this.gpu.createKernel(source(), settings as IGPUKernelSettings);
    const entry: CachedKernel = { run, built: null };
    this.stats.compiled++;
    this.kernels.set(fullKey, entry);
    while (this.kernels.size > this.limit) {
      const [oldKey, old] = this.kernels.entries().next().value as [string, CachedKernel];
      this.kernels.delete(oldKey);
      old.run.destroy();
    }
    return entry;
  }

  get size(): number {
    return this.kernels.size;
  }

  destroy(): void {
    for (const k of this.kernels.values()) k.run.destroy();
    this.kernels.clear();
  }
}
