/**
 * gather and its adjoint scatterAdd over strided views (PyTorch semantics; see ops/indexing.ts). They
 * run on one thread: scatterAdd's writes may collide, and both are small next to the matrix products
 * in a model. An index out of range stops the kernel and is reported through the job (ERROR set to 1,
 * BAD_INDEX to the value), so the TypeScript side can throw an error that names it.
 */
import { at, field, fieldAddr } from './job';

/** Job fields shared by both kernels; after the header come the index's shape and three stride arrays. */
const RANK = 0;
const DIM = 1;
const VALUES = 2; // gather: x; scatterAdd: src
const INDEX = 3;
const OUT = 4;
const COUNT = 5; // elements of the index
const DIM_SIZE = 6; // valid indices are [0, DIM_SIZE)
const ERROR = 7;
const BAD_INDEX = 8;
const ODOMETER = 9; // rank i32 of scratch
const IS_INT = 10; // scatterAdd: add as int32
const OUT_COUNT = 11; // scatterAdd: elements of the output, zeroed first
const SHAPE = 12;
// then: strides of VALUES, of INDEX, and of the target (gather: x again; scatterAdd: the output)

/**
 * Visits every index element in row-major order, calling `visit(v, t)` with the positions (in elements)
 * of the matching VALUES element and target element, `dim` excluded from the target; returns false at
 * the first bad index.
 */
// @ts-ignore: decorator
@inline
function walk(job: usize, scatter: bool): bool {
  const rank = field(job, RANK);
  const dim = field(job, DIM);
  const count = field(job, COUNT);
  const dimSize = field(job, DIM_SIZE);
  const shape = fieldAddr(job, SHAPE);
  const vStrides = fieldAddr(job, SHAPE + rank);
  const iStrides = fieldAddr(job, SHAPE + 2 * rank);
  const tStrides = fieldAddr(job, SHAPE + 3 * rank);
  const odometer = <usize>field(job, ODOMETER);
  const values = <usize>field(job, VALUES);
  const index = <usize>field(job, INDEX);
  const out = <usize>field(job, OUT);
  const isInt = field(job, IS_INT) != 0;
  const tDim = load<i32>(at(tStrides, dim));
  memory.fill(odometer, 0, <usize>rank << 2);
  let v = 0;
  let ip = 0;
  let t = 0; // target position without the dim's term
  for (let f = 0; f < count; f++) {
    const idx = load<i32>(at(index, ip));
    if (idx < 0 || idx >= dimSize) {
      store<i32>(fieldAddr(job, ERROR), 1);
      store<i32>(fieldAddr(job, BAD_INDEX), idx);
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
      const st = k == dim ? 0 : load<i32>(at(tStrides, k));
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
  memory.fill(<usize>field(job, OUT), 0, <usize>field(job, OUT_COUNT) << 2);
  walk(job, true);
}
