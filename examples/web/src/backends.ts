/**
 * The backends the page offers, what this browser can run, and — after a run — what actually ran.
 * The tensor package's own backends, chosen with `setBackend` as in Node:
 *
 * - `wasm` with all cores: WebAssembly SIMD on Web Workers sharing one memory; needs a cross-origin
 *   isolated page (SharedArrayBuffer), which the demo's server provides (COOP/COEP headers);
 * - `wasm` on one thread: the same kernels on the page's own thread, which works anywhere;
 * - `gpujs` in `webgl2` or `webgpu` mode: gpu.js kernels as GLSL fragment shaders or WGSL compute
 *   shaders on the reader's GPU;
 *
 * and, to compare with, the checkpoint's ONNX export in onnxruntime-web (onnxruntime.ts): its wasm
 * execution provider on as many threads as each of our wasm choices, and its WebGPU one.
 */
import type { Backend, WasmBackend } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import gpujs from 'gpu.js';
import { type GpuKernelReport, gpuKernelReport, watchGpuKernels } from './gpu-probe.js';
import type { OrtBackendId } from './onnxruntime.js';

/** The tensor package's backends: what `useBackend` sets (and the training page offers). */
export type BackendId = 'wasm-threads' | 'wasm-1' | 'gpujs-webgl2' | 'gpujs-webgpu';
/** The demo page's choices: ours and onnxruntime-web's. */
export type DemoBackendId = BackendId | OrtBackendId;

/** Whether `id` is onnxruntime-web rather than one of ours. */
export const isOrt = (id: DemoBackendId): id is OrtBackendId => id.startsWith('ort-');

export interface BackendChoice<Id extends DemoBackendId = BackendId> {
  readonly id: Id;
  readonly label: string;
  /** Why it cannot run here, or null. */
  readonly unavailable: string | null;
}

/** What ran, read back from the backend and (for gpu.js) from the kernels themselves. */
export interface ActualBackend {
  readonly id: DemoBackendId;
  /** The backend's own description, e.g. `wasm (relaxed SIMD, 2 threads)`, `gpujs (webgl2, WebGL2)`, `onnxruntime-web 1.31.1 (wasm, 2 threads)`. */
  readonly description: string;
  /** wasm (ours or onnxruntime-web's): threads in the pool; ours: tasks the workers (not the page's thread) ran during the run. */
  readonly threads?: number;
  readonly workerTasks?: number;
  /** gpujs: the kernel classes gpu.js holds now, and the GPU. */
  readonly gpu?: GpuKernelReport & { adapter: string | null };
  /** One line for the page: the description, plus what gpu.js's kernels really are. */
  readonly summary: string;
}

export async function backendChoices(): Promise<BackendChoice[]> {
  const cores = navigator.hardwareConcurrency || 1;
  const isolated = globalThis.crossOriginIsolated === true;
  const webgpu = await webgpuAdapter();
  const threads = !isolated ? 'the page is not cross-origin isolated (no SharedArrayBuffer)' : cores < 2 ? 'one core' : null;
  return [
    { id: 'wasm-threads', label: `wasm, ${cores} threads (WebAssembly SIMD on Web Workers)`, unavailable: threads },
    { id: 'wasm-1', label: 'wasm, 1 thread (WebAssembly SIMD)', unavailable: null },
    {
      id: 'gpujs-webgl2',
      label: 'gpujs, WebGL2 (GLSL on the GPU)',
      unavailable: gpujs.GPU.isWebGL2Supported ? null : 'this browser has no WebGL2',
    },
    {
      id: 'gpujs-webgpu',
      label: 'gpujs, WebGPU (WGSL compute shaders)',
      unavailable: webgpu.ok ? null : webgpu.why,
    },
  ];
}

/**
 * onnxruntime-web's choices, to put beside `ours` on the demo page: wasm on as many threads as each of
 * our wasm choices, and WebGPU, each available where ours is.
 */
export function ortChoices(ours: readonly BackendChoice[]): BackendChoice<OrtBackendId>[] {
  const unavailable = (id: BackendId) => ours.find((c) => c.id === id)?.unavailable ?? null;
  const label = 'onnxruntime-web, the ONNX export, to compare:';
  return [
    {
      id: 'ort-wasm-threads',
      label: `${label} wasm, ${navigator.hardwareConcurrency || 1} threads`,
      unavailable: unavailable('wasm-threads'),
    },
    { id: 'ort-wasm-1', label: `${label} wasm, 1 thread`, unavailable: null },
    { id: 'ort-webgpu', label: `${label} WebGPU`, unavailable: unavailable('gpujs-webgpu') },
  ];
}

/** The choices as options of a select: those that cannot run here disabled, with the reason. */
export function backendOptions(choices: readonly BackendChoice<DemoBackendId>[]): HTMLOptionElement[] {
  return choices.map((c) => {
    const o = new Option(c.unavailable ? `${c.label} — not here: ${c.unavailable}` : c.label, c.id);
    o.disabled = c.unavailable !== null;
    return o;
  });
}

interface GpuAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

let adapterProbe: Promise<{ ok: true; name: string } | { ok: false; why: string }> | null = null;

/** Whether `navigator.gpu` gives an adapter, and its name. */
export function webgpuAdapter() {
  adapterProbe ??= (async () => {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
    if (!gpu) return { ok: false as const, why: 'this browser has no WebGPU (navigator.gpu)' };
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { ok: false as const, why: 'navigator.gpu offers no adapter' };
      const i = adapter.info ?? {};
      const name = [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' ') || 'unnamed adapter';
      return { ok: true as const, name };
    } catch (e) {
      return { ok: false as const, why: `requestAdapter failed: ${(e as Error).message}` };
    }
  })();
  return adapterProbe;
}

/** Makes `id` the current backend (created on first use; the tensor package caches instances). */
export async function useBackend(id: BackendId): Promise<Backend> {
  switch (id) {
    case 'wasm-threads': {
      const b = (await T.setBackend('wasm', { threads: navigator.hardwareConcurrency || 1 })) as WasmBackend;
      await b.whenReady(); // start the workers now, not in the middle of the first run
      return b;
    }
    case 'wasm-1':
      return T.setBackend('wasm', { threads: 1 });
    case 'gpujs-webgl2':
      watchGpuKernels();
      return T.setBackend('gpujs', { mode: 'webgl2' });
    case 'gpujs-webgpu':
      watchGpuKernels();
      return T.setBackend('gpujs', { mode: 'webgpu' });
  }
}

/** wasm: the worker task counter before a run, to tell afterwards whether the workers took part. */
export function workerTasks(b: Backend): number {
  return b.name === 'wasm' ? (b as WasmBackend).stats().workerTasks : 0;
}

/** A WebGPU adapter or GL renderer that is a CPU running the shaders: SwiftShader, llvmpipe, … */
export const isSoftware = (on: string) => /swiftshader|llvmpipe|lavapipe|softpipe/i.test(on);

/** What ran: read back after a run. `tasksBefore` is {@link workerTasks} before it. */
export async function actualBackend(id: BackendId, b: Backend, tasksBefore: number): Promise<ActualBackend> {
  if (b.name === 'wasm') {
    const s = (b as WasmBackend).stats();
    const ran = s.workerTasks - tasksBefore;
    const summary = s.threads > 1 ? `${b.description}; the workers ran ${ran} tasks of this run` : b.description;
    return { id, description: b.description, threads: s.threads, workerTasks: ran, summary };
  }
  const mode = id === 'gpujs-webgpu' ? 'webgpu' : 'webgl2';
  const report = gpuKernelReport(mode);
  const adapterInfo = mode === 'webgpu' ? await webgpuAdapter() : null;
  const adapter = adapterInfo?.ok ? adapterInfo.name : null;
  const kernels = Object.entries(report.kernels)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const on = report.renderer ?? adapter;
  // SwiftShader, llvmpipe: a CPU running the shaders (gpujs's description says so for WebGPU, not for WebGL2)
  const software = on && isSoftware(on) && !b.description.includes('software') ? ', a software rasteriser' : '';
  const summary = `${b.description}; gpu.js kernels now: ${kernels || 'none'}${on ? `; on ${on}${software}` : ''}`;
  return { id, description: b.description, gpu: { ...report, adapter }, summary };
}
