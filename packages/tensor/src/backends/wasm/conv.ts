/**
 * conv2d and its two gradients as matrix products (Chellapilla et al., "High performance convolutional
 * neural networks for document processing", 2006), per image and group with K = C/groups·kh·kw and
 * P = Ho·Wo output pixels:
 *
 *   forward        out[Co/g, P]  = W[Co/g, K] · im2col(x)[K, P]
 *   weight grad    dW[Co/g, K]   = Σ_images dy[Co/g, P] · im2col(x)ᵀ[P, K]
 *   input grad     dcol[K, P]    = Wᵀ[K, Co/g] · dy[Co/g, P], then col2im(dcol) → dx
 *
 * The im2col matrix is never formed. With x zero-padded to Hp×Wp (a copy, made only when the
 * convolution pads), it is an outer sum of offsets: im2col(x)[k][j] = xp[tap(k) + pixel(j)], where
 * tap(c, ky, kx) = c·Hp·Wp + ky·dh·Wp + kx·dw and pixel(oy, ox) = oy·sh·Wp + ox·sw; the GEMM packs its
 * blocks straight from xp through these two small tables, and no tap of any pixel falls outside xp.
 * Only the input gradient materialises columns, a bounded number of images at a time (none for a 1×1
 * stride-1 convolution, whose columns are dx itself).
 */
import type { Conv2dInputGradParams, Conv2dParams, Conv2dWeightGradParams, View } from '../../backend.js';
import { type ConvGeometry, convGeometry } from '../../conv-geometry.js';
import type { Shape } from '../../shape.js';
import { addressOf } from './buffer.js';
import { gemm } from './gemm.js';
import { BIAS_JOB, COL2IM_JOB, COPY_MODE } from './generated/contract.js';
import { copyStrided, fill } from './layout.js';
import type { WasmRuntime } from './runtime.js';

/** Bytes of columns the input gradient may hold at once (images are processed in chunks under it). */
const COLUMN_BUDGET = 64 * 2 ** 20;

interface Geometry extends ConvGeometry {
  readonly groups: number;
  /** Rows of a group's im2col matrix (cig·kh·kw) and its columns (ho·wo). */
  readonly k: number;
  readonly p: number;
  /** The padded image's height and width. */
  readonly hp: number;
  readonly wp: number;
}

function geometry(xShape: Shape, wShape: Shape, p: Conv2dParams): Geometry {
  const g = convGeometry(xShape, wShape, p);
  return { ...g, groups: p.groups, k: g.cig * g.kh * g.kw, p: g.ho * g.wo, hp: g.h + 2 * p.padding[0], wp: g.w + 2 * p.padding[1] };
}

/** Writes `entries` i32 offsets into a fresh table and returns its address. */
function table(rt: WasmRuntime, entries: number, fn: (i: number) => number): number {
  const ptr = rt.allocator.alloc(4 * Math.max(entries, 1));
  const i32 = rt.i32;
  for (let i = 0; i < entries; i++) i32[ptr / 4 + i] = fn(i);
  return ptr;
}

/** One offset per kernel tap (ci, ky, kx) of a group, in the padded image. */
function tapTable(rt: WasmRuntime, g: Geometry, p: Conv2dParams): number {
  return table(rt, g.k, (i) => {
    const kx = i % g.kw;
    const ky = Math.floor(i / g.kw) % g.kh;
    const ci = Math.floor(i / (g.kw * g.kh));
    return ci * g.hp * g.wp + ky * p.dilation[0] * g.wp + kx * p.dilation[1];
  });
}

/** One offset per output pixel (oy, ox): where its window starts in the padded image. */
function pixelTable(rt: WasmRuntime, g: Geometry, p: Conv2dParams): number {
  return table(rt, g.p, (i) => Math.floor(i / g.wo) * p.stride[0] * g.wp + (i % g.wo) * p.stride[1]);
}

/**
 * Runs `fn` with the padded image (x itself when the convolution does not pad) and the two offset
 * tables, and frees them after.
 */
function withIm2col(
  rt: WasmRuntime,
  x: number,
  g: Geometry,
  p: Conv2dParams,
  fn: (xp: number, taps: number, pixels: number) => void,
): void {
  const pads = g.hp !== g.h || g.wp !== g.w;
  const xp = pads ? padded(rt, x, g) : x;
  const taps = tapTable(rt, g, p);
  const pixels = pixelTable(rt, g, p);
  try {
    fn(xp, taps, pixels);
  } finally {
    rt.allocator.release(taps);
    rt.allocator.release(pixels);
    if (pads) rt.allocator.release(xp);
  }
}

/** A fresh copy of the images with zero borders: [n·c, hp, wp]. */
function padded(rt: WasmRuntime, x: number, g: Geometry): number {
  const planes = g.n * g.c;
  const xp = rt.allocator.alloc(4 * planes * g.hp * g.wp);
  fill(rt, xp, planes * g.hp * g.wp, 0, 'float32');
  const corner = ((g.hp - g.h) / 2) * g.wp + (g.wp - g.w) / 2;
  copyStrided(rt, [planes, g.h, g.w], x, [g.h * g.w, g.w, 1], xp + 4 * corner, [g.hp * g.wp, g.wp, 1], COPY_MODE.COPY);
  return xp;
}

/** x `[N,C,H,W]`, w `[Co,C/groups,kh,kw]`, optional bias `[Co]`, all contiguous; `out` gets `[N,Co,Ho,Wo]`. */
export function conv2d(rt: WasmRuntime, x: View, w: View, bias: View | null, p: Conv2dParams, out: number): void {
  const g = geometry(x.shape, w.shape, p);
  if (g.k === 0) fill(rt, out, g.n * g.co * g.p, 0, 'float32');
  else {
    withIm2col(rt, addressOf(x), g, p, (xp, taps, pixels) =>
      gemm(rt, {
        m: g.cog,
        n: g.p,
        k: g.k,
        b1: g.n,
        b2: g.groups,
        a: { ptr: addressOf(w), s1: 0, s2: g.cog * g.k, rs: g.k, cs: 1 },
        b: { ptr: xp, s1: g.c * g.hp * g.wp, s2: g.cig * g.hp * g.wp, kTab: taps, jTab: pixels },
        c: { ptr: out, s1: g.co * g.p, s2: g.cog * g.p, ld: g.p },
      }),
    );
  }
  if (bias !== null) addBias(rt, out, addressOf(bias), g.n * g.co, g.co, g.p);
}

function addBias(rt: WasmRuntime, out: number, bias: number, planes: number, channels: number, size: number): void {
  const tasks = rt.tasksFor(planes * size * 0.5, planes);
  const job = rt.job().set(BIAS_JOB.OUT, out).set(BIAS_JOB.BIAS, bias).set(BIAS_JOB.PLANES, planes);
  job.set(BIAS_JOB.CHANNELS, channels).set(BIAS_JOB.SIZE, size).set(BIAS_JOB.TASKS, tasks);
  rt.run('biasTask', tasks);
}

/** dw `p.wShape` into `out`, from x and dy (contiguous). */
export function conv2dBackwardWeight(rt: WasmRuntime, x: View, dy: View, p: Conv2dWeightGradParams, out: number): void {
  const g = geometry(x.shape, p.wShape, p);
  if (g.n === 0) {
    fill(rt, out, g.co * g.k, 0, 'float32');
    return;
  }
  // the roles of the tables swap: B's rows are output pixels, its columns kernel taps
  withIm2col(rt, addressOf(x), g, p, (xp, taps, pixels) =>
    gemm(rt, {
      m: g.cog,
      n: g.k,
      k: g.p,
      b1: g.groups,
      b2: 1,
      reductions: g.n,
      a: { ptr: addressOf(dy), s1: g.cog * g.p, s2: 0, sr: g.co * g.p, rs: g.p, cs: 1 },
      b: { ptr: xp, s1: g.cig * g.hp * g.wp, s2: 0, sr: g.c * g.hp * g.wp, kTab: pixels, jTab: taps },
      c: { ptr: out, s1: g.cog * g.k, s2: 0, ld: g.k },
    }),
  );
}

/** dx `p.xShape` into `out`, from dy and w (contiguous). */
export function conv2dBackwardInput(rt: WasmRuntime, dy: View, w: View, p: Conv2dInputGradParams, out: number): void {
  const g = geometry(p.xShape, w.shape, p);
  const [dyPtr, wPtr] = [addressOf(dy), addressOf(w)];
  if (g.k === 0 || g.cog === 0) {
    fill(rt, out, g.n * g.c * g.h * g.w, 0, 'float32');
    return;
  }
  if (g.kh === 1 && g.kw === 1 && p.stride.every((s) => s === 1) && p.padding.every((q) => q === 0)) {
    // 1×1, stride 1, no padding: column (ci, pixel) is dx[ci][pixel] and col2im would be a copy
    columns(rt, g, wPtr, dyPtr, g.n, out);
    return;
  }
  const perImage = 4 * g.groups * g.k * g.p;
  const chunk = Math.max(1, Math.min(g.n, Math.floor(COLUMN_BUDGET / perImage)));
  const dcol = rt.allocator.alloc(perImage * chunk);
  try {
    for (let n0 = 0; n0 < g.n; n0 += chunk) {
      const images = Math.min(chunk, g.n - n0);
      columns(rt, g, wPtr, dyPtr + 4 * n0 * g.co * g.p, images, dcol);
      col2im(rt, g, p, dcol, out + 4 * n0 * g.c * g.h * g.w, images);
    }
  } finally {
    rt.allocator.release(dcol);
  }
}

/** dcol = Wᵀ·dy for `images` images: per image and group, K rows of P columns. */
function columns(rt: WasmRuntime, g: Geometry, w: number, dy: number, images: number, dcol: number): void {
  gemm(rt, {
    m: g.k,
    n: g.p,
    k: g.cog,
    b1: images,
    b2: g.groups,
    a: { ptr: w, s1: 0, s2: g.cog * g.k, rs: 1, cs: g.k },
    b: { ptr: dy, s1: g.co * g.p, s2: g.cog * g.p, rs: g.p, cs: 1 },
    c: { ptr: dcol, s1: g.groups * g.k * g.p, s2: g.k * g.p, ld: g.p },
  });
}

function col2im(rt: WasmRuntime, g: Geometry, p: Conv2dParams, dcol: number, dx: number, images: number): void {
  const planes = images * g.c;
  const tasks = rt.tasksFor(images * g.groups * g.k * g.p * 0.5, planes);
  const f = COL2IM_JOB;
  const job = rt.job().set(f.DCOL, dcol).set(f.DX, dx).set(f.IMAGES, images).set(f.C, g.c).set(f.H, g.h).set(f.W, g.w);
  job.set(f.CIG, g.cig).set(f.KH, g.kh).set(f.KW, g.kw).set(f.HO, g.ho).set(f.WO, g.wo);
  job
    .set(f.SH, p.stride[0])
    .set(f.SW, p.stride[1])
    .set(f.PH, p.padding[0])
    .set(f.PW, p.padding[1])
    .set(f.DH, p.dilation[0])
    .set(f.DW, p.dilation[1]);
  job.set(f.GROUPS, g.groups).set(f.TASKS, tasks);
  rt.run('col2imTask', tasks);
}
