/**
 * Where each gpu.js mode keeps a tensor between kernels, and how the data comes back.
 *
 * - webasm and cpu compute on the CPU: a kernel returns a Float32Array, which is the stored value.
 * - webgpu, headlessgl and webgl2 keep data on the device: with `pipeline: true` a kernel returns a
 *   handle (a WebGPU buffer or a GL texture) that the next kernel takes as an argument, so nothing
 *   crosses back to the host until a tensor is read. `immutable: true` gives every call its own
 *   output (otherwise a kernel would overwrite the handle it returned last time).
 * - webgpu kernels return Promises (WebGPU has no synchronous readback); GL and CPU kernels return
 *   their result at once.
 */
import type { IKernelRunShortcut } from 'gpu.js';

/** A device-resident result: a gpu.js `WebGPUBufferResult` or GL `Texture`. */
export interface DeviceHandle {
  toArray(): unknown;
  delete(): void;
}

/** What a kernel returns, and what a buffer holds: host data or a device handle. */
export type DeviceValue = Float32Array | DeviceHandle;

export interface Residency {
  /** Settings every kernel of the mode gets. */
  readonly kernelSettings: Record<string, unknown>;
  /** Data lives on the device: `write` uploads it with a kernel. */
  readonly onDevice: boolean;
  /** Kernel calls return Promises, so reads must be asynchronous. */
  readonly async: boolean;
  /** The data as a flat Float32Array (at least as long as the buffer). */
  toHost(value: DeviceValue): Float32Array | Promise<Float32Array>;
  /** Releases device memory (nothing to do for host arrays: the GC takes them). */
  free(value: DeviceValue): void;
  /** Takes ownership of a kernel's result (see webgpu below). */
  adopt(kernel: IKernelRunShortcut, value: DeviceValue): void;
}

/** Every mode computes in float32; 'single' also keeps GL from packing values into 8-bit channels. */
const COMMON = { precision: 'single', tactic: 'precision' };

const host: Residency = {
  kernelSettings: { ...COMMON },
  onDevice: false,
  async: false,
  toHost: (value) => value as Float32Array,
  free: () => {},
  adopt: () => {},
};

/** gpu.js's WebGPU kernel keeps a counted reference to its latest output buffer; the fields involved. */
interface WebGPUKernelInternals {
  outputBuffer: { _refs: number } | null;
}

const webgpu: Residency = {
  kernelSettings: { ...COMMON, pipeline: true, immutable: true },
  onDevice: true,
  async: true,
  toHost: async (value) => flat(await (value as DeviceHandle).toArray()),
  free: (value) => (value as DeviceHandle).delete(),
  /**
   * An immutable webgpu kernel keeps its latest output buffer referenced until its next call, so a
   * disposed tensor's memory would linger for as long as its kernel stays idle. gpu.js 2.24 counts
   * those references on the buffer (`_refs`); dropping the kernel's own lets `delete()` destroy the
   * buffer at once. The kernel then makes a fresh output on its next call, as it would anyway.
   */
  adopt: (kernel, value) => {
    const k = kernel.kernel as unknown as WebGPUKernelInternals;
    const buffer = (value as unknown as { buffer: unknown }).buffer;
    if (k.outputBuffer !== null && k.outputBuffer === buffer) {
      k.outputBuffer._refs--;
      k.outputBuffer = null;
    }
  },
};

const gl: Residency = {
  kernelSettings: { ...COMMON, pipeline: true, immutable: true },
  onDevice: true,
  async: false,
  toHost: (value) => flat((value as DeviceHandle).toArray()),
  free: (value) => (value as DeviceHandle).delete(),
  adopt: () => {},
};

/** A 1-D kernel's readback is a Float32Array; anything else means a kernel was built with the wrong output. */
function flat(values: unknown): Float32Array {
  if (values instanceof Float32Array) return values;
  throw new Error(`gpujs backend: expected a flat Float32Array from the device, got ${Object.prototype.toString.call(values)}`);
}

export function residencyOf(mode: string): Residency {
  switch (mode) {
    case 'webgpu':
      return webgpu;
    case 'headlessgl':
    case 'webgl2':
      return gl;
    default:
      return host;
  }
}
