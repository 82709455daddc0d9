import { memory, onesLike, type Tensor, tensor } from '@setr-ts/tensor';
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { noGrad, parameter, tidy, type Variable } from '../src/index.js';
import { expectNoLeaks, normal64, positive64 } from './support/check.js';

/** Constant tensors an op below makes (masks, indices); each case frees them with its outputs. */
const constants: Tensor[] = [];
function constant(t: Tensor): Tensor {
  constants.push(t);
  return t;
}

/** Every op applied straight to parameters (no intermediates of the test's own). */
const OPS: [string, () => Tensor[], (...p: Variable[]) => Variable][] = [
  ['add (broadcast)', () => [normal64([2, 3], 1), normal64([3], 2)], (a, b) => a.add(b)],
  ['mul', () => [normal64([2, 3], 1), normal64([2, 1], 2)], (a, b) => a.mul(b)],
  ['div', () => [normal64([2, 3], 1), positive64([3], 2)], (a, b) => a.div(b)],
  ['pow', () => [positive64([3], 1), normal64([3], 2)], (a, b) => a.pow(b)],
  ['maximum', () => [normal64([2, 3], 1), normal64([3], 2)], (a, b) => a.maximum(b)],
  ['where', () => [normal64([2, 3], 1), normal64([3], 2)], (a, b) => ag.where(constant(tensor([1, 0, 1], undefined, 'int32')), a, b)],
  ['clamp', () => [normal64([4], 1)], (a) => a.clamp(-0.5, 0.5)],
  ['gelu', () => [normal64([4], 1)], (a) => a.gelu()],
  ['log', () => [positive64([4], 1)], (a) => a.log()],
  ['sum', () => [normal64([2, 3], 1)], (a) => a.sum(1)],
  ['mean', () => [normal64([2, 3], 1)], (a) => a.mean(0, true)],
  ['max', () => [normal64([2, 3], 1)], (a) => a.max(1)],
  ['var', () => [normal64([2, 3], 1)], (a) => a.var(1)],
  ['logsumexp', () => [normal64([2, 3], 1)], (a) => a.logsumexp(1)],
  ['softmax', () => [normal64([2, 3], 1)], (a) => a.softmax(0)],
  ['logSoftmax', () => [normal64([2, 3], 1)], (a) => a.logSoftmax(1)],
  ['layerNorm', () => [normal64([2, 3], 1), normal64([3], 2), normal64([3], 3)], (x, w, b) => ag.layerNorm(x, [3], w, b)],
  ['matmul (batched @ matrix)', () => [normal64([2, 2, 3], 1), normal64([3, 4], 2)], (a, b) => a.matmul(b)],
  ['matmul (vector @ batch)', () => [normal64([3], 1), normal64([2, 3, 4], 2)], (a, b) => a.matmul(b)],
  [
    'conv2d',
    () => [normal64([1, 2, 4, 4], 1), normal64([3, 2, 3, 3], 2), normal64([3], 3)],
    (x, w, b) => ag.conv2d(x, w, b, { padding: 1 }),
  ],
  ['interpolate', () => [normal64([1, 1, 2, 3], 1)], (x) => ag.interpolate(x, { scaleFactor: 2, mode: 'bilinear' })],
  ['pad', () => [normal64([2, 3], 1)], (x) => ag.pad(x, [1, 2, 0, 1])],
  ['cat', () => [normal64([2, 3], 1), normal64([1, 3], 2)], (a, b) => ag.cat([a, b])],
  ['stack', () => [normal64([2, 3], 1), normal64([2, 3], 2)], (a, b) => ag.stack([a, b], 1)],
  ['slice (stepped)', () => [normal64([2, 5], 1)], (x) => x.slice(1, 0, undefined, 2)],
  ['expand', () => [normal64([1, 3], 1)], (x) => x.expand([4, 3])],
  ['permute', () => [normal64([2, 3, 4], 1)], (x) => x.permute(2, 0, 1)],
  [
    'gather',
    () => [normal64([3, 2], 1)],
    (x) =>
      x.gather(
        0,
        constant(
          tensor(
            [
              [2, 0],
              [2, 2],
            ],
            undefined,
            'int32',
          ),
        ),
      ),
  ],
  ['indexSelect', () => [normal64([3, 2], 1)], (x) => x.indexSelect(0, constant(tensor([1, 1, 0], undefined, 'int32')))],
];

describe('memory: after backward and disposing outputs and parameters, memory() is back where it started', () => {
  for (const [name, inputs, op] of OPS) {
    it(name, () => {
      expectNoLeaks(() => {
        const params = inputs().map((t) => parameter(t));
        const out = op(...params);
        const g = onesLike(out.data);
        out.backward(g);
        expect(params.every((p) => p.grad !== null)).toBe(true);
        for (const t of [out, g, ...params, ...constants.splice(0)]) t.dispose();
      });
    });
  }

  it('split: every piece is disposed by the caller, the graph releases its own', () => {
    expectNoLeaks(() => {
      const x = parameter(normal64([5, 2], 1));
      const pieces = x.split(2);
      const y = ag.cat(pieces.slice(0, 2));
      const g = onesLike(y.data);
      y.backward(g);
      for (const t of [y, g, x, ...pieces]) t.dispose();
    });
  });

  it('a two-layer MLP in autograd tidy: intermediates freed at once, saved tensors freed by backward', () => {
    const before = memory();
    const x = variable64([4, 3], 1);
    const [w1, b1, w2] = [parameter(normal64([3, 5], 2)), parameter(normal64([5], 3)), parameter(normal64([5, 1], 4))];
    const afterParams = memory().numTensors;
    const loss = tidy(() => x.matmul(w1).add(b1).gelu().matmul(w2).square().mean());
    const held = memory().numTensors - afterParams; // loss + what the graph saved
    loss.backward();
    // backward released the saved tensors and added one gradient per parameter
    expect(memory().numTensors).toBe(afterParams + 1 + 3);
    expect(held).toBeGreaterThan(1);
    for (const t of [loss, x, w1, b1, w2]) t.dispose();
    expect(memory()).toEqual(before);
  });

  it('a graph built inside tidy but not returned is freed with it (no backward needed)', () => {
    const w = parameter(normal64([3, 3], 1));
    expectNoLeaks(() => {
      tidy(() => {
        w.matmul(w).softmax(-1).sum();
      });
    });
    w.dispose();
  });

  it('noGrad saves nothing: only the result is left', () => {
    const w = parameter(normal64([3, 3], 1));
    const before = memory().numTensors;
    const y = noGrad(() => tidy(() => w.matmul(w).exp().sum()));
    expect(memory().numTensors).toBe(before + 1);
    expect(y.requiresGrad).toBe(false);
    y.dispose();
    w.dispose();
  });

  it('zeroGrad and dispose free a parameter completely', () => {
    expectNoLeaks(() => {
      const w = parameter(normal64([2], 1));
      tidy(() => w.square().sum().backward());
      expect(w.grad).not.toBe(null); // survived the tidy: the gradient belongs to the parameter
      w.dispose();
    });
  });
});

function variable64(shape: number[], seed: number): Variable {
  return ag.variable(normal64(shape, seed));
}
