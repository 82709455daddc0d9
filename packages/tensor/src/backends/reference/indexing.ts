/** gather and its adjoint scatterAdd over strided views; out-of-range indices are errors, not reads. */
import type { TypedArray } from '../../dtype.js';
import { forEachIndex } from '../../view-walk.js';
import { get, type Strided } from './strided.js';

function checked(op: string, idx: number, size: number, dim: number): number {
  if (!(idx >= 0 && idx < size)) throw new Error(`${op}: index ${idx} is out of range for dim ${dim} of size ${size}`);
  return idx;
}

/** out[i] = x[i with i[dim] = index[i]]; `out` has index's shape. */
export function gather(x: Strided, index: Strided, dim: number, out: TypedArray): TypedArray {
  const src = new Array<number>(x.shape.length);
  forEachIndex(index.shape, (i, flat) => {
    for (let d = 0; d < i.length; d++) src[d] = i[d];
    src[dim] = checked('gather', get(index, i), x.shape[dim], dim);
    out[flat] = get(x, src);
  });
  return out;
}

/** out = zeros(shape); out[i with i[dim] = index[i]] += src[i]. */
export function scatterAdd(index: Strided, src: Strided, shape: readonly number[], dim: number, out: TypedArray): TypedArray {
  const acc = new Float64Array(out.length);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  forEachIndex(index.shape, (i) => {
    let pos = 0;
    for (let d = 0; d < i.length; d++) {
      const coord = d === dim ? checked('scatterAdd', get(index, i), shape[dim], dim) : i[d];
      pos += coord * strides[d];
    }
    acc[pos] += get(src, i);
  });
  out.set(acc);
  return out;
}
