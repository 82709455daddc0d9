/**
 * Reductions over any set of dims. The frontend moves the reduced dims last and makes the input
 * contiguous, so every backend implements one simple kernel: reduce each row of `[outer, inner]`.
 * Each op runs in its own scope (see `op` in engine.ts): the temporaries below are freed on return.
 * `mean`, `var` and `logsumexp` are composed from it.
 */
import type { ReduceOp } from '../backend.js';
import { op } from '../engine.js';
import { normalizeDims, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { abs, add, div, eq, exp, log, mul, sub, where } from './elementwise.js';
import { backendOf, wrap } from './util.js';
import { contiguous, permute, reshape } from './view.js';

/** The dims a reduction covers: one, a list, or all of them (undefined, or an empty list). */
export type Dims = number | readonly number[] | undefined;

/** Output shape of reducing `dims` of `shape`. */
function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((d, i) => (dims.includes(i) ? 1 : d)) : shape.filter((_, i) => !dims.includes(i));
}

const reduceOp = op('reduce', (kind: ReduceOp, x: Tensor, dimsArg: Dims, keepdim: boolean): Tensor => {
  const b = backendOf(kind, x);
  const dims = normalizeDims(kind, dimsArg, x.rank);
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const inner = sizeOf(dims.map((d) => x.shape[d]));
  const outer = sizeOf(kept.map((d) => x.shape[d]));
  if (inner === 0 && kind !== 'sum') throw new Error(`${kind}: cannot reduce over an empty dim (shape [${x.shape.join(',')}])`);
  const rows = reshape(contiguous(permute(x, [...kept, ...dims])), [outer, inner]); // [outer, inner]
  const dtype = kind === 'argmax' || kind === 'argmin' ? 'int32' : x.dtype;
  return wrap(b, b.reduce(rows, { op: kind }), reducedShape(x.shape, dims, keepdim), dtype);
});

/** Sum over `dim` (all dims when omitted). */
export const sum = (x: Tensor, dim?: Dims, keepdim = false) => reduceOp('sum', x, dim, keepdim);
/** Largest value over `dim` (values only; see argmax for positions). */
export const max = (x: Tensor, dim?: Dims, keepdim = false) => reduceOp('max', x, dim, keepdim);
/** Smallest value over `dim` (values only; see argmin for positions). */
export const min = (x: Tensor, dim?: Dims, keepdim = false) => reduceOp('min', x, dim, keepdim);

const argReduce = op('argReduce', (kind: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor => {
  if (dim !== undefined) return reduceOp(kind, x, dim, keepdim);
  // over the flattened tensor; keepdim then gives all-ones dims, as PyTorch's argmax(keepdim=True)
  const index = reduceOp(kind, reshape(x, [-1]), 0, false);
  return keepdim
    ? reshape(
        index,
        x.shape.map(() => 1),
      )
    : index;
});

/** Index of the largest value along `dim` (over the flattened tensor when omitted); first on ties. */
export const argmax = (x: Tensor, dim?: number, keepdim = false) => argReduce('argmax', x, dim, keepdim);
/** Index of the smallest value along `dim` (over the flattened tensor when omitted); first on ties. */
export const argmin = (x: Tensor, dim?: number, keepdim = false) => argReduce('argmin', x, dim, keepdim);

/** Arithmetic mean over `dim`. */
export const mean = op('mean', (x: Tensor, dim?: Dims, keepdim = false): Tensor => {
  const dims = normalizeDims('mean', dim, x.rank);
  const n = sizeOf(dims.map((d) => x.shape[d]));
  const f = x.dtype === 'int32' ? x.float() : x;
  return div(sum(f, dims, keepdim), n);
});

/**
 * Variance over `dim` with Bessel's `correction` (1 = unbiased, PyTorch's default; 0 = biased).
 * Two-pass (subtract the mean first), which is stable where E[x²]−E[x]² is not.
 */
export const variance = op('variance', (x: Tensor, dim?: Dims, opts: { keepdim?: boolean; correction?: number } = {}): Tensor => {
  const { keepdim = false, correction = 1 } = opts;
  const dims = normalizeDims('variance', dim, x.rank);
  const n = sizeOf(dims.map((d) => x.shape[d]));
  const d = sub(x, mean(x, dims, true));
  return div(sum(mul(d, d), dims, keepdim), Math.max(n - correction, 0));
});

/**
 * log(sum(exp(x))) over `dim`, computed as m + log(sum(exp(x − m))) with m the max, so it never
 * overflows. As in PyTorch, an infinite max is replaced by 0: a row of all −inf gives −inf and a row
 * holding +inf gives +inf, where x − m would be inf − inf = NaN.
 */
export const logsumexp = op('logsumexp', (x: Tensor, dim: Dims, keepdim = false): Tensor => {
  const dims = normalizeDims('logsumexp', dim, x.rank);
  const rawMax = max(x, dims, true);
  const m = where(eq(abs(rawMax), Number.POSITIVE_INFINITY), 0, rawMax);
  const withMax = add(log(sum(exp(sub(x, m)), dims, true)), m);
  return keepdim ? withMax : reshape(withMax, reducedShape(x.shape, dims, false));
});

/** PyTorch's name for {@link variance} (`var` is reserved in declarations, not in exports). */
export { variance as var };
