/** Small helpers every op file uses: making result tensors and views, scalars, and the operand checks. */
import type { Backend, DataId } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { allocate } from '../dtype.js';
import type { Shape } from '../shape.js';
import { fmt, isContiguous } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';

/** Wraps a kernel's output buffer (contiguous) in a new tensor. */
export function wrap(backend: Backend, dataId: DataId, shape: Shape, dtype: DType): Tensor {
  return new Tensor(backend, dataId, [...shape], dtype);
}

/** A new view of `t`'s buffer (unchecked: the view ops check the layout before calling it). */
export function makeView(t: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
  t.assertAlive('view');
  return new Tensor(t.backend, t.dataId, [...shape], t.dtype, [...strides], offset, t.bufferSize);
}

/**
 * A second reference to `t`: a view with the same layout. The engine counts the views of each buffer,
 * so whoever holds this one can dispose it whenever they like without affecting `t`'s owner; the buffer
 * goes with its last view. Autograd's graph and nn's state dicts hand out tensors this way.
 */
export function share(t: Tensor): Tensor {
  return makeView(t, t.shape, t.strides, t.offset);
}

/** The backend all operands live on; mixing backends is an error naming the op. */
export function backendOf(op: string, ...tensors: Tensor[]): Backend {
  const b = tensors[0].backend;
  for (const t of tensors) {
    t.assertAlive(op);
    if (t.backend !== b)
      throw new Error(`${op}: operands live on different backends (${b.name} and ${t.backend.name}); move one with toBackend()`);
  }
  return b;
}

/** A 0-d tensor of `value` with `like`'s backend (and dtype unless given). */
export function scalar(value: number, like: Tensor, dtype: DType = like.dtype): Tensor {
  const arr = allocate(dtype, 1);
  arr[0] = value;
  return new Tensor(like.backend, like.backend.write(arr, dtype), [], dtype);
}

/** Turns a number operand into a tensor beside `like`; PyTorch keeps a float tensor's dtype for a number. */
export function asTensor(x: TensorLike, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  const dtype = like.dtype === 'int32' && !Number.isInteger(x) ? 'float32' : like.dtype;
  return scalar(x, like, dtype);
}

/** Kernels take one dtype for all operands: a mismatch (float32 input, float64 weight) is an error, as in PyTorch. */
export function checkSameDtype(op: string, ...tensors: Tensor[]): void {
  for (const t of tensors) if (t.dtype !== tensors[0].dtype) throw new Error(`${op}: dtypes differ (${tensors[0].dtype} and ${t.dtype})`);
}

export function checkDtype(op: string, t: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(t.dtype)) throw new Error(`${op}: expected dtype ${allowed.join(' or ')}, got ${t.dtype} (shape ${fmt(t.shape)})`);
}

/**
 * A tensor's elements, row-major, as a new typed array, synchronously (what `t.dataSync()` calls). A view
 * that is not its whole buffer is copied out first. Throws on backends that can only read asynchronously
 * (gpujs in WebGPU mode): use {@link read} there.
 * @example
 * readSync(tensor([[1, 2], [3, 4]]).T);   // Float32Array [1, 3, 2, 4]
 */
export function readSync(t: Tensor): TypedArray {
  return withWholeBuffer(t, (c) => t.backend.readSync(c.dataId, t.dtype));
}

/**
 * A tensor's elements, row-major, as a new typed array (what `await t.data()` calls); works on every
 * backend, including those that compute asynchronously.
 * @example
 * await read(tensor([1, 2, 3]));   // Float32Array [1, 2, 3]
 */
export async function read(t: Tensor): Promise<TypedArray> {
  return withWholeBuffer(t, (c) => t.backend.read(c.dataId, t.dtype));
}

/**
 * Backends read whole buffers; a view that is not exactly its buffer (a transpose, a slice, an
 * expand) is first copied out contiguously, and the copy freed after `fn`.
 */
function withWholeBuffer<R>(t: Tensor, fn: (c: Tensor) => R): R {
  if (t.offset === 0 && t.size === t.bufferSize && isContiguous(t.shape, t.strides)) return fn(t);
  const c = wrap(t.backend, t.backend.contiguous(t), t.shape, t.dtype);
  let result: R;
  try {
    result = fn(c);
  } catch (e) {
    c.dispose(); // e.g. readSync refused by an asynchronous backend
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => c.dispose()) as R;
  c.dispose();
  return result;
}

/** Row-major flat values as nested arrays. */
export function toNested(values: TypedArray, shape: Shape): unknown {
  if (shape.length === 0) return values[0];
  const build = (dim: number, start: number): unknown[] => {
    const n = shape[dim];
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => (dim === shape.length - 1 ? values[start + i] : build(dim + 1, start + i * stride)));
  };
  return build(0, 0);
}
