/**
 * Bilinear and nearest resizing of [planes, h, w] images and their adjoints. Which input rows and
 * columns (and with which weights) make each output pixel is computed once per call on the TypeScript
 * side, in float64 by the functions every backend shares (src/resize-geometry.ts), and passed as tables:
 * bilinear — per output row (y0, y1, wy0, wy1) and per output column (x0, x1, wx0, wx1);
 * nearest — per output row y and per output column x. Threads split the planes.
 */
import { RESIZE_JOB } from './generated/contract';
import { at, boundary, field } from './job';

/**
 * The image is [H, W] and the resized one [OUT_H, OUT_W] in both directions: forward, SRC is the image
 * and DST the resized one; backward, SRC is the gradient of the resized one and DST the image's gradient.
 */
export function resizeTask(job: usize, task: i32, _slot: i32): void {
  const nearest = field(job, RESIZE_JOB.NEAREST) !== 0;
  const backward = field(job, RESIZE_JOB.BACKWARD) !== 0;
  const h = field(job, RESIZE_JOB.H);
  const w = field(job, RESIZE_JOB.W);
  const outH = field(job, RESIZE_JOB.OUT_H);
  const outW = field(job, RESIZE_JOB.OUT_W);
  const yTab = <usize>field(job, RESIZE_JOB.Y_TAB);
  const xTab = <usize>field(job, RESIZE_JOB.X_TAB);
  const image = (<usize>(h * w)) << 2;
  const resized = (<usize>(outH * outW)) << 2;
  const planes = field(job, RESIZE_JOB.PLANES);
  const end = boundary(planes, 1, field(job, RESIZE_JOB.TASKS), task + 1);
  for (let plane = boundary(planes, 1, field(job, RESIZE_JOB.TASKS), task); plane < end; plane++) {
    const src = <usize>field(job, RESIZE_JOB.SRC) + <usize>plane * (backward ? resized : image);
    const dst = <usize>field(job, RESIZE_JOB.DST) + <usize>plane * (backward ? image : resized);
    if (backward) {
      memory.fill(dst, 0, image);
      walkPlane(dst, src, w, outH, outW, yTab, xTab, nearest, true);
    } else {
      walkPlane(src, dst, w, outH, outW, yTab, xTab, nearest, false);
    }
  }
}

/**
 * Visits every output pixel's taps in one fixed order. Forward (`spread` false): resized[o] = Σ weight ·
 * image[tap]. Adjoint (`spread` true): image[tap] += weight · resized[o], the same taps read the other
 * way. `spread` is a constant at both call sites, so each gets its own loop.
 */
// @inline
function walkPlane(
  image: usize,
  resized: usize,
  w: i32,
  outH: i32,
  outW: i32,
  yTab: usize,
  xTab: usize,
  nearest: bool,
  spread: bool,
): void {
  for (let oy = 0; oy < outH; oy++) {
    const o = at(resized, oy * outW);
    if (nearest) {
      const row = at(image, load<i32>(at(yTab, oy)) * w);
      for (let ox = 0; ox < outW; ox++) {
        const p = at(row, load<i32>(at(xTab, ox)));
        if (spread) store<f32>(p, load<f32>(p) + load<f32>(at(o, ox)));
        else store<f32>(at(o, ox), load<f32>(p));
      }
      continue;
    }
    const ty = at(yTab, 4 * oy);
    const r0 = at(image, load<i32>(ty) * w);
    const r1 = at(image, load<i32>(ty, 4) * w);
    const wy0 = load<f32>(ty, 8);
    const wy1 = load<f32>(ty, 12);
    for (let ox = 0; ox < outW; ox++) {
      const tx = at(xTab, 4 * ox);
      const p00 = at(r0, load<i32>(tx));
      const p01 = at(r0, load<i32>(tx, 4));
      const p10 = at(r1, load<i32>(tx));
      const p11 = at(r1, load<i32>(tx, 4));
      const wx0 = load<f32>(tx, 8);
      const wx1 = load<f32>(tx, 12);
      if (spread) {
        const v = load<f32>(at(o, ox));
        const top = wy0 * v;
        const bottom = wy1 * v;
        store<f32>(p00, load<f32>(p00) + wx0 * top);
        store<f32>(p01, load<f32>(p01) + wx1 * top);
        store<f32>(p10, load<f32>(p10) + wx0 * bottom);
        store<f32>(p11, load<f32>(p11) + wx1 * bottom);
      } else {
        const top = wx0 * load<f32>(p00) + wx1 * load<f32>(p01);
        const bottom = wx0 * load<f32>(p10) + wx1 * load<f32>(p11);
        store<f32>(at(o, ox), wy0 * top + wy1 * bottom);
      }
    }
  }
}
