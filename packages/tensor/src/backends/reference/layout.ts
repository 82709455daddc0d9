/** Layout kernels: copying views out (contiguous, cast), padding and concatenation. */
import type { TypedArray } from '../../dtype.js';
import { forEachIndex } from '../../view-walk.js';
import { get, type Strided } from './strided.js';

/** Writes the view's elements row-major into `out` (cast happens by the typed array's store). */
export function copyInto(x: Strided, out: TypedArray): TypedArray {
  forEachIndex(x.shape, (i, flat) => {
    out[flat] = get(x, i);
  });
  return out;
}

/** Float → int32 truncates toward zero (PyTorch); Int32Array's store would wrap, so truncate first. */
export function castInto(x: Strided, out: TypedArray): TypedArray {
  forEachIndex(x.shape, (i, flat) => {
    const v = get(x, i);
    out[flat] = out instanceof Int32Array ? Math.trunc(v) : v;
  });
  return out;
}

export function pad(
  x: Strided,
  pads: readonly (readonly [number, number])[],
  value: number,
  outShape: readonly number[],
  out: TypedArray,
): TypedArray {
  const src = new Array<number>(outShape.length);
  forEachIndex(outShape, (o, flat) => {
    let inside = true;
    for (let d = 0; d < o.length; d++) {
      src[d] = o[d] - pads[d][0];
      if (src[d] < 0 || src[d] >= x.shape[d]) inside = false;
    }
    out[flat] = inside ? get(x, src) : value;
  });
  return out;
}

export function cat(xs: readonly Strided[], dim: number, outShape: readonly number[], out: TypedArray): TypedArray {
  // starts[k] is where input k begins along `dim`
  const starts: number[] = [];
  let s = 0;
  for (const x of xs) {
    starts.push(s);
    s += x.shape[dim];
  }
  const src = new Array<number>(outShape.length);
  forEachIndex(outShape, (o, flat) => {
    let k = xs.length - 1;
    while (starts[k] > o[dim]) k--;
    for (let d = 0; d < o.length; d++) src[d] = o[d];
    src[dim] = o[dim] - starts[k];
    out[flat] = get(xs[k], src);
  });
  return out;
}
