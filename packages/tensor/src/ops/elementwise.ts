/**
 * Elementwise ops with broadcasting. The frontend broadcasts both operands to the result shape as
 * stride-0 views and promotes them to one dtype; the backend kernel then maps over equal shapes.
 */
import { type BinaryOp, COMPARISONS, type UnaryOp } from '../backend.js';
import { type DType, isFloat, promote } from '../dtype.js';
import { op } from '../engine.js';
import { broadcastShapes, type Shape } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { asTensor, backendOf, scalar, wrap } from './util.js';
import { cast, expand } from './view.js';

/** Unary ops that are defined on int32 tensors too; the rest turn an int32 input into float32 first. */
const INT_UNARY: ReadonlySet<UnaryOp> = new Set(['neg', 'abs', 'sign', 'relu']);

export const unary = op('unary', (kind: UnaryOp, x: Tensor): Tensor => {
  const b = backendOf(kind, x);
  if (x.dtype === 'int32' && !INT_UNARY.has(kind)) return unary(kind, cast(x, 'float32'));
  return wrap(b, b.unary(x, { op: kind }), x.shape, x.dtype);
});

/** `t` converted to `dtype` and broadcast to `shape` as a view. */
function prepare(t: Tensor, dtype: DType, shape: Shape): Tensor {
  return expand(t.dtype === dtype ? t : cast(t, dtype), shape);
}

/** Binary ops computed in floating point even on int32 operands (true division, as in PyTorch). */
const FLOAT_ONLY: ReadonlySet<BinaryOp> = new Set(['div', 'pow', 'geluBackward']);

/**
 * Broadcasts both operands to one shape and dtype, then runs the kernel. Division and pow are true
 * (ints become float32), as in PyTorch.
 */
export const binary = op('binary', (kind: BinaryOp, x: TensorLike, y: TensorLike): Tensor => {
  const [a, b] = operands(x, y);
  const backend = backendOf(kind, a, b);
  let dtype = promote(a.dtype, b.dtype);
  if (FLOAT_ONLY.has(kind) && !isFloat(dtype)) dtype = 'float32';
  const shape = broadcastShapes(kind, a.shape, b.shape);
  const out = backend.binary(prepare(a, dtype, shape), prepare(b, dtype, shape), { op: kind });
  return wrap(backend, out, shape, COMPARISONS.has(kind) ? 'int32' : dtype);
});

/** Tensors for both operands (at least one must be a tensor; a number becomes a 0-d tensor beside it). */
function operands(x: TensorLike, y: TensorLike): [Tensor, Tensor] {
  if (x instanceof Tensor) return [x, asTensor(y, x)];
  if (y instanceof Tensor) return [asTensor(x, y), y];
  throw new Error('binary op: at least one operand must be a tensor');
}

/** `cond ? a : b` elementwise, all three broadcast together. `cond` is an int32 mask (non-zero = true). */
export const where = op('where', (cond: Tensor, x: TensorLike, y: TensorLike): Tensor => {
  const like = x instanceof Tensor ? x : y instanceof Tensor ? y : null;
  const a = like ? asTensor(x, like) : scalar(x as number, cond, 'float32');
  const b = asTensor(y, a);
  const backend = backendOf('where', cond, a, b);
  const dtype = promote(a.dtype, b.dtype);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, a.shape), b.shape);
  const out = backend.where(prepare(cond, 'int32', shape), prepare(a, dtype, shape), prepare(b, dtype, shape));
  return wrap(backend, out, shape, dtype);
});

export const add = (a: TensorLike, b: TensorLike) => binary('add', a, b);
export const sub = (a: TensorLike, b: TensorLike) => binary('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike) => binary('mul', a, b);
/** True division: int32 operands give float32. */
export const div = (a: TensorLike, b: TensorLike) => binary('div', a, b);
export const pow = (a: TensorLike, b: TensorLike) => binary('pow', a, b);
export const maximum = (a: TensorLike, b: TensorLike) => binary('maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike) => binary('minimum', a, b);
/** Comparisons return int32 masks of 0 and 1 (PyTorch returns bool; here masks multiply directly). */
export const eq = (a: TensorLike, b: TensorLike) => binary('eq', a, b);
export const ne = (a: TensorLike, b: TensorLike) => binary('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike) => binary('lt', a, b);
export const le = (a: TensorLike, b: TensorLike) => binary('le', a, b);
export const gt = (a: TensorLike, b: TensorLike) => binary('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike) => binary('ge', a, b);

export const neg = (x: Tensor) => unary('neg', x);
export const exp = (x: Tensor) => unary('exp', x);
export const log = (x: Tensor) => unary('log', x);
export const sqrt = (x: Tensor) => unary('sqrt', x);
export const rsqrt = (x: Tensor) => unary('rsqrt', x);
export const abs = (x: Tensor) => unary('abs', x);
export const sign = (x: Tensor) => unary('sign', x);
export const tanh = (x: Tensor) => unary('tanh', x);
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
export const erf = (x: Tensor) => unary('erf', x);
export const relu = (x: Tensor) => unary('relu', x);
/** GELU, exact erf form (PyTorch's default): x · Φ(x) = x/2 · (1 + erf(x/√2)). */
export const gelu = (x: Tensor) => unary('gelu', x);
export const floor = (x: Tensor) => unary('floor', x);
/** GELU's gradient: `g · GELU′(x)` in one kernel (PyTorch's `gelu_backward`); autograd's gelu uses it. */
export const geluBackward = (x: TensorLike, g: TensorLike) => binary('geluBackward', x, g);
export const square = (x: Tensor) => binary('mul', x, x);

/** Limits values to `[min, max]` (either bound may be omitted). */
export const clamp = op('clamp', (x: Tensor, min?: number, max?: number): Tensor => {
  if (min === undefined && max === undefined) throw new Error('clamp: give at least one of min and max');
  if (min !== undefined && max !== undefined && min > max) throw new Error(`clamp: min ${min} is greater than max ${max}`);
  if (min === undefined) return minimum(x, max as number);
  const lo = maximum(x, min);
  return max === undefined ? lo : minimum(lo, max);
});
