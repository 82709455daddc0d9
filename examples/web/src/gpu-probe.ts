/**
 * What gpu.js actually ran. gpu.js may replace a kernel behind the caller's back — a GPU kernel that
 * cannot run in its context "falls back" to its CPU kernel with no more than a console warning — so the
 * mode the backend was created with says what was asked for, not what computed. This module watches
 * `GPU.prototype.createKernel` (gpu.js's public API; the gpujs backend calls it for every kernel it
 * builds) and, on request, names the class of the kernel each compiled launcher holds now: a fallback
 * shows up as a CPUKernel. Kernel classes are recognised by identity with the classes gpu.js exports,
 * never by name (a minifier may rename classes).
 */
import gpujs from 'gpu.js';

const { GPU } = gpujs;
type KernelClass = abstract new (...args: never[]) => unknown;
/** The kernel classes gpu.js hangs on its GPU class (its typings omit some). */
const K = GPU as unknown as Record<
  'WebGPUKernel' | 'WebGL2Kernel' | 'WebGLKernel' | 'HeadlessGLKernel' | 'WebAssemblyKernel' | 'CPUKernel',
  KernelClass
>;

interface KernelLike {
  readonly context?: unknown;
}
interface LauncherLike {
  readonly kernel: KernelLike;
}

/** The kernels each gpu.js instance has built, in order. */
const built = new Map<object, LauncherLike[]>();

/** Most derived first: WebGL2Kernel and HeadlessGLKernel extend WebGLKernel. */
const classes: [string, KernelClass][] = [
  ['webgpu', K.WebGPUKernel],
  ['webgl2', K.WebGL2Kernel],
  ['headlessgl', K.HeadlessGLKernel],
  ['webgl', K.WebGLKernel],
  ['webasm', K.WebAssemblyKernel],
  ['cpu', K.CPUKernel],
];

let installed = false;

/** Starts watching (idempotent; must run before the gpujs backend builds its first kernel). */
export function watchGpuKernels(): void {
  if (installed) return;
  installed = true;
  const proto = GPU.prototype as unknown as { createKernel: (...args: unknown[]) => LauncherLike };
  const original = proto.createKernel;
  proto.createKernel = function (this: object, ...args: unknown[]) {
    const launcher = original.apply(this, args);
    const list = built.get(this) ?? [];
    list.push(launcher);
    built.set(this, list);
    return launcher;
  };
}

/** What gpu.js ran for the instances created in `mode`: kernels per kernel class, and the GL renderer where there is one. */
export interface GpuKernelReport {
  /** Kernel class → number of compiled kernels now of that class (e.g. `{ webgl2: 41 }`; `cpu` means fallbacks). */
  readonly kernels: Record<string, number>;
  /** WebGL's unmasked renderer string (e.g. `ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device ...))`), or null. */
  readonly renderer: string | null;
}

export function gpuKernelReport(mode: string): GpuKernelReport {
  const kernels: Record<string, number> = {};
  let renderer: string | null = null;
  for (const [gpu, launchers] of built) {
    if ((gpu as { mode?: string }).mode !== mode) continue;
    for (const l of launchers) {
      const cls = classes.find(([, c]) => typeof c === 'function' && l.kernel instanceof c);
      const name = cls ? cls[0] : 'unknown';
      kernels[name] = (kernels[name] ?? 0) + 1;
      renderer ??= glRenderer(l.kernel.context);
    }
  }
  return { kernels, renderer };
}

function glRenderer(context: unknown): string | null {
  if (typeof WebGL2RenderingContext === 'undefined' || !(context instanceof WebGL2RenderingContext)) return null;
  const info = context.getExtension('WEBGL_debug_renderer_info');
  return String(context.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : context.RENDERER));
}
