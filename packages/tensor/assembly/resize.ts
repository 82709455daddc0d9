/**
 * Bilinear and nearest resizing of [planes, h, w] images and their adjoints. Which input rows and
 * columns (and with which weights) make each output pixel is computed once per call on the TypeScript
 * side, in float64 by the same formulas as the reference backend, and passed as tables:
 * bilinear — per output row (y0, y1, wy0, wy1) and per output column (x0, x1, wx0, wx1);
 * nearest — per output row y and per output column x. Threads split the planes.
 */
import { at, boundary, field } from './job';

/** Job fields of resizeTask and resizeBackwardTask. */
const NEAREST = 0;
const SRC = 1;
const DST = 2;
const PLANES = 3;
const H = 4;
const W = 5;
const OUT_H = 6;
const OUT_W = 7;
const Y_TAB = 8;
const X_TAB = 9;
const TASKS = 10;

/** out[oy][ox] = Σ weights · x[taps]. */
export function resizeTask(job: usize, task: i32, _slot: i32): void {
  const nearest = field(job, NEAREST) != 0;
  const h = field(job, H);
  const w = field(job, W);
  const outH = field(job, OUT_H);
  const outW = field(job, OUT_W);
  const yTab = <usize>field(job, Y_TAB);
  const xTab = <usize>field(job, X_TAB);
  const planes = field(job, PLANES);
  const end = boundary(planes, 1, field(job, TASKS), task + 1);
  for (let plane = boundary(planes, 1, field(job, TASKS), task); plane < end; plane++) {
    const src = <usize>field(job, SRC) + (<usize>plane * <usize>(h * w) << 2);
    const dst = <usize>field(job, DST) + (<usize>plane * <usize>(outH * outW) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const out = at(dst, oy * outW);
      if (nearest) {
        const row = at(src, load<i32>(at(yTab, oy)) * w);
        for (let ox = 0; ox < outW; ox++) store<f32>(at(out, ox), load<f32>(at(row, load<i32>(at(xTab, ox)))));
        continue;
      }
      const ty = at(yTab, 4 * oy);
      const r0 = at(src, load<i32>(ty) * w);
      const r1 = at(src, load<i32>(ty, 4) * w);
      const wy0 = load<f32>(ty, 8);
      const wy1 = load<f32>(ty, 12);
      for (let ox = 0; ox < outW; ox++) {
        const tx = at(xTab, 4 * ox);
        const x0 = load<i32>(tx);
        const x1 = load<i32>(tx, 4);
        const wx0 = load<f32>(tx, 8);
        const wx1 = load<f32>(tx, 12);
        const top = wx0 * load<f32>(at(r0, x0)) + wx1 * load<f32>(at(r0, x1));
        const bottom = wx0 * load<f32>(at(r1, x0)) + wx1 * load<f32>(at(r1, x1));
        store<f32>(at(out, ox), wy0 * top + wy1 * bottom);
      }
    }
  }
}

/** The adjoint: SRC is dy [planes, outH, outW], DST is dx [planes, h, w]; dx[taps] += weights · dy. */
export function resizeBackwardTask(job: usize, task: i32, _slot: i32): void {
  const nearest = field(job, NEAREST) != 0;
  const h = field(job, H);
  const w = field(job, W);
  const outH = field(job, OUT_H);
  const outW = field(job, OUT_W);
  const yTab = <usize>field(job, Y_TAB);
  const xTab = <usize>field(job, X_TAB);
  const planes = field(job, PLANES);
  const end = boundary(planes, 1, field(job, TASKS), task + 1);
  for (let plane = boundary(planes, 1, field(job, TASKS), task); plane < end; plane++) {
    const dy = <usize>field(job, SRC) + (<usize>plane * <usize>(outH * outW) << 2);
    const dx = <usize>field(job, DST) + (<usize>plane * <usize>(h * w) << 2);
    memory.fill(dx, 0, <usize>(h * w) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const g = at(dy, oy * outW);
      if (nearest) {
        const row = at(dx, load<i32>(at(yTab, oy)) * w);
        for (let ox = 0; ox < outW; ox++) {
          const p = at(row, load<i32>(at(xTab, ox)));
          store<f32>(p, load<f32>(p) + load<f32>(at(g, ox)));
        }
        continue;
      }
      const ty = at(yTab, 4 * oy);
      const r0 = at(dx, load<i32>(ty) * w);
      const r1 = at(dx, load<i32>(ty, 4) * w);
      const wy0 = load<f32>(ty, 8);
      const wy1 = load<f32>(ty, 12);
      for (let ox = 0; ox < outW; ox++) {
        const tx = at(xTab, 4 * ox);
        const x0 = load<i32>(tx);
        const x1 = load<i32>(tx, 4);
        const wx0 = load<f32>(tx, 8);
        const wx1 = load<f32>(tx, 12);
        const v = load<f32>(at(g, ox));
        const top = wy0 * v;
        const bottom = wy1 * v;
        store<f32>(at(r0, x0), load<f32>(at(r0, x0)) + wx0 * top);
        store<f32>(at(r0, x1), load<f32>(at(r0, x1)) + wx1 * top);
        store<f32>(at(r1, x0), load<f32>(at(r1, x0)) + wx0 * bottom);
        store<f32>(at(r1, x1), load<f32>(at(r1, x1)) + wx1 * bottom);
      }
    }
  }
}
