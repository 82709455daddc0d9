/**
 * Resizing NCHW images, PyTorch's `F.interpolate` semantics, with the adjoint kernels autograd needs.
 *
 * The subtle part is the coordinate map. With `alignCorners: false` (PyTorch's default) pixels are
 * squares and output pixel o samples input coordinate (o + 0.5)·scale − 0.5; with `true` the corner
 * pixel centres coincide and o samples o·(in − 1)/(out − 1). When a `scaleFactor` is given, PyTorch uses
 * 1/scaleFactor as the scale rather than in/out (they differ when in·scaleFactor is not an integer).
 */
import type { ResizeParams } from '../backend.js';
import { op } from '../engine.js';
import { fmt, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, checkDtype, wrap } from './util.js';
import { contiguous } from './view.js';

/** Options of {@link interpolate} (PyTorch `F.interpolate`'s keyword arguments); give exactly one of `size` and `scaleFactor`. */
export interface InterpolateOptions {
  /** Output `[H, W]` (or one number for both). */
  size?: number | readonly [number, number];
  /** Multiplier of the input size (or `[sh, sw]`). */
  scaleFactor?: number | readonly [number, number];
  /** Resampling: `'nearest'` (the default, as PyTorch) copies pixels; `'bilinear'` blends the four nearest. */
  mode?: 'bilinear' | 'nearest';
  /** Bilinear only; PyTorch's default is false. */
  alignCorners?: boolean;
}

/** Output size and the kernel's coordinate map for an input of `[N,C,H,W]`. */
export function resizeParams(
  op: string,
  xShape: readonly number[],
  opts: InterpolateOptions,
): {
  /** Output height. */
  outH: number;
  /** Output width. */
  outW: number;
  /** The coordinate map to pass to the resize kernels. */
  p: ResizeParams;
} {
  if (xShape.length !== 4) throw new Error(`${op}: expected input [N,C,H,W], got ${fmt(xShape)}`);
  const [, , h, w] = xShape;
  if (h < 1 || w < 1) throw new Error(`${op}: input ${fmt(xShape)} has no pixels to resize (H and W must be at least 1)`);
  const mode = opts.mode ?? 'nearest';
  if (mode !== 'bilinear' && mode !== 'nearest') throw new Error(`${op}: unknown mode '${mode}' (bilinear or nearest)`);
  const alignCorners = opts.alignCorners ?? false;
  if (mode === 'nearest' && opts.alignCorners !== undefined) throw new Error(`${op}: alignCorners only applies to bilinear mode`);
  if ((opts.size === undefined) === (opts.scaleFactor === undefined)) throw new Error(`${op}: give exactly one of size and scaleFactor`);
  let outH: number;
  let outW: number;
  let sh: number;
  let sw: number;
  if (opts.size !== undefined) {
    [outH, outW] = typeof opts.size === 'number' ? [opts.size, opts.size] : opts.size;
    sh = h / outH;
    sw = w / outW;
  } else {
    const [fh, fw] =
      typeof opts.scaleFactor === 'number' ? [opts.scaleFactor, opts.scaleFactor] : (opts.scaleFactor as readonly [number, number]);
    if (!(fh > 0 && fw > 0)) throw new Error(`${op}: scaleFactor must be positive, got ${fh},${fw}`);
    outH = Math.floor(h * fh);
    outW = Math.floor(w * fw);
    sh = 1 / fh;
    sw = 1 / fw;
  }
  if (!Number.isInteger(outH) || !Number.isInteger(outW) || outH < 1 || outW < 1)
    throw new Error(`${op}: invalid output size ${outH}x${outW} for input ${fmt(xShape)}`);
  if (alignCorners) {
    sh = outH > 1 ? (h - 1) / (outH - 1) : 0;
    sw = outW > 1 ? (w - 1) / (outW - 1) : 0;
  }
  return { outH, outW, p: { alignCorners, scaleH: sh, scaleW: sw } };
}

/** `F.interpolate(x, {size | scaleFactor, mode, alignCorners})` for `[N,C,H,W]` input. */
export const interpolate = op('interpolate', (x: Tensor, opts: InterpolateOptions): Tensor => {
  const b = backendOf('interpolate', x);
  checkDtype('interpolate', x, ['float32', 'float64']);
  const { outH, outW, p } = resizeParams('interpolate', x.shape, opts);
  const kernel = (opts.mode ?? 'nearest') === 'bilinear' ? b.resizeBilinear : b.resizeNearest;
  return wrap(b, kernel.call(b, contiguous(x), { ...p, outH, outW }), [x.shape[0], x.shape[1], outH, outW], x.dtype);
});

/**
 * The adjoint of `interpolate`: maps a gradient `dy` of the output back onto the input's
 * `[N,C,H,W]` (`xShape`), for the same options.
 */
export const interpolateBackward = op('interpolateBackward', (dy: Tensor, xShape: readonly number[], opts: InterpolateOptions): Tensor => {
  const b = backendOf('interpolateBackward', dy);
  checkDtype('interpolateBackward', dy, ['float32', 'float64']);
  const { outH, outW, p } = resizeParams('interpolateBackward', xShape, opts);
  const want = [xShape[0], xShape[1], outH, outW];
  if (!shapesEqual(dy.shape, want)) throw new Error(`interpolateBackward: dy ${fmt(dy.shape)} should be ${fmt(want)}`);
  const kernel = (opts.mode ?? 'nearest') === 'bilinear' ? b.resizeBilinearBackward : b.resizeNearestBackward;
  return wrap(b, kernel.call(b, contiguous(dy), { ...p, outH: xShape[2], outW: xShape[3] }), xShape, dy.dtype);
});
