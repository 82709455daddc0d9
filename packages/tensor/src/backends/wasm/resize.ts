/**
 * Resizing on the TypeScript side (assembly/resize.ts): the per-row and per-column taps are computed
 * here with the reference backend's own coordinate functions, in float64, so both backends sample
 * exactly the same input pixels; the kernel then only multiplies and adds.
 */
import type { ResizeParams } from '../../backend.js';
import { linearTaps, nearestIndex } from '../reference/resize.js';
import type { WasmRuntime } from './runtime.js';

const RESIZE_JOB = {
  NEAREST: 0,
  BACKWARD: 1,
  SRC: 2,
  DST: 3,
  PLANES: 4,
  H: 5,
  W: 6,
  OUT_H: 7,
  OUT_W: 8,
  Y_TAB: 9,
  X_TAB: 10,
  TASKS: 11,
} as const;

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

export interface ResizeCall {
  readonly nearest: boolean;
  /** Whether this is the adjoint (dy → dx) rather than the forward resize (x → out). */
  readonly backward: boolean;
  readonly src: number;
  readonly dst: number;
  readonly planes: number;
  readonly h: number;
  readonly w: number;
  readonly outH: number;
  readonly outW: number;
}

export function resize(rt: WasmRuntime, call: ResizeCall, p: ResizeParams): void {
  if (call.planes === 0) return;
  const yTab = tapTable(rt, call.nearest, call.outH, call.h, p.scaleH, p.alignCorners);
  const xTab = tapTable(rt, call.nearest, call.outW, call.w, p.scaleW, p.alignCorners);
  try {
    const f = RESIZE_JOB;
    const tasks = rt.tasksFor(call.planes * call.outH * call.outW * (call.nearest ? 1 : 3), call.planes);
    const job = rt
      .job()
      .set(f.NEAREST, call.nearest ? 1 : 0)
      .set(f.BACKWARD, call.backward ? 1 : 0)
      .set(f.SRC, call.src)
      .set(f.DST, call.dst)
      .set(f.PLANES, call.planes);
    job
      .set(f.H, call.h)
      .set(f.W, call.w)
      .set(f.OUT_H, call.outH)
      .set(f.OUT_W, call.outW)
      .set(f.Y_TAB, yTab)
      .set(f.X_TAB, xTab)
      .set(f.TASKS, tasks);
    rt.run('resizeTask', tasks);
  } finally {
    rt.allocator.release(yTab);
    rt.allocator.release(xTab);
  }
}
