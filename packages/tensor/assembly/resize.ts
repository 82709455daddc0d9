/**
 * Bilinear and nearest resizing of [planes, h, w] images and their adjoints. Which input rows and
 * columns (and with which weights) make each output pixel is computed once per call on the TypeScript
 * side, in float64 by the functions every backend shares (src/resize-geometry.ts), and passed as tables:
 * bilinear — per output row (y0, y1, wy0, wy1) and per output column (x0, x1, wx0, wx1);
 * nearest — per output row y and per output column x. Threads split the planes.
 *
 * Bilinear is separable: an output row blends two input rows (wy0·row y0 + wy1·row y1, vectorised
 * along the row) into a line, and each output pixel then blends two neighbours of that line. That is
 * 2 loads a pixel where blending the four taps directly takes 4. The adjoint runs the same steps
 * backwards: spread each gradient row onto a line, then add the line into the two input rows.
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
  const line = at(<usize>field(job, RESIZE_JOB.LINES), task * w);
  const image = (<usize>(h * w)) << 2;
  const resized = (<usize>(outH * outW)) << 2;
  const planes = field(job, RESIZE_JOB.PLANES);
  const end = boundary(planes, 1, field(job, RESIZE_JOB.TASKS), task + 1);
  for (let plane = boundary(planes, 1, field(job, RESIZE_JOB.TASKS), task); plane < end; plane++) {
    const src = <usize>field(job, RESIZE_JOB.SRC) + <usize>plane * (backward ? resized : image);
    const dst = <usize>field(job, RESIZE_JOB.DST) + <usize>plane * (backward ? image : resized);
    if (backward) memory.fill(dst, 0, image);
    if (nearest) {
      if (backward) walkNearest(dst, src, w, outH, outW, yTab, xTab, true);
      else walkNearest(src, dst, w, outH, outW, yTab, xTab, false);
    } else if (backward) {
      spreadBilinear(dst, src, w, outH, outW, yTab, xTab, line);
    } else {
      blendBilinear(src, dst, w, outH, outW, yTab, xTab, line);
    }
  }
}

/**
 * Nearest: resized[o] = image[tap] forward (`spread` false); image[tap] += resized[o] for the adjoint.
 * `spread` is a constant at both call sites, so each gets its own loop.
 */
// @inline
function walkNearest(image: usize, resized: usize, w: i32, outH: i32, outW: i32, yTab: usize, xTab: usize, spread: bool): void {
  for (let oy = 0; oy < outH; oy++) {
    const o = at(resized, oy * outW);
    const row = at(image, load<i32>(at(yTab, oy)) * w);
    for (let ox = 0; ox < outW; ox++) {
      const p = at(row, load<i32>(at(xTab, ox)));
      if (spread) store<f32>(p, load<f32>(p) + load<f32>(at(o, ox)));
      else store<f32>(at(o, ox), load<f32>(p));
    }
  }
}

/** Bilinear forward: per output row, line = wy0·row y0 + wy1·row y1, then resized[ox] = wx0·line[x0] + wx1·line[x1]. */
function blendBilinear(image: usize, resized: usize, w: i32, outH: i32, outW: i32, yTab: usize, xTab: usize, line: usize): void {
  for (let oy = 0; oy < outH; oy++) {
    const ty = at(yTab, 4 * oy);
    const r0 = at(image, load<i32>(ty) * w);
    const r1 = at(image, load<i32>(ty, 4) * w);
    const wy0 = load<f32>(ty, 8);
    const wy1 = load<f32>(ty, 12);
    const v0 = f32x4.splat(wy0);
    const v1 = f32x4.splat(wy1);
    let x = 0;
    for (; x + 4 <= w; x += 4) {
      v128.store(at(line, x), f32x4.add(f32x4.mul(v128.load(at(r0, x)), v0), f32x4.mul(v128.load(at(r1, x)), v1)));
    }
    for (; x < w; x++) store<f32>(at(line, x), wy0 * load<f32>(at(r0, x)) + wy1 * load<f32>(at(r1, x)));
    const o = at(resized, oy * outW);
    for (let ox = 0; ox < outW; ox++) {
      const tx = at(xTab, 4 * ox);
      store<f32>(
        at(o, ox),
        load<f32>(tx, 8) * load<f32>(at(line, load<i32>(tx))) + load<f32>(tx, 12) * load<f32>(at(line, load<i32>(tx, 4))),
      );
    }
  }
}

/**
 * Bilinear adjoint: per gradient row, line[x0] += wx0·g[ox] and line[x1] += wx1·g[ox] (`spreadColumns`),
 * then row y0 += wy0·line, row y1 += wy1·line.
 */
function spreadBilinear(image: usize, resized: usize, w: i32, outH: i32, outW: i32, yTab: usize, xTab: usize, line: usize): void {
  for (let oy = 0; oy < outH; oy++) {
    spreadColumns(at(resized, oy * outW), w, outW, xTab, line);
    const ty = at(yTab, 4 * oy);
    const r0 = at(image, load<i32>(ty) * w);
    const r1 = at(image, load<i32>(ty, 4) * w);
    const wy0 = load<f32>(ty, 8);
    const wy1 = load<f32>(ty, 12);
    const v0 = f32x4.splat(wy0);
    const v1 = f32x4.splat(wy1);
    let x = 0;
    for (; x + 4 <= w; x += 4) {
      const l = v128.load(at(line, x));
      v128.store(at(r0, x), f32x4.add(v128.load(at(r0, x)), f32x4.mul(l, v0)));
      v128.store(at(r1, x), f32x4.add(v128.load(at(r1, x)), f32x4.mul(l, v1))); // r1 may be r0 (an edge row): both adds land
    }
    for (; x < w; x++) {
      const l = load<f32>(at(line, x));
      store<f32>(at(r0, x), load<f32>(at(r0, x)) + wy0 * l);
      store<f32>(at(r1, x), load<f32>(at(r1, x)) + wy1 * l);
    }
  }
}

/**
 * line[0, w) = the columns' adjoint of one gradient row g[0, outW): line[x0] += wx0·g[ox], line[x1] +=
 * wx1·g[ox]. Along a row x0 never decreases and x1 is x0 or x0 + 1 (`linearTaps`), so the sums for the
 * two columns `col` and `col + 1` stay in registers until x0 moves on; adding into memory at every
 * output pixel would chain each store to the next load of the same address (upsampling ×4 hits the
 * same two columns four times in a row).
 */
// @inline
function spreadColumns(g: usize, w: i32, outW: i32, xTab: usize, line: usize): void {
  memory.fill(line, 0, (<usize>w) << 2);
  let col = load<i32>(xTab);
  let a0: f32 = 0; // line[col]'s share so far
  let a1: f32 = 0; // line[col + 1]'s
  for (let ox = 0; ox < outW; ox++) {
    const tx = at(xTab, 4 * ox);
    const x0 = load<i32>(tx);
    if (x0 !== col) {
      addColumns(line, w, col, a0, a1);
      col = x0;
      a0 = 0;
      a1 = 0;
    }
    const v = load<f32>(at(g, ox));
    a0 += load<f32>(tx, 8) * v;
    if (load<i32>(tx, 4) === col) a0 += load<f32>(tx, 12) * v;
    else a1 += load<f32>(tx, 12) * v;
  }
  addColumns(line, w, col, a0, a1);
}

// @inline
function addColumns(line: usize, w: i32, col: i32, a0: f32, a1: f32): void {
  store<f32>(at(line, col), load<f32>(at(line, col)) + a0);
  if (col + 1 < w) store<f32>(at(line, col + 1), load<f32>(at(line, col + 1)) + a1);
}
