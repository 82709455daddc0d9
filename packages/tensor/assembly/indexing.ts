/**
 * gather and its adjoint scatterAdd over strided views (PyTorch semantics; see ops/indexing.ts). They
 * run on one thread: scatterAdd's writes may collide, and both are small next to the matrix products
 * in a model. An index out of range stops the kernel and is reported through the job (ERROR set to 1,
 * BAD_INDEX to the value), so the TypeScript side can throw an error that names it.
 */
import { INDEX_JOB } from './generated/contract';
import { at, field, fieldAddr } from './job';

/** After the job's header come the index's shape, then the strides of VALUES, of INDEX, and of the target. */

/**
 * Visits every index element in row-major order, calling `visit(v, t)` with the positions (in elements)
 * of the matching VALUES element and target element, `dim` excluded from the target; returns false at
 * the first bad index.
 */
// @inline
function walk(job: usize, scatter: bool): bool {
  const rank = field(job, INDEX_JOB.RANK);
  const dim = field(job, INDEX_JOB.DIM);
  const count = field(job, INDEX_JOB.COUNT);
  const dimSize = field(job, INDEX_JOB.DIM_SIZE);
  const shape = fieldAddr(job, INDEX_JOB.SHAPE);
  const vStrides = fieldAddr(job, INDEX_JOB.SHAPE + rank);
  const iStrides = fieldAddr(job, INDEX_JOB.SHAPE + 2 * rank);
  const tStrides = fieldAddr(job, INDEX_JOB.SHAPE + 3 * rank);
  const odometer = <usize>field(job, INDEX_JOB.ODOMETER);
  const values = <usize>field(job, INDEX_JOB.VALUES);
  const index = <usize>field(job, INDEX_JOB.INDEX);
  const out = <usize>field(job, INDEX_JOB.OUT);
  const isInt = field(job, INDEX_JOB.IS_INT) !== 0;
  const tDim = load<i32>(at(tStrides, dim));
  memory.fill(odometer, 0, (<usize>rank) << 2);
  let v = 0;
  let ip = 0;
  let t = 0; // target position without the dim's term
  for (let f = 0; f < count; f++) {
    const idx = load<i32>(at(index, ip));
    if (idx < 0 || idx >= dimSize) {
      store<i32>(fieldAddr(job, INDEX_JOB.ERROR), 1);
      store<i32>(fieldAddr(job, INDEX_JOB.BAD_INDEX), idx);
      return false;
    }
    if (scatter) {
      const p = at(out, t + idx * tDim);
      if (isInt) store<i32>(p, load<i32>(p) + load<i32>(at(values, v)));
      else store<f32>(p, load<f32>(p) + load<f32>(at(values, v)));
    } else {
      store<i32>(at(out, f), load<i32>(at(values, t + idx * tDim)));
    }
    // advance the odometer and the three positions
    for (let k = rank - 1; k >= 0; k--) {
      const i = load<i32>(at(odometer, k)) + 1;
      const sv = load<i32>(at(vStrides, k));
      const si = load<i32>(at(iStrides, k));
      const st = k === dim ? 0 : load<i32>(at(tStrides, k));
      if (i < load<i32>(at(shape, k))) {
        store<i32>(at(odometer, k), i);
        v += sv;
        ip += si;
        t += st;
        break;
      }
      store<i32>(at(odometer, k), 0);
      v -= (i - 1) * sv;
      ip -= (i - 1) * si;
      t -= (i - 1) * st;
    }
  }
  return true;
}

/** out[f] = x[… index[f] …]: VALUES is x, the target strides are x's. */
export function gather(job: usize): void {
  walk(job, false);
}

/** out = zeros; out[… index[f] …] += src[f]: VALUES is src, the target strides are the output's. */
export function scatterAdd(job: usize): void {
  memory.fill(<usize>field(job, INDEX_JOB.OUT), 0, (<usize>field(job, INDEX_JOB.OUT_COUNT)) << 2);
  walk(job, true);
}
