/**
 * conv2d and its two gradients, all from one loop. A convolution is a sum of products
 * x[xi] · w[wi] into out[oi] over every valid "tap" (xi, wi, oi); the gradients visit the same taps:
 * dx[xi] += dy[oi] · w[wi] and dw[wi] += x[xi] · dy[oi]. Sharing the loop is what makes the three
 * kernels agree on padding, stride, dilation and groups by construction.
 */
import type { Conv2dInputGradParams, Conv2dParams, Conv2dWeightGradParams } from '../../backend.js';
import { convGeometry } from '../../conv-geometry.js';
import type { TypedArray } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import type { Strided } from './strided.js';

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

/** x `[N,C,H,W]`, w `[Co,C/groups,kh,kw]`, bias `[Co]` or null, all contiguous; `out` is `[N,Co,Ho,Wo]`. */
export function conv2d(x: Strided, w: Strided, bias: Strided | null, p: Conv2dParams, out: TypedArray): TypedArray {
  // accumulate in float64, store once (so float32 outputs are rounded once, like a careful kernel)
  const acc = new Float64Array(out.length);
  forEachTap(x.shape, w.shape, p, (xi, wi, oi) => {
    acc[oi] += x.data[xi] * w.data[wi];
  });
  const co = w.shape[0];
  const plane = out.length / (x.shape[0] * co);
  for (let i = 0; i < out.length; i++) out[i] = acc[i] + (bias ? bias.data[Math.floor(i / plane) % co] : 0);
  return out;
}

/** dx = Σ dy · w over the taps; `out` has the forward input's shape `p.xShape`. */
export function conv2dBackwardInput(dy: Strided, w: Strided, p: Conv2dInputGradParams, out: TypedArray): TypedArray {
  const acc = new Float64Array(out.length);
  forEachTap(p.xShape, w.shape, p, (xi, wi, oi) => {
    acc[xi] += dy.data[oi] * w.data[wi];
  });
  out.set(acc);
  return out;
}

/** dw = Σ x · dy over the taps; `out` has the weight's shape `p.wShape`. */
export function conv2dBackwardWeight(x: Strided, dy: Strided, p: Conv2dWeightGradParams, out: TypedArray): TypedArray {
  const acc = new Float64Array(out.length);
  forEachTap(x.shape, p.wShape, p, (xi, wi, oi) => {
    acc[wi] += x.data[xi] * dy.data[oi];
  });
  out.set(acc);
  return out;
}
