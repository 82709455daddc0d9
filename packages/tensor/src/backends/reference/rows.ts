/** Kernels over rows of a contiguous [rows, cols] buffer: reductions, softmax and layerNorm. */
import type { ReduceOp } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';

export function reduceRows(op: ReduceOp, x: ArrayLike<number>, outer: number, inner: number, out: TypedArray): TypedArray {
  for (let r = 0; r < outer; r++) {
    const base = r * inner;
    if (op === 'sum') {
      let s = 0;
      for (let i = 0; i < inner; i++) s += x[base + i];
      out[r] = s;
      continue;
    }
    // max/min and their positions: keep the first best; a NaN wins and stays (PyTorch propagates NaN)
    const better = op === 'max' || op === 'argmax' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
    let best = x[base];
    let pos = 0;
    for (let i = 1; i < inner && !Number.isNaN(best); i++) {
      const v = x[base + i];
      if (Number.isNaN(v) || better(v, best)) {
        best = v;
        pos = i;
      }
    }
    out[r] = op === 'argmax' || op === 'argmin' ? pos : best;
  }
  return out;
}

export function softmaxRows(x: ArrayLike<number>, rows: number, cols: number, log: boolean, out: TypedArray): TypedArray {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let m = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < cols; i++) m = Math.max(m, x[base + i]);
    let s = 0;
    for (let i = 0; i < cols; i++) s += Math.exp(x[base + i] - m);
    const logS = Math.log(s);
    for (let i = 0; i < cols; i++) out[base + i] = log ? x[base + i] - m - logS : Math.exp(x[base + i] - m) / s;
  }
  return out;
}

export function layerNormRows(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  weight: ArrayLike<number> | null,
  bias: ArrayLike<number> | null,
  eps: number,
  y: TypedArray,
  mean: TypedArray,
  rstd: TypedArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let s = 0;
    for (let i = 0; i < cols; i++) s += x[base + i];
    const m = s / cols;
    let v = 0;
    for (let i = 0; i < cols; i++) v += (x[base + i] - m) ** 2;
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = m;
    rstd[r] = rs;
    for (let i = 0; i < cols; i++) {
      const n = (x[base + i] - m) * rs;
      y[base + i] = n * (weight ? weight[i] : 1) + (bias ? bias[i] : 0);
    }
  }
}
