/**
 * The parts of convolution that are not a matrix product. The forward pass and the weight gradient
 * are single GEMMs whose B operand is packed straight from the image (gemm/pack.ts, packBGathered);
 * the input gradient is a GEMM into columns, dcol = Wᵀ·dy, followed by col2im here, which adds every
 * column entry back onto the input pixel it came from.
 */
import { BIAS_JOB, COL2IM_JOB } from './generated/contract';
import { at, boundary, field } from './job';

/** One task: whole input planes (image, channel), each zeroed then summed from its kh·kw column rows. */
export function col2imTask(job: usize, task: i32, _slot: i32): void {
  const c = field(job, COL2IM_JOB.C);
  const h = field(job, COL2IM_JOB.H);
  const w = field(job, COL2IM_JOB.W);
  const cig = field(job, COL2IM_JOB.CIG);
  const kh = field(job, COL2IM_JOB.KH);
  const kw = field(job, COL2IM_JOB.KW);
  const ho = field(job, COL2IM_JOB.HO);
  const wo = field(job, COL2IM_JOB.WO);
  const sh = field(job, COL2IM_JOB.SH);
  const sw = field(job, COL2IM_JOB.SW);
  const ph = field(job, COL2IM_JOB.PH);
  const pw = field(job, COL2IM_JOB.PW);
  const dh = field(job, COL2IM_JOB.DH);
  const dw = field(job, COL2IM_JOB.DW);
  const groups = field(job, COL2IM_JOB.GROUPS);
  const planes = field(job, COL2IM_JOB.IMAGES) * c;
  const kSize = cig * kh * kw;
  const pSize = ho * wo;
  const end = boundary(planes, 1, field(job, COL2IM_JOB.TASKS), task + 1);
  for (let plane = boundary(planes, 1, field(job, COL2IM_JOB.TASKS), task); plane < end; plane++) {
    const img = plane / c;
    const ch = plane % c;
    const g = ch / cig;
    const ci = ch % cig;
    const dst = <usize>field(job, COL2IM_JOB.DX) + ((<usize>plane * <usize>(h * w)) << 2);
    memory.fill(dst, 0, (<usize>(h * w)) << 2);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const rowIndex = (img * groups + g) * kSize + (ci * kh + ky) * kw + kx;
        const src = <usize>field(job, COL2IM_JOB.DCOL) + ((<usize>rowIndex * <usize>pSize) << 2);
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
          if (sw === 1) {
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

/** out[plane][i] += bias[plane % channels], whole planes per task: a convolution's bias. */
export function biasTask(job: usize, task: i32, _slot: i32): void {
  const size = field(job, BIAS_JOB.SIZE);
  const channels = field(job, BIAS_JOB.CHANNELS);
  const planes = field(job, BIAS_JOB.PLANES);
  const end = boundary(planes, 1, field(job, BIAS_JOB.TASKS), task + 1);
  for (let plane = boundary(planes, 1, field(job, BIAS_JOB.TASKS), task); plane < end; plane++) {
    const p = <usize>field(job, BIAS_JOB.OUT) + ((<usize>plane * <usize>size) << 2);
    const bias = load<f32>(at(<usize>field(job, BIAS_JOB.BIAS), plane % channels));
    const v = f32x4.splat(bias);
    let i = 0;
    for (; i + 4 <= size; i += 4) v128.store(at(p, i), f32x4.add(v128.load(at(p, i)), v));
    for (; i < size; i++) store<f32>(at(p, i), load<f32>(at(p, i)) + bias);
  }
}
