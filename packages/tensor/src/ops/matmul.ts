/**
 * Matrix products. `matmul` follows PyTorch's rules: 1-D operands gain a dim that is dropped again,
 * and leading (batch) dims broadcast. The kernel sees `[B,M,K] @ [B,K,N]` with arbitrary strides, so a
 * transposed operand (`x.T`, `k.transpose(-2,-1)` in attention) is read in place, never copied.
 */
import { op } from '../engine.js';
import { broadcastShapes, fmt, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, checkDtype, wrap } from './util.js';
import { expand, reshape, unsqueeze } from './view.js';

/**
 * Matrix product with PyTorch `torch.matmul`'s rules: `[..., M, K] @ [..., K, N] -> [..., M, N]`, leading
 * (batch) dims broadcast, and a 1-D operand is treated as a row (left) or column (right) vector whose dim
 * is then dropped. float32 or float64; both operands must share a dtype. Throws when the inner dims
 * differ or an operand is 0-d.
 * @example
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]])).arraySync();   // [[17], [39]]
 * matmul(randn([8, 12, 197, 64]), randn([8, 12, 64, 197])).shape;      // [8, 12, 197, 197]
 * matmul(randn([2, 3]), randn([3])).shape;                             // [2]
 */
export const matmul = op('matmul', (a: Tensor, b: Tensor): Tensor => {
  const backend = backendOf('matmul', a, b);
  if (a.rank === 0 || b.rank === 0) throw new Error(`matmul: both operands need at least 1 dim, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  checkDtype('matmul', a, ['float32', 'float64']);
  if (a.dtype !== b.dtype) throw new Error(`matmul: dtypes differ (${a.dtype} and ${b.dtype})`);
  const a2 = a.rank === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.rank === 1 ? unsqueeze(b, 1) : b;
  const [m, k] = a2.shape.slice(-2);
  const [k2, n] = b2.shape.slice(-2);
  if (k !== k2) throw new Error(`matmul: inner dims differ: ${fmt(a.shape)} @ ${fmt(b.shape)} (${k} vs ${k2})`);
  const batch = broadcastShapes('matmul', a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const bsz = sizeOf(batch);
  // broadcast batch dims (stride 0), then merge them into one; reshape copies only when the layout forces it
  const a3 = reshape(expand(a2, [...batch, m, k]), [bsz, m, k]);
  const b3 = reshape(expand(b2, [...batch, k, n]), [bsz, k, n]);
  let outShape = [...batch, m, n];
  if (a.rank === 1) outShape = [...batch, n];
  if (b.rank === 1) outShape = a.rank === 1 ? [...batch] : [...batch, m];
  return wrap(backend, backend.matmul(a3, b3), outShape, a.dtype);
});
