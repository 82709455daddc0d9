/**
 * Batched matmul `[B,M,K] @ [B,K,N]` over strided views: one GEMM job whose packing reads each operand
 * through its own strides, so transposed operands (x.T, kᵀ in attention, Wᵀ in a backward pass) and
 * broadcast batches (batch stride 0) cost no copy.
 */
import type { View } from '../../backend.js';
import { addressOf } from './buffer.js';
import { gemm } from './gemm.js';
import { fill } from './layout.js';
import type { WasmRuntime } from './runtime.js';

export function matmul(rt: WasmRuntime, a: View, b: View, out: number): void {
  const [batch, m, k] = a.shape;
  const n = b.shape[2];
  if (k === 0) {
    fill(rt, out, batch * m * n, 0, 'float32'); // an empty sum
    return;
  }
  gemm(rt, {
    m,
    n,
    k,
    b1: batch,
    b2: 1,
    a: { ptr: addressOf(a), s1: a.strides[0], s2: 0, rs: a.strides[1], cs: a.strides[2] },
    b: { ptr: addressOf(b), s1: b.strides[0], s2: 0, rs: b.strides[1], cs: b.strides[2] },
    c: { ptr: out, s1: m * n, s2: 0, ld: n },
  });
}
