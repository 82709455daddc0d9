/**
 * Views and layout. Forward: the tensor package's view op (no copy). Backward: the inverse
 * rearrangement of the gradient — reshape back, permute back, sum a broadcast back, or place a
 * narrowed gradient back into zeros by padding.
 */
import type { DType, Tensor } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import { notifyObserver } from '../op-observer.js';
import { constant, record } from '../record.js';
import { unbroadcast } from '../unbroadcast.js';
import type { Variable } from '../variable.js';

/** An op that only regroups elements (reshape, view, flatten, squeeze, unsqueeze): its gradient is reshaped back. */
function regroup(op: string, x: Variable, out: Tensor): Variable {
  const shape = x.shape;
  return record(op, out, [x], () => (g) => [T.reshape(g, shape)]);
}

/** The same elements in a new shape (one dim may be -1). */
export const reshape = (x: Variable, shape: readonly number[]) => regroup('reshape', x, T.reshape(x.data, shape));
/** As reshape, but never copies. */
export const view = (x: Variable, shape: readonly number[]) => regroup('view', x, T.view(x.data, shape));
/** Merges dims `startDim..endDim`. */
export const flatten = (x: Variable, startDim = 0, endDim = -1) => regroup('flatten', x, T.flatten(x.data, startDim, endDim));
/** Drops size-1 dims (all, or just `dim`). */
export const squeeze = (x: Variable, dim?: number) => regroup('squeeze', x, T.squeeze(x.data, dim));
/** Inserts a size-1 dim at `dim`. */
export const unsqueeze = (x: Variable, dim: number) => regroup('unsqueeze', x, T.unsqueeze(x.data, dim));

/** Output dim i is input dim dims[i], so the gradient goes back by the inverse permutation. */
export function permute(x: Variable, dims: readonly number[]): Variable {
  const out = T.permute(x.data, dims);
  return record(
    'permute',
    out,
    [x],
    () => {
      const inverse: number[] = [];
      dims.forEach((d, i) => {
        inverse[d < 0 ? d + x.rank : d] = i;
      });
      return (g) => [T.permute(g, inverse)];
    },
    { dims },
  );
}

/** A swap is its own inverse. */
export function transpose(x: Variable, dim0: number, dim1: number): Variable {
  return record('transpose', T.transpose(x.data, dim0, dim1), [x], () => (g) => [T.transpose(g, dim0, dim1)], { dim0, dim1 });
}

/** Each input element appears many times in the output: its gradient sums them (the unbroadcast rule). */
export function expand(x: Variable, shape: readonly number[]): Variable {
  const inShape = x.shape;
  return record('expand', T.expand(x.data, shape), [x], () => (g) => [unbroadcast(g, inShape)]);
}

/** `length` elements of `dim` from `start`: the gradient is zero elsewhere. */
export function narrow(x: Variable, dim: number, start: number, length: number): Variable {
  const out = T.narrow(x.data, dim, start, length);
  const d = dim < 0 ? dim + x.rank : dim;
  const n = x.shape[d];
  const s = start < 0 ? start + n : start;
  return record('narrow', out, [x], () => (g) => [padAlong(g, d, s, n - s - length)], { dim: d, start: s, length });
}

/** Python's `x[start:end:step]` along `dim`; the gradient lands on every step-th element, zeros between. */
export function slice(x: Variable, dim: number, start?: number, end?: number, step = 1): Variable {
  const out = T.slice(x.data, dim, start, end, step);
  const d = dim < 0 ? dim + x.rank : dim;
  const n = x.shape[d];
  const first = Math.min(Math.max(start === undefined ? 0 : start < 0 ? start + n : start, 0), n); // Python's clamping
  return record('slice', out, [x], () => (g) => [spread(g, d, first, step, n)], { dim: d, start: first, step });
}

/**
 * Zeros of size `n` along dim `d` with g's entries at first, first+step, …: interleave step−1 zero
 * slices after each entry (unsqueeze, pad, merge), then pad the ends.
 */
function spread(g: Tensor, d: number, first: number, step: number, n: number): Tensor {
  const m = g.shape[d];
  if (step === 1 || m === 0) return padAlong(g, d, first, n - first - m);
  const interleaved = padAlong(T.unsqueeze(g, d + 1), d + 1, 0, step - 1); // [.., m, step, ..]
  const merged = T.flatten(interleaved, d, d + 1); // [.., m·step, ..]
  const len = Math.min(m * step, n - first);
  return padAlong(T.narrow(merged, d, 0, len), d, first, n - first - len);
}

/** Zero padding of `before` and `after` elements along dim `d` only (F.pad counts pairs from the last dim). */
function padAlong(g: Tensor, d: number, before: number, after: number): Tensor {
  if (before === 0 && after === 0) return g;
  const pads = new Array<number>(2 * (g.rank - d)).fill(0);
  pads[2 * (g.rank - 1 - d)] = before;
  pads[2 * (g.rank - 1 - d) + 1] = after;
  return T.pad(g, pads);
}

/** The values laid out row-major in a buffer of their own (itself if they already are): the gradient passes through unchanged. */
export function contiguous(x: Variable): Variable {
  return record('contiguous', T.contiguous(x.data), [x], () => (g) => [g]);
}
/** A copy in a buffer of its own: the gradient passes through unchanged. */
export function clone(x: Variable): Variable {
  return record('clone', T.clone(x.data), [x], () => (g) => [g]);
}

/** A dtype conversion; between float types the gradient converts back. To int32 nothing flows (a constant). */
export function cast(x: Variable, dtype: DType): Variable {
  const out = T.cast(x.data, dtype);
  if (dtype === 'int32') {
    const result = constant(out);
    notifyObserver('cast', [x], result, { dtype }); // not recorded, but still an op call
    return result;
  }
  const from = x.dtype;
  return record('cast', out, [x], () => (g) => [T.cast(g, from)], { dtype });
}
