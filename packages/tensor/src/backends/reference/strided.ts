/**
 * Reading views element by element: the reference backend's one indexing tool. `forEachIndex` walks
 * a shape in row-major order with an odometer (increment the last index, carry leftwards), and
 * `positionOf` turns an index into a buffer position through a view's strides.
 */
import type { View } from '../../backend.js';
import type { Shape } from '../../shape.js';

/** Calls `fn(index, flat)` for every index of `shape` in row-major order (`index` is reused: copy to keep). */
export function forEachIndex(shape: Shape, fn: (index: number[], flat: number) => void): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n === 0) return;
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    fn(index, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

/** Buffer position of `index` in view `v`. */
export function at(v: View, index: readonly number[]): number {
  let p = v.offset;
  for (let d = 0; d < index.length; d++) p += index[d] * v.strides[d];
  return p;
}

/** A view together with its buffer's elements: what reference kernels compute on. */
export interface Strided extends View {
  readonly data: ArrayLike<number>;
}

/** Element `index` of a strided view. */
export function get(v: Strided, index: readonly number[]): number {
  return v.data[at(v, index)];
}
