/**
 * Host tensors: plain shape + typed array, the form test inputs and oracles take. They never touch a
 * backend, so an oracle written with them is independent of the code under test. Random values come
 * from a tiny seeded generator (mulberry32): fast-check picks the seed, so a failing case replays.
 */
import type { DType, TypedArray } from '../../src/index.js';

export interface HostTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: TypedArray;
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function host(shape: readonly number[], data: ArrayLike<number>, dtype: DType = 'float32'): HostTensor {
  const arr = dtype === 'int32' ? new Int32Array(data) : dtype === 'float64' ? new Float64Array(data) : new Float32Array(data);
  if (arr.length !== sizeOf(shape)) throw new Error(`host: ${arr.length} values for shape [${shape}]`);
  return { shape: [...shape], dtype, data: arr };
}

/** A seeded uniform generator in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomOptions {
  min?: number;
  max?: number;
  dtype?: DType;
}

/** Uniform values in [min, max) (integers in [min, max) for int32). */
export function randomHost(shape: readonly number[], seed: number, opts: RandomOptions = {}): HostTensor {
  const { min = -3, max = 3, dtype = 'float32' } = opts;
  const next = rng(seed);
  const n = sizeOf(shape);
  const values = Array.from({ length: n }, () => (dtype === 'int32' ? Math.floor(min + next() * (max - min)) : min + next() * (max - min)));
  return host(shape, values, dtype);
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = s;
    s *= shape[d];
  }
  return out;
}

/** Calls `fn(index, flat)` for every index of `shape`, row-major. */
export function eachIndex(shape: readonly number[], fn: (index: number[], flat: number) => void): void {
  const n = sizeOf(shape);
  const strides = stridesOf(shape);
  for (let flat = 0; flat < n; flat++)
    fn(
      shape.map((d, i) => Math.floor(flat / strides[i]) % d),
      flat,
    );
}

/** Strides per shape array, so that oracles calling `at` in their inner loops do not recompute them. */
const stridesCache = new WeakMap<readonly number[], number[]>();

export function at(t: HostTensor, index: readonly number[]): number {
  let strides = stridesCache.get(t.shape);
  if (!strides) {
    strides = stridesOf(t.shape);
    stridesCache.set(t.shape, strides);
  }
  let p = 0;
  for (let d = 0; d < index.length; d++) p += index[d] * strides[d];
  return t.data[p];
}

/** A new host tensor of `shape` whose element at each index is `fn(index)` (rounded to `dtype`). */
export function build(shape: readonly number[], dtype: DType, fn: (index: number[]) => number): HostTensor {
  const values = new Array<number>(sizeOf(shape));
  eachIndex(shape, (i, flat) => {
    values[flat] = fn(i);
  });
  return host(shape, values, dtype);
}

/** The broadcast of two compatible shapes (dims aligned from the right; a 1 stretches to the other dim). */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, k) => {
    const [da, db] = [a[a.length - n + k] ?? 1, b[b.length - n + k] ?? 1];
    return da === 1 ? db : da;
  });
}

/** The element of a (right-aligned) broadcast operand of shape `shape` seen at output index `index`. */
export function broadcastAt(t: HostTensor, index: readonly number[]): number {
  const lead = index.length - t.shape.length;
  return at(
    t,
    t.shape.map((d, i) => (d === 1 ? 0 : index[lead + i])),
  );
}

/** The output shape of a reduction. */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((d, i) => (dims.includes(i) ? 1 : d)) : shape.filter((_, i) => !dims.includes(i));
}

/** Folds the elements of `dims` for every output index: `fold(values)` gets them in row-major order. */
export function hostReduce(
  t: HostTensor,
  dims: readonly number[],
  keepdim: boolean,
  dtype: DType,
  fold: (values: number[]) => number,
): HostTensor {
  const kept = t.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const outShape = reducedShape(t.shape, dims, keepdim);
  const inner = dims.map((d) => t.shape[d]);
  return build(outShape, dtype, (o) => {
    const keptIndex = keepdim ? kept.map((d) => o[d]) : o;
    const values: number[] = [];
    eachIndex(inner, (r) => {
      const full = new Array<number>(t.shape.length);
      kept.forEach((d, k) => {
        full[d] = keptIndex[k];
      });
      dims.forEach((d, k) => {
        full[d] = r[k];
      });
      values.push(at(t, full));
    });
    return fold(values);
  });
}
