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
import { BLOCK, COPY_MODE, MAP_JOB, OP, SLOT_BLOCKS, SLOT_INDEX, SLOT_TAIL } from './generated/contract';
import { at, boundary, field, fieldAddr } from './job';
import { copyRange } from './strided';
import { copySign, erfV, expV, geluGradV, geluV, logV, sigmoidV, tanhV } from './vmath';

// @inline
function mask01(m: v128): v128 {
  return v128.and(m, i32x4.splat(1));
}

/** JavaScript's Math.pow on one lane (the reference backend's semantics, e.g. pow(1, NaN) is NaN). */
// @inline
function powLane(a: f32, b: f32): f32 {
  if (isNaN(b) || (Math.abs(a) === 1 && !isFinite(b))) return NaN;
  return <f32>(<f64>a ** <f64>b);
}

// @inline
function powV(a: v128, b: v128): v128 {
  let r = f32x4.splat(powLane(f32x4.extract_lane(a, 0), f32x4.extract_lane(b, 0)));
  r = f32x4.replace_lane(r, 1, powLane(f32x4.extract_lane(a, 1), f32x4.extract_lane(b, 1)));
  r = f32x4.replace_lane(r, 2, powLane(f32x4.extract_lane(a, 2), f32x4.extract_lane(b, 2)));
  return f32x4.replace_lane(r, 3, powLane(f32x4.extract_lane(a, 3), f32x4.extract_lane(b, 3)));
}

/** One vector of op `code`; `code` is a constant wherever this is inlined, so the switch folds away. */
// @inline
// biome-ignore format: one line per op reads as a table
function vec(code: i32, a: v128, b: v128, c: v128): v128 {
  const zero = f32x4.splat(0);
  switch (code) {
    case OP.NEG: return f32x4.neg(a);
    case OP.EXP: return expV(a);
    case OP.LOG: return logV(a);
    case OP.SQRT: return f32x4.sqrt(a);
    case OP.RSQRT: return f32x4.div(f32x4.splat(1), f32x4.sqrt(a));
    case OP.ABS: return f32x4.abs(a);
    // ±1 by sign, 0 for ±0 and NaN
    case OP.SIGN: return v128.and(copySign(f32x4.splat(1), a), v128.or(f32x4.lt(a, zero), f32x4.gt(a, zero)));
    case OP.TANH: return tanhV(a);
    case OP.SIGMOID: return sigmoidV(a);
    case OP.ERF: return erfV(a);
    // max(x, 0): NaN stays NaN and −0 becomes +0, as in PyTorch
    case OP.RELU: return f32x4.max(a, zero);
    case OP.GELU: return geluV(a);
    case OP.FLOOR: return f32x4.floor(a);

    case OP.I_NEG: return i32x4.neg(a);
    case OP.I_ABS: return i32x4.abs(a);
    case OP.I_SIGN: return i32x4.sub(i32x4.gt_s(zero, a), i32x4.gt_s(a, zero));
    case OP.I_RELU: return i32x4.max_s(a, zero);

    case OP.ADD: return f32x4.add(a, b);
    case OP.SUB: return f32x4.sub(a, b);
    case OP.MUL: return f32x4.mul(a, b);
    case OP.DIV: return f32x4.div(a, b);
    case OP.POW: return powV(a, b);
    // wasm's min/max return NaN if either lane is NaN, as PyTorch's maximum/minimum do
    case OP.MAXIMUM: return f32x4.max(a, b);
    case OP.MINIMUM: return f32x4.min(a, b);
    case OP.EQ: return mask01(f32x4.eq(a, b));
    case OP.NE: return mask01(f32x4.ne(a, b));
    case OP.LT: return mask01(f32x4.lt(a, b));
    case OP.LE: return mask01(f32x4.le(a, b));
    case OP.GT: return mask01(f32x4.gt(a, b));
    case OP.GE: return mask01(f32x4.ge(a, b));
    case OP.GELU_GRAD: return geluGradV(a, b);

    case OP.I_ADD: return i32x4.add(a, b);
    case OP.I_SUB: return i32x4.sub(a, b);
    case OP.I_MUL: return i32x4.mul(a, b);
    case OP.I_MAXIMUM: return i32x4.max_s(a, b);
    case OP.I_MINIMUM: return i32x4.min_s(a, b);
    case OP.I_EQ: return mask01(i32x4.eq(a, b));
    case OP.I_NE: return mask01(i32x4.ne(a, b));
    case OP.I_LT: return mask01(i32x4.lt_s(a, b));
    case OP.I_LE: return mask01(i32x4.le_s(a, b));
    case OP.I_GT: return mask01(i32x4.gt_s(a, b));
    case OP.I_GE: return mask01(i32x4.ge_s(a, b));

    case OP.WHERE: return v128.bitselect(b, c, i32x4.ne(a, zero));
  }
  return zero;
}

/** How many inputs op `code` reads. */
// @inline
function arity(code: i32): i32 {
  return code < OP.ADD ? 1 : code < OP.WHERE ? 2 : 3;
}

/** out[i] = op(p0[i], p1[i], p2[i]) for i < n, n a multiple of 4. */
// @inline
function loop(code: i32, p0: usize, p1: usize, p2: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const a = v128.load(at(p0, i));
    const b = arity(code) > 1 ? v128.load(at(p1, i)) : zero;
    const c = arity(code) > 2 ? v128.load(at(p2, i)) : zero;
    v128.store(at(out, i), vec(code, a, b, c));
  }
}

// biome-ignore format: one line per op reads as a table
function dispatch(code: i32, p0: usize, p1: usize, p2: usize, out: usize, n: i32): void {
  switch (code) {
    case OP.NEG: loop(OP.NEG, p0, p1, p2, out, n); break;
    case OP.EXP: loop(OP.EXP, p0, p1, p2, out, n); break;
    case OP.LOG: loop(OP.LOG, p0, p1, p2, out, n); break;
    case OP.SQRT: loop(OP.SQRT, p0, p1, p2, out, n); break;
    case OP.RSQRT: loop(OP.RSQRT, p0, p1, p2, out, n); break;
    case OP.ABS: loop(OP.ABS, p0, p1, p2, out, n); break;
    case OP.SIGN: loop(OP.SIGN, p0, p1, p2, out, n); break;
    case OP.TANH: loop(OP.TANH, p0, p1, p2, out, n); break;
    case OP.SIGMOID: loop(OP.SIGMOID, p0, p1, p2, out, n); break;
    case OP.ERF: loop(OP.ERF, p0, p1, p2, out, n); break;
    case OP.RELU: loop(OP.RELU, p0, p1, p2, out, n); break;
    case OP.GELU: loop(OP.GELU, p0, p1, p2, out, n); break;
    case OP.FLOOR: loop(OP.FLOOR, p0, p1, p2, out, n); break;
    case OP.I_NEG: loop(OP.I_NEG, p0, p1, p2, out, n); break;
    case OP.I_ABS: loop(OP.I_ABS, p0, p1, p2, out, n); break;
    case OP.I_SIGN: loop(OP.I_SIGN, p0, p1, p2, out, n); break;
    case OP.I_RELU: loop(OP.I_RELU, p0, p1, p2, out, n); break;
    case OP.ADD: loop(OP.ADD, p0, p1, p2, out, n); break;
    case OP.SUB: loop(OP.SUB, p0, p1, p2, out, n); break;
    case OP.MUL: loop(OP.MUL, p0, p1, p2, out, n); break;
    case OP.DIV: loop(OP.DIV, p0, p1, p2, out, n); break;
    case OP.POW: loop(OP.POW, p0, p1, p2, out, n); break;
    case OP.MAXIMUM: loop(OP.MAXIMUM, p0, p1, p2, out, n); break;
    case OP.MINIMUM: loop(OP.MINIMUM, p0, p1, p2, out, n); break;
    case OP.EQ: loop(OP.EQ, p0, p1, p2, out, n); break;
    case OP.NE: loop(OP.NE, p0, p1, p2, out, n); break;
    case OP.LT: loop(OP.LT, p0, p1, p2, out, n); break;
    case OP.LE: loop(OP.LE, p0, p1, p2, out, n); break;
    case OP.GT: loop(OP.GT, p0, p1, p2, out, n); break;
    case OP.GE: loop(OP.GE, p0, p1, p2, out, n); break;
    case OP.GELU_GRAD: loop(OP.GELU_GRAD, p0, p1, p2, out, n); break;
    case OP.I_ADD: loop(OP.I_ADD, p0, p1, p2, out, n); break;
    case OP.I_SUB: loop(OP.I_SUB, p0, p1, p2, out, n); break;
    case OP.I_MUL: loop(OP.I_MUL, p0, p1, p2, out, n); break;
    case OP.I_MAXIMUM: loop(OP.I_MAXIMUM, p0, p1, p2, out, n); break;
    case OP.I_MINIMUM: loop(OP.I_MINIMUM, p0, p1, p2, out, n); break;
    case OP.I_EQ: loop(OP.I_EQ, p0, p1, p2, out, n); break;
    case OP.I_NE: loop(OP.I_NE, p0, p1, p2, out, n); break;
    case OP.I_LT: loop(OP.I_LT, p0, p1, p2, out, n); break;
    case OP.I_LE: loop(OP.I_LE, p0, p1, p2, out, n); break;
    case OP.I_GT: loop(OP.I_GT, p0, p1, p2, out, n); break;
    case OP.I_GE: loop(OP.I_GE, p0, p1, p2, out, n); break;
    case OP.WHERE: loop(OP.WHERE, p0, p1, p2, out, n); break;
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
  if (rest === 0) return;
  const bytes = (<usize>rest) << 2;
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
 * The inputs are views of one (merged) shape of RANK dims; after the job's header come the shape, the
 * row-major strides of that shape (where a gathered block is written), and each input's strides, each an
 * array of RANK i32. Bit k of CONTIGUOUS says input k is read in place.
 */
export function mapTask(job: usize, task: i32, slot: i32): void {
  const code = field(job, MAP_JOB.CODE);
  const n = field(job, MAP_JOB.COUNT);
  const tasks = field(job, MAP_JOB.TASKS);
  const rank = field(job, MAP_JOB.RANK);
  const contiguous = field(job, MAP_JOB.CONTIGUOUS);
  const out = <usize>field(job, MAP_JOB.OUT);
  const scratch = <usize>field(job, MAP_JOB.SCRATCH) + <usize>slot * <usize>field(job, MAP_JOB.SCRATCH_STRIDE);
  const shape = fieldAddr(job, MAP_JOB.SHAPE);
  const rowMajor = fieldAddr(job, MAP_JOB.SHAPE + rank);
  const ins = arity(code);
  const start = boundary(n, BLOCK, tasks, task);
  const end = boundary(n, BLOCK, tasks, task + 1);
  for (let b = start; b < end; b += BLOCK) {
    const count = min(BLOCK, end - b);
    let p0: usize = 0;
    let p1: usize = 0;
    let p2: usize = 0;
    for (let k = 0; k < ins; k++) {
      const base = <usize>field(job, MAP_JOB.INPUTS + k);
      let p: usize;
      if ((contiguous >> k) & 1) {
        p = at(base, b);
      } else {
        p = scratch + SLOT_BLOCKS + ((<usize>(k * BLOCK)) << 2);
        // write element f of the walk to p + (f − b)·4: the row-major strides, shifted back by b
        copyRange(
          rank,
          shape,
          base,
          fieldAddr(job, MAP_JOB.SHAPE + (2 + k) * rank),
          p - ((<usize>b) << 2),
          rowMajor,
          b,
          b + count,
          COPY_MODE.COPY,
          scratch + SLOT_INDEX,
        );
      }
      if (k === 0) p0 = p;
      else if (k === 1) p1 = p;
      else p2 = p;
    }
    apply(code, p0, p1, p2, at(out, b), count, scratch + SLOT_TAIL);
  }
}
