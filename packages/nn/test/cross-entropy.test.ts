/** crossEntropy against PyTorch's F.cross_entropy: loss and gradient, every reduction, weights, ignored pixels, label smoothing. */
import { variable } from '@setr-ts/autograd';
import { type DType, memory, type Tensor, tensor } from '@setr-ts/tensor';
import { describe, expect, it } from 'vitest';
import { F } from '../src/index.js';
import { expectClose, fixture, type TensorJson, toTensor } from './support/fixtures.js';

interface LossCase {
  logits: TensorJson;
  target: TensorJson;
  options: { reduction: 'mean' | 'sum' | 'none'; weight?: TensorJson; ignore_index?: number; label_smoothing?: number };
  loss: TensorJson;
  upstream: TensorJson;
  grad: TensorJson;
}

const cases = fixture<Record<string, LossCase>>('losses.json');

function run(c: LossCase, dtype: DType, tol: { rtol: number; atol: number }, name: string): void {
  const logits = variable(toTensor(c.logits, dtype), { requiresGrad: true });
  const o = c.options;
  const loss = F.crossEntropy(logits, toTensor(c.target, 'int32'), {
    reduction: o.reduction,
    weight: o.weight ? toTensor(o.weight, dtype) : null,
    ignoreIndex: o.ignore_index,
    labelSmoothing: o.label_smoothing,
  });
  expectClose(loss.data, c.loss, { ...tol, what: `${name} loss` });
  loss.backward(toTensor(c.upstream, dtype));
  expectClose(logits.grad as Tensor, c.grad, { ...tol, what: `${name} gradient` });
}

describe('crossEntropy matches PyTorch (float64)', () => {
  it.each(Object.keys(cases))('%s', (name) => run(cases[name], 'float64', { rtol: 1e-10, atol: 1e-12 }, name));
});

describe('crossEntropy matches PyTorch (float32)', () => {
  it.each(Object.keys(cases))('%s', (name) => run(cases[name], 'float32', { rtol: 1e-4, atol: 1e-5 }, name));
});

describe('crossEntropy edge cases', () => {
  it('is NaN when every target is ignored (mean), as in PyTorch, and 0 for sum', () => {
    const logits = variable(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      { requiresGrad: true },
    );
    const target = tensor(new Int32Array([255, 255]));
    expect(F.crossEntropy(logits, target, { ignoreIndex: 255 }).item()).toBeNaN();
    expect(F.crossEntropy(logits, target, { ignoreIndex: 255, reduction: 'sum' }).item()).toBe(0);
  });

  it('names a target outside the classes', () => {
    const logits = variable(tensor([[1, 2, 3]]));
    expect(() => F.crossEntropy(logits, tensor(new Int32Array([3])))).toThrow(
      /crossEntropy: a target is neither a class in \[0, 3\) nor ignoreIndex -100/,
    );
    expect(() => F.crossEntropy(logits, tensor(new Int32Array([-1])))).toThrow(/crossEntropy: a target is neither a class/);
  });

  it('leaves nothing behind but the loss and what its backward reads, also when it fails', () => {
    const logits = variable(tensor([[1, 2, 3]]), { requiresGrad: true });
    const [good, bad] = [tensor(new Int32Array([2])), tensor(new Int32Array([3]))];
    const before = memory().numTensors;
    expect(() => F.crossEntropy(logits, bad, { labelSmoothing: 0.1, weight: tensor([1, 2, 3]) })).toThrow(/crossEntropy: a target/);
    expect(memory().numTensors - before).toBe(1); // the weight made inside the expect's argument
    const loss = F.crossEntropy(logits, good);
    loss.backward();
    loss.dispose();
    expect(memory().numTensors - before).toBe(2); // that weight, and logits.grad
  });

  it('checks shapes and dtypes', () => {
    const logits = variable(tensor([[[[1]], [[2]]]])); // [1, 2, 1, 1]
    expect(() => F.crossEntropy(logits, tensor(new Int32Array([0])))).toThrow(/target \[1\] should be \[1,1,1\] for logits \[1,2,1,1\]/);
    expect(() => F.crossEntropy(logits, tensor([[[0]]]))).toThrow(/target must be int32 class indices, got float32/);
    expect(() => F.crossEntropy(logits, tensor(new Int32Array([0]), [1, 1, 1]), { weight: tensor([1, 2, 3]) })).toThrow(
      /weight \[3\] should be \[2\]/,
    );
    expect(() => F.crossEntropy(logits, tensor(new Int32Array([0]), [1, 1, 1]), { labelSmoothing: 1.5 })).toThrow(
      /labelSmoothing must lie in \[0, 1\]/,
    );
  });
});
