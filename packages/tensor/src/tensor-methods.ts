/**
 * The method surface `Tensor` and autograd's `Variable` share: PyTorch's names, declared once. Both
 * classes implement this interface, so a method added to one and forgotten in the other, or given a
 * different signature, fails type-checking. The documentation lives here; each class method is a
 * one-line forward to the op function of the same name.
 *
 * `Self` is what an op returns (a Tensor, or a Variable that carries the gradient), `Operand` what it
 * combines with (for a Variable also a Tensor or a number, taken as a constant). Comparisons, argmax,
 * sign and floor have no useful gradient, so they return plain tensors on both.
 */
import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';
import type { Tensor } from './tensor.js';

/** A shape given as separate numbers or one array: `reshape(2, 3)` and `reshape([2, 3])` both work, as in PyTorch. */
export type ShapeArgs = number[] | [readonly number[]];

/** The shape a {@link ShapeArgs} names. */
export function shapeFromArgs(args: ShapeArgs): number[] {
  return Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}

/**
 * The methods and properties `Tensor` and autograd's `Variable` share, with PyTorch's names; `Self` is
 * what an op returns, `Operand` what a binary op accepts beside it.
 */
export interface TensorMethods<Self, Operand> {
  /** Size of each dim, outermost first, e.g. `[N, C, H, W]`; `[]` for a 0-d (scalar) tensor. */
  readonly shape: Shape;
  /** Element type: `float32`, `int32` or `float64`. */
  readonly dtype: DType;
  /** Number of dimensions. */
  readonly rank: number;
  /** Number of elements. */
  readonly size: number;
  /** True once disposed. */
  readonly isDisposed: boolean;
  /** Frees the value (a view's buffer goes when its last view does); disposing twice is harmless. */
  dispose(): void;
  /** The elements, row-major, as a new typed array (synchronous; not on asynchronous GPU backends). */
  dataSync(): TypedArray;
  /** The elements as nested arrays (PyTorch's `tolist`). */
  arraySync(): unknown;
  /** The value of a one-element tensor. */
  item(): number;

  // ----- views -----
  /** The same elements in a new shape (one dim may be -1); a view when the layout allows, else a copy. */
  reshape(...shape: ShapeArgs): Self;
  /** As `reshape`, but never copies (an error when the layout forbids it). */
  view(...shape: ShapeArgs): Self;
  /** Reorders dims: result dim i is dim `dims[i]`. */
  permute(...dims: ShapeArgs): Self;
  /** Swaps two dims (the last two by default). */
  transpose(dim0?: number, dim1?: number): Self;
  /** The transpose of a 2-D tensor (PyTorch's `.T` for matrices). */
  readonly T: Self;
  /** Repeats size-1 dims as a stride-0 view, and prepends new ones; -1 keeps a dim. */
  expand(...shape: ShapeArgs): Self;
  /** `length` elements of `dim` from `start` (a view). */
  narrow(dim: number, start: number, length: number): Self;
  /** Python's `x[start:end:step]` along `dim` (a view). */
  slice(dim: number, start?: number, end?: number, step?: number): Self;
  /** Drops size-1 dims (all, or just `dim`). */
  squeeze(dim?: number): Self;
  /** Inserts a size-1 dim at `dim`. */
  unsqueeze(dim: number): Self;
  /** Merges dims `startDim..endDim` into one. */
  flatten(startDim?: number, endDim?: number): Self;
  /** The values laid out row-major in a buffer of their own (a view when they already are). */
  contiguous(): Self;
  /** A copy in a buffer of its own. */
  clone(): Self;
  /** Converts to `dtype` (float→int truncates toward zero). */
  to(dtype: DType): Self;
  /** `to('float32')`. */
  float(): Self;
  /** `to('int32')`. */
  int(): Self;
  /** `to('float64')`. */
  double(): Self;

  // ----- elementwise, broadcasting -----
  /** `this + other`. */
  add(other: Operand): Self;
  /** `this − other`. */
  sub(other: Operand): Self;
  /** `this · other`. */
  mul(other: Operand): Self;
  /** `this / other`; true division (int32 operands give float32). */
  div(other: Operand): Self;
  /** `this ^ other`. */
  pow(other: Operand): Self;
  /** Elementwise larger of this and other. */
  maximum(other: Operand): Self;
  /** Elementwise smaller of this and other. */
  minimum(other: Operand): Self;
  /** Elementwise `==` as an int32 0/1 mask. */
  eq(other: Operand): Tensor;
  /** Elementwise `!=` as an int32 0/1 mask. */
  ne(other: Operand): Tensor;
  /** Elementwise `<` as an int32 0/1 mask. */
  lt(other: Operand): Tensor;
  /** Elementwise `<=` as an int32 0/1 mask. */
  le(other: Operand): Tensor;
  /** Elementwise `>` as an int32 0/1 mask. */
  gt(other: Operand): Tensor;
  /** Elementwise `>=` as an int32 0/1 mask. */
  ge(other: Operand): Tensor;
  /** `−this`. */
  neg(): Self;
  /** `e^this`. */
  exp(): Self;
  /** Natural logarithm. */
  log(): Self;
  /** Square root. */
  sqrt(): Self;
  /** `1 / √this`. */
  rsqrt(): Self;
  /** Absolute value. */
  abs(): Self;
  /** Sign, −1/0/1. */
  sign(): Tensor;
  /** Hyperbolic tangent. */
  tanh(): Self;
  /** Logistic sigmoid `1 / (1 + e^−x)`. */
  sigmoid(): Self;
  /** The error function. */
  erf(): Self;
  /** `max(x, 0)`. */
  relu(): Self;
  /** GELU, exact erf form (PyTorch's default): x · Φ(x). */
  gelu(): Self;
  /** Largest integer not above x. */
  floor(): Tensor;
  /** `x²`. */
  square(): Self;
  /** Limits to `[min, max]` (either bound may be omitted). */
  clamp(min?: number, max?: number): Self;

  // ----- reductions and normalisations (over all dims when `dim` is omitted) -----
  /** Sum over `dim`. */
  sum(dim?: number | readonly number[], keepdim?: boolean): Self;
  /** Arithmetic mean over `dim`. */
  mean(dim?: number | readonly number[], keepdim?: boolean): Self;
  /** Largest value over `dim`. */
  max(dim?: number | readonly number[], keepdim?: boolean): Self;
  /** Smallest value over `dim`. */
  min(dim?: number | readonly number[], keepdim?: boolean): Self;
  /** Index of the largest value (int32; the first on ties). */
  argmax(dim?: number, keepdim?: boolean): Tensor;
  /** Index of the smallest value (int32; the first on ties). */
  argmin(dim?: number, keepdim?: boolean): Tensor;
  /**
   * Variance over `dim` with Bessel's `correction` (1: unbiased, PyTorch's default). PyTorch's method
   * name; the op function is `variance`, since `var` cannot name a function declaration.
   */
  var(dim?: number | readonly number[], keepdim?: boolean, correction?: number): Self;
  /** `log Σ exp(x)` over `dim`, computed stably. */
  logsumexp(dim: number | readonly number[], keepdim?: boolean): Self;
  /** Softmax along `dim`. */
  softmax(dim: number): Self;
  /** log(softmax) along `dim`, computed stably. */
  logSoftmax(dim: number): Self;

  // ----- linear algebra and indexing -----
  /** Matrix product with PyTorch's rules (1-D operands, broadcast batch dims). */
  matmul(other: Self): Self;
  /** PyTorch's `gather` along `dim` with an int32 index tensor. */
  gather(dim: number, index: Tensor): Self;
  /** The entries `index` (1-D int32) of `dim`. */
  indexSelect(dim: number, index: Tensor): Self;
  /** Pieces of `sizeOrSections` along `dim` (views). */
  split(sizeOrSections: number | readonly number[], dim?: number): Self[];
  /** `chunks` nearly equal pieces along `dim`. */
  chunk(chunks: number, dim?: number): Self[];
}
