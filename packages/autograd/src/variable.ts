/**
 * The Variable: a tensor that remembers how it was made. Ops on variables compute their result with
 * the tensor package and, when a gradient is wanted, record a {@link Node} on the result pointing back
 * at the inputs. `backward()` walks those nodes in reverse and fills the leaves' `.grad`.
 *
 * Methods are `Tensor`'s (and so PyTorch's): the shared set is the tensor package's `TensorMethods`,
 * documented there, which both classes implement so that they cannot drift apart. Each forwards to the
 * op function of the same name in `ops/`, where the forward and backward rules live side by side.
 */
import { type DType, type ShapeArgs, shapeFromArgs, share, type Tensor, type TensorMethods, type TypedArray } from '@setr-ts/tensor';
import { type BackwardOptions, backward } from './backward.js';
import type { Node } from './node.js';
import * as ops from './ops/index.js';
import type { VariableLike } from './record.js';

/**
 * A tensor value in the graph: `data`, whether it `requiresGrad`, its accumulated `grad`, and the
 * `gradFn` node of the op that made it. Make leaves with {@link variable} and {@link parameter}.
 */
export class Variable implements TensorMethods<Variable, VariableLike> {
  /** The accumulated gradient (leaves, and variables that called `retainGrad`); null until a backward pass reaches it. */
  grad: Tensor | null = null;
  private retains = false;

  /** Use {@link variable} or {@link parameter}; ops make the others. */
  constructor(
    /** The value. The variable owns it: `dispose()` disposes it. */
    readonly data: Tensor,
    /** Whether gradients flow to this variable. */
    readonly requiresGrad: boolean,
    /** The op that made this variable; null for leaves (made by you) and for constants. */
    readonly gradFn: Node | null,
  ) {}

  /** `data`'s shape. */
  get shape(): readonly number[] {
    return this.data.shape;
  }
  /** `data`'s dtype. */
  get dtype(): DType {
    return this.data.dtype;
  }
  get rank(): number {
    return this.data.rank;
  }
  get size(): number {
    return this.data.size;
  }
  /** Made by you rather than by an op (PyTorch's `is_leaf`). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** Whether a backward pass stores this variable's gradient in `.grad`. */
  get retainsGrad(): boolean {
    return this.retains;
  }

  /**
   * Computes the gradient of this variable with respect to every leaf that requires one, adding it
   * into their `.grad`. `grad` is the gradient of some final scalar with respect to this variable; it
   * may be omitted when this variable has one element (it is then 1). The graph's saved tensors are
   * freed afterwards unless `retainGraph` is set; a second backward through a freed graph throws.
   * @example
   * const w = parameter(tensor([1, 2, 3]));
   * w.mul(w).sum().backward();
   * w.grad;   // [2, 4, 6]
   */
  backward(grad?: Tensor | Variable, opts?: BackwardOptions): void {
    backward(this, grad instanceof Variable ? grad.data : grad, opts);
  }
  /** Drops the accumulated gradient (disposes it and sets `.grad` to null), as PyTorch's `zero_grad(set_to_none=True)`. */
  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }
  /** Makes backward store this (non-leaf) variable's gradient in `.grad` too. */
  retainGrad(): this {
    this.retains = true;
    return this;
  }
  /** The same values (a view, no copy) cut off from the graph: a constant. */
  detach(): Variable {
    return new Variable(share(this.data), false, null);
  }
  /** Disposes `data` and `grad`. Any graph through this variable keeps its own saved tensors. */
  dispose(): void {
    this.data.dispose();
    this.zeroGrad();
  }
  /** True once `data` was disposed. */
  get isDisposed(): boolean {
    return this.data.isDisposed;
  }

  item(): number {
    return this.data.item();
  }
  dataSync(): TypedArray {
    return this.data.dataSync();
  }
  arraySync(): unknown {
    return this.data.arraySync();
  }
  /** The values, and how the variable was made (`gradFn=…` or `requiresGrad`). */
  toString(): string {
    const how = this.gradFn ? `, gradFn=${this.gradFn.op}` : this.requiresGrad ? ', requiresGrad' : '';
    return `Variable(${this.data.toString()}${how})`;
  }

  // ----- views -----
  reshape(...shape: ShapeArgs): Variable {
    return ops.reshape(this, shapeFromArgs(shape));
  }
  view(...shape: ShapeArgs): Variable {
    return ops.view(this, shapeFromArgs(shape));
  }
  permute(...dims: ShapeArgs): Variable {
    return ops.permute(this, shapeFromArgs(dims));
  }
  transpose(dim0 = -2, dim1 = -1): Variable {
    return ops.transpose(this, dim0, dim1);
  }
  get T(): Variable {
    return ops.transpose(this, 0, 1);
  }
  expand(...shape: ShapeArgs): Variable {
    return ops.expand(this, shapeFromArgs(shape));
  }
  narrow(dim: number, start: number, length: number): Variable {
    return ops.narrow(this, dim, start, length);
  }
  slice(dim: number, start?: number, end?: number, step?: number): Variable {
    return ops.slice(this, dim, start, end, step);
  }
  squeeze(dim?: number): Variable {
    return ops.squeeze(this, dim);
  }
  unsqueeze(dim: number): Variable {
    return ops.unsqueeze(this, dim);
  }
  flatten(startDim = 0, endDim = -1): Variable {
    return ops.flatten(this, startDim, endDim);
  }
  contiguous(): Variable {
    return ops.contiguous(this);
  }
  clone(): Variable {
    return ops.clone(this);
  }
  /** Converts to `dtype`; between float types the gradient converts back, to int32 the result is a constant. */
  to(dtype: DType): Variable {
    return ops.cast(this, dtype);
  }
  float(): Variable {
    return ops.cast(this, 'float32');
  }
  double(): Variable {
    return ops.cast(this, 'float64');
  }
  /** `to('int32')`: a constant, since integers have no gradient. */
  int(): Variable {
    return ops.cast(this, 'int32');
  }

  // ----- elementwise -----
  add(other: VariableLike): Variable {
    return ops.add(this, other);
  }
  sub(other: VariableLike): Variable {
    return ops.sub(this, other);
  }
  mul(other: VariableLike): Variable {
    return ops.mul(this, other);
  }
  div(other: VariableLike): Variable {
    return ops.div(this, other);
  }
  pow(other: VariableLike): Variable {
    return ops.pow(this, other);
  }
  /** Elementwise larger of this and other; ties split the gradient evenly. */
  maximum(other: VariableLike): Variable {
    return ops.maximum(this, other);
  }
  /** Elementwise smaller of this and other; ties split the gradient evenly. */
  minimum(other: VariableLike): Variable {
    return ops.minimum(this, other);
  }
  neg(): Variable {
    return ops.neg(this);
  }
  exp(): Variable {
    return ops.exp(this);
  }
  log(): Variable {
    return ops.log(this);
  }
  sqrt(): Variable {
    return ops.sqrt(this);
  }
  rsqrt(): Variable {
    return ops.rsqrt(this);
  }
  /** Absolute value (gradient 0 at 0). */
  abs(): Variable {
    return ops.abs(this);
  }
  tanh(): Variable {
    return ops.tanh(this);
  }
  sigmoid(): Variable {
    return ops.sigmoid(this);
  }
  erf(): Variable {
    return ops.erf(this);
  }
  /** `max(x, 0)` (gradient 0 at 0). */
  relu(): Variable {
    return ops.relu(this);
  }
  gelu(): Variable {
    return ops.gelu(this);
  }
  square(): Variable {
    return ops.square(this);
  }
  /** Limits to `[min, max]`; the gradient passes where min ≤ x ≤ max. */
  clamp(min?: number, max?: number): Variable {
    return ops.clamp(this, min, max);
  }

  // ----- reductions and normalisations -----
  sum(dim?: number | readonly number[], keepdim = false): Variable {
    return ops.sum(this, dim, keepdim);
  }
  mean(dim?: number | readonly number[], keepdim = false): Variable {
    return ops.mean(this, dim, keepdim);
  }
  /** Largest value over `dim`; the gradient goes to the arg position (split evenly among ties). */
  max(dim?: number | readonly number[], keepdim = false): Variable {
    return ops.max(this, dim, keepdim);
  }
  /** Smallest value over `dim`; the gradient goes to the arg position (split evenly among ties). */
  min(dim?: number | readonly number[], keepdim = false): Variable {
    return ops.min(this, dim, keepdim);
  }
  var(dim?: number | readonly number[], keepdim = false, correction = 1): Variable {
    return ops.variance(this, dim, { keepdim, correction });
  }
  logsumexp(dim: number | readonly number[], keepdim = false): Variable {
    return ops.logsumexp(this, dim, keepdim);
  }
  softmax(dim: number): Variable {
    return ops.softmax(this, dim);
  }
  logSoftmax(dim: number): Variable {
    return ops.logSoftmax(this, dim);
  }

  // ----- linear algebra and indexing -----
  matmul(other: VariableLike): Variable {
    return ops.matmul(this, other);
  }
  gather(dim: number, index: Tensor): Variable {
    return ops.gather(this, dim, index);
  }
  indexSelect(dim: number, index: Tensor): Variable {
    return ops.indexSelect(this, dim, index);
  }
  /** Pieces of `sizeOrSections` along `dim` (views, each with its gradient). */
  split(sizeOrSections: number | readonly number[], dim = 0): Variable[] {
    return ops.split(this, sizeOrSections, dim);
  }
  chunk(chunks: number, dim = 0): Variable[] {
    return ops.chunk(this, chunks, dim);
  }

  // ----- without a gradient: these return plain tensors -----
  /** Index of the largest value (int32 tensor; no gradient). */
  argmax(dim?: number, keepdim = false): Tensor {
    return ops.argmax(this, dim, keepdim);
  }
  /** Index of the smallest value (int32 tensor; no gradient). */
  argmin(dim?: number, keepdim = false): Tensor {
    return ops.argmin(this, dim, keepdim);
  }
  eq(other: VariableLike): Tensor {
    return ops.eq(this, other);
  }
  ne(other: VariableLike): Tensor {
    return ops.ne(this, other);
  }
  lt(other: VariableLike): Tensor {
    return ops.lt(this, other);
  }
  le(other: VariableLike): Tensor {
    return ops.le(this, other);
  }
  gt(other: VariableLike): Tensor {
    return ops.gt(this, other);
  }
  ge(other: VariableLike): Tensor {
    return ops.ge(this, other);
  }
  /** Sign, −1/0/1 (a tensor: zero gradient almost everywhere). */
  sign(): Tensor {
    return ops.sign(this);
  }
  /** Floor (a tensor: zero gradient almost everywhere). */
  floor(): Tensor {
    return ops.floor(this);
  }
}

/**
 * A leaf variable holding `data` (no copy: the variable owns the tensor from now on).
 * `requiresGrad` (default false) makes backward fill its `.grad`; only float tensors can have one.
 * @example const x = variable(tensor([1, 2]), { requiresGrad: true });
 */
export function variable(data: Tensor, opts: { requiresGrad?: boolean } = {}): Variable {
  const requiresGrad = opts.requiresGrad ?? false;
  if (requiresGrad && data.dtype === 'int32') {
    throw new Error(
      `variable: only floating-point tensors can require gradients, got int32 of shape [${data.shape.join(',')}] ` +
        '(argmax, comparisons and oneHot give int32 results: they have no gradient)',
    );
  }
  data.assertAlive('variable');
  return new Variable(data, requiresGrad, null);
}

/** A leaf that requires a gradient: `variable(data, { requiresGrad: true })`. What models train. */
export function parameter(data: Tensor): Variable {
  return variable(data, { requiresGrad: true });
}

/** True for a {@link Variable}. */
export function isVariable(x: unknown): x is Variable {
  return x instanceof Variable;
}
