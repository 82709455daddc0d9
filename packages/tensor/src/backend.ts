/**
 * The backend interface: the whole contract between tensors and the machines that compute them.
 *
 * A backend owns buffers (named by opaque {@link DataId} tokens) and runs kernels over them. The
 * frontend (`Tensor` and the op functions) does everything that needs no arithmetic: shapes,
 * broadcasting, views, dtype rules, argument checks and error messages. So a kernel receives checked
 * arguments and returns a new, contiguous, row-major buffer; it never sees a malformed call.
 *
 * Inputs arrive as {@link View}s: a buffer seen through a shape, strides and an offset, so transposes,
 * slices and broadcasts (stride 0) reach a kernel without a copy. Where a kernel says "contiguous", the
 * frontend has already made its input contiguous (`offset` 0, row-major strides).
 *
 * A backend may compute asynchronously (gpu.js in WebGPU mode): it returns a DataId at once and
 * resolves the buffer later. `read` always works; `readSync` throws on such backends with a message
 * that says to await `data()`.
 */
import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/** An opaque token naming one buffer of one backend. */
export type DataId = object;

/** A buffer seen as an n-d tensor (see shape.ts for the indexing rule). */
export interface View {
  /** The buffer the view reads from. */
  readonly dataId: DataId;
  /** The element type the buffer is stored as. */
  readonly dtype: DType;
  /** The view's logical shape, e.g. `[N, C, H, W]`. */
  readonly shape: Shape;
  /** Elements to step in the buffer per index step of each dim; 0 repeats (a broadcast dim). */
  readonly strides: readonly number[];
  /** Index of element `[0, …, 0]` in the buffer, in elements (not bytes). */
  readonly offset: number;
}

/** The elementwise one-input kernels of {@link Backend.unary}; each keeps its input's shape and dtype. */
export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'tanh' | 'sigmoid' | 'erf' | 'relu' | 'gelu' | 'floor';

/**
 * Arithmetic binary ops keep the operands' dtype; comparisons return int32 0/1. `geluGrad(x, y)` is
 * GELU's derivative Φ(x) + x·φ(x) at x given its output y = x·Φ(x): Φ is read back as y/x instead of
 * recomputed (the erf is most of GELU's cost), in one pass over the widest tensor of a transformer's
 * backward pass.
 */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'geluGrad';

export const COMPARISONS: ReadonlySet<BinaryOp> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** Reductions over the last axis of a contiguous `[rows, cols]` view. argmax/argmin give int32 (first index on ties). */
export type ReduceOp = 'sum' | 'max' | 'min' | 'argmax' | 'argmin';

/** conv2d hyper-parameters, already normalised to pairs (height, width). */
export interface Conv2dParams {
  /** Step of the kernel window, `[sh, sw]` (≥ 1). */
  readonly stride: readonly [number, number];
  /** Zero padding added on both sides of each spatial dim, `[ph, pw]`. */
  readonly padding: readonly [number, number];
  /** Spacing between kernel taps, `[dh, dw]` (1 = a dense kernel). */
  readonly dilation: readonly [number, number];
  /** Channel groups: input and output channels split into `groups` independent convolutions (C = groups is depthwise). */
  readonly groups: number;
}

/**
 * How output pixels map to input coordinates in `interpolate`, already resolved by the frontend
 * (PyTorch semantics): with `alignCorners` the source of output `o` is `o * scale`; otherwise it is
 * `(o + 0.5) * scale - 0.5` for bilinear (clamped at 0) and `floor(o * scale)` for nearest. `scaleH` and
 * `scaleW` are input/output size ratios, or `1/scaleFactor` when the caller gave a scale factor.
 */
export interface ResizeParams {
  /** Map corner pixel centres onto corner pixel centres (PyTorch `align_corners=True`). */
  readonly alignCorners: boolean;
  /** Input/output height ratio (or `1/scaleFactor`) that maps an output row to a source row. */
  readonly scaleH: number;
  /** Input/output width ratio (or `1/scaleFactor`) that maps an output column to a source column. */
  readonly scaleW: number;
}

/** What {@link Backend.layerNorm} returns: the output and the per-row statistics the backward pass reuses. */
export interface LayerNormResult {
  /** Normalised, scaled and shifted rows, same shape as the input. */
  readonly y: DataId;
  /** Per-row mean, `rows` elements (kept for the backward pass). */
  readonly mean: DataId;
  /** Per-row 1/sqrt(var + eps), biased variance, `rows` elements. */
  readonly rstd: DataId;
}

/** A backend's own memory use, as {@link Backend.memory} reports it (the engine's {@link MemoryInfo} collects these). */
export interface BackendMemory {
  /** Buffers alive on this backend. */
  readonly numBuffers: number;
  /** Bytes those buffers hold. */
  readonly numBytes: number;
}

/**
 * The one calling convention of every kernel: its input {@link View}s first (null for an absent
 * optional input such as a bias), then, when it has any, one params object. Shapes and dtypes are read
 * from the views, never passed beside them; the output is a new contiguous buffer whose shape the
 * frontend knows.
 */
export interface Backend {
  /** `reference`, `gpujs` or `wasm`. */
  readonly name: string;
  /** A human description of what runs underneath, e.g. `gpujs (webgpu)`; printed when chosen. */
  readonly description: string;
  /** Dtypes this backend can store. */
  readonly dtypes: readonly DType[];
  /** The largest buffer this backend can hold, in bytes: tensor creation refuses a larger one before allocating. */
  readonly maxBufferBytes: number;

  // ----- memory -----
  /** A new buffer holding a copy of `values`, stored as `dtype`. */
  write(values: TypedArray, dtype: DType): DataId;
  /** The buffer's contents, row-major, as `dtype`'s typed array (a copy the caller may keep). */
  read(dataId: DataId, dtype: DType): Promise<TypedArray>;
  /** As `read`, synchronously; throws on backends that can only read asynchronously. */
  readSync(dataId: DataId, dtype: DType): TypedArray;
  /** Frees the buffer; the frontend guarantees no live tensor still views it. */
  disposeData(dataId: DataId): void;
  /** How many buffers this backend holds and their bytes (a leak shows as a count that keeps growing). */
  memory(): BackendMemory;
  /** Releases everything the backend holds (workers, devices). */
  dispose?(): void | Promise<void>;

  // ----- layout -----
  /** A contiguous copy of a view (also how broadcasts are materialised). */
  contiguous(x: View): DataId;
  /** A contiguous copy converted to `dtype` (float→int truncates toward zero, as PyTorch). */
  cast(x: View, p: CastParams): DataId;
  /** Constant padding of every dim of x. */
  pad(x: View, p: PadParams): DataId;
  /** Concatenation along `dim`; all inputs share dtype and every other dim. */
  cat(xs: readonly View[], p: DimParams): DataId;

  // ----- elementwise -----
  /** Float ops on float dtypes; neg/abs/sign/relu also on int32. */
  unary(x: View, p: UnaryParams): DataId;
  /** `a` and `b` are already broadcast to the same shape (stride 0 where repeated) and share a dtype. */
  binary(a: View, b: View, p: BinaryParams): DataId;
  /** `cond` int32 (non-zero = take `a`), all three broadcast to one shape; `a`, `b` share a dtype. */
  where(cond: View, a: View, b: View): DataId;

  // ----- reductions and rows (x contiguous `[rows, cols]`) -----
  /** Reduce each row of x (cols ≥ 1). */
  reduce(x: View, p: ReduceParams): DataId;
  /**
   * Softmax (or log-softmax) of a float x, contiguous `[outer, cols, inner]`, along the middle dim,
   * max-subtracted (inner = 1: along rows; inner > 1: e.g. over the channels of NCHW images).
   */
  softmax(x: View, p: SoftmaxParams): DataId;
  /**
   * Fused, optional: softmax's gradient along the middle dim of contiguous `[outer, cols, inner]` y
   * (softmax's output) and g: dx = y·(g − Σ g·y); with `log`, y is logSoftmax's output and
   * dx = g − e^y·Σ g. Composed by `softmaxBackward` in ops/normalize.ts without it.
   */
  softmaxBackward?(y: View, g: View, p: SoftmaxParams): DataId;
  /** LayerNorm of each row of x; weight and bias (contiguous) have `cols` elements. */
  layerNorm(x: View, weight: View | null, bias: View | null, p: LayerNormParams): LayerNormResult;
  /**
   * Fused, optional: layerNorm's input gradient, one pass per row. With x̂ = (x − mean)·rstd and
   * ĝ = g·weight: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)). x and g contiguous `[rows, cols]`, mean and
   * rstd `[rows]`, weight `[cols]` or null. Without it the frontend composes the same from the kernels
   * above (`layerNormBackward` in ops/normalize.ts).
   */
  layerNormBackward?(x: View, g: View, mean: View, rstd: View, weight: View | null): DataId;

  // ----- optimizers -----
  /**
   * Fused, optional: one AdamW step of one parameter, elementwise over contiguous, equal-shaped param,
   * grad and moments (see `adamwUpdate` in ops/adamw.ts for the formula, composed there for backends
   * without this kernel). Returns the new parameter and moments.
   */
  adamw?(param: View, grad: View, m: View, v: View, p: AdamWParams): AdamWResult;

  // ----- linear algebra -----
  /** `[B,M,K] @ [B,K,N] -> [B,M,N]`; any strides (batch stride 0 = broadcast, swapped = transposed). */
  matmul(a: View, b: View): DataId;
  /** x `[N,C,H,W]`, w `[Co,C/groups,kh,kw]`, optional bias `[Co]`, all contiguous; output `[N,Co,Ho,Wo]`. */
  conv2d(x: View, w: View, bias: View | null, p: Conv2dParams): DataId;
  /** Gradient w.r.t. the input of conv2d: dy `[N,Co,Ho,Wo]` and w contiguous; output `p.xShape`. */
  conv2dBackwardInput(dy: View, w: View, p: Conv2dInputGradParams): DataId;
  /** Gradient w.r.t. the weight of conv2d: x and dy contiguous; output `p.wShape`. */
  conv2dBackwardWeight(x: View, dy: View, p: Conv2dWeightGradParams): DataId;

  // ----- resampling (x contiguous [N,C,H,W]); the output is `[N,C,p.outH,p.outW]` -----
  /** Bilinear resampling of each `[H, W]` plane of x, PyTorch `interpolate(mode='bilinear')` semantics. */
  resizeBilinear(x: View, p: ResizeKernelParams): DataId;
  /** The adjoint of resizeBilinear: spreads dy back onto `[N,C,p.outH,p.outW]`, the forward's input size. */
  resizeBilinearBackward(dy: View, p: ResizeKernelParams): DataId;
  /** Nearest-neighbour resampling of each `[H, W]` plane of x: each output pixel copies the input pixel at `floor(o * scale)`. */
  resizeNearest(x: View, p: ResizeKernelParams): DataId;
  /** The adjoint of resizeNearest: sums dy onto the input pixels each output copied. */
  resizeNearestBackward(dy: View, p: ResizeKernelParams): DataId;

  // ----- indexing -----
  /** PyTorch `gather`: out[..i_dim..] = x[..index[..]..]; index int32 with the output's shape (indices checked). */
  gather(x: View, index: View, p: DimParams): DataId;
  /** The adjoint of gather: zeros of `p.shape`, then out[..index[..]..] += src[..]; index and src share a shape. */
  scatterAdd(index: View, src: View, p: ScatterParams): DataId;
}

/** Params of {@link Backend.cast}. */
export interface CastParams {
  /** The dtype to convert to. */
  readonly dtype: DType;
}
/** `pads[d] = [before, after]` for every dim of x (non-negative). */
export interface PadParams {
  /** `[before, after]` element counts for each dim, outermost first; one pair per dim of x. */
  readonly pads: readonly (readonly [number, number])[];
  /** The constant the padded elements hold. */
  readonly value: number;
}
/** The dim an op works along, already normalised (non-negative). */
export interface DimParams {
  /** The dim, in `[0, rank)`. */
  readonly dim: number;
}
/** Params of {@link Backend.unary}. */
export interface UnaryParams {
  /** Which function to apply to each element. */
  readonly op: UnaryOp;
}
/** Params of {@link Backend.binary}. */
export interface BinaryParams {
  /** Which function to apply to each pair of elements. */
  readonly op: BinaryOp;
}
/** Params of {@link Backend.reduce}. */
export interface ReduceParams {
  /** Which reduction to run along each row. */
  readonly op: ReduceOp;
}
/** Params of {@link Backend.softmax} and {@link Backend.softmaxBackward}. */
export interface SoftmaxParams {
  /** Log-softmax instead of softmax. */
  readonly log: boolean;
}
/** Params of {@link Backend.layerNorm}. */
export interface LayerNormParams {
  /** Added to the variance before the square root, for stability (PyTorch's default is 1e-5). */
  readonly eps: number;
}
export interface Conv2dInputGradParams extends Conv2dParams {
  /** The forward input's shape `[N,C,H,W]`. */
  readonly xShape: Shape;
}
export interface Conv2dWeightGradParams extends Conv2dParams {
  /** The weight's shape `[Co,C/groups,kh,kw]`. */
  readonly wShape: Shape;
}
/**
 * A resize kernel's params: the coordinate map, and the spatial size of the kernel's output (for the
 * backward kernels: the forward input's size).
 */
export interface ResizeKernelParams extends ResizeParams {
  /** Height of the kernel's output (for the backward kernels: of the forward's input). */
  readonly outH: number;
  /** Width of the kernel's output (for the backward kernels: of the forward's input). */
  readonly outW: number;
}
/** One AdamW step's hyper-parameters; `step` is t ≥ 1, the count including this step (for the bias corrections). */
export interface AdamWParams {
  /** Learning rate: the step size. */
  readonly lr: number;
  /** Decay rate of the first-moment (mean of gradients) running average, typically 0.9. */
  readonly beta1: number;
  /** Decay rate of the second-moment (mean of squared gradients) running average, typically 0.999. */
  readonly beta2: number;
  /** Added to the denominator `sqrt(v̂) + eps` for stability, typically 1e-8. */
  readonly eps: number;
  /** Decoupled weight decay: the parameter shrinks by `lr * weightDecay * param` each step (AdamW, not L2 in the gradient). */
  readonly weightDecay: number;
  /** The step count t ≥ 1 including this step, for the bias corrections `1 − beta^t`. */
  readonly step: number;
  /** Ascend instead of descend (the gradient's sign flipped). */
  readonly maximize: boolean;
}
/** What {@link Backend.adamw} returns: three new buffers, each with the parameter's shape. */
export interface AdamWResult {
  /** The updated parameter. */
  readonly param: DataId;
  /** The updated first moment (running mean of gradients). */
  readonly m: DataId;
  /** The updated second moment (running mean of squared gradients). */
  readonly v: DataId;
}
export interface ScatterParams extends DimParams {
  /** The output's shape; its dtype is src's. */
  readonly shape: Shape;
}

/** Fused kernels a backend may add for speed; the frontend composes their result from the required kernels where one is missing. */
export const FUSED_KERNELS = ['softmaxBackward', 'layerNormBackward', 'adamw'] as const satisfies readonly (keyof Backend)[];

/** Every kernel a backend provides; the engine checks a new backend against this list. */
export const KERNELS = [
  'contiguous',
  'cast',
  'pad',
  'cat',
  'unary',
  'binary',
  'where',
  'reduce',
  'softmax',
  'layerNorm',
  'matmul',
  'conv2d',
  'conv2dBackwardInput',
  'conv2dBackwardWeight',
  'resizeBilinear',
  'resizeBilinearBackward',
  'resizeNearest',
  'resizeNearestBackward',
  'gather',
  'scatterAdd',
] as const satisfies readonly (keyof Backend)[];

/** Options a backend factory takes, e.g. `{ mode: 'webgpu' }` for gpujs or `{ threads: 2 }` for wasm. */
export type BackendOptions = Record<string, unknown>;

/** Creates a backend; async because GPU devices and wasm modules initialise asynchronously. */
export type BackendFactory = (options: BackendOptions) => Backend | Promise<Backend>;
