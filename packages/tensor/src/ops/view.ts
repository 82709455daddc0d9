/**
 * Views: ops that change how a buffer is seen, not what it holds. Each returns a tensor sharing its
 * source's buffer, with new shape/strides/offset, in O(rank) time and no copy — except `reshape` of a
 * layout that cannot be re-strided, which copies (as PyTorch's `reshape` does and `view` refuses).
 */
import { checkDType, type DType } from '../dtype.js';
import { op } from '../engine.js';
import { checkShape, contiguousStrides, fmt, normalizeDim, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, makeView, share, wrap } from './util.js';

/** Resolves one `-1` in a target shape and checks the element count. */
function inferShape(op: string, t: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  const free = out.indexOf(-1);
  if (free !== out.lastIndexOf(-1)) throw new Error(`${op}: only one dimension can be -1, got ${fmt(shape)}`);
  if (free >= 0) {
    const known = out.reduce((a, d, i) => (i === free ? a : a * d), 1);
    if (known === 0 || t.size % known !== 0) throw new Error(`${op}: cannot infer -1 in ${fmt(shape)} for ${t.size} elements`);
    out[free] = t.size / known;
  }
  checkShape(op, out);
  if (sizeOf(out) !== t.size)
    throw new Error(`${op}: shape ${fmt(shape)} is invalid for input of shape ${fmt(t.shape)} (${t.size} elements)`);
  return out;
}

/**
 * Strides that show `t`'s elements in `shape` without a copy, or null when the layout forbids it.
 * Walk the old dims in groups that are contiguous with each other ("chunks"); each chunk must be
 * split or merged into new dims exactly (PyTorch's `computeStride`).
 */
function restride(t: Tensor, shape: readonly number[]): number[] | null {
  if (t.size === 0) return contiguousStrides(shape);
  const oldShape = t.shape.filter((d) => d !== 1);
  const oldStrides = t.strides.filter((_, i) => t.shape[i] !== 1);
  const out = new Array<number>(shape.length).fill(0);
  let newDim = shape.length - 1;
  let chunkSize = 1;
  let chunkBase = oldStrides[oldStrides.length - 1] ?? 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    chunkSize *= oldShape[d];
    const endsChunk = d === 0 || oldStrides[d - 1] !== oldStrides[d] * oldShape[d];
    if (!endsChunk) continue;
    let stride = chunkBase;
    let covered = 1;
    while (newDim >= 0 && (covered < chunkSize || shape[newDim] === 1)) {
      out[newDim] = stride;
      stride *= shape[newDim];
      covered *= shape[newDim];
      newDim--;
    }
    if (covered !== chunkSize) return null;
    chunkSize = 1;
    if (d > 0) chunkBase = oldStrides[d - 1];
  }
  for (; newDim >= 0; newDim--) out[newDim] = 1; // leading size-1 dims
  return out;
}

/** The same elements in a new shape (one dim may be -1); zero-copy when the layout allows, else a copy. */
export const reshape = op('reshape', (t: Tensor, shape: readonly number[]): Tensor => {
  const target = inferShape('reshape', t, shape);
  const strides = restride(t, target);
  if (strides) return makeView(t, target, strides, t.offset);
  return makeView(contiguous(t), target, contiguousStrides(target), 0); // the copy goes with this op's scope; the view keeps its buffer
});

/** Like reshape, but never copies: a layout that cannot be re-strided is an error (PyTorch's `view`). */
export const view = op('view', (t: Tensor, shape: readonly number[]): Tensor => {
  const target = inferShape('view', t, shape);
  const strides = restride(t, target);
  if (!strides)
    throw new Error(
      `view: size ${fmt(target)} is not compatible with the input's strides ${fmt(t.strides)} (shape ${fmt(t.shape)}); use reshape() or contiguous()`,
    );
  return makeView(t, target, strides, t.offset);
});

/** Reorders dims: result dim i is input dim `dims[i]`. */
export const permute = op('permute', (t: Tensor, dims: readonly number[]): Tensor => {
  if (dims.length !== t.rank) throw new Error(`permute: got ${dims.length} dims ${fmt(dims)} for a tensor of shape ${fmt(t.shape)}`);
  const ds = dims.map((d) => normalizeDim('permute', d, t.rank));
  if (new Set(ds).size !== ds.length) throw new Error(`permute: repeated dim in ${fmt(dims)}`);
  return makeView(
    t,
    ds.map((d) => t.shape[d]),
    ds.map((d) => t.strides[d]),
    t.offset,
  );
});

/** Swaps two dims. */
export const transpose = op('transpose', (t: Tensor, dim0: number, dim1: number): Tensor => {
  const order = t.shape.map((_, i) => i);
  const a = normalizeDim('transpose', dim0, t.rank);
  const b = normalizeDim('transpose', dim1, t.rank);
  [order[a], order[b]] = [order[b], order[a]];
  return permute(t, order);
});

/** Repeats size-1 dims (stride 0) and prepends new ones; -1 keeps a dim. No memory is used. */
export const expand = op('expand', (t: Tensor, shape: readonly number[]): Tensor => {
  if (shape.length < t.rank) throw new Error(`expand: target ${fmt(shape)} has fewer dims than the input ${fmt(t.shape)}`);
  const lead = shape.length - t.rank;
  const strides: number[] = [];
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const src = i - lead;
    const want = shape[i] === -1 && src >= 0 ? t.shape[src] : shape[i];
    if (src < 0) {
      out.push(want);
      strides.push(0);
    } else if (t.shape[src] === want) {
      out.push(want);
      strides.push(t.strides[src]);
    } else if (t.shape[src] === 1) {
      out.push(want);
      strides.push(0);
    } else {
      throw new Error(`expand: cannot expand ${fmt(t.shape)} to ${fmt(shape)} (dim ${i}: ${t.shape[src]} is not 1)`);
    }
  }
  checkShape('expand', out);
  return makeView(t, out, strides, t.offset);
});

/** `length` elements of `dim` starting at `start` (negative start counts from the end). */
export const narrow = op('narrow', (t: Tensor, dim: number, start: number, length: number): Tensor => {
  const d = normalizeDim('narrow', dim, t.rank);
  const s = start < 0 ? start + t.shape[d] : start;
  if (s < 0 || length < 0 || s + length > t.shape[d]) {
    throw new Error(
      `narrow: start ${start} and length ${length} out of range for dim ${dim} of size ${t.shape[d]} (shape ${fmt(t.shape)})`,
    );
  }
  const shape = [...t.shape];
  shape[d] = length;
  return makeView(t, shape, t.strides, t.offset + s * t.strides[d]);
});

/** Python's `t[start:end:step]` along `dim`, with its clamping of out-of-range bounds. */
export const slice = op('slice', (t: Tensor, dim: number, start = 0, end = Number.POSITIVE_INFINITY, step = 1): Tensor => {
  const d = normalizeDim('slice', dim, t.rank);
  if (!Number.isInteger(step) || step < 1) throw new Error(`slice: step must be a positive integer, got ${step}`);
  const n = t.shape[d];
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clampIdx(start);
  const e = Math.max(clampIdx(end), s);
  const shape = [...t.shape];
  const strides = [...t.strides];
  shape[d] = Math.ceil((e - s) / step);
  strides[d] *= step;
  return makeView(t, shape, strides, t.offset + s * t.strides[d]);
});

/** Drops size-1 dims (all, or just `dim` if it has size 1). */
export const squeeze = op('squeeze', (t: Tensor, dim?: number): Tensor => {
  const d = dim === undefined ? -1 : normalizeDim('squeeze', dim, t.rank);
  const keep = t.shape.map((n, i) => !(n === 1 && (d === -1 || d === i)));
  return makeView(
    t,
    t.shape.filter((_, i) => keep[i]),
    t.strides.filter((_, i) => keep[i]),
    t.offset,
  );
});

/** Inserts a size-1 dim at `dim` (in `[-rank-1, rank]`). */
export const unsqueeze = op('unsqueeze', (t: Tensor, dim: number): Tensor => {
  const d = normalizeDim('unsqueeze', dim, t.rank + 1);
  const shape = [...t.shape];
  const strides = [...t.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < t.rank ? t.strides[d] * t.shape[d] : 1);
  return makeView(t, shape, strides, t.offset);
});

/** Merges dims `startDim..endDim` into one. */
export const flatten = op('flatten', (t: Tensor, startDim = 0, endDim = -1): Tensor => {
  const s = normalizeDim('flatten', startDim, Math.max(t.rank, 1)); // a 0-d input takes dim 0 or -1, as in PyTorch
  const e = normalizeDim('flatten', endDim, Math.max(t.rank, 1));
  if (t.rank === 0) return reshape(t, [1]);
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const merged = t.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(t, [...t.shape.slice(0, s), merged, ...t.shape.slice(e + 1)]);
});

/** A tensor with the same values laid out row-major in its own buffer (itself if it already is). */
export const contiguous = op('contiguous', (t: Tensor): Tensor => {
  const b = backendOf('contiguous', t);
  if (t.isContiguous() && t.offset === 0 && t.size === t.bufferSize) return share(t);
  return wrap(b, b.contiguous(t), t.shape, t.dtype);
});

/** A copy in a buffer of its own. */
export const clone = op('clone', (t: Tensor): Tensor => {
  const b = backendOf('clone', t);
  return wrap(b, b.contiguous(t), t.shape, t.dtype);
});

/** Converts to another dtype (float→int truncates toward zero). */
export const cast = op('cast', (t: Tensor, dtype: DType): Tensor => {
  const b = backendOf('cast', t);
  checkDType('cast', dtype);
  if (!b.dtypes.includes(dtype)) throw new Error(`cast: backend ${b.name} does not support dtype ${dtype}`);
  if (t.dtype === dtype) return share(t);
  return wrap(b, b.cast(t, { dtype }), t.shape, dtype);
});
