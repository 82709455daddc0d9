/**
 * The Tensor: a view (shape, strides, offset) of one backend buffer, plus a dtype. Tensors are
 * immutable: every op returns a new tensor, and views share their source's buffer (the engine counts
 * the views and frees the buffer when the last is disposed).
 *
 * Methods mirror PyTorch's (`x.add(y)`, `x.sum(1, true)`); each is a one-line forward to the op
 * function of the same name in `ops/`. The method set is {@link TensorMethods}, shared with autograd's
 * Variable and documented there.
 */
import type { Backend, DataId, View } from './backend.js';
import type { DType, TypedArray } from './dtype.js';
import { keep, release, track } from './engine.js';
import { formatTensor } from './format.js';
import * as ops from './ops/index.js';
import { contiguousStrides, isContiguous, type Shape, sizeOf } from './shape.js';
import { type ShapeArgs, shapeFromArgs, type TensorMethods } from './tensor-methods.js';

let nextId = 0;

/** A plain number where an op accepts a constant operand, e.g. `x.add(1)`. */
export type Scalar = number;
/** An operand of a binary op: a tensor, or a number taken as a 0-d tensor of the other operand's dtype. */
export type TensorLike = Tensor | Scalar;

/**
 * An immutable n-d array on one backend: a view (shape, strides, offset) of a buffer, with a dtype.
 * Make one with `tensor`, `zeros`, `randn`, …; free it with `dispose` or inside `tidy`.
 * @example
 * const x = tensor([[1, 2], [3, 4]]);
 * x.add(1).mul(x).sum(1).arraySync();   // [8, 32]
 */
export class Tensor implements View, TensorMethods<Tensor, TensorLike> {
  /** A process-unique id, handy in debugging and in autograd's graph. */
  readonly id = nextId++;
  private disposed = false;

  constructor(
    /** The backend that owns the buffer; ops between tensors of different backends throw. */
    readonly backend: Backend,
    /** The buffer this tensor views (shared with every other view of it). */
    readonly dataId: DataId,
    /** Size of each dim, outermost first, e.g. `[N, C, H, W]`; `[]` for a 0-d tensor. */
    readonly shape: Shape,
    /** Element type: `float32`, `int32` or `float64`. */
    readonly dtype: DType,
    /** Elements to step in the buffer per index step of each dim (row-major by default; 0 for a broadcast dim). */
    readonly strides: readonly number[] = contiguousStrides(shape),
    /** Index in the buffer, in elements, of element `[0, …, 0]`. */
    readonly offset = 0,
    /** Elements in the whole buffer; a view may see fewer. */
    readonly bufferSize = sizeOf(shape),
  ) {
    track(this);
  }

  get size(): number {
    return sizeOf(this.shape);
  }
  get rank(): number {
    return this.shape.length;
  }
  get isDisposed(): boolean {
    return this.disposed;
  }

  dataSync(): TypedArray {
    this.assertAlive('dataSync');
    return ops.readSync(this);
  }
  /** The elements, row-major, as a new typed array. */
  async data(): Promise<TypedArray> {
    this.assertAlive('data');
    return ops.read(this);
  }
  arraySync(): unknown {
    return ops.toNested(this.dataSync(), this.shape);
  }
  item(): number {
    if (this.size !== 1) throw new Error(`item: tensor of shape [${this.shape.join(',')}] has ${this.size} elements, not 1`);
    return this.dataSync()[0];
  }
  toString(): string {
    if (this.disposed) return `Tensor(disposed, shape=[${this.shape.join(',')}])`;
    return formatTensor(this.dataSync(), this.shape, this.dtype);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    release(this);
  }
  /** Keeps this tensor alive past the enclosing `tidy`. */
  keep(): this {
    return keep(this);
  }
  /** Throws an error naming `op` and this tensor when it has been disposed; ops call it on each operand. */
  assertAlive(op: string): void {
    if (this.disposed) throw new Error(`${op}: tensor ${this.id} of shape [${this.shape.join(',')}] was disposed`);
  }

  // ----- views -----
  reshape(...shape: ShapeArgs): Tensor {
    return ops.reshape(this, shapeFromArgs(shape));
  }
  view(...shape: ShapeArgs): Tensor {
    return ops.view(this, shapeFromArgs(shape));
  }
  permute(...dims: ShapeArgs): Tensor {
    return ops.permute(this, shapeFromArgs(dims));
  }
  transpose(dim0 = -2, dim1 = -1): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  get T(): Tensor {
    return ops.transpose(this, 0, 1);
  }
  expand(...shape: ShapeArgs): Tensor {
    return ops.expand(this, shapeFromArgs(shape));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return ops.narrow(this, dim, start, length);
  }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return ops.slice(this, dim, start, end, step);
  }
  squeeze(dim?: number): Tensor {
    return ops.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return ops.flatten(this, startDim, endDim);
  }
  contiguous(): Tensor {
    return ops.contiguous(this);
  }
  /** True when the elements lie row-major without gaps (a fresh buffer, or a view that keeps the layout). */
  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }
  clone(): Tensor {
    return ops.clone(this);
  }
  to(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
  float(): Tensor {
    return ops.cast(this, 'float32');
  }
  int(): Tensor {
    return ops.cast(this, 'int32');
  }
  double(): Tensor {
    return ops.cast(this, 'float64');
  }

  // ----- elementwise -----
  add(other: TensorLike): Tensor {
    return ops.add(this, other);
  }
  sub(other: TensorLike): Tensor {
    return ops.sub(this, other);
  }
  mul(other: TensorLike): Tensor {
    return ops.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return ops.div(this, other);
  }
  pow(other: TensorLike): Tensor {
    return ops.pow(this, other);
  }
  maximum(other: TensorLike): Tensor {
    return ops.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return ops.minimum(this, other);
  }
  eq(other: TensorLike): Tensor {
    return ops.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return ops.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return ops.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return ops.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return ops.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return ops.ge(this, other);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  rsqrt(): Tensor {
    return ops.rsqrt(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  sign(): Tensor {
    return ops.sign(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  erf(): Tensor {
    return ops.erf(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  gelu(): Tensor {
    return ops.gelu(this);
  }
  floor(): Tensor {
    return ops.floor(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  clamp(min?: number, max?: number): Tensor {
    return ops.clamp(this, min, max);
  }

  // ----- reductions -----
  sum(dim?: number | readonly number[], keepdim = false): Tensor {
    return ops.sum(this, dim, keepdim);
  }
  mean(dim?: number | readonly number[], keepdim = false): Tensor {
    return ops.mean(this, dim, keepdim);
  }
  max(dim?: number | readonly number[], keepdim = false): Tensor {
    return ops.max(this, dim, keepdim);
  }
  min(dim?: number | readonly number[], keepdim = false): Tensor {
    return ops.min(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return ops.argmax(this, dim, keepdim);
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return ops.argmin(this, dim, keepdim);
  }
  var(dim?: number | readonly number[], keepdim = false, correction = 1): Tensor {
    return ops.variance(this, dim, { keepdim, correction });
  }
  logsumexp(dim: number | readonly number[], keepdim = false): Tensor {
    return ops.logsumexp(this, dim, keepdim);
  }
  softmax(dim: number): Tensor {
    return ops.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return ops.logSoftmax(this, dim);
  }

  // ----- linear algebra and indexing -----
  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }
  gather(dim: number, index: Tensor): Tensor {
    return ops.gather(this, dim, index);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return ops.indexSelect(this, dim, index);
  }
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
    return ops.split(this, sizeOrSections, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return ops.chunk(this, chunks, dim);
  }
}
