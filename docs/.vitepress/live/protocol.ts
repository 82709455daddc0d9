/** The messages between a chapter page (page.ts) and the Web Worker that runs its blocks (worker.ts). */

/** The backends the page offers; each is the tensor package's own, chosen with `setBackend`. */
export type BackendId = 'wasm' | 'wasm-1' | 'reference' | 'gpujs-webgl2' | 'gpujs-webgpu';

export const BACKENDS: readonly { id: BackendId; label: string }[] = [
  { id: 'wasm', label: 'wasm, all cores' },
  { id: 'wasm-1', label: 'wasm, 1 thread' },
  { id: 'reference', label: 'reference (slow)' },
  { id: 'gpujs-webgl2', label: 'gpujs, WebGL2' },
  { id: 'gpujs-webgpu', label: 'gpujs, WebGPU' },
];

export type ToWorker =
  /** Sets up the file system and the backend; answered with `ready` or `failed`. */
  | { type: 'init'; backend: BackendId; filesBase: string; env: Record<string, string> }
  /** Runs block `index` (0-based) in the scope of block index−1; the worker forgets blocks after it. */
  | { type: 'run'; index: number; code: string };

export type FromWorker =
  | { type: 'ready'; backend: string; crossOriginIsolated: boolean; threads: number | null }
  | { type: 'failed'; message: string }
  /** A console line; `index` is the block running (null before the first). */
  | { type: 'print'; index: number | null; stream: 'out' | 'err'; text: string }
  /** A picture the program wrote to a file. */
  | { type: 'picture'; index: number | null; name: string; mime: string; bytes: ArrayBuffer }
  | { type: 'done'; index: number; ms: number }
  | { type: 'error'; index: number; ms: number; message: string; where: string | null };
