/**
 * Normalisations: softmax and logSoftmax along any dim, and layerNorm over trailing dims, with the
 * fused gradients of softmax and layerNorm. The backend sees softmax's input as a contiguous
 * `[outer, cols, inner]` buffer, the softmax dim in the middle, so no dim is ever moved (the channel
 * dim of an NCHW image is softmaxed in place); layerNorm's as contiguous `[rows, cols]`.
 */
import { op } from '../engine.js';
import { fmt, normalizeDim, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { exp, mul, sub } from './elementwise.js';
import { mean as meanOf, sum as sumOf } from './reduce.js';
import { backendOf, checkDtype, checkSameDtype, wrap } from './util.js';
import { contiguous, reshape } from './view.js';

/** `[outer, cols, inner]`: the sizes before, of and after dim `d` of `shape` (a 0-d shape is [1, 1, 1]). */
function around(shape: readonly number[], d: number): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  return [sizeOf(shape.slice(0, d)), shape[d], sizeOf(shape.slice(d + 1))];
}

function softmaxImpl(name: string, x: Tensor, dim: number, log: boolean): Tensor {
  const b = backendOf(name, x);
  checkDtype(name, x, ['float32', 'float64']);
  const d = normalizeDim(name, dim, Math.max(x.rank, 1)); // a 0-d input takes dim 0 or -1, as in PyTorch
  const x3 = reshape(contiguous(x), around(x.shape, d)); // [outer, cols, inner]
  return wrap(b, b.softmax(x3, { log }), x.shape, x.dtype);
}

/** exp(x) / sum(exp(x)) along `dim`, with the row max subtracted first so exp cannot overflow. */
export const softmax = op('softmax', (x: Tensor, dim: number) => softmaxImpl('softmax', x, dim, false));
/** log(softmax(x)) along `dim`, computed as x − max − log(sum(exp(x − max))): stable for large logits. */
export const logSoftmax = op('logSoftmax', (x: Tensor, dim: number) => softmaxImpl('logSoftmax', x, dim, true));

/**
 * The gradient of softmax (or, with `log`, of logSoftmax) along `dim`, from its output `y` and the
 * output gradient `g`: dx = y·(g − Σ g·y) for softmax, dx = g − e^y·Σ g for logSoftmax, sums along
 * `dim`. One pass with the backend's fused kernel; composed from elementwise ops and a sum otherwise.
 */
export const softmaxBackward = op('softmaxBackward', (y: Tensor, g: Tensor, dim: number, log = false): Tensor => {
  const name = log ? 'logSoftmaxBackward' : 'softmaxBackward';
  const b = backendOf(name, y, g);
  checkDtype(name, y, ['float32', 'float64']);
  checkSameDtype(name, y, g);
  if (!shapesEqual(y.shape, g.shape)) throw new Error(`${name}: y ${fmt(y.shape)} and g ${fmt(g.shape)} differ`);
  const d = normalizeDim(name, dim, Math.max(y.rank, 1));
  const shape3 = around(y.shape, d);
  if (b.softmaxBackward) {
    const dx = b.softmaxBackward(reshape(contiguous(y), shape3), reshape(contiguous(g), shape3), { log });
    return wrap(b, dx, y.shape, y.dtype);
  }
  const [y3, g3] = [reshape(y, shape3), reshape(g, shape3)]; // [outer, cols, inner]: sums over dim 1
  const dx = log ? sub(g3, mul(exp(y3), sumOf(g3, 1, true))) : mul(y3, sub(g3, sumOf(mul(g3, y3), 1, true)));
  return reshape(dx, y.shape);
});

/** What `layerNormWithStats` returns: the output and the statistics its backward pass reuses. */
export interface LayerNormOutput {
  /** The normalised output, shape of x. */
  y: Tensor;
  /** Per-row mean, shape of x's leading dims (kept for the backward pass). */
  mean: Tensor;
  /** Per-row 1/sqrt(biased var + eps). */
  rstd: Tensor;
}

/**
 * Layer normalisation over the trailing `normalizedShape` dims (PyTorch's `F.layer_norm`):
 * y = (x − mean) / sqrt(var + eps) · weight + bias, with the biased variance. Returns the statistics
 * too, because the backward pass needs them.
 */
export const layerNormWithStats = op(
  'layerNormWithStats',
  (
    x: Tensor,
    normalizedShape: readonly number[],
    weight: Tensor | null = null,
    bias: Tensor | null = null,
    eps = 1e-5,
  ): LayerNormOutput => {
    const b = backendOf('layerNorm', x, ...(weight ? [weight] : []), ...(bias ? [bias] : []));
    checkDtype('layerNorm', x, ['float32', 'float64']);
    checkSameDtype('layerNorm', x, ...(weight ? [weight] : []), ...(bias ? [bias] : []));
    const k = normalizedShape.length;
    if (k === 0 || k > x.rank || !shapesEqual(x.shape.slice(x.rank - k), normalizedShape)) {
      throw new Error(`layerNorm: normalizedShape ${fmt(normalizedShape)} does not match the trailing dims of input ${fmt(x.shape)}`);
    }
    for (const [name, t] of [
      ['weight', weight],
      ['bias', bias],
    ] as const) {
      if (t && !shapesEqual(t.shape, normalizedShape))
        throw new Error(`layerNorm: ${name} ${fmt(t.shape)} should be ${fmt(normalizedShape)}`);
    }
    const cols = sizeOf(normalizedShape);
    const rows = x.size / Math.max(cols, 1);
    const lead = x.shape.slice(0, x.rank - k);
    const xRows = reshape(contiguous(x), [rows, cols]); // [rows, cols]
    const r = b.layerNorm(xRows, weight && contiguous(weight), bias && contiguous(bias), { eps });
    return { y: wrap(b, r.y, x.shape, x.dtype), mean: wrap(b, r.mean, lead, x.dtype), rstd: wrap(b, r.rstd, lead, x.dtype) };
  },
);

/**
 * layerNorm's gradient with respect to its input, given the output gradient `g` (x's shape), the
 * statistics `layerNormWithStats` returned and the weight (or null): with x̂ = (x − mean)·rstd and
 * ĝ = g·weight, dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), means over the normalised dims. A backend with
 * the fused kernel does it in one pass per row; otherwise it is composed here from elementwise ops and
 * means — the same formula, which the tests hold the fused kernels to.
 */
export const layerNormBackward = op(
  'layerNormBackward',
  (x: Tensor, g: Tensor, mean: Tensor, rstd: Tensor, weight: Tensor | null = null): Tensor => {
    const b = backendOf('layerNormBackward', x, g, mean, rstd, ...(weight ? [weight] : []));
    checkDtype('layerNormBackward', x, ['float32', 'float64']);
    checkSameDtype('layerNormBackward', x, g, mean, rstd, ...(weight ? [weight] : []));
    const k = x.rank - mean.rank; // the normalised trailing dims
    const lead = x.shape.slice(0, x.rank - k);
    if (k < 1 || !shapesEqual(g.shape, x.shape) || !shapesEqual(mean.shape, lead) || !shapesEqual(rstd.shape, lead))
      throw new Error(
        `layerNormBackward: g ${fmt(g.shape)} must be x's ${fmt(x.shape)} and mean ${fmt(mean.shape)}, rstd ${fmt(rstd.shape)} its leading dims`,
      );
    const normalized = x.shape.slice(x.rank - k);
    if (weight && !shapesEqual(weight.shape, normalized))
      throw new Error(`layerNormBackward: weight ${fmt(weight.shape)} should be ${fmt(normalized)}`);
    const cols = sizeOf(normalized);
    const rows = x.size / Math.max(cols, 1);
    const asRows = (t: Tensor, n: number) => reshape(contiguous(t), [rows, n]); // [rows, n]
    if (b.layerNormBackward) {
      const dx = b.layerNormBackward(asRows(x, cols), asRows(g, cols), asRows(mean, 1), asRows(rstd, 1), weight && contiguous(weight));
      return wrap(b, dx, x.shape, x.dtype);
    }
    const [xr, gr, r] = [asRows(x, cols), asRows(g, cols), asRows(rstd, 1)];
    const xhat = mul(sub(xr, asRows(mean, 1)), r); // [rows, cols]
    const ghat = weight ? mul(gr, reshape(weight, [1, cols])) : gr;
    const centred = sub(ghat, meanOf(ghat, 1, true));
    return reshape(mul(r, sub(centred, mul(xhat, meanOf(mul(ghat, xhat), 1, true)))), x.shape);
  },
);

/** Layer normalisation; see {@link layerNormWithStats}. */
export const layerNorm = op(
  'layerNorm',
  (x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor => {
    return layerNormWithStats(x, normalizedShape, weight, bias, eps).y; // the statistics go with this op's scope
  },
);
