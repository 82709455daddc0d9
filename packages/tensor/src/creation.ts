/** Making tensors: from data, constants, ranges and random draws. */
import type { Backend } from './backend.js';
import { allocate, type DType, dtypeOf, type TypedArray } from './dtype.js';
import { findBackend, getBackend } from './engine.js';
import { normal, uniform } from './random.js';
import { checkShape, fmt, type Shape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

export interface CreateOptions {
  /** float32 unless given (int32 for `arange` with integer arguments, as PyTorch). */
  dtype?: DType;
  /** A backend or its name; the current backend unless given. */
  backend?: Backend | string;
}

type Nested = number | readonly Nested[];

function resolveBackend(b: Backend | string | undefined): Backend {
  if (b === undefined) return getBackend();
  return typeof b === 'string' ? findBackend(b) : b;
}

/** A tensor holding `values` (already of the right dtype and length). */
export function fromTypedArray(values: TypedArray, shape: Shape, dtype: DType, backend?: Backend | string): Tensor {
  const b = resolveBackend(backend);
  if (!b.dtypes.includes(dtype))
    throw new Error(`tensor: backend ${b.name} does not support dtype ${dtype} (it has ${b.dtypes.join(', ')})`);
  return new Tensor(b, b.write(values, dtype), [...shape], dtype);
}

/**
 * A tensor from a number, nested arrays or a typed array. The shape is inferred from nested arrays
 * and can be given for flat data; the dtype is float32 unless given or implied by a typed array.
 * @example tensor([[1, 2], [3, 4]])            // shape [2,2], float32
 * @example tensor(new Int32Array([0, 1, 2]))   // shape [3], int32
 * @example tensor([1, 2, 3, 4, 5, 6], [2, 3])
 */
export function tensor(data: Nested | TypedArray, shape?: Shape, dtype?: DType, opts: Omit<CreateOptions, 'dtype'> = {}): Tensor {
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (ArrayBuffer.isView(data)) {
    flat = data as TypedArray;
    inferred = [flat.length];
    dtype ??= dtypeOf(data as TypedArray);
  } else {
    inferred = inferShape(data);
    flat = typeof data === 'number' ? [data] : ((data as readonly Nested[]).flat(Number.POSITIVE_INFINITY as 1) as number[]);
  }
  const finalShape = shape ? [...shape] : inferred;
  checkShape('tensor', finalShape);
  if (sizeOf(finalShape) !== flat.length) throw new Error(`tensor: ${flat.length} values do not fill shape ${fmt(finalShape)}`);
  const dt = dtype ?? 'float32';
  const values = allocate(dt, flat.length);
  for (let i = 0; i < flat.length; i++) values[i] = flat[i];
  return fromTypedArray(values, finalShape, dt, opts.backend);
}

function inferShape(data: Nested): number[] {
  if (typeof data === 'number') return [];
  if (!Array.isArray(data)) throw new Error(`tensor: expected numbers or nested arrays, got ${typeof data}`);
  if (data.length === 0) return [0];
  const inner = inferShape(data[0]);
  for (const item of data) {
    if (fmt(inferShape(item)) !== fmt(inner)) throw new Error('tensor: nested arrays are ragged (sub-arrays differ in shape)');
  }
  return [data.length, ...inner];
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
  checkShape('full', shape);
  const dtype = opts.dtype ?? 'float32';
  const values = allocate(dtype, sizeOf(shape));
  values.fill(value);
  return fromTypedArray(values, shape, dtype, opts.backend);
}

export const zeros = (shape: Shape, opts: CreateOptions = {}) => full(shape, 0, opts);
export const ones = (shape: Shape, opts: CreateOptions = {}) => full(shape, 1, opts);
export const zerosLike = (t: Tensor, opts: CreateOptions = {}) => full(t.shape, 0, { dtype: t.dtype, backend: t.backend, ...opts });
export const onesLike = (t: Tensor, opts: CreateOptions = {}) => full(t.shape, 1, { dtype: t.dtype, backend: t.backend, ...opts });

/**
 * Values from `start` up to (not including) `end` in steps of `step`; `arange(n)` is 0..n−1. Integer
 * arguments give int32, as PyTorch gives int64.
 */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0) throw new Error('arange: step must be non-zero');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const allInts = [start, end, step].every(Number.isInteger);
  const dtype = opts.dtype ?? (allInts ? 'int32' : 'float32');
  const values = allocate(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return fromTypedArray(values, [n], dtype, opts.backend);
}

/** Uniform samples in [0, 1) from the seeded generator (see `manualSeed`). */
export function rand(shape: Shape, opts: CreateOptions = {}): Tensor {
  return sampled('rand', shape, uniform, opts);
}

/** Standard normal samples from the seeded generator. */
export function randn(shape: Shape, opts: CreateOptions = {}): Tensor {
  return sampled('randn', shape, normal, opts);
}

function sampled(op: string, shape: Shape, draw: () => number, opts: CreateOptions): Tensor {
  checkShape(op, shape);
  const dtype = opts.dtype ?? 'float32';
  if (dtype === 'int32') throw new Error(`${op}: dtype must be a float type`);
  const values = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = draw();
  return fromTypedArray(values, shape, dtype, opts.backend);
}

/** Moves (copies) a tensor to another backend; synchronous where the source can be read synchronously. */
export function toBackend(t: Tensor, backend: Backend | string): Tensor {
  const b = resolveBackend(backend);
  if (b === t.backend) return t.clone();
  return fromTypedArray(t.dataSync(), t.shape, t.dtype, b);
}
