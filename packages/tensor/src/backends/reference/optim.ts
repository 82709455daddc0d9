/** Optimizer steps, one parameter element at a time: the readable truth the fused kernels are held to. */
import type { AdamWParams } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';

/** One AdamW step (see ops/adamw.ts): writes the new parameter and moments. */
export function adamwStep(
  param: ArrayLike<number>,
  grad: ArrayLike<number>,
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  h: AdamWParams,
  out: { param: TypedArray; m: TypedArray; v: TypedArray },
): void {
  const correction1 = 1 - h.beta1 ** h.step;
  const correction2 = Math.sqrt(1 - h.beta2 ** h.step);
  for (let i = 0; i < param.length; i++) {
    const g = h.maximize ? -grad[i] : grad[i];
    out.m[i] = h.beta1 * m[i] + (1 - h.beta1) * g;
    out.v[i] = h.beta2 * v[i] + (1 - h.beta2) * g * g;
    const denom = Math.sqrt(out.v[i]) / correction2 + h.eps;
    out.param[i] = param[i] * (1 - h.lr * h.weightDecay) - (h.lr / correction1) * (out.m[i] / denom);
  }
}
