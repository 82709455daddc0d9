/**
 * Layout kernels: strided copies (contiguous, cast, the interior of pad, each input of cat) and fills.
 * All move 4-byte elements, whatever the dtype.
 */
import { copyRange, fill32 } from './strided';
import { boundary, field, fieldAddr, SLOT_INDEX } from './job';

/** Job fields of copyTask; the three i32 arrays of `rank` entries follow from SHAPE on. */
const RANK = 0;
const COUNT = 1;
const MODE = 2;
const SRC = 3;
const DST = 4;
const TASKS = 5;
const SCRATCH = 6;
const SCRATCH_STRIDE = 7;
const SHAPE = 8;

/** Task boundaries fall on whole vectors. */
const GRAIN = 16;

export function copyTask(job: usize, task: i32, slot: i32): void {
  const rank = field(job, RANK);
  const n = field(job, COUNT);
  const tasks = field(job, TASKS);
  const shape = fieldAddr(job, SHAPE);
  const sStrides = fieldAddr(job, SHAPE + rank);
  const dStrides = fieldAddr(job, SHAPE + 2 * rank);
  const index = <usize>field(job, SCRATCH) + <usize>slot * <usize>field(job, SCRATCH_STRIDE) + SLOT_INDEX;
  const start = boundary(n, GRAIN, tasks, task);
  const end = boundary(n, GRAIN, tasks, task + 1);
  copyRange(rank, shape, <usize>field(job, SRC), sStrides, <usize>field(job, DST), dStrides, start, end, field(job, MODE), index);
}

/** Job fields of fillTask. */
const FILL_COUNT = 0;
const FILL_BITS = 1;
const FILL_DST = 2;
const FILL_TASKS = 3;

export function fillTask(job: usize, task: i32, _slot: i32): void {
  const n = field(job, FILL_COUNT);
  const tasks = field(job, FILL_TASKS);
  const start = boundary(n, GRAIN, tasks, task);
  const end = boundary(n, GRAIN, tasks, task + 1);
  fill32(<usize>field(job, FILL_DST) + (<usize>start << 2), field(job, FILL_BITS), end - start);
}
