/**
 * The wasm runtime: one linear memory, the kernel module instantiated over it, the allocator that
 * hands out its bytes, per-thread scratch, the job block that kernels read their arguments from, and
 * the thread pool. The backend's kernel wrappers (the other files here) talk to the module only
 * through this object.
 */
import { Allocator } from './allocator.js';
import { JOB_HEADER_WORDS, SLOT_BYTES } from './generated/contract.js';
import type { LoadedModule } from './module.js';
import type { Platform } from './platform.js';
import { ThreadPool } from './pool.js';

/** The task kernels, in the order the pool names them by index. */
const TASK_KERNELS = [
  'copyTask',
  'transposeTask',
  'fillTask',
  'mapTask',
  'reduceTask',
  'softmaxTask',
  'softmaxBackwardTask',
  'layerNormTask',
  'layerNormBackwardTask',
  'gemmTask',
  'col2imTask',
  'biasTask',
  'resizeTask',
  'adamwTask',
] as const;
export type TaskKernel = (typeof TASK_KERNELS)[number];

type Task = (job: number, task: number, slot: number) => void;

interface KernelExports {
  heapBase(): number;
  gather(job: number): void;
  scatterAdd(job: number): void;
}

const PAGE = 65536;
/** Bytes of the job block: a header and the arrays (shapes, strides) some jobs carry. */
const JOB_BYTES = 65536;

export interface RuntimeOptions {
  readonly threads: number;
  readonly maxBytes: number;
  /** Jobs estimated below this many nanoseconds run on the calling thread alone. */
  readonly minParallelNs: number;
}

/** Pieces per thread of a splittable job: more than one, so a thread slowed by other work is caught up. */
const TASKS_PER_THREAD = 4;

export class WasmRuntime {
  readonly memory: WebAssembly.Memory;
  readonly allocator: Allocator;
  readonly kernels: KernelExports;
  readonly pool: ThreadPool;
  /** Address of the job block and of slot 0's scratch (slot s at slots + s·SLOT_BYTES). */
  readonly jobAddress: number;
  readonly slots: number;
  /** The largest buffer the memory can ever hold beside the job block and the slots, in bytes. */
  readonly maxBufferBytes: number;
  private readonly tasks: Task[];
  private f32View!: Float32Array;
  private i32View!: Int32Array;

  constructor(
    platform: Platform,
    readonly loaded: LoadedModule,
    private readonly options: RuntimeOptions,
  ) {
    const shared = loaded.variant.shared;
    const maxPages = Math.min(65536, Math.floor(options.maxBytes / PAGE));
    this.memory = new WebAssembly.Memory({ initial: Math.min(256, maxPages), maximum: maxPages, shared } as WebAssembly.MemoryDescriptor);
    const instance = new WebAssembly.Instance(loaded.module, { env: { memory: this.memory } });
    const exports = instance.exports as unknown as KernelExports & Record<TaskKernel, Task>;
    this.kernels = exports;
    this.tasks = TASK_KERNELS.map((name) => exports[name]);
    this.renewViews();
    this.allocator = new Allocator(this.memory, exports.heapBase(), maxPages * PAGE, () => this.renewViews());
    const threads = shared ? options.threads : 1;
    this.jobAddress = this.allocator.alloc(JOB_BYTES);
    this.slots = this.allocator.alloc(threads * SLOT_BYTES);
    this.maxBufferBytes = this.allocator.largestBlock();
    this.pool = new ThreadPool({ platform, module: loaded.module, memory: this.memory, kernels: TASK_KERNELS, threads }, (k, job, task) =>
      this.tasks[k](job, task, 0),
    );
  }

  get threads(): number {
    return this.pool.threads;
  }

  /**
   * How many tasks a job gets: 1 when it is estimated under the threshold (a hand-off to the workers
   * costs about 10 µs), else a few per thread, but never more than the job has `units` to split.
   */
  tasksFor(ns: number, units: number, perThread = TASKS_PER_THREAD): number {
    if (this.threads === 1 || ns < this.options.minParallelNs) return 1;
    return Math.max(1, Math.min(units, this.threads * perThread));
  }

  /** float32 view of the whole memory (renewed when the memory grows; do not keep it across allocations). */
  get f32(): Float32Array {
    return this.f32View;
  }
  get i32(): Int32Array {
    return this.i32View;
  }

  /**
   * Starts a job: its fields are written with `job.set…` and it runs with `run`. The header is zeroed
   * first, so a field a wrapper forgets reads 0, never the previous job's value.
   */
  job(): JobWriter {
    this.i32View.fill(0, this.jobAddress / 4, this.jobAddress / 4 + JOB_HEADER_WORDS);
    return new JobWriter(this, this.jobAddress);
  }

  /** Runs `tasks` tasks of `kernel` on the job block, spread over the threads. */
  run(kernel: TaskKernel, tasks: number): void {
    this.pool.run(TASK_KERNELS.indexOf(kernel), this.jobAddress, tasks);
  }

  private renewViews(): void {
    this.f32View = new Float32Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
  }
}

/**
 * Writes a job's fields: `set(i, v)` puts an i32 at field i, `setF32` a float32; `array(i, values)`
 * puts i32 values at fields i, i+1, … and returns the field after them.
 */
export class JobWriter {
  private readonly base: number;

  constructor(
    private readonly rt: WasmRuntime,
    address: number,
  ) {
    this.base = address >> 2;
  }

  set(field: number, value: number): this {
    this.check(field);
    this.rt.i32[this.base + field] = value;
    return this;
  }

  setF32(field: number, value: number): this {
    this.check(field);
    this.rt.f32[this.base + field] = value;
    return this;
  }

  array(field: number, values: readonly number[]): number {
    this.check(field + values.length - 1);
    this.rt.i32.set(values, this.base + field);
    return field + values.length;
  }

  private check(field: number): void {
    if (field >= JOB_BYTES / 4) throw new Error(`wasm backend: job arguments exceed ${JOB_BYTES} bytes (too many dims?)`);
  }
}
