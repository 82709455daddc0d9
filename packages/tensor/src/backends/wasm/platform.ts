/**
 * What the wasm backend needs from its host, behind one small interface, so that the rest of the
 * backend is the same in Node and in browsers. Node's modules are reached through
 * `process.getBuiltinModule` (Node ≥ 20.16) rather than imported, so a browser bundle never sees a
 * `node:` import.
 */
import type * as NodeFs from 'node:fs';
import type * as NodeOs from 'node:os';
import type * as NodeV8 from 'node:v8';
import type * as NodeWorkers from 'node:worker_threads';

/** A started worker thread. */
export interface WorkerHandle {
  terminate(): void;
}

export interface Platform {
  readonly name: 'node' | 'browser';
  /** Logical processors available to this process. */
  readonly cores: number;
  /** Whether memory can be shared with workers (SharedArrayBuffer, i.e. Node or a cross-origin-isolated page). */
  readonly canShareMemory: boolean;
  /** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
  readonly canBlock: boolean;
  /** An environment variable, where there are any. */
  env(name: string): string | undefined;
  /** A file's bytes, synchronously, or null where that is impossible (browsers fetch). */
  readFileSync(url: URL): Uint8Array | null;
  fetchBytes(url: URL): Promise<Uint8Array>;
  /** Starts a worker running `source` (a script) with `data` as its start-up argument. */
  spawnWorker(source: string, data: unknown): WorkerHandle;
  /**
   * Turns on relaxed SIMD where the engine has it behind a flag (Node 20–21: V8's
   * `--experimental-wasm-relaxed-simd`; on by default from Node 22 and in current browsers). Null
   * where no such switch exists.
   */
  readonly enableRelaxedSimd: (() => void) | null;
}

interface NodeProcess {
  versions?: { node?: string };
  env: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

const nodeProcess = (globalThis as { process?: NodeProcess }).process;

function nodePlatform(proc: NodeProcess): Platform | null {
  const get = proc.getBuiltinModule;
  if (!get) return null; // Node < 20.16: no synchronous way to reach fs and worker_threads
  const fs = get('node:fs') as typeof NodeFs;
  const os = get('node:os') as typeof NodeOs;
  const workers = get('node:worker_threads') as typeof NodeWorkers;
  const v8 = get('node:v8') as typeof NodeV8;
  return {
    name: 'node',
    cores: os.availableParallelism(),
    canShareMemory: true,
    canBlock: true,
    env: (name) => proc.env[name],
    readFileSync: (url) => (fs.existsSync(url) ? fs.readFileSync(url) : null),
    fetchBytes: async (url) => fs.readFileSync(url),
    spawnWorker(source, data) {
      const w = new workers.Worker(source, { eval: true, workerData: data });
      w.unref(); // idle workers must never keep the process alive
      return w;
    },
    // a V8 flag set at run time applies to modules validated and compiled after it, workers included
    enableRelaxedSimd: () => v8.setFlagsFromString('--experimental-wasm-relaxed-simd'),
  };
}

function browserPlatform(): Platform {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return {
    name: 'browser',
    cores: nav?.hardwareConcurrency ?? 1,
    canShareMemory: isolated && typeof SharedArrayBuffer !== 'undefined',
    canBlock: false,
    env: () => undefined,
    readFileSync: () => null,
    fetchBytes: async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer()),
    spawnWorker(source, data) {
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const w = new Worker(url);
      w.postMessage(data);
      return w;
    },
    enableRelaxedSimd: null,
  };
}

/** The platform this code runs on, or null in Node too old for the backend. */
export function currentPlatform(): Platform | null {
  if (nodeProcess?.versions?.node) return nodePlatform(nodeProcess);
  return browserPlatform();
}
