/**
 * Row-wise normalisations: softmax, logSoftmax and layerNorm. Like reductions, they move the
 * normalised dim(s) last and hand the backend a contiguous `[rows, cols]` buffer.
 */
import { fmt, normalizeDim, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, checkDtype, checkSameDtype, wrap } from './util.js';
import { contiguous, transpose } from './view.js';

function softmaxImpl(op: string, x: Tensor, dim: number, log: boolean): Tensor {
  const b = backendOf(op, x);
  checkDtype(op, x, ['float32', 'float64']);
  if (x.rank === 0) return wrap(b, b.softmax(x.dataId, x.dtype, 1, 1, log), [], x.dtype);
  const d = normalizeDim(op, dim, x.rank);
  const last = x.rank - 1;
  const moved = d === last ? x : transpose(x, d, last);
  const c = contiguous(moved);
  const cols = x.shape[d];
  const y = wrap(b, b.softmax(c.dataId, x.dtype, x.size / Math.max(cols, 1), cols, log), moved.shape, x.dtype);
  c.dispose();
  if (moved === x) return y;
  moved.dispose();
  const back = transpose(y, d, last);
  y.dispose();
  return back;
}

/** exp(x) / sum(exp(x)) along `dim`, with the row max subtracted first so exp cannot overflow. */
export const softmax = (x: Tensor, dim: number) => softmaxImpl('softmax', x, dim, false);
/** log(softmax(x)) along `dim`, computed as x − max − log(sum(exp(x − max))): stable for large logits. */
export const logSoftmax = (x: Tensor, dim: number) => softmaxImpl('logSoftmax', x, dim, true);

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
export function layerNormWithStats(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): LayerNormOutput {
  const b = backendOf('layerNorm', x, ...(weight ? [weight] : []), ...(bias ? [bias] : []));
  checkDtype('layerNorm', x, ['float32', 'float64']);
  checkSameDtype('layerNorm', x, ...(weight ? [weight] : []), ...(bias ? [bias] : []));
  const k = normalizedShape.length;
  if (k === 0 || k > x.rank || fmt(x.shape.slice(x.rank - k)) !== fmt(normalizedShape)) {
    throw new Error(`layerNorm: normalizedShape ${fmt(normalizedShape)} does not match the trailing dims of input ${fmt(x.shape)}`);
  }
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && fmt(t.shape) !== fmt(normalizedShape)) throw new Error(`layerNorm: ${name} ${fmt(t.shape)} should be ${fmt(normalizedShape)}`);
  }
  const cols = sizeOf(normalizedShape);
  const rows = x.size / Math.max(cols, 1);
  const lead = x.shape.slice(0, x.rank - k);
  const [xc, wc, bc] = [contiguous(x), weight ? contiguous(weight) : null, bias ? contiguous(bias) : null];
  const r = b.layerNorm(xc.dataId, x.dtype, rows, cols, wc?.dataId ?? null, bc?.dataId ?? null, eps);
  for (const t of [xc, wc, bc]) t?.dispose();
  return { y: wrap(b, r.y, x.shape, x.dtype), mean: wrap(b, r.mean, lead, x.dtype), rstd: wrap(b, r.rstd, lead, x.dtype) };
}

/** Layer normalisation; see {@link layerNormWithStats}. */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const { y, mean, rstd } = layerNormWithStats(x, normalizedShape, weight, bias, eps);
  mean.dispose();
  rstd.dispose();
  return y;
}
