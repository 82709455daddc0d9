/**
 * Kernels that may run on several threads take one argument block, a "job": an array of i32 (or f32)
 * fields in linear memory that the TypeScript side writes before the run. Each task function has the
 * signature `(job, task, slot)`: which job, which piece of it, and which thread slot runs it (slots own
 * disjoint scratch memory). The field numbers of every job, and the layout of a slot, are in
 * generated/contract.ts, written with the TypeScript side's copy from one table (scripts/gen-contract.mjs).
 */

// @inline
export function field(job: usize, i: i32): i32 {
  return load<i32>(job + ((<usize>i) << 2));
}

// @inline
export function fieldF32(job: usize, i: i32): f32 {
  return load<f32>(job + ((<usize>i) << 2));
}

/** The address of field `i`, for fields that start an array. */
// @inline
export function fieldAddr(job: usize, i: i32): usize {
  return job + ((<usize>i) << 2);
}

/** Byte address of element `index` of a 4-byte array starting at `base`. */
// @inline
export function at(base: usize, index: i32): usize {
  return base + ((<usize>index) << 2);
}

/**
 * Where task `i` of `tasks` starts in [0, n) when the range is cut only at multiples of `grain`
 * (boundary(…, tasks) is n). Pieces are equal to within one grain.
 */
// @inline
export function boundary(n: i32, grain: i32, tasks: i32, i: i32): i32 {
  const grains = (<i64>n + grain - 1) / grain;
  return <i32>min<i64>(n, ((grains * i) / tasks) * grain);
}
