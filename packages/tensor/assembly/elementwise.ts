/**
 * Elementwise kernels: unary, binary and `where`, on float32 and int32.
 *
 * The output is always contiguous; inputs are strided views of one shape. The work goes in blocks of
 * BLOCK elements: an input that is contiguous is read in place, any other (a transpose, a broadcast)
 * is first gathered into a per-thread block by the strided walk, so the arithmetic itself always runs
 * over contiguous memory, four lanes at a time. Blocks start at multiples of BLOCK and only the very
 * last one can end in a partial vector, so every element is computed by the same instructions however
 * the range is split among threads.
 */
import { BLOCK, boundary, field, fieldAddr, SLOT_BLOCKS, SLOT_INDEX, SLOT_TAIL, at } from './job';
import * as op from './ops';
import { copyRange, COPY } from './strided';
import { copySign, erfV, expV, geluV, logV, sigmoidV, tanhV } from './vmath';

// @ts-ignore: decorator
@inline
function mask01(m: v128): v128 {
  return v128.and(m, i32x4.splat(1));
}

/** JavaScript's Math.pow on one lane (the reference backend's semantics, e.g. pow(1, NaN) is NaN). */
// @ts-ignore: decorator
@inline
function powLane(a: f32, b: f32): f32 {
  if (isNaN(b) || (Math.abs(a) == 1 && !isFinite(b))) return NaN;
  return <f32>Math.pow(<f64>a, <f64>b);
}

// @ts-ignore: decorator
@inline
function powV(a: v128, b: v128): v128 {
  let r = f32x4.splat(powLane(f32x4.extract_lane(a, 0), f32x4.extract_lane(b, 0)));
  r = f32x4.replace_lane(r, 1, powLane(f32x4.extract_lane(a, 1), f32x4.extract_lane(b, 1)));
  r = f32x4.replace_lane(r, 2, powLane(f32x4.extract_lane(a, 2), f32x4.extract_lane(b, 2)));
  return f32x4.replace_lane(r, 3, powLane(f32x4.extract_lane(a, 3), f32x4.extract_lane(b, 3)));
}

/** One vector of op `code`; `code` is a constant wherever this is inlined, so the switch folds away. */
// @ts-ignore: decorator
@inline
function vec(code: i32, a: v128, b: v128, c: v128): v128 {
  const zero = f32x4.splat(0);
  switch (code) {
    case op.NEG: return f32x4.neg(a);
    case op.EXP: return expV(a);
    case op.LOG: return logV(a);
    case op.SQRT: return f32x4.sqrt(a);
    case op.RSQRT: return f32x4.div(f32x4.splat(1), f32x4.sqrt(a));
    case op.ABS: return f32x4.abs(a);
    // ±1 by sign, 0 for ±0 and NaN
    case op.SIGN: return v128.and(copySign(f32x4.splat(1), a), v128.or(f32x4.lt(a, zero), f32x4.gt(a, zero)));
    case op.TANH: return tanhV(a);
    case op.SIGMOID: return sigmoidV(a);
    case op.ERF: return erfV(a);
    // max(x, 0): NaN stays NaN and −0 becomes +0, as in PyTorch
    case op.RELU: return f32x4.max(a, zero);
    case op.GELU: return geluV(a);
    case op.FLOOR: return f32x4.floor(a);

    case op.I_NEG: return i32x4.neg(a);
    case op.I_ABS: return i32x4.abs(a);
    case op.I_SIGN: return i32x4.sub(i32x4.gt_s(zero, a), i32x4.gt_s(a, zero));
    case op.I_RELU: return i32x4.max_s(a, zero);

    case op.ADD: return f32x4.add(a, b);
    case op.SUB: return f32x4.sub(a, b);
    case op.MUL: return f32x4.mul(a, b);
    case op.DIV: return f32x4.div(a, b);
    case op.POW: return powV(a, b);
    // wasm's min/max return NaN if either lane is NaN, as PyTorch's maximum/minimum do
    case op.MAXIMUM: return f32x4.max(a, b);
    case op.MINIMUM: return f32x4.min(a, b);
    case op.EQ: return mask01(f32x4.eq(a, b));
    case op.NE: return mask01(f32x4.ne(a, b));
    case op.LT: return mask01(f32x4.lt(a, b));
    case op.LE: return mask01(f32x4.le(a, b));
    case op.GT: return mask01(f32x4.gt(a, b));
    case op.GE: return mask01(f32x4.ge(a, b));

    case op.I_ADD: return i32x4.add(a, b);
    case op.I_SUB: return i32x4.sub(a, b);
    case op.I_MUL: return i32x4.mul(a, b);
    case op.I_MAXIMUM: return i32x4.max_s(a, b);
    case op.I_MINIMUM: return i32x4.min_s(a, b);
    case op.I_EQ: return mask01(i32x4.eq(a, b));
    case op.I_NE: return mask01(i32x4.ne(a, b));
    case op.I_LT: return mask01(i32x4.lt_s(a, b));
    case op.I_LE: return mask01(i32x4.le_s(a, b));
    case op.I_GT: return mask01(i32x4.gt_s(a, b));
    case op.I_GE: return mask01(i32x4.ge_s(a, b));

    case op.WHERE: return v128.bitselect(b, c, i32x4.ne(a, zero));
  }
  return zero;
}

/** How many inputs op `code` reads. */
// @ts-ignore: decorator
@inline
function arity(code: i32): i32 {
  return code < op.ADD ? 1 : code < op.WHERE ? 2 : 3;
}

/** out[i] = op(p0[i], p1[i], p2[i]) for i < n, n a multiple of 4. */
// @ts-ignore: decorator
@inline
function loop(code: i32, p0: usize, p1: usize, p2: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const a = v128.load(at(p0, i));
    const b = arity(code) > 1 ? v128.load(at(p1, i)) : zero;
    const c = arity(code) > 2 ? v128.load(at(p2, i)) : zero;
    v128.store(at(out, i), vec(code, a, b, c));
  }
}

function dispatch(code: i32, p0: usize, p1: usize, p2: usize, out: usize, n: i32): void {
  switch (code) {
    case op.NEG: loop(op.NEG, p0, p1, p2, out, n); break;
    case op.EXP: loop(op.EXP, p0, p1, p2, out, n); break;
    case op.LOG: loop(op.LOG, p0, p1, p2, out, n); break;
    case op.SQRT: loop(op.SQRT, p0, p1, p2, out, n); break;
    case op.RSQRT: loop(op.RSQRT, p0, p1, p2, out, n); break;
    case op.ABS: loop(op.ABS, p0, p1, p2, out, n); break;
    case op.SIGN: loop(op.SIGN, p0, p1, p2, out, n); break;
    case op.TANH: loop(op.TANH, p0, p1, p2, out, n); break;
    case op.SIGMOID: loop(op.SIGMOID, p0, p1, p2, out, n); break;
    case op.ERF: loop(op.ERF, p0, p1, p2, out, n); break;
    case op.RELU: loop(op.RELU, p0, p1, p2, out, n); break;
    case op.GELU: loop(op.GELU, p0, p1, p2, out, n); break;
    case op.FLOOR: loop(op.FLOOR, p0, p1, p2, out, n); break;
    case op.I_NEG: loop(op.I_NEG, p0, p1, p2, out, n); break;
    case op.I_ABS: loop(op.I_ABS, p0, p1, p2, out, n); break;
    case op.I_SIGN: loop(op.I_SIGN, p0, p1, p2, out, n); break;
    case op.I_RELU: loop(op.I_RELU, p0, p1, p2, out, n); break;
    case op.ADD: loop(op.ADD, p0, p1, p2, out, n); break;
    case op.SUB: loop(op.SUB, p0, p1, p2, out, n); break;
    case op.MUL: loop(op.MUL, p0, p1, p2, out, n); break;
    case op.DIV: loop(op.DIV, p0, p1, p2, out, n); break;
    case op.POW: loop(op.POW, p0, p1, p2, out, n); break;
    case op.MAXIMUM: loop(op.MAXIMUM, p0, p1, p2, out, n); break;
    case op.MINIMUM: loop(op.MINIMUM, p0, p1, p2, out, n); break;
    case op.EQ: loop(op.EQ, p0, p1, p2, out, n); break;
    case op.NE: loop(op.NE, p0, p1, p2, out, n); break;
    case op.LT: loop(op.LT, p0, p1, p2, out, n); break;
    case op.LE: loop(op.LE, p0, p1, p2, out, n); break;
    case op.GT: loop(op.GT, p0, p1, p2, out, n); break;
    case op.GE: loop(op.GE, p0, p1, p2, out, n); break;
    case op.I_ADD: loop(op.I_ADD, p0, p1, p2, out, n); break;
    case op.I_SUB: loop(op.I_SUB, p0, p1, p2, out, n); break;
    case op.I_MUL: loop(op.I_MUL, p0, p1, p2, out, n); break;
    case op.I_MAXIMUM: loop(op.I_MAXIMUM, p0, p1, p2, out, n); break;
    case op.I_MINIMUM: loop(op.I_MINIMUM, p0, p1, p2, out, n); break;
    case op.I_EQ: loop(op.I_EQ, p0, p1, p2, out, n); break;
    case op.I_NE: loop(op.I_NE, p0, p1, p2, out, n); break;
    case op.I_LT: loop(op.I_LT, p0, p1, p2, out, n); break;
    case op.I_LE: loop(op.I_LE, p0, p1, p2, out, n); break;
    case op.I_GT: loop(op.I_GT, p0, p1, p2, out, n); break;
    case op.I_GE: loop(op.I_GE, p0, p1, p2, out, n); break;
    case op.WHERE: loop(op.WHERE, p0, p1, p2, out, n); break;
    default: unreachable();
  }
}

/**
 * out[i] = op(inputs[i]) for i < n over contiguous memory. Whole vectors first; the last 1–3 elements
 * go through one zero-padded vector in `tail` (4 vectors of scratch), so no op needs a scalar twin.
 */
function apply(code: i32, p0: usize, p1: usize, p2: usize, out: usize, n: i32, tail: usize): void {
  const whole = n & ~3;
  dispatch(code, p0, p1, p2, out, whole);
  const rest = n - whole;
  if (rest == 0) return;
  const bytes = <usize>rest << 2;
  const ins = arity(code);
  v128.store(tail, i32x4.splat(0));
  v128.store(tail, i32x4.splat(0), 16);
  v128.store(tail, i32x4.splat(0), 32);
  memory.copy(tail, at(p0, whole), bytes);
  if (ins > 1) memory.copy(tail + 16, at(p1, whole), bytes);
  if (ins > 2) memory.copy(tail + 32, at(p2, whole), bytes);
  dispatch(code, tail, tail + 16, tail + 32, tail + 48, 4);
  memory.copy(at(out, whole), tail + 48, bytes);
}

/**
 * Job fields of mapTask. The inputs are views of one (merged) shape of RANK dims; after the header come
 * the shape, the row-major strides of that shape (where a gathered block is written), and each
 * input's strides, each an array of RANK i32. Bit k of CONTIGUOUS says input k is read in place.
 */
const CODE = 0;
const COUNT = 1;
const OUT = 2;
const TASKS = 3;
const SCRATCH = 4;
const SCRATCH_STRIDE = 5;
const RANK = 6;
const CONTIGUOUS = 7;
const INPUTS = 8; // three base addresses
const SHAPE = 11;

export function mapTask(job: usize, task: i32, slot: i32): void {
  const code = field(job, CODE);
  const n = field(job, COUNT);
  const tasks = field(job, TASKS);
  const rank = field(job, RANK);
  const contiguous = field(job, CONTIGUOUS);
  const out = <usize>field(job, OUT);
  const scratch = <usize>field(job, SCRATCH) + <usize>slot * <usize>field(job, SCRATCH_STRIDE);
  const shape = fieldAddr(job, SHAPE);
  const rowMajor = fieldAddr(job, SHAPE + rank);
  const ins = arity(code);
  const start = boundary(n, BLOCK, tasks, task);
  const end = boundary(n, BLOCK, tasks, task + 1);
  for (let b = start; b < end; b += BLOCK) {
    const count = min(BLOCK, end - b);
    let p0: usize = 0;
    let p1: usize = 0;
    let p2: usize = 0;
    for (let k = 0; k < ins; k++) {
      const base = <usize>field(job, INPUTS + k);
      let p: usize;
      if ((contiguous >> k) & 1) {
        p = at(base, b);
      } else {
        p = scratch + SLOT_BLOCKS + (<usize>(k * BLOCK) << 2);
        // write element f of the walk to p + (f − b)·4: the row-major strides, shifted back by b
        copyRange(rank, shape, base, fieldAddr(job, SHAPE + (2 + k) * rank), p - (<usize>b << 2), rowMajor, b, b + count, COPY, scratch + SLOT_INDEX);
      }
      if (k == 0) p0 = p;
      else if (k == 1) p1 = p;
      else p2 = p;
    }
    apply(code, p0, p1, p2, at(out, b), count, scratch + SLOT_TAIL);
  }
}
