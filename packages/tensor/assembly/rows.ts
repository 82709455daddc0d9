/**
 * Kernels over the rows of a contiguous [rows, cols] buffer: reductions, softmax and layerNorm. Threads
 * split the rows; each row is computed start to finish by one thread, in one fixed order. Sums are
 * accumulated in float64 (two f64x2 lanes per float32 vector), as the reference backend does, so long
 * rows lose nothing to float32 rounding.
 */
import { LAYER_NORM_BACKWARD_JOB, LAYER_NORM_JOB, REDUCE, REDUCE_JOB, SOFTMAX_JOB } from './generated/contract';
import { at, boundary, field, fieldF32 } from './job';
import { expV, logV } from './vmath';

// @inline
function high(v: v128): v128 {
  return i32x4.shuffle(v, v, 2, 3, 0, 1);
}

/** Σ p[i] for i < n in float64. */
export function sumF32(p: usize, n: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at(p, i));
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(high(v)));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) s += <f64>load<f32>(at(p, i));
  return s;
}

/** Σ (p[i] − mean)² for i < n in float64. */
function sumSquaredDeviations(p: usize, n: i32, mean: f64): f64 {
  const m = f64x2.splat(mean);
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at(p, i));
    const d0 = f64x2.sub(f64x2.promote_low_f32x4(v), m);
    const d1 = f64x2.sub(f64x2.promote_low_f32x4(high(v)), m);
    a0 = f64x2.add(a0, f64x2.mul(d0, d0));
    a1 = f64x2.add(a1, f64x2.mul(d1, d1));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) {
    const d = <f64>load<f32>(at(p, i)) - mean;
    s += d * d;
  }
  return s;
}

/**
 * Largest (or smallest) of p[0..n) for n ≥ 1; a NaN anywhere gives NaN. wasm's f32x4.max/min
 * propagate NaN but cost x86 eight instructions each; pmax/pmin are one, so NaNs are tracked aside.
 */
function extremeF32(p: usize, n: i32, largest: bool): f32 {
  let acc = f32x4.splat(load<f32>(p));
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at(p, i));
    acc = largest ? f32x4.pmax(acc, v) : f32x4.pmin(acc, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  let r = largest
    ? max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)))
    : min(min(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), min(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  for (; i < n; i++) r = largest ? max(r, load<f32>(at(p, i))) : min(r, load<f32>(at(p, i)));
  return v128.any_true(nan) || isNaN(load<f32>(p)) ? NaN : r;
}

function sumI32(p: usize, n: i32): i32 {
  let acc = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = i32x4.add(acc, v128.load(at(p, i)));
  let s = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  for (; i < n; i++) s += load<i32>(at(p, i));
  return s;
}

function extremeI32(p: usize, n: i32, largest: bool): i32 {
  let acc = i32x4.splat(load<i32>(p));
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at(p, i));
    acc = largest ? i32x4.max_s(acc, v) : i32x4.min_s(acc, v);
  }
  let r = acc;
  r = largest ? i32x4.max_s(r, i32x4.shuffle(r, r, 2, 3, 0, 1)) : i32x4.min_s(r, i32x4.shuffle(r, r, 2, 3, 0, 1));
  r = largest ? i32x4.max_s(r, i32x4.shuffle(r, r, 1, 0, 3, 2)) : i32x4.min_s(r, i32x4.shuffle(r, r, 1, 0, 3, 2));
  let s = i32x4.extract_lane(r, 0);
  for (; i < n; i++) s = largest ? max(s, load<i32>(at(p, i))) : min(s, load<i32>(at(p, i)));
  return s;
}

/** Position of the first largest (smallest) element; a NaN wins and stays, as in PyTorch. */
function argExtreme(p: usize, n: i32, largest: bool, isInt: bool): i32 {
  let pos = 0;
  if (isInt) {
    let best = load<i32>(p);
    for (let i = 1; i < n; i++) {
      const v = load<i32>(at(p, i));
      if (largest ? v > best : v < best) {
        best = v;
        pos = i;
      }
    }
    return pos;
  }
  let best = load<f32>(p);
  for (let i = 1; i < n && !isNaN(best); i++) {
    const v = load<f32>(at(p, i));
    if (isNaN(v) || (largest ? v > best : v < best)) {
      best = v;
      pos = i;
    }
  }
  return pos;
}

export function reduceTask(job: usize, task: i32, _slot: i32): void {
  const code = field(job, REDUCE_JOB.OP);
  const isInt = field(job, REDUCE_JOB.INT) !== 0;
  const x = <usize>field(job, REDUCE_JOB.X);
  const out = <usize>field(job, REDUCE_JOB.OUT);
  const outer = field(job, REDUCE_JOB.ROWS);
  const inner = field(job, REDUCE_JOB.COLS);
  const tasks = field(job, REDUCE_JOB.TASKS);
  const end = boundary(outer, 1, tasks, task + 1);
  for (let r = boundary(outer, 1, tasks, task); r < end; r++) {
    const p = x + ((<usize>r * <usize>inner) << 2);
    const o = at(out, r);
    if (code === REDUCE.ARGMAX || code === REDUCE.ARGMIN) store<i32>(o, argExtreme(p, inner, code === REDUCE.ARGMAX, isInt));
    else if (isInt) store<i32>(o, code === REDUCE.SUM ? sumI32(p, inner) : extremeI32(p, inner, code === REDUCE.MAX));
    else store<f32>(o, code === REDUCE.SUM ? <f32>sumF32(p, inner) : extremeF32(p, inner, code === REDUCE.MAX));
  }
}

/** e^(x − m) for one lane, by the same vector code as the whole vectors. */
// @inline
function expLane(x: f32): f32 {
  return f32x4.extract_lane(expV(f32x4.splat(x)), 0);
}

/**
 * Softmax (or log-softmax) of x `[outer, cols, inner]` along the middle dim, max-subtracted so exp
 * cannot overflow. inner = 1: each row at once, vectorised along the row. inner > 1 (the channels of
 * NCHW images): four neighbouring lines at once, one per lane, so the loads stay contiguous.
 */
export function softmaxTask(job: usize, task: i32, _slot: i32): void {
  if (field(job, SOFTMAX_JOB.INNER) === 1) softmaxRows(job, task);
  else softmaxColumns(job, task);
}

function softmaxRows(job: usize, task: i32): void {
  const x = <usize>field(job, SOFTMAX_JOB.X);
  const out = <usize>field(job, SOFTMAX_JOB.OUT);
  const rows = field(job, SOFTMAX_JOB.OUTER);
  const cols = field(job, SOFTMAX_JOB.COLS);
  const log = field(job, SOFTMAX_JOB.LOG) !== 0;
  const tasks = field(job, SOFTMAX_JOB.TASKS);
  const end = boundary(rows, 1, tasks, task + 1);
  for (let r = boundary(rows, 1, tasks, task); r < end; r++) {
    const p = x + ((<usize>r * <usize>cols) << 2);
    const q = out + ((<usize>r * <usize>cols) << 2);
    const m = extremeF32(p, cols, true);
    const mv = f32x4.splat(m);
    // e = exp(x − m) into the output, summed in float64 on the way
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= cols; i += 4) {
      const e = expV(f32x4.sub(v128.load(at(p, i)), mv));
      v128.store(at(q, i), e);
      a0 = f64x2.add(a0, f64x2.promote_low_f32x4(e));
      a1 = f64x2.add(a1, f64x2.promote_low_f32x4(high(e)));
    }
    const a = f64x2.add(a0, a1);
    let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
    for (; i < cols; i++) {
      const e = expLane(load<f32>(at(p, i)) - m);
      store<f32>(at(q, i), e);
      s += <f64>e;
    }
    i = 0;
    if (log) {
      const shift = f32x4.splat(<f32>Math.log(s));
      for (; i + 4 <= cols; i += 4) v128.store(at(q, i), f32x4.sub(f32x4.sub(v128.load(at(p, i)), mv), shift));
      for (; i < cols; i++) store<f32>(at(q, i), load<f32>(at(p, i)) - m - <f32>Math.log(s));
    } else {
      const sv = f32x4.splat(<f32>s);
      for (; i + 4 <= cols; i += 4) v128.store(at(q, i), f32x4.div(v128.load(at(q, i)), sv));
      for (; i < cols; i++) store<f32>(at(q, i), load<f32>(at(q, i)) / <f32>s);
    }
  }
}

/** Lines (o, j) of `[outer, cols, inner]` in groups of four neighbours j..j+3; a last partial group lane by lane. */
function softmaxColumns(job: usize, task: i32): void {
  const x = <usize>field(job, SOFTMAX_JOB.X);
  const out = <usize>field(job, SOFTMAX_JOB.OUT);
  const outer = field(job, SOFTMAX_JOB.OUTER);
  const cols = field(job, SOFTMAX_JOB.COLS);
  const inner = field(job, SOFTMAX_JOB.INNER);
  const log = field(job, SOFTMAX_JOB.LOG) !== 0;
  const tasks = field(job, SOFTMAX_JOB.TASKS);
  const groups = (inner + 3) >> 2;
  const end = boundary(outer * groups, 1, tasks, task + 1);
  for (let unit = boundary(outer * groups, 1, tasks, task); unit < end; unit++) {
    const o = unit / groups;
    const j = (unit % groups) << 2;
    const first = (<usize>o * <usize>cols * <usize>inner + <usize>j) << 2; // byte offset of element (o, 0, j)
    if (j + 4 <= inner) {
      const px = x + first;
      const po = out + first;
      let m = v128.load(px);
      for (let c = 1; c < cols; c++) m = f32x4.max(m, v128.load(at(px, c * inner)));
      let s = f32x4.splat(0);
      for (let c = 0; c < cols; c++) {
        const e = expV(f32x4.sub(v128.load(at(px, c * inner)), m));
        if (!log) v128.store(at(po, c * inner), e);
        s = f32x4.add(s, e);
      }
      if (log) {
        // (x − m) − log s, as the rows do: x − m is exact, m + log s would round at m's magnitude
        const logS = logV(s);
        for (let c = 0; c < cols; c++) v128.store(at(po, c * inner), f32x4.sub(f32x4.sub(v128.load(at(px, c * inner)), m), logS));
      } else {
        for (let c = 0; c < cols; c++) v128.store(at(po, c * inner), f32x4.div(v128.load(at(po, c * inner)), s));
      }
    } else {
      for (let lane = 0; lane < inner - j; lane++) {
        const px = x + first + ((<usize>lane) << 2);
        const po = out + first + ((<usize>lane) << 2);
        let m = load<f32>(px);
        for (let c = 1; c < cols; c++) m = max(m, load<f32>(at(px, c * inner)));
        let s: f32 = 0;
        for (let c = 0; c < cols; c++) s += expLane(load<f32>(at(px, c * inner)) - m);
        for (let c = 0; c < cols; c++) {
          const v = load<f32>(at(px, c * inner));
          store<f32>(at(po, c * inner), log ? v - m - Mathf.log(s) : expLane(v - m) / s);
        }
      }
    }
  }
}

/**
 * softmax's gradient along the middle dim of `[outer, cols, inner]`: dx = y·(g − Σ g·y) with y the
 * softmax, or dx = g − e^y·Σ g with y the log-softmax. Lines taken as softmaxTask takes them.
 */
export function softmaxBackwardTask(job: usize, task: i32, _slot: i32): void {
  const y = <usize>field(job, SOFTMAX_JOB.X);
  const g = <usize>field(job, SOFTMAX_JOB.G);
  const dx = <usize>field(job, SOFTMAX_JOB.OUT);
  const outer = field(job, SOFTMAX_JOB.OUTER);
  const cols = field(job, SOFTMAX_JOB.COLS);
  const inner = field(job, SOFTMAX_JOB.INNER);
  const log = field(job, SOFTMAX_JOB.LOG) !== 0;
  const tasks = field(job, SOFTMAX_JOB.TASKS);
  // a row (inner = 1) is one line of contiguous elements; otherwise lines are strided by inner
  const lanes = inner === 1 ? 1 : 4;
  const groups = inner === 1 ? 1 : (inner + 3) >> 2;
  const end = boundary(outer * groups, 1, tasks, task + 1);
  for (let unit = boundary(outer * groups, 1, tasks, task); unit < end; unit++) {
    const o = unit / groups;
    const j = (unit % groups) * lanes;
    const first = (<usize>o * <usize>cols * <usize>inner + <usize>j) << 2; // byte offset of element (o, 0, j)
    if (inner === 1) {
      backwardLine(y + first, g + first, dx + first, cols, 1, log);
    } else if (j + 4 <= inner) {
      const py = y + first;
      const pg = g + first;
      const pd = dx + first;
      let s = f32x4.splat(0);
      for (let c = 0; c < cols; c++) {
        const gc = v128.load(at(pg, c * inner));
        s = f32x4.add(s, log ? gc : f32x4.mul(gc, v128.load(at(py, c * inner))));
      }
      for (let c = 0; c < cols; c++) {
        const yc = v128.load(at(py, c * inner));
        const gc = v128.load(at(pg, c * inner));
        v128.store(at(pd, c * inner), log ? f32x4.sub(gc, f32x4.mul(expV(yc), s)) : f32x4.mul(yc, f32x4.sub(gc, s)));
      }
    } else {
      for (let lane = 0; lane < inner - j; lane++) {
        const shift = first + ((<usize>lane) << 2);
        backwardLine(y + shift, g + shift, dx + shift, cols, inner, log);
      }
    }
  }
}

/**
 * One line of softmaxBackwardTask: elements p, p + step, ... (step in elements). A row (step 1) is
 * vectorised along itself; a strided line, the tail of a group of four, goes element by element.
 */
function backwardLine(y: usize, g: usize, dx: usize, cols: i32, step: i32, log: bool): void {
  let s: f32 = 0;
  let i = 0;
  if (step === 1) {
    let acc = f32x4.splat(0);
    for (; i + 4 <= cols; i += 4) {
      const gi = v128.load(at(g, i));
      acc = f32x4.add(acc, log ? gi : f32x4.mul(gi, v128.load(at(y, i))));
    }
    s = laneSum(acc);
  }
  for (let k = i; k < cols; k++) s += log ? load<f32>(at(g, k * step)) : load<f32>(at(g, k * step)) * load<f32>(at(y, k * step));
  i = 0;
  if (step === 1) {
    const sv = f32x4.splat(s);
    for (; i + 4 <= cols; i += 4) {
      const yi = v128.load(at(y, i));
      const gi = v128.load(at(g, i));
      v128.store(at(dx, i), log ? f32x4.sub(gi, f32x4.mul(expV(yi), sv)) : f32x4.mul(yi, f32x4.sub(gi, sv)));
    }
  }
  for (; i < cols; i++) {
    const yi = load<f32>(at(y, i * step));
    const gi = load<f32>(at(g, i * step));
    store<f32>(at(dx, i * step), log ? gi - expLane(yi) * s : yi * (gi - s));
  }
}

/**
 * layerNorm's input gradient per row: with x̂ = (x − mean)·rstd and ĝ = g·weight,
 * dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)). Two passes over the row: the two means, then dx.
 */
export function layerNormBackwardTask(job: usize, task: i32, _slot: i32): void {
  const x = <usize>field(job, LAYER_NORM_BACKWARD_JOB.X);
  const g = <usize>field(job, LAYER_NORM_BACKWARD_JOB.G);
  const dx = <usize>field(job, LAYER_NORM_BACKWARD_JOB.DX);
  const weight = <usize>field(job, LAYER_NORM_BACKWARD_JOB.WEIGHT);
  const rows = field(job, LAYER_NORM_BACKWARD_JOB.ROWS);
  const cols = field(job, LAYER_NORM_BACKWARD_JOB.COLS);
  const tasks = field(job, LAYER_NORM_BACKWARD_JOB.TASKS);
  const end = boundary(rows, 1, tasks, task + 1);
  for (let r = boundary(rows, 1, tasks, task); r < end; r++) {
    const offset = (<usize>r * <usize>cols) << 2;
    const px = x + offset;
    const pg = g + offset;
    const pd = dx + offset;
    const mean = load<f32>(at(<usize>field(job, LAYER_NORM_BACKWARD_JOB.MEAN), r));
    const rstd = load<f32>(at(<usize>field(job, LAYER_NORM_BACKWARD_JOB.RSTD), r));
    const mv = f32x4.splat(mean);
    const rv = f32x4.splat(rstd);
    // pass 1: Σ ĝ and Σ ĝ·x̂
    let sg = f32x4.splat(0);
    let sgx = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= cols; i += 4) {
      const xhat = f32x4.mul(f32x4.sub(v128.load(at(px, i)), mv), rv);
      let ghat = v128.load(at(pg, i));
      if (weight) ghat = f32x4.mul(ghat, v128.load(at(weight, i)));
      sg = f32x4.add(sg, ghat);
      sgx = f32x4.add(sgx, f32x4.mul(ghat, xhat));
    }
    let sumG = laneSum(sg);
    let sumGx = laneSum(sgx);
    for (let j = i; j < cols; j++) {
      const ghat = load<f32>(at(pg, j)) * (weight ? load<f32>(at(weight, j)) : 1);
      sumG += ghat;
      sumGx += ghat * (load<f32>(at(px, j)) - mean) * rstd;
    }
    const meanG = sumG / <f32>cols;
    const meanGx = sumGx / <f32>cols;
    // pass 2: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))
    const mgv = f32x4.splat(meanG);
    const mgxv = f32x4.splat(meanGx);
    i = 0;
    for (; i + 4 <= cols; i += 4) {
      const xhat = f32x4.mul(f32x4.sub(v128.load(at(px, i)), mv), rv);
      let ghat = v128.load(at(pg, i));
      if (weight) ghat = f32x4.mul(ghat, v128.load(at(weight, i)));
      v128.store(at(pd, i), f32x4.mul(rv, f32x4.sub(f32x4.sub(ghat, mgv), f32x4.mul(xhat, mgxv))));
    }
    for (; i < cols; i++) {
      const ghat = load<f32>(at(pg, i)) * (weight ? load<f32>(at(weight, i)) : 1);
      store<f32>(at(pd, i), rstd * (ghat - meanG - (load<f32>(at(px, i)) - mean) * rstd * meanGx));
    }
  }
}

/** The sum of a vector's four lanes. */
// @inline
function laneSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** y = (x − mean)·rstd·weight + bias per row; mean and rstd = 1/√(biased var + eps) are kept. */
export function layerNormTask(job: usize, task: i32, _slot: i32): void {
  const x = <usize>field(job, LAYER_NORM_JOB.X);
  const y = <usize>field(job, LAYER_NORM_JOB.Y);
  const rows = field(job, LAYER_NORM_JOB.ROWS);
  const cols = field(job, LAYER_NORM_JOB.COLS);
  const weight = <usize>field(job, LAYER_NORM_JOB.WEIGHT);
  const bias = <usize>field(job, LAYER_NORM_JOB.BIAS);
  const eps = <f64>fieldF32(job, LAYER_NORM_JOB.EPS);
  const tasks = field(job, LAYER_NORM_JOB.TASKS);
  const end = boundary(rows, 1, tasks, task + 1);
  for (let r = boundary(rows, 1, tasks, task); r < end; r++) {
    const p = x + ((<usize>r * <usize>cols) << 2);
    const q = y + ((<usize>r * <usize>cols) << 2);
    const mean = sumF32(p, cols) / cols;
    const rstd = 1 / Math.sqrt(sumSquaredDeviations(p, cols, mean) / cols + eps);
    store<f32>(at(<usize>field(job, LAYER_NORM_JOB.MEAN), r), <f32>mean);
    store<f32>(at(<usize>field(job, LAYER_NORM_JOB.RSTD), r), <f32>rstd);
    const mv = f32x4.splat(<f32>mean);
    const rv = f32x4.splat(<f32>rstd);
    let i = 0;
    for (; i + 4 <= cols; i += 4) {
      let v = f32x4.mul(f32x4.sub(v128.load(at(p, i)), mv), rv);
      if (weight) v = f32x4.mul(v, v128.load(at(weight, i)));
      if (bias) v = f32x4.add(v, v128.load(at(bias, i)));
      v128.store(at(q, i), v);
    }
    for (; i < cols; i++) {
      let v = (load<f32>(at(p, i)) - <f32>mean) * <f32>rstd;
      if (weight) v *= load<f32>(at(weight, i));
      if (bias) v += load<f32>(at(bias, i));
      store<f32>(at(q, i), v);
    }
  }
}
