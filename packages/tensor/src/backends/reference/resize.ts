/**
 * Bilinear and nearest resizing, and their adjoints, from one description of which input pixels
 * (and with which weights) make each output pixel. Forward: out[o] += weight · x[i]; adjoint:
 * dx[i] += weight · dy[o] — the same taps read the other way.
 */
import type { ResizeParams } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';
import { linearTaps, nearestIndex } from '../../resize-geometry.js';

type Tap = (src: number, dst: number, weight: number) => void;

export function forEachBilinearTap(planes: number, h: number, w: number, outH: number, outW: number, p: ResizeParams, fn: Tap): void {
  for (let c = 0; c < planes; c++) {
    for (let oy = 0; oy < outH; oy++) {
      const [y0, y1, wy0, wy1] = linearTaps(oy, h, p.scaleH, p.alignCorners);
      for (let ox = 0; ox < outW; ox++) {
        const [x0, x1, wx0, wx1] = linearTaps(ox, w, p.scaleW, p.alignCorners);
        const dst = (c * outH + oy) * outW + ox;
        const base = c * h * w;
        fn(base + y0 * w + x0, dst, wy0 * wx0);
        fn(base + y0 * w + x1, dst, wy0 * wx1);
        fn(base + y1 * w + x0, dst, wy1 * wx0);
        fn(base + y1 * w + x1, dst, wy1 * wx1);
      }
    }
  }
}

export function forEachNearestTap(planes: number, h: number, w: number, outH: number, outW: number, p: ResizeParams, fn: Tap): void {
  for (let c = 0; c < planes; c++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy = nearestIndex(oy, h, p.scaleH);
      for (let ox = 0; ox < outW; ox++) {
        fn((c * h + iy) * w + nearestIndex(ox, w, p.scaleW), (c * outH + oy) * outW + ox, 1);
      }
    }
  }
}

export type TapWalker = typeof forEachBilinearTap;

/**
 * Applies the resize as the sparse linear map its taps describe: forward, out[dst] = Σ weight · x[src];
 * with `adjoint`, the transpose of that map, out[src] = Σ weight · x[dst] (the gradient). `out` has the
 * output's size (planes·outH·outW) forward and the input's (planes·h·w) for the adjoint.
 */
export function applyTaps(
  walk: TapWalker,
  x: ArrayLike<number>,
  planes: number,
  h: number,
  w: number,
  outH: number,
  outW: number,
  p: ResizeParams,
  adjoint: boolean,
  out: TypedArray,
): TypedArray {
  const acc = new Float64Array(out.length);
  const tap: Tap = adjoint
    ? (src, dst, weight) => {
        acc[src] += weight * x[dst];
      }
    : (src, dst, weight) => {
        acc[dst] += weight * x[src];
      };
  walk(planes, h, w, outH, outW, p, tap);
  out.set(acc);
  return out;
}
