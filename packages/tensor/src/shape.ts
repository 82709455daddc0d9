/**
 * Shapes and strides: the arithmetic that lets one flat buffer be seen as an n-d tensor. Element
 * `[i0, i1, ..., ik]` of a view lives at `offset + sum(i_d * strides[d])` of its buffer (minitorch's
 * `index_to_position`). A stride of 0 repeats an element along that dimension: that is how
 * broadcasting and `expand` cost no memory.
 */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a 0-d scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides of a contiguous tensor of this shape. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** True when a view with these strides reads its elements in row-major order without gaps. */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue; // the stride of a size-1 dim is never used
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/**
 * True when two shapes have the same rank and the same size in every dim.
 * @example
 * shapesEqual([2, 3], [2, 3]);   // true
 * shapesEqual([6], [2, 3]);      // false (same size, different shape)
 */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `[2,3,4]` — how shapes appear in error messages. */
export function fmt(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/**
 * The broadcast of two shapes, NumPy/PyTorch rules: align from the right; each pair of dims must be
 * equal or one of them 1.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** A possibly negative dim index, checked and made non-negative. */
export function normalizeDim(op: string, dim: number, rank: number): number {
  const d = dim < 0 ? dim + rank : dim;
  if (!Number.isInteger(dim) || d < 0 || d >= rank) {
    throw new Error(`${op}: dim ${dim} is out of range for a tensor of rank ${rank}`);
  }
  return d;
}

/** Dims to reduce over: all when undefined or empty (PyTorch's `dim=[]`), else normalised, sorted and unique. */
export function normalizeDims(op: string, dims: number | readonly number[] | undefined, rank: number): number[] {
  if (dims === undefined || (typeof dims !== 'number' && dims.length === 0)) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = [...new Set(list.map((d) => normalizeDim(op, d, rank)))];
  return out.sort((x, y) => x - y);
}

/** Row-major multi-index of flat position `flat` in `shape`, written into `index`. */
export function unravel(flat: number, shape: Shape, index: number[]): void {
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d];
    index[d] = flat % n;
    flat = Math.floor(flat / n);
  }
}

/** Buffer position of a multi-index under a view's offset and strides. */
export function positionOf(index: readonly number[], strides: readonly number[], offset: number): number {
  let p = offset;
  for (let d = 0; d < index.length; d++) p += index[d] * strides[d];
  return p;
}

/** Checks that a shape is a list of non-negative integers. */
export function checkShape(op: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: invalid shape ${fmt(shape)}`);
  }
}
