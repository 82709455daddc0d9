/** Printing: one notation for all elements, as PyTorch chooses it. */
import { describe, expect, it } from 'vitest';
import { setLogger, tensor } from '../src/index.js';

setLogger(() => {});

describe('toString', () => {
  it('whole numbers print as "2.", others with four decimals, extreme magnitudes in scientific notation', () => {
    expect(tensor([1, 2, 3]).toString()).toBe('tensor([1., 2., 3.])');
    expect(tensor([0.09, 0.2447, 0.6652]).toString()).toBe('tensor([0.0900, 0.2447, 0.6652])');
    expect(tensor([1e-6, 2, -3.5e12]).toString()).toBe('tensor([ 1.0000e-06,  2.0000e+00, -3.5000e+12])');
    expect(tensor([1, Number.NaN, Number.NEGATIVE_INFINITY]).toString()).toBe('tensor([  1.,  nan, -inf])');
    expect(tensor(2.5).toString()).toBe('tensor(2.5000)');
  });

  it('large tensors show their first and last three entries per dim', () => {
    const s = tensor(
      Array.from({ length: 2000 }, (_, i) => i),
      [40, 50],
    ).toString();
    expect(s.split('\n')[0]).toBe('tensor([[   0.,    1.,    2., ...,   47.,   48.,   49.],');
    expect(s.split('\n')).toHaveLength(7);
  });
});
