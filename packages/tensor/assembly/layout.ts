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

/**
 * Job fields of transposeTask: dst[b][i][j] = src[b][i][j] for a view whose rows are contiguous in the
 * source (stride 1 along i) and whose columns are far apart (stride SRC_J), written row-major. Walking
 * the destination row by row would read one element per source cache line. Instead the kernel walks
 * strips of STRIP destination rows, reading 4×4 blocks (4 source columns, each 4 consecutive
 * elements), transposing them in registers and writing 4 rows of 4; a strip keeps only STRIP
 * destination lines open, few enough to share one cache set when the row stride is a power of two.
 */
const T_BATCH = 0;
const T_ROWS = 1;
const T_COLS = 2;
const T_SRC = 3;
const T_DST = 4;
const T_SRC_B = 5;
const T_SRC_J = 6;
const T_DST_B = 7;
const T_DST_I = 8;
const T_TASKS = 9;

const STRIP = 8;

/** Rows i..i+3 × columns j..j+3: four column vectors in, four row vectors out. */
// @ts-ignore: decorator
@inline
function block4x4(src: usize, sj: i32, dst: usize, di: i32, i: i32, j: i32): void {
  const s = src + (<usize>(j * sj + i) << 2);
  const c0 = v128.load(s);
  const c1 = v128.load(s + (<usize>sj << 2));
  const c2 = v128.load(s + (<usize>(2 * sj) << 2));
  const c3 = v128.load(s + (<usize>(3 * sj) << 2));
  const t0 = i32x4.shuffle(c0, c1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(c0, c1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(c2, c3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(c2, c3, 2, 6, 3, 7);
  const d = dst + (<usize>(i * di + j) << 2);
  v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(d + (<usize>di << 2), i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(d + (<usize>(2 * di) << 2), i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(d + (<usize>(3 * di) << 2), i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

export function transposeTask(job: usize, task: i32, _slot: i32): void {
  const rows = field(job, T_ROWS);
  const cols = field(job, T_COLS);
  const sj = field(job, T_SRC_J);
  const di = field(job, T_DST_I);
  const strips = (rows + STRIP - 1) / STRIP;
  const units = field(job, T_BATCH) * strips;
  const end = boundary(units, 1, field(job, T_TASKS), task + 1);
  for (let u = boundary(units, 1, field(job, T_TASKS), task); u < end; u++) {
    const b = u / strips;
    const i0 = (u % strips) * STRIP;
    const i1 = min(rows, i0 + STRIP);
    const src = <usize>field(job, T_SRC) + (<usize>b * <usize>field(job, T_SRC_B) << 2);
    const dst = <usize>field(job, T_DST) + (<usize>b * <usize>field(job, T_DST_B) << 2);
    let j = 0;
    if (i1 - i0 == STRIP) {
      for (; j + 4 <= cols; j += 4) {
        for (let i = i0; i < i1; i += 4) block4x4(src, sj, dst, di, i, j);
      }
    }
    // the strip's last columns, or a short last strip
    for (; j < cols; j++) {
      const s = src + (<usize>j * <usize>sj << 2);
      for (let i = i0; i < i1; i++) store<i32>(dst + (<usize>(i * di + j) << 2), load<i32>(s + (<usize>i << 2)));
    }
  }
}
