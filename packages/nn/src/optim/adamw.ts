/** Adam with decoupled weight decay (Loshchilov & Hutter 2019), the usual optimizer of transformers. */
import { adamwUpdate, type Tensor } from '@setr-ts/tensor';
import type { Parameter } from '../parameter.js';
import { type BaseHyper, Optimizer, type ParamGroupInput, type ParamState } from './optimizer.js';

/** AdamW's hyper-parameters (PyTorch `torch.optim.AdamW`'s arguments, camel-cased). */
export interface AdamWHyper extends BaseHyper {
  /** Decay rates `[β₁, β₂]` of the first- and second-moment running averages, each in [0, 1); default `[0.9, 0.999]`. */
  betas: readonly [number, number];
  /** Added to the denominator `√v̂ + eps` for stability; default 1e-8. */
  eps: number;
  /** Normalise by the largest second moment seen so far (Reddi et al. 2018). */
  amsgrad: boolean;
  /** Ascend instead of descend (the gradient's sign flipped); default false. */
  maximize: boolean;
}

/**
 * PyTorch's `torch.optim.AdamW`, update for update. At step t with gradient g:
 *
 *   p ← p · (1 − lr·λ)                                  (decoupled weight decay)
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *   p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + eps)  (bias-corrected; amsgrad uses max(v) so far)
 *
 * Defaults are PyTorch's: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 0.01. State per
 * parameter: `step`, `exp_avg`, `exp_avg_sq` (and `max_exp_avg_sq` with amsgrad).
 * @example const opt = new AdamW(model.parameters(), { lr: 6e-5, weightDecay: 0.01 });
 */
export class AdamW extends Optimizer<AdamWHyper> {
  constructor(params: Iterable<Parameter> | readonly ParamGroupInput<AdamWHyper>[], opts: Partial<AdamWHyper> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false, maximize: false, ...opts });
  }

  protected override checkHyper(h: AdamWHyper): void {
    super.checkHyper(h);
    const [b1, b2] = h.betas;
    if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) throw new Error(`AdamW: betas must lie in [0, 1), got (${b1}, ${b2})`);
    if (!(h.eps >= 0)) throw new Error(`AdamW: invalid eps ${h.eps}`);
  }

  protected update(
    p: Tensor,
    grad: Tensor,
    state: Readonly<ParamState>,
    h: AdamWHyper,
  ): {
    /** The parameter after this step. */
    value: Tensor;
    /** The parameter's state after this step. */
    state: ParamState;
  } {
    const step = ((state.step as number | undefined) ?? 0) + 1;
    const moment = (k: string) => (state[k] as Tensor | undefined) ?? null;
    // one fused kernel per parameter where the backend has it; the formula is in the tensor package's ops/adamw.ts
    const next = adamwUpdate(p, grad, moment('exp_avg'), moment('exp_avg_sq'), moment('max_exp_avg_sq'), {
      lr: h.lr,
      beta1: h.betas[0],
      beta2: h.betas[1],
      eps: h.eps,
      weightDecay: h.weightDecay,
      step,
      maximize: h.maximize,
      amsgrad: h.amsgrad,
    });
    const nextState: ParamState = { step, exp_avg: next.m, exp_avg_sq: next.v };
    if (next.maxV) nextState.max_exp_avg_sq = next.maxV;
    return { value: next.param, state: nextState };
  }
}
