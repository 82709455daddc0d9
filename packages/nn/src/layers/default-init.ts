/**
 * PyTorch's default initialisation of Linear and Conv2d (`reset_parameters`): the weight from
 * kaiming_uniform with a = √5, which works out to U(−1/√fanIn, 1/√fanIn), and the bias from the same
 * range. Matching it matters when comparing training runs with PyTorch's.
 */
import type { CreateOptions, Shape, Tensor } from '@setr-ts/tensor';
import { kaimingUniform, uniform } from '../init.js';

export function defaultWeight(shape: Shape, create: CreateOptions): Tensor {
  return kaimingUniform(shape, { a: Math.sqrt(5) }, { dtype: create.dtype, backend: create.backend });
}

/** U(−1/√fanIn, 1/√fanIn) for a bias of `n` elements. */
export function defaultBias(n: number, fanIn: number, create: CreateOptions): Tensor {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return uniform([n], -bound, bound, { dtype: create.dtype, backend: create.backend });
}
