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

/**
 * Runs the unary kernel `kind` on every element of x (the building block of `exp`, `relu`, …). Float-only
 * kinds turn an int32 input into float32 first; neg, abs, sign and relu keep int32.
 * @example
 * unary('exp', tensor([0, 1])).arraySync();   // [1, 2.718…], same as exp(x)
 */
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
const FLOAT_ONLY: ReadonlySet<BinaryOp> = new Set(['div', 'pow', 'geluGrad']);

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

/**
 * Elementwise `a + b`, broadcasting the two shapes NumPy-style (PyTorch `torch.add`); a number acts as a
 * 0-d tensor. Throws when the shapes cannot be broadcast together.
 * @example
 * add(tensor([[1, 2], [3, 4]]), tensor([10, 20])).arraySync();   // [[11, 22], [13, 24]]
 * add(tensor([1, 2]), 1).arraySync();                            // [2, 3]
 */
export const add = (a: TensorLike, b: TensorLike) => binary('add', a, b);
/**
 * Elementwise `a − b`, broadcasting (PyTorch `torch.sub`).
 * @example
 * sub(tensor([5, 7]), tensor([1, 2])).arraySync();   // [4, 5]
 */
export const sub = (a: TensorLike, b: TensorLike) => binary('sub', a, b);
/**
 * Elementwise product `a · b`, broadcasting (PyTorch `torch.mul`; not a matrix product, see {@link matmul}).
 * @example
 * mul(tensor([[1, 2], [3, 4]]), tensor([[10], [100]])).arraySync();   // [[10, 20], [300, 400]]
 */
export const mul = (a: TensorLike, b: TensorLike) => binary('mul', a, b);
/** True division: int32 operands give float32. */
export const div = (a: TensorLike, b: TensorLike) => binary('div', a, b);
/**
 * Elementwise `a` to the power `b`, broadcasting; computed in floating point, so int32 operands give
 * float32 (PyTorch `torch.pow`).
 * @example
 * pow(tensor([1, 2, 3]), 2).arraySync();   // [1, 4, 9]
 */
export const pow = (a: TensorLike, b: TensorLike) => binary('pow', a, b);
/**
 * Elementwise larger of `a` and `b`, broadcasting (PyTorch `torch.maximum`, NumPy `np.maximum`); for the
 * largest element along a dim use `max`.
 * @example
 * maximum(tensor([1, 5, 3]), 2).arraySync();   // [2, 5, 3]
 */
export const maximum = (a: TensorLike, b: TensorLike) => binary('maximum', a, b);
/**
 * Elementwise smaller of `a` and `b`, broadcasting (PyTorch `torch.minimum`); for the smallest element
 * along a dim use `min`.
 * @example
 * minimum(tensor([1, 5, 3]), 2).arraySync();   // [1, 2, 2]
 */
export const minimum = (a: TensorLike, b: TensorLike) => binary('minimum', a, b);
/**
 * Elementwise `a == b`, broadcasting. Comparisons return int32 masks of 0 and 1 (PyTorch returns bool;
 * here masks multiply directly).
 * @example
 * eq(tensor([1, 2, 3]), 2).arraySync();   // [0, 1, 0] (int32)
 */
export const eq = (a: TensorLike, b: TensorLike) => binary('eq', a, b);
/**
 * Elementwise `a != b`, broadcasting; an int32 mask of 0 and 1 (PyTorch `torch.ne`, which returns bool).
 * @example
 * ne(tensor([1, 2, 3]), 2).arraySync();   // [1, 0, 1] (int32)
 */
export const ne = (a: TensorLike, b: TensorLike) => binary('ne', a, b);
/**
 * Elementwise `a < b`, broadcasting; an int32 mask of 0 and 1 (PyTorch `torch.lt`, which returns bool).
 * @example
 * lt(tensor([1, 2, 3]), 2).arraySync();   // [1, 0, 0] (int32)
 */
export const lt = (a: TensorLike, b: TensorLike) => binary('lt', a, b);
/**
 * Elementwise `a <= b`, broadcasting; an int32 mask of 0 and 1 (PyTorch `torch.le`, which returns bool).
 * @example
 * le(tensor([1, 2, 3]), 2).arraySync();   // [1, 1, 0] (int32)
 */
export const le = (a: TensorLike, b: TensorLike) => binary('le', a, b);
/**
 * Elementwise `a > b`, broadcasting; an int32 mask of 0 and 1 (PyTorch `torch.gt`, which returns bool).
 * @example
 * gt(tensor([1, 2, 3]), 2).arraySync();   // [0, 0, 1] (int32)
 */
export const gt = (a: TensorLike, b: TensorLike) => binary('gt', a, b);
/**
 * Elementwise `a >= b`, broadcasting; an int32 mask of 0 and 1 (PyTorch `torch.ge`, which returns bool).
 * @example
 * ge(tensor([1, 2, 3]), 2).arraySync();   // [0, 1, 1] (int32)
 */
export const ge = (a: TensorLike, b: TensorLike) => binary('ge', a, b);

/**
 * Elementwise `−x`; keeps int32 (PyTorch `torch.neg`).
 * @example
 * neg(tensor([1, -2])).arraySync();   // [-1, 2]
 */
export const neg = (x: Tensor) => unary('neg', x);
/**
 * Elementwise `eˣ`; int32 input gives float32 (PyTorch `torch.exp`).
 * @example
 * exp(tensor([0, 1])).arraySync();   // [1, 2.718…]
 */
export const exp = (x: Tensor) => unary('exp', x);
/**
 * Elementwise natural logarithm; `log(0)` is −Infinity and a negative input NaN, as in PyTorch (no throw).
 * @example
 * log(tensor([1, Math.E])).arraySync();   // [0, 1]
 */
export const log = (x: Tensor) => unary('log', x);
/**
 * Elementwise square root; a negative input gives NaN (PyTorch `torch.sqrt`).
 * @example
 * sqrt(tensor([4, 9])).arraySync();   // [2, 3]
 */
export const sqrt = (x: Tensor) => unary('sqrt', x);
/**
 * Elementwise reciprocal square root `1/√x`, one kernel (PyTorch `torch.rsqrt`); normalisations use it.
 * @example
 * rsqrt(tensor([4, 16])).arraySync();   // [0.5, 0.25]
 */
export const rsqrt = (x: Tensor) => unary('rsqrt', x);
/**
 * Elementwise absolute value; keeps int32 (PyTorch `torch.abs`).
 * @example
 * abs(tensor([-1.5, 2])).arraySync();   // [1.5, 2]
 */
export const abs = (x: Tensor) => unary('abs', x);
/**
 * Elementwise sign: −1, 0 or 1; keeps int32 (PyTorch `torch.sign`).
 * @example
 * sign(tensor([-3, 0, 2])).arraySync();   // [-1, 0, 1]
 */
export const sign = (x: Tensor) => unary('sign', x);
/**
 * Elementwise hyperbolic tangent, in (−1, 1) (PyTorch `torch.tanh`).
 * @example
 * tanh(tensor([0, 100])).arraySync();   // [0, 1]
 */
export const tanh = (x: Tensor) => unary('tanh', x);
/**
 * Elementwise logistic sigmoid `1 / (1 + e⁻ˣ)`, in (0, 1) (PyTorch `torch.sigmoid`).
 * @example
 * sigmoid(tensor([0])).arraySync();   // [0.5]
 */
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
/**
 * Elementwise Gauss error function (PyTorch `torch.erf`); the exact GELU is built on it. For one number
 * use `erfScalar`.
 * @example
 * erf(tensor([0, 1])).arraySync();   // [0, 0.8427…]
 */
export const erf = (x: Tensor) => unary('erf', x);
/**
 * Elementwise `max(x, 0)`; keeps int32 (PyTorch `torch.relu`).
 * @example
 * relu(tensor([-1, 0, 2])).arraySync();   // [0, 0, 2]
 */
export const relu = (x: Tensor) => unary('relu', x);
/** GELU, exact erf form (PyTorch's default): x · Φ(x) = x/2 · (1 + erf(x/√2)). */
export const gelu = (x: Tensor) => unary('gelu', x);
/**
 * Elementwise round toward −Infinity; the result keeps a float dtype (cast with `.int()` for indices).
 * @example
 * floor(tensor([1.7, -1.2])).arraySync();   // [1, -2]
 */
export const floor = (x: Tensor) => unary('floor', x);
/**
 * GELU's derivative at `x`, given its output `y = gelu(x)`: `Φ(x) + x·φ(x)` with `Φ(x) = y/x` read back
 * from the output (½ where |x| < 2⁻⁶⁰) and `φ(x) = e^(−x²/2)/√(2π)`; autograd's gelu multiplies it by
 * the output gradient. One exp instead of GELU's erf.
 * @example
 * const x = tensor([-1, 0, 2]);
 * geluGrad(x, x.gelu()).arraySync();   // [-0.0833, 0.5, 1.0852]
 */
export const geluGrad = (x: TensorLike, y: TensorLike) => binary('geluGrad', x, y);
/**
 * Elementwise `x²` (as `mul(x, x)`; PyTorch `torch.square`).
 * @example
 * square(tensor([-2, 3])).arraySync();   // [4, 9]
 */
export const square = (x: Tensor) => binary('mul', x, x);

/** Limits values to `[min, max]` (either bound may be omitted). */
export const clamp = op('clamp', (x: Tensor, min?: number, max?: number): Tensor => {
  if (min === undefined && max === undefined) throw new Error('clamp: give at least one of min and max');
  if (min !== undefined && max !== undefined && min > max) throw new Error(`clamp: min ${min} is greater than max ${max}`);
  if (min === undefined) return minimum(x, max as number);
  const lo = maximum(x, min);
  return max === undefined ? lo : minimum(lo, max);
});
