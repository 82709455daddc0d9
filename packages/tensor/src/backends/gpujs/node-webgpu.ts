/**
 * WebGPU for Node: gpu.js's webgpu mode reads `navigator.gpu`, which browsers provide and Node does
 * not. Here it comes from Dawn, through the `webgpu` npm package. On a machine without a Vulkan
 * driver Dawn's default backend finds no adapter; its OpenGL ES backend then runs on whatever EGL
 * offers — on a headless Linux box, Mesa's llvmpipe (a CPU rasteriser), which needs
 * `EGL_PLATFORM=surfaceless` and Debian's libegl1, libegl-mesa0, libgles2 and libgl1-mesa-dri.
 * That backend only offers WebGPU's "compatibility" feature level, so adapters are requested with it.
 *
 * A `navigator.gpu` that already exists (a browser, or a caller's own setup) is used as it is.
 */
import type { create as createDawn } from 'webgpu';

/** What `navigator.gpu` must offer gpu.js. */
interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<AdapterLike | null>;
}

interface AdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

export interface WebGPUProbe {
  readonly ok: boolean;
  /** The adapter in words (`Mesa llvmpipe, OpenGL ES 3.2`), or why there is none. */
  readonly detail: string;
}

/**
 * Dawn instance options to try, in order: the platform default (Vulkan, Metal or D3D12), then OpenGL
 * ES. `SETR_WEBGPU_BACKEND` (e.g. `opengles`, `vulkan`) pins one.
 */
function dawnCandidates(): string[][] {
  const pinned = process.env.SETR_WEBGPU_BACKEND;
  return pinned ? [[`backend=${pinned}`]] : [[], ['backend=opengles']];
}

let installed: Promise<WebGPUProbe> | null = null;

/**
 * Makes `navigator.gpu` available (installing Dawn's in Node) and reports whether an adapter answers.
 * Idempotent: later calls share the first probe.
 */
export function ensureWebGPU(): Promise<WebGPUProbe> {
  installed ??= install();
  return installed;
}

async function install(): Promise<WebGPUProbe> {
  const existing = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (existing) return probe(existing);
  if (typeof process === 'undefined' || !process.versions?.node) return { ok: false, detail: 'this platform has no navigator.gpu' };
  let dawn: { create: typeof createDawn; globals: object };
  try {
    dawn = await import('webgpu');
  } catch (e) {
    return { ok: false, detail: `the 'webgpu' package could not be loaded (${(e as Error).message})` };
  }
  // Mesa's EGL must be told there is no display; it reads this when Dawn opens EGL below
  process.env.EGL_PLATFORM ??= 'surfaceless';
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
  }
  for (const options of dawnCandidates()) {
    const instance = dawn.create(options) as unknown as GpuLike & { wgslLanguageFeatures?: unknown };
    const gpu: GpuLike & Record<string, unknown> = {
      // the OpenGL ES backend only offers "compatibility" adapters; asking for one elsewhere still
      // gets a core adapter where the hardware has it
      requestAdapter: (opts = {}) => instance.requestAdapter({ ...opts, featureLevel: 'compatibility' }),
      getPreferredCanvasFormat: () => 'rgba8unorm',
      wgslLanguageFeatures: instance.wgslLanguageFeatures,
    };
    const result = await probe(gpu);
    if (!result.ok) continue;
    setNavigatorGpu(gpu);
    return result;
  }
  return {
    ok: false,
    detail: `Dawn found no adapter (tried ${dawnCandidates()
      .map((o) => o[0] ?? 'default')
      .join(', ')})`,
  };
}

async function probe(gpu: GpuLike): Promise<WebGPUProbe> {
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { ok: false, detail: 'navigator.gpu offers no adapter' };
    return { ok: true, detail: describeAdapter(adapter) };
  } catch (e) {
    return { ok: false, detail: `requestAdapter failed (${(e as Error).message})` };
  }
}

/** `Mesa llvmpipe, OpenGL ES 3.2` from Dawn's adapter info, or whatever the browser tells. */
function describeAdapter(adapter: AdapterLike): string {
  const info = adapter.info ?? {};
  const device = (info.device ?? '').split('-')[0].trim();
  const desc = info.description ?? '';
  const api = /OpenGL ES [\d.]+/.exec(desc)?.[0];
  const vendor = info.vendor || (/Mesa/.test(desc) ? 'Mesa' : '');
  const name = [vendor, device || info.architecture].filter(Boolean).join(' ');
  return [name || desc || 'unknown adapter', api].filter(Boolean).join(', ');
}

function setNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as { navigator?: object };
  if (g.navigator === undefined) {
    g.navigator = { gpu };
  } else {
    // Node 21+ has a navigator without gpu; add the property rather than replace the object
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
}

/** True when the adapter is a software rasteriser (llvmpipe, lavapipe, SwiftShader): a CPU in disguise. */
export function isSoftwareAdapter(detail: string): boolean {
  return /llvmpipe|lavapipe|swiftshader|softpipe/i.test(detail);
}
