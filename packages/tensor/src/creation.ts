/**
 * Making tensors: from data, constants, ranges and random draws.
 *
 * Every function here checks what it is given before it allocates anything, and refuses a bad input
 * with an error that names the function and the value:
 * - a dtype other than float32, int32 and float64 (see {@link checkDType}); an undefined or null dtype
 *   means the default, as PyTorch's `dtype=None`;
 * - a shape that is not an array of non-negative integers, or whose element count is not a safe integer;
 * - a tensor larger than its backend can hold (`Backend.maxBufferBytes`), before any memory is filled;
 * - an int32 value that is not finite or, truncated toward zero, lies outside [−2³¹, 2³¹ − 1]. PyTorch
 *   refuses these too; like PyTorch, `tensor([1.5], undefined, 'int32')` truncates to 1.
 *
 * Typed arrays: Float32Array, Int32Array and Float64Array are the storage of float32, int32 and float64
 * and imply their dtype. Other numeric arrays (Uint8Array, Uint8ClampedArray, Int16Array, Float16Array, …)
 * have no dtype of their own here (PyTorch's uint8, int16, float16), so they are converted only when a
 * dtype is given — `tensor(imageBytes, [h, w, 4], 'float32')` — and refused without one. BigInt64Array,
 * BigUint64Array and DataView are always refused.
 *
 * `zeros` and `ones` report their errors as `full`, which they are.
 */
import type { Backend } from './backend.js';
import { allocateFor, convert, int32Error, readOptions, resolveBackend, store, target, typedSource } from './creation-checks.js';
import { checkDType, type DType, fitsInt32, showValue, storageDType, type TypedArray } from './dtype.js';
import { normal, uniform } from './random.js';
import { fmt, type Shape, shapesEqual } from './shape.js';
import type { Tensor } from './tensor.js';

/** Options of the tensor-creating functions: the dtype and the backend of the new tensor. */
export interface CreateOptions {
  /** float32 unless given (int32 for `arange` with integer arguments, as PyTorch). */
  dtype?: DType;
  /** A backend or its name; the current backend unless given. */
  backend?: Backend | string;
}

/** A number or nested arrays of numbers, as `tensor()` takes them (`[[1, 2], [3, 4]]`). */
export type Nested = number | readonly Nested[];

/**
 * A tensor holding `values`, of `shape` and `dtype`. Values of another kind are converted (checked as
 * `tensor` checks them); the backend keeps its own copy.
 * @example fromTypedArray(new Float32Array([1, 2, 3, 4]), [2, 2], 'float32')
 */
export function fromTypedArray(values: TypedArray, shape: Shape, dtype: DType, backend?: Backend | string): Tensor {
  return fromValues('fromTypedArray', values, shape, dtype, backend);
}

function fromValues(op: string, values: unknown, shape: unknown, dtype: unknown, backend: unknown): Tensor {
  const source = typedSource(op, values, dtype !== undefined);
  const t = target(op, shape, dtype, backend);
  if (source.length !== t.size) throw new Error(`${op}: ${source.length} values do not fill shape ${fmt(t.shape)}`);
  return store(t, storageDType(source) === t.dtype ? (source as TypedArray) : convert(t, source));
}

/**
 * A tensor from a number, nested arrays or a typed array. The shape is inferred from nested arrays
 * and can be given for flat data; the dtype is float32 unless given or implied by a typed array (see
 * the module's notes for other typed arrays and for int32 limits). With an options object in place of
 * the shape, as PyTorch's `torch.tensor(data, dtype=...)`, the shape is inferred.
 * @example tensor([[1, 2], [3, 4]])            // shape [2,2], float32
 * @example tensor(new Int32Array([0, 1, 2]))   // shape [3], int32
 * @example tensor([1, 2, 3, 4, 5, 6], [2, 3])
 * @example tensor([0, 2, 255], { dtype: 'int32' })
 */
export function tensor(data: Nested | TypedArray, opts: CreateOptions): Tensor;
export function tensor(data: Nested | TypedArray, shape?: Shape, dtype?: DType, opts?: Omit<CreateOptions, 'dtype'>): Tensor;
export function tensor(
  data: Nested | TypedArray,
  shapeOrOpts?: Shape | CreateOptions,
  dtype?: DType,
  opts: Omit<CreateOptions, 'dtype'> = {},
): Tensor {
  if (isOptions(shapeOrOpts)) {
    if (dtype !== undefined || Object.keys(opts).length > 0)
      throw new Error('tensor: with options in place of the shape, give the dtype and backend there, not after them');
    // here a misspelt key would silently leave the dtype at float32
    const unknown = Object.keys(shapeOrOpts).filter((k) => k !== 'dtype' && k !== 'backend');
    if (unknown.length > 0) throw new Error(`tensor: unknown option(s) ${unknown.join(', ')} (known: dtype, backend)`);
    const { dtype: d, backend: b } = shapeOrOpts;
    return tensor(data, undefined, d, b === undefined ? {} : { backend: b });
  }
  const shape = shapeOrOpts;
  const { backend } = readOptions('tensor', opts);
  dtype ??= undefined; // null, as PyTorch's dtype=None, means the default
  if (dtype !== undefined) checkDType('tensor', dtype);
  if (ArrayBuffer.isView(data))
    return fromValues('tensor', data, shape ?? [(data as ArrayLike<number>).length], dtype ?? storageDType(data), backend);
  const inferred = inferShape(data);
  const flat = typeof data === 'number' ? [data] : ((data as readonly Nested[]).flat(Number.POSITIVE_INFINITY as 1) as number[]);
  const t = target('tensor', shape ?? inferred, dtype ?? 'float32', backend);
  if (t.size !== flat.length) throw new Error(`tensor: ${flat.length} values do not fill shape ${fmt(t.shape)}`);
  return store(t, convert(t, flat));
}

/** An options object where a shape (an array) could stand; null and undefined are neither. */
function isOptions(x: unknown): x is CreateOptions {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

function inferShape(data: unknown): number[] {
  if (typeof data === 'number') return [];
  if (!Array.isArray(data)) throw new Error(`tensor: expected numbers or nested arrays, got ${showValue(data)}`);
  if (data.length === 0) return [0];
  const inner = inferShape(data[0]);
  for (const item of data) {
    if (!shapesEqual(inferShape(item), inner)) throw new Error('tensor: nested arrays are ragged (sub-arrays differ in shape)');
  }
  return [data.length, ...inner];
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}

/**
 * A tensor of `shape` filled with 0, float32 unless `opts.dtype` says otherwise (PyTorch `torch.zeros`).
 * @example
 * zeros([2, 3]).arraySync();                      // [[0, 0, 0], [0, 0, 0]]
 * zeros([4], { dtype: 'int32', backend: 'reference' });
 */
export const zeros = (shape: Shape, opts: CreateOptions = {}) => filled('full', shape, 0, opts);
/**
 * A tensor of `shape` filled with 1, float32 unless `opts.dtype` says otherwise (PyTorch `torch.ones`).
 * @example
 * ones([2, 2]).arraySync();   // [[1, 1], [1, 1]]
 */
export const ones = (shape: Shape, opts: CreateOptions = {}) => filled('full', shape, 1, opts);
/** Zeros of t's shape, with t's dtype and backend unless `opts` says otherwise. */
export const zerosLike = (t: Tensor, opts: CreateOptions = {}) => filledLike('zerosLike', t, 0, opts);
/** Ones of t's shape, with t's dtype and backend unless `opts` says otherwise. */
export const onesLike = (t: Tensor, opts: CreateOptions = {}) => filledLike('onesLike', t, 1, opts);

function filled(op: string, shape: unknown, value: unknown, opts: unknown): Tensor {
  const o = readOptions(op, opts);
  if (typeof value !== 'number') throw new Error(`${op}: value must be a number, got ${showValue(value)}`);
  const t = target(op, shape, o.dtype ?? 'float32', o.backend);
  if (t.dtype === 'int32' && !fitsInt32(value)) throw int32Error(op, value, 'to fill with');
  const values = allocateFor(t);
  values.fill(value);
  return store(t, values);
}

function filledLike(op: string, t: Tensor, value: number, opts: CreateOptions): Tensor {
  checkTensor(op, t, false); // a disposed tensor's shape and dtype still serve (autograd seeds backward so)
  return filled(op, t.shape, value, { dtype: t.dtype, backend: t.backend, ...readOptions(op, opts) });
}

/** Refuses what is not a tensor (by its shape and dtype, so a tensor from another copy of this package passes). */
function checkTensor(op: string, t: unknown, alive: boolean): void {
  const like = typeof t === 'object' && t !== null ? (t as Partial<Tensor>) : {};
  if (!Array.isArray(like.shape) || typeof like.dtype !== 'string') throw new Error(`${op}: expected a tensor, got ${showValue(t)}`);
  if (alive && like.isDisposed) throw new Error(`${op}: the tensor of shape ${fmt(like.shape)} is disposed`);
}

/**
 * Values from `start` up to (not including) `end` in steps of `step`; `arange(n)` is 0..n−1. Integer
 * arguments give int32, as PyTorch gives int64; a range int32 cannot hold is refused (give a float
 * dtype). Arguments must be finite numbers.
 */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  const o = readOptions('arange', opts);
  if (end === undefined) [start, end] = [0, start];
  for (const [name, v] of [
    ['start', start],
    ['end', end],
    ['step', step],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`arange: ${name} must be a finite number, got ${showValue(v)}`);
  }
  if (step === 0) throw new Error('arange: step must be non-zero');
  if ((end - start) * step < 0)
    throw new Error(
      `arange: a step of ${step} never gets from ${start} to ${end} (the step's sign must point from start to end, as in PyTorch)`,
    );
  const n = Math.ceil((end - start) / step);
  if (!Number.isSafeInteger(n)) throw new Error(`arange: ${start} to ${end} in steps of ${step} is ${n} elements, more than 2^53 - 1`);
  const allInts = [start, end, step].every(Number.isInteger);
  const t = target('arange', [n], o.dtype ?? (allInts ? 'int32' : 'float32'), o.backend);
  // the values rise (or fall) monotonically, so the two ends bound them all
  if (t.dtype === 'int32' && n > 0) {
    const last = start + (n - 1) * step;
    for (const [v, where] of [
      [start, 'at index 0'],
      [last, `at index ${n - 1}`],
    ] as const)
      if (!fitsInt32(v)) throw int32Error('arange', v, where);
  }
  const values = allocateFor(t);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return store(t, values);
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
  const o = readOptions(op, opts);
  const dtype = checkDType(op, o.dtype ?? 'float32');
  if (dtype === 'int32') throw new Error(`${op}: dtype must be a float type (float32 or float64), got int32`);
  const t = target(op, shape, dtype, o.backend);
  const values = allocateFor(t);
  for (let i = 0; i < values.length; i++) values[i] = draw();
  return store(t, values);
}

/** Moves (copies) a tensor to another backend; synchronous where the source can be read synchronously. */
export function toBackend(t: Tensor, backend: Backend | string): Tensor {
  checkTensor('toBackend', t, true);
  const b = resolveBackend('toBackend', backend);
  if (b === t.backend) return t.clone();
  return fromValues('toBackend', t.dataSync(), t.shape, t.dtype, b);
}
