/**
 * The reference backend: plain TypeScript loops over typed arrays, written to be read and trusted,
 * not to be fast. Every other backend is tested against it. It stores float64 too, which the
 * gradient checks use. Each kernel allocates its output and delegates to a small function in the
 * file named after its family (layout, rows, matmul, conv, resize, indexing, optim).
 */
import {
  type AdamWParams,
  type AdamWResult,
  type Backend,
  type BackendMemory,
  type BinaryParams,
  type CastParams,
  COMPARISONS,
  type Conv2dInputGradParams,
  type Conv2dParams,
  type Conv2dWeightGradParams,
  type DataId,
  type DimParams,
  type LayerNormParams,
  type LayerNormResult,
  type PadParams,
  type ReduceParams,
  type ResizeKernelParams,
  type ScatterParams,
  type SoftmaxParams,
  type UnaryParams,
  type View,
} from '../../backend.js';
import { convGeometry } from '../../conv-geometry.js';
import { allocate, type DType, type TypedArray } from '../../dtype.js';
import { sizeOf } from '../../shape.js';
import { forEachIndex } from '../../view-walk.js';
import * as conv from './conv.js';
import { BINARY, UNARY } from './elementwise.js';
import { gather, scatterAdd } from './indexing.js';
import * as layout from './layout.js';
import { matmul } from './matmul.js';
import { adamwStep } from './optim.js';
import * as resize from './resize.js';
import { layerNormBackwardRows, layerNormRows, reduceRows, softmaxBackwardLines, softmaxLines } from './rows.js';
import { get, type Strided } from './strided.js';

/**
 * The largest buffer, in bytes. V8 (Node 20, Chrome) refuses a typed array of more than 2^32 elements;
 * every dtype here is at least 4 bytes wide, so 2^34 bytes (16 GiB) stays within that for all of them.
 * Newer V8 allows longer arrays; this is the limit of the oldest engine the package supports.
 */
const MAX_BUFFER_BYTES = 2 ** 34;

export class ReferenceBackend implements Backend {
  readonly name = 'reference';
  readonly description = 'reference (plain TypeScript, float64-capable)';
  readonly dtypes: readonly DType[] = ['float32', 'int32', 'float64'];
  readonly maxBufferBytes = MAX_BUFFER_BYTES;
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
  cast(x: View, p: CastParams): DataId {
    return this.store(layout.castInto(this.s(x), this.out(p.dtype, sizeOf(x.shape))));
  }
  pad(x: View, p: PadParams): DataId {
    const shape = x.shape.map((d, i) => d + p.pads[i][0] + p.pads[i][1]);
    return this.store(layout.pad(this.s(x), p.pads, p.value, shape, this.out(x.dtype, sizeOf(shape))));
  }
  cat(xs: readonly View[], p: DimParams): DataId {
    const shape = [...xs[0].shape];
    shape[p.dim] = xs.reduce((a, x) => a + x.shape[p.dim], 0);
    return this.store(
      layout.cat(
        xs.map((x) => this.s(x)),
        p.dim,
        shape,
        this.out(xs[0].dtype, sizeOf(shape)),
      ),
    );
  }

  // ----- elementwise -----
  unary(x: View, p: UnaryParams): DataId {
    const f = UNARY[p.op];
    const v = this.s(x);
    const out = this.out(x.dtype, sizeOf(x.shape));
    forEachIndex(x.shape, (i, flat) => {
      out[flat] = f(get(v, i));
    });
    return this.store(out);
  }
  binary(a: View, b: View, p: BinaryParams): DataId {
    const f = BINARY[p.op];
    const [va, vb] = [this.s(a), this.s(b)];
    const dtype = COMPARISONS.has(p.op) ? 'int32' : a.dtype;
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
  reduce(x: View, p: ReduceParams): DataId {
    const dtype = p.op === 'argmax' || p.op === 'argmin' ? 'int32' : x.dtype;
    return this.store(reduceRows(p.op, this.s(x), this.out(dtype, x.shape[0])));
  }
  softmax(x: View, p: SoftmaxParams): DataId {
    return this.store(softmaxLines(this.s(x), p.log, this.out(x.dtype, sizeOf(x.shape))));
  }
  softmaxBackward(y: View, g: View, p: SoftmaxParams): DataId {
    return this.store(softmaxBackwardLines(this.s(y), this.buf(g.dataId), p.log, this.out(y.dtype, sizeOf(y.shape))));
  }
  layerNorm(x: View, weight: View | null, bias: View | null, p: LayerNormParams): LayerNormResult {
    const rows = x.shape[0];
    const [y, mean, rstd] = [this.out(x.dtype, sizeOf(x.shape)), this.out(x.dtype, rows), this.out(x.dtype, rows)];
    layerNormRows(this.s(x), weight && this.buf(weight.dataId), bias && this.buf(bias.dataId), p.eps, y, mean, rstd);
    return { y: this.store(y), mean: this.store(mean), rstd: this.store(rstd) };
  }

  layerNormBackward(x: View, g: View, mean: View, rstd: View, weight: View | null): DataId {
    const dx = this.out(x.dtype, sizeOf(x.shape));
    return this.store(
      layerNormBackwardRows(
        this.s(x),
        this.buf(g.dataId),
        this.buf(mean.dataId),
        this.buf(rstd.dataId),
        weight && this.buf(weight.dataId),
        dx,
      ),
    );
  }

  // ----- optimizers -----
  adamw(param: View, grad: View, m: View, v: View, p: AdamWParams): AdamWResult {
    const n = sizeOf(param.shape);
    const out = { param: this.out(param.dtype, n), m: this.out(param.dtype, n), v: this.out(param.dtype, n) };
    adamwStep(this.buf(param.dataId), this.buf(grad.dataId), this.buf(m.dataId), this.buf(v.dataId), p, out);
    return { param: this.store(out.param), m: this.store(out.m), v: this.store(out.v) };
  }

  // ----- linear algebra -----
  matmul(a: View, b: View): DataId {
    const [batch, m] = a.shape;
    return this.store(matmul(this.s(a), this.s(b), this.out(a.dtype, batch * m * b.shape[2])));
  }
  conv2d(x: View, w: View, bias: View | null, p: Conv2dParams): DataId {
    const { n, co, ho, wo } = convGeometry(x.shape, w.shape, p);
    const out = this.out(x.dtype, n * co * ho * wo);
    return this.store(conv.conv2d(this.s(x), this.s(w), bias && this.s(bias), p, out));
  }
  conv2dBackwardInput(dy: View, w: View, p: Conv2dInputGradParams): DataId {
    return this.store(conv.conv2dBackwardInput(this.s(dy), this.s(w), p, this.out(dy.dtype, sizeOf(p.xShape))));
  }
  conv2dBackwardWeight(x: View, dy: View, p: Conv2dWeightGradParams): DataId {
    return this.store(conv.conv2dBackwardWeight(this.s(x), this.s(dy), p, this.out(x.dtype, sizeOf(p.wShape))));
  }

  // ----- resampling -----
  resizeBilinear(x: View, p: ResizeKernelParams): DataId {
    return this.resize(resize.forEachBilinearTap, x, p, false);
  }
  resizeNearest(x: View, p: ResizeKernelParams): DataId {
    return this.resize(resize.forEachNearestTap, x, p, false);
  }
  resizeBilinearBackward(dy: View, p: ResizeKernelParams): DataId {
    return this.resize(resize.forEachBilinearTap, dy, p, true);
  }
  resizeNearestBackward(dy: View, p: ResizeKernelParams): DataId {
    return this.resize(resize.forEachNearestTap, dy, p, true);
  }
  /**
   * A resize of x `[N,C,h,w]` to `[N,C,p.outH,p.outW]`, or with `adjoint` its gradient: x is then dy, the
   * resized image `[N,C,h,w]`, and the output is the image's gradient `[N,C,p.outH,p.outW]`.
   */
  private resize(walk: resize.TapWalker, x: View, p: ResizeKernelParams, adjoint: boolean): DataId {
    const [n, c, h, w] = x.shape;
    const [data, out] = [this.buf(x.dataId), this.out(x.dtype, n * c * p.outH * p.outW)];
    // applyTaps takes the image's size, then the resized one's
    if (adjoint) return this.store(resize.applyTaps(walk, data, n * c, p.outH, p.outW, h, w, p, true, out));
    return this.store(resize.applyTaps(walk, data, n * c, h, w, p.outH, p.outW, p, false, out));
  }

  // ----- indexing -----
  gather(x: View, index: View, p: DimParams): DataId {
    return this.store(gather(this.s(x), this.s(index), p.dim, this.out(x.dtype, sizeOf(index.shape))));
  }
  scatterAdd(index: View, src: View, p: ScatterParams): DataId {
    return this.store(scatterAdd(this.s(index), this.s(src), p.shape, p.dim, this.out(src.dtype, sizeOf(p.shape))));
  }
}
