/** Stochastic gradient descent with momentum (Polyak 1964; Nesterov's variant as in Sutskever et al. 2013). */
import type { Tensor } from '@setr-ts/tensor';
import type { Parameter } from '../parameter.js';
import { type BaseHyper, Optimizer, type ParamGroupInput, type ParamState } from './optimizer.js';

/** SGD's hyper-parameters (PyTorch `torch.optim.SGD`'s arguments, camel-cased). */
export interface SGDHyper extends BaseHyper {
  /** Momentum factor μ (default 0: plain SGD); SETR uses 0.9. */
  momentum: number;
  /** Dampening of the gradient added to the momentum buffer, `(1 − dampening)·g` (default 0). */
  dampening: number;
  /** Nesterov momentum (default false); needs momentum > 0 and zero dampening, else the constructor throws. */
  nesterov: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

/**
 * PyTorch's `torch.optim.SGD`, update for update. With gradient g, parameter p and weight decay λ:
 *
 *   g ← g + λ·p
 *   b ← g on the first step, else μ·b + (1 − dampening)·g       (when momentum μ > 0)
 *   g ← g + μ·b if nesterov, else b
 *   p ← p − lr·g
 *
 * Weight decay here is L2 regularisation added to the gradient (coupled), unlike AdamW's. State per
 * parameter: `momentum_buffer`. Defaults: momentum 0, dampening 0, weightDecay 0, nesterov false.
 * @example const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 });
 * @example
 * // SETR trains its decoder heads at 10× the backbone's lr:
 * new SGD([{ params: backbone.parameters() }, { params: head.parameters(), lr: 0.1 }], { lr: 0.01, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDHyper> {
  constructor(params: Iterable<Parameter> | readonly ParamGroupInput<SGDHyper>[], opts: Partial<SGDHyper> & { lr: number }) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...opts });
  }

  protected override checkHyper(h: SGDHyper): void {
    super.checkHyper(h);
    if (!(h.momentum >= 0)) throw new Error(`SGD: invalid momentum ${h.momentum}`);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0))
      throw new Error('SGD: nesterov momentum requires a momentum and zero dampening');
  }

  protected update(
    p: Tensor,
    grad: Tensor,
    state: Readonly<ParamState>,
    h: SGDHyper,
  ): {
    /** The parameter after this step. */
    value: Tensor;
    /** The parameter's state after this step. */
    state: ParamState;
  } {
    let g = h.maximize ? grad.neg() : grad;
    if (h.weightDecay !== 0) g = g.add(p.mul(h.weightDecay));
    let buf = state.momentum_buffer as Tensor | undefined;
    if (h.momentum !== 0) {
      buf = buf === undefined ? g.clone() : buf.mul(h.momentum).add(g.mul(1 - h.dampening));
      g = h.nesterov ? g.add(buf.mul(h.momentum)) : buf;
    }
    return { value: p.sub(g.mul(h.lr)), state: buf ? { momentum_buffer: buf } : {} };
  }
}
