/**
 * The parts of convolution that are not a matrix product. The forward pass and the weight gradient
 * are single GEMMs whose B operand is packed straight from the image (gemm/pack.ts, packBGathered);
 * the input gradient is a GEMM into columns, dcol = Wᵀ·dy, followed by col2im here, which adds every
 * column entry back onto the input pixel it came from.
 */
import { at, boundary, field } from './job';

/** Job fields of col2imTask: dcol holds, per (image, group), K = cig·kh·kw rows of Ho·Wo columns. */
const DCOL = 0;
const DX = 1;
const IMAGES = 2;
const C = 3;
const H = 4;
const W = 5;
const CIG = 6;
const KH = 7;
const KW = 8;
const HO = 9;
const WO = 10;
const SH = 11;
const SW = 12;
const PH = 13;
const PW = 14;
const DH = 15;
const DW = 16;
const GROUPS = 17;
const TASKS = 18;

/** One task: whole input planes (image, channel), each zeroed then summed from its kh·kw column rows. */
export function col2imTask(job: usize, task: i32, _slot: i32): void {
  const c = field(job, C);
  const h = field(job, H);
  const w = field(job, W);
  const cig = field(job, CIG);
  const kh = field(job, KH);
  const kw = field(job, KW);
  const ho = field(job, HO);
  const wo = field(job, WO);
  const sh = field(job, SH);
  const sw = field(job, SW);
  const ph = field(job, PH);
  const pw = field(job, PW);
  const dh = field(job, DH);
  const dw = field(job, DW);
  const groups = field(job, GROUPS);
  const planes = field(job, IMAGES) * c;
  const kSize = cig * kh * kw;
  const pSize = ho * wo;
  const end = boundary(planes, 1, field(job, TASKS), task + 1);
  for (let plane = boundary(planes, 1, field(job, TASKS), task); plane < end; plane++) {
    const img = plane / c;
    const ch = plane % c;
    const g = ch / cig;
    const ci = ch % cig;
    const dst = <usize>field(job, DX) + (<usize>plane * <usize>(h * w) << 2);
    memory.fill(dst, 0, <usize>(h * w) << 2);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const rowIndex = (img * groups + g) * kSize + (ci * kh + ky) * kw + kx;
        const src = <usize>field(job, DCOL) + (<usize>rowIndex * <usize>pSize << 2);
        const xOff = kx * dw - pw;
        // output columns whose input column ox·sw + xOff lies inside [0, w)
        const lo = xOff >= 0 ? 0 : (-xOff + sw - 1) / sw;
        const hi = xOff > w - 1 ? 0 : min(wo, (w - 1 - xOff) / sw + 1);
        for (let oy = 0; oy < ho; oy++) {
          const iy = oy * sh - ph + ky * dh;
          if (<u32>iy >= <u32>h || lo >= hi) continue;
          const s = at(src, oy * wo);
          const d = at(dst, iy * w + xOff);
          let ox = lo;
          if (sw == 1) {
            for (; ox + 4 <= hi; ox += 4) v128.store(at(d, ox), f32x4.add(v128.load(at(d, ox)), v128.load(at(s, ox))));
          }
          for (; ox < hi; ox++) {
            const p = at(d, ox * sw);
            store<f32>(p, load<f32>(p) + load<f32>(at(s, ox)));
          }
        }
      }
    }
  }
}

/** Job fields of biasTask: out[plane][i] += bias[plane % channels]. */
const B_OUT = 0;
const B_BIAS = 1;
const B_PLANES = 2;
const B_CHANNELS = 3;
const B_SIZE = 4;
const B_TASKS = 5;

export function biasTask(job: usize, task: i32, _slot: i32): void {
  const size = field(job, B_SIZE);
  const channels = field(job, B_CHANNELS);
  const planes = field(job, B_PLANES);
  const end = boundary(planes, 1, field(job, B_TASKS), task + 1);
  for (let plane = boundary(planes, 1, field(job, B_TASKS), task); plane < end; plane++) {
    const p = <usize>field(job, B_OUT) + (<usize>plane * <usize>size << 2);
    const bias = load<f32>(at(<usize>field(job, B_BIAS), plane % channels));
    const v = f32x4.splat(bias);
    let i = 0;
    for (; i + 4 <= size; i += 4) v128.store(at(p, i), f32x4.add(v128.load(at(p, i)), v));
    for (; i < size; i++) store<f32>(at(p, i), load<f32>(at(p, i)) + bias);
  }
}
