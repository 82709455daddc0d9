/** Regularisation layers that act only in training mode. */
import type { Variable } from '@setr-ts/autograd';
import { checkP, dropout, dropPath } from '../functional/dropout.js';
import { Module } from '../module.js';

/**
 * Zeros elements with probability `p` in training and scales the rest by 1/(1 − p); the identity in
 * evaluation (PyTorch's `nn.Dropout`).
 */
export class Dropout extends Module {
  constructor(
    /** Probability of zeroing each element, in [0, 1] (default 0.5); out of range throws. */
    readonly p = 0.5,
  ) {
    super();
    checkP('Dropout', p);
  }
  /** `x` with elements dropped and the rest scaled by 1/(1 − p) in training mode; `x` itself in eval mode. */
  forward(x: Variable): Variable {
    return dropout(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/**
 * Stochastic depth (Huang et al. 2016; timm's `DropPath`): drops a residual branch for whole samples
 * with probability `p` in training; the identity in evaluation. ViT-style encoders raise `p` linearly
 * with depth.
 */
export class DropPath extends Module {
  constructor(
    /** Probability of dropping the branch for each sample, in [0, 1] (default 0: the identity); out of range throws. */
    readonly p = 0,
  ) {
    super();
    checkP('DropPath', p);
  }
  /** `x` `[B, ...]` with whole samples zeroed (the rest scaled by 1/(1 − p)) in training mode; `x` itself in eval mode. */
  forward(x: Variable): Variable {
    return dropPath(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `drop_prob=${this.p}`;
  }
}
