/**
 * Resizing images: each output pixel is a weighted sum of input pixels (bilinear) or a copy of one
 * (nearest), so the gradient spreads g back with the same weights — the backend's adjoint kernel.
 */
import type { InterpolateOptions } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import { record } from '../record.js';
import type { Variable } from '../variable.js';

/** `F.interpolate(x, {size | scaleFactor, mode, alignCorners})` for `[N,C,H,W]` input. */
export function interpolate(x: Variable, opts: InterpolateOptions): Variable {
  const shape = x.shape;
  return record('interpolate', T.interpolate(x.data, opts), [x], () => (g) => [T.interpolateBackward(g, shape, opts)], { opts });
}
