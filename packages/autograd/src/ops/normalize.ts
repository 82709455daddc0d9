/**
 * softmax, logSoftmax and layerNorm. Each saves its output or statistics so the backward pass needs
 * no second forward:
 *   softmax:    dx = y ⊙ (g − Σ g⊙y)               (Σ over the softmax dim)
 *   logSoftmax: dx = g − softmax(x) · Σ g = g − e^y · Σ g
 *   layerNorm:  with x̂ = (x − mean)·rstd and ĝ = g ⊙ weight,
 *               dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)),  dweight = Σ g ⊙ x̂,  dbias = Σ g
 *               (means over the normalised dims, sums over the leading ones)
 */
import type { Tensor } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import { dataOf, record, type VariableLike } from '../record.js';
import type { Variable } from '../variable.js';

/** exp(x) / Σ exp(x) along `dim`; gradient y ⊙ (g − Σ g⊙y), one fused kernel where the backend has it. */
export function softmax(x: Variable, dim: number): Variable {
  const out = T.softmax(x.data, dim);
  return record(
    'softmax',
    out,
    [x],
    (save) => {
      const [y] = save(out);
      return (g) => [T.softmaxBackward(y, g, dim)];
    },
    { dim },
  );
}

/** log(softmax(x)) along `dim`; gradient g − softmax(x)·Σ g = g − e^y·Σ g. */
export function logSoftmax(x: Variable, dim: number): Variable {
  const out = T.logSoftmax(x.data, dim);
  return record(
    'logSoftmax',
    out,
    [x],
    (save) => {
      const [y] = save(out);
      return (g) => [T.softmaxBackward(y, g, dim, true)];
    },
    { dim },
  );
}

/** layerNorm's output and the statistics it normalised with (`mean` and `rstd` = 1/√(biased var + eps), tensors over the leading dims). */
export interface LayerNormWithStats {
  /** The normalised, scaled and shifted output, x's shape; gradients flow through it. */
  readonly y: Variable;
  /** Per-row mean over the normalised dims, shape of x's leading dims (a constant: no gradient). */
  readonly mean: Tensor;
  /** Per-row 1/√(biased var + eps), shape of x's leading dims (a constant: no gradient). */
  readonly rstd: Tensor;
}

/**
 * Layer normalisation over the trailing `normalizedShape` dims (PyTorch's `F.layer_norm`), with
 * optional elementwise `weight` and `bias` of that shape.
 */
export const layerNorm = T.op(
  'layerNorm',
  (
    x: Variable,
    normalizedShape: readonly number[],
    weight: VariableLike | null = null,
    bias: VariableLike | null = null,
    eps = 1e-5,
  ): Variable => layerNormWithStats(x, normalizedShape, weight, bias, eps).y, // an op: the statistics are freed on return
);

/** {@link layerNorm}, returning the statistics too (batchNorm's running averages are made of them). */
export const layerNormWithStats = T.op(
  'layerNorm',
  (
    x: Variable,
    normalizedShape: readonly number[],
    weight: VariableLike | null = null,
    bias: VariableLike | null = null,
    eps = 1e-5,
  ): LayerNormWithStats => {
    const w = weight === null ? null : (dataOf(weight) as Tensor);
    const { y, mean, rstd } = T.layerNormWithStats(x.data, normalizedShape, w, bias === null ? null : (dataOf(bias) as Tensor), eps);
    const lead = x.rank - normalizedShape.length;
    const statShape = [...x.shape.slice(0, lead), ...normalizedShape.map(() => 1)];
    const leadDims = Array.from({ length: lead }, (_, i) => i);
    // with no leading dims there is nothing to sum over
    const overLead = (t: Tensor) => (lead === 0 ? t : T.sum(t, leadDims));
    // an absent weight or bias enters as the constant 0, which never asks for a gradient
    const out = record(
      'layerNorm',
      y,
      [x, weight ?? 0, bias ?? 0],
      (save) => {
        const [xs, ms, rs] = save(x.data, mean, rstd);
        const ws = w === null ? null : save(w)[0];
        return (g, [nx, nw, nb]) => {
          // dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = g·weight: one fused kernel where the backend has it
          const dx = nx ? T.layerNormBackward(xs, g, ms, rs, ws) : null;
          if (!nw) return [dx, null, nb ? overLead(g) : null];
          // weight and bias are shared by every leading index: their gradients sum g·x̂ and g over them
          const xhat = T.mul(T.sub(xs, T.reshape(ms, statShape)), T.reshape(rs, statShape));
          return [dx, overLead(T.mul(g, xhat)), nb ? overLead(g) : null];
        };
      },
      { normalizedShape, eps },
    );
    return { y: out, mean, rstd };
  },
);
