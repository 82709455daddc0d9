/** Dropout and DropPath: identity in evaluation, the right masks and scaling in training, seeded. */
import { variable } from '@setr-ts/autograd';
import { manualSeed, ones, type Tensor } from '@setr-ts/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout, DropPath, F } from '../src/index.js';

describe('dropout', () => {
  it('is the identity in evaluation and at p = 0', () => {
    const x = variable(ones([4, 4]));
    expect(new Dropout(0.5).eval().forward(x)).toBe(x);
    expect(F.dropout(x, 0, true)).toBe(x);
  });

  it('zeros a fraction p and scales the rest by 1/(1 − p); the gradient is the mask', () => {
    manualSeed(0);
    const n = 40000;
    const p = 0.3;
    const x = variable(ones([n]), { requiresGrad: true });
    const y = F.dropout(x, p, true);
    const v = Array.from(y.data.dataSync());
    const zeros = v.filter((e) => e === 0).length;
    // binomial: 5 standard deviations of the count
    expect(Math.abs(zeros - p * n)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    expect(v.every((e) => e === 0 || Math.abs(e - 1 / (1 - p)) < 1e-6)).toBe(true);
    y.sum().backward();
    expect(Array.from((x.grad as Tensor).dataSync())).toEqual(v);
  });

  it('drops everything at p = 1 and repeats under manualSeed', () => {
    expect(Array.from(F.dropout(variable(ones([5])), 1).data.dataSync())).toEqual([0, 0, 0, 0, 0]);
    manualSeed(5);
    const a = F.dropout(variable(ones([64])), 0.5).data.dataSync();
    manualSeed(5);
    expect(F.dropout(variable(ones([64])), 0.5).data.dataSync()).toEqual(a);
    expect(() => new Dropout(1.5)).toThrow(/Dropout: drop probability must lie in \[0, 1\], got 1.5/);
  });
});

describe('dropPath', () => {
  it('keeps or drops whole samples, scaling kept ones by 1/(1 − p)', () => {
    manualSeed(1);
    const n = 2000;
    const p = 0.25;
    const y = new DropPath(p).forward(variable(ones([n, 3, 2])));
    const v = y.data.dataSync();
    let dropped = 0;
    for (let s = 0; s < n; s++) {
      const sample = Array.from(v.subarray(s * 6, s * 6 + 6));
      expect(new Set(sample).size).toBe(1);
      if (sample[0] === 0) dropped++;
      else expect(sample[0]).toBeCloseTo(1 / (1 - p), 6);
    }
    expect(Math.abs(dropped - p * n)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
  });

  it('is the identity in evaluation', () => {
    const x = variable(ones([2, 3]));
    expect(new DropPath(0.5).eval().forward(x)).toBe(x);
  });
});
