/**
 * Walking strided views. A view is a base address plus, per dim, a size and a stride in elements
 * (every dtype here is 4 bytes wide, so layout kernels need not know which one they move). The
 * TypeScript side has already merged dims that can be merged, so the last dim is usually long and
 * the walk spends its time in one tight loop per row.
 *
 * `copyRange` copies elements [start, end) — counted in row-major order of the shape — from one
 * strided view to another, converting on the way if asked. Splitting [0, n) among threads therefore
 * splits any copy, whatever its shape.
 */
import { COPY_MODE } from './generated/contract';
import { at } from './job';

/** Elements `count` of a row: read every `sStride`-th from `s`, write every `dStride`-th from `d`. */
// @inline
function copyRow(s: usize, sStride: i32, d: usize, dStride: i32, count: i32, mode: i32): void {
  if (mode === COPY_MODE.COPY) {
    if (sStride === 1 && dStride === 1) {
      memory.copy(d, s, (<usize>count) << 2);
      return;
    }
    if (sStride === 0 && dStride === 1) {
      fill32(d, load<i32>(s), count);
      return;
    }
    for (let i = 0; i < count; i++) store<i32>(at(d, i * dStride), load<i32>(at(s, i * sStride)));
    return;
  }
  let i = 0;
  if (sStride === 1 && dStride === 1) {
    for (; i + 4 <= count; i += 4) {
      const v = v128.load(at(s, i));
      v128.store(at(d, i), mode === COPY_MODE.F32_TO_I32 ? i32x4.trunc_sat_f32x4_s(v) : f32x4.convert_i32x4_s(v));
    }
  }
  for (; i < count; i++) {
    const ps = at(s, i * sStride);
    const pd = at(d, i * dStride);
    if (mode === COPY_MODE.F32_TO_I32) store<i32>(pd, <i32>load<f32>(ps));
    else store<f32>(pd, <f32>load<i32>(ps));
  }
}

/** Writes `count` copies of the 32-bit pattern `bits` from `d`. */
export function fill32(d: usize, bits: i32, count: i32): void {
  const v = i32x4.splat(bits);
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(at(d, i), v);
  for (; i < count; i++) store<i32>(at(d, i), bits);
}

/**
 * Copies elements [start, end) of a `rank`-d walk. `shape`, `sStrides` and `dStrides` point at i32
 * arrays of `rank` entries; `index` at `rank` i32 of scratch for the odometer.
 */
export function copyRange(
  rank: i32,
  shape: usize,
  s: usize,
  sStrides: usize,
  d: usize,
  dStrides: usize,
  start: i32,
  end: i32,
  mode: i32,
  index: usize,
): void {
  if (start >= end) return;
  const last = rank - 1;
  // position the odometer at `start`
  let rem = start;
  for (let k = last; k >= 0; k--) {
    const n = load<i32>(at(shape, k));
    const i = rem % n;
    rem /= n;
    store<i32>(at(index, k), i);
    s += (<usize>i * <usize>load<i32>(at(sStrides, k))) << 2;
    d += (<usize>i * <usize>load<i32>(at(dStrides, k))) << 2;
  }
  const inner = load<i32>(at(shape, last));
  const si = load<i32>(at(sStrides, last));
  const di = load<i32>(at(dStrides, last));
  let j = load<i32>(at(index, last));
  let pos = start;
  while (pos < end) {
    const count = min(inner - j, end - pos);
    copyRow(s, si, d, di, count, mode);
    pos += count;
    j += count;
    s += (<usize>count * <usize>si) << 2;
    d += (<usize>count * <usize>di) << 2;
    if (j < inner) break; // only the last row can end early
    // carry into the outer dims
    s -= (<usize>inner * <usize>si) << 2;
    d -= (<usize>inner * <usize>di) << 2;
    j = 0;
    for (let k = last - 1; k >= 0; k--) {
      const sk = (<usize>load<i32>(at(sStrides, k))) << 2;
      const dk = (<usize>load<i32>(at(dStrides, k))) << 2;
      const ik = load<i32>(at(index, k)) + 1;
      s += sk;
      d += dk;
      if (ik < load<i32>(at(shape, k))) {
        store<i32>(at(index, k), ik);
        break;
      }
      store<i32>(at(index, k), 0);
      s -= <usize>ik * sk;
      d -= <usize>ik * dk;
    }
  }
}
