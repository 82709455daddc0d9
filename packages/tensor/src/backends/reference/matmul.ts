/** Batched matrix product over strided views: out[b,i,j] = Σ_k a[b,i,k] · b[b,k,j]. */
import type { TypedArray } from '../../dtype.js';
import type { Strided } from './strided.js';

export function matmul(a: Strided, b: Strided, out: TypedArray): TypedArray {
  const [batch, m, k] = a.shape;
  const n = b.shape[2];
  const [sa0, sa1, sa2] = a.strides;
  const [sb0, sb1, sb2] = b.strides;
  const [ad, bd] = [a.data, b.data];
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += ad[a.offset + p * sa0 + i * sa1 + q * sa2] * bd[b.offset + p * sb0 + q * sb1 + j * sb2];
        out[(p * m + i) * n + j] = s;
      }
    }
  }
  return out;
}
