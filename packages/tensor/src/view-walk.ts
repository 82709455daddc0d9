/**
 * Walking a view's elements on the host: `forEachIndex` visits every index of a shape in row-major
 * order with an odometer (increment the last index, carry leftwards), and `at` turns an index into a
 * buffer position through a view's strides. The reference backend computes with them; the gpujs
 * backend checks host-side indices with them.
 */
import type { View } from './backend.js';
import type { Shape } from './shape.js';

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
