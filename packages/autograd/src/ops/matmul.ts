/**
 * Matrix product with PyTorch's rules (1-D operands gain a dim, batch dims broadcast). For
 * y = a @ b the gradients are g @ bᵀ and aᵀ @ g, per batch; the transposes are views, so the kernel
 * reads them in place. Broadcast batch dims are then summed back by `unbroadcast`.
 */
import type { Tensor } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import { dataOf, record, type VariableLike } from '../record.js';
import { unbroadcast } from '../unbroadcast.js';
import type { Variable } from '../variable.js';

/** `a @ b` (PyTorch's `matmul` rules); gradients g @ bᵀ and aᵀ @ g, batch dims summed back where broadcast. */
export function matmul(a: VariableLike, b: VariableLike): Variable {
  const [x, z] = [dataOf(a), dataOf(b)];
  if (typeof x === 'number' || typeof z === 'number') throw new Error('matmul: both operands must be tensors or variables, not numbers');
  return record('matmul', T.matmul(x, z), [a, b], (save) => {
    const [xs, zs] = save(x, z);
    return (g, [na, nb]) => {
      // work at rank ≥ 2: a 1-D a is a row [1,K], a 1-D b a column [K,1], and g gets those dims back
      const a2 = xs.rank === 1 ? T.unsqueeze(xs, 0) : xs;
      const b2 = zs.rank === 1 ? T.unsqueeze(zs, 1) : zs;
      const batch = g.shape.slice(0, g.rank - (xs.rank === 1 ? 0 : 1) - (zs.rank === 1 ? 0 : 1));
      const g2 = T.reshape(g, [...batch, a2.shape[a2.rank - 2], b2.shape[b2.rank - 1]]);
      return [
        na ? T.reshape(unbroadcast(T.matmul(g2, T.transpose(b2, -2, -1)), a2.shape), xs.shape) : null,
        nb ? weightGrad(a2, b2, g2, zs.shape) : null,
      ];
    };
  });
}

/**
 * aᵀ @ g, summed over batch dims back to b's shape. When b is one matrix shared by a batch of a
 * (a linear layer: [..., K] @ [K, N]), the batch folds into the rows: one [K, rows] @ [rows, N]
 * product instead of a batch of products summed afterwards.
 */
function weightGrad(a2: Tensor, b2: Tensor, g2: Tensor, bShape: readonly number[]): Tensor {
  const k = a2.shape[a2.rank - 1];
  if (b2.rank === 2) return T.reshape(T.matmul(T.transpose(T.reshape(a2, [-1, k]), 0, 1), T.reshape(g2, [-1, b2.shape[1]])), bShape);
  return T.reshape(unbroadcast(T.matmul(T.transpose(a2, -2, -1), g2), b2.shape), bShape);
}
