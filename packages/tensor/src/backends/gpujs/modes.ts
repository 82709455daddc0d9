/**
 * Which gpu.js mode runs the kernels. Chosen with `setBackend('gpujs', { mode })`, else the
 * `SETR_GPUJS_MODE` environment variable, else `auto`. Auto is never silent: it probes in order
 * webgpu → headlessgl → webgl2 → webasm → cpu, takes the first that works, and the backend's
 * description (which the engine prints) says what ran and why the others did not.
 */
import gpujs from 'gpu.js';
import { ensureWebGPU, isSoftwareAdapter } from './node-webgpu.js';

const { GPU } = gpujs;

export const MODES = ['webgpu', 'headlessgl', 'webgl2', 'webasm', 'cpu'] as const;
export type GpujsMode = (typeof MODES)[number];

export interface ModeChoice {
  readonly mode: GpujsMode;
  /** What runs underneath, e.g. `Mesa llvmpipe, OpenGL ES 3.2` or `WebAssembly SIMD`. */
  readonly detail: string;
  /** Whether `auto` chose it. */
  readonly auto: boolean;
  /** Why auto passed over each mode before this one. */
  readonly probes: readonly string[];
}

/** Whether a mode runs here: what runs underneath, or why not. */
export type Probe = { ok: true; detail: string } | { ok: false; why: string };

export async function probe(mode: GpujsMode): Promise<Probe> {
  switch (mode) {
    case 'webgpu': {
      const p = await ensureWebGPU();
      if (!p.ok) return { ok: false, why: p.detail };
      // say so when the "GPU" is a software rasteriser: it runs on the CPU
      return { ok: true, detail: isSoftwareAdapter(p.detail) ? `${p.detail}, software rasteriser on the CPU` : p.detail };
    }
    case 'headlessgl':
      return GPU.isHeadlessGLSupported
        ? { ok: true, detail: 'headless-gl' }
        : { ok: false, why: "needs the optional 'gl' package (headless-gl) and a GL driver" };
    case 'webgl2':
      return GPU.isWebGL2Supported ? { ok: true, detail: 'WebGL2' } : { ok: false, why: 'needs a browser with WebGL2' };
    case 'webasm':
      return GPU.isWebAssemblySupported
        ? { ok: true, detail: 'WebAssembly, single-threaded, f32x4 SIMD' }
        : { ok: false, why: 'WebAssembly is not available' };
    case 'cpu':
      return { ok: true, detail: 'plain JavaScript' };
  }
}

/**
 * Resolves the requested mode (`undefined` → the SETR_GPUJS_MODE environment variable in Node → auto) to one that works here, or throws
 * why not. `probeMode` is a parameter so tests can stand in for the machine.
 */
export async function chooseMode(requested: unknown, probeMode: (mode: GpujsMode) => Promise<Probe> = probe): Promise<ModeChoice> {
  const wanted = requested ?? globalThis.process?.env?.SETR_GPUJS_MODE ?? 'auto'; // a browser has no process
  if (wanted === 'auto') {
    const probes: string[] = [];
    for (const mode of MODES) {
      const p = await probeMode(mode);
      if (p.ok) return { mode, detail: p.detail, auto: true, probes };
      probes.push(`${mode}: ${p.why}`);
    }
    throw new Error(`setBackend('gpujs'): no gpu.js mode works here (${probes.join('; ')})`);
  }
  if (!MODES.includes(wanted as GpujsMode)) {
    throw new Error(`setBackend('gpujs'): unknown mode '${String(wanted)}' (choose auto, ${MODES.join(', ')})`);
  }
  const p = await probeMode(wanted as GpujsMode);
  if (!p.ok) throw new Error(`setBackend('gpujs', { mode: '${String(wanted)}' }): not available here: ${p.why}`);
  return { mode: wanted as GpujsMode, detail: p.detail, auto: false, probes: [] };
}

/** Whether the chosen mode computes on the CPU (gpu.js's fallbacks, or a software "GPU"). */
export function computesOnCpu(choice: ModeChoice): boolean {
  return choice.mode === 'webasm' || choice.mode === 'cpu' || choice.detail.includes('software rasteriser');
}

/**
 * `gpujs (webgpu, Mesa llvmpipe, OpenGL ES 3.2)`, and for auto what it chose and passed over. When it
 * computes on the CPU the description says so and points to the wasm backend, which is the faster
 * CPU path (never a silent slowdown).
 */
export function describe(choice: ModeChoice): string {
  const how = !choice.auto ? '' : choice.probes.length === 0 ? '; chosen by auto' : `; chosen by auto after ${choice.probes.join('; ')}`;
  const hint = computesOnCpu(choice) ? " — this runs on the CPU, where the 'wasm' backend is much faster" : '';
  return `gpujs (${choice.mode}, ${choice.detail}${how})${hint}`;
}
