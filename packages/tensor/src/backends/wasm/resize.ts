/**
 * Resizing on the TypeScript side (assembly/resize.ts): the per-row and per-column taps are computed
 * here, in float64, by the functions every backend shares (resize-geometry.ts), so all backends sample
 * exactly the same input pixels; the kernel then only multiplies and adds.
 */
import type { ResizeKernelParams, View } from '../../backend.js';
import { linearTaps, nearestIndex } from '../../resize-geometry.js';
import { addressOf } from './buffer.js';
import { RESIZE_JOB } from './generated/contract.js';
import type { WasmRuntime } from './runtime.js';

/** Taps of every output coordinate: (i0, i1, w0, w1) words for bilinear, one index for nearest. */
function tapTable(rt: WasmRuntime, nearest: boolean, outSize: number, inSize: number, scale: number, alignCorners: boolean): number {
  const words = nearest ? 1 : 4;
  const ptr = rt.allocator.alloc(4 * words * Math.max(outSize, 1));
  const base = ptr / 4;
  for (let o = 0; o < outSize; o++) {
    if (nearest) {
      rt.i32[base + o] = nearestIndex(o, inSize, scale);
      continue;
    }
    const [i0, i1, w0, w1] = linearTaps(o, inSize, scale, alignCorners);
    rt.i32[base + 4 * o] = i0;
    rt.i32[base + 4 * o + 1] = i1;
    rt.f32[base + 4 * o + 2] = w0;
    rt.f32[base + 4 * o + 3] = w1;
  }
  return ptr;
}

/** Which resize: bilinear or nearest, forward or its adjoint. */
export interface ResizeMode {
  readonly nearest: boolean;
  readonly backward: boolean;
}

/**
 * Forward: x `[N,C,h,w]`, the image, resized into `out` `[N,C,p.outH,p.outW]`. Backward: x is the
 * gradient of the resized image `[N,C,h,w]`, spread back onto the image's `[N,C,p.outH,p.outW]`.
 */
export function resize(rt: WasmRuntime, x: View, p: ResizeKernelParams, { nearest, backward }: ResizeMode, out: number): void {
  const [n, c, h, w] = x.shape;
  const planes = n * c;
  if (planes === 0) return;
  // the kernel takes the image's size [H, W] and the resized one's [OUT_H, OUT_W] in both directions
  const [imageH, imageW, resizedH, resizedW] = backward ? [p.outH, p.outW, h, w] : [h, w, p.outH, p.outW];
  const yTab = tapTable(rt, nearest, resizedH, imageH, p.scaleH, p.alignCorners);
  const xTab = tapTable(rt, nearest, resizedW, imageW, p.scaleW, p.alignCorners);
  const tasks = rt.tasksFor(planes * resizedH * resizedW * (nearest ? 1 : 2), planes);
  const lines = nearest ? 0 : rt.allocator.alloc(4 * imageW * tasks); // bilinear: each task blends rows into a line of its own
  try {
    const f = RESIZE_JOB;
    const job = rt
      .job()
      .set(f.NEAREST, nearest ? 1 : 0)
      .set(f.BACKWARD, backward ? 1 : 0)
      .set(f.SRC, addressOf(x))
      .set(f.DST, out);
    job.set(f.PLANES, planes).set(f.H, imageH).set(f.W, imageW).set(f.OUT_H, resizedH).set(f.OUT_W, resizedW);
    job.set(f.Y_TAB, yTab).set(f.X_TAB, xTab).set(f.TASKS, tasks).set(f.LINES, lines);
    rt.run('resizeTask', tasks);
  } finally {
    rt.allocator.release(yTab);
    rt.allocator.release(xTab);
    if (lines !== 0) rt.allocator.release(lines);
  }
}
