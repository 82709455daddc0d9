/**
 * conv2d and its two gradients, all from one loop. A convolution is a sum of products
 * x[xi] · w[wi] into out[oi] over every valid "tap" (xi, wi, oi); the gradients visit the same taps:
 * dx[xi] += dy[oi] · w[wi] and dw[wi] += x[xi] · dy[oi]. Sharing the loop is what makes the three
 * kernels agree on padding, stride, dilation and groups by construction.
 */
import type { Conv2dParams } from '../../backend.js';
import { convGeometry } from '../../conv-geometry.js';
import type { TypedArray } from '../../dtype.js';
import type { Shape } from '../../shape.js';

/** Calls `fn(xi, wi, oi)` with flat positions for every product of the convolution. */
export function forEachTap(xShape: Shape, wShape: Shape, p: Conv2dParams, fn: (xi: number, wi: number, oi: number) => void): void {
  const { n, c, h, w, co, cig, cog, kh, kw, ho, wo } = convGeometry(xShape, wShape, p);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < co; o++) {
      const g = Math.floor(o / cog);
      for (let oy = 0; oy < ho; oy++) {
        for (let ox = 0; ox < wo; ox++) {
          const oi = ((b * co + o) * ho + oy) * wo + ox;
          for (let ci = 0; ci < cig; ci++) {
            const xc = g * cig + ci;
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * p.stride[0] - p.padding[0] + ky * p.dilation[0];
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * p.stride[1] - p.padding[1] + kx * p.dilation[1];
                if (ix < 0 || ix >= w) continue;
                fn(((b * c + xc) * h + iy) * w + ix, ((o * cig + ci) * kh + ky) * kw + kx, oi);
              }
            }
          }
        }
      }
    }
  }
}

export function conv2d(
  x: ArrayLike<number>,
  xShape: Shape,
  w: ArrayLike<number>,
  wShape: Shape,
  bias: ArrayLike<number> | null,
  p: Conv2dParams,
  out: TypedArray,
): TypedArray {
  // accumulate in float64, store once (so float32 outputs are rounded once, like a careful kernel)
  const acc = new Float64Array(out.length);
  forEachTap(xShape, wShape, p, (xi, wi, oi) => {
    acc[oi] += x[xi] * w[wi];
  });
  const plane = out.length / (xShape[0] * wShape[0]);
  for (let i = 0; i < out.length; i++) out[i] = acc[i] + (bias ? bias[Math.floor(i / plane) % wShape[0]] : 0);
  return out;
}

export function conv2dBackwardInput(
  dy: ArrayLike<number>,
  w: ArrayLike<number>,
  wShape: Shape,
  xShape: Shape,
  p: Conv2dParams,
  out: TypedArray,
): TypedArray {
  const acc = new Float64Array(out.length);
  forEachTap(xShape, wShape, p, (xi, wi, oi) => {
    acc[xi] += dy[oi] * w[wi];
  });
  out.set(acc);
  return out;
}

export function conv2dBackwardWeight(
  x: ArrayLike<number>,
  xShape: Shape,
  dy: ArrayLike<number>,
  wShape: Shape,
  p: Conv2dParams,
  out: TypedArray,
): TypedArray {
  const acc = new Float64Array(out.length);
  forEachTap(xShape, wShape, p, (xi, wi, oi) => {
    acc[wi] += x[xi] * dy[oi];
  });
  out.set(acc);
  return out;
}
