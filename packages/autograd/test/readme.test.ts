/** The README's examples, run: the numbers it states must be the numbers the code gives. */
import { memory, randn, tensor } from '@setr-ts/tensor';
import { describe, expect, it } from 'vitest';
import { gradcheck, parameter, tidy, variable } from '../src/index.js';

describe('README examples', () => {
  it('the unbroadcast worked example', () => {
    const x = parameter(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    const b = parameter(tensor([[10], [20]]));
    const c = parameter(tensor([0.5, -1, 2]));
    const y = x.mul(c).add(b);
    expect(y.arraySync()).toEqual([
      [10.5, 8, 16],
      [22, 15, 32],
    ]);
    y.sum().backward();
    expect(b.grad?.arraySync()).toEqual([[3], [3]]);
    expect(x.grad?.arraySync()).toEqual([
      [0.5, -1, 2],
      [0.5, -1, 2],
    ]);
    expect(c.grad?.arraySync()).toEqual([5, 7, 9]);
  });

  it('the usage example: gradients of the right shapes, nothing left behind but the parameters', () => {
    const before = memory().numTensors;
    const w = parameter(randn([3, 2]));
    const b = parameter(tensor([0, 0]));
    const x = variable(randn([4, 3]));
    const loss = tidy(() => x.matmul(w).add(b).relu().square().mean());
    loss.backward();
    loss.dispose();
    expect([w.grad?.shape, b.grad?.shape]).toEqual([[3, 2], [2]]);
    expect(memory().numTensors).toBe(before + 3 + 2); // w, b, x and the two gradients
    for (const v of [w, b, x]) v.dispose();
  });

  it('the gradcheck example', () => {
    const a = randn([2, 3]);
    const m = randn([3, 4]);
    expect(gradcheck((p, q) => p.matmul(q).tanh(), [a, m]).elements).toBe(18);
    a.dispose();
    m.dispose();
  });
});
