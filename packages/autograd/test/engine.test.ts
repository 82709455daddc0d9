import { memory, setBackend, tensor } from '@setr-ts/tensor';
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { gradcheck, noGrad, parameter, record, variable } from '../src/index.js';
import { normal64 } from './support/check.js';

const values = (t: { dataSync(): ArrayLike<number> } | null | undefined) => Array.from(t?.dataSync() ?? []);

describe('the backward pass', () => {
  it('adds the contributions of a node used twice (a diamond)', () => {
    // y = a·b + a²  with b = 3a: dy/da = 3a + 3a + 2a = 8a
    const a = parameter(tensor([1, -2]));
    const b = a.mul(3);
    const y = b.mul(a).add(a.square()).sum();
    y.backward();
    expect(values(a.grad)).toEqual([8, -16]);
  });

  it('accumulates .grad across backward calls until zeroGrad, as PyTorch', () => {
    const w = parameter(tensor([1, 2]));
    w.mul(w).sum().backward();
    w.mul(3).sum().backward();
    expect(values(w.grad)).toEqual([2 + 3, 4 + 3]);
    w.zeroGrad();
    expect(w.grad).toBe(null);
    w.sum().backward();
    expect(values(w.grad)).toEqual([1, 1]);
  });

  it('releases the graph after backward: a second backward fails, naming the op and retainGraph', () => {
    const x = parameter(tensor([1, 2]));
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/graph through 'sum' was already released.*retainGraph: true/);
  });

  it('with retainGraph a second backward works and accumulates', () => {
    const x = parameter(tensor([0, 1], undefined, 'float64'));
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(values(x.grad)).toEqual([2, 2 * Math.E]);
    expect(() => y.backward()).toThrow(/already released/);
  });

  it('takes the output gradient for non-scalar outputs and refuses to guess it', () => {
    const x = parameter(tensor([1, 2, 3]));
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(/implicitly only for a one-element output.*\[3\]/);
    expect(() => y.backward(tensor([1, 2]))).toThrow(/grad of shape \[2\] does not match the output's shape \[3\]/);
    y.backward(tensor([1, 0, -1]));
    expect(values(x.grad)).toEqual([2, 0, -2]);
  });

  it('refuses backward from a variable that needs no gradient', () => {
    const c = variable(tensor([1]));
    expect(() => c.exp().backward()).toThrow(/does not require a gradient/);
  });

  it('only leaves get .grad, unless retainGrad()', () => {
    const x = parameter(tensor([1, 2]));
    const h = x.mul(2).retainGrad();
    const k = h.mul(3);
    k.sum().backward();
    expect(values(h.grad)).toEqual([3, 3]);
    expect(k.grad).toBe(null);
    expect(values(x.grad)).toEqual([6, 6]);
    expect(x.isLeaf && !h.isLeaf).toBe(true);
  });

  it('runs a chain of 100,000 ops without overflowing the stack', () => {
    const x = parameter(tensor([1], undefined, 'float64'));
    const before = memory().numTensors;
    let y = x;
    const chain: ag.Variable[] = [];
    for (let i = 0; i < 100_000; i++) {
      y = y.add(1e-5);
      chain.push(y);
    }
    y.backward();
    expect(values(x.grad)).toEqual([1]);
    expect(y.item()).toBeCloseTo(2, 9);
    for (const v of chain) v.dispose();
    x.zeroGrad();
    expect(memory().numTensors).toBe(before);
  });

  it('gives each input of a mixed-dtype op a gradient of its own dtype', () => {
    const a = parameter(tensor([1, 2], undefined, 'float32'));
    const b = parameter(tensor([3, 4], undefined, 'float64'));
    const y = a.mul(b);
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    expect(a.grad?.dtype).toBe('float32');
    expect(b.grad?.dtype).toBe('float64');
    expect(values(a.grad)).toEqual([3, 4]);
  });
});

describe('noGrad and detach', () => {
  it('noGrad records nothing, nests, and restores the mode after an error', () => {
    const w = parameter(tensor([1, 2]));
    const y = noGrad(() => {
      expect(ag.isGradEnabled()).toBe(false);
      return noGrad(() => w.mul(2)).add(1);
    });
    expect(ag.isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBe(null);
    expect(() =>
      noGrad(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(ag.isGradEnabled()).toBe(true);
    expect(w.mul(2).requiresGrad).toBe(true);
  });

  it('detach cuts the graph: no gradient flows through the detached branch', () => {
    const x = parameter(tensor([2, 3]));
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(values(d)).toEqual([2, 3]);
    x.mul(d).sum().backward(); // d/dx (x · const) = const
    expect(values(x.grad)).toEqual([2, 3]);
    d.dispose();
    expect(x.data.isDisposed).toBe(false); // the detached view is disposed on its own
  });
});

describe('errors', () => {
  it("a saved tensor disposed before backward (the tensor package's tidy) gives an error that says so", async () => {
    const { tidy } = await import('@setr-ts/tensor');
    const x = parameter(tensor([1, 2]));
    let y: ag.Variable | undefined;
    tidy(() => {
      y = x.exp().sum();
    });
    expect(() => y?.backward()).toThrow(/saved for the backward pass was disposed/);
  });

  it('a backward returning the wrong shape is reported as a bug of that op', () => {
    const x = parameter(tensor([1, 2]));
    const y = record('broken', x.data.clone(), [x], () => (g) => [g.sum()]);
    expect(() => y.sum().backward()).toThrow(/'broken' returned a gradient of shape \[\] for its input 0 of shape \[2\]/);
  });
});

describe('gradcheck', () => {
  it('names the input, the index and both values when a gradient is wrong', () => {
    // a custom op whose backward forgets a factor 2 on the second input
    const wrong = (a: ag.Variable, b: ag.Variable) =>
      record('wrong', a.data.mul(b.data.mul(2)), [a, b], (save) => {
        const [as, bs] = save(a.data, b.data);
        return (g) => [g.mul(bs).mul(2), g.mul(as)];
      });
    expect(() => gradcheck(wrong, [normal64([2, 2], 1), normal64([2, 2], 2)])).toThrow(
      /gradcheck: input 1 \(shape \[2,2\]\), index \[0,0\]: analytic -?[\d.e-]+ vs numeric -?[\d.e-]+/,
    );
    expect(gradcheck((a, b) => ag.mul(a, b.mul(2)), [normal64([2, 2], 1), normal64([2, 2], 2)]).maxAbsDiff).toBeLessThan(1e-8);
  });

  it('refuses int32 inputs, and checks float32 inputs from any backend in float64 on the reference backend', async () => {
    expect(() => gradcheck((a) => a, [tensor([1], [1], 'int32')])).toThrow(/input 0 \(shape \[1\]\) is int32; gradients need float inputs/);
    // the caller's current backend may lack float64 (wasm, when built): gradcheck still runs on the reference
    await setBackend('wasm').catch(() => null);
    const x = tensor([0.5, -1.5, 2]);
    let seen = '';
    const result = gradcheck(
      (a) => {
        seen = `${a.data.backend.name} ${a.dtype}`;
        return a.tanh().mul(tensor([1, 2, 3], [3], 'float64'));
      },
      [x],
    );
    expect(seen).toBe('reference float64');
    expect(result.maxAbsDiff).toBeLessThan(1e-8);
    x.dispose();
    await setBackend('reference');
  });
});
