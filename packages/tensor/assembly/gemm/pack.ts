/**
 * Packing: copying a block of A or B into the order the micro-kernel reads, so that its inner loop
 * walks memory strictly forwards whatever the operands' layout. Transposes cost nothing extra: a
 * transposed operand is just another pair of strides here. Rows and columns past the matrix edge are
 * written as zeros, so the kernel always runs whole tiles.
 *
 * Packed A: for each panel of MR rows, kc groups of MR values (A[i..i+MR][k]).
 * Packed B: for each panel of NR columns, kc groups of NR values (B[k][j..j+NR]).
 */
import { at } from '../job';
import { MR, NR } from '../generated/microkernel';

/**
 * Packs A[i0 .. i0+m)[k0 .. k0+kc) (element (i, k) at a + i·rs + k·cs) into `dst` as ⌈m/MR⌉ panels of
 * depth kc.
 */
export function packA(a: usize, rs: i32, cs: i32, i0: i32, m: i32, k0: i32, kc: i32, dst: usize): void {
  for (let p = 0; p < m; p += MR) {
    const panel = dst + (<usize>(p * kc) << 2); // panel p/MR starts (p/MR)·MR·kc floats in
    const rows = min(MR, m - p);
    const src = a + (<usize>(i0 + p) * <usize>rs + <usize>k0 * <usize>cs << 2);
    let k = 0;
    if (rows == MR && cs == 1) {
      for (; k + 4 <= kc; k += 4) fourRowsFourSteps(at(src, k), rs, at(panel, k * MR));
    } else if (rows == MR && rs == 1) {
      // a transposed A: the MR values of one k step are contiguous
      for (; k < kc; k++) {
        v128.store(at(panel, k * MR), v128.load(src + (<usize>k * <usize>cs << 2)));
      }
    }
    if (cs == 1) {
      // rows are contiguous: read each row forwards, write every MR-th slot
      for (let r = 0; r < rows; r++) {
        const row = src + (<usize>r * <usize>rs << 2);
        for (let j = k; j < kc; j++) store<f32>(at(panel, j * MR + r), load<f32>(at(row, j)));
      }
    } else {
      for (let j = k; j < kc; j++) {
        const col = src + (<usize>j * <usize>cs << 2);
        for (let r = 0; r < rows; r++) store<f32>(at(panel, j * MR + r), load<f32>(at(col, r * rs)));
      }
    }
    for (let j = 0; j < kc; j++) for (let r = rows; r < MR; r++) store<f32>(at(panel, j * MR + r), 0);
  }
}

/** Four k steps of a 4-row panel of a row-major A: four row vectors in, their 4×4 transpose out. */
// @ts-ignore: decorator
@inline
function fourRowsFourSteps(src: usize, rs: i32, out: usize): void {
  const stride = <usize>rs << 2;
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
    const panel = dst + (<usize>(q * kc) << 2);
    const cols = min(NR, n - q);
    const src = b + (<usize>k0 * <usize>rs + <usize>(j0 + q) * <usize>cs << 2);
    if (cs == 1 && cols == NR) {
      // a row of the panel is NR contiguous floats: two vector copies
      for (let k = 0; k < kc; k++) {
        const row = src + (<usize>k * <usize>rs << 2);
        v128.store(at(panel, k * NR), v128.load(row));
        v128.store(at(panel, k * NR + 4), v128.load(row, 16));
      }
    } else if (cs == 1) {
      for (let k = 0; k < kc; k++) {
        const row = src + (<usize>k * <usize>rs << 2);
        for (let c = 0; c < cols; c++) store<f32>(at(panel, k * NR + c), load<f32>(at(row, c)));
      }
    } else {
      // columns are contiguous (a transposed B): read each column forwards
      for (let c = 0; c < cols; c++) {
        const col = src + (<usize>c * <usize>cs << 2);
        for (let k = 0; k < kc; k++) store<f32>(at(panel, k * NR + c), load<f32>(at(col, k * rs)));
      }
    }
    for (let k = 0; k < kc; k++) for (let c = cols; c < NR; c++) store<f32>(at(panel, k * NR + c), 0);
  }
}

/**
 * Packs a block of the im2col matrix of an image without ever forming that matrix. Element (k, j) is
 * x[base(k) + base(j) + y·W + x] with y = y(k) + y(j) and x = x(k) + x(j), or 0 where (y, x) falls in
 * the padding. `kTab` and `jTab` hold (base, y, x) triples, one per row and per column: for a
 * convolution's forward pass the rows are (channel, ky, kx) taps and the columns output pixels; for its
 * weight gradient the roles swap. Two vector paths cover the common stride-1 cases away from the
 * padding: NR consecutive pixels as columns (forward: a panel row is two vector loads), or 4
 * consecutive pixels as rows (weight gradient: 4×4 blocks transposed in registers).
 */
export function packBGathered(x: usize, h: i32, w: i32, kTab: usize, jTab: usize, k0: i32, kc: i32, j0: i32, n: i32, dst: usize): void {
  for (let q = 0; q < n; q += NR) {
    const panel = dst + (<usize>(q * kc) << 2);
    const cols = min(NR, n - q);
    const first = jTab + (<usize>(3 * (j0 + q)) << 2);
    const pixelColumns = cols == NR && consecutivePixels(first, NR);
    let k = 0;
    if (!pixelColumns && cols == NR) {
      for (; k + 4 <= kc; k += 4) {
        const t = kTab + (<usize>(3 * (k0 + k)) << 2);
        const row = at(panel, k * NR);
        if (!fourPixelRows(x, h, w, t, first, row)) for (let r = 0; r < 4; r++) gatherRow(x, h, w, t + (<usize>(12 * r)), first, cols, at(row, r * NR));
      }
    }
    for (; k < kc; k++) {
      const t = kTab + (<usize>(3 * (k0 + k)) << 2);
      const row = at(panel, k * NR);
      if (!(pixelColumns && pixelRow(x, h, w, t, first, row))) gatherRow(x, h, w, t, first, cols, row);
    }
  }
}

/** Whether table entries e, e+1, … (count of them) are consecutive pixels of one row (stride 1). */
// @ts-ignore: decorator
@inline
function consecutivePixels(e: usize, count: i32): bool {
  const base = load<i32>(e);
  const y = load<i32>(e, 4);
  const x = load<i32>(e, 8);
  for (let i = 1; i < count; i++) {
    const f = e + (<usize>(12 * i));
    if (load<i32>(f) != base || load<i32>(f, 4) != y || load<i32>(f, 8) != x + i) return false;
  }
  return true;
}

/** One panel row (row entry t, columns from entry `first`), element by element, zeros in the padding. */
function gatherRow(x: usize, h: i32, w: i32, t: usize, first: usize, cols: i32, row: usize): void {
  const kBase = load<i32>(t);
  const ky = load<i32>(t, 4);
  const kx = load<i32>(t, 8);
  for (let c = 0; c < cols; c++) {
    const e = first + (<usize>(12 * c));
    const yy = ky + load<i32>(e, 4);
    const xx = kx + load<i32>(e, 8);
    const inside = <u32>yy < <u32>h && <u32>xx < <u32>w;
    store<f32>(at(row, c), inside ? load<f32>(at(x, kBase + load<i32>(e) + yy * w + xx)) : 0);
  }
  for (let c = cols; c < NR; c++) store<f32>(at(row, c), 0);
}

/** A panel row whose NR columns are consecutive pixels, if they all lie inside the image: two vector copies. */
// @ts-ignore: decorator
@inline
function pixelRow(x: usize, h: i32, w: i32, t: usize, first: usize, row: usize): bool {
  const y = load<i32>(t, 4) + load<i32>(first, 4);
  const x0 = load<i32>(t, 8) + load<i32>(first, 8);
  if (<u32>y >= <u32>h || x0 < 0 || x0 + NR > w) return false;
  const src = at(x, load<i32>(t) + load<i32>(first) + y * w + x0);
  v128.store(row, v128.load(src));
  v128.store(row, v128.load(src, 16), 16);
  return true;
}

/**
 * Four panel rows whose rows are 4 consecutive pixels (entries t … t+3) and whose NR = 8 columns are
 * taps: if every tap lands inside the image for all four pixels, each tap is one vector load of the
 * four pixels, and two 4×4 transposes in registers turn 8 tap vectors into 4 rows of 8.
 */
function fourPixelRows(x: usize, h: i32, w: i32, t: usize, first: usize, row: usize): bool {
  if (!consecutivePixels(t, 4)) return false;
  const kBase = load<i32>(t);
  const ky = load<i32>(t, 4);
  const kx = load<i32>(t, 8);
  for (let c = 0; c < NR; c++) {
    const e = first + (<usize>(12 * c));
    const yy = ky + load<i32>(e, 4);
    const xx = kx + load<i32>(e, 8);
    if (<u32>yy >= <u32>h || xx < 0 || xx + 4 > w) return false;
  }
  for (let half = 0; half < NR; half += 4) {
    const e = first + (<usize>(12 * half));
    const v0 = tapVector(x, w, kBase, ky, kx, e);
    const v1 = tapVector(x, w, kBase, ky, kx, e + 12);
    const v2 = tapVector(x, w, kBase, ky, kx, e + 24);
    const v3 = tapVector(x, w, kBase, ky, kx, e + 36);
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
  return true;
}

/** The four consecutive pixels of one tap (column entry e) for rows starting at (kBase, ky, kx). */
// @ts-ignore: decorator
@inline
function tapVector(x: usize, w: i32, kBase: i32, ky: i32, kx: i32, e: usize): v128 {
  return v128.load(at(x, kBase + load<i32>(e) + (ky + load<i32>(e, 4)) * w + kx + load<i32>(e, 8)));
}
