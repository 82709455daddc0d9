/**
 * gather and scatterAdd on the TypeScript side (assembly/indexing.ts). The kernel stops at the first
 * index out of range and reports it in the job; the error is raised here, naming the op and the value.
 */
import type { View } from '../../backend.js';
import { contiguousStrides, type Shape, sizeOf } from '../../shape.js';
import { addressOf } from './buffer.js';
import { INDEX_JOB, MAX_RANK } from './generated/contract.js';
import type { WasmRuntime } from './runtime.js';

function run(
  rt: WasmRuntime,
  op: 'gather' | 'scatterAdd',
  values: View,
  index: View,
  dim: number,
  dimSize: number,
  target: readonly number[],
  out: number,
  outCount: number,
): void {
  const rank = index.shape.length;
  if (rank > MAX_RANK) throw new Error(`${op}: tensors of more than ${MAX_RANK} dims are not supported by the wasm backend`);
  const f = INDEX_JOB;
  const job = rt.job().set(f.RANK, rank).set(f.DIM, dim).set(f.VALUES, addressOf(values)).set(f.INDEX, addressOf(index)).set(f.OUT, out);
  job.set(f.COUNT, sizeOf(index.shape)).set(f.DIM_SIZE, dimSize).set(f.ERROR, 0).set(f.ODOMETER, rt.slots);
  job.set(f.IS_INT, values.dtype === 'int32' ? 1 : 0).set(f.OUT_COUNT, outCount);
  job.array(job.array(job.array(job.array(f.SHAPE, index.shape), values.strides), index.strides), target);
  rt.kernels[op](rt.jobAddress);
  const base = rt.jobAddress / 4;
  if (rt.i32[base + f.ERROR])
    throw new Error(`${op}: index ${rt.i32[base + f.BAD_INDEX]} is out of range for dim ${dim} of size ${dimSize}`);
}

/** out[…] = x[… index[…] …] along `dim`; `out` has index's shape. */
export function gather(rt: WasmRuntime, x: View, index: View, dim: number, out: number): void {
  if (sizeOf(index.shape) === 0) return;
  run(rt, 'gather', x, index, dim, x.shape[dim], x.strides, out, 0);
}

/** out = zeros(shape); out[… index[…] …] += src[…] along `dim`. */
export function scatterAdd(rt: WasmRuntime, index: View, src: View, shape: Shape, dim: number, out: number): void {
  run(rt, 'scatterAdd', src, index, dim, shape[dim], contiguousStrides(shape), out, sizeOf(shape));
}
