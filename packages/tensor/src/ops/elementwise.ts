/**
 * Elementwise ops with broadcasting. The frontend broadcasts both operands to the result shape as
 * stride-0 views and promotes them to one dtype; the backend kernel then maps over equal shapes.
 */
import { type BinaryOp, COMPARISONS, type UnaryOp } from '../backend.js';
import { type DType, isFloat, promote } from '../dtype.js';
import { broadcastShapes, type Shape } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { asTensor, backendOf, scalar, wrap } from './util.js';
import { cast, expand } from './view.js';

/** Unary ops that are defined on int32 tensors too; the rest turn an int32 input into float32 first. */
const INT_UNARY: ReadonlySet<UnaryOp> = new Set(['neg', 'abs', 'sign', 'relu']);

export function unary(op: UnaryOp, x: Tensor): Tensor {
  const b = backendOf(op, x);
  if (x.dtype === 'int32' && !INT_UNARY.has(op)) {
    const f = cast(x, 'float32');
    const out = unary(op, f);
    f.dispose();
    return out;
  }
  return wrap(b, b.unary(op, x), x.shape, x.dtype);
}

/** `t` converted to `dtype` and broadcast to `shape` as a view; the tensors made are pushed onto `temps`. */
function prepare(t: Tensor, dtype: DType, shape: Shape, temps: Tensor[]): Tensor {
  const c = t.dtype === dtype ? t : cast(t, dtype);
  if (c !== t) temps.push(c);
  const e = expand(c, shape);
  temps.push(e);
  return e;
}

/**
 * Broadcasts both operands to one shape and dtype, then runs the kernel. Division and pow are true
 * (ints become float32), as in PyTorch. Scalars made here and the broadcast views are disposed, also
 * when a shape or backend check throws.
 */
export function binary(op: BinaryOp, x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = operands(x, y);
  const temps = [a, b].filter((t, i) => t !== [x, y][i]);
  try {
    const backend = backendOf(op, a, b);
    let dtype = promote(a.dtype, b.dtype);
    if ((op === 'div' || op === 'pow') && !isFloat(dtype)) dtype = 'float32';
    const shape = broadcastShapes(op, a.shape, b.shape);
    const out = backend.binary(op, prepare(a, dtype, shape, temps), prepare(b, dtype, shape, temps));
    return wrap(backend, out, shape, COMPARISONS.has(op) ? 'int32' : dtype);
  } finally {
    for (const t of temps) t.dispose();
  }
}

/** Tensors for both operands (at least one must be a tensor; a number becomes a 0-d tensor beside it). */
function operands(x: TensorLike, y: TensorLike): [Tensor, Tensor] {
  if (x instanceof Tensor) return [x, asTensor(y, x)];
  if (y instanceof Tensor) return [asTensor(x, y), y];
  throw new Error('binary op: at least one operand must be a tensor');
}

/** `cond ? a : b` elementwise, all three broadcast together. `cond` is an int32 mask (non-zero = true). */
export function where(cond: Tensor, x: TensorLike, y: TensorLike): Tensor {
  const like = x instanceof Tensor ? x : y instanceof Tensor ? y : null;
  const a = like ? asTensor(x, like) : scalar(x as number, cond, 'float32');
  const b = asTensor(y, a);
  // scalars made here and the broadcast views go, also when a shape or backend check throws
  const temps: Tensor[] = [a, b].filter((t, i) => t !== [x, y][i]);
  try {
    const backend = backendOf('where', cond, a, b);
    const dtype = promote(a.dtype, b.dtype);
    const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, a.shape), b.shape);
    const out = backend.where(prepare(cond, 'int32', shape, temps), prepare(a, dtype, shape, temps), prepare(b, dtype, shape, temps));
    return wrap(backend, out, shape, dtype);
  } finally {
    for (const t of temps) t.dispose();
  }
}

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
export const square = (x: Tensor) => binary('mul', x, x);

/** Limits values to `[min, max]` (either bound may be omitted). */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  if (min === undefined && max === undefined) throw new Error('clamp: give at least one of min and max');
  if (min !== undefined && max !== undefined && min > max) throw new Error(`clamp: min ${min} is greater than max ${max}`);
  if (min === undefined) return minimum(x, max as number);
  const lo = maximum(x, min);
  if (max === undefined) return lo;
  const out = minimum(lo, max);
  lo.dispose();
  return out;
}
