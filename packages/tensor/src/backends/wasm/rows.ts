/**
 * Row kernels on the TypeScript side (assembly/rows.ts): reductions, softmax and layerNorm over the
 * rows of a contiguous `[rows, cols]` view, split among threads by rows.
 */
import type { ReduceOp, View } from '../../backend.js';
import { addressOf } from './buffer.js';
import { LAYER_NORM_BACKWARD_JOB, LAYER_NORM_JOB, REDUCE_JOB, REDUCE_OPS, SOFTMAX_JOB } from './generated/contract.js';
import type { WasmRuntime } from './runtime.js';

/** One value per row of x into `out`. */
export function reduce(rt: WasmRuntime, x: View, op: ReduceOp, out: number): void {
  const [rows, cols] = x.shape;
  if (rows === 0) return;
  const tasks = rt.tasksFor(rows * cols * (op.startsWith('arg') ? 2 : 0.5), rows);
  const f = REDUCE_JOB;
  const job = rt
    .job()
    .set(f.OP, REDUCE_OPS[op])
    .set(f.INT, x.dtype === 'int32' ? 1 : 0)
    .set(f.X, addressOf(x))
    .set(f.OUT, out);
  job.set(f.ROWS, rows).set(f.COLS, cols).set(f.TASKS, tasks);
  rt.run('reduceTask', tasks);
}

/** Softmax (or log-softmax) of x `[outer, cols, inner]` along the middle dim into `out`. */
export function softmax(rt: WasmRuntime, x: View, log: boolean, out: number): void {
  alongMiddle(rt, 'softmaxTask', x, null, log, out, 2); // ~1.8 ns an element measured
}

/** softmax's (or log-softmax's) gradient from its output y and the output gradient g, `[outer, cols, inner]`, into `dx`. */
export function softmaxBackward(rt: WasmRuntime, y: View, g: View, log: boolean, dx: number): void {
  alongMiddle(rt, 'softmaxBackwardTask', y, g, log, dx, 1);
}

/** Runs a softmax-family job over the lines of `[outer, cols, inner]`: rows when inner is 1, groups of four lines otherwise. */
function alongMiddle(
  rt: WasmRuntime,
  kernel: 'softmaxTask' | 'softmaxBackwardTask',
  x: View,
  g: View | null,
  log: boolean,
  out: number,
  nsPerElement: number,
): void {
  const [outer, cols, inner] = x.shape;
  if (outer * cols * inner === 0) return;
  const units = inner === 1 ? outer : outer * Math.ceil(inner / 4);
  const tasks = rt.tasksFor(outer * cols * inner * nsPerElement, units);
  const f = SOFTMAX_JOB;
  const job = rt.job().set(f.X, addressOf(x)).set(f.OUT, out).set(f.OUTER, outer).set(f.COLS, cols).set(f.INNER, inner);
  job
    .set(f.LOG, log ? 1 : 0)
    .set(f.TASKS, tasks)
    .set(f.G, g ? addressOf(g) : 0);
  rt.run(kernel, tasks);
}

/** Where layerNorm writes: y (x's size), and one mean and rstd per row. */
export interface LayerNormOutputs {
  readonly y: number;
  readonly mean: number;
  readonly rstd: number;
}

/** LayerNorm of each row of x; weight and bias (`cols` elements each) are optional. */
export function layerNorm(rt: WasmRuntime, x: View, weight: View | null, bias: View | null, eps: number, out: LayerNormOutputs): void {
  const [rows, cols] = x.shape;
  if (rows === 0) return;
  const tasks = rt.tasksFor(rows * cols * 0.75, rows); // ~0.7 ns an element measured
  const f = LAYER_NORM_JOB;
  const job = rt.job().set(f.X, addressOf(x)).set(f.Y, out.y).set(f.MEAN, out.mean).set(f.RSTD, out.rstd);
  job.set(f.ROWS, rows).set(f.COLS, cols).setF32(f.EPS, eps).set(f.TASKS, tasks);
  // an absent weight or bias is address 0, which the kernel skips
  job.set(f.WEIGHT, weight ? addressOf(weight) : 0).set(f.BIAS, bias ? addressOf(bias) : 0);
  rt.run('layerNormTask', tasks);
}

/** layerNorm's input gradient for each row of x (see layerNormBackwardTask); weight `cols` elements or null. */
export function layerNormBackward(rt: WasmRuntime, x: View, g: View, mean: View, rstd: View, weight: View | null, dx: number): void {
  const [rows, cols] = x.shape;
  if (rows * cols === 0) return;
  const tasks = rt.tasksFor(rows * cols * 0.75, rows); // two light passes, about layerNorm's cost
  const f = LAYER_NORM_BACKWARD_JOB;
  const job = rt.job().set(f.X, addressOf(x)).set(f.G, addressOf(g)).set(f.MEAN, addressOf(mean)).set(f.RSTD, addressOf(rstd));
  job
    .set(f.WEIGHT, weight ? addressOf(weight) : 0)
    .set(f.DX, dx)
    .set(f.ROWS, rows)
    .set(f.COLS, cols)
    .set(f.TASKS, tasks);
  rt.run('layerNormBackwardTask', tasks);
}
