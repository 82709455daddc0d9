/**
 * Reductions over any set of dims. The frontend moves the reduced dims last and makes the input
 * contiguous, so every backend implements one simple kernel: reduce each row of `[outer, inner]`.
 * `mean`, `var` and `logsumexp` are composed from it.
 */
import type { ReduceOp } from '../backend.js';
import { normalizeDims, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { abs, add, div, eq, exp, log, mul, sub, where } from './elementwise.js';
import { backendOf, wrap } from './util.js';
import { contiguous, permute, reshape } from './view.js';

type Dims = number | readonly number[] | undefined;

/** Output shape of reducing `dims` of `shape`. */
function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((d, i) => (dims.includes(i) ? 1 : d)) : shape.filter((_, i) => !dims.includes(i));
}

function reduceOp(op: ReduceOp, x: Tensor, dimsArg: Dims, keepdim: boolean): Tensor {
  const b = backendOf(op, x);
  const dims = normalizeDims(op, dimsArg, x.rank);
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const inner = sizeOf(dims.map((d) => x.shape[d]));
  const outer = sizeOf(kept.map((d) => x.shape[d]));
  if (inner === 0 && op !== 'sum') throw new Error(`${op}: cannot reduce over an empty dim (shape [${x.shape.join(',')}])`);
  const moved = permute(x, [...kept, ...dims]);
  const c = contiguous(moved);
  const dtype = op === 'argmax' || op === 'argmin' ? 'int32' : x.dtype;
  const out = wrap(b, b.reduce(op, c.dataId, x.dtype, outer, inner), reducedShape(x.shape, dims, keepdim), dtype);
  moved.dispose();
  c.dispose();
  return out;
}

/** Sum over `dim` (all dims when omitted). */
export const sum = (x: Tensor, dim?: Dims, keepdim = false) => reduceOp('sum', x, dim, keepdim);
/** Largest value over `dim` (values only; see argmax for positions). */
export const max = (x: Tensor, dim?: Dims, keepdim = false) => reduceOp('max', x, dim, keepdim);
export const min = (x: Tensor, dim?: Dims, keepdim = false) => reduceOp('min', x, dim, keepdim);
/** Index of the largest value along `dim` (over the flattened tensor when omitted); first on ties. */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argReduce('argmax', x, dim, keepdim);
}
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argReduce('argmin', x, dim, keepdim);
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  if (dim !== undefined) return reduceOp(op, x, dim, keepdim);
  // over the flattened tensor; keepdim then gives all-ones dims, as PyTorch's argmax(keepdim=True)
  const flat = reshape(x, [-1]);
  const index = reduceOp(op, flat, 0, false);
  flat.dispose();
  if (!keepdim) return index;
  const out = reshape(
    index,
    x.shape.map(() => 1),
  );
  index.dispose();
  return out;
}

/** Arithmetic mean over `dim`. */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normalizeDims('mean', dim, x.rank);
  const n = sizeOf(dims.map((d) => x.shape[d]));
  const f = x.dtype === 'int32' ? x.float() : x;
  const s = sum(f, dims, keepdim);
  const out = div(s, n);
  s.dispose();
  if (f !== x) f.dispose();
  return out;
}

/**
 * Variance over `dim` with Bessel's `correction` (1 = unbiased, PyTorch's default; 0 = biased).
 * Two-pass (subtract the mean first), which is stable where E[x²]−E[x]² is not.
 */
export function variance(x: Tensor, dim?: Dims, opts: { keepdim?: boolean; correction?: number } = {}): Tensor {
  const { keepdim = false, correction = 1 } = opts;
  const dims = normalizeDims('var', dim, x.rank);
  const n = sizeOf(dims.map((d) => x.shape[d]));
  const m = mean(x, dims, true);
  const d = sub(x, m);
  const sq = mul(d, d);
  const s = sum(sq, dims, keepdim);
  const out = div(s, Math.max(n - correction, 0));
  for (const t of [m, d, sq, s]) t.dispose();
  return out;
}

/**
 * log(sum(exp(x))) over `dim`, computed as m + log(sum(exp(x − m))) with m the max, so it never
 * overflows. As in PyTorch, an infinite max is replaced by 0: a row of all −inf gives −inf and a row
 * holding +inf gives +inf, where x − m would be inf − inf = NaN.
 */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  const dims = normalizeDims('logsumexp', dim, x.rank);
  const rawMax = max(x, dims, true);
  const absMax = abs(rawMax);
  const infinite = eq(absMax, Number.POSITIVE_INFINITY);
  const m = where(infinite, 0, rawMax);
  const shifted = sub(x, m);
  const e = exp(shifted);
  const s = sum(e, dims, true);
  const l = log(s);
  const withMax = add(l, m);
  const out = keepdim ? withMax : reshape(withMax, reducedShape(x.shape, dims, false));
  for (const t of [rawMax, absMax, infinite, m, shifted, e, s, l]) t.dispose();
  if (out !== withMax) withMax.dispose();
  return out;
}

/** PyTorch's name for {@link variance} (`var` is reserved in declarations, not in exports). */
export { variance as var };
