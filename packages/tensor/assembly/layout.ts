/**
 * Layout kernels: strided copies (contiguous, cast, the interior of pad, each input of cat) and fills.
 * All move 4-byte elements, whatever the dtype.
 */
import { COPY_JOB, FILL_JOB, SLOT_INDEX, TRANSPOSE_JOB, TRANSPOSE_STRIP } from './generated/contract';
import { boundary, field, fieldAddr } from './job';
import { copyRange, fill32 } from './strided';

/** Task boundaries fall on whole vectors. */
const GRAIN = 16;

/** After the job's header come the shape, the source strides and the destination strides, RANK i32 each. */
export function copyTask(job: usize, task: i32, slot: i32): void {
  const rank = field(job, COPY_JOB.RANK);
  const n = field(job, COPY_JOB.COUNT);
  const tasks = field(job, COPY_JOB.TASKS);
  const shape = fieldAddr(job, COPY_JOB.SHAPE);
  const sStrides = fieldAddr(job, COPY_JOB.SHAPE + rank);
  const dStrides = fieldAddr(job, COPY_JOB.SHAPE + 2 * rank);
  const index = <usize>field(job, COPY_JOB.SCRATCH) + <usize>slot * <usize>field(job, COPY_JOB.SCRATCH_STRIDE) + SLOT_INDEX;
  const start = boundary(n, GRAIN, tasks, task);
  const end = boundary(n, GRAIN, tasks, task + 1);
  copyRange(
    rank,
    shape,
    <usize>field(job, COPY_JOB.SRC),
    sStrides,
    <usize>field(job, COPY_JOB.DST),
    dStrides,
    start,
    end,
    field(job, COPY_JOB.MODE),
    index,
  );
}

export function fillTask(job: usize, task: i32, _slot: i32): void {
  const n = field(job, FILL_JOB.COUNT);
  const tasks = field(job, FILL_JOB.TASKS);
  const start = boundary(n, GRAIN, tasks, task);
  const end = boundary(n, GRAIN, tasks, task + 1);
  fill32(<usize>field(job, FILL_JOB.DST) + ((<usize>start) << 2), field(job, FILL_JOB.BITS), end - start);
}

/** Rows i..i+3 × columns j..j+3: four column vectors in, four row vectors out. */
// @inline
function block4x4(src: usize, sj: i32, dst: usize, di: i32, i: i32, j: i32): void {
  const s = src + ((<usize>(j * sj + i)) << 2);
  const c0 = v128.load(s);
  const c1 = v128.load(s + ((<usize>sj) << 2));
  const c2 = v128.load(s + ((<usize>(2 * sj)) << 2));
  const c3 = v128.load(s + ((<usize>(3 * sj)) << 2));
  const t0 = i32x4.shuffle(c0, c1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(c0, c1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(c2, c3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(c2, c3, 2, 6, 3, 7);
  const d = dst + ((<usize>(i * di + j)) << 2);
  v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(d + ((<usize>di) << 2), i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(d + ((<usize>(2 * di)) << 2), i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(d + ((<usize>(3 * di)) << 2), i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

/**
 * dst[b][i][j] = src[b][i][j] for a view whose rows are contiguous in the source (stride 1 along i)
 * and whose columns are far apart (stride SRC_J), written row-major. Walking the destination row by row
 * would read one element per source cache line. Instead the kernel walks strips of TRANSPOSE_STRIP
 * destination rows, reading 4×4 blocks (4 source columns, each 4 consecutive elements), transposing
 * them in registers and writing 4 rows of 4; a strip keeps only TRANSPOSE_STRIP destination lines open,
 * few enough to share one cache set when the row stride is a power of two.
 */
export function transposeTask(job: usize, task: i32, _slot: i32): void {
  const rows = field(job, TRANSPOSE_JOB.ROWS);
  const cols = field(job, TRANSPOSE_JOB.COLS);
  const sj = field(job, TRANSPOSE_JOB.SRC_J);
  const di = field(job, TRANSPOSE_JOB.DST_I);
  const strips = (rows + TRANSPOSE_STRIP - 1) / TRANSPOSE_STRIP;
  const units = field(job, TRANSPOSE_JOB.BATCH) * strips;
  const end = boundary(units, 1, field(job, TRANSPOSE_JOB.TASKS), task + 1);
  for (let u = boundary(units, 1, field(job, TRANSPOSE_JOB.TASKS), task); u < end; u++) {
    const b = u / strips;
    const i0 = (u % strips) * TRANSPOSE_STRIP;
    const i1 = min(rows, i0 + TRANSPOSE_STRIP);
    const src = <usize>field(job, TRANSPOSE_JOB.SRC) + ((<usize>b * <usize>field(job, TRANSPOSE_JOB.SRC_B)) << 2);
    const dst = <usize>field(job, TRANSPOSE_JOB.DST) + ((<usize>b * <usize>field(job, TRANSPOSE_JOB.DST_B)) << 2);
    let j = 0;
    if (i1 - i0 === TRANSPOSE_STRIP) {
      for (; j + 4 <= cols; j += 4) {
        for (let i = i0; i < i1; i += 4) block4x4(src, sj, dst, di, i, j);
      }
    }
    // the strip's last columns, or a short last strip
    for (; j < cols; j++) {
      const s = src + ((<usize>j * <usize>sj) << 2);
      for (let i = i0; i < i1; i++) store<i32>(dst + ((<usize>(i * di + j)) << 2), load<i32>(s + ((<usize>i) << 2)));
    }
  }
}
