/**
 * var (unbiased) and logsumexp against PyTorch 1.13: several dims, keepdim, a mean of 100 that a
 * one-pass variance would ruin, a one-element var (NaN), logits of ±1000, and logsumexp rows with
 * -inf entries, all -inf (→ -inf) and +inf (→ +inf).
 *
 * Tolerance: rtol 1e-5, atol 1e-6.
 */
import { it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import { expectHostClose } from '../support/expect-close.js';
import { decode, type FixtureTensor, loadCases } from '../support/fixtures.js';
import { describeBackends } from '../support/harness.js';
import { looser } from '../support/oracle.js';

interface ReduceCase {
  name: string;
  op: 'var' | 'logsumexp';
  dim: number[] | null;
  keepdim: boolean;
  x: FixtureTensor;
  y: FixtureTensor;
}

function apply(c: ReduceCase, x: Tensor): Tensor {
  if (c.op === 'var') return x.var(c.dim ?? undefined, c.keepdim);
  return x.logsumexp(c.dim ?? x.shape.map((_, i) => i), c.keepdim);
}

describeBackends('var and logsumexp vs PyTorch', (h) => {
  it.each(loadCases<ReduceCase>('reduce'))('$name', async (c) => {
    const [y] = await h.run([decode(c.x)], (x) => apply(c, x));
    expectHostClose(y, decode(c.y), looser(h.tol, { rtol: 1e-5, atol: 1e-6 }), c.name);
  });
});
