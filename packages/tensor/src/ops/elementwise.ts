/**
 * Elementwise ops with broadcasting. The frontend broadcasts both operands to the result shape as
 * stride-0 views and promotes them to one dtype; the backend kernel then maps over equal shapes.
 */
import { type BinaryOp, COMPARISONS, type UnaryOp } from '../backend.js';
import { isFloat, promote } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
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

/**
 * Broadcasts `a` and `b` to one shape and dtype. Division is true division (ints become float32), as
 * in PyTorch. Returns the two views and a cleanup for any temporaries made.
 */
function align(op: BinaryOp, a: Tensor, b: Tensor): [Tensor, Tensor, () => void] {
  let dtype = promote(a.dtype, b.dtype);
  if ((op === 'div' || op === 'pow') && !isFloat(dtype)) dtype = 'float32';
  const shape = broadcastShapes(op, a.shape, b.shape);
  const temps: Tensor[] = [];
  const prep = (t: Tensor) => {
    const c = t.dtype === dtype ? t : cast(t, dtype);
    if (c !== t) temps.push(c);
    const e = expand(c, shape);
    temps.push(e);
    return e;
  };
  const cleanup = () => {
    for (const t of temps) t.dispose();
  };
  return [prep(a), prep(b), cleanup];
}

export function binary(op: BinaryOp, x: TensorLike, y: TensorLike): Tensor {
  const [a, b, madeA, madeB] = operands(x, y);
  const backend = backendOf(op, a, b);
  const [ea, eb, cleanup] = align(op, a, b);
  const dtype = COMPARISONS.has(op) ? 'int32' : ea.dtype;
  const out = wrap(backend, backend.binary(op, ea, eb), ea.shape, dtype);
  cleanup();
  if (madeA) a.dispose();
  if (madeB) b.dispose();
  return out;
}

/** Tensors for both operands (at least one must be a tensor); flags say which were made here. */
function operands(x: TensorLike, y: TensorLike): [Tensor, Tensor, boolean, boolean] {
  if (x instanceof Tensor) {
    const b = asTensor(y, x);
    return [x, b, false, b !== y];
  }
  if (y instanceof Tensor) return [asTensor(x, y), y, true, false];
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
    const prep = (t: Tensor, dt: typeof dtype) => {
      const c = t.dtype === dt ? t : cast(t, dt);
      if (c !== t) temps.push(c);
      const e = expand(c, shape);
      temps.push(e);
      return e;
    };
    return wrap(backend, backend.where(prep(cond, 'int32'), prep(a, dtype), prep(b, dtype)), shape, dtype);
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
