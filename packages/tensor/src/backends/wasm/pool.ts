/**
 * The worker pool: `threads − 1` workers plus the calling thread, all running the same kernel module
 * over one shared WebAssembly.Memory. A job is a kernel, the address of its argument block and a
 * number of tasks; every participant claims tasks until none are left, so a slow or not-yet-started
 * worker never holds the others up, and the caller always works too. The caller then sleeps until the
 * last task is done (Atomics.wait; a browser's main thread, which may not block, spins instead).
 *
 * Workers start lazily, on the first job that is worth splitting, and asynchronously: until they are
 * ready, the caller simply runs every task itself. Results never depend on who runs what, because
 * kernels compute each output element the same way whatever the task.
 */
import { CONTROL, MAX_TASKS } from './control.js';
import type { Platform, WorkerHandle } from './platform.js';
import { WORKER_SOURCE } from './worker-source.js';

/** Runs task `task` of the job at `job` with kernel number `kernel` on the calling thread (slot 0). */
export type LocalRunner = (kernel: number, job: number, task: number) => void;

export interface PoolOptions {
  readonly platform: Platform;
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Export names of the task kernels; jobs name a kernel by its index here. */
  readonly kernels: readonly string[];
  /** Threads in all, the caller included. */
  readonly threads: number;
}

export class ThreadPool {
  private readonly control: Int32Array;
  private workers: WorkerHandle[] | null = null;
  private seq = 0;

  constructor(
    private readonly options: PoolOptions,
    private readonly runLocal: LocalRunner,
  ) {
    // a page that is not cross-origin isolated has no SharedArrayBuffer: there the pool is the caller
    // alone (threads = 1) and Atomics work on a plain buffer
    const words = options.platform.canShareMemory ? new SharedArrayBuffer(CONTROL.WORDS * 4) : new ArrayBuffer(CONTROL.WORDS * 4);
    this.control = new Int32Array(words);
  }

  get threads(): number {
    return this.options.threads;
  }

  /** Workers that have started (0 until the first split job, then up to threads − 1). */
  get readyWorkers(): number {
    return Atomics.load(this.control, CONTROL.READY);
  }

  /** Tasks the workers have run so far. */
  get workerTasks(): number {
    return Atomics.load(this.control, CONTROL.WORKER_TASKS);
  }

  /** Starts the workers (if not yet started) and resolves once all of them are ready. */
  async whenReady(timeoutMs = 10_000): Promise<void> {
    this.spawn();
    const deadline = Date.now() + timeoutMs;
    while (this.readyWorkers < this.threads - 1) {
      if (Date.now() > deadline)
        throw new Error(`wasm backend: only ${this.readyWorkers} of ${this.threads - 1} worker threads started within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /** Runs tasks 0 … tasks−1 of a job, spread over the threads, and returns when all are done. */
  run(kernel: number, job: number, tasks: number): void {
    if (tasks > MAX_TASKS) throw new Error(`wasm backend: a job may have at most ${MAX_TASKS} tasks, got ${tasks}`);
    if (tasks > 1 && this.threads > 1) this.spawn();
    if (tasks <= 1 || this.readyWorkers === 0) {
      for (let t = 0; t < tasks; t++) this.runLocal(kernel, job, t);
      return;
    }
    const c = this.control;
    this.seq = (this.seq + 1) & CONTROL.TAG_MASK;
    const tag = this.seq << CONTROL.TAG_SHIFT;
    // the claim word's tag changes first: from here on, no worker still holding the previous job can claim
    Atomics.store(c, CONTROL.CLAIM, tag);
    Atomics.store(c, CONTROL.TOTAL, tasks);
    Atomics.store(c, CONTROL.KERNEL, kernel);
    Atomics.store(c, CONTROL.JOB, job);
    Atomics.store(c, CONTROL.DONE, 0);
    Atomics.store(c, CONTROL.SEQ, this.seq);
    Atomics.notify(c, CONTROL.SEQ);
    let failure: unknown = null;
    for (;;) {
      const claim = Atomics.load(c, CONTROL.CLAIM);
      const task = claim & CONTROL.TASK_MASK;
      if (task >= tasks) break;
      if (Atomics.compareExchange(c, CONTROL.CLAIM, claim, claim + 1) !== claim) continue;
      try {
        this.runLocal(kernel, job, task);
      } catch (e) {
        failure ??= e; // keep counting: the workers must finish before the caller returns
      }
      Atomics.add(c, CONTROL.DONE, 1);
    }
    for (let done = Atomics.load(c, CONTROL.DONE); done < tasks; done = Atomics.load(c, CONTROL.DONE)) {
      if (this.options.platform.canBlock) Atomics.wait(c, CONTROL.DONE, done);
    }
    if (failure) throw failure;
    if (Atomics.exchange(c, CONTROL.FAILED, 0))
      throw new Error(`wasm backend: kernel ${this.options.kernels[kernel]} failed on a worker thread`);
  }

  /** Stops the workers; the pool runs everything on the calling thread afterwards. */
  dispose(): void {
    for (const w of this.workers ?? []) w.terminate();
    this.workers = [];
    Atomics.store(this.control, CONTROL.READY, 0);
  }

  private spawn(): void {
    if (this.workers) return;
    const { platform, module, memory, kernels, threads } = this.options;
    this.workers = [];
    for (let slot = 1; slot < threads; slot++) {
      this.workers.push(platform.spawnWorker(WORKER_SOURCE, { control: this.control.buffer, module, memory, kernels, slot }));
    }
  }
}
