/** The affine map of a Linear layer. */
import { add, matmul, transpose, type Variable, type VariableLike } from '@setr-ts/autograd';

/**
 * y = x · Wᵀ + b over the last dim (PyTorch's `F.linear`): x `[..., in]`, weight `[out, in]` (PyTorch's
 * layout, so weights load unchanged), bias `[out]`. The transpose is a view the matmul reads in place.
 * @example linear(x, w, b)   // x [2, 197, 768], w [2304, 768] -> [2, 197, 2304]
 */
export function linear(x: Variable, weight: Variable, bias: VariableLike | null = null): Variable {
  const [out, inFeatures] = weight.shape;
  if (weight.rank !== 2 || x.shape[x.rank - 1] !== inFeatures) {
    throw new Error(
      `linear: input [${x.shape.join(',')}] does not fit weight [${weight.shape.join(',')}] (expected [..., ${inFeatures}] and [out, in])`,
    );
  }
  const y = matmul(x, transpose(weight, 0, 1));
  if (bias === null) return y;
  if (typeof bias !== 'number' && (bias.shape.length !== 1 || bias.shape[0] !== out))
    throw new Error(`linear: bias [${bias.shape.join(',')}] should be [${out}]`);
  return add(y, bias);
}
