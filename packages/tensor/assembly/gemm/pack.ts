/**
 * Packing: copying a block of A or B into the order the micro-kernel reads, so that its inner loop
 * walks memory strictly forwards whatever the operands' layout. Transposes cost nothing extra: a
 * transposed operand is just another pair of strides here. Rows and columns past the matrix edge, and
 * k steps past kc up to the padded depth, are written as zeros, so the kernel always runs whole tiles.
 *
 * Packed A: for each panel of MR rows, kcPad groups of MR values (A[i..i+MR][k]).
 * Packed B: for each panel of NR columns, kcPad groups of NR values (B[k][j..j+NR]).
 */
import { at } from '../job';
import { MR, NR } from '../generated/microkernel';

/**
 * Packs A[i0 .. i0+m)[k0 .. k0+kc) (element (i, k) at a + i·rs + k·cs) into `dst` as ⌈m/MR⌉ panels of
 * depth kcPad.
 */
export function packA(a: usize, rs: i32, cs: i32, i0: i32, m: i32, k0: i32, kc: i32, kcPad: i32, dst: usize): void {
  for (let p = 0; p < m; p += MR) {
    const panel = dst + (<usize>(p * kcPad) << 2); // panel p/MR starts (p/MR)·MR·kcPad floats in
    const rows = min(MR, m - p);
    const src = a + (<usize>(i0 + p) * <usize>rs + <usize>k0 * <usize>cs << 2);
    if (cs == 1) {
      // rows are contiguous: read each row forwards, write every MR-th slot
      for (let r = 0; r < rows; r++) {
        const row = src + (<usize>r * <usize>rs << 2);
        for (let k = 0; k < kc; k++) store<f32>(at(panel, k * MR + r), load<f32>(at(row, k)));
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const col = src + (<usize>k * <usize>cs << 2);
        for (let r = 0; r < rows; r++) store<f32>(at(panel, k * MR + r), load<f32>(at(col, r * rs)));
      }
    }
    for (let k = 0; k < kcPad; k++) for (let r = k < kc ? rows : 0; r < MR; r++) store<f32>(at(panel, k * MR + r), 0);
  }
}

/**
 * Packs B[k0 .. k0+kc)[j0 .. j0+n) (element (k, j) at b + k·rs + j·cs) into `dst` as ⌈n/NR⌉ panels of
 * depth kcPad.
 */
export function packB(b: usize, rs: i32, cs: i32, k0: i32, kc: i32, kcPad: i32, j0: i32, n: i32, dst: usize): void {
  for (let q = 0; q < n; q += NR) {
    const panel = dst + (<usize>(q * kcPad) << 2);
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
    for (let k = 0; k < kcPad; k++) for (let c = k < kc ? cols : 0; c < NR; c++) store<f32>(at(panel, k * NR + c), 0);
  }
}

/**
 * Packs a block of the im2col matrix of an image without ever forming that matrix. Element (k, j) is
 * x[base(k) + base(j) + y·W + x] with y = y(k) + y(j) and x = x(k) + x(j), or 0 where (y, x) falls in
 * the padding. `kTab` and `jTab` hold (base, y, x) triples, one per row and per column: for a
 * convolution's forward pass the rows are (channel, ky, kx) taps and the columns output pixels; for its
 * weight gradient the roles swap. When a panel's NR columns are NR consecutive pixels of one input row
 * and the taps land inside the image, a row of the panel is two vector loads.
 */
export function packBGathered(x: usize, h: i32, w: i32, kTab: usize, jTab: usize, k0: i32, kc: i32, kcPad: i32, j0: i32, n: i32, dst: usize): void {
  for (let q = 0; q < n; q += NR) {
    const panel = dst + (<usize>(q * kcPad) << 2);
    const cols = min(NR, n - q);
    const first = jTab + (<usize>(3 * (j0 + q)) << 2);
    const jBase = load<i32>(first);
    const jy = load<i32>(first, 4);
    const jx = load<i32>(first, 8);
    let run = cols == NR;
    for (let c = 1; c < cols && run; c++) {
      const e = first + (<usize>(3 * c) << 2);
      run = load<i32>(e) == jBase && load<i32>(e, 4) == jy && load<i32>(e, 8) == jx + c;
    }
    for (let k = 0; k < kc; k++) {
      const t = kTab + (<usize>(3 * (k0 + k)) << 2);
      const base = load<i32>(t) + jBase;
      const ky = load<i32>(t, 4);
      const kx = load<i32>(t, 8);
      const row = at(panel, k * NR);
      const y = ky + jy;
      const x0 = kx + jx;
      if (run && <u32>y < <u32>h && x0 >= 0 && x0 + NR <= w) {
        const src = at(x, base + y * w + x0);
        v128.store(row, v128.load(src));
        v128.store(row, v128.load(src, 16), 16);
        continue;
      }
      for (let c = 0; c < cols; c++) {
        const e = first + (<usize>(3 * c) << 2);
        const yy = ky + load<i32>(e, 4);
        const xx = kx + load<i32>(e, 8);
        const inside = <u32>yy < <u32>h && <u32>xx < <u32>w;
        store<f32>(at(row, c), inside ? load<f32>(at(x, load<i32>(t) + load<i32>(e) + yy * w + xx)) : 0);
      }
      for (let c = cols; c < NR; c++) store<f32>(at(row, c), 0);
    }
    for (let k = kc; k < kcPad; k++) for (let c = 0; c < NR; c++) store<f32>(at(panel, k * NR + c), 0);
  }
}
