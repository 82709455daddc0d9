/** A view with its buffer's elements: what the reference kernels compute on, read element by element. */
import type { View } from '../../backend.js';
import { at } from '../../view-walk.js';

/** A view together with its buffer's elements. */
export interface Strided extends View {
  readonly data: ArrayLike<number>;
}

/** Element `index` of a strided view. */
export function get(v: Strided, index: readonly number[]): number {
  return v.data[at(v, index)];
}
