/**
 * A launch: one kernel call, described as data. Kernel families (elementwise.ts, matmul.ts, ...)
 * only build launches; `DeviceMemory` runs them. A kernel's arguments are its input buffers, then
 * host arrays: `meta` (sizes, strides, offsets and scalars, all as float32) and any lookup tables.
 * Host arrays are uploaded on every call; they are small (tens of numbers, or one row of a table).
 */
import type { DataId } from '../../backend.js';

export interface Launch {
  /** Names the operation in error messages, e.g. `binary add`. */
  readonly op: string;
  /** Names the kernel variant; launches with equal keys share one compiled kernel. */
  readonly key: string;
  /** The kernel's JavaScript source, built only when the variant is first compiled. */
  readonly source: () => string;
  /** Buffers the kernel reads, its first arguments. */
  readonly inputs: readonly DataId[];
  /** Host arrays after the inputs, in argument order: `meta` and any lookup tables. */
  readonly tables: readonly Float32Array[];
  /** Elements of the (contiguous) output. */
  readonly outSize: number;
}

/** `function (a, b, meta) { <body> }`: the kernel source text gpu.js parses. */
export function kernelSource(args: readonly string[], body: string): string {
  return `function (${args.join(', ')}) {\n${body}\n}`;
}

/** A meta array from plain numbers (kernels read every scalar from it). */
export function meta(values: readonly number[]): Float32Array {
  return Float32Array.from(values);
}
