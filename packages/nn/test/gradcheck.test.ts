/**
 * The functional ops nn composes itself (not single autograd ops), checked against central finite
 * differences in float64 with autograd's gradcheck — independent of the PyTorch fixtures.
 */
import { gradcheck } from '@setr-ts/autograd';
import { manualSeed, randn, tensor } from '@setr-ts/tensor';
import { beforeEach, describe, expect, it } from 'vitest';
import { F } from '../src/index.js';

const r = (...shape: number[]) => randn(shape, { dtype: 'float64' });

describe('gradients of composed functional ops match finite differences', () => {
  beforeEach(() => manualSeed(11));

  it('linear', () => {
    expect(gradcheck((x, w, b) => F.linear(x, w, b), [r(2, 3, 4), r(5, 4), r(5)]).elements).toBe(24 + 20 + 5);
  });

  it('batchNorm in training (batch statistics) and with running statistics', () => {
    const rm = r(3);
    const rv = randn([3], { dtype: 'float64' }).abs().add(0.5);
    gradcheck((x, w, b) => F.batchNorm(x, rm, rv, { weight: w, bias: b, training: true }).y, [r(4, 3, 2, 2), r(3), r(3)]);
    gradcheck((x, w, b) => F.batchNorm(x, rm, rv, { weight: w, bias: b, training: false }).y, [r(4, 3, 2, 2), r(3), r(3)]);
  });

  it('crossEntropy with weights, an ignored pixel and label smoothing', () => {
    const target = tensor(new Int32Array([0, 2, 255, 1, 1, 0]), [1, 2, 3]);
    const weight = tensor([0.5, 2, 1], undefined, 'float64');
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((logits) => F.crossEntropy(logits, target, { ignoreIndex: 255, weight, labelSmoothing: 0.1, reduction }), [r(1, 3, 2, 3)]);
    }
  });

  it('scaledDotProductAttention', () => {
    gradcheck((q, k, v) => F.scaledDotProductAttention(q, k, v), [r(2, 2, 3, 4), r(2, 2, 5, 4), r(2, 2, 5, 3)]);
  });
});
