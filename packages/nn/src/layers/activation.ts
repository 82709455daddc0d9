/** Activation layers: stateless modules around the functional forms, for use in containers. */
import { gelu, relu, type Variable } from '@setr-ts/autograd';
import { Module } from '../module.js';

/** max(0, x) (PyTorch's `nn.ReLU`). */
export class ReLU extends Module {
  /** `relu(x)` elementwise; any shape. */
  forward(x: Variable): Variable {
    return relu(x);
  }
}

/** x·Φ(x), the exact (erf) form (PyTorch's `nn.GELU()` default, and ViT's). */
export class GELU extends Module {
  /** `gelu(x)` elementwise (exact erf form); any shape. */
  forward(x: Variable): Variable {
    return gelu(x);
  }
}
