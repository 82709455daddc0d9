/**
 * A pool of worker threads that all run one module and answer one job at a time: `run(job)` posts the
 * job to a free worker (or queues it), and resolves with the worker's answer, whatever order the
 * answers come in. Workers start on demand; a worker with a job holds the process open, an idle one
 * does not; and after `idleMs` with nothing to do the pool ends its workers (they start again for
 * the next job), so a pool nobody closes costs nothing for long.
 *
 * The module speaks {@link servePool}'s protocol. From a build it is the `.js` file beside the caller;
 * from the sources (tests, tsx) the `.ts` one, run through tsx's loader.
 *
 *   run(job) → queue → free worker: { id, job } → handle(job) → { id, value | error } → resolve / reject
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';

interface Pending<Job, Result> {
  readonly job: Job;
  readonly resolve: (value: Result) => void;
  readonly reject: (error: Error) => void;
}

/** A worker's answer to job `id`. */
type Answer = { id: number; value: unknown } | { id: number; error: string };

/**
 * A worker running `entry`; where only its `.ts` source exists (tests, tsx), the worker first
 * registers tsx's loader, with this package's tsconfig so that `@setr-ts/*` resolve to the sources.
 */
function workerFor(entry: URL): Worker {
  if (existsSync(fileURLToPath(entry))) return new Worker(entry);
  const source = entry.href.replace(/\.js$/, '.ts');
  const tsx = import.meta.resolve('tsx/esm/api');
  const tsconfig = fileURLToPath(new URL('../../tsconfig.json', import.meta.url));
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register({ tsconfig: ${JSON.stringify(tsconfig)} }); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { eval: true });
}

/**
 * @example
 * const pool = new WorkerPool<FileBatchJob, HostBatch>(new URL('./batch-worker.js', import.meta.url), 2);
 * const batch = await pool.run(job);
 */
export class WorkerPool<Job, Result> {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending<Job, Result> & { id: number }>();
  private readonly queue: Pending<Job, Result>[] = [];
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  /** `entry`: the worker module (see {@link servePool}); `size`: the most workers at once. */
  constructor(
    private readonly entry: URL,
    readonly size: number,
    private readonly idleMs = 5000,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`WorkerPool: size must be a positive integer, got ${size}`);
  }

  /** The worker's answer to `job`; a job the worker fails rejects with its error's message. */
  run(job: Job): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends every worker now; queued and running jobs are rejected. The pool starts workers again if used later. */
  async close(): Promise<void> {
    const ending = [...this.idle, ...this.busy.keys()];
    for (const p of [...this.queue.splice(0), ...this.busy.values()]) p.reject(new Error('WorkerPool: closed'));
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(ending.map((w) => w.terminate()));
  }

  private dispatch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    while (this.queue.length > 0 && (this.idle.length > 0 || this.busy.size < this.size)) {
      const worker = this.idle.pop() ?? this.start();
      const pending = this.queue.shift() as Pending<Job, Result>;
      const id = this.nextId++;
      this.busy.set(worker, { ...pending, id });
      worker.ref();
      worker.postMessage({ id, job: pending.job });
    }
    if (this.busy.size === 0 && this.idle.length > 0) {
      this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  private start(): Worker {
    const worker = workerFor(this.entry);
    worker.on('message', (answer: Answer) => {
      const pending = this.busy.get(worker);
      if (!pending || pending.id !== answer.id) return;
      this.busy.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if ('error' in answer) pending.reject(new Error(answer.error));
      else pending.resolve(answer.value as Result);
      this.dispatch();
    });
    // a worker that dies (its module failed to load, it ran out of memory) fails its job, not the pool
    const lost = (why: Error) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      pending?.reject(new Error(`WorkerPool: a worker of ${this.entry.pathname} stopped: ${why.message}`));
      this.dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`exit code ${code}`)));
    return worker;
  }
}

/**
 * The worker's side: answers each job with `handle(job)`; the buffers `transfer(value)` lists move to
 * the caller instead of being copied. Call it once, at the top of the worker module.
 * @example servePool(makeFileBatch, (b) => [b.images.buffer, b.labels.buffer]);
 */
export function servePool<Job, Result>(handle: (job: Job) => Promise<Result>, transfer: (value: Result) => ArrayBuffer[]): void {
  const port = parentPort;
  if (!port) throw new Error('servePool: not in a worker thread');
  port.on('message', async ({ id, job }: { id: number; job: Job }) => {
    try {
      const value = await handle(job);
      port.postMessage({ id, value }, transfer(value));
    } catch (e) {
      port.postMessage({ id, error: (e as Error).message });
    }
  });
}
