/**
 * The reference backend: plain TypeScript loops over typed arrays, written to be read and trusted,
 * not to be fast. Every other backend is tested against it. It stores float64 too, which the
 * gradient checks use. Each kernel allocates its output and delegates to a small function in the
 * file named after its family (layout, rows, matmul, conv, resize, indexing).
 */
import {
  type Backend,
  type BackendMemory,
  type BinaryOp,
  COMPARISONS,
  type Conv2dParams,
  type DataId,
  type LayerNormResult,
  type ReduceOp,
  type ResizeParams,
  type UnaryOp,
  type View,
} from '../../backend.js';
import { convGeometry } from '../../conv-geometry.js';
import { allocate, type DType, type TypedArray } from '../../dtype.js';
import { type Shape, sizeOf } from '../../shape.js';
import * as conv from './conv.js';
import { BINARY, UNARY } from './elementwise.js';
import { gather, scatterAdd } from './indexing.js';
import * as layout from './layout.js';
import { matmul } from './matmul.js';
import * as resize from './resize.js';
import { layerNormRows, reduceRows, softmaxRows } from './rows.js';
import { forEachIndex, get, type Strided } from './strided.js';

export class ReferenceBackend implements Backend {
  readonly name = 'reference';
  readonly description = 'reference (plain TypeScript, float64-capable)';
  readonly dtypes: readonly DType[] = ['float32', 'int32', 'float64'];
  private readonly buffers = new Map<DataId, TypedArray>();

  // ----- memory -----
  write(values: TypedArray, dtype: DType): DataId {
    const copy = allocate(dtype, values.length);
    copy.set(values);
    return this.store(copy);
  }
  private store(data: TypedArray): DataId {
    const id = {};
    this.buffers.set(id, data);
    return id;
  }
  private buf(id: DataId): TypedArray {
    const b = this.buffers.get(id);
    if (!b) throw new Error('reference backend: buffer was disposed or belongs to another backend');
    return b;
  }
  /**
   * A view with its elements. Built field by field (not by spreading a Tensor) so that every
   * Strided has the same small shape of object, which keeps V8's property loads in the kernels fast.
   */
  private s(v: View): Strided {
    return { dataId: v.dataId, dtype: v.dtype, shape: v.shape, strides: v.strides, offset: v.offset, data: this.buf(v.dataId) };
  }
  readSync(id: DataId, dtype: DType): TypedArray {
    const out = allocate(dtype, this.buf(id).length);
    out.set(this.buf(id));
    return out;
  }
  async read(id: DataId, dtype: DType): Promise<TypedArray> {
    return this.readSync(id, dtype);
  }
  disposeData(id: DataId): void {
    this.buffers.delete(id);
  }
  memory(): BackendMemory {
    let numBytes = 0;
    for (const b of this.buffers.values()) numBytes += b.byteLength;
    return { numBuffers: this.buffers.size, numBytes };
  }
  private out(dtype: DType, n: number): TypedArray {
    return allocate(dtype, n);
  }

  // ----- layout -----
  contiguous(x: View): DataId {
    return this.store(layout.copyInto(this.s(x), this.out(x.dtype, sizeOf(x.shape))));
  }
  cast(x: View, dtype: DType): DataId {
    return this.store(layout.castInto(this.s(x), this.out(dtype, sizeOf(x.shape))));
  }
  pad(x: View, pads: readonly (readonly [number, number])[], value: number): DataId {
    const shape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
    return this.store(layout.pad(this.s(x), pads, value, shape, this.out(x.dtype, sizeOf(shape))));
  }
  cat(xs: readonly View[], dim: number): DataId {
    const shape = [...xs[0].shape];
    shape[dim] = xs.reduce((a, x) => a + x.shape[dim], 0);
    return this.store(
      layout.cat(
        xs.map((x) => this.s(x)),
        dim,
        shape,
        this.out(xs[0].dtype, sizeOf(shape)),
      ),
    );
  }

  // ----- elementwise -----
  unary(op: UnaryOp, x: View): DataId {
    const f = UNARY[op];
    const v = this.s(x);
    const out = this.out(x.dtype, sizeOf(x.shape));
    forEachIndex(x.shape, (i, flat) => {
      out[flat] = f(get(v, i));
    });
    return this.store(out);
  }
  binary(op: BinaryOp, a: View, b: View): DataId {
    const f = BINARY[op];
    const [va, vb] = [this.s(a), this.s(b)];
    const dtype = COMPARISONS.has(op) ? 'int32' : a.dtype;
    const out = this.out(dtype, sizeOf(a.shape));
    forEachIndex(a.shape, (i, flat) => {
      out[flat] = f(get(va, i), get(vb, i));
    });
    return this.store(out);
  }
  where(cond: View, a: View, b: View): DataId {
    const [vc, va, vb] = [this.s(cond), this.s(a), this.s(b)];
    const out = this.out(a.dtype, sizeOf(a.shape));
    forEachIndex(a.shape, (i, flat) => {
      out[flat] = get(vc, i) !== 0 ? get(va, i) : get(vb, i);
    });
    return this.store(out);
  }

  // ----- reductions and rows -----
  reduce(op: ReduceOp, x: DataId, dtype: DType, outer: number, inner: number): DataId {
    const outDtype = op === 'argmax' || op === 'argmin' ? 'int32' : dtype;
    return this.store(reduceRows(op, this.buf(x), outer, inner, this.out(outDtype, outer)));
  }
  softmax(x: DataId, dtype: DType, rows: number, cols: number, log: boolean): DataId {
    return this.store(softmaxRows(this.buf(x), rows, cols, log, this.out(dtype, rows * cols)));
  }
  layerNorm(x: DataId, dtype: DType, rows: number, cols: number, weight: DataId | null, bias: DataId | null, eps: number): LayerNormResult {
    const [y, mean, rstd] = [this.out(dtype, rows * cols), this.out(dtype, rows), this.out(dtype, rows)];
    layerNormRows(this.buf(x), rows, cols, weight ? this.buf(weight) : null, bias ? this.buf(bias) : null, eps, y, mean, rstd);
    return { y: this.store(y), mean: this.store(mean), rstd: this.store(rstd) };
  }

  // ----- linear algebra -----
  matmul(a: View, b: View): DataId {
    const [batch, m] = a.shape;
    return this.store(matmul(this.s(a), this.s(b), this.out(a.dtype, batch * m * b.shape[2])));
  }
  conv2d(x: DataId, xShape: Shape, w: DataId, wShape: Shape, bias: DataId | null, p: Conv2dParams, dtype: DType): DataId {
    const { n, co, ho, wo } = convGeometry(xShape, wShape, p);
    const out = this.out(dtype, n * co * ho * wo);
    return this.store(conv.conv2d(this.buf(x), xShape, this.buf(w), wShape, bias ? this.buf(bias) : null, p, out));
  }
  conv2dBackwardInput(dy: DataId, _dyShape: Shape, w: DataId, wShape: Shape, xShape: Shape, p: Conv2dParams, dtype: DType): DataId {
    return this.store(conv.conv2dBackwardInput(this.buf(dy), this.buf(w), wShape, xShape, p, this.out(dtype, sizeOf(xShape))));
  }
  conv2dBackwardWeight(x: DataId, xShape: Shape, dy: DataId, _dyShape: Shape, wShape: Shape, p: Conv2dParams, dtype: DType): DataId {
    return this.store(conv.conv2dBackwardWeight(this.buf(x), xShape, this.buf(dy), wShape, p, this.out(dtype, sizeOf(wShape))));
  }

  // ----- resampling -----
  resizeBilinear(x: DataId, xShape: Shape, outH: number, outW: number, p: ResizeParams, dtype: DType): DataId {
    const [n, c, h, w] = xShape;
    return this.resize(resize.forEachBilinearTap, x, n * c, [h, w], [outH, outW], p, dtype, false);
  }
  resizeNearest(x: DataId, xShape: Shape, outH: number, outW: number, p: ResizeParams, dtype: DType): DataId {
    const [n, c, h, w] = xShape;
    return this.resize(resize.forEachNearestTap, x, n * c, [h, w], [outH, outW], p, dtype, false);
  }
  resizeBilinearBackward(dy: DataId, dyShape: Shape, inH: number, inW: number, p: ResizeParams, dtype: DType): DataId {
    const [n, c, outH, outW] = dyShape;
    return this.resize(resize.forEachBilinearTap, dy, n * c, [inH, inW], [outH, outW], p, dtype, true);
  }
  resizeNearestBackward(dy: DataId, dyShape: Shape, inH: number, inW: number, p: ResizeParams, dtype: DType): DataId {
    const [n, c, outH, outW] = dyShape;
    return this.resize(resize.forEachNearestTap, dy, n * c, [inH, inW], [outH, outW], p, dtype, true);
  }
  /** A resize from [h, w] to [outH, outW] planes, or with `adjoint` its gradient (from [outH, outW] back to [h, w]). */
  private resize(
    walk: resize.TapWalker,
    x: DataId,
    planes: number,
    [h, w]: readonly [number, number],
    [outH, outW]: readonly [number, number],
    p: ResizeParams,
    dtype: DType,
    adjoint: boolean,
  ): DataId {
    const out = this.out(dtype, planes * (adjoint ? h * w : outH * outW));
    return this.store(resize.applyTaps(walk, this.buf(x), planes, h, w, outH, outW, p, adjoint, out));
  }

  // ----- indexing -----
  gather(x: View, dim: number, index: View): DataId {
    return this.store(gather(this.s(x), dim, this.s(index), this.out(x.dtype, sizeOf(index.shape))));
  }
  scatterAdd(shape: Shape, dtype: DType, dim: number, index: View, src: View): DataId {
    return this.store(scatterAdd(shape, dim, this.s(index), this.s(src), this.out(dtype, sizeOf(shape))));
  }
}
