/**
 * Packing: copying a block of A or B into the order the micro-kernel reads, so that its inner loop
 * walks memory strictly forwards whatever the operands' layout. Transposes cost nothing extra: a
 * transposed operand is just another pair of strides here. Rows and columns past the matrix edge are
 * written as zeros, so the kernel always runs whole tiles.
 *
 * Packed A: for each panel of MR rows, kc groups of MR values (A[i..i+MR][k]).
 * Packed B: for each panel of NR columns, kc groups of NR values (B[k][j..j+NR]).
 */

import { MR, NR } from '../generated/microkernel';
import { at } from '../job';

/**
 * Packs A[i0 .. i0+m)[k0 .. k0+kc) (element (i, k) at a + i·rs + k·cs) into `dst` as ⌈m/MR⌉ panels of
 * depth kc.
 */
export function packA(a: usize, rs: i32, cs: i32, i0: i32, m: i32, k0: i32, kc: i32, dst: usize): void {
  for (let p = 0; p < m; p += MR) {
    const panel = dst + ((<usize>(p * kc)) << 2); // panel p/MR starts (p/MR)·MR·kc floats in
    const rows = min(MR, m - p);
    const src = a + ((<usize>(i0 + p) * <usize>rs + <usize>k0 * <usize>cs) << 2);
    let k = 0;
    if (rows === MR && cs === 1) {
      for (; k + 4 <= kc; k += 4) fourRowsFourSteps(at(src, k), rs, at(panel, k * MR));
    } else if (rows === MR && rs === 1) {
      // a transposed A: the MR values of one k step are contiguous
      for (; k < kc; k++) {
        v128.store(at(panel, k * MR), v128.load(src + ((<usize>k * <usize>cs) << 2)));
      }
    }
    if (cs === 1) {
      // rows are contiguous: read each row forwards, write every MR-th slot
      for (let r = 0; r < rows; r++) {
        const row = src + ((<usize>r * <usize>rs) << 2);
        for (let j = k; j < kc; j++) store<f32>(at(panel, j * MR + r), load<f32>(at(row, j)));
      }
    } else {
      for (let j = k; j < kc; j++) {
        const col = src + ((<usize>j * <usize>cs) << 2);
        for (let r = 0; r < rows; r++) store<f32>(at(panel, j * MR + r), load<f32>(at(col, r * rs)));
      }
    }
    for (let j = 0; j < kc; j++) for (let r = rows; r < MR; r++) store<f32>(at(panel, j * MR + r), 0);
  }
}

/** Four k steps of a 4-row panel of a row-major A: four row vectors in, their 4×4 transpose out. */
// @inline
function fourRowsFourSteps(src: usize, rs: i32, out: usize): void {
  const stride = (<usize>rs) << 2;
  const r0 = v128.load(src);
  const r1 = v128.load(src + stride);
  const r2 = v128.load(src + 2 * stride);
  const r3 = v128.load(src + 3 * stride);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(out, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(out, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
  v128.store(out, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
  v128.store(out, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
}

/**
 * Packs B[k0 .. k0+kc)[j0 .. j0+n) (element (k, j) at b + k·rs + j·cs) into `dst` as ⌈n/NR⌉ panels of
 * depth kc.
 */
export function packB(b: usize, rs: i32, cs: i32, k0: i32, kc: i32, j0: i32, n: i32, dst: usize): void {
  for (let q = 0; q < n; q += NR) {
    const panel = dst + ((<usize>(q * kc)) << 2);
    const cols = min(NR, n - q);
    const src = b + ((<usize>k0 * <usize>rs + <usize>(j0 + q) * <usize>cs) << 2);
    if (cs === 1 && cols === NR) {
      // a row of the panel is NR contiguous floats: two vector copies
      for (let k = 0; k < kc; k++) {
        const row = src + ((<usize>k * <usize>rs) << 2);
        v128.store(at(panel, k * NR), v128.load(row));
        v128.store(at(panel, k * NR + 4), v128.load(row, 16));
      }
    } else if (cs === 1) {
      for (let k = 0; k < kc; k++) {
        const row = src + ((<usize>k * <usize>rs) << 2);
        for (let c = 0; c < cols; c++) store<f32>(at(panel, k * NR + c), load<f32>(at(row, c)));
      }
    } else {
      // columns are contiguous (a transposed B): read each column forwards
      for (let c = 0; c < cols; c++) {
        const col = src + ((<usize>c * <usize>cs) << 2);
        for (let k = 0; k < kc; k++) store<f32>(at(panel, k * NR + c), load<f32>(at(col, k * rs)));
      }
    }
    for (let k = 0; k < kc; k++) for (let c = cols; c < NR; c++) store<f32>(at(panel, k * NR + c), 0);
  }
}

/**
 * Packs a block of the im2col matrix of an image without ever forming that matrix. Element (k, j) is
 * x[kOff[k] + jOff[j]]: an im2col matrix is an outer sum of offsets. For a convolution's forward pass
 * the rows are kernel taps (c, ky, kx), at c·Hp·Wp + ky·dh·Wp + kx·dw, and the columns output pixels
 * (oy, ox), at oy·sh·Wp + ox·sw, in an image zero-padded to Hp×Wp beforehand, so that no tap of any
 * pixel falls outside it and nothing here tests for the border; for the weight gradient the roles
 * swap. Two vector paths cover stride 1: NR consecutive pixels as columns (forward: a panel row is two
 * vector loads), or 4 consecutive pixels as rows (weight gradient: 4×4 blocks transposed in registers).
 */
export function packBGathered(x: usize, kOff: usize, jOff: usize, k0: i32, kc: i32, j0: i32, n: i32, dst: usize): void {
  for (let q = 0; q < n; q += NR) {
    const panel = dst + ((<usize>(q * kc)) << 2);
    const cols = min(NR, n - q);
    const first = at(jOff, j0 + q);
    const rows = at(kOff, k0);
    let k = 0;
    if (cols === NR && consecutive(first, NR)) {
      // each panel row is NR consecutive floats
      const base = x + ((<usize>load<i32>(first)) << 2);
      for (; k < kc; k++) {
        const src = base + ((<usize>load<i32>(at(rows, k))) << 2);
        v128.store(at(panel, k * NR), v128.load(src));
        v128.store(at(panel, k * NR + 4), v128.load(src, 16));
      }
    } else if (cols === NR) {
      for (; k + 4 <= kc && consecutive(at(rows, k), 4); k += 4)
        fourRows(x + ((<usize>load<i32>(at(rows, k))) << 2), first, at(panel, k * NR));
    }
    for (; k < kc; k++) {
      const src = x + ((<usize>load<i32>(at(rows, k))) << 2);
      const row = at(panel, k * NR);
      for (let c = 0; c < cols; c++) store<f32>(at(row, c), load<f32>(at(src, load<i32>(at(first, c)))));
      for (let c = cols; c < NR; c++) store<f32>(at(row, c), 0);
    }
  }
}

/** Whether the `count` offsets from `e` on are consecutive (pixels next to each other in one row). */
// @inline
function consecutive(e: usize, count: i32): bool {
  const o = load<i32>(e);
  for (let i = 1; i < count; i++) if (load<i32>(at(e, i)) !== o + i) return false;
  return true;
}

/**
 * Four panel rows whose rows are 4 consecutive pixels (starting at `src`) and whose NR = 8 columns sit
 * at offsets `cols[0..8)`: each column is one vector load of the four pixels, and two 4×4 transposes
 * in registers turn the 8 column vectors into 4 rows of 8.
 */
function fourRows(src: usize, cols: usize, row: usize): void {
  for (let half = 0; half < NR; half += 4) {
    const e = at(cols, half);
    const v0 = v128.load(at(src, load<i32>(e)));
    const v1 = v128.load(at(src, load<i32>(e, 4)));
    const v2 = v128.load(at(src, load<i32>(e, 8)));
    const v3 = v128.load(at(src, load<i32>(e, 12)));
    const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
    const t2 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
    const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
    const out = at(row, half);
    v128.store(out, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
    v128.store(at(out, NR), i32x4.shuffle(t0, t2, 2, 3, 6, 7));
    v128.store(at(out, 2 * NR), i32x4.shuffle(t1, t3, 0, 1, 4, 5));
    v128.store(at(out, 3 * NR), i32x4.shuffle(t1, t3, 2, 3, 6, 7));
  }
}
