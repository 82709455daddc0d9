/**
 * One step of AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"; PyTorch's
 * `torch.optim.AdamW`) for one parameter. At step t with gradient g:
 *
 *   p ← p·(1 − lr·λ)                                    (decoupled weight decay)
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *   p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + eps)    (bias-corrected; amsgrad: max of v so far)
 *
 * A backend with the fused `adamw` kernel does the step in one pass over the parameter; otherwise (and
 * for amsgrad) it is composed below from elementwise ops, the formula the fused kernels are tested against.
 */
import type { AdamWParams } from '../backend.js';
import { zerosLike } from '../creation.js';
import { op } from '../engine.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, maximum, mul, neg, sqrt, sub } from './elementwise.js';
import { backendOf, checkDtype, checkSameDtype, wrap } from './util.js';
import { contiguous } from './view.js';

export interface AdamWHyper extends AdamWParams {
  /** Normalise by the largest second moment seen so far (Reddi et al. 2018). */
  readonly amsgrad: boolean;
}

/** A parameter's value and AdamW state after a step (`maxV` with amsgrad only). */
export interface AdamWState {
  /** The updated parameter. */
  readonly param: Tensor;
  /** The new first moment: running mean of gradients. */
  readonly m: Tensor;
  /** The new second moment: running mean of squared gradients. */
  readonly v: Tensor;
  /** With amsgrad, the elementwise largest `v` so far; null without amsgrad. */
  readonly maxV: Tensor | null;
}

/**
 * The parameter and moments after one AdamW step. `m`, `v` (and `maxV` with amsgrad) are the state of
 * the previous step, or null before the first (they start at zero).
 * @example const next = adamwUpdate(p, g, m, v, null, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 1, maximize: false, amsgrad: false });
 */
export const adamwUpdate = op(
  'adamwUpdate',
  (param: Tensor, grad: Tensor, m: Tensor | null, v: Tensor | null, maxV: Tensor | null, h: AdamWHyper): AdamWState => {
    const state = [m ?? zerosLike(param), v ?? zerosLike(param)];
    const b = backendOf('adamwUpdate', param, grad, ...state);
    checkDtype('adamwUpdate', param, ['float32', 'float64']);
    checkSameDtype('adamwUpdate', param, grad, ...state);
    for (const t of [grad, ...state])
      if (!shapesEqual(t.shape, param.shape))
        throw new Error(
          `adamwUpdate: gradient and moments must have the parameter's shape [${param.shape.join(',')}], got [${t.shape.join(',')}]`,
        );
    if (!(Number.isInteger(h.step) && h.step >= 1)) throw new Error(`adamwUpdate: step must be an integer ≥ 1, got ${h.step}`);
    const [m0, v0] = state;
    if (b.adamw && !h.amsgrad) {
      const r = b.adamw(contiguous(param), contiguous(grad), contiguous(m0), contiguous(v0), h);
      const out = (id: typeof r.param) => wrap(b, id, param.shape, param.dtype);
      return { param: out(r.param), m: out(r.m), v: out(r.v), maxV: null };
    }
    const g = h.maximize ? neg(grad) : grad;
    const decayed = h.weightDecay !== 0 ? mul(param, 1 - h.lr * h.weightDecay) : param;
    const m1 = add(mul(m0, h.beta1), mul(g, 1 - h.beta1));
    const v1 = add(mul(v0, h.beta2), mul(mul(g, g), 1 - h.beta2));
    const second = h.amsgrad ? (maxV ? maximum(maxV, v1) : v1) : v1;
    const denom = add(div(sqrt(second), Math.sqrt(1 - h.beta2 ** h.step)), h.eps);
    const next = sub(decayed, mul(div(m1, denom), h.lr / (1 - h.beta1 ** h.step)));
    return { param: next, m: m1, v: v1, maxV: h.amsgrad ? second : null };
  },
);
