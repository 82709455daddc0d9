/**
 * Row kernels on the TypeScript side (assembly/rows.ts): reductions, softmax and layerNorm over the
 * rows of a contiguous [rows, cols] buffer, split among threads by rows.
 */
import type { ReduceOp } from '../../backend.js';
import type { WasmRuntime } from './runtime.js';

const REDUCE_JOB = { OP: 0, INT: 1, X: 2, OUT: 3, OUTER: 4, INNER: 5, TASKS: 6 } as const;
const SOFTMAX_JOB = { X: 0, OUT: 1, ROWS: 2, COLS: 3, LOG: 4, TASKS: 5 } as const;
const LAYER_NORM_JOB = { X: 0, Y: 1, MEAN: 2, RSTD: 3, ROWS: 4, COLS: 5, WEIGHT: 6, BIAS: 7, EPS: 8, TASKS: 9 } as const;
const REDUCE_OPS: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2, argmax: 3, argmin: 4 };

export function reduce(rt: WasmRuntime, op: ReduceOp, isInt: boolean, x: number, out: number, outer: number, inner: number): void {
  if (outer === 0) return;
  const tasks = rt.tasksFor(outer * inner * (op.startsWith('arg') ? 2 : 0.5), outer);
  const job = rt
    .job()
    .set(REDUCE_JOB.OP, REDUCE_OPS[op])
    .set(REDUCE_JOB.INT, isInt ? 1 : 0)
    .set(REDUCE_JOB.X, x)
    .set(REDUCE_JOB.OUT, out);
  job.set(REDUCE_JOB.OUTER, outer).set(REDUCE_JOB.INNER, inner).set(REDUCE_JOB.TASKS, tasks);
  rt.run('reduceTask', tasks);
}

export function softmax(rt: WasmRuntime, x: number, out: number, rows: number, cols: number, log: boolean): void {
  if (rows * cols === 0) return;
  const tasks = rt.tasksFor(rows * cols * 2, rows); // ~1.8 ns an element measured
  const job = rt.job().set(SOFTMAX_JOB.X, x).set(SOFTMAX_JOB.OUT, out).set(SOFTMAX_JOB.ROWS, rows).set(SOFTMAX_JOB.COLS, cols);
  job.set(SOFTMAX_JOB.LOG, log ? 1 : 0).set(SOFTMAX_JOB.TASKS, tasks);
  rt.run('softmaxTask', tasks);
}

export interface LayerNormBuffers {
  readonly x: number;
  readonly y: number;
  readonly mean: number;
  readonly rstd: number;
  /** 0 when absent. */
  readonly weight: number;
  readonly bias: number;
}

export function layerNorm(rt: WasmRuntime, b: LayerNormBuffers, rows: number, cols: number, eps: number): void {
  if (rows === 0) return;
  const tasks = rt.tasksFor(rows * cols * 0.75, rows); // ~0.7 ns an element measured
  const job = rt
    .job()
    .set(LAYER_NORM_JOB.X, b.x)
    .set(LAYER_NORM_JOB.Y, b.y)
    .set(LAYER_NORM_JOB.MEAN, b.mean)
    .set(LAYER_NORM_JOB.RSTD, b.rstd);
  job.set(LAYER_NORM_JOB.ROWS, rows).set(LAYER_NORM_JOB.COLS, cols).set(LAYER_NORM_JOB.WEIGHT, b.weight).set(LAYER_NORM_JOB.BIAS, b.bias);
  job.setF32(LAYER_NORM_JOB.EPS, eps).set(LAYER_NORM_JOB.TASKS, tasks);
  rt.run('layerNormTask', tasks);
}
