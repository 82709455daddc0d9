/**
 * Layout kernels on the TypeScript side: each writes a copy or fill job (assembly/layout.ts) and runs
 * it. A copy goes from one strided view to another, so `contiguous`, `cast`, the interior of `pad` and
 * each input of `cat` are all the same kernel.
 */
import type { View } from '../../backend.js';
import type { DType } from '../../dtype.js';
import { contiguousStrides, type Shape, sizeOf } from '../../shape.js';
import { addressOf } from './buffer.js';
import { COPY_JOB, COPY_MODE, FILL_JOB, SLOT_BYTES, TRANSPOSE_JOB, TRANSPOSE_STRIP } from './generated/contract.js';
import type { WasmRuntime } from './runtime.js';
import { mergeDims } from './views.js';

/** The conversion (a COPY_MODE) that turns `from` into `to`. */
export function conversion(from: DType, to: DType): number {
  if (from === to) return COPY_MODE.COPY;
  return to === 'int32' ? COPY_MODE.F32_TO_I32 : COPY_MODE.I32_TO_F32;
}

/** Copies view `src` (shape `shape`) into `dst` walked with `dstStrides`, converting as `mode` says. */
export function copyStrided(
  rt: WasmRuntime,
  shape: Shape,
  src: number,
  srcStrides: readonly number[],
  dst: number,
  dstStrides: readonly number[],
  mode: number,
): void {
  const n = sizeOf(shape);
  if (n === 0) return;
  const merged = mergeDims(shape, [srcStrides, dstStrides]);
  if (mode === COPY_MODE.COPY && transposed(merged.shape, merged.strides[0], merged.strides[1])) {
    transpose(rt, merged.shape, src, merged.strides[0], dst, merged.strides[1]);
    return;
  }
  const tasks = rt.tasksFor(n * 0.5, Math.ceil(n / 4096));
  const job = rt.job().set(COPY_JOB.RANK, merged.shape.length).set(COPY_JOB.COUNT, n).set(COPY_JOB.MODE, mode);
  job.set(COPY_JOB.SRC, src).set(COPY_JOB.DST, dst).set(COPY_JOB.TASKS, tasks);
  job.set(COPY_JOB.SCRATCH, rt.slots).set(COPY_JOB.SCRATCH_STRIDE, SLOT_BYTES);
  job.array(job.array(job.array(COPY_JOB.SHAPE, merged.shape), merged.strides[0]), merged.strides[1]);
  rt.run('copyTask', tasks);
}

/**
 * Whether a merged copy is a (batched) transpose: its last two dims read down the source's columns
 * (stride 1 along the rows, a larger stride along the columns) and write rows of the destination.
 */
function transposed(shape: readonly number[], s: readonly number[], d: readonly number[]): boolean {
  const r = shape.length;
  return (r === 2 || r === 3) && s[r - 2] === 1 && s[r - 1] !== 1 && d[r - 1] === 1;
}

function transpose(rt: WasmRuntime, shape: readonly number[], src: number, s: readonly number[], dst: number, d: readonly number[]): void {
  const r = shape.length;
  const [batch, sb, db] = r === 3 ? [shape[0], s[0], d[0]] : [1, 0, 0];
  const [rows, cols] = shape.slice(-2);
  const tasks = rt.tasksFor(sizeOf(shape), batch * Math.ceil(rows / TRANSPOSE_STRIP));
  const f = TRANSPOSE_JOB;
  const job = rt.job().set(f.BATCH, batch).set(f.ROWS, rows).set(f.COLS, cols).set(f.SRC, src).set(f.DST, dst);
  job
    .set(f.SRC_B, sb)
    .set(f.SRC_J, s[r - 1])
    .set(f.DST_B, db)
    .set(f.DST_I, d[r - 2])
    .set(f.TASKS, tasks);
  rt.run('transposeTask', tasks);
}

/** Whether copying a view of `shape` with `strides` into row-major order takes the transpose kernel. */
export function copiesAsTranspose(shape: Shape, strides: readonly number[]): boolean {
  const merged = mergeDims(shape, [strides, contiguousStrides(shape)]);
  return transposed(merged.shape, merged.strides[0], merged.strides[1]);
}

/** Copies a view into a fresh row-major buffer at `dst`. */
export function copyView(rt: WasmRuntime, x: View, dst: number, mode: number): void {
  copyStrided(rt, x.shape, addressOf(x), x.strides, dst, contiguousStrides(x.shape), mode);
}

/** Writes `count` copies of `value` (as `dtype`) from byte address `dst`. */
export function fill(rt: WasmRuntime, dst: number, count: number, value: number, dtype: DType): void {
  if (count === 0) return;
  const bits = dtype === 'int32' ? value | 0 : new Int32Array(new Float32Array([value]).buffer)[0];
  const tasks = rt.tasksFor(count * 0.25, Math.ceil(count / 4096));
  rt.job().set(FILL_JOB.COUNT, count).set(FILL_JOB.BITS, bits).set(FILL_JOB.DST, dst).set(FILL_JOB.TASKS, tasks);
  rt.run('fillTask', tasks);
}

/** Constant padding: fill the output with `value`, then copy x into the window that starts at the `before` pads. */
export function pad(
  rt: WasmRuntime,
  x: View,
  pads: readonly (readonly [number, number])[],
  value: number,
  outShape: Shape,
  dst: number,
): void {
  fill(rt, dst, sizeOf(outShape), value, x.dtype);
  const strides = contiguousStrides(outShape);
  const start = pads.reduce((a, [before], d) => a + before * strides[d], 0);
  copyStrided(rt, x.shape, addressOf(x), x.strides, dst + 4 * start, strides, COPY_MODE.COPY);
}

/** Concatenation: each input is copied into its slice of the output along `dim`. */
export function cat(rt: WasmRuntime, xs: readonly View[], dim: number, outShape: Shape, dst: number): void {
  const strides = contiguousStrides(outShape);
  let start = 0;
  for (const x of xs) {
    copyStrided(rt, x.shape, addressOf(x), x.strides, dst + 4 * start * strides[dim], strides, COPY_MODE.COPY);
    start += x.shape[dim];
  }
}
