/** Kernels over the rows of a contiguous `[rows, cols]` view (reductions, layerNorm) and along the middle dim of `[outer, cols, inner]` (softmax). */
import type { ReduceOp } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';
import type { Strided } from './strided.js';

/** One value per row into `out` (`rows` elements). */
export function reduceRows(op: ReduceOp, { data: x, shape: [rows, cols] }: Strided, out: TypedArray): TypedArray {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    if (op === 'sum') {
      let s = 0;
      for (let i = 0; i < cols; i++) s += x[base + i];
      out[r] = s;
      continue;
    }
    // max/min and their positions: keep the first best; a NaN wins and stays (PyTorch propagates NaN)
    const better = op === 'max' || op === 'argmax' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
    let best = x[base];
    let pos = 0;
    for (let i = 1; i < cols && !Number.isNaN(best); i++) {
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

/**
 * Softmax (or log-softmax) of x `[outer, cols, inner]` along its middle dim, max-subtracted, into `out`
 * (x's size). Element c of line (o, j) is at (o·cols + c)·inner + j.
 */
export function softmaxLines({ data: x, shape: [outer, cols, inner] }: Strided, log: boolean, out: TypedArray): TypedArray {
  forEachLine(outer, cols, inner, (at) => {
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) m = Math.max(m, x[at(c)]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[at(c)] - m);
    const logS = Math.log(s);
    for (let c = 0; c < cols; c++) out[at(c)] = log ? x[at(c)] - m - logS : Math.exp(x[at(c)] - m) / s;
  });
  return out;
}

/** softmax's gradient along the middle dim: dx = y·(g − Σ g·y), or for log-softmax dx = g − e^y·Σ g. */
export function softmaxBackwardLines(
  { data: y, shape: [outer, cols, inner] }: Strided,
  g: ArrayLike<number>,
  log: boolean,
  dx: TypedArray,
): TypedArray {
  forEachLine(outer, cols, inner, (at) => {
    let s = 0;
    for (let c = 0; c < cols; c++) s += log ? g[at(c)] : g[at(c)] * y[at(c)];
    for (let c = 0; c < cols; c++) dx[at(c)] = log ? g[at(c)] - Math.exp(y[at(c)]) * s : y[at(c)] * (g[at(c)] - s);
  });
  return dx;
}

/** Calls `fn` once per line (o, j) of an `[outer, cols, inner]` buffer, with the position of its element c. */
function forEachLine(outer: number, cols: number, inner: number, fn: (at: (c: number) => number) => void): void {
  for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) fn((c) => (o * cols + c) * inner + j);
}

/** layerNorm's input gradient per row: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), x̂ = (x − mean)·rstd, ĝ = g·weight. */
export function layerNormBackwardRows(
  { data: x, shape: [rows, cols] }: Strided,
  g: ArrayLike<number>,
  mean: ArrayLike<number>,
  rstd: ArrayLike<number>,
  weight: ArrayLike<number> | null,
  dx: TypedArray,
): TypedArray {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const xhat = (i: number) => (x[base + i] - mean[r]) * rstd[r];
    const ghat = (i: number) => g[base + i] * (weight ? weight[i] : 1);
    let meanG = 0;
    let meanGx = 0;
    for (let i = 0; i < cols; i++) {
      meanG += ghat(i) / cols;
      meanGx += (ghat(i) * xhat(i)) / cols;
    }
    for (let i = 0; i < cols; i++) dx[base + i] = rstd[r] * (ghat(i) - meanG - xhat(i) * meanGx);
  }
  return dx;
}

/** y = (x − mean)·rstd·weight + bias per row; `mean` and `rstd` get one value per row. */
export function layerNormRows(
  { data: x, shape: [rows, cols] }: Strided,
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
