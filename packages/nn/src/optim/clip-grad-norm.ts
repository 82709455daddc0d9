/** Gradient clipping by global norm (Pascanu et al. 2013), which keeps one bad batch from wrecking a run. */
import { div, full, keep, stack, type Tensor, tidy } from '@setr-ts/tensor';
import type { Parameter } from '../parameter.js';

/** ‖t‖_p over all elements (p = Infinity: the largest magnitude). */
function norm(t: Tensor, p: number): Tensor {
  if (p === Number.POSITIVE_INFINITY) return t.abs().max();
  if (p === 2) return t.square().sum().sqrt();
  return t
    .abs()
    .pow(p)
    .sum()
    .pow(1 / p);
}

/**
 * Scales all gradients together so that their global p-norm (the norm of all of them concatenated)
 * is at most `maxNorm`, and returns that norm before clipping, as a 0-d tensor (PyTorch's
 * `clip_grad_norm_`, including its 1e-6 guard: the scale is min(1, maxNorm / (norm + 1e-6))).
 * Nothing is read back to the host, so this costs no synchronisation on a GPU backend.
 * @example loss.backward(); const norm = clipGradNorm(model.parameters(), 1.0); opt.step();
 */
export function clipGradNorm(params: Iterable<Parameter>, maxNorm: number, normType: number | 'inf' = 2): Tensor {
  const p = normType === 'inf' ? Number.POSITIVE_INFINITY : normType;
  if (!(p > 0)) throw new Error(`clipGradNorm: normType must be positive or 'inf', got ${normType}`);
  if (!(maxNorm >= 0)) throw new Error(`clipGradNorm: maxNorm must be non-negative, got ${maxNorm}`);
  const withGrad = [...params].filter((x): x is Parameter & { grad: Tensor } => x.grad !== null);
  if (withGrad.length === 0) return full([], 0);
  const dtype = withGrad[0].grad.dtype;
  const total = tidy(() => norm(stack(withGrad.map((x) => norm(x.grad, p).to(dtype))), p));
  const scaled = tidy(() => {
    const coef = div(maxNorm, total.add(1e-6)).clamp(undefined, 1);
    return withGrad.map((x) => x.grad.mul(coef));
  });
  withGrad.forEach((x, i) => {
    x.grad.dispose();
    x.grad = keep(scaled[i]);
  });
  return total;
}
