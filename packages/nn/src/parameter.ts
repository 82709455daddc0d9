/**
 * A Parameter: the learnable state of a module (PyTorch's `nn.Parameter`). It is a leaf
 * {@link Variable} whose value can be replaced. Tensors are immutable, so where PyTorch updates
 * `p.data` in place, an optimizer step here computes a new tensor and `assign`s it; the Parameter
 * object — which the module and the optimizer both hold — stays the same.
 */
import { Variable } from '@setr-ts/autograd';
import { keep, type Tensor } from '@setr-ts/tensor';

/**
 * A learnable tensor of a module (PyTorch `nn.Parameter`): a leaf Variable that requires a gradient by
 * default and whose value an optimizer or a checkpoint load replaces with `assign`.
 * @example
 * const w = new Parameter(randn([4, 3]));
 * w.mul(w).sum().backward();   // w.grad = 2·w
 * w.assign(w.data.sub(w.grad!.mul(0.1)));
 */
export class Parameter extends Variable {
  // Variable's `data` and `requiresGrad` are readonly; a parameter is the one variable whose value and
  // trainability change over its life (optimizer steps, checkpoint loads, freezing).
  declare data: Tensor;
  declare requiresGrad: boolean;

  /**
   * Wraps `data` (no copy; the parameter owns it). Parameters outlive any `tidy` scope they are made
   * in: their tensors are kept.
   * @example const w = new Parameter(zeros([3, 4]));
   */
  constructor(data: Tensor, requiresGrad = true) {
    if (data.dtype === 'int32')
      throw new Error(`Parameter: a parameter must be a float tensor, got int32 of shape [${data.shape.join(',')}]`);
    data.assertAlive('Parameter');
    super(keep(data), requiresGrad, null);
  }

  /**
   * Replaces the value with `value`, disposing the old one; the parameter takes ownership of `value`.
   * The shape must stay; a different float dtype changes the parameter's (as `module.to('float64')`
   * does). The gradient is left as it is.
   * @example p.assign(p.data.sub(p.grad.mul(lr)));   // what SGD does
   */
  assign(value: Tensor): void {
    if (value === this.data) return;
    if (value.dtype === 'int32' || value.shape.length !== this.data.shape.length || value.shape.some((d, i) => d !== this.data.shape[i])) {
      throw new Error(
        `Parameter.assign: value ${value.dtype} [${value.shape.join(',')}] does not fit the parameter's ${this.data.dtype} [${this.data.shape.join(',')}]`,
      );
    }
    value.assertAlive('Parameter.assign');
    this.data.dispose();
    this.data = keep(value);
  }

  /** Freezes (false) or unfreezes (true) the parameter: a frozen one gets no gradient and optimizers skip it. */
  setRequiresGrad(flag: boolean): this {
    this.requiresGrad = flag;
    return this;
  }
}
