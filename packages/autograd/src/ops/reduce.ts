/**
 * Reductions. Their backward is the reverse of a reduction: broadcast the gradient back over the
 * reduced dims (a stride-0 view, no copy), times the local derivative — 1 for sum, 1/n for mean,
 * 2(x − mean)/(n − correction) for var, softmax for logsumexp, the arg-position mask for max/min.
 */
import type { Dims, Tensor } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import { keptShape, reducedCount, reducedDims } from '../dims.js';
import { record } from '../record.js';
import type { Variable } from '../variable.js';

export type { Dims } from '@setr-ts/tensor';

/** `g`, the gradient of a reduction over `dims` of a tensor of `shape`, broadcast back to `shape`. */
function spreadBack(g: Tensor, shape: readonly number[], dims: readonly number[]): Tensor {
  return T.expand(T.reshape(g, keptShape(shape, dims)), shape);
}

/** Each input element enters its sum once: the gradient is g, broadcast back. */
export function sum(x: Variable, dim?: Dims, keepdim = false): Variable {
  const dims = reducedDims('sum', dim, x.rank);
  return record('sum', T.sum(x.data, dim, keepdim), [x], () => (g) => [spreadBack(g, x.shape, dims)], { dims, keepdim });
}

/** g / n, broadcast back. */
export function mean(x: Variable, dim?: Dims, keepdim = false): Variable {
  const dims = reducedDims('mean', dim, x.rank);
  const n = reducedCount(x.shape, dims);
  return record('mean', T.mean(x.data, dim, keepdim), [x], () => (g) => [spreadBack(T.div(g, n), x.shape, dims)], { dims, keepdim });
}

/**
 * max and min route the gradient to the position(s) holding the result. With ties, it is split
 * evenly among them (as PyTorch's full-reduction `max()` and `amax` do); without ties that is exactly
 * the arg position. (PyTorch's `max(dim)`, which also returns indices, gives it all to one index.)
 */
function extremum(op: 'max' | 'min', x: Variable, dim: Dims, keepdim: boolean): Variable {
  const dims = reducedDims(op, dim, x.rank);
  const out = op === 'max' ? T.max(x.data, dim, keepdim) : T.min(x.data, dim, keepdim);
  return record(
    op,
    out,
    [x],
    (save) => {
      const [xs, ys] = save(x.data, out);
      return (g) => {
        const hits = T.cast(T.eq(xs, spreadBack(ys, x.shape, dims)), x.dtype); // 1 where x is the extremum
        const share = T.div(g, T.sum(hits, dims, keepdim)); // g / number of ties
        return [T.mul(hits, spreadBack(share, x.shape, dims))];
      };
    },
    { dims, keepdim },
  );
}

/** Largest value over `dim` (all dims when omitted). */
export const max = (x: Variable, dim?: Dims, keepdim = false) => extremum('max', x, dim, keepdim);
/** Smallest value over `dim` (all dims when omitted). */
export const min = (x: Variable, dim?: Dims, keepdim = false) => extremum('min', x, dim, keepdim);

/**
 * Variance with Bessel's `correction` (1, PyTorch's default, is unbiased): d var / dx = 2(x − mean)/(n − correction).
 */
export function variance(x: Variable, dim?: Dims, opts: { keepdim?: boolean; correction?: number } = {}): Variable {
  const dims = reducedDims('variance', dim, x.rank);
  const n = reducedCount(x.shape, dims);
  const correction = opts.correction ?? 1;
  return record(
    'var',
    T.variance(x.data, dim, opts),
    [x],
    (save) => {
      const [xs] = save(x.data);
      return (g) => {
        const centred = T.sub(xs, T.mean(xs, dims, true));
        return [T.mul(centred, spreadBack(T.mul(g, 2 / Math.max(n - correction, 0)), x.shape, dims))];
      };
    },
    { dims, keepdim: opts.keepdim ?? false, correction },
  );
}
export { variance as var };

/** d logsumexp / dx = exp(x − logsumexp(x)), the softmax over the reduced dims. */
export function logsumexp(x: Variable, dim: number | readonly number[], keepdim = false): Variable {
  const dims = reducedDims('logsumexp', dim, x.rank);
  const out = T.logsumexp(x.data, dim, keepdim);
  return record(
    'logsumexp',
    out,
    [x],
    (save) => {
      const [xs, ys] = save(x.data, out);
      return (g) => [T.mul(T.exp(T.sub(xs, spreadBack(ys, x.shape, dims))), spreadBack(g, x.shape, dims))];
    },
    { dims, keepdim },
  );
}
